//! No input makes propex panic: random bytes, and the fixtures cut, duplicated, or stripped of
//! their pipes and colons. Every result is either an error or records that fit the schema,
//! read back from YAML unchanged, and lose nothing of their reply.

mod common;

use propex::{Config, extract};
use proptest::prelude::*;

fn fixture_texts() -> Vec<Vec<u8>> {
    common::fixtures()
        .into_iter()
        .map(|p| std::fs::read(common::root().join(p)).unwrap())
        .collect()
}

fn check(bytes: &[u8]) {
    // With spans: every record is checked against the schema with its `spans` field, and the
    // YAML round trip carries them too.
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    if let Ok(x) = extract("prop.txt", bytes, &config) {
        common::assert_nothing_lost("property input", &x);
        for r in x.records.iter().map(|e| &e.record) {
            assert!(r.source.record >= 1 && r.source.line >= 1);
            let v = serde_json::to_value(r).unwrap();
            common::assert_valid("property input", &v);
            let yaml = propex::emit::to_string(r, propex::emit::Format::Yaml);
            let back: propex::Record = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(&back, r, "YAML round trip");
        }
        for d in &x.diagnostics {
            assert!(d.line >= 1 && d.col >= 1);
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Cut(usize),
    Duplicate(usize, usize),
    DeleteAll(u8),
    DeleteSome(u8, usize),
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Cut),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Duplicate(a, b)),
        prop::sample::select(vec![b'|', b':', b'\n', b' ']).prop_map(Edit::DeleteAll),
        (prop::sample::select(vec![b'|', b':', b'\n']), 1usize..5)
            .prop_map(|(b, n)| Edit::DeleteSome(b, n)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "|".as_bytes().to_vec(),
                "：".as_bytes().to_vec(),
                "\n一、".as_bytes().to_vec(),
                " (1)".as_bytes().to_vec(),
                "答复内容:".as_bytes().to_vec(),
                vec![0xE4, 0xB8],
                vec![0xFF, 0xFE],
                vec![0],
            ])
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
    ]
}

fn apply(mut b: Vec<u8>, e: &Edit) -> Vec<u8> {
    match *e {
        Edit::Cut(at) => {
            if !b.is_empty() {
                b.truncate(at % b.len());
            }
        }
        Edit::Duplicate(a, len) => {
            if !b.is_empty() {
                let a = a % b.len();
                let end = (a + len % 400).min(b.len());
                let piece = b[a..end].to_vec();
                b.splice(a..a, piece);
            }
        }
        Edit::DeleteAll(c) => b.retain(|&x| x != c),
        Edit::DeleteSome(c, every) => {
            let mut n = 0;
            b.retain(|&x| {
                if x == c {
                    n += 1;
                    n % every != 0
                } else {
                    true
                }
            });
        }
        Edit::Insert(at, ref s) => {
            let at = if b.is_empty() { 0 } else { at % b.len() };
            b.splice(at..at, s.iter().copied());
        }
    }
    b
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=100000 for a longer hunt.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn random_text_never_panics(s in "[\\|:：。，、 \\n一二三（）()1-9.a-z答复内容标题提案号]{0,600}") {
        check(s.as_bytes());
    }

    #[test]
    fn edited_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let texts = fixture_texts();
        let mut b = which.get(&texts).clone();
        for e in &edits {
            b = apply(b, e);
        }
        check(&b);
    }
}
