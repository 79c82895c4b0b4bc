//! What users of other command-line tools reach for: completions and a man page, `--output`,
//! `--bom` for Excel, colour control, and exit codes that survive a closed pipe.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn propex() -> Command {
    let mut cmd = Command::cargo_bin("propex").unwrap();
    cmd.current_dir(common::root());
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

const GOOD: &str = "fixtures/pipe/fullwidth_labels.txt";
const WARNS: &str = "fixtures/warn/mojibake_and_bad_date.txt";

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().get_output().stdout.clone()).unwrap()
}

#[test]
fn completions_name_every_subcommand_and_flag() {
    use clap::ValueEnum;
    let subcommands = [
        "extract",
        "validate",
        "eval",
        "review",
        "rules",
        "schema",
        "completions",
        "man",
    ];
    // Every long flag any subcommand's --help shows.
    let mut flags = std::collections::BTreeSet::new();
    for sub in subcommands {
        let help = stdout(propex().args([sub, "--help"]));
        for word in help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']') {
            let flag = word.split('=').next().unwrap_or("");
            if flag.starts_with("--")
                && flag.len() > 3
                && flag[2..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            {
                flags.insert(flag.to_string());
            }
        }
    }
    assert!(flags.len() > 25, "{flags:?}");
    for shell in clap_complete::Shell::value_variants() {
        let name = shell.to_possible_value().unwrap().get_name().to_string();
        let script = stdout(propex().args(["completions", &name]));
        assert!(!script.is_empty(), "{name}");
        for word in subcommands {
            assert!(script.contains(word), "{name}: no {word}");
        }
        for flag in &flags {
            // fish writes `-l flag`: the name without its dashes.
            let bare = flag.trim_start_matches('-');
            assert!(
                script.contains(flag.as_str()) || script.contains(&format!("-l {bare}")),
                "{name}: no {flag}"
            );
        }
    }
    propex().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_has_a_page_per_subcommand() {
    let roff = stdout(propex().arg("man"));
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH propex 1"),
        "{roff:.200}"
    );
    for sub in ["extract", "validate", "eval", "review", "schema"] {
        assert!(
            roff.contains(&format!(".TH propex-{sub} 1")),
            "no page for {sub}"
        );
    }
}

