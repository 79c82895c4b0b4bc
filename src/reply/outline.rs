//! The outline of a reply's body: numbered items grouped into sections and measures by the rule
//! in the README (outermost present level → sections when there are two levels or more, the next
//! one → measures; deeper levels stay in their measure's text).

use super::{Part, Piece, Pieces};
use crate::record::{Measure, Section};
use crate::text::{self, Level, Para};
use crate::vocab;

/// The body's paragraphs sorted into outline parts.
#[derive(Debug, Default)]
pub struct Outline<'t> {
    /// Paragraphs before the first item (or all of them when there is no outline).
    pub body: Vec<Para<'t>>,
    pub sections: Vec<Section>,
    pub measures: Vec<Measure>,
    /// Where every part came from.
    pub pieces: Pieces,
}

/// An item under construction: its marker, its heading and its paragraphs — what followed the
/// heading in its first paragraph, then whole paragraphs of the body, which are always the ones
/// right after it (kept as a range, not copied into a list of their own).
struct Item<'t> {
    number: u32,
    label: &'t str,
    heading: String,
    first: Option<Para<'t>>,
    more: std::ops::Range<usize>,
}

impl Item<'_> {
    fn text(&self, paras: &[Para<'_>]) -> String {
        let more = &paras[self.more.clone()];
        let len = self.first.map_or(0, |p| p.text.len() + 1)
            + more.iter().map(|p| p.text.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        for p in self.first.iter().chain(more) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(p.text);
        }
        out
    }
}

impl<'t> Item<'t> {
    /// Reads an item's first paragraph (the `at`-th); `part` makes its (label, heading, text)
    /// pieces.
    fn new(
        at: usize,
        p: Para<'t>,
        m: text::Marker<'t>,
        part: impl Fn(u8) -> Part,
        pieces: &mut Pieces,
    ) -> Self {
        pieces.push(Piece::new(part(0), p.start..p.start + m.label.len()));
        let rest = p.from(m.label.len());
        let (heading, stop, first) = run_in_heading(rest);
        if !heading.is_empty() {
            pieces.push(Piece::new(part(1), rest.start..rest.start + heading.len()));
        }
        if let Some(stop) = stop {
            pieces.push(Piece::new(Part::Frame, stop));
        }
        if let Some(first) = first {
            pieces.push(Piece::new(part(2), first.start..first.end()));
        }
        Item {
            number: m.number,
            label: m.label,
            heading,
            first,
            more: at + 1..at + 1,
        }
    }
}

/// Which levels count: a level is present when one of its items is numbered 1 at the start of a
/// paragraph (a lone `5、` in running text is not an outline).
fn levels_present(markers: &[Option<text::Marker<'_>>]) -> Vec<Level> {
    let mut present = Vec::new();
    for m in markers.iter().flatten() {
        if m.number == 1 && !present.contains(&m.level) {
            present.push(m.level);
        }
    }
    present.sort();
    present
}

pub fn outline<'t>(paras: &[Para<'t>], keep_pieces: bool) -> Outline<'t> {
    let markers: Vec<Option<text::Marker<'t>>> =
        paras.iter().map(|p| text::marker(p.text)).collect();
    let present = levels_present(&markers);
    let (section_level, measure_level) = match present.as_slice() {
        [] => (None, None),
        [only] => (None, Some(*only)),
        [outer, next, ..] => (Some(*outer), Some(*next)),
    };

    // Sized once: a reply has dozens of items and a few pieces per paragraph.
    let count = |level| {
        markers
            .iter()
            .flatten()
            .filter(|m| Some(m.level) == level)
            .count()
    };
    let mut out = Outline {
        pieces: Pieces::new(keep_pieces, paras.len() * 3),
        ..Outline::default()
    };
    let mut sections: Vec<Item<'t>> = Vec::with_capacity(count(section_level));
    // (section number it sits in, item)
    let mut measures: Vec<(Option<u32>, Item<'t>)> = Vec::with_capacity(count(measure_level));
    // Which item the next plain paragraph belongs to.
    #[derive(PartialEq)]
    enum Open {
        Body,
        Section,
        Measure,
    }
    let mut open = Open::Body;

    for (at, (&p, &m)) in paras.iter().zip(&markers).enumerate() {
        match m {
            Some(m) if Some(m.level) == section_level => {
                let i = sections.len();
                let part = |k| match k {
                    0 => Part::SectionLabel(i),
                    1 => Part::SectionHeading(i),
                    _ => Part::SectionText(i),
                };
                sections.push(Item::new(at, p, m, part, &mut out.pieces));
                open = Open::Section;
            }
            Some(m) if Some(m.level) == measure_level => {
                let i = measures.len();
                let part = |k| match k {
                    0 => Part::MeasureLabel(i),
                    1 => Part::MeasureTitle(i),
                    _ => Part::MeasureText(i),
                };
                let section = sections.last().map(|s| s.number);
                measures.push((section, Item::new(at, p, m, part, &mut out.pieces)));
                open = Open::Measure;
            }
            _ => {
                let part = match open {
                    Open::Body => {
                        out.body.push(p);
                        Part::Body
                    }
                    Open::Section => {
                        let i = sections.len() - 1;
                        debug_assert_eq!(sections[i].more.end, at);
                        sections[i].more.end = at + 1;
                        Part::SectionText(i)
                    }
                    Open::Measure => {
                        let i = measures.len() - 1;
                        debug_assert_eq!(measures[i].1.more.end, at);
                        measures[i].1.more.end = at + 1;
                        Part::MeasureText(i)
                    }
                };
                out.pieces.push(Piece::new(part, p.start..p.end()));
            }
        }
    }

    out.sections.reserve_exact(sections.len());
    out.measures.reserve_exact(measures.len());
    for s in sections {
        out.sections.push(Section {
            number: s.number,
            label: s.label.to_string(),
            text: s.text(paras),
            heading: s.heading,
        });
    }
    for (section, m) in measures {
        out.measures.push(Measure {
            number: m.number,
            label: m.label.to_string(),
            section,
            text: m.text(paras),
            title: m.heading,
        });
    }
    out
}

