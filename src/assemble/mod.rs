//! Stage 5 — assemble: one `Record` from a record's labeled values (`fields`) and its letter
//! (`reply`). The table's cells come first; what the letter says fills in where the table is
//! silent (proposer, number, session, title, units, reply date), and the kind is inferred from
//! all of it.

mod locate;

use std::sync::LazyLock;

use regex::Regex;

use crate::cells;
use crate::date;
use crate::diag::{Collector, LineIndex};
use crate::fields;
use crate::page::Page;
use crate::record::{Kind, Located, Record, Reply, Source, Span};
use crate::reply;
use crate::vocab::{labels, letter, traditional};

/// A value as the input wrote it, where the record normalizes it away (a number cell `第号`,
/// a unit list with an empty item, a label kept in `extra`), and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// Byte offset in the text.
    pub at: usize,
    pub text: String,
}

/// What one record was read from, beyond where its values are (that is `Record.spans`):
/// where it starts, the cells its reply came from, where every stretch of the reply went, and
/// the values `validate` checks as they were written, each with its place.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// Byte offset of the record's first cell.
    pub start: usize,
    /// The reply's text in the input: one range per cell it was read from.
    pub reply: Vec<std::ops::Range<usize>>,
    /// Where every stretch of the reply went.
    pub pieces: Vec<reply::Piece>,
    /// The number cell as written.
    pub number: Option<Written>,
    /// The reply date cell as written.
    pub reply_date: Option<Written>,
    /// Each unit list as written (unit, lead, co-unit cells in that order), to find empty
    /// items that the output drops.
    pub unit_lists: Vec<Written>,
    /// The labels of cells kept in `extra`, as written, each placed at its value (at the
    /// record's start when the value is empty).
    pub labels: Vec<Written>,
}

impl Origin {
    /// Where a record's table values were written.
    fn of(raw: &fields::RawRecord<'_>) -> Origin {
        let written = |v: &fields::Value<'_>| Written {
            at: v.start,
            text: v.text.to_string(),
        };
        Origin {
            start: raw.start,
            reply: raw
                .reply
                .iter()
                .map(|v| v.start..v.start + v.text.len())
                .collect(),
            pieces: Vec::new(),
            number: raw.number.as_ref().map(written),
            reply_date: raw.reply_date.as_ref().map(|(_, v)| written(v)),
            unit_lists: [&raw.units, &raw.lead, &raw.assisting]
                .into_iter()
                .flatten()
                .map(written)
                .collect(),
            // An empty value has no place of its own: point at the record.
            labels: raw
                .extra
                .iter()
                .map(|(k, v)| Written {
                    at: if v.text.is_empty() {
                        raw.start
                    } else {
                        v.start
                    },
                    text: k.clone(),
                })
                .collect(),
        }
    }

    /// The same places in another text (a page's source, for a record read from its flattened
    /// text): every offset passed through `to`, each range's end through `to_end`.
    fn map_offsets(&mut self, to: &dyn Fn(usize) -> usize, to_end: &dyn Fn(usize) -> usize) {
        let range =
            |r: &mut std::ops::Range<usize>| *r = to(r.start)..to_end(r.end).max(to(r.start));
        self.start = to(self.start);
        self.reply.iter_mut().for_each(range);
        self.pieces.iter_mut().for_each(|p| range(&mut p.range));
        for w in self
            .number
            .iter_mut()
            .chain(&mut self.reply_date)
            .chain(&mut self.unit_lists)
            .chain(&mut self.labels)
        {
            w.at = to(w.at);
        }
    }

    /// Where the first piece of each part starts, looked up in constant time: a record with
    /// 200,000 measures asks for each of them.
    pub fn first_pieces(&self) -> std::collections::HashMap<&reply::Part, usize> {
        // Reversed, so that the first piece of a part is the one left in the map.
        self.pieces
            .iter()
            .rev()
            .map(|p| (&p.part, p.range.start))
            .collect()
    }
}

