//! Helpers shared by the integration tests: the fixture list and the published schema.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `fixtures/`, sorted, as paths relative to the repository root.
pub fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n != "README.md") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("fixtures"), &mut out);
    out.into_iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect()
}

/// A path under `../shared` (beside the repository, never copied into it). When it is missing
/// the calling test skips and says so, unless `PROPEX_REQUIRE_SHARED=1` (as `.ci/run` sets):
/// then a missing input fails the test instead of passing unseen.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var("PROPEX_REQUIRE_SHARED").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "PROPEX_REQUIRE_SHARED=1 but {} is missing",
        path.display()
    );
    eprintln!(
        "SKIPPED: {} is missing; this test needs ../shared/{rel}",
        path.display()
    );
    None
}

/// Whether python3 with PyYAML is here; says SKIPPED (for the calling test) when it is not.
pub fn pyyaml() -> bool {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import yaml"])
        .output();
    let here = probe.is_ok_and(|o| o.status.success());
    if !here {
        eprintln!("SKIPPED: python3 with PyYAML is not available");
    }
    here
}

/// A validator for `schemas/record.schema.json` as committed.
pub fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schemas/record.schema.json"))
            .expect("schemas/record.schema.json is committed");
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::draft202012::new(&schema).expect("the published schema compiles")
    })
}

/// Validates one JSON value against the published schema, listing every error.
pub fn assert_valid(what: &str, value: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: schema errors:\n{}",
        errors.join("\n")
    );
}

/// Words that may frame a value in a letter (labels before a colon, the honorific): the only
/// text besides punctuation that a reply may drop on the way to the record. The foot's labels
/// come from the library's own lists (`FRAME_LISTS`), removed before these.
/// The library's lists of foot labels, read where it reads them.
const FRAME_LISTS: &[&[&str]] = {
    use propex::vocab::letter::*;
    &[
        CONTACT_LABELS,
        CC_LABELS,
        SIGNER_LABELS,
        FOOT_LABELS,
        SIGNING_UNIT_LABELS,
        PERSON_LABELS,
    ]
};

const FRAME_WORDS: &[&str] = &[
    "尊敬的各位",
    "尊敬的",
    "尊敬",
    "办理结果标注",
    "辦理結果標註",
    "办理结果",
    "辦理結果",
    "办复类别",
    "辦復類別",
    "答复类别",
    "答覆類別",
    "办理类别",
    "辦理類別",
    "类别",
    "類別",
    "文号",
    "文號",
    "发文字号",
    "發文字號",
];