#[test]
fn output_files_appear_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("records.jsonl");
    propex()
        .args(["extract", "-f", "jsonl", "--output"])
        .arg(&out)
        .arg(GOOD)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        written,
        stdout(propex().args(["extract", "-f", "jsonl", GOOD]))
    );
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);

    let report = dir.path().join("report.txt");
    propex()
        .args(["validate", "--output"])
        .arg(&report)
        .arg(WARNS)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("error[bad-date]"), "{text}");
    // A folder that does not exist: a clear error, exit 2, nothing written.
    propex()
        .args(["extract", "--output", "no/such/dir/x.yaml", GOOD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write no/such/dir/x.yaml"));
    propex()
        .args(["extract", "--output", "x.yaml", "--out-dir"])
        .arg(dir.path().join("o"))
        .arg(GOOD)
        .assert()
        .code(2);
}

#[test]
fn bom_starts_the_index_only() {
    for format in ["csv", "tsv"] {
        let out = propex()
            .args(["extract", "-f", format, "--bom", GOOD])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(out.starts_with("\u{feff}path".as_bytes()), "{format}");
        assert_eq!(out.windows(3).filter(|w| w == b"\xef\xbb\xbf").count(), 1);
    }
    let plain = propex()
        .args(["extract", "-f", "csv", GOOD])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert!(plain.starts_with(b"path"));
    propex()
        .args(["extract", "-f", "json", "--bom", GOOD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bom"));
}

#[test]
fn colour_follows_the_flag_and_the_conventions() {
    let escapes = |cmd: &mut Command| stdout(cmd).contains('\x1b');
    // Not a terminal: no colour unless asked for.
    assert!(!escapes(propex().args(["validate", WARNS])));
    assert!(escapes(
        propex().args(["validate", "--color", "always", WARNS])
    ));
    assert!(escapes(
        propex().args(["--color", "always", "validate", WARNS])
    ));
    assert!(!escapes(
        propex()
            .args(["validate", "--color", "never", WARNS])
            .env("CLICOLOR_FORCE", "1")
    ));
    assert!(escapes(
        propex()
            .args(["validate", WARNS])
            .env("CLICOLOR_FORCE", "1")
    ));
    assert!(!escapes(
        propex()
            .args(["validate", WARNS])
            .env("CLICOLOR_FORCE", "0")
    ));
    assert!(!escapes(
        propex()
            .args(["validate", WARNS])
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
    ));
    // `--color` is taken by every subcommand.
    for sub in ["extract", "eval", "review", "schema"] {
        propex()
            .args([sub, "--color", "never", "--help"])
            .assert()
            .success();
    }
}

/// `validate … | head -1` closes the pipe early; the exit code still says the records have
/// errors.
#[test]
fn validate_exit_code_survives_a_closed_pipe() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_propex"))
        .current_dir(common::root())
        .args(["validate", "fixtures"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read nothing: close the pipe at once.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
}

/// `--progress always` draws into a log too (a plain line at a time), with the rate's unit;
/// `auto` off a terminal draws nothing.
#[test]
fn progress_always_draws_off_a_terminal() {
    let err = |progress: &str| {
        let out = propex()
            .args([
                "extract",
                "-q",
                "-f",
                "jsonl",
                "--progress",
                progress,
                "fixtures",
            ])
            .assert()
            .get_output()
            .stderr
            .clone();
        String::from_utf8(out).unwrap()
    };
    let always = err("always");
    let line = always
        .lines()
        .find(|l| l.contains(" files, "))
        .unwrap_or_else(|| panic!("no progress line: {always}"));
    assert!(line.contains("files/s"), "{line}");
    assert!(!line.contains('\x1b'), "escape codes in a log: {line:?}");
    assert!(!err("auto").contains("files/s"));
    assert!(!err("never").contains("files/s"));
}

/// A folder of records as archives keep them: records, converted records, a README, a scan,
/// a draft folder.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(common::root().join(GOOD)).unwrap();
    let write = |rel: &str, bytes: &[u8]| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    write("a/one.txt", &good);
    write("a/README.md", b"# notes\n");
    write("a/scan.png", b"\x89PNG\r\n\x1a\n\0\0\0");
    write("drafts/two.txt", &good);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &good).unwrap();
    write("b/three.txt.gz", &gz.finish().unwrap());
    dir
}

fn paths(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]["path"].to_string()
        })
        .collect()
}

#[test]
fn folders_give_record_files_and_filters_pass_files_over() {
    let dir = archive();
    let run = |args: &[&str]| {
        let mut cmd = propex();
        cmd.current_dir(dir.path())
            .args(["extract", "-f", "jsonl"])
            .args(args);
        cmd.assert().get_output().clone()
    };
    let out = run(&["."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        paths(&out.stdout),
        [
            "\"./a/one.txt\"",
            "\"./b/three.txt.gz\"",
            "\"./drafts/two.txt\""
        ]
    );
    let out = run(&["--exclude", "drafts/**", "."]);
    assert_eq!(
        paths(&out.stdout),
        ["\"./a/one.txt\"", "\"./b/three.txt.gz\""]
    );
    let out = run(&["--glob", "!drafts/**", "--glob", "!*.gz", "."]);
    assert_eq!(paths(&out.stdout), ["\"./a/one.txt\""]);
    // A file named on the command line is read whatever it is.
    let out = run(&["a/README.md"]);
    assert_eq!(out.status.code(), Some(1));
    // validate also takes converted records from folders.
    let converted = propex()
        .args(["extract", "-f", "jsonl", GOOD])
        .output()
        .unwrap()
        .stdout;
    std::fs::write(dir.path().join("a/one.jsonl"), converted).unwrap();
    propex()
        .current_dir(dir.path())
        .args(["validate", "a"])
        .assert()
        // The same record twice: the duplicate check sees both files.
        .code(1)
        .stdout(predicate::str::contains("checked 2 files, 2 records"));
}

#[test]
fn nothing_found_is_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "# only notes").unwrap();
    for sub in ["extract", "validate", "review"] {
        propex()
            .arg(sub)
            .arg(dir.path())
            .assert()
            .code(1)
            .stderr(predicate::str::contains("warning: no input found"));
    }
}

