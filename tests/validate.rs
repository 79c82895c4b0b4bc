//! `propex validate`: one test per rule (a record that triggers it, and the clean record that
//! does not), the three output formats, exit codes, severities, converted YAML / JSON input,
//! duplicates across files, and the rule table in the README.

mod common;

use std::collections::BTreeSet;

use assert_cmd::Command;
use predicates::prelude::*;
use propex::diag::Code;
use propex::validate::{self, Duplicates, Rules};
use propex::{Config, date::Date};

/// A record every rule is happy with.
const CLEAN: &str = "建议/提案提出者: | 张三委员 | 建议/提案号: | 12 | |
标题: | 关于加强社区服务的提案 | |||
承办单位: | 主办: | 甲局 | 协办: | 乙局 |
答复日期: | 2023-05-01 | |||
答复内容: | 张三委员: 您提出的提案收悉。 1.加强领导。具体做法。 2.完善机制。具体做法。 感谢您的关心。 |
";

fn today() -> Date {
    Date {
        year: 2026,
        month: 11,
        day: 28,
    }
}

/// What validate says of one input, with the default rules.
fn checked(name: &str, input: &[u8]) -> validate::FileCheck {
    validate::check(
        name,
        Ok(input),
        &Config::default(),
        &Rules::default(),
        today(),
    )
}

fn codes_of(name: &str, input: &[u8]) -> Vec<&'static str> {
    let fc = validate::check(
        name,
        Ok(input),
        &Config::default(),
        &Rules::default(),
        today(),
    );
    fc.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn edit(from: &str, to: &str) -> String {
    assert!(CLEAN.contains(from), "{from}");
    CLEAN.replacen(from, to, 1)
}

/// For every rule: an input that triggers it.
fn cases() -> Vec<(Code, String, Vec<u8>)> {
    let raw = |code, s: String| (code, "r.txt".to_string(), s.into_bytes());
    let mut malformed = CLEAN.as_bytes().to_vec();
    let at = CLEAN.find("具体做法").unwrap();
    malformed.insert(at, 0xFF);
    vec![
        // Without a proposer row the addressee stands in: take the salutation away too.
        raw(
            Code::MissingProposer,
            edit("建议/提案提出者: | 张三委员 | ", "").replace("张三委员: ", ""),
        ),
        raw(Code::MissingNumber, edit("建议/提案号: | 12 | |", "|")),
        raw(
            Code::MissingTitle,
            edit("标题: | 关于加强社区服务的提案 | |||\n", ""),
        ),
        raw(
            Code::MissingLeadUnit,
            edit("承办单位: | 主办: | 甲局 | 协办: | 乙局 |\n", ""),
        ),
        raw(
            Code::MissingReply,
            edit(
                "答复内容: | 张三委员: 您提出的提案收悉。 1.加强领导。具体做法。 2.完善机制。具体做法。 感谢您的关心。 |\n",
                "",
            ),
        ),
        raw(
            Code::MissingReplyDate,
            edit("答复日期: | 2023-05-01 | |||\n", ""),
        ),
        raw(Code::BadDate, edit("2023-05-01", "2023-02-30")),
        raw(Code::AmbiguousDate, edit("2023-05-01", "2023927")),
        raw(Code::DateOutOfRange, edit("2023-05-01", "2099-01-01")),
        raw(Code::BadNumber, edit("| 12 |", "| 第号 |")),
        raw(Code::OutlineOrder, edit("2.完善机制", "3.完善机制")),
        raw(
            Code::AddresseeMismatch,
            edit("张三委员: 您提出", "李四代表: 您提出"),
        ),
        raw(
            Code::LeadAlsoAssisting,
            edit("协办: | 乙局 |", "协办: | 乙局、甲局 |"),
        ),
        raw(
            Code::EmptyUnit,
            edit("协办: | 乙局 |", "协办: | 乙局、、丙局 |"),
        ),
        raw(
            Code::Misdecoded,
            edit("感谢您的关心。", "感谢您的关心。联系电话:????"),
        ),
        (Code::MalformedBytes, "r.txt".into(), malformed),
        raw(
            Code::Repaired,
            // 社区 as UTF-8 bytes shown as Windows-1252, the way some mirror pages save it.
            edit("关于加强社区服务的提案", "关于加强ç¤¾åŒº服务的提案"),
        ),
        raw(
            Code::UnlabeledCell,
            edit(
                "标题: | 关于加强社区服务的提案 | |||",
                "标题: | 关于加强社区服务的提案 | |||\n| 附件下载 |",
            ),
        ),
        raw(
            Code::UnknownLabel,
            edit("答复日期:", "经办科室: | 综合科 |\n答复日期:"),
        ),
        (
            Code::SchemaError,
            "r.yaml".into(),
            b"---\nsource: {path: x, record: 1, line: 1, encoding: UTF-8}\nkind: petition\n"
                .to_vec(),
        ),
        (Code::ReadError, "r.txt".into(), Vec::new()),
    ]
}

