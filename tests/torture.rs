//! What a torture run found: inputs that made propex hang, lose outputs, depend on thread timing,
//! or let a bad record past `validate`. Each test failed before its fix. Runs that could hang
//! carry a timeout, so a regression fails instead of stalling the suite. The quadratic paths are
//! checked by `scripts/complexity.sh` (time at n and 4n), not here: tests assert no timings.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

fn propex() -> Command {
    let mut c = Command::cargo_bin("propex").unwrap();
    // A hang is a failure, not a stalled suite.
    c.timeout(Duration::from_secs(60));
    c
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fixtures").join(rel)).unwrap()
}

fn put(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

/// Item 1: `--files-from` naming a folder: one error, exit 2 (it printed the same error forever).
#[test]
fn files_from_a_folder_is_one_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["extract", "validate"] {
        let out = propex()
            .args([sub, "--files-from"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{sub}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{sub}: {stderr}");
        assert!(stderr.contains("is a folder"), "{sub}: {stderr}");
    }
}

/// Item 6: Documents written on the `---` line are documents: `--- 42` is not "0 records".
#[test]
fn yaml_documents_on_the_marker_line_are_checked() {
    for doc in ["--- 42\n", "--- {kind: 5}\n", "--- ~\n", "--- \"text\"\n"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.yaml");
        std::fs::write(&path, doc).unwrap();
        propex()
            .args(["validate", "--format", "json"])
            .arg(&path)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("schema-error"));
    }
}

/// Item 7: An integer too large for the record types fails the schema, and a record the rules cannot
/// read is an error, never skipped.
#[test]
fn an_overflowing_integer_is_an_error() {
    let good = propex()
        .args(["extract", "-q", "-f", "json"])
        .arg(common::root().join("fixtures/outline/dun_alone.txt"))
        .output()
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    v["title"] = serde_json::Value::Null;
    let text = serde_json::to_string_pretty(&v).unwrap().replacen(
        "\"record\": 1",
        "\"record\": 99999999999999999999999",
        1,
    );
    assert!(text.contains("99999999999999999999999"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    std::fs::write(&path, text).unwrap();
    let out = propex()
        .args(["validate", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("schema-error"), "{stdout}");
    assert!(stdout.contains("source.record"), "{stdout}");
}

/// Item 8: A FIFO in a walked folder is skipped (said with `-v`), never opened: the run ends.
#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_skipped_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("in/a.txt"),
        &fixture("outline/dun_alone.txt"),
    );
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("in/b.txt"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    put(
        &dir.path().join("in/c.txt"),
        &fixture("letter/plain_full.txt"),
    );
    for threads in ["1", "2"] {
        let out = propex()
            .args(["extract", "-v", "-f", "jsonl", "-j", threads])
            .arg(dir.path().join("in"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("b.txt: skipped: a FIFO"), "{stderr}");
    }
    // without -v nothing is said; validate passes it over too
    propex()
        .args(["extract", "-q"])
        .arg(dir.path().join("in"))
        .assert()
        .code(0)
        .stderr("");
    let out = propex()
        .args(["validate"])
        .arg(dir.path().join("in"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("checked 2 files"), "{stdout}");
}

/// Item 9: Two inputs that map to one output: the first in input order wins, whatever `-j` says and
/// however long each takes.
#[test]
fn out_dir_collisions_go_to_the_first_input_in_order() {
    let dir = tempfile::tempdir().unwrap();
    // The first input is slow (a long reply), the second quick: timing favours the second.
    let mut slow = fixture("outline/dun_alone.txt");
    slow.truncate(slow.len() - 1);
    let body = "。 测试段落内容，".repeat(20_000);
    slow.extend_from_slice(body.as_bytes());
    slow.extend_from_slice(b" |\n");
    put(&dir.path().join("first/x.txt"), &slow);
    // Work goes out four files a task: fillers put the second input in a task of its own.
    for i in 1..=3 {
        put(
            &dir.path().join(format!("first/y{i}.txt")),
            &fixture("outline/dun_alone.txt"),
        );
    }
    put(
        &dir.path().join("second/x.txt"),
        &fixture("letter/plain_full.txt"),
    );
    for run in 0..6 {
        let out_dir = dir.path().join(format!("out{run}"));
        let out = propex()
            .args(["extract", "-j", "2", "-f", "json", "-o"])
            .arg(&out_dir)
            .arg(dir.path().join("first"))
            .arg(dir.path().join("second"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("second/x.txt: refusing to write"),
            "run {run}: {stderr}"
        );
        let written = std::fs::read_to_string(out_dir.join("x.json")).unwrap();
        assert!(written.contains("first/x.txt"), "run {run}");
    }
}

/// Item 10: Outputs are created with the umask's mode (not 0600), and a read-only output is not
/// replaced.
#[cfg(unix)]
#[test]
fn outputs_follow_the_umask_and_read_only_ones_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("in/a.txt"),
        &fixture("outline/dun_alone.txt"),
    );
    let bin = assert_cmd::cargo::cargo_bin("propex");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022 && exec \"$0\" extract -q -o \"$1\" \"$2\"")
        .arg(&bin)
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = dir.path().join("out/a.yaml");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);

    std::fs::write(&out, "kept").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).unwrap();
    propex()
        .args(["extract", "-q", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept");
}

/// Item 11: An input's outputs are written all or none: a 3-record input whose 2nd output cannot be
/// written leaves none of them.
#[cfg(unix)]
#[test]
fn an_input_writes_all_its_outputs_or_none() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("in/x.txt"),
        &fixture("pipe/concatenated.txt"),
    );
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink("/tmp", dir.path().join("out/x.2.yaml")).unwrap();
    propex()
        .args(["extract", "-q", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("symbolic link"));
    assert!(!dir.path().join("out/x.1.yaml").exists());
    assert!(!dir.path().join("out/x.3.yaml").exists());
    assert_eq!(files_under(&dir.path().join("out")), Vec::<String>::new());
}

/// Item 11: With `--fail-fast -j2 -o`, what the summary counts is what is on disk.
#[test]
fn fail_fast_leaves_on_disk_what_the_summary_counts() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let name = format!("in/{i:03}.txt");
        let bytes = if i == 7 {
            fixture("bad/not_a_record.txt")
        } else {
            fixture("outline/dun_alone.txt")
        };
        put(&dir.path().join(name), &bytes);
    }
    for _ in 0..3 {
        let out_dir = tempfile::tempdir().unwrap();
        let out = propex()
            .args(["extract", "--fail-fast", "-j", "2", "-o"])
            .arg(out_dir.path())
            .arg(dir.path().join("in"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let summary = stderr.lines().last().unwrap();
        let written: usize = summary
            .split(", ")
            .find(|p| p.ends_with("written"))
            .and_then(|p| p.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{summary}"));
        assert_eq!(files_under(out_dir.path()).len(), written, "{summary}");
        assert_eq!(written, 7, "the inputs before the failed one: {summary}");
    }
}

/// Item 12: `-o DIR DIR`: the output folder is never read as input, not even on the second run.
#[test]
fn the_output_folder_named_as_input_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("out/a.txt"),
        &fixture("outline/dun_alone.txt"),
    );
    for _ in 0..2 {
        propex()
            .current_dir(dir.path())
            .args(["extract", "-q", "-o", "out", "out"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("never read as input"));
    }
    assert_eq!(files_under(&dir.path().join("out")), vec!["a.txt"]);
}

/// Item 13: Temporary files that a killed run left are removed by the next run; other files stay.
#[test]
fn stale_temporary_files_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("in/a.txt"),
        &fixture("outline/dun_alone.txt"),
    );
    let stale = dir.path().join("out/sub/.propex-AbC123.tmp");
    put(&stale, b"half");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    put(&dir.path().join("out/.propex-notes.txt"), b"mine");
    put(&dir.path().join("out/.propex-toolong1.tmp"), b"mine");
    propex()
        .args(["extract", "-q", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in"))
        .assert()
        .code(0);
    assert!(!stale.exists());
    assert_eq!(
        files_under(&dir.path().join("out")),
        vec![".propex-notes.txt", ".propex-toolong1.tmp", "a.yaml"]
    );
}

/// Item 14: A newline in a file name cannot split a message or forge a `propex:` line.
#[cfg(unix)]
#[test]
fn control_characters_in_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("in/x\npropex: forged.txt"),
        &fixture("bad/not_a_record.txt"),
    );
    let out = propex()
        .args(["extract"])
        .arg(dir.path().join("in"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.lines().any(|l| l.starts_with("propex: forged")),
        "{stderr}"
    );
    assert!(stderr.contains("x\\npropex: forged.txt"), "{stderr}");
    let out = propex()
        .args(["validate"])
        .arg(dir.path().join("in"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("x\\npropex: forged.txt"), "{stdout}");
}

/// Item 15: Names that are not UTF-8 are kept exactly: two of them never collide.
#[cfg(unix)]
#[test]
fn non_utf8_names_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = |b: &[u8]| std::ffi::OsStr::from_bytes(b).to_os_string();
    let made = std::fs::create_dir_all(dir.path().join("in")).and_then(|_| {
        std::fs::write(
            dir.path().join("in").join(name(b"a\xff.txt")),
            fixture("outline/dun_alone.txt"),
        )
    });
    if made.is_err() {
        eprintln!("SKIPPED: this file system refuses names that are not UTF-8");
        return;
    }
    std::fs::write(
        dir.path().join("in").join(name(b"a\xfe.txt")),
        fixture("letter/plain_full.txt"),
    )
    .unwrap();
    let out = propex()
        .args(["extract", "-f", "jsonl", "-o"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out_dir = dir.path().join("out");
    assert!(out_dir.join(name(b"a\xff.jsonl")).exists());
    assert!(out_dir.join(name(b"a\xfe.jsonl")).exists());
    let first = std::fs::read_to_string(out_dir.join(name(b"a\xff.jsonl"))).unwrap();
    assert!(first.contains("a\\\\xff.txt"), "{first}");
}

/// `--max-bytes` guards converted YAML / JSON in `validate` as it guards raw records.
#[test]
fn max_bytes_guards_converted_records_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::write(&path, format!("[{}]", "1,".repeat(10_000) + "1")).unwrap();
    propex()
        .args(["validate", "--max-bytes", "1K"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("larger than --max-bytes"));
}