#[test]
fn documents_propex_cannot_read_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // HTML pages and Word documents are read: tests/documents.rs.
    let cases: [(&str, &[u8], &str); 4] = [
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3", "a PDF file"),
        (
            "a.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0",
            "an old Word (.doc) or WPS",
        ),
        ("a.dat", b"\x1f\x8b\x08\0\0\0\0\0", "gzip-compressed data"),
        ("a.zip", b"PK\x03\x04\x14\0\0\0notes.txt", "a zip archive"),
    ];
    for (name, bytes, says) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        propex()
            .arg("extract")
            .arg(&p)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn gzip_inputs_are_read_and_bombs_refused() {
    let dir = archive();
    assert_reads_like_plain(&dir.path().join("b/three.txt.gz"));
    // 64 MB of one byte, compressed to a few dozen kilobytes.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..64 {
        std::io::Write::write_all(&mut enc, &chunk).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert_refuses_bomb_and_damage(dir.path(), "gz", &bomb, b"\x1f\x8b\x08\0garbage", "gzip");
}

/// A compressed copy of GOOD converts to the same record as GOOD.
fn assert_reads_like_plain(compressed: &std::path::Path) {
    let title =
        |out: &[u8]| serde_json::from_slice::<serde_json::Value>(out).unwrap()["title"].clone();
    let plain = propex()
        .args(["extract", "-f", "jsonl", GOOD])
        .output()
        .unwrap()
        .stdout;
    let read = propex()
        .args(["extract", "-f", "jsonl"])
        .arg(compressed)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert_eq!(title(&plain), title(&read.stdout));
}

/// A bomb (`bomb`, written as `bomb.txt.EXT`) is refused at the limit, never held whole; a
/// damaged archive gets a clear error naming the file and the format.
fn assert_refuses_bomb_and_damage(
    dir: &std::path::Path,
    ext: &str,
    bomb: &[u8],
    damaged: &[u8],
    format: &str,
) {
    assert!(bomb.len() < 2 << 20, "not a bomb: {} bytes", bomb.len());
    let path = dir.join(format!("bomb.txt.{ext}"));
    std::fs::write(&path, bomb).unwrap();
    propex()
        .args(["extract", "--max-bytes", "1M"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "decompresses to more than --max-bytes",
        ));
    let broken = format!("broken.txt.{ext}");
    std::fs::write(dir.join(&broken), damaged).unwrap();
    propex()
        .arg("extract")
        .arg(dir.join(&broken))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(broken.as_str()).and(predicate::str::contains(format)));
}

/// `validate --format sarif` writes one SARIF 2.1.0 log that the standard's own schema
/// (vendored in tests/schemas) accepts, with every rule and every diagnostic.
#[test]
fn sarif_matches_the_sarif_schema() {
    let text =
        std::fs::read_to_string(common::root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap();
    // The published schema's `run.language` pattern has a stray `]` that a strict regex engine
    // refuses (propex never writes the property): the same pattern without it.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    // The schema is strict enough to catch a log without its version.
    assert!(!validator.is_valid(&serde_json::json!({"runs": []})));
    let dir = tempfile::tempdir().unwrap();
    // A file name with Chinese characters and a space: percent-encoded in the URI.
    let odd = dir.path().join("二〇二三 答复.txt");
    std::fs::copy(common::root().join(WARNS), &odd).unwrap();
    let out = propex()
        .args([
            "validate", "--format", "sarif", "--allow", "bad-date", WARNS,
        ])
        .arg(&odd)
        .assert()
        .get_output()
        .stdout
        .clone();
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), propex::diag::Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 4, "{results:#?}");
    let bad_date = results.iter().find(|r| r["ruleId"] == "bad-date").unwrap();
    // `--allow` lowered it.
    assert_eq!(bad_date["level"], "warning");
    let index = bad_date["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "bad-date");
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&WARNS), "{uris:?}");
    assert!(
        uris.iter()
            .any(|u| u.ends_with("%E4%BA%8C%E3%80%87%E4%BA%8C%E4%B8%89%20%E7%AD%94%E5%A4%8D.txt")),
        "{uris:?}"
    );
}

/// A record whose only problem is a date that cannot exist (`bad-date`, an error), and one
/// that also names no lead unit.
const BAD_DATE: &str = "建议/提案提出者: | 张三委员 | 建议/提案号: | 12 | |
标题: | 关于加强社区服务的提案 | |||
承办单位: | 主办: | 甲局 | 协办: | 乙局 |
答复日期: | 2023-02-30 | |||
答复内容: | 张三委员: 您提出的提案收悉。 1.加强领导。具体做法。 2.完善机制。具体做法。 感谢您的关心。 |
";

