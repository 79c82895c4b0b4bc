//! Where each value of an assembled record was read (`extract --spans`): the table's values
//! carry their place from the `fields` stage, the letter's parts from the `reply` stage's
//! pieces; a value assembled from elsewhere (a title named in the opening, a number in the
//! letter's heading) is found in the record's own text.

use std::ops::Range;

use indexmap::IndexMap;

use crate::diag::LineIndex;
use crate::fields::{RawRecord, Value};
use crate::record::{Located, Record, Span};
use crate::reply::{Part, Piece};
use crate::vocab::{self, labels};

/// Byte ranges for each field path of one record, in the record's field order.
struct Found<'a> {
    text: &'a str,
    /// The record's stretch of the text: where a value with no place of its own is looked for.
    region: Range<usize>,
    out: IndexMap<String, Vec<Range<usize>>>,
}

impl Found<'_> {
    fn put(&mut self, path: impl Into<String>, ranges: Vec<Range<usize>>) {
        let ranges: Vec<_> = ranges.into_iter().filter(|r| r.start < r.end).collect();
        if !ranges.is_empty() {
            self.out.entry(path.into()).or_default().extend(ranges);
        }
    }

    /// `value` where it was read: the first candidate whose text is the value (whitespace
    /// aside), else the value written out in a candidate, else in the record's text.
    fn place(&self, value: &str, candidates: &[Range<usize>]) -> Option<Range<usize>> {
        let bare = vocab::without_spaces(value);
        if bare.is_empty() {
            return None;
        }
        candidates
            .iter()
            .find(|r| vocab::without_spaces(&self.text[(*r).clone()]) == bare)
            .cloned()
            .or_else(|| {
                candidates
                    .iter()
                    .chain(std::iter::once(&self.region))
                    .find_map(|r| self.find(value, r.clone()))
            })
    }

    /// The first place of `needle` inside `within`.
    fn find(&self, needle: &str, within: Range<usize>) -> Option<Range<usize>> {
        if needle.is_empty() {
            return None;
        }
        let hay = self.text.get(within.clone())?;
        hay.find(needle)
            .map(|at| within.start + at..within.start + at + needle.len())
    }

    /// The first place of `needle` inside `within` with whitespace in the text aside: a number
    /// a crawl spaced out (`第2 0 1号`). For short values: each place of the first character
    /// is tried.
    fn find_loose(&self, needle: &str, within: Range<usize>) -> Option<Range<usize>> {
        let hay = self.text.get(within.clone())?;
        let want: Vec<char> = needle.chars().filter(|c| !c.is_whitespace()).collect();
        let first = *want.first()?;
        hay.char_indices()
            .filter(|&(_, c)| c == first)
            .find_map(|(i, _)| {
                let mut got = hay[i..].char_indices().filter(|(_, c)| !c.is_whitespace());
                let mut end = i;
                for &w in &want {
                    let (j, c) = got.next().filter(|&(_, c)| c == w)?;
                    end = i + j + c.len_utf8();
                }
                Some(within.start + i..within.start + end)
            })
    }

    /// Each item found in turn inside `ranges` (a list written in one or more cells, read in
    /// order), else in the record's text.
    fn items(&mut self, path: &str, items: &[String], ranges: &[Range<usize>]) {
        let mut cursor = (0, ranges.first().map_or(0, |r| r.start));
        for (i, item) in items.iter().enumerate() {
            let mut at = None;
            while let Some(r) = ranges.get(cursor.0) {
                let from = cursor.1.max(r.start);
                if let Some(found) = self.find(item, from..r.end) {
                    cursor.1 = found.end;
                    at = Some(found);
                    break;
                }
                cursor.0 += 1;
                cursor.1 = ranges.get(cursor.0).map_or(0, |n| n.start);
            }
            if at.is_none() {
                // Not in order (or not in the cells): anywhere in the record.
                at = ranges
                    .iter()
                    .chain(std::iter::once(&self.region))
                    .find_map(|r| self.find(item, r.clone()));
            }
            self.put(format!("{path}[{i}]"), at.into_iter().collect());
        }
    }
}