#[test]
fn the_clean_record_triggers_nothing() {
    assert_eq!(codes_of("r.txt", CLEAN.as_bytes()), Vec::<&str>::new());
}

#[test]
fn every_rule_is_triggered_by_its_case_and_only_there() {
    for (code, name, input) in cases() {
        let got = codes_of(&name, &input);
        assert!(got.contains(&code.as_str()), "{code}: got {got:?}");
        // The edit that triggers one rule does not trip the unrelated record rules.
        if name.ends_with(".txt") && code != Code::ReadError {
            let unrelated: Vec<_> = got
                .iter()
                .filter(|c| {
                    **c != code.as_str()
                        && !matches!(
                            **c,
                            "missing-reply-date" | "missing-number" | "missing-lead-unit"
                        )
                })
                .collect();
            assert!(
                unrelated.is_empty() || code == Code::MissingReply,
                "{code}: also {unrelated:?}"
            );
        }
    }
}

#[test]
fn duplicates_across_files_in_one_run() {
    let mut dup = Duplicates::default();
    let mut first = validate::check(
        "a.txt",
        Ok(CLEAN.as_bytes()),
        &Config::default(),
        &Rules::default(),
        today(),
    );
    let mut second = validate::check(
        "b.txt",
        Ok(CLEAN.as_bytes()),
        &Config::default(),
        &Rules::default(),
        today(),
    );
    let other = edit("| 12 |", "| 13 |");
    let mut third = validate::check(
        "c.txt",
        Ok(other.as_bytes()),
        &Config::default(),
        &Rules::default(),
        today(),
    );
    dup.check(&mut first);
    dup.check(&mut second);
    dup.check(&mut third);
    assert!(first.diagnostics.is_empty());
    assert!(third.diagnostics.is_empty());
    let d = &second.diagnostics[0];
    assert_eq!(d.code, Code::DuplicateNumber);
    assert!(d.message.contains("a.txt:1"), "{}", d.message);
    assert_eq!((d.line, d.col), (1, 30));
}

/// The rule table in the README lists every rule once, and the cases above produce each.
#[test]
fn readme_rule_table_matches_the_rules_and_the_tests() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let table: Vec<String> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| code |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .trim()
                .trim_matches('`')
                .to_string()
        })
        .collect();
    let unique: BTreeSet<&String> = table.iter().collect();
    assert_eq!(unique.len(), table.len(), "a code is listed twice");
    let all: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    assert_eq!(unique.into_iter().cloned().collect::<BTreeSet<_>>(), all);
    let tested: BTreeSet<String> = cases()
        .iter()
        .map(|(c, _, _)| c.as_str().to_string())
        .chain(["duplicate-number".to_string()])
        .collect();
    assert_eq!(tested, all, "every rule has a case");
}

