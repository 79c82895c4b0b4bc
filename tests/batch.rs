//! `propex extract` at archive scale: folders, lists, parallel order, --out-dir safety, the CSV
//! index, and how failures are reported.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn propex() -> Command {
    Command::cargo_bin("propex").unwrap()
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fixtures").join(rel)).unwrap()
}

fn put(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A small crawl: nested folders of good records, a broken one, a binary one, a hidden one.
fn crawl() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    put(
        &d.join("crawl/2022/a.txt"),
        &fixture("pipe/fullwidth_labels.txt"),
    );
    put(
        &d.join("crawl/2022/b.txt"),
        &fixture("pipe/concatenated.txt"),
    );
    put(
        &d.join("crawl/2023/c.txt"),
        &fixture("letter/plain_full.txt"),
    );
    put(
        &d.join("crawl/2023/deep/d.txt"),
        &fixture("encoding/gbk.txt"),
    );
    put(
        &d.join("crawl/2023/broken.txt"),
        &fixture("bad/not_a_record.txt"),
    );
    put(&d.join("crawl/2023/image.png"), &fixture("bad/binary.png"));
    put(
        &d.join("crawl/.hidden/e.txt"),
        &fixture("pipe/missing_rows.txt"),
    );
    put(
        &d.join("crawl/2023/.f.txt"),
        &fixture("pipe/missing_rows.txt"),
    );
    dir
}

#[test]
fn a_nested_folder_converts_every_good_file_and_names_each_bad_one() {
    let dir = crawl();
    let assert = propex()
        .current_dir(dir.path())
        .args(["extract", "-f", "jsonl", "crawl"])
        .assert()
        .code(1);
    let out = assert.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let paths: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // sorted walk order, records of one file together, hidden entries skipped
    assert_eq!(
        paths,
        [
            "crawl/2022/a.txt",
            "crawl/2022/b.txt",
            "crawl/2022/b.txt",
            "crawl/2022/b.txt",
            "crawl/2023/c.txt",
            "crawl/2023/deep/d.txt"
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("propex: crawl/2023/broken.txt: no record found"),
        "{stderr}"
    );
    // Folders give their record files only: an image among them is not an input.
    assert!(!stderr.contains("image.png"), "{stderr}");
    assert!(
        stderr.contains("propex: 5 files read, 6 records written, 1 file failed"),
        "{stderr}"
    );
    // Named, it is read, and refused for what it is.
    propex()
        .current_dir(dir.path())
        .args(["extract", "crawl/2023/image.png"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "crawl/2023/image.png: binary data",
        ));
    assert!(!stderr.contains(".hidden") && !stderr.contains(".f.txt"));
}

#[test]
fn globs_filter_folders_but_not_named_files() {
    let dir = crawl();
    propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "jsonl",
            "--glob",
            "2022/*.txt",
            "crawl",
            "crawl/2023/c.txt",
        ])
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| s.lines().count() == 5));
    propex()
        .args(["extract", "--glob", "[", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--glob"));
}

#[test]
fn output_order_is_the_same_for_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        "pipe/fullwidth_labels.txt",
        "pipe/concatenated.txt",
        "letter/plain_full.txt",
        "outline/four_levels.txt",
        "encoding/big5_roc_date.txt",
        "bad/empty.txt",
    ];
    for i in 0..60 {
        let mut bytes = fixture(sources[i % sources.len()]);
        // vary the sizes so that files finish out of order
        if i % 7 == 0 {
            let copy = bytes.clone();
            for _ in 0..40 {
                bytes.extend_from_slice(&copy);
            }
        }
        put(&dir.path().join(format!("f/{:02}/{i}.txt", i % 9)), &bytes);
    }
    let run = |jobs: &str| {
        propex()
            .current_dir(dir.path())
            .args(["extract", "-q", "-f", "jsonl", "-j", jobs, "f"])
            .assert()
            .code(1)
            .get_output()
            .clone()
    };
    let one = run("1");
    let four = run("4");
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stderr, four.stderr);
}

#[test]
fn out_dir_mirrors_paths_and_numbers_several_records() {
    let dir = crawl();
    propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-o", "out", "crawl", "crawl/2023/c.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let out = dir.path().join("out");
    let mut files: Vec<PathBuf> = walk(&out);
    files.sort();
    let rel: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert_eq!(
        rel,
        [
            "2022/a.yaml",
            "2022/b.1.yaml",
            "2022/b.2.yaml",
            "2022/b.3.yaml",
            "2023/c.yaml",
            "2023/deep/d.yaml",
            "crawl/2023/c.yaml",
        ]
    );
    let record: propex::Record =
        serde_yaml::from_str(&std::fs::read_to_string(out.join("2022/b.2.yaml")).unwrap()).unwrap();
    assert_eq!(record.source.record, 2);
    // JSON per file too
    propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "json",
            "-o",
            "out-json",
            "crawl/2022",
        ])
        .assert()
        .success();
    assert!(dir.path().join("out-json/b.3.json").is_file());
    // an index is one file, not one per record
    propex()
        .current_dir(dir.path())
        .args(["extract", "-f", "csv", "-o", "x", "crawl"])
        .assert()
        .code(2);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn out_dir_refuses_to_escape_through_a_symlink_or_dot_dot() {
    let dir = crawl();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    // out/2022 leads outside the output folder
    std::os::unix::fs::symlink(&outside, dir.path().join("out/2022")).unwrap();
    let climbing = format!(
        "../{}/crawl/2023/c.txt",
        dir.path().file_name().unwrap().to_string_lossy()
    );
    let assert = propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-o", "out", "crawl", &climbing])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert!(
        walk(&outside).is_empty(),
        "nothing was written through the link"
    );
    // `..` in an input path never climbs out: the file lands under its own name
    assert!(dir.path().join("out/c.yaml").is_file());
    // the other files still converted
    assert!(dir.path().join("out/2023/deep/d.yaml").is_file());
}

