//! The `propex` binary end to end: every subcommand, format, input kind and exit code.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn propex() -> Command {
    let mut cmd = Command::cargo_bin("propex").unwrap();
    cmd.current_dir(common::root());
    cmd
}

const GOOD: &str = "fixtures/pipe/fullwidth_labels.txt";
const TWO_RECORDS_PLUS: &str = "fixtures/pipe/concatenated.txt";

#[test]
fn yaml_is_the_default_and_one_document_per_record() {
    let out = propex()
        .args(["extract", TWO_RECORDS_PLUS])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("\n---\n").count() + 1, 3, "{text}");
    assert!(text.starts_with("---\nsource:\n"));
    // The same records read back from YAML.
    let docs: Vec<propex::Record> = text
        .split("---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_yaml::from_str(d).unwrap())
        .collect();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[1].number.as_deref(), Some("0012"));
}

#[test]
fn json_is_a_stream_of_pretty_objects() {
    let out = propex()
        .args(["extract", "--format", "json", TWO_RECORDS_PLUS])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let values: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(values.len(), 3);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("\n  \"source\": {")
    );
    for v in &values {
        common::assert_valid("json output", v);
    }
    // field order is the contract's order
    let keys: Vec<&String> = values[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "source",
            "kind",
            "proposer",
            "proposers",
            "number",
            "title",
            "content",
            "units",
            "category",
            "doc_number",
            "session",
            "reply",
            "extra"
        ]
    );
}

#[test]
fn jsonl_is_one_compact_object_per_line() {
    let out = propex()
        .args(["extract", "-f", "jsonl", TWO_RECORDS_PLUS, GOOD])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        common::assert_valid("jsonl line", &v);
    }
    let last: serde_json::Value = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(last["source"]["path"], GOOD);
    assert_eq!(last["number"], "0143");
}

#[test]
fn stdin_with_dash_and_with_no_path() {
    let input = std::fs::read(common::root().join(GOOD)).unwrap();
    for args in [
        vec!["extract", "-f", "jsonl"],
        vec!["extract", "-f", "jsonl", "-"],
    ] {
        let out = propex()
            .args(&args)
            .write_stdin(input.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["source"]["path"], "<stdin>");
        assert_eq!(v["title"], "关于加快老旧小区加装电梯的建议");
    }
}

#[test]
fn output_is_utf8_whatever_the_input_encoding() {
    for (path, encoding) in [
        ("fixtures/encoding/gbk.txt", "gb18030"),
        ("fixtures/encoding/big5_roc_date.txt", "Big5"),
        ("fixtures/encoding/utf16le_bom.txt", "UTF-16LE"),
    ] {
        let out = propex()
            .args(["extract", "-f", "jsonl", path])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["source"]["encoding"], encoding, "{path}");
    }
    // A forced label is used as given.
    propex()
        .args([
            "extract",
            "-f",
            "jsonl",
            "--encoding",
            "gbk",
            "fixtures/encoding/gbk.txt",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("农贸市场"));
    // Forcing the wrong one still never crashes; the text is just wrong.
    propex()
        .args(["extract", "--encoding", "big5", "fixtures/encoding/gbk.txt"])
        .assert()
        .code(predicate::in_iter([0, 1]));
}

