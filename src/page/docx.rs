//! Stage 1b — page, Word: a `.docx` (a zip of WordprocessingML parts) flattened into pipe text:
//! each paragraph a line, each table row a line of `cell | cell |`, line breaks kept, and Word's
//! automatic numbering rendered (`一、`, `（一）`, `1.` are often not in the text but in
//! `numbering.xml`), so the outline reader sees the labels a reader of the document sees.
//!
//! Only the main document part is read: headers, footers, footnotes and comments are parts of
//! their own and never reach the body. Deleted text of tracked changes is left out; a text box's
//! paragraphs are lines of their own; of a part written two ways (`mc:AlternateContent`), one.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::{Page, PageError};

/// A part larger than this once unpacked is refused: a letter is kilobytes, and a zip can
/// unpack a few kilobytes into gigabytes.
const PART_LIMIT: u64 = 64 << 20;

/// Whether the bytes are a zip holding a Word document (`word/…` parts).
pub fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") && memchr::memmem::find(bytes, b"word/").is_some()
}

/// A Word document read: the pipe text the reader reads, and the same text with the line
/// breaks inside paragraphs (`w:br`) turned into spaces, where line N is the document's Nth
/// paragraph (a table row is one line): positions are given in that one. Both are the same
/// length, so an offset in one is the same place in the other.
#[derive(Debug)]
pub struct Document {
    pub page: Page,
    pub paragraphs: String,
}

/// Reads a `.docx` into pipe text.
pub fn read(bytes: &[u8]) -> Result<Document, PageError> {
    let bad = |e: &dyn std::fmt::Display| PageError::Docx(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let main = part(&mut zip, "_rels/.rels")?
        .and_then(|rels| main_part(&rels))
        .unwrap_or_else(|| "word/document.xml".to_string());
    let document = part(&mut zip, &main)?
        .ok_or_else(|| PageError::Docx(format!("it has no main document part ({main})")))?;
    let mut numbering = Numbering::default();
    if let Some(xml) = part(&mut zip, "word/numbering.xml")? {
        numbering.read_numbering(&xml).map_err(|e| bad(&e))?;
    }
    if let Some(xml) = part(&mut zip, "word/styles.xml")? {
        numbering.read_styles(&xml).map_err(|e| bad(&e))?;
    }
    let (text, soft) = flatten(&document, &mut numbering)
        .map_err(|e| PageError::Docx(format!("{main} is damaged: {e}")))?;
    let mut paragraphs = text.clone().into_bytes();
    for at in soft {
        paragraphs[at] = b' ';
    }
    // Only ASCII line feeds became ASCII spaces: still UTF-8.
    let paragraphs = String::from_utf8(paragraphs).unwrap_or_else(|_| text.clone());
    let mut map = super::SourceMap::default();
    map.copy(0, 0, text.len());
    Ok(Document {
        page: Page { text, map },
        paragraphs,
    })
}

/// One part, unpacked, as text; `None` when the archive has no such part.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, PageError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(PageError::Docx(format!("{name}: {e}"))),
    };
    let mut out = Vec::new();
    file.take(PART_LIMIT + 1)
        .read_to_end(&mut out)
        .map_err(|e| PageError::Docx(format!("{name}: {e}")))?;
    if out.len() as u64 > PART_LIMIT {
        return Err(PageError::Docx(format!(
            "{name} unpacks to more than {} MB",
            PART_LIMIT >> 20
        )));
    }
    String::from_utf8(out)
        .map(Some)
        .map_err(|_| PageError::Docx(format!("{name} is not UTF-8 XML")))
}

/// The main document part named by the package's relationships.
fn main_part(rels: &str) -> Option<String> {
    let mut r = quick_xml::Reader::from_str(rels);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument")) =>
            {
                return attr(&e, "Target").map(|t| t.trim_start_matches('/').to_string());
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// An attribute by its local name (`w:val` as `val`).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .ok()
            })
            .flatten()
    })
}

