//! Golden output of every fixture: the YAML the CLI would print and the warnings it would give
//! (or the error line), snapshotted with insta; every record also validated against the schema.

mod common;

use propex::emit::{self, Format};
use propex::{Config, extract};

fn render(rel: &str, bytes: &[u8]) -> (String, Vec<propex::Record>) {
    match extract(rel, bytes, &Config::default()) {
        Ok(x) => {
            common::assert_nothing_lost(rel, &x);
            let mut s = String::new();
            for d in &x.diagnostics {
                s.push_str(&format!(
                    "# {}[{}] {}:{}: {}\n",
                    d.severity, d.code, d.line, d.col, d.message
                ));
            }
            for r in x.records.iter().map(|e| &e.record) {
                s.push_str(&emit::to_string(r, Format::Yaml));
            }
            (s, x.records.into_iter().map(|e| e.record).collect())
        }
        Err(e) => (format!("error: {e}\n"), Vec::new()),
    }
}

#[test]
fn every_fixture_matches_its_snapshot_and_the_schema() {
    let fixtures = common::fixtures();
    assert!(fixtures.len() >= 20, "fixtures went missing: {fixtures:?}");
    for path in fixtures {
        let rel = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(common::root().join(&path)).unwrap();
        let (text, records) = render(&rel, &bytes);
        let name = rel
            .trim_start_matches("fixtures/")
            .replace(['/', '.'], "__");
        insta::assert_snapshot!(name, text);

        for r in &records {
            // The YAML reads back (with serde_yaml) as the very same record.
            let yaml = emit::to_string(r, Format::Yaml);
            let back: propex::Record = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(&back, r, "{rel}: YAML round trip");
            // propex's JSON writer prints what serde_json would, byte for byte.
            assert_eq!(
                emit::to_string(r, Format::Json),
                serde_json::to_string_pretty(r).unwrap() + "\n"
            );
            // What the JSON emitters print is what the schema describes.
            for format in [Format::Json, Format::Jsonl] {
                let out = emit::to_string(r, format);
                let value: serde_json::Value = serde_json::from_str(&out).unwrap();
                common::assert_valid(&rel, &value);
            }
        }
    }
}

/// Turning the origin off (as `propex extract` does) changes nothing in the records.
#[test]
fn records_are_the_same_without_origin() {
    let lean = Config {
        origin: false,
        ..Config::default()
    };
    let mut with_letters = 0;
    for path in common::fixtures() {
        let rel = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(common::root().join(&path)).unwrap();
        let (Ok(full), Ok(bare)) = (
            extract(&rel, &bytes, &Config::default()),
            extract(&rel, &bytes, &lean),
        ) else {
            continue;
        };
        let records = |x: &propex::Extraction| -> Vec<propex::Record> {
            x.records.iter().map(|e| e.record.clone()).collect()
        };
        assert_eq!(records(&full), records(&bare), "{rel}");
        assert_eq!(full.diagnostics, bare.diagnostics, "{rel}");
        assert!(
            bare.records.iter().all(|e| e.origin.pieces.is_empty()),
            "{rel}"
        );
        with_letters += full
            .records
            .iter()
            .filter(|e| !e.origin.pieces.is_empty())
            .count();
    }
    assert!(
        with_letters >= 10,
        "too few fixtures with a reply: {with_letters}"
    );
}
