//! The writers keep every string exactly, whatever characters it holds: each record written as
//! YAML reads back (serde_yaml) equal to itself, and propex's JSON is byte for byte serde_json's.

mod common;

use propex::emit::{self, Format};
use propex::{Measure, Record, Reply, Section};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \\t\\n:#'\"\\-?|>{}\\[\\],&*!%@`~0-9a-zA-Z.+年月日一（）\\u{85}\\u{a0}\\u{2028}\\u{feff}]{0,40}",
        prop::sample::select(vec![
            "2022-07-08",
            "yes",
            "No",
            "~",
            "0143",
            "1.",
            "12:30",
            "-",
            "- a",
            "a: b",
            "|",
            "\n",
            " \n ",
        ])
        .prop_map(String::from),
    ]
}

proptest! {
    #[test]
    fn any_strings_round_trip(
        proposer in text(),
        key in text(),
        value in text(),
        body in text(),
        heading in text(),
        title in text(),
        lead in prop::collection::vec(text(), 0..3),
    ) {
        let mut r = Record {
            proposer: Some(proposer),
            reply: Some(Reply {
                body,
                sections: vec![Section { number: 1, label: "(一)".into(), heading, text: String::new() }],
                measures: vec![Measure { number: 1, label: "1.".into(), section: Some(1), title, text: "x\ny".into() }],
                ..Reply::default()
            }),
            ..Record::default()
        };
        r.units.lead = lead;
        r.extra.insert(key, value);
        for (format, expected) in [
            (Format::Json, serde_json::to_string_pretty(&r).unwrap()),
            (Format::Jsonl, serde_json::to_string(&r).unwrap()),
        ] {
            prop_assert_eq!(emit::to_string(&r, format), expected + "\n");
        }
        let yaml = emit::to_string(&r, Format::Yaml);
        let back: Record = serde_yaml::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
        prop_assert_eq!(back, r);
    }
}

/// Every spelling in the YAML 1.1 type table (and YAML 1.2's core schema) that a loader would
/// read as something other than a string is written so that PyYAML reads back the string, as a
/// key and as a value. Skipped (visibly) where python3 has no PyYAML.
#[test]
fn the_yaml_1_1_type_table_reads_back_as_strings_under_pyyaml() {
    if !common::pyyaml() {
        return;
    }
    let tricky = [
        // merge and value keys
        "=",
        "<<", // booleans
        "y",
        "Y",
        "yes",
        "No",
        "ON",
        "off",
        "True",
        "FALSE", // nulls
        "~",
        "null",
        "Null",
        "NULL",
        "", // integers: binary, octal (1.1 and 1.2), hex, sexagesimal
        "0b1010",
        "-0b1",
        "017",
        "0o17",
        "0x1F",
        "+0x_1F",
        "1_000",
        "190:20:30",
        "1:20",
        // floats
        "1.5",
        "-1.",
        ".5",
        "1e3",
        "6.8523015e+5",
        "685.230_15e+03",
        "190:20:30.15",
        ".inf",
        "-.Inf",
        "+.INF",
        ".NaN",
        ".nan", // timestamps
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z",
        "2022-7-8",
    ];
    let mut r = Record::default();
    for (i, s) in tricky.iter().enumerate() {
        r.extra.insert((*s).to_string(), (*s).to_string());
        r.units.lead.push(format!("{i}"));
        r.units.assisting.push((*s).to_string());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.yaml"), emit::to_string(&r, Format::Yaml)).unwrap();
    std::fs::write(dir.path().join("r.json"), emit::to_string(&r, Format::Json)).unwrap();
    let script = "import sys, json, yaml\n\
        d = sys.argv[1]\n\
        y = yaml.safe_load(open(d + '/r.yaml', encoding='utf-8'))\n\
        j = json.load(open(d + '/r.json', encoding='utf-8'))\n\
        assert y == j, [(k, v) for k, v in y['extra'].items() if j['extra'].get(k) != v]\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
