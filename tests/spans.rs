//! `extract --spans`: for every fixture and every corpus letter, each span's text, normalized
//! the way its field is, is the field's value; records with spans still match the schema; and
//! without the flag no record has the key.

mod common;

use propex::date::{Era, parse};
use propex::{Config, Located, Record, extract};
use serde_json::Value;

/// The value at a span's path (`reply.measures[2].title`, `extra.备注`).
fn at<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(key) = path.strip_prefix("extra.") {
        return record.get("extra")?.get(key);
    }
    let mut v = record;
    for seg in path.split('.') {
        let (name, index) = match seg.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']').parse::<usize>().ok()?)),
            None => (seg, None),
        };
        v = v.get(name)?;
        if let Some(i) = index {
            v = v.get(i)?;
        }
    }
    Some(v)
}

/// The paths of every non-empty string in a record, as spans name them.
fn strings(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if path.is_empty() && matches!(k.as_str(), "source" | "kind" | "spans") {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                strings(x, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                strings(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) if !s.trim().is_empty() => out.push(path.to_string()),
        _ => {}
    }
}

fn bare(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the text a span covers is what the record says at its path.
fn agrees(path: &str, text: &str, value: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    if path == "number" {
        return propex::vocab::identifier(text) == value;
    }
    if last == "date" {
        return [Era::Gregorian, Era::Roc]
            .iter()
            .any(|era| parse(text, era).is_ok_and(|d| d.to_string() == value));
    }
    // Paragraphs are joined by line breaks, values trimmed: whitespace aside, the span holds
    // the value (a unit or proposer inside its list, a title inside its quotation marks).
    let (text, value) = (bare(text), bare(value));
    !value.is_empty() && text.contains(&value)
}

/// Checks every span of every record of one input; returns how many spans were checked.
fn check(name: &str, bytes: &[u8]) -> usize {
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    let Ok(x) = extract(name, bytes, &config) else {
        return 0;
    };
    let mut checked = 0;
    for e in &x.records {
        let r: &Record = &e.record;
        let json = serde_json::to_value(r).unwrap();
        common::assert_valid(name, &json);
        let spans = r.spans.as_ref().expect("spans were asked for");
        // Every value read from the text has a span (`source` and `kind` are not read from it).
        let mut texts = Vec::new();
        strings(&json, "", &mut texts);
        for path in texts {
            assert!(spans.contains_key(&path), "{name}: no span for {path}");
        }
        for (path, located) in spans {
            let value = at(&json, path)
                .unwrap_or_else(|| panic!("{name}: span for {path}, which the record lacks"));
            let value = match value {
                Value::String(s) => s.clone(),
                other => panic!("{name}: {path} is {other}, not text"),
            };
            let pieces: Vec<&str> = located
                .iter()
                .map(|s| {
                    assert!(s.start <= s.end && s.end <= x.text.len(), "{name}: {path}");
                    let (line, column) = line_col(&x.text, s.start);
                    assert_eq!((s.line, s.column), (line, column), "{name}: {path}");
                    &x.text[s.start..s.end]
                })
                .collect();
            if let Located::Pieces(list) = located {
                assert!(list.len() > 1, "{name}: {path}: a list of one");
                assert!(
                    list.windows(2).all(|w| w[0].end <= w[1].start),
                    "{name}: {path}: pieces out of order"
                );
            }
            // A page's spans are in its source: the text between its tags is the value.
            let read = if x.format == propex::SourceFormat::Html {
                pieces
                    .iter()
                    .map(|p| {
                        scraper::Html::parse_fragment(p)
                            .root_element()
                            .text()
                            .collect::<String>()
                    })
                    .collect()
            } else {
                pieces.concat()
            };
            assert!(
                agrees(path, &read, &value),
                "{name}: {path}: span {pieces:?} is not {value:?}"
            );
            checked += 1;
        }
    }
    checked
}

/// 1-based line and column (in characters) of a byte offset, counted the plain way.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() + 1)
}

#[test]
fn every_fixture_span_holds_its_value() {
    let mut checked = 0;
    for rel in common::fixtures() {
        let bytes = std::fs::read(common::root().join(&rel)).unwrap();
        checked += check(&rel.display().to_string(), &bytes);
    }
    assert!(checked > 500, "only {checked} spans checked");
}

#[test]
fn every_corpus_letter_span_holds_its_value() {
    let Some(dir) = common::shared("corpus/letters") else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".txt") {
            checked += check(&name, &std::fs::read(&path).unwrap());
        }
    }
    assert!(checked > 500, "only {checked} spans checked");
}

#[test]
fn the_fields_a_reader_checks_first_have_spans() {
    let input = "标题: | 关于路灯的建议 |\n建议人: | 张三代表 |\n建议号: | 第7号 |\n答复内容: | 张三代表：\n您提出的建议收悉。现答复如下：\n一、加快维修。\n感谢您的关心！\n某区城管局\n2023年5月8日 |\n";
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    let x = extract("a.txt", input.as_bytes(), &config).unwrap();
    let spans = x.records[0].record.spans.as_ref().unwrap();
    for path in [
        "proposer",
        "proposers[0]",
        "number",
        "title",
        "reply.date",
        "reply.addressee",
        "reply.body",
        "reply.measures[0].label",
        "reply.measures[0].title",
        "reply.closing",
        "reply.signature.unit",
        "reply.signature.date",
    ] {
        assert!(spans.contains_key(path), "no span for {path}: {spans:?}");
    }
    let Located::One(number) = &spans["number"] else {
        panic!("one span for the number")
    };
    assert_eq!(&input[number.start..number.end], "第7号");
    assert_eq!((number.line, number.column), (3, 8));
}

#[test]
fn without_the_flag_there_are_no_spans() {
    let input = "标题: | 关于路灯的建议 |\n";
    let x = extract("a.txt", input.as_bytes(), &Config::default()).unwrap();
    assert!(x.records[0].record.spans.is_none());
    let json = propex::emit::to_string(&x.records[0].record, propex::emit::Format::Jsonl);
    assert!(!json.contains("\"spans\""));
}
