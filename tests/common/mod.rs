//! Helpers shared by the integration tests: the fixture list and the published schema.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `fixtures/`, sorted, as paths relative to the repository root.
pub fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n != "README.md") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("fixtures"), &mut out);
    out.into_iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect()
}

/// A validator for `schemas/record.schema.json` as committed.
pub fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schemas/record.schema.json"))
            .expect("schemas/record.schema.json is committed");
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::draft202012::new(&schema).expect("the published schema compiles")
    })
}

/// Validates one JSON value against the published schema, listing every error.
pub fn assert_valid(what: &str, value: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: schema errors:\n{}",
        errors.join("\n")
    );
}