/// A value's text without the whitespace around it.
fn trimmed(v: &Value<'_>) -> Range<usize> {
    let lead = v.text.len() - v.text.trim_start().len();
    let start = v.start + lead;
    start..start + v.text.trim().len()
}

/// Where a path sits among the record's fields: group, item, field of the item.
type Order = (u8, usize, u8);

/// Where each of a letter's pieces went, as a field path and an order among the record's
/// fields; `None` for labels and punctuation around a value.
fn piece_path(part: &Part, cc_index: &mut usize) -> Option<(Order, String)> {
    Some(match part {
        Part::Addressee => ((10, 0, 0), "reply.addressee".into()),
        Part::Body => ((11, 0, 0), "reply.body".into()),
        Part::SectionLabel(i) => ((12, *i, 0), format!("reply.sections[{i}].label")),
        Part::SectionHeading(i) => ((12, *i, 1), format!("reply.sections[{i}].heading")),
        Part::SectionText(i) => ((12, *i, 2), format!("reply.sections[{i}].text")),
        Part::MeasureLabel(i) => ((13, *i, 0), format!("reply.measures[{i}].label")),
        Part::MeasureTitle(i) => ((13, *i, 1), format!("reply.measures[{i}].title")),
        Part::MeasureText(i) => ((13, *i, 2), format!("reply.measures[{i}].text")),
        Part::Closing => ((14, 0, 0), "reply.closing".into()),
        Part::SignatureUnit => ((15, 0, 0), "reply.signature.unit".into()),
        Part::SignatureDate => ((15, 0, 1), "reply.signature.date".into()),
        Part::ContactName(i) => ((16, *i, 0), format!("reply.contacts[{i}].name")),
        Part::ContactPhone(i) => ((16, *i, 1), format!("reply.contacts[{i}].phone")),
        Part::Cc => {
            *cc_index += 1;
            (
                (17, *cc_index - 1, 0),
                format!("reply.cc[{}]", *cc_index - 1),
            )
        }
        Part::Signer => ((18, 0, 0), "reply.signer".into()),
        Part::Note(i) => ((19, *i, 0), format!("reply.notes[{i}]")),
        Part::Category => ((5, 0, 0), "category".into()),
        Part::DocNumber => ((6, 0, 0), "doc_number".into()),
        Part::Extra(key) => ((30, 0, 0), format!("extra.{key}")),
        Part::Frame => return None,
    })
}