/// One record and what it was read from.
#[derive(Clone, Debug)]
pub struct Extracted {
    pub record: Record,
    pub origin: Origin,
}

/// Moves the places of records read from a page's flattened text to the page's source: where
/// each record starts (`source.line`), its [`Origin`], and its `spans` field.
pub fn to_source(page: &Page, source: &str, records: &mut [Extracted]) {
    let flat = LineIndex::new(&page.text);
    let lines = LineIndex::new(source);
    let to = |at: usize| page.map.source_offset(at);
    // A range's end is the end of its last character, not the start of whatever follows it.
    let to_end = |end: usize| {
        let mut last = end.min(page.text.len());
        if last == 0 {
            return to(0);
        }
        last -= 1;
        while !page.text.is_char_boundary(last) {
            last -= 1;
        }
        // The last character may be one the flattening wrote (a `｜` for `|`, a space for
        // `&nbsp;`): its width in the text is not its width in the source.
        let mut at = (to(last) + (end - last)).min(source.len());
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for x in records {
        let start = to(flat.line_start(x.record.source.line));
        x.record.source.line = lines.line(start);
        x.origin.map_offsets(&to, &to_end);
        for located in x.record.spans.iter_mut().flat_map(|m| m.values_mut()) {
            let spans: Vec<&mut Span> = match located {
                Located::One(s) => vec![s],
                Located::Pieces(v) => v.iter_mut().collect(),
            };
            for s in spans {
                let (a, b) = (to(s.start), to_end(s.end));
                let b = b.max(a).min(source.len());
                (s.line, s.column) = lines.position(a);
                (s.start, s.end) = (a, b);
            }
        }
    }
}

/// Why a text holds no record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoRecord(pub &'static str);

/// What to work out besides the records.
#[derive(Clone, Copy, Debug, Default)]
pub struct Want {
    /// Each record's [`Origin`] beyond where it starts (for `validate` and the nothing-lost
    /// tests).
    pub origin: bool,
    /// Each record's `spans` field (for `extract --spans`).
    pub record_spans: bool,
}

/// Every record of a decoded text.
pub fn records(
    path: &str,
    text: &str,
    encoding: &str,
    want: Want,
    diags: &mut Collector,
) -> Result<Vec<Extracted>, NoRecord> {
    let cells = cells::split(text);
    let raws = fields::records(&cells, diags);
    if !raws.iter().any(fields::RawRecord::is_substantial) {
        return Err(NoRecord(if cells::has_table(text) {
            "the table has no label propex knows (标题:, 提案号:, 答复内容: …) and holds no reply letter"
        } else {
            "no pipe-delimited table (rows like `标题: | … |`) and no reply letter (salutation, 收悉 / 答复如下, signature) in the text"
        }));
    }
    let lines = LineIndex::new(text);
    let keep_pieces = want.origin || want.record_spans;
    Ok(raws
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let source = Source {
                path: path.to_string(),
                record: i + 1,
                line: lines.line(raw.start),
                encoding: encoding.to_string(),
                format: Default::default(),
            };
            let (mut record, pieces) = assemble(source, raw, keep_pieces, diags);
            if want.record_spans {
                let end = raws.get(i + 1).map_or(text.len(), |next| next.start);
                record.spans = Some(locate::locate(
                    &record,
                    raw,
                    &pieces,
                    text,
                    raw.start..end,
                    &lines,
                ));
            }
            let mut origin = if want.origin {
                Origin::of(raw)
            } else {
                Origin {
                    start: raw.start,
                    ..Origin::default()
                }
            };
            origin.pieces = pieces;
            Extracted { record, origin }
        })
        .collect())
}