fn propex() -> Command {
    let mut cmd = Command::cargo_bin("propex").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn files(list: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in list {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

#[test]
fn human_output_like_a_compiler() {
    let bad = edit("2023-05-01", "2023927").replace("| 12 |", "| 13 |");
    let dir = files(&[("ok.txt", CLEAN.as_bytes()), ("bad.txt", bad.as_bytes())]);
    let out = propex()
        .current_dir(dir.path())
        .args(["validate", "ok.txt", "bad.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("bad.txt:4:9: error[ambiguous-date]: date \"2023927\""),
        "{text}"
    );
    assert!(text.contains("4 | 答复日期: | 2023927 | |||"), "{text}");
    assert!(text.contains("^^^^^^^"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
    assert!(
        text.trim_end()
            .ends_with("propex: checked 2 files, 2 records: 2 errors, 0 warnings, 0 notes"),
        "{text}"
    );
    propex()
        .current_dir(dir.path())
        .args(["validate", "ok.txt"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 1 file, 1 record: 0 errors",
        ));
}

#[test]
fn json_lines_carry_every_field() {
    let bad = edit("协办: | 乙局 |", "协办: | 乙局、甲局 |");
    let dir = files(&[("bad.txt", bad.as_bytes())]);
    let out = propex()
        .current_dir(dir.path())
        .args(["validate", "--format", "json", "bad.txt"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    let d = &lines[0];
    assert_eq!(d["path"], "bad.txt");
    assert_eq!(d["line"], 3);
    assert!(d["column"].as_u64().unwrap() >= 1);
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["code"], "lead-also-assisting");
    assert!(d["message"].as_str().unwrap().contains("甲局"));
}

#[test]
fn github_lines_are_workflow_commands() {
    let bad = edit("2.完善机制", "3.完善机制").replace("| 12 |", "| 第号 |");
    let dir = files(&[("bad, odd:name.txt", bad.as_bytes())]);
    let out = propex()
        .current_dir(dir.path())
        .args(["validate", "--format", "github", "bad, odd:name.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),title=([a-z-]+)::(.+)$",
    )
    .unwrap();
    let mut titles = Vec::new();
    for line in text.lines() {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        assert_eq!(&c[2], "bad%2C odd%3Aname.txt");
        titles.push((c[1].to_string(), c[5].to_string()));
    }
    assert!(
        titles.contains(&("error".into(), "bad-number".into())),
        "{titles:?}"
    );
    assert!(
        titles.contains(&("warning".into(), "outline-order".into())),
        "{titles:?}"
    );
}

#[test]
fn exit_codes_deny_warnings_allow_and_deny() {
    let warn = edit("协办: | 乙局 |", "协办: | 乙局、甲局 |");
    let err = edit("2023-05-01", "2023-02-30");
    let dir = files(&[("warn.txt", warn.as_bytes()), ("err.txt", err.as_bytes())]);
    let run = |args: &[&str]| {
        propex()
            .current_dir(dir.path())
            .arg("validate")
            .args(args)
            .assert()
    };
    run(&["warn.txt"]).code(0);
    run(&["--deny-warnings", "warn.txt"]).code(1);
    run(&["--deny", "lead-also-assisting", "warn.txt"]).code(1);
    run(&[
        "--allow",
        "lead-also-assisting",
        "--deny-warnings",
        "warn.txt",
    ])
    .code(0);
    run(&["err.txt"]).code(1);
    run(&[
        "--allow",
        "bad-date",
        "--allow",
        "missing-reply-date",
        "err.txt",
    ])
    .code(0);
    run(&["--allow", "no-such-rule", "warn.txt"])
        .code(2)
        .stderr(predicate::str::contains("unknown rule"));
    run(&["--format", "xml", "warn.txt"]).code(2);
}

#[test]
fn an_unreadable_file_is_a_diagnostic_and_the_rest_are_checked() {
    let err = edit("2023-05-01", "2023-02-30");
    let dir = files(&[("err.txt", err.as_bytes()), ("empty.txt", b"")]);
    let out = propex()
        .current_dir(dir.path())
        .args([
            "validate",
            "--format",
            "json",
            "empty.txt",
            "missing.txt",
            "err.txt",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"path\":\"empty.txt\"") && text.contains("read-error"));
    assert!(text.contains("\"path\":\"missing.txt\""));
    assert!(text.contains("\"path\":\"err.txt\"") && text.contains("bad-date"));
}

#[test]
fn converted_yaml_and_json_with_schema_and_rule_errors() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("r.txt");
    std::fs::write(&raw, CLEAN.replace("| 乙局 |", "| 乙局、甲局 |")).unwrap();
    for (format, name) in [("yaml", "r.yaml"), ("jsonl", "r.jsonl")] {
        let out = propex()
            .args(["extract", "-q", "-f", format])
            .arg(&raw)
            .output()
            .unwrap();
        std::fs::write(dir.path().join(name), &out.stdout).unwrap();
    }
    // A rule error in a converted record: the line of the key.
    let out = propex()
        .current_dir(dir.path())
        .args(["validate", "--format", "json", "r.yaml", "r.jsonl"])
        .output()
        .unwrap();
    let diags: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let yaml = std::fs::read_to_string(dir.path().join("r.yaml")).unwrap();
    let unit_line = yaml
        .lines()
        .position(|l| l.trim() == "- 甲局" && yaml.lines().any(|_| true))
        .unwrap();
    let lead_also = diags
        .iter()
        .find(|d| d["path"] == "r.yaml" && d["code"] == "lead-also-assisting")
        .expect("rule error found in YAML");
    // the first `- 甲局` is the lead; the diagnostic points at the assisting list's entry
    assert!(lead_also["line"].as_u64().unwrap() as usize > unit_line + 1);
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "r.jsonl" && d["code"] == "lead-also-assisting")
    );
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "r.jsonl" && d["code"] == "duplicate-number")
    );

    // A schema error: the path of the value and the line of its key.
    let broken = yaml.replacen("  - number: 2", "  - number: two", 1);
    std::fs::write(dir.path().join("broken.yaml"), &broken).unwrap();
    let line = broken
        .lines()
        .position(|l| l.contains("number: two"))
        .unwrap()
        + 1;
    propex()
        .current_dir(dir.path())
        .args(["validate", "broken.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "broken.yaml:{line}:5: error[schema-error]: reply.measures[1].number: \"two\" is not of type \"integer\""
        )));
    // Not YAML at all.
    std::fs::write(dir.path().join("garbage.yaml"), "---\nkind: [unclosed\n").unwrap();
    propex()
        .current_dir(dir.path())
        .args(["validate", "garbage.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[schema-error]: not YAML"));
}

#[test]
fn mis_decoded_text_in_a_converted_record() {
    let mut r = propex::Record::default();
    // UTF-8 read as GBK
    let (garbled, _) = encoding_rs::GBK.decode_without_bom_handling(
        "您提出的关于加强社区文化活动的建议收悉，现答复如下".as_bytes(),
    );
    r.title = Some(garbled.into_owned());
    let yaml = propex::emit::to_string(&r, propex::emit::Format::Yaml);
    let fc = checked("m.yaml", yaml.as_bytes());
    let d = fc
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Misdecoded)
        .expect("found");
    assert!(d.message.starts_with("title:"), "{}", d.message);
    assert_eq!(
        d.line,
        yaml.lines().position(|l| l.starts_with("title:")).unwrap() + 1
    );
}