/// One level of a numbered list.
#[derive(Clone, Debug)]
struct Level {
    start: u32,
    format: String,
    text: String,
    /// What follows the label: a tab (the default), a space or nothing.
    suffix: String,
    /// Legal numbering: every level's number written in digits.
    legal: bool,
}

impl Default for Level {
    fn default() -> Self {
        Level {
            start: 1,
            format: "decimal".into(),
            text: String::new(),
            suffix: "tab".into(),
            legal: false,
        }
    }
}

/// What a paragraph style says of numbering: its list, its level, and the style it is based on.
#[derive(Debug, Default)]
struct Style {
    num: Option<String>,
    level: Option<usize>,
    based_on: Option<String>,
}

/// Word's list definitions and the counters of the lists used so far.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    /// Paragraph styles by id.
    styles: HashMap<String, Style>,
    counters: HashMap<String, [Option<u32>; 9]>,
}

impl Numbering {
    fn read_numbering(&mut self, xml: &str) -> Result<(), quick_xml::Error> {
        let mut r = quick_xml::Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut level: Option<usize> = None;
        let mut num: Option<String> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let (e, empty) = match r.read_event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = None,
                        "lvl" => level = None,
                        "num" => num = None,
                        "lvlOverride" => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => return Ok(()),
                _ => continue,
            };
            let val = || attr(&e, "val");
            match e.local_name().as_ref() {
                "abstractNum" if !empty => {
                    abstract_id = attr(&e, "abstractNumId");
                    if let Some(id) = &abstract_id {
                        self.abstracts.insert(id.clone(), vec![Level::default(); 9]);
                    }
                }
                "lvl" if !empty && num.is_none() => {
                    level = attr(&e, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .filter(|l| *l < 9);
                }
                "num" if !empty => {
                    num = attr(&e, "numId");
                    if let Some(id) = &num {
                        self.nums
                            .insert(id.clone(), (String::new(), HashMap::new()));
                    }
                }
                "abstractNumId" => {
                    if let (Some(n), Some(v)) = (&num, val())
                        && let Some(entry) = self.nums.get_mut(n)
                    {
                        entry.0 = v;
                    }
                }
                "lvlOverride" => {
                    override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok());
                }
                "startOverride" => {
                    if let (Some(n), Some(l), Some(v)) =
                        (&num, override_level, val().and_then(|v| v.parse().ok()))
                        && let Some(entry) = self.nums.get_mut(n)
                    {
                        entry.1.insert(l, v);
                    }
                }
                name => {
                    let (Some(a), Some(l)) = (&abstract_id, level) else {
                        continue;
                    };
                    let Some(lvl) = self.abstracts.get_mut(a).and_then(|v| v.get_mut(l)) else {
                        continue;
                    };
                    match name {
                        "start" => lvl.start = val().and_then(|v| v.parse().ok()).unwrap_or(1),
                        "numFmt" => lvl.format = val().unwrap_or_default(),
                        "lvlText" => lvl.text = val().unwrap_or_default(),
                        "suff" => lvl.suffix = val().unwrap_or_default(),
                        "isLgl" => lvl.legal = val().is_none_or(|v| v != "0" && v != "false"),
                        _ => {}
                    }
                }
            }
        }
    }

    fn read_styles(&mut self, xml: &str) -> Result<(), quick_xml::Error> {
        let mut r = quick_xml::Reader::from_str(xml);
        let mut style: Option<String> = None;
        loop {
            match r.read_event()? {
                Event::Start(e) | Event::Empty(e) => {
                    let Some(id) = &style else {
                        if e.local_name().as_ref() == "style" {
                            style = attr(&e, "styleId");
                            if let Some(s) = &style {
                                self.styles.insert(s.clone(), Style::default());
                            }
                        }
                        continue;
                    };
                    let Some(entry) = self.styles.get_mut(id) else {
                        continue;
                    };
                    match e.local_name().as_ref() {
                        "numId" => entry.num = attr(&e, "val"),
                        "ilvl" => entry.level = attr(&e, "val").and_then(|v| v.parse().ok()),
                        "basedOn" => entry.based_on = attr(&e, "val"),
                        _ => {}
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "style" => style = None,
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// The numbering a paragraph style gives, following the styles it is based on.
    fn of_style(&self, style: &str) -> (Option<String>, Option<usize>) {
        let (mut num, mut level) = (None, None);
        let mut at = Some(style.to_string());
        // Styles based on each other in a loop are followed a bounded number of times.
        for _ in 0..16 {
            let Some(s) = at.take().and_then(|s| self.styles.get(&s)) else {
                break;
            };
            num = num.or_else(|| s.num.clone());
            level = level.or(s.level);
            at = s.based_on.clone();
        }
        (num, level)
    }

    /// The label of the next paragraph of list `num` at `level`, counting it.
    fn label(&mut self, num: &str, level: usize) -> Option<String> {
        let (abs, overrides) = self.nums.get(num)?;
        let levels = self.abstracts.get(abs)?;
        let level = level.min(8);
        let start = |l: usize| overrides.get(&l).copied().unwrap_or(levels[l].start);
        let counters = self.counters.entry(num.to_string()).or_insert([None; 9]);
        counters[level] = Some(counters[level].map_or(start(level), |n| n.saturating_add(1)));
        for c in counters.iter_mut().skip(level + 1) {
            *c = None;
        }
        let lvl = &levels[level];
        let mut out = String::new();
        match lvl.format.as_str() {
            "none" => {}
            "bullet" => {
                // Bullets drawn from a symbol font sit in the private use area.
                let b: String = lvl
                    .text
                    .chars()
                    .map(|c| {
                        if ('\u{e000}'..='\u{f8ff}').contains(&c) {
                            '•'
                        } else {
                            c
                        }
                    })
                    .collect();
                out.push_str(&b);
            }
            _ => {
                let mut chars = lvl.text.chars().peekable();
                while let Some(c) = chars.next() {
                    let slot = (c == '%')
                        .then(|| chars.peek().and_then(|d| d.to_digit(10)))
                        .flatten()
                        .filter(|d| (1..=9).contains(d));
                    let Some(d) = slot else {
                        out.push(c);
                        continue;
                    };
                    chars.next();
                    let l = d as usize - 1;
                    let n = counters[l].unwrap_or_else(|| start(l));
                    let format = if lvl.legal && l < level {
                        "decimal"
                    } else {
                        levels[l].format.as_str()
                    };
                    out.push_str(&format_number(n, format));
                }
            }
        }
        if out.is_empty() {
            return None;
        }
        // A label ending in its own punctuation (`一、`, `（一）`) runs into the text as printed.
        let ends_closed = out.ends_with(['、', '）', '．', '，', '】', '〕']);
        if lvl.suffix != "nothing" && !ends_closed {
            out.push(' ');
        }
        Some(out)
    }
}

/// A counter written in a list format of WordprocessingML (`numFmt`).
fn format_number(n: u32, format: &str) -> String {
    const HEAVENLY: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
    const EARTHLY: [char; 12] = [
        '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
    ];
    let cycle = |set: &[char]| set[(n.max(1) as usize - 1) % set.len()].to_string();
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwanCounting"
        | "taiwanCountingThousand"
        | "japaneseCounting"
        | "ideographLegalTraditional"
        | "chineseLegalSimplified" => chinese(n, format),
        "ideographDigital" | "taiwanDigital" => n
            .to_string()
            .chars()
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d as usize - '0' as usize)
                    .unwrap_or(d)
            })
            .collect(),
        "ideographTraditional" => cycle(&HEAVENLY),
        "ideographZodiac" => cycle(&EARTHLY),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or(n.to_string(), String::from)
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => {
            char::from_u32(0x2474 + n - 1).map_or(n.to_string(), String::from)
        }
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => {
            char::from_u32(0x2488 + n - 1).map_or(n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10).unwrap_or(d))
            .collect(),
        "decimalZero" if n < 10 => format!("0{n}"),
        // Letters repeat (`aa`, `bbb`) and Roman numerals grow with the number: past a few
        // hundred, digits (a document's `w:start` can say four billion).
        "lowerLetter" | "upperLetter" if n <= 26 * 8 => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            let n = n.max(1) - 1;
            let letter = (base + (n % 26) as u8) as char;
            std::iter::repeat_n(letter, n as usize / 26 + 1).collect()
        }
        "lowerRoman" if n < 4000 => roman(n).to_ascii_lowercase(),
        "upperRoman" if n < 4000 => roman(n),
        _ => n.to_string(),
    }
}