/// The spans of one record's values. `pieces` are the letter's, in text order; `region` is the
/// record's stretch of `text`.
pub(super) fn locate(
    record: &Record,
    raw: &RawRecord<'_>,
    pieces: &[Piece],
    text: &str,
    region: Range<usize>,
    lines: &LineIndex<'_>,
) -> IndexMap<String, Located> {
    let mut f = Found {
        text,
        region,
        out: IndexMap::new(),
    };
    let of_part = |want: &dyn Fn(&Part) -> bool| -> Vec<Range<usize>> {
        pieces
            .iter()
            .filter(|p| want(&p.part))
            .map(|p| p.range.clone())
            .collect()
    };
    let one = |v: &Option<Value<'_>>| -> Vec<Range<usize>> { v.iter().map(trimmed).collect() };

    // The letter's pieces by path, to be merged in the record's field order below.
    let mut letter: Vec<(Order, String, Range<usize>)> = Vec::new();
    let mut cc = 0;
    for p in pieces {
        if let Some((order, path)) = piece_path(&p.part, &mut cc) {
            letter.push((order, path, p.range.clone()));
        }
    }
    letter.sort_by_key(|l| l.0);

    if let Some(p) = &record.proposer {
        let candidates: Vec<_> = one(&raw.proposer)
            .into_iter()
            .chain(of_part(&|p| *p == Part::Addressee))
            .collect();
        let at = f.place(p, &candidates);
        f.put("proposer", at.clone().into_iter().collect());
        let within: Vec<_> = at.into_iter().chain(candidates).collect();
        f.items("proposers", &record.proposers, &within);
    }
    if let Some(n) = &record.number {
        let at = raw
            .number
            .filter(|v| vocab::identifier(v.text) == *n)
            .map(|v| trimmed(&v))
            .or_else(|| f.place(n, &[]))
            .or_else(|| f.find_loose(n, f.region.clone()));
        f.put("number", at.into_iter().collect());
    }
    if let Some(t) = &record.title {
        let at = f.place(t, &one(&raw.title));
        f.put("title", at.into_iter().collect());
    }
    if record.content.is_some() {
        f.put("content", raw.content.iter().map(trimmed).collect());
    }
    let unit_cells: Vec<_> = [&raw.units, &raw.lead, &raw.assisting]
        .into_iter()
        .flatten()
        .map(trimmed)
        .chain(of_part(&|p| {
            matches!(p, Part::SignatureUnit | Part::Addressee)
        }))
        .collect();
    f.items("units.lead", &record.units.lead, &unit_cells);
    f.items("units.assisting", &record.units.assisting, &unit_cells);
    for (path, value, cell, part) in [
        (
            "category",
            &record.category,
            &raw.category,
            Some(Part::Category),
        ),
        (
            "doc_number",
            &record.doc_number,
            &raw.doc_number,
            Some(Part::DocNumber),
        ),
        ("session", &record.session, &raw.session, None),
    ] {
        if let Some(v) = value {
            let candidates: Vec<_> = one(cell)
                .into_iter()
                .chain(of_part(&|p| Some(p) == part.as_ref()))
                .collect();
            let at = f.place(v, &candidates);
            f.put(path, at.into_iter().collect());
        }
    }
    // Category and document number are placed above, from the table or the letter.
    letter.retain(|(order, ..)| order.0 >= 10);

    if let Some(reply) = &record.reply {
        if reply.date.is_some() {
            let at: Vec<_> = raw
                .reply_date
                .as_ref()
                .map(|(_, v)| trimmed(v))
                .into_iter()
                .chain(of_part(&|p| *p == Part::SignatureDate))
                // Else the page's 成文日期, as `assemble` reads it.
                .chain(
                    raw.extra
                        .iter()
                        .filter(|(k, _)| labels::WRITTEN_DATE_CELLS.contains(&k.as_str()))
                        .map(|(_, v)| trimmed(v)),
                )
                .take(1)
                .collect();
            f.put("reply.date", at);
        }
        for (_, path, range) in letter.iter().filter(|(o, ..)| o.0 < 30) {
            f.put(path.clone(), vec![range.clone()]);
        }
        // A signer's cell of the table becomes `reply.signer`.
        if reply.signer.is_some() && !f.out.contains_key("reply.signer") {
            let at = raw
                .extra
                .iter()
                .find(|(k, v)| {
                    labels::SIGNER_CELLS.contains(&k.as_str()) && !v.text.trim().is_empty()
                })
                .map(|(_, v)| trimmed(v));
            f.put("reply.signer", at.into_iter().collect());
        }
    }
    for key in record.extra.keys() {
        // A reply date that does not read is kept in `extra` under its label.
        let cells: Vec<_> = raw
            .extra
            .iter()
            .chain(&raw.reply_date)
            .filter(|(k, v)| k == key && !v.text.trim().is_empty())
            .map(|(_, v)| trimmed(v))
            .collect();
        let path = format!("extra.{key}");
        let from_letter: Vec<_> = letter
            .iter()
            .filter(|(_, p, _)| *p == path)
            .map(|(.., r)| r.clone())
            .collect();
        f.put(path, cells.into_iter().chain(from_letter).collect());
    }

    // Positions in one pass over the record's text in offset order: a letter on one long line
    // with many values would otherwise count its characters again for each of them.
    let mut starts: Vec<usize> = f.out.values().flatten().map(|r| r.start).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut cursor = crate::diag::Cursor::default();
    let positions: std::collections::HashMap<usize, (usize, usize)> = starts
        .into_iter()
        .map(|at| (at, lines.position_after(at, &mut cursor)))
        .collect();
    let span = |r: &Range<usize>| {
        let (line, column) = positions[&r.start];
        Span {
            start: r.start,
            end: r.end,
            line,
            column,
        }
    };
    f.out
        .into_iter()
        .map(|(path, ranges)| {
            let located = match ranges.as_slice() {
                [one] => Located::One(span(one)),
                many => Located::Pieces(many.iter().map(span).collect()),
            };
            (path, located)
        })
        .collect()
}