#[test]
fn propex_toml_sets_validate_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("records/2019")).unwrap();
    std::fs::create_dir_all(root.join("records/2023")).unwrap();
    std::fs::write(root.join("records/2023/a.txt"), BAD_DATE).unwrap();
    let no_lead = BAD_DATE
        .replace("承办单位: | 主办: | 甲局 | 协办: | 乙局 |\n", "")
        .replace("| 12 |", "| 13 |");
    std::fs::write(root.join("records/2019/b.txt"), &no_lead).unwrap();
    std::fs::write(root.join("records/notes.txt.bak"), "x").unwrap();
    std::fs::write(
        root.join("propex.toml"),
        "allow = [\"bad-date\", \"missing-reply-date\"]\nexclude = [\"**/*.bak\"]\n\n[[overrides]]\nglob = \"records/2019/**\"\nallow = [\"missing-lead-unit\"]\n",
    )
    .unwrap();
    let validate = |args: &[&str]| {
        let mut cmd = propex();
        // Found from a folder below the file.
        cmd.current_dir(root.join("records"))
            .arg("validate")
            .args(args);
        cmd.assert().get_output().clone()
    };
    // The file lowers the bad date (and the reply date it leaves missing) everywhere, and
    // missing-lead-unit under 2019/: no errors left.
    let out = validate(&["-v", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("warning[bad-date]") && text.contains("warning[missing-lead-unit]"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("settings from"));
    // A flag wins over the file.
    let out = validate(&["--deny", "bad-date", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error[bad-date]"));
    // The override is for 2019 only: a 2023 record without a lead unit still fails.
    std::fs::write(
        root.join("records/2023/c.txt"),
        no_lead.replace("| 13 |", "| 14 |"),
    )
    .unwrap();
    assert_eq!(validate(&["."]).status.code(), Some(1));
    std::fs::remove_file(root.join("records/2023/c.txt")).unwrap();
    // --no-config: the defaults.
    assert_eq!(validate(&["--no-config", "."]).status.code(), Some(1));
    // --config FILE: another file, here one that denies warnings.
    let strict = root.join("strict.toml");
    std::fs::write(
        &strict,
        "allow = [\"bad-date\", \"missing-reply-date\", \"missing-lead-unit\"]\ndeny-warnings = true\n",
    )
    .unwrap();
    let out = validate(&["--config", strict.to_str().unwrap(), "."]);
    assert_eq!(out.status.code(), Some(1), "deny-warnings from the file");
}

#[test]
fn a_bad_propex_toml_is_a_usage_error_that_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a.txt"), BAD_DATE).unwrap();
    let cases = [
        (
            "allow = [\"bad-date\"]\nallw = [\"x\"]\n",
            "propex.toml:2:1",
            "allw",
        ),
        (
            "deny = [\"bad-date\", \"no-such-rule\"]\n",
            "propex.toml:1:21",
            "no-such-rule",
        ),
        (
            "[[overrides]]\nglob = \"2019/**\"\nallow = [\"missing-lead\"]\n",
            "propex.toml:3:10",
            "missing-lead",
        ),
        ("glob = [\"[\"]\n", "propex.toml:1:9", "glob"),
    ];
    for (text, place, key) in cases {
        std::fs::write(root.join("propex.toml"), text).unwrap();
        propex()
            .current_dir(root)
            .args(["validate", "a.txt"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(place).and(predicate::str::contains(key)));
    }
}

#[test]
fn zstd_inputs_are_read_and_bombs_refused() {
    use ruzstd::encoding::{CompressionLevel, compress_to_vec};
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(common::root().join(GOOD)).unwrap();
    let zst = dir.path().join("a.txt.zst");
    std::fs::write(&zst, compress_to_vec(&good[..], CompressionLevel::Fastest)).unwrap();
    assert_reads_like_plain(&zst);
    // Picked up in folders too.
    propex()
        .args(["extract", "-f", "jsonl"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("a.txt.zst"));
    let bomb = compress_to_vec(&vec![b'a'; 16 << 20][..], CompressionLevel::Fastest);
    assert_refuses_bomb_and_damage(
        dir.path(),
        "zst",
        &bomb,
        b"\x28\xb5\x2f\xfd garbage",
        "zstd",
    );
}