/// The nothing-lost check: every non-whitespace character of each record's reply, in order, is
/// in exactly one part of the record (addressee, body, section and measure labels / headings /
/// texts, closing, signature, contacts, copy-to, signer, category, document number, `extra`),
/// or is punctuation or a label word framing one of them. Each part's text, rebuilt from its
/// pieces in input order, equals what the record holds.
pub fn assert_nothing_lost(what: &str, x: &propex::Extraction) {
    use propex::Part;
    for propex::Extracted {
        record: r,
        origin: span,
    } in &x.records
    {
        // A page's spans are in its source, where markup sits between the pieces.
        if span.reply.is_empty() || x.format == propex::SourceFormat::Html {
            continue;
        }
        let reply = r.reply.as_ref().expect("reply text gives a reply");
        let text = x.text.as_str();
        let piece_text = |p: &propex::Piece| &text[p.range.clone()];

        // Pieces lie inside the reply, in order, without overlap, and cover every
        // non-whitespace character of it.
        let mut pieces = span.pieces.clone();
        pieces.sort_by_key(|p| p.range.start);
        for w in pieces.windows(2) {
            assert!(
                w[0].range.end <= w[1].range.start,
                "{what}: pieces overlap: {:?} {:?}",
                w[0],
                w[1]
            );
        }
        for p in &pieces {
            assert!(
                span.reply
                    .iter()
                    .any(|r| r.start <= p.range.start && p.range.end <= r.end),
                "{what}: piece outside the reply: {p:?}"
            );
        }
        for range in &span.reply {
            for (i, c) in text[range.clone()].char_indices() {
                let at = range.start + i;
                if c.is_whitespace() {
                    continue;
                }
                assert!(
                    pieces.iter().any(|p| p.range.contains(&at)),
                    "{what}: {c:?} at byte {at} went nowhere: …{}…",
                    &text[at..].chars().take(20).collect::<String>()
                );
            }
        }

        // Every piece is where its part says, and each part is exactly its pieces.
        let joined = |part: &dyn Fn(&Part) -> bool| -> String {
            pieces
                .iter()
                .filter(|p| part(&p.part))
                .map(piece_text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            joined(&|p| *p == Part::Addressee),
            reply.addressee.clone().unwrap_or_default(),
            "{what}: addressee"
        );
        assert_eq!(joined(&|p| *p == Part::Body), reply.body, "{what}: body");
        assert_eq!(
            joined(&|p| *p == Part::Closing),
            reply.closing.clone().unwrap_or_default(),
            "{what}: closing"
        );
        for (i, s) in reply.sections.iter().enumerate() {
            assert_eq!(joined(&|p| *p == Part::SectionLabel(i)), s.label, "{what}");
            assert_eq!(
                joined(&|p| *p == Part::SectionHeading(i)),
                s.heading,
                "{what}"
            );
            assert_eq!(joined(&|p| *p == Part::SectionText(i)), s.text, "{what}");
        }
        for (i, m) in reply.measures.iter().enumerate() {
            assert_eq!(joined(&|p| *p == Part::MeasureLabel(i)), m.label, "{what}");
            assert_eq!(joined(&|p| *p == Part::MeasureTitle(i)), m.title, "{what}");
            assert_eq!(joined(&|p| *p == Part::MeasureText(i)), m.text, "{what}");
        }
        for (i, c) in reply.contacts.iter().enumerate() {
            assert_eq!(
                joined(&|p| *p == Part::ContactName(i)),
                c.name.clone().unwrap_or_default(),
                "{what}: contact {i}"
            );
            assert_eq!(
                joined(&|p| *p == Part::ContactPhone(i)),
                c.phone.clone().unwrap_or_default(),
                "{what}: contact {i}"
            );
        }
        assert_eq!(
            joined(&|p| *p == Part::Cc),
            reply.cc.join("\n"),
            "{what}: cc"
        );
        for (i, note) in reply.notes.iter().enumerate() {
            assert_eq!(joined(&|p| *p == Part::Note(i)), *note, "{what}: note {i}");
        }
        let sig = reply.signature.clone().unwrap_or_default();
        assert_eq!(
            joined(&|p| *p == Part::SignatureUnit),
            sig.unit.clone().unwrap_or_default(),
            "{what}: signature unit"
        );
        let dates = joined(&|p| *p == Part::SignatureDate);
        if !dates.is_empty() {
            let parsed = propex::date::parse(&dates, &propex::date::Era::Roc).unwrap();
            assert_eq!(Some(parsed.to_string()), sig.date, "{what}: signature date");
        }
        // What a frame piece may hold: a label whose value is kept in `extra` under it (its key
        // there), then the library's foot labels and the frame words. Keys first, and each list
        // longest first: a shorter key or word inside one (`内容` in `答复内容`, `抄送` in
        // `抄送单位`) would break it up.
        let mut keys: Vec<&str> = r.extra.keys().map(String::as_str).collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        let mut words: Vec<&str> = FRAME_LISTS
            .iter()
            .flat_map(|l| l.iter())
            .chain(FRAME_WORDS)
            .copied()
            .collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let frame: Vec<&str> = keys.into_iter().chain(words).collect();
        for p in &pieces {
            let t = piece_text(p);
            match &p.part {
                Part::Signer => assert_eq!(reply.signer.as_deref(), Some(t), "{what}"),
                Part::Category => assert_eq!(r.category.as_deref(), Some(t.trim()), "{what}"),
                Part::DocNumber => assert_eq!(r.doc_number.as_deref(), Some(t), "{what}"),
                Part::Extra(key) => assert!(
                    r.extra.get(key).is_some_and(|v| v.contains(t)),
                    "{what}: {t:?} not in extra.{key}"
                ),
                Part::Frame => {
                    let mut rest: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                    for w in &frame {
                        rest = rest.replace(w, "");
                    }
                    assert!(
                        !rest.chars().any(|c| c.is_alphanumeric()),
                        "{what}: text {t:?} was dropped as if it were a label"
                    );
                }
                _ => {}
            }
        }
    }
}
