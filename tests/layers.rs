//! The library's modules import one way: each from the modules of lower layers only, never from
//! a stage after it or from the crate root's facade. This test reads every `crate::…` path in
//! `src/` (outside the binary) and fails on a path that climbs.

use std::collections::BTreeSet;
use std::path::Path;

/// Layers, lowest first. A module may name modules of lower layers only; the layers that run
/// the pipeline may also name the crate root's items (`crate::extract`, `crate::Config`).
const LAYERS: &[&[&str]] = &[
    // Leaves: the output types, diagnostics, byte scanning.
    &["record", "diag", "scan"],
    // Dates (a date that does not read names its rule).
    &["date"],
    // The wording every stage reads.
    &["vocab"],
    // Paragraphs and outline markers, shared by `fields` and `reply`.
    &["text"],
    // The pipeline, in order.
    &["decode"],
    // HTML pages and Word documents flattened to pipe text.
    &["page"],
    &["cells"],
    &["fields"],
    &["reply"],
    &["assemble"],
    &["emit"],
    // On top: they run the pipeline (through the crate root's `extract`).
    &["validate", "batch", "eval"],
    // The review page reads records and what `validate` says of them.
    &["review"],
];

/// The first layer that may name the crate root's items: the ones that run the pipeline.
const RUNNERS: usize = LAYERS.len() - 2;

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The first segment of every `crate::` path in `code`, grouped imports (`crate::{a, b::c}`)
/// included; `""` for the crate root's own items.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    out.insert(segment(item.trim()));
                }
            } else {
                out.insert(segment(rest));
            }
        }
    }
    out
}

/// The module a path starts with, or `""` when it names an item of the crate root (an
/// uppercase type or a function called through the facade).
fn segment(path: &str) -> String {
    let name: String = path
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if layer(&name).is_some() {
        name
    } else {
        String::new()
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn violations() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "bin" {
            continue;
        }
        let Some(own) = layer(&module) else {
            out.push(format!(
                "src/{}: module `{module}` has no layer in tests/layers.rs",
                rel.display()
            ));
            continue;
        };
        let code = std::fs::read_to_string(&file).unwrap();
        for used in crate_paths(&code) {
            if used == module {
                continue;
            }
            let ok = match layer(&used) {
                Some(l) => l < own,
                None => own >= RUNNERS,
            };
            if !ok {
                let what = if used.is_empty() {
                    "the crate root".to_string()
                } else {
                    format!("`{used}`")
                };
                out.push(format!(
                    "src/{}: `{module}` imports from {what}, which is not below it",
                    rel.display()
                ));
            }
        }
    }
    out
}

#[test]
fn stages_import_only_from_below() {
    let v = violations();
    assert!(
        v.is_empty(),
        "imports against the pipeline:\n{}",
        v.join("\n")
    );
}

/// The check itself sees a climb, in both spellings of an import.
#[test]
fn a_climb_is_seen() {
    let code = "use crate::reply::letter;\nuse crate::{cells::Cell, Config};\n// crate::emit in a comment\n";
    let found = crate_paths(code);
    assert_eq!(
        found,
        ["", "cells", "reply"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    assert!(layer("reply") > layer("fields"));
}
