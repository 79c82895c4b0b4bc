//! Replays every input kept under `fuzz/regressions/<target>/` (crashes and slow inputs the
//! fuzzers or a torture run found) through the same harness the fuzz target runs, as an ordinary
//! test: a fixed bug stays fixed without anyone running the fuzzer.

mod common;

#[path = "../fuzz/harness.rs"]
mod harness;

fn replay(target: &str, run: impl Fn(&str, &[u8])) {
    let dir = common::root().join("fuzz/regressions").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        run(&name, &data);
    }
}

#[test]
fn extract_regressions() {
    replay("extract", |_, data| harness::extract(data));
}

#[test]
fn validate_raw_regressions() {
    replay("validate_raw", |_, data| {
        harness::validate_as("fuzz.txt", data)
    });
}

#[test]
fn validate_yaml_regressions() {
    replay("validate_yaml", |_, data| {
        harness::validate_as("fuzz.yaml", data)
    });
}

#[test]
fn validate_json_regressions() {
    replay("validate_json", |_, data| {
        harness::validate_as("fuzz.json", data)
    });
}
