//! The fuzz harness: what each fuzz target does with its input. The fuzz targets and the
//! ordinary `cargo test` replay of `fuzz/regressions/` (tests/fuzz_regressions.rs) include this
//! one file, so a kept crash is replayed by exactly the code that found it. A panic is a bug.

// Each fuzz target calls one of these functions.
#![allow(dead_code)]
use propex::emit::{self, Format};
use propex::validate::{self, Rules};
use propex::{Config, date::Date};

/// Extracts (with `spans`), then writes every record in every format; the YAML reads back equal.
pub fn extract(data: &[u8]) {
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    let Ok(x) = propex::extract("fuzz.txt", data, &config) else {
        return;
    };
    for r in x.records.iter().map(|e| &e.record) {
        for s in r
            .spans
            .iter()
            .flat_map(|m| m.values())
            .flat_map(|l| l.iter())
        {
            assert!(s.start <= s.end && s.end <= x.text.len(), "{s:?}");
            assert!(x.text.is_char_boundary(s.start) && x.text.is_char_boundary(s.end));
            assert!(s.line >= 1 && s.column >= 1, "{s:?}");
        }
        for format in [
            Format::Yaml,
            Format::Json,
            Format::Jsonl,
            Format::Csv,
            Format::Tsv,
        ] {
            let mut out = emit::header(format);
            emit::record(&mut out, r, format).expect("writing to memory cannot fail");
            assert!(std::str::from_utf8(&out).is_ok(), "{format:?} is not UTF-8");
        }
        let yaml = emit::to_string(r, Format::Yaml);
        let back: propex::Record = serde_yaml::from_str(&yaml).expect("the YAML reads back");
        assert_eq!(&back, r, "YAML round trip");
    }
    for d in &x.diagnostics {
        assert!(d.line >= 1 && d.col >= 1, "{d:?}");
    }
}

/// Checks the input as a file named `name` (the extension picks raw, YAML or JSON).
pub fn validate_as(name: &str, data: &[u8]) {
    let today = Date {
        year: 2026,
        month: 12,
        day: 1,
    };
    let fc = validate::check(name, Ok(data), &Config::default(), &Rules::default(), today);
    for d in &fc.diagnostics {
        assert!(d.line >= 1 && d.col >= 1, "{d:?}");
        assert!(d.offset <= fc.source.len().max(data.len()), "{d:?}");
    }
}