#[test]
fn an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    // A raw record whose output name is its own name.
    let input = dir.path().join("in/x.yaml");
    put(&input, &fixture("pipe/missing_rows.txt"));
    let before = std::fs::read(&input).unwrap();
    // a folder that is also the output folder is not read at all
    propex()
        .current_dir(dir.path())
        .args(["extract", "-o", "in", "in"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("never read as input"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // named, next to its output
    propex()
        .current_dir(dir.path().join("in"))
        .args(["extract", "-o", ".", "x.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("it is the input file itself"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn the_output_folder_is_not_read_as_input() {
    let dir = crawl();
    for _ in 0..2 {
        propex()
            .current_dir(dir.path())
            .args(["extract", "-q", "-o", "crawl/out", "crawl"])
            .assert()
            .code(1);
    }
    assert!(!dir.path().join("crawl/out/out").exists());
}

#[test]
fn files_from_a_nul_separated_list() {
    let dir = crawl();
    let list = b"crawl/2022/a.txt\0crawl/2023/deep/d.txt\0\0crawl/2023/c.txt\0";
    propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-f", "jsonl", "--files-from", "-", "-0"])
        .write_stdin(&list[..])
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| {
            let paths: Vec<String> = s
                .lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]["path"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            paths
                == [
                    "crawl/2022/a.txt",
                    "crawl/2023/deep/d.txt",
                    "crawl/2023/c.txt",
                ]
        }));
    // a newline-separated list in a file
    put(
        &dir.path().join("list.txt"),
        b"crawl/2022/a.txt\r\ncrawl/2023/c.txt\n",
    );
    propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-f", "jsonl", "--files-from", "list.txt"])
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| s.lines().count() == 2));
    // -0 needs a list; stdin cannot be both the list and an input
    propex().args(["extract", "-0", "x"]).assert().code(2);
    propex()
        .args(["extract", "--files-from", "-", "-"])
        .assert()
        .code(2);
}

#[test]
fn csv_index_with_header_and_neutralised_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let record = "提出者: | =HYPERLINK(\"http://x\") | 提案号: | 9 | |\n标题: | +关于测试的提案 | |||\n答复内容: | @某某: 您提出的提案收悉。 |\n";
    put(&dir.path().join("evil.txt"), record.as_bytes());
    let out = propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-f", "csv", "evil.txt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut rdr = csv::Reader::from_reader(&out[..]);
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), propex::emit::COLUMNS);
    let row = rdr.records().next().unwrap().unwrap();
    assert_eq!(&row[0], "evil.txt");
    assert_eq!(&row[4], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&row[5], "'+关于测试的提案");
    // TSV: same columns, tab-separated
    propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-f", "tsv", "evil.txt"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("path\trecord\tkind\t"));
}

#[test]
fn max_bytes_and_fail_fast() {
    let dir = crawl();
    propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "jsonl",
            "--max-bytes",
            "1K",
            "crawl/2022/a.txt",
            "crawl/2023/c.txt",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "crawl/2022/a.txt: larger than --max-bytes",
        ));
    let assert = propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "jsonl",
            "-j",
            "2",
            "--fail-fast",
            "crawl/2022/a.txt",
            "crawl/2023/broken.txt",
            "crawl/2023/c.txt",
        ])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "nothing after the failure"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file failed"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let dir = crawl();
    std::os::unix::fs::symlink(dir.path().join("crawl"), dir.path().join("crawl/2022/loop"))
        .unwrap();
    let assert = propex()
        .current_dir(dir.path())
        .args(["extract", "-q", "-f", "jsonl", "crawl/2022"])
        .assert()
        .code(1);
    let out = assert.get_output();
    assert!(String::from_utf8_lossy(&out.stderr).contains("symlink loop"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
}

#[test]
fn progress_goes_to_stderr_only() {
    let dir = crawl();
    let plain = propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "jsonl",
            "--progress",
            "never",
            "crawl",
        ])
        .output()
        .unwrap();
    let with_bar = propex()
        .current_dir(dir.path())
        .args([
            "extract",
            "-q",
            "-f",
            "jsonl",
            "--progress",
            "always",
            "crawl",
        ])
        .output()
        .unwrap();
    assert_eq!(plain.stdout, with_bar.stdout);
}