/// A number in Chinese counting numerals: 一, 十, 十一, 二十三, 一百零五; capital forms
/// (壹贰叁) for the legal formats.
fn chinese(n: u32, format: &str) -> String {
    let (digits, ten, hundred, thousand): (&[char], char, char, char) = match format {
        "chineseLegalSimplified" => (
            &['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
            '拾',
            '佰',
            '仟',
        ),
        "ideographLegalTraditional" => (
            &['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'],
            '拾',
            '佰',
            '仟',
        ),
        _ => (
            &['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'],
            '十',
            '百',
            '千',
        ),
    };
    if n == 0 || n >= 10_000 {
        return n.to_string();
    }
    let places = [(1000, thousand), (100, hundred), (10, ten), (1, ' ')];
    let mut out = String::new();
    let mut zero = false;
    for (value, unit) in places {
        let d = (n / value % 10) as usize;
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push(digits[0]);
            zero = false;
        }
        // 十一, not 一十一, when ten is the first place.
        if !(value == 10 && d == 1 && out.is_empty() && digits[1] == '一') {
            out.push(digits[d]);
        }
        if unit != ' ' {
            out.push(unit);
        }
    }
    out
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// A paragraph being read: its numbering and its text so far.
#[derive(Default)]
struct Paragraph {
    style: Option<String>,
    num: Option<String>,
    level: Option<usize>,
    text: String,
}

/// The body of `document.xml` as pipe text, and where it holds line breaks made inside a
/// paragraph.
fn flatten(xml: &str, numbering: &mut Numbering) -> Result<(String, Vec<usize>), quick_xml::Error> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() / 4);
    let mut soft = Vec::new();
    // Paragraphs open one inside another when a text box sits in a run.
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    // Per open table cell: where its text starts in `out`.
    let mut cells: Vec<usize> = Vec::new();
    let mut in_text = false;
    // Depth inside a part whose text is not read (the fallback of `mc:AlternateContent`).
    let mut skip = 0usize;
    let mut in_numpr = false;
    let mut in_run = false;
    loop {
        let ev = r.read_event()?;
        let (e, empty) = match &ev {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            let name = e.local_name();
            let name = name.as_ref();
            if skip > 0 {
                skip += usize::from(!empty);
                continue;
            }
            match name {
                "Fallback" if !empty => skip = 1,
                "p" if !empty => paragraphs.push(Paragraph::default()),
                "pStyle" => {
                    if let Some(p) = paragraphs.last_mut() {
                        p.style = attr(e, "val");
                    }
                }
                "numPr" => in_numpr = !empty,
                "numId" if in_numpr => {
                    if let Some(p) = paragraphs.last_mut() {
                        p.num = attr(e, "val");
                    }
                }
                "ilvl" if in_numpr => {
                    if let Some(p) = paragraphs.last_mut() {
                        p.level = attr(e, "val").and_then(|v| v.parse().ok());
                    }
                }
                "t" if !empty => in_text = true,
                "r" if !empty => in_run = true,
                // Tab stops of a paragraph's properties are `w:tab` too: only a run's count.
                "tab" | "ptab" if in_run => push(&mut paragraphs, " "),
                "br" | "cr" if in_run => push(&mut paragraphs, "\n"),
                "noBreakHyphen" if in_run => push(&mut paragraphs, "-"),
                "tr" if !empty => line_break(&mut out),
                "tc" if !empty => cells.push(out.len()),
                _ => {}
            }
            continue;
        }
        match ev {
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                match name {
                    "t" => in_text = false,
                    "r" => in_run = false,
                    "numPr" => in_numpr = false,
                    "p" => {
                        if let Some(p) = paragraphs.pop() {
                            write_paragraph(&mut out, &mut soft, p, numbering, !cells.is_empty());
                        }
                    }
                    "tc" => {
                        let start = cells.pop().unwrap_or(out.len());
                        while out.ends_with('\n') && out.len() > start {
                            out.pop();
                        }
                        if out.len() > start && !out[start..].trim().is_empty() {
                            out.push_str(" | ");
                        }
                    }
                    "tr" => line_break(&mut out),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip == 0 => {
                push(&mut paragraphs, &t.xml10_content());
            }
            Event::GeneralRef(g) if in_text && skip == 0 => {
                let s = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&g)
                        .unwrap_or_default()
                        .to_string(),
                };
                push(&mut paragraphs, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while let Some(p) = paragraphs.pop() {
        write_paragraph(&mut out, &mut soft, p, numbering, false);
    }
    line_break(&mut out);
    Ok((out, soft))
}

fn push(paragraphs: &mut [Paragraph], s: &str) {
    if let Some(p) = paragraphs.last_mut() {
        p.text.push_str(s);
    }
}

fn line_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Writes a paragraph as a line (in a cell, as one line of the cell), its list label first.
fn write_paragraph(
    out: &mut String,
    soft: &mut Vec<usize>,
    p: Paragraph,
    numbering: &mut Numbering,
    in_cell: bool,
) {
    let (style_num, style_level) = p
        .style
        .as_deref()
        .map_or((None, None), |s| numbering.of_style(s));
    let num = p.num.or(style_num).filter(|n| n != "0");
    let label = num.and_then(|n| numbering.label(&n, p.level.or(style_level).unwrap_or(0)));
    // A pipe in the text would cut a cell in two.
    let text = p.text.replace('|', "｜");
    if label.is_none() && text.trim().is_empty() {
        // An empty paragraph is a blank line, as the page shows it; none inside a cell.
        if !in_cell {
            out.push('\n');
        }
        return;
    }
    if in_cell && !out.is_empty() && !out.ends_with(['\n', ' ']) {
        out.push('\n');
    }
    out.push_str(label.as_deref().unwrap_or(""));
    soft.extend(text.match_indices('\n').map(|(i, _)| out.len() + i));
    out.push_str(&text);
    if !in_cell {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_list_format() {
        assert_eq!(chinese(1, "chineseCounting"), "一");
        assert_eq!(chinese(10, "chineseCounting"), "十");
        assert_eq!(chinese(11, "chineseCounting"), "十一");
        assert_eq!(chinese(20, "chineseCounting"), "二十");
        assert_eq!(chinese(105, "chineseCounting"), "一百〇五");
        assert_eq!(chinese(12, "chineseLegalSimplified"), "壹拾贰");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(u32::MAX, "upperRoman"), "4294967295");
        assert_eq!(format_number(u32::MAX, "lowerLetter"), "4294967295");
        assert_eq!(format_number(u32::MAX, "chineseCounting"), "4294967295");
        assert_eq!(format_number(7, "decimalZero"), "07");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(12, "ideographDigital"), "一二");
    }

    #[test]
    fn labels_count_restart_and_nest() {
        let mut n = Numbering::default();
        n.read_numbering(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="7">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
            <w:lvl w:ilvl="2"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3."/><w:isLgl/></w:lvl>
            </w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
            <w:num w:numId="4"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num></w:numbering>"#,
        )
        .unwrap();
        let got: Vec<_> = [
            (0, "3"),
            (1, "3"),
            (1, "3"),
            (2, "3"),
            (0, "3"),
            (1, "3"),
            (0, "4"),
        ]
        .iter()
        .map(|(l, num)| n.label(num, *l).unwrap())
        .collect();
        assert_eq!(
            got,
            [
                "一、",
                "（一）",
                "（二）",
                "1.1. ",
                "二、",
                "（一）",
                "五、"
            ]
        );
        assert_eq!(n.label("9", 0), None);
    }
}
