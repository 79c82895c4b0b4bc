//! The writers keep every string exactly, whatever characters it holds: each record written as
//! YAML reads back (serde_yaml) equal to itself, and propex's JSON is byte for byte serde_json's.

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