#[test]
fn exit_1_names_each_failed_input_and_still_emits_the_others() {
    let assert = propex()
        .args([
            "extract",
            "-f",
            "jsonl",
            "fixtures/bad/empty.txt",
            GOOD,
            "fixtures/bad/binary.png",
            "fixtures/bad/not_a_record.txt",
            "fixtures/bad/unknown_table.txt",
            "fixtures/no/such/file.txt",
        ])
        .assert()
        .code(1);
    let out = assert.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "the good file is still converted"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in [
        "propex: fixtures/bad/empty.txt: empty input",
        "propex: fixtures/bad/binary.png: binary data, not text",
        "propex: fixtures/bad/not_a_record.txt: no record found: ",
        "propex: fixtures/bad/unknown_table.txt: no record found: ",
        "propex: fixtures/no/such/file.txt: cannot read: ",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"));
}

#[test]
fn exit_2_for_usage_errors() {
    propex().assert().code(2);
    propex()
        .args(["extract", "--format", "xml", GOOD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format"));
    propex()
        .args(["extract", "--encoding", "klingon", GOOD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding"));
    propex().args(["extract", "--bogus"]).assert().code(2);
    propex().args(["frobnicate"]).assert().code(2);
}

#[test]
fn warnings_name_path_line_and_column_unless_quiet() {
    let path = "fixtures/warn/ambiguous_date.txt";
    propex()
        .args(["extract", path])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "propex: warning: {path}:4:9: date \"2023927\""
        )));
    propex()
        .args(["extract", "--quiet", path])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}

#[test]
fn schema_subcommand_prints_the_published_schema() {
    let committed =
        std::fs::read_to_string(common::root().join("schemas/record.schema.json")).unwrap();
    propex()
        .arg("schema")
        .assert()
        .success()
        .stdout(predicate::eq(committed));
}

#[test]
fn help_and_version() {
    propex()
        .args(["extract", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--encoding"));
    propex().arg("--version").assert().success();
}

/// YAML 1.1 loaders (PyYAML) read exactly the values the JSON output has: no date, boolean or
/// number appears where the record holds a string. Skipped where python3 has no PyYAML.
#[test]
fn yaml_reads_the_same_under_a_yaml_1_1_loader() {
    if !common::pyyaml() {
        return;
    }
    let fixtures: Vec<String> = common::fixtures()
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (format, file) in [("yaml", "all.yaml"), ("jsonl", "all.jsonl")] {
        let out = propex()
            .args(["extract", "-q", "-f", format])
            .args(&fixtures)
            .output()
            .unwrap();
        std::fs::write(dir.path().join(file), out.stdout).unwrap();
    }
    let script = "import sys, json, yaml\n\
        d = sys.argv[1]\n\
        ys = [x for x in yaml.safe_load_all(open(d + '/all.yaml', encoding='utf-8')) if x is not None]\n\
        js = [json.loads(l) for l in open(d + '/all.jsonl', encoding='utf-8')]\n\
        assert len(ys) == len(js) and len(js) > 10, (len(ys), len(js))\n\
        for y, j in zip(ys, js):\n    assert y == j, (y, j)\n";
    let status = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn spans_are_added_on_request_and_refused_for_an_index() {
    for format in ["json", "jsonl", "yaml"] {
        let plain = propex()
            .args(["extract", "-f", format, GOOD])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(!String::from_utf8(plain).unwrap().contains("spans"));
    }
    let out = propex()
        .args(["extract", "-f", "jsonl", "--spans", GOOD])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let text_of_input = std::fs::read_to_string(common::root().join(GOOD)).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        common::assert_valid(GOOD, &v);
        let title = &v["spans"]["title"];
        let (s, e) = (
            title["start"].as_u64().unwrap(),
            title["end"].as_u64().unwrap(),
        );
        assert_eq!(
            &text_of_input[s as usize..e as usize],
            v["title"].as_str().unwrap()
        );
    }
    propex()
        .args(["extract", "-f", "csv", "--spans", GOOD])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--spans"));
}

#[test]
fn review_writes_one_page_and_says_when_it_is_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    propex()
        .args(["review", "-o"])
        .arg(&page)
        .args([GOOD, TWO_RECORDS_PLUS])
        .assert()
        .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing"
    );
    // An input that fails is on the page, and the exit code says so.
    propex()
        .args(["review", "-o"])
        .arg(&page)
        .args([GOOD, "fixtures/bad/empty.txt"])
        .assert()
        .code(1);
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("empty input")
    );
    propex()
        .args(["review", "--max-records", "2", TWO_RECORDS_PLUS])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-records 2"));
}
