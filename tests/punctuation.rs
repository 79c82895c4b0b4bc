//! Letters whose punctuation a crawler turned half-width read exactly like full-width ones: every
//! letter fixture and every letter of the corpus, rewritten with `: , ! ; ( )` in one width and
//! then in the other, gives the same fields (compared with the punctuation folded).

mod common;

use std::path::PathBuf;

use propex::{Config, extract};

const FULL: [char; 6] = ['：', '，', '！', '；', '（', '）'];
const HALF: [char; 6] = [':', ',', '!', ';', '(', ')'];

fn rewrite(t: &str, from: &[char; 6], to: &[char; 6]) -> String {
    t.chars()
        .map(|c| from.iter().position(|&f| f == c).map_or(c, |i| to[i]))
        .collect()
}

/// The fields a reader of the record cares about, punctuation folded to half-width.
fn fields(name: &str, text: &str) -> Vec<String> {
    let Ok(x) = extract(name, text.as_bytes(), &Config::default()) else {
        return vec!["no record".into()];
    };
    x.records
        .iter()
        .map(|e| &e.record)
        .map(|r| {
            let reply = r.reply.clone().unwrap_or_default();
            let v = serde_json::json!({
                "kind": r.kind, "number": r.number, "proposers": r.proposers, "title": r.title,
                "units": r.units, "category": r.category, "doc_number": r.doc_number,
                "date": reply.date, "signature": reply.signature, "contacts": reply.contacts,
                "cc": reply.cc, "sections": reply.sections.len(), "measures": reply.measures.len(),
            });
            rewrite(&v.to_string(), &FULL, &HALF)
        })
        .collect()
}

fn letters() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = common::fixtures()
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            (s.contains("/letter/") || s.contains("/real/")) && s.ends_with(".txt")
        })
        .map(|p| common::root().join(p))
        .collect();
    if let Some(dir) = common::shared("corpus/letters") {
        let mut corpus: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        corpus.sort();
        files.extend(corpus);
    }
    files
}

#[test]
fn half_and_full_width_punctuation_read_alike() {
    let files = letters();
    assert!(files.len() >= 10, "{files:?}");
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue; // not UTF-8: the encoding fixtures are checked elsewhere
        };
        let name = f.display().to_string();
        let half = fields(&name, &rewrite(&text, &FULL, &HALF));
        let full = fields(&name, &rewrite(&text, &HALF, &FULL));
        assert_eq!(half, full, "{name}: half-width vs full-width punctuation");
    }
}