/// Splits an item's first paragraph into its run-in heading and the rest. The heading runs to
/// the first `。`, or to a space that ends a short heading written without punctuation
/// (`聚力做强南通高新区 把…`); without either, the whole paragraph is the heading. Also returns
/// the span of the `。` that closed the heading.
fn run_in_heading(p: Para<'_>) -> (String, Option<std::ops::Range<usize>>, Option<Para<'_>>) {
    let t = p.text;
    let stop = text::find_full_stop(t);
    // A space counts only before the full stop: look no further.
    let space = heading_space(&t[..stop.unwrap_or(t.len())]);
    let (end, skip, frame) = match (stop, space) {
        (Some(s), Some((sp, sp_len))) if sp < s => (sp, sp_len, false),
        (Some(s), _) => (s, '。'.len_utf8(), true),
        (None, Some((sp, sp_len))) => (sp, sp_len, false),
        (None, None) => return (t.to_string(), None, None),
    };
    let heading = t[..end].trim_end().to_string();
    let rest = p.from(end + skip);
    let frame = frame.then(|| p.start + end..p.start + end + skip);
    (heading, frame, (!rest.text.is_empty()).then_some(rest))
}

/// A space that closes a heading: within the first 40 characters, after at least two, and not
/// right after a word that cannot end a phrase (的, 和, 以 … a stray space mid-sentence).
fn heading_space(t: &str) -> Option<(usize, usize)> {
    // Forty characters are at most 160 bytes.
    let head = vocab::head(t, 160);
    let (i, end) = text::next_space(head, 0)?;
    let before = &t[..i];
    let count = before.chars().count();
    let prev = before.chars().next_back();
    let stray = matches!(
        prev,
        None | Some(
            '的' | '和'
                | '与'
                | '及'
                | '或'
                | '以'
                | '在'
                | '对'
                | '把'
                | '将'
                | '为'
                | '了'
                | '，'
                | ','
                | '、'
                | '“'
                | '《'
        )
    );
    (!stray && (2..=40).contains(&count)).then_some((i, end - i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Outline<'_> {
        outline(&text::paragraphs(s, 0), true)
    }

    #[test]
    fn one_level_is_measures() {
        let o = parse("前言。\n1.加强领导。具体做法。\n补充一段。\n2.完善机制 做好衔接。");
        assert!(o.sections.is_empty());
        assert_eq!(o.body.len(), 1);
        assert_eq!(o.measures.len(), 2);
        assert_eq!(o.measures[0].title, "加强领导");
        assert_eq!(o.measures[0].text, "具体做法。\n补充一段。");
        assert_eq!(o.measures[1].title, "完善机制");
        assert_eq!(o.measures[1].text, "做好衔接。");
        assert_eq!(o.measures[1].section, None);
    }

    #[test]
    fn two_levels_run_on_and_deeper_levels_stay_in_text() {
        let o = parse("（一）总体 导语。\n1.甲。甲文。\n(1)细节一\n2.乙\n（二）其次\n3.丙。");
        assert_eq!(o.sections.len(), 2);
        assert_eq!(o.sections[0].heading, "总体");
        assert_eq!(o.sections[0].text, "导语。");
        assert_eq!(o.measures.len(), 3);
        assert_eq!(o.measures[0].text, "甲文。\n(1)细节一");
        assert_eq!(o.measures[1].title, "乙");
        assert_eq!(o.measures[1].text, "");
        assert_eq!(o.measures[2].section, Some(2));
        assert_eq!(o.measures[2].number, 3);
    }

    #[test]
    fn stray_spaces_do_not_make_headings() {
        let o = parse("1.培育一批潜力足的 “专精特新”企业，形成优势。");
        assert_eq!(
            o.measures[0].title,
            "培育一批潜力足的 “专精特新”企业，形成优势"
        );
    }

    #[test]
    fn a_lone_item_without_a_first_is_text() {
        let o = parse("我们做了三件事。\n5、这是正文里的一句。");
        assert!(o.measures.is_empty());
        assert_eq!(o.body.len(), 2);
    }
}
