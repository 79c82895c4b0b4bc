//! propex: Chinese proposal / suggestion and reply records to typed, validated data.
//!
//! The pipeline is a chain of plain stages, each in its own module:
//! bytes → [`decode`] → [`cells`] → [`fields`] → [`reply`] → [`Record`] → [`emit`];
//! [`validate`] turns records into diagnostics and [`batch`] runs many inputs.
//! The library never prints: it returns records and [`Diagnostic`]s, and writes output only to
//! the writers it is handed.

pub mod batch;
pub mod cells;
pub mod date;
pub mod decode;
pub mod diag;
pub mod emit;
pub mod fields;
pub mod record;
pub mod reply;
pub mod text;

use std::sync::LazyLock;

use regex::Regex;

pub use decode::EncodingChoice;
pub use diag::{Code, Diagnostic, Severity};
pub use record::{Kind, Measure, Record, Reply, Section, Source, Units};

use diag::Collector;

/// Settings for reading inputs, built once by the caller.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub encoding: EncodingChoice,
}

/// Why an input gave no records. Each names what is wrong; the caller adds the path.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Decode(#[from] decode::DecodeError),
    #[error("no record found: {0}")]
    NoRecord(&'static str),
}

/// Where the parts of one record sit in the decoded text (byte offsets), for diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Spans {
    pub start: usize,
    pub proposer: Option<usize>,
    pub number: Option<usize>,
    pub title: Option<usize>,
    pub units: Option<usize>,
    /// Each unit list as written, to find empty items that the output drops.
    pub unit_lists: Vec<(usize, String)>,
    pub reply: Option<usize>,
    pub reply_date: Option<usize>,
    pub addressee: Option<usize>,
    pub sections: Vec<usize>,
    pub measures: Vec<usize>,
}

/// Everything read from one input.
#[derive(Debug)]
pub struct Extraction {
    pub records: Vec<Record>,
    /// Parallel to `records`.
    pub spans: Vec<Spans>,
    pub diagnostics: Vec<Diagnostic>,
    /// The decoded text that offsets refer to.
    pub text: String,
}

/// Reads the records of one input. `path` is what the output's `source.path` will say.
pub fn extract(path: &str, bytes: &[u8], config: &Config) -> Result<Extraction, InputError> {
    let decoded = decode::decode(bytes, config.encoding)?;
    let text = decoded.text;
    let (records, spans, diagnostics) = {
        let mut diags = Collector::new(&text);
        for (at, code, msg) in decoded.findings {
            diags.push(code, at, msg);
        }
        let (records, spans) = read_records(path, &text, decoded.encoding, &mut diags)?;
        (records, spans, diags.into_vec())
    };
    Ok(Extraction {
        records,
        spans,
        diagnostics,
        text,
    })
}

fn read_records(
    path: &str,
    text: &str,
    encoding: &str,
    diags: &mut Collector<'_>,
) -> Result<(Vec<Record>, Vec<Spans>), InputError> {
    if !cells::has_table(text) {
        return Err(InputError::NoRecord(
            "no pipe-delimited table (rows like `标题: | … |`) in the text",
        ));
    }
    let cells = cells::split(text);
    let raws = fields::records(&cells, diags);
    if !raws.iter().any(fields::RawRecord::is_substantial) {
        return Err(InputError::NoRecord(
            "the table has no label propex knows (标题:, 提案号:, 答复内容: …)",
        ));
    }

    let mut records = Vec::with_capacity(raws.len());
    let mut spans = Vec::with_capacity(raws.len());
    for (i, raw) in raws.iter().enumerate() {
        let typed = fields::typed(raw, diags);
        let mut span = Spans {
            start: raw.start,
            proposer: raw.proposer.map(|v| v.start),
            number: raw.number.map(|v| v.start),
            title: raw.title.map(|v| v.start),
            units: raw.units.first().or(raw.lead.first()).map(|v| v.start),
            unit_lists: [&raw.units, &raw.lead, &raw.assisting]
                .into_iter()
                .flatten()
                .map(|v| (v.start, v.text.to_string()))
                .collect(),
            reply: raw.reply.first().map(|v| v.start),
            reply_date: raw.reply_date.as_ref().map(|(_, v)| v.start),
            ..Spans::default()
        };

        let parsed = (!typed.reply.is_empty()).then(|| reply::parse(&typed.reply));
        let reply = match (&parsed, &typed.reply_date) {
            (None, None) => None,
            (None, Some(d)) => Some(Reply {
                date: Some(d.clone()),
                ..Reply::default()
            }),
            (Some(p), date) => Some(Reply {
                date: date.clone(),
                ..p.reply.clone()
            }),
        };
        if let Some(p) = &parsed {
            span.addressee = p.addressee_at;
            span.sections = p.section_starts.clone();
            span.measures = p.measure_starts.clone();
        }

        let extra = typed.extra;
        let kind = infer_kind(&KindEvidence {
            hints: &raw.kind_hints,
            proposer: typed.proposer.as_deref(),
            title: typed.title.as_deref(),
            texts: [
                typed.session.as_deref(),
                extra.get("信息名称").map(String::as_str),
                parsed.as_ref().and_then(|p| p.opening.as_deref()),
            ],
        });

        records.push(Record {
            source: Source {
                path: path.to_string(),
                record: i + 1,
                line: diags.line_of(raw.start),
                encoding: encoding.to_string(),
            },
            kind,
            proposer: typed.proposer,
            number: typed.number,
            title: typed.title,
            content: typed.content,
            units: typed.units,
            category: typed.category,
            reply,
            extra,
        });
        spans.push(span);
    }
    Ok((records, spans))
}

