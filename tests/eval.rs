//! `propex eval`: gold files beside inputs or under `--gold`, the three report formats, `--misses`,
//! the accuracy gates and the baseline, bad and orphaned gold files, and the letters corpus
//! against the committed baseline.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn propex() -> Command {
    Command::cargo_bin("propex").unwrap()
}

fn put(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(common::root().join("fixtures").join(rel)).unwrap()
}

/// A folder with two inputs that have gold (one right, one with a wrong title and number), one
/// that has none, and a three-record input with a list of gold records.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("set");
    put(&d.join("a.txt"), &fixture("outline/dun_alone.txt"));
    put(
        &d.join("a.gold.json"),
        r#"{"proposer": "吴海燕", "number": "21", "title": "关于规划建设城市口袋公园的建议",
            "units": {"lead": ["自然资源和规划局"]},
            "reply": {"date": "2022-10-09", "measures": [{"label": "1、"}, {"label": "2、"}, {"label": "3、"}]}}"#
            .as_bytes(),
    );
    put(&d.join("sub/b.txt"), &fixture("outline/dun_alone.txt"));
    put(
        &d.join("sub/b.gold.yaml"),
        "proposer: 吴海燕\nnumber: '22'\ntitle: 关于别的事的建议\n".as_bytes(),
    );
    put(&d.join("c.txt"), &fixture("letter/plain_full.txt"));
    put(&d.join("many.txt"), &fixture("pipe/concatenated.txt"));
    put(
        &d.join("many.gold.json"),
        r#"[{"number": "11", "units": {"lead": ["交通运输局"], "assisting": ["公交集团"]}},
            {"number": "0012", "proposer": "区妇联界别"},
            {"number": "13", "units": {"lead": null}}]"#
            .as_bytes(),
    );
    dir
}

fn report(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = propex()
        .args(["eval", "--format", "json"])
        .args(extra)
        .arg(dir.join("set"))
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn scores_each_field_of_each_gold_record() {
    let dir = corpus();
    let r = report(dir.path(), &[]);
    assert_eq!(r["inputs"], 3);
    assert_eq!(r["records"], 5);
    assert_eq!(r["without_gold"], 1, "c.txt has no gold");
    assert_eq!(r["failed"], 0);
    let f = &r["fields"];
    assert_eq!(f["title"], serde_json::json!({"right": 1, "scored": 2}));
    assert_eq!(f["number"], serde_json::json!({"right": 4, "scored": 5}));
    assert_eq!(f["proposer"], serde_json::json!({"right": 3, "scored": 3}));
    assert_eq!(
        f["units.lead"],
        serde_json::json!({"right": 3, "scored": 3})
    );
    assert_eq!(
        f["units.assisting"],
        serde_json::json!({"right": 1, "scored": 1})
    );
    assert_eq!(
        f["reply.measures"],
        serde_json::json!({"right": 1, "scored": 1})
    );
    assert_eq!(
        r["whole_records"],
        serde_json::json!({"right": 4, "scored": 5})
    );
    assert!(r.get("misses").is_none(), "misses only when asked");
}

#[test]
fn human_and_markdown_tables_worst_first() {
    let dir = corpus();
    let out = propex()
        .arg("eval")
        .arg(dir.path().join("set"))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("field"), "{text}");
    assert!(rows[1].starts_with("title"), "worst first: {text}");
    assert!(text.contains("whole records"), "{text}");
    assert!(
        text.contains("3 inputs, 5 records scored, 1 input without gold, 0 inputs failed"),
        "{text}"
    );
    propex()
        .args(["eval", "--format", "markdown"])
        .arg(dir.path().join("set"))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "| field | right | scored | accuracy |\n|---|---:|---:|---:|\n| `title` | 1 | 2 | 50.0% |",
        ));
}

#[test]
fn misses_are_one_greppable_line_each() {
    let dir = corpus();
    let out = propex()
        .args(["eval", "--misses"])
        .arg(dir.path().join("set"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let misses: Vec<&str> = text.lines().filter(|l| l.contains(": expected ")).collect();
    assert_eq!(misses.len(), 2, "{text}");
    assert!(misses.iter().any(|l| l.ends_with(
        "b.txt: title: expected \"关于别的事的建议\" got \"关于规划建设城市口袋公园的建议\""
    )));
    assert!(
        misses
            .iter()
            .any(|l| l.ends_with("b.txt: number: expected \"22\" got \"21\""))
    );
    let r = report(dir.path(), &["--misses"]);
    assert_eq!(r["misses"].as_array().unwrap().len(), 2);
}

#[test]
fn accuracy_gates_set_the_exit_code() {
    let dir = corpus();
    let set = dir.path().join("set");
    propex()
        .args([
            "eval",
            "--min-field-accuracy",
            "0.5",
            "--min-record-accuracy",
            "0.8",
        ])
        .arg(&set)
        .assert()
        .code(0);
    propex()
        .args(["eval", "--min-field-accuracy", "0.9"])
        .arg(&set)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "title is 50.0% right, below --min-field-accuracy 0.9",
        ));
    propex()
        .args(["eval", "--min-record-accuracy", "0.9"])
        .arg(&set)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "80.0% of records are wholly right",
        ));
    propex()
        .args(["eval", "--min-field-accuracy", "1.5"])
        .arg(&set)
        .assert()
        .code(2);
}