/// One record from its labeled values and its letter: the table's cells first, what the letter
/// says where the table is silent. Also where every stretch of the letter went.
fn assemble(
    source: Source,
    raw: &fields::RawRecord<'_>,
    keep_pieces: bool,
    diags: &mut Collector,
) -> (Record, Vec<reply::Piece>) {
    let fields::Table {
        mut record,
        reply: paras,
        reply_date,
        page_title,
    } = fields::typed(raw, diags);
    record.source = source;

    // Reading the whole reply for traditional characters is slow next to the rest of a record
    // (BENCHMARKS.md); it is done only if a date with a two-digit year needs the answer.
    let era = std::cell::OnceCell::new();
    let era = || {
        *era.get_or_init(|| {
            if raw.traditional
                || raw
                    .reply
                    .iter()
                    .any(|v| traditional::looks_traditional(v.text))
            {
                date::Era::Roc
            } else {
                date::Era::Gregorian
            }
        })
    };

    let mut letter = reply::Parsed::default();
    let mut pieces = Vec::new();
    if !paras.is_empty() {
        letter = reply::parse(&paras, &era, keep_pieces, diags);
        for (k, v) in letter.extra.drain(..) {
            fields::add_extra(&mut record.extra, &k, v);
        }
        pieces = std::mem::take(&mut letter.pieces);
        let extra = &mut record.extra;
        let units = &mut record.units;
        let mut r = std::mem::take(&mut letter.reply);
        r.date = reply_date
            .clone()
            .or_else(|| r.signature.as_ref().and_then(|s| s.date.clone()));
        if r.signer.is_none() {
            r.signer = labels::SIGNER_CELLS
                .iter()
                .find_map(|k| extra.shift_remove(*k))
                .filter(|s| !s.is_empty());
        }
        // Who answered, when no units row says so: a co-unit's letter is addressed to the lead
        // unit and signed by the co-unit; an ordinary letter is signed by the lead unit.
        let signed_by: Vec<String> = r
            .signature
            .as_ref()
            .and_then(|s| s.unit.as_deref())
            .map(|u| u.lines().flat_map(joint_units).collect())
            .unwrap_or_default();
        if units.lead.is_empty() && units.assisting.is_empty() {
            if letter.co_unit {
                units.lead.extend(r.addressee.clone());
                units.assisting.extend(signed_by);
            } else if !signed_by.is_empty() {
                units.lead.extend(signed_by);
            } else if let Some(u) = letter
                .letter_title
                .as_deref()
                .and_then(letter::unit_in_title)
            {
                // Unsigned: the unit that names itself in the heading (`某局关于…的答复`).
                units.lead.push(u);
            }
        }
        // No 答复日期 cell and no signature date: the page's 成文日期 (when the letter was
        // written; publication dates are not it).
        if r.date.is_none() {
            r.date = labels::WRITTEN_DATE_CELLS
                .iter()
                .find_map(|k| extra.get(*k))
                .and_then(|v| date::parse(v, &era).ok())
                .map(|d| d.to_string());
        }
        record.reply = Some(r);
    } else if let Some(d) = reply_date {
        record.reply = Some(Reply {
            date: Some(d),
            ..Reply::default()
        });
    }

    let addressee = record.reply.as_ref().and_then(|r| r.addressee.clone());
    // Who filed it: a proposer cell, else the addressee; a co-unit's letter is addressed to
    // the lead unit, so there it is who the opening names.
    record.proposer = record.proposer.take().or_else(|| {
        if letter.co_unit {
            letter.named_proposer.clone()
        } else {
            addressee
        }
    });
    record.proposers = record
        .proposer
        .as_deref()
        .map(fields::proposers)
        .unwrap_or_default();
    // A cell with no label that names the reply (`|关于…第17号建议的答复|`) is a page title too.
    let unlabeled_title = record
        .extra
        .get(fields::UNLABELED)
        .and_then(|v| v.lines().find(|l| REPLY_WORD.is_match(l)))
        .map(str::to_string);
    record.number = record.number.take().or(letter.number.take()).or_else(|| {
        [
            &letter.letter_title,
            &page_title,
            &unlabeled_title,
            &letter.opening,
        ]
        .into_iter()
        .flatten()
        .find_map(|t| letter::number_in(t))
    });
    record.session = record.session.take().or_else(|| {
        [&letter.letter_title, &page_title, &letter.opening]
            .into_iter()
            .flatten()
            .find_map(|t| letter::session_in(t))
    });
    // The proposal's title: its own cell, else as the opening names it, else a quoted title
    // in the letter's heading.
    record.title = record.title.take().or(letter.title).or_else(|| {
        letter
            .letter_title
            .as_deref()
            .and_then(letter::quoted_title)
    });
    record.category = record.category.take().or(letter.category);
    record.doc_number = record.doc_number.take().or(letter.doc_number);
    record.kind = infer_kind(&KindEvidence {
        hints: &raw.kind_hints,
        filer_hints: &raw.filer_hints,
        proposer: record.proposer.as_deref(),
        title: record.title.as_deref(),
        texts: [
            record.session.as_deref(),
            letter.letter_title.as_deref(),
            page_title.as_deref(),
            letter.opening.as_deref(),
        ],
    });
    (record, pieces)
}