/// What a record says about its kind, strongest first.
struct KindEvidence<'a> {
    hints: &'a [Kind],
    proposer: Option<&'a str>,
    title: Option<&'a str>,
    /// Session, page title, the reply's opening sentence.
    texts: [Option<&'a str>; 3],
}

/// 提案 vs 建议: labels first (提案号, 建议人), then who filed it (政协/委员 vs 人大/代表), then
/// what the session, page title or reply call it, then the title's own wording.
fn infer_kind(e: &KindEvidence<'_>) -> Option<Kind> {
    static PROPOSER_P: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"政协|政協|委员|委員|民革|民盟|民建|民进|民進|农工|農工|致公|九三|台盟|工商联|工商聯|界别|界別|党派|黨派").unwrap()
    });
    static PROPOSER_S: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"人大|代表").unwrap());
    static NAMED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(提案|建议|建議)(?:的?(?:答复|答覆|回复|回覆|复函|復函)|已?收悉|已收到)|第\s*[0-9０-９]+\s*[号號]\s*(提案|建议|建議)|(政协|政協)|(人大|人民代表大会)")
            .unwrap()
    });
    let one = |k: Kind| Some(k);

    if let Some(&first) = e.hints.first()
        && e.hints.iter().all(|&k| k == first)
    {
        return one(first);
    }
    if let Some(p) = e.proposer {
        if PROPOSER_P.is_match(p) {
            return one(Kind::Proposal);
        }
        if PROPOSER_S.is_match(p) {
            return one(Kind::Suggestion);
        }
    }
    for t in e.texts.iter().flatten() {
        if let Some(c) = NAMED.captures(t) {
            let word = c.get(1).or(c.get(2)).map(|m| m.as_str());
            return match (word, c.get(3), c.get(4)) {
                (Some("提案"), _, _) | (None, Some(_), _) => one(Kind::Proposal),
                (Some(_), _, _) | (None, None, Some(_)) => one(Kind::Suggestion),
                _ => None,
            };
        }
    }
    match e.title {
        Some(t) if t.ends_with("的提案") || t.ends_with("提案") => one(Kind::Proposal),
        Some(t) if t.ends_with("的建议") || t.ends_with("的建議") => one(Kind::Suggestion),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(hints: &[Kind], proposer: Option<&str>, opening: Option<&str>) -> Option<Kind> {
        infer_kind(&KindEvidence {
            hints,
            proposer,
            title: Some("关于某事的建议"),
            texts: [None, None, opening],
        })
    }

    #[test]
    fn kind_from_strongest_evidence() {
        assert_eq!(kind(&[Kind::Proposal], None, None), Some(Kind::Proposal));
        assert_eq!(
            kind(&[], Some("高新区政协工委"), None),
            Some(Kind::Proposal)
        );
        assert_eq!(kind(&[], Some("张三代表"), None), Some(Kind::Suggestion));
        assert_eq!(
            kind(&[], Some("张三"), Some("您提出的关于某事的建议的提案收悉")),
            Some(Kind::Proposal)
        );
        assert_eq!(
            kind(
                &[],
                Some("张三"),
                Some("对市十六届人大一次会议第12号建议的答复")
            ),
            Some(Kind::Suggestion)
        );
        assert_eq!(kind(&[], None, None), Some(Kind::Suggestion));
        assert_eq!(
            infer_kind(&KindEvidence {
                hints: &[],
                proposer: None,
                title: None,
                texts: [None; 3]
            }),
            None
        );
    }
}
