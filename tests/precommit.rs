//! The pre-commit hook as pre-commit really runs it: `pre-commit try-repo` in a scratch
//! repository builds propex from this one and checks the records of a commit. Without
//! pre-commit the test says SKIPPED, unless `PROPEX_REQUIRE_SHARED=1` (as `.ci/run` sets, after
//! installing it with pip): then it fails.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn pre_commit() -> bool {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let required = std::env::var("PROPEX_REQUIRE_SHARED").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "PROPEX_REQUIRE_SHARED=1 but pre-commit is not installed"
        );
        eprintln!("SKIPPED: pre-commit is not installed (pip install pre-commit)");
    }
    found
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@example.org", "-c", "user.name=t"])
        .args(args)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

fn try_repo(dir: &Path) -> Output {
    Command::new("pre-commit")
        .current_dir(dir)
        .args(["try-repo"])
        .arg(common::root())
        .args(["propex-validate", "--all-files", "--verbose"])
        // pre-commit builds the hook with `cargo install`; its own target folder keeps the
        // build between runs (the first one takes minutes).
        .env("CARGO_TARGET_DIR", common::root().join("target/pre-commit"))
        .output()
        .unwrap()
}

#[test]
fn the_hook_checks_the_record_files_of_a_commit_together() {
    if !pre_commit() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let record = std::fs::read(common::root().join("fixtures/pipe/fullwidth_labels.txt")).unwrap();
    std::fs::create_dir(repo.join("records")).unwrap();
    std::fs::write(repo.join("records/a.txt"), &record).unwrap();
    // Not a record file: never handed to propex.
    std::fs::write(repo.join("notes.md"), "# notes\n").unwrap();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", "one record"]);
    let out = try_repo(repo);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("checked 1 file"), "{text}");

    // The same record under a second name: one propex run sees both files (require_serial),
    // so the duplicate number is found and the hook fails.
    std::fs::write(repo.join("records/b.txt"), &record).unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", "a copy"]);
    let out = try_repo(repo);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("error[duplicate-number]"), "{text}");
    assert!(text.contains("checked 2 files"), "{text}");
}