/// The units of one signature line: several when a joint reply set them side by side with
/// a wide gap (`市教育局    市卫生健康委员会`) and each is a unit, else the line. One space is
/// no gap (`某市人民政府 办公室`).
fn joint_units(line: &str) -> Vec<String> {
    let parts: Vec<&str> = line
        .trim()
        .split("  ")
        .flat_map(|p| p.split('\u{3000}'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 && parts.iter().all(|p| letter::is_unit(p)) {
        parts.into_iter().map(str::to_string).collect()
    } else {
        vec![line.trim().to_string()]
    }
}

/// A reply's name: what a page title cell says it is.
static REPLY_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"答复|答覆|回复|回覆|复函|復函").unwrap());

/// What a record says about its kind, strongest first.
struct KindEvidence<'a> {
    /// From labels that name the record (提案号, 建议内容).
    hints: &'a [Kind],
    /// From labels that name who filed it (委员, 领衔代表).
    filer_hints: &'a [Kind],
    proposer: Option<&'a str>,
    title: Option<&'a str>,
    /// Session, the letter's title, the page title, the reply's opening sentence.
    texts: [Option<&'a str>; 4],
}

/// The kind word of a `NAMED` match (`提案的答复`, `第12号建议`), when it names one.
fn kind_word<'t>(c: &regex::Captures<'t>) -> Option<&'t str> {
    c.get(1).or(c.get(2)).map(|m| m.as_str())
}