/// A schema error inside a JSON Lines record points at its key on the record's one line, not
/// at column 1.
#[test]
fn a_schema_error_in_json_lines_points_at_the_key() {
    let x = propex::extract("a.txt", CLEAN.as_bytes(), &Config::default()).unwrap();
    let line = propex::emit::to_string(&x.records[0].record, propex::emit::Format::Jsonl);
    let bad = line.replacen("\"number\":\"12\"", "\"number\":12", 1);
    assert_ne!(bad, line);
    let two = format!("{line}{bad}");
    let fc = checked("r.jsonl", two.as_bytes());
    let d = fc
        .diagnostics
        .iter()
        .find(|d| d.code == Code::SchemaError)
        .expect("a schema error");
    assert_eq!(d.line, 2);
    let key_col = bad[..bad.find("\"number\"").unwrap()].chars().count() + 1;
    assert_eq!(d.col, key_col);
    assert_eq!(&two[d.offset..d.offset + 8], "\"number\"");
}

/// The README's rule table is what `propex rules --markdown` prints, word for word.
#[test]
fn readme_rule_table_is_the_rules_own_text() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let table: String = readme
        .lines()
        .skip_while(|l| !l.starts_with("| code |"))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let generated = propex()
        .args(["rules", "--markdown"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(table, String::from_utf8(generated).unwrap());
}

/// Every rule's explanation has an example, and the example fires the rule.
#[test]
fn every_explained_example_fires_its_rule() {
    for &code in Code::ALL {
        let e = code.explain();
        assert!(!e.why.is_empty() && !e.fix.is_empty(), "{code}");
        let mut bytes = Vec::new();
        for (i, part) in e.example.split("\\xFF").enumerate() {
            if i > 0 {
                bytes.push(0xFF);
            }
            bytes.extend_from_slice(part.as_bytes());
        }
        let mut fc = validate::check(
            e.file,
            Ok(&bytes),
            &Config::default(),
            &Rules::default(),
            today(),
        );
        Duplicates::default().check(&mut fc);
        let codes: Vec<Code> = fc.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&code), "{code}: its example gives {codes:?}");
    }
}

#[test]
fn rules_lists_and_explains() {
    let list = propex()
        .arg("rules")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list = String::from_utf8(list).unwrap();
    for &c in Code::ALL {
        assert!(list.contains(c.as_str()), "{c}");
    }
    propex()
        .args(["rules", "bad-date"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Why it matters:")
                .and(predicate::str::contains("2023-02-30"))
                .and(predicate::str::contains("Fix:")),
        );
    propex()
        .args(["rules", "no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule"));
}