#[test]
fn a_baseline_fails_the_run_when_a_field_drops_and_names_it() {
    let dir = corpus();
    let set = dir.path().join("set");
    let baseline = dir.path().join("baseline.json");
    let out = propex()
        .args(["eval", "--format", "json"])
        .arg(&set)
        .output()
        .unwrap();
    std::fs::write(&baseline, &out.stdout).unwrap();
    propex()
        .args(["eval", "--baseline"])
        .arg(&baseline)
        .arg(&set)
        .assert()
        .code(0);
    // the gold gets stricter: number drops
    put(
        &set.join("a.gold.json"),
        r#"{"proposer": "吴海燕", "number": "99"}"#.as_bytes(),
    );
    propex()
        .args(["eval", "--baseline"])
        .arg(&baseline)
        .arg(&set)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "number dropped from 80.0% to 60.0%",
        ));
    // a baseline that is not a report is a usage error
    std::fs::write(&baseline, "{oops").unwrap();
    propex()
        .args(["eval", "--baseline"])
        .arg(&baseline)
        .arg(&set)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an eval report"));
}

#[test]
fn bad_and_orphaned_gold_files_are_usage_errors_naming_them() {
    let dir = corpus();
    let set = dir.path().join("set");
    put(
        &set.join("sub/b.gold.yaml"),
        b"title: [unclosed\nnumber: 1\n",
    );
    propex()
        .arg("eval")
        .arg(&set)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.gold.yaml:").and(predicate::str::contains("not YAML")));
    std::fs::remove_file(set.join("sub/b.gold.yaml")).unwrap();
    put(&set.join("gone.gold.json"), b"{\"title\": \"x\"}");
    propex()
        .arg("eval")
        .arg(&set)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gone.gold.json: gold file without input",
        ));
}

#[test]
fn gold_under_a_folder_of_its_own_mirrors_the_inputs() {
    let dir = corpus();
    let set = dir.path().join("set");
    let gold = dir.path().join("gold");
    for rel in ["a.gold.json", "sub/b.gold.yaml", "many.gold.json"] {
        put(&gold.join(rel), &std::fs::read(set.join(rel)).unwrap());
        std::fs::remove_file(set.join(rel)).unwrap();
    }
    let r = report(dir.path(), &["--gold", gold.to_str().unwrap()]);
    assert_eq!(r["inputs"], 3);
    assert_eq!(r["records"], 5);
    put(&gold.join("nothing.gold.json"), b"{}");
    propex()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg(&set)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nothing.gold.json: gold file without input",
        ));
}

#[test]
fn an_input_that_gives_no_record_counts_every_gold_field_wrong() {
    let dir = tempfile::tempdir().unwrap();
    put(
        &dir.path().join("set/x.txt"),
        &fixture("bad/not_a_record.txt"),
    );
    put(
        &dir.path().join("set/x.gold.json"),
        br#"{"title": "t", "number": null}"#,
    );
    let r = report(dir.path(), &[]);
    assert_eq!(r["failed"], 1);
    assert_eq!(
        r["fields"]["title"],
        serde_json::json!({"right": 0, "scored": 1})
    );
    // null gold is still right when there is no record
    assert_eq!(
        r["fields"]["number"],
        serde_json::json!({"right": 1, "scored": 1})
    );
}

/// The letters corpus in `../shared/corpus/letters` against the committed baseline: accuracy
/// only ever rises. Whoever improves it updates `tests/baselines/letters.json` in the same
/// commit (`propex eval ../shared/corpus/letters --format json > tests/baselines/letters.json`).
#[test]
fn letters_corpus_does_not_fall_below_the_baseline() {
    let Some(letters) = common::shared("corpus/letters") else {
        return;
    };
    let baseline = common::root().join("tests/baselines/letters.json");
    let out = propex()
        .args(["eval", "--baseline"])
        .arg(&baseline)
        .arg(&letters)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every letter of the corpus converts without losing text: each stretch of every reply is in
/// exactly one field (the nothing-lost check), and every record fits the schema.
#[test]
fn letters_corpus_loses_nothing() {
    let Some(letters) = common::shared("corpus/letters") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&letters)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{} letters", files.len());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.display().to_string();
        let x = propex::extract(&name, &bytes, &propex::Config::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        common::assert_nothing_lost(&name, &x);
        for r in x.records.iter().map(|e| &e.record) {
            common::assert_valid(&name, &serde_json::to_value(r).unwrap());
        }
    }
}