/// 提案 vs 建议: labels that name the record first (提案号, 建议内容); then the text calling it
/// a 提案 (whoever filed it: a party congress's delegates file 提案 too); then who filed it
/// (委员 / 政协 vs 代表 / 人大, by label or name); then what the session, page title or reply
/// call it; then the title's own wording. Text calling it a 建议 is weaker than who filed it:
/// proposals are often titled `…的建议`.
fn infer_kind(e: &KindEvidence<'_>) -> Option<Kind> {
    static PROPOSER_P: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"政协|政協|委员|委員|民革|民盟|民建|民进|民進|农工|農工|致公|九三|台盟|工商联|工商聯|界别|界別|党派|黨派").unwrap()
    });
    static PROPOSER_S: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"人大|代表").unwrap());
    static NAMED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(提案|建议|建議)(?:的?(?:答复|答覆|回复|回覆|复函|復函)|已?收悉|已收到|已?[转轉]交|已?交由|已?[转轉][来來]|已?交[办辦])|第\s*[0-9０-９]+\s*[号號]\s*(提案|建议|建議)|(政协|政協)|(人大|人民代表大会)")
            .unwrap()
    });
    let unanimous = |hints: &[Kind]| {
        let first = *hints.first()?;
        hints.iter().all(|&k| k == first).then_some(first)
    };
    let named = |t: &str| -> Option<Kind> {
        let c = NAMED.captures(t)?;
        match (kind_word(&c), c.get(3), c.get(4)) {
            (Some("提案"), _, _) | (None, Some(_), _) => Some(Kind::Proposal),
            (Some(_), _, _) | (None, None, Some(_)) => Some(Kind::Suggestion),
            _ => None,
        }
    };
    let calls_it_a_proposal = |t: &str| {
        NAMED
            .captures_iter(t)
            .any(|c| kind_word(&c) == Some("提案"))
    };

    if let Some(k) = unanimous(e.hints) {
        return Some(k);
    }
    if e.texts.iter().flatten().any(|t| calls_it_a_proposal(t))
        || e.title.is_some_and(|t| t.ends_with("提案"))
    {
        return Some(Kind::Proposal);
    }
    if let Some(k) = unanimous(e.filer_hints) {
        return Some(k);
    }
    if let Some(p) = e.proposer {
        if PROPOSER_P.is_match(p) {
            return Some(Kind::Proposal);
        }
        if PROPOSER_S.is_match(p) {
            return Some(Kind::Suggestion);
        }
    }
    if let Some(k) = e.texts.iter().flatten().find_map(|t| named(t)) {
        return Some(k);
    }
    match e.title {
        Some(t) if t.ends_with("的建议") || t.ends_with("的建議") => Some(Kind::Suggestion),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(hints: &[Kind], proposer: Option<&str>, opening: Option<&str>) -> Option<Kind> {
        infer_kind(&KindEvidence {
            hints,
            filer_hints: &[],
            proposer,
            title: Some("关于某事的建议"),
            texts: [None, None, None, opening],
        })
    }

    #[test]
    fn a_joint_signature_names_each_unit() {
        assert_eq!(
            joint_units("市教育局          市卫生健康委员会"),
            ["市教育局", "市卫生健康委员会"]
        );
        assert_eq!(
            joint_units("市教育局\u{3000}\u{3000}市财政局"),
            ["市教育局", "市财政局"]
        );
        assert_eq!(joint_units("某市人民政府 办公室"), ["某市人民政府 办公室"]);
        assert_eq!(joint_units("  市教育局  "), ["市教育局"]);
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
                filer_hints: &[],
                proposer: None,
                title: None,
                texts: [None; 4]
            }),
            None
        );
    }

    /// Who filed it, by label, against what the record and its letter call it.
    fn filed(hints: &[Kind], filer: Kind, title: &str, opening: &str) -> Option<Kind> {
        infer_kind(&KindEvidence {
            hints,
            filer_hints: &[filer],
            proposer: Some("张三"),
            title: Some(title),
            texts: [None, None, None, Some(opening)],
        })
    }

    #[test]
    fn a_record_the_text_calls_a_proposal_is_one_whoever_filed_it() {
        // Delegates to a party congress (领衔代表) file 提案.
        let s = Kind::Suggestion;
        let p = Kind::Proposal;
        let title = "关于修复路灯的提案";
        assert_eq!(
            filed(&[], s, title, "你们提出的《关于修复路灯的提案》已收悉"),
            Some(p)
        );
        assert_eq!(
            filed(&[], s, "关于修复路灯", "你们提出的第5号提案已收悉"),
            Some(p)
        );
        // A member's proposal titled as a suggestion stays a proposal …
        let title = "关于修复路灯的建议";
        assert_eq!(
            filed(&[], p, title, "您提出的关于修复路灯的建议收悉"),
            Some(p)
        );
        // … and a deputy's suggestion a suggestion.
        assert_eq!(
            filed(&[], s, title, "您提出的关于修复路灯的建议收悉"),
            Some(s)
        );
        // A label naming the record (建议号) outweighs one naming the filer (提案人).
        assert_eq!(filed(&[s], p, title, "现答复如下"), Some(s));
    }
}
