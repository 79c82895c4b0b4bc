//! Shared text rules used by the `fields` and `reply` stages: where a paragraph breaks in
//! flattened text, and what counts as an outline marker (docs/format.md §2, §6).

use crate::scan::{self, Class};

/// One paragraph: its text (trimmed, never empty) and its absolute byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Para<'t> {
    pub start: usize,
    pub text: &'t str,
}

impl<'t> Para<'t> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// The part of the paragraph from byte `at` on (relative), keeping the absolute offset.
    pub fn from(&self, at: usize) -> Para<'t> {
        let rest = &self.text[at..];
        let trimmed = rest.trim_start();
        Para {
            start: self.start + at + (rest.len() - trimmed.len()),
            text: trimmed.trim_end(),
        }
    }
}

/// Characters after which a space is a paragraph break: Chinese prose has no spaces between
/// words, so a crawler's space after a sentence end is where a line break used to be.
pub fn ends_sentence(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '”' | '」' | '』' | '!' | '?' | ';' | ':'
    )
}

/// Splits text into paragraphs. Line breaks always break; within a line, a run of whitespace
/// breaks when it follows sentence-final punctuation or precedes an outline marker. Any other
/// space is a stray space inside a sentence and stays where it is.
pub fn paragraphs(text: &str, base: usize) -> Vec<Para<'_>> {
    // Replies run about one paragraph to a few hundred bytes: one allocation for most.
    let mut out = Vec::with_capacity(text.len() / 256 + 4);
    for (at, line) in scan::lines(text) {
        split_line(line, base + at, &mut out);
    }
    // A text on one line is a cell a crawl flattened. One whose items it set apart with spaces
    // is split already; one that joined them with nothing left every item after the first
    // inside a paragraph. A letter over several lines has its paragraphs, and is left alone.
    if !scan::has_newline(text) && !out.iter().skip(1).any(|p| marker(p.text).is_some()) {
        Outline::default().split_fused(&mut out);
    }
    out
}

/// How far from a one-line reply's end a fused closing may start: a thank-you or 特此答复,
/// the signing unit and the date.
const CLOSING_TAIL: usize = 360;

/// A closing that thanks someone thanks the reader (`感谢您…`, `谢谢你们…`); `感谢省厅的支持，…`
/// inside an item thanks someone else and goes on.
fn thanks_the_reader(closing: &str) -> bool {
    let sentence = find_full_stop(closing).map_or(closing, |end| &closing[..end]);
    !(sentence.contains('感') || sentence.contains('谢') || sentence.contains('謝'))
        || sentence.contains(['您', '你', '贵', '貴'])
}

/// The outline read so far, to find items that a crawl joined to the text before them without
/// a space (`…如下:(一)开展排查。(二)完善设施。感谢您…。县交通局 2023年7月20日`).
#[derive(Default)]
struct Outline {
    /// The last number seen at each level, outermost first.
    last: [Option<u32>; 5],
}

impl Outline {
    /// Records a marker at a paragraph's start: later levels start again.
    fn saw(&mut self, m: &Marker<'_>) {
        let i = m.level as usize;
        self.last[i] = Some(m.number);
        self.last[i + 1..].iter_mut().for_each(|l| *l = None);
    }

    /// Whether a marker fused after a sentence end goes on the outline: the next number of a
    /// level in use, or the first of a level below the innermost in use. Anything else (a
    /// `(1)` in running text, a quantity) stays text.
    fn continues(&self, m: &Marker<'_>) -> bool {
        let i = m.level as usize;
        self.last[i].is_some_and(|n| n + 1 == m.number)
            || (m.number == 1
                && self
                    .last
                    .iter()
                    .rposition(Option::is_some)
                    .is_some_and(|deepest| deepest < i))
    }

    /// Cuts the paragraphs where an item, or the closing and signature at the end, is fused to
    /// the sentence before it; each piece is split again at spaces (a signature's date after
    /// its unit).
    fn split_fused<'t>(&mut self, out: &mut Vec<Para<'t>>) {
        // Built anew rather than spliced in place: a line of many paragraphs, each cut, would
        // move the rest of the list once per paragraph.
        let mut split = Vec::with_capacity(out.len());
        for p in out.drain(..) {
            if let Some(m) = marker(p.text) {
                self.saw(&m);
            }
            let cuts = self.cuts(p.text);
            if cuts.is_empty() {
                split.push(p);
                continue;
            }
            let mut from = 0;
            for cut in cuts.into_iter().chain(std::iter::once(p.text.len())) {
                split_line(&p.text[from..cut], p.start + from, &mut split);
                from = cut;
            }
        }
        *out = split;
    }

    /// Where to cut one paragraph: after `如下:` before a first item, after a `。` before an item
    /// that goes on the outline, and before a closing that thanks the reader at the end and the
    /// signing unit after it.
    fn cuts(&mut self, t: &str) -> Vec<usize> {
        let mut cuts = Vec::new();
        // The opening comes before the outline and near the text's start, and names its answer
        // in its first sentences: only there is `如下` looked for.
        let look = self.last.iter().all(Option::is_none);
        if let Some(at) = look
            .then(|| crate::vocab::head(t, 600).find("如下"))
            .flatten()
        {
            let after = &t[at + "如下".len()..];
            if let Some(colon) = after.chars().next().filter(|c| matches!(c, ':' | '：')) {
                let end = at + "如下".len() + colon.len_utf8();
                if let Some(m) = marker(&t[end..]).filter(|m| m.number == 1) {
                    self.saw(&m);
                    cuts.push(end);
                }
            }
        }
        let mut from = cuts.last().copied().unwrap_or(0);
        if self.last.iter().all(Option::is_none) {
            // No outline: only a closing and signature at the end can be cut off.
            let mut tail = t.len().saturating_sub(CLOSING_TAIL).max(from);
            while !t.is_char_boundary(tail) {
                tail += 1;
            }
            from = tail;
        }
        while let Some(k) = find_full_stop(&t[from..]) {
            let end = from + k + '。'.len_utf8();
            from = end;
            let rest = &t[end..];
            if let Some(m) = marker(rest) {
                if self.continues(&m) {
                    self.saw(&m);
                    cuts.push(end);
                }
            } else if rest.len() <= CLOSING_TAIL
                && crate::vocab::letter::is_closing(rest)
                && thanks_the_reader(rest)
            {
                cuts.push(end);
                cuts.extend(unit_after_closing(rest).map(|at| end + at));
                break;
            }
        }
        cuts
    }
}

/// Where the signing unit starts in a closing it was fused to: after one of the closing's
/// sentence ends (`。`, `！`), the words up to a space or the end name a unit
/// (`感谢您的支持！县民政局 2021年7月12日`).
fn unit_after_closing(closing: &str) -> Option<usize> {
    closing.char_indices().find_map(|(i, c)| {
        if !matches!(c, '。' | '！' | '!') {
            return None;
        }
        let at = i + c.len_utf8();
        let unit = closing[at..].split(char::is_whitespace).next()?;
        crate::vocab::letter::is_unit(unit).then_some(at)
    })
}

fn split_line<'t>(line: &'t str, base: usize, out: &mut Vec<Para<'t>>) {
    let mut para_start = 0;
    let mut from = 0;
    while let Some((i, end)) = next_space(line, from) {
        from = end;
        let Some(prev) = line[para_start..i].chars().next_back() else {
            continue;
        };
        let rest = &line[end..];
        let so_far = line[para_start..i].trim();
        let breaks = if marker(rest).is_some()
            || starts_letter_label(rest)
            || ends_foot_value(so_far, prev, rest)
        {
            true
        } else if matches!(prev, ':' | '：') {
            !is_inline_label(so_far)
        } else {
            ends_sentence(prev) || ends_head_item(so_far)
        };
        if breaks {
            push_para(line, para_start, i, base, out);
            para_start = end;
        }
    }
    push_para(line, para_start, line.len(), base, out);
}

/// Whether the character starting at byte `i` (a char boundary) is whitespace, and its length.
/// Reads the bytes directly: the non-ASCII whitespace characters are NEL and NBSP (C2 85,
/// C2 A0), U+1680 (E1 9A 80), U+2000–U+200A, U+2028, U+2029, U+202F (E2 80 xx), U+205F
/// (E2 81 9F) and the ideographic space U+3000 (E3 80 80). Everything else — the CJK text —
/// is skipped without decoding it.
#[inline]
fn space_at(b: &[u8], i: usize) -> Option<usize> {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b' ' | b'\t' | 0x0b | 0x0c | b'\r' => Some(1),
        0xC2 if matches!(at(1), 0x85 | 0xA0) => Some(2),
        0xE1 if at(1) == 0x9A && at(2) == 0x80 => Some(3),
        0xE2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) => Some(3),
        0xE2 if at(1) == 0x81 && at(2) == 0x9F => Some(3),
        0xE3 if at(1) == 0x80 && at(2) == 0x80 => Some(3),
        _ => None,
    }
}

/// The next run of whitespace at or after byte `from` (a char boundary): (start, end).
pub fn next_space(line: &str, from: usize) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let run = |i: usize, len: usize| {
        let mut end = i + len;
        while end < b.len()
            && let Some(more) = space_at(b, end)
        {
            end += more;
        }
        (i, end)
    };
    // Only bytes that can start whitespace are looked at; continuation bytes (80–BF) are never
    // among them, so each hit starts a character.
    let k = scan::find_where(Class::SpaceLead, b, from, |k| space_at(b, k).is_some())?;
    Some(run(k, space_at(b, k)?))
}

/// A one-line letter runs its head together: `关于…第31号提案的答复 某某委员会: …`,
/// `某政发〔2023〕148号 关于…`, `[办理结果标注(A1)] …`. A space after such an item is a break.
fn ends_head_item(so_far: &str) -> bool {
    use crate::vocab::letter;
    // Every head item ends in one of these: 答复 / 复函 / 办理情况 / 意见, 号, or a flag's code
    // and bracket. Most spaces follow none of them, and skip the patterns.
    let last = so_far.chars().next_back();
    let could = last
        .is_some_and(|c| c.is_ascii_alphanumeric() || "复覆函况況见見号號]】)）类類".contains(c));
    could
        && so_far.len() <= 240
        && (letter::is_title_end(so_far)
            || letter::is_doc_number(so_far)
            || letter::category_flag(so_far).is_some())
        // `签发人:某某 关于…`: a signer's name is a few characters, then the next item.
        || letter::signer(so_far).is_some_and(|s| so_far[s].chars().count() <= 4)
}

/// `… 联系人:孙丽`, `… 抄送：…`, `… (联系人:…`, `… 联系电话;…`: a letter's foot label after a
/// space starts a new line.
fn starts_letter_label(rest: &str) -> bool {
    let rest = rest.trim_start_matches(['(', '（', '[', '【']);
    // Most spaces are followed by something that cannot start a label, and need go no further.
    if !rest
        .chars()
        .next()
        .is_some_and(crate::vocab::labels::may_start_letter_label)
    {
        return false;
    }
    // Labels are at most a dozen characters: look for the colon in the first 40 bytes only.
    let Some(colon) = crate::vocab::head(rest, 40).find([':', '：', ';', '；', '︰']) else {
        return false;
    };
    colon > 0 && crate::vocab::labels::is_letter_label(&rest[..colon])
}

/// In a one-line letter's foot, a space also ends a line after a phone number (`联系电话:
/// 189******7415 某局`), and after the signing unit when a date follows (`某局 2016年5月12日`), or
/// before a bracketed note (`… (此件公开发布)`).
fn ends_foot_value(so_far: &str, prev: char, rest: &str) -> bool {
    let next = rest.chars().next();
    if (prev.is_ascii_digit() || prev == '*')
        && !next.is_some_and(|c| c.is_ascii_digit())
        && so_far.len() <= 240
        && crate::vocab::letter::contact(so_far).is_some()
    {
        return true;
    }
    if next.is_some_and(|c| c.is_ascii_digit() || "二〇○".contains(c))
        && so_far.len() <= 120
        && crate::vocab::letter::is_unit(so_far)
        && (rest
            .get(..4)
            .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
            || rest.starts_with('二'))
    {
        return true;
    }
    matches!(next, Some('(' | '（'))
        && crate::vocab::letter::is_note(
            crate::vocab::head(rest, 80)
                .split_inclusive([')', '）'])
                .next()
                .unwrap_or(""),
        )
}

/// `联系人: 张三` keeps its space: a short known label before the colon is not a sentence.
fn is_inline_label(before_colon: &str) -> bool {
    let label = before_colon.trim_end_matches([':', '：']);
    let start = label
        .rfind([' ', '\u{3000}', '；', ';', '，', ','])
        .map_or(0, |i| {
            i + label[i..].chars().next().map_or(1, char::len_utf8)
        });
    crate::vocab::labels::is_letter_label(&label[start..])
}

fn push_para<'t>(line: &'t str, from: usize, to: usize, base: usize, out: &mut Vec<Para<'t>>) {
    let b = line.as_bytes();
    // `str::trim` by bytes: a paragraph's ends are nearly always CJK, which no whitespace
    // character starts with, and is settled without a Unicode table.
    let mut start = from;
    while start < to
        && let Some(len) = space_at(b, start).or((b[start] == b'\n').then_some(1))
    {
        start += len;
    }
    let mut end = to;
    while end > start
        && let Some(len) = space_before(b, end)
    {
        end -= len;
    }
    if start < end {
        out.push(Para {
            start: base + start,
            text: &line[start..end],
        });
    }
}

/// The length of the whitespace character that ends right before byte `end`, if one does.
#[inline]
fn space_before(b: &[u8], end: usize) -> Option<usize> {
    let last = b[end - 1];
    if last < 0x80 {
        return matches!(last, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r').then_some(1);
    }
    [2, 3]
        .into_iter()
        .find(|&len| end >= len && space_at(b, end - len) == Some(len))
}

/// The numbering levels of official documents (GB/T 9704), outermost first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 一、
    Hanzi,
    /// （一） (一)
    ParenHanzi,
    /// 1. 1、 1．
    Arabic,
    /// （1） (1)
    ParenArabic,
    /// ①
    Circled,
}

/// An outline marker at the start of a paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker<'t> {
    pub level: Level,
    pub number: u32,
    /// The marker as written, e.g. "（三）", "2、", "①".
    pub label: &'t str,
}

/// Reads an outline marker at the very start of `s`. Numbers that are really quantities are not
/// markers: `338.2亿元`, `1.17路`, `2022年`, `2022、2023年`.
pub fn marker(s: &str) -> Option<Marker<'_>> {
    let first = s.chars().next()?;
    let (level, number, len) = match first {
        '①'..='⑳' => (
            Level::Circled,
            first as u32 - '①' as u32 + 1,
            first.len_utf8(),
        ),
        '(' | '（' => {
            let inner = &s[first.len_utf8()..];
            // The number inside is at most a few characters: never scan the whole line.
            let close = crate::vocab::head(inner, 16).find([')', '）'])?;
            let num_text = &inner[..close];
            let close_len = inner[close..].chars().next()?.len_utf8();
            let len = first.len_utf8() + close + close_len;
            if let Some(n) = hanzi_number(num_text) {
                (Level::ParenHanzi, n, len)
            } else {
                (Level::ParenArabic, arabic_number(num_text)?, len)
            }
        }
        _ if first.is_ascii_digit() || ('０'..='９').contains(&first) => {
            // Bytes, not characters: every measure of a reply starts here.
            let b = s.as_bytes();
            let mut digits_len = 0;
            while let Some(k) = digit_len(b, digits_len) {
                digits_len += k;
            }
            let n = arabic_number(&s[..digits_len])?;
            let after = match b.get(digits_len..) {
                Some([b'.', ..]) => 1,
                Some([0xEF, 0xBC, 0x8E, ..]) | Some([0xE3, 0x80, 0x81, ..]) => 3, // ．、
                _ => return None,
            };
            let len = digits_len + after;
            // 1.17路 and 338.2亿元 are numbers, not markers.
            if digit_len(b, len).is_some() {
                return None;
            }
            (Level::Arabic, n, len)
        }
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' => {
            let num_len = crate::vocab::head(s, 16).find('、')?;
            (
                Level::Hanzi,
                hanzi_number(&s[..num_len])?,
                num_len + '、'.len_utf8(),
            )
        }
        _ => return None,
    };
    // A stray 、 after a bracketed marker belongs to the marker: "（一）、加强…".
    let len =
        if matches!(level, Level::ParenHanzi | Level::ParenArabic) && s[len..].starts_with('、') {
            len + '、'.len_utf8()
        } else {
            len
        };
    Some(Marker {
        level,
        number,
        label: &s[..len],
    })
}

/// The length of the digit at byte `i`: 1 for ASCII, 3 for a full-width digit (EF BC 90–99).
#[inline]
fn digit_len(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i..)? {
        [b'0'..=b'9', ..] => Some(1),
        [0xEF, 0xBC, 0x90..=0x99, ..] => Some(3),
        _ => None,
    }
}

/// Where the first `。` is, found by memchr on its lead byte E3, which starts only CJK
/// punctuation and kana: one character in ten or so, where its other two bytes (80, 82), which
/// `str::find` and memmem look for, are continuation bytes found in every CJK character.
pub fn find_full_stop(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr(0xE3, &b[from..]) {
        let at = from + k;
        if b.get(at + 1..at + 3) == Some(&[0x80, 0x82]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Item numbers up to 999 in ASCII or full-width digits; years and other quantities are not items.
fn arabic_number(s: &str) -> Option<u32> {
    // Nearly always one to three ASCII digits: read them without decoding characters.
    if let [b'1'..=b'9', rest @ ..] = s.as_bytes()
        && rest.len() <= 2
        && rest.iter().all(u8::is_ascii_digit)
    {
        return Some(s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')));
    }
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 3 {
        return None;
    }
    let mut n = 0u32;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => return None,
        };
        n = n * 10 + d;
    }
    (n > 0).then_some(n)
}

/// 一 … 九十九 as written in outline markers.
pub fn hanzi_number(s: &str) -> Option<u32> {
    // 一 to 九: item numbers have no zero.
    let digit = |c: char| crate::date::hanzi_digit(c).filter(|&d| d > 0);
    let mut chars = s.trim().chars();
    let first = chars.next()?;
    let (second, third) = (chars.next(), chars.next());
    if chars.next().is_some() {
        return None;
    }
    match (first, second, third) {
        ('十', None, None) => Some(10),
        (d, None, None) => digit(d),
        ('十', Some(u), None) => Some(10 + digit(u)?),
        (t, Some('十'), None) => Some(digit(t)? * 10),
        (t, Some('十'), Some(u)) => Some(digit(t)? * 10 + digit(u)?),
        _ => None,
    }
}

/// Text with paragraph breaks as `\n`: the form of every text field in the output.
pub fn joined(paras: &[Para<'_>]) -> String {
    let mut out = String::with_capacity(paras.iter().map(|p| p.text.len() + 1).sum());
    for (i, p) in paras.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(p.text);
    }
    out
}

/// A field's text with paragraph breaks as `\n` (None when it is blank).
pub fn text_field(s: &str) -> Option<String> {
    let paras = paragraphs(s, 0);
    (!paras.is_empty()).then(|| joined(&paras))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        paragraphs(s, 0).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn breaks_after_sentence_ends_and_before_markers_only() {
        assert_eq!(
            texts("某某委员会: 您提出的建议收悉。 现答复如下: (一)加强领导 1.建立机制"),
            vec![
                "某某委员会:",
                "您提出的建议收悉。",
                "现答复如下:",
                "(一)加强领导",
                "1.建立机制"
            ]
        );
        // stray space mid-sentence, numbers that are quantities
        assert_eq!(
            texts("发展潜力足的 “专精特新”企业 338.2亿元 开通 1.17路公交"),
            vec!["发展潜力足的 “专精特新”企业 338.2亿元 开通 1.17路公交"]
        );
        assert_eq!(
            texts("第一段\r\n\r\n  第二段  \n"),
            vec!["第一段", "第二段"]
        );
        assert_eq!(texts("联系人: 张三"), vec!["联系人: 张三"]);
    }

    /// Crawls that join paragraphs with no space: items, and the closing and signature after
    /// the last one, start paragraphs only where the outline shows them.
    #[test]
    fn fused_items_break_where_the_outline_goes_on() {
        assert_eq!(
            texts(
                "现答复如下:(一)排查。1.抽检。2.加密。(二)改造。感谢您的关心。某县水利局 2023年8月2日"
            ),
            vec![
                "现答复如下:",
                "(一)排查。",
                "1.抽检。",
                "2.加密。",
                "(二)改造。",
                "感谢您的关心。",
                "某县水利局",
                "2023年8月2日"
            ]
        );
        assert_eq!(
            texts("(三)健全机制。(1)水费公示;(2)基金专户。"),
            vec!["(三)健全机制。", "(1)水费公示;(2)基金专户。"]
        );
        assert_eq!(
            texts("现答复如下：我队已排查小区420个。感谢您的支持。某市消防救援支队 2023年6月15日"),
            vec![
                "现答复如下：我队已排查小区420个。",
                "感谢您的支持。",
                "某市消防救援支队",
                "2023年6月15日"
            ]
        );
        assert_eq!(
            texts("一、已完成汰换。二、持续争取经费。"),
            vec!["一、已完成汰换。", "二、持续争取经费。"]
        );
        // A closing that ends in `！` with the signing unit right after it; several closing
        // sentences before the unit.
        assert_eq!(
            texts("现答复如下：一、建立体系。二、加强队伍。感谢您的支持！县民政局 2021年7月12日"),
            vec![
                "现答复如下：",
                "一、建立体系。",
                "二、加强队伍。",
                "感谢您的支持！",
                "县民政局",
                "2021年7月12日"
            ]
        );
        assert_eq!(
            texts("现答复如下：已完成。感谢您的关心。特此答复。县民政局 2021年7月12日"),
            vec![
                "现答复如下：已完成。",
                "感谢您的关心。特此答复。",
                "县民政局",
                "2021年7月12日"
            ]
        );
        // Text, not items: a list inside a sentence, a number out of sequence, a quantity,
        // an item outside any outline, a closing word in the middle of an item.
        for t in [
            "(三)健全机制,(1)水费公示;(2)基金专户。",
            "一、已完成汰换。三、持续争取经费。",
            "1.资金到位。2.5万元用于维修。",
            "今年完成改造。2.持续推进。",
            "一、加强合作。感谢省厅的支持。",
            "一、加强合作。感谢省厅给予的大力支持，我们已建立会商机制，每季度召开一次联席会议，研究解决工作中的问题，推动各项措施落地见效，取得了明显成效，群众满意度不断提升，相关经验做法得到上级肯定。",
        ] {
            assert_eq!(texts(t), vec![t], "{t}");
        }
    }

    /// The byte-level whitespace scan agrees with `char::is_whitespace` on any text.
    #[test]
    fn next_space_matches_the_plain_definition() {
        use proptest::prelude::*;
        let naive = |line: &str, from: usize| -> Option<(usize, usize)> {
            let (start, c) = line[from..]
                .char_indices()
                .find(|&(_, c)| c.is_whitespace())?;
            let start = from + start;
            let mut end = start + c.len_utf8();
            while let Some(d) = line[end..].chars().next().filter(|d| d.is_whitespace()) {
                end += d.len_utf8();
            }
            Some((start, end))
        };
        let chars = "[ \t\r\x0b\x0c\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{3001}\u{3002}\u{e000}“”，a1一-龥]{0,80}";
        proptest!(|(line in chars)| {
            let mut from = 0;
            loop {
                let got = next_space(&line, from);
                prop_assert_eq!(got, naive(&line, from));
                match got {
                    Some((_, end)) => from = end,
                    None => break,
                }
            }
        });
    }

    #[test]
    fn full_stop_is_found_where_str_find_finds_it() {
        for s in [
            "",
            "。",
            "甲、乙《丙》。丁。",
            "「甲」〔乙〕",
            "abc\u{3001}\u{3002}",
            "\u{3080}\u{3002}",
        ] {
            assert_eq!(find_full_stop(s), s.find('。'), "{s:?}");
        }
    }

    /// Paragraph ends are trimmed exactly as `str::trim` trims them.
    #[test]
    fn paragraph_trimming_matches_str_trim() {
        use proptest::prelude::*;
        proptest!(|(s in "[ \t\r\n\x0b\x0c\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{3001}\u{3002}\u{2014}a一]{0,12}")| {
            let mut out = Vec::new();
            push_para(&s, 0, s.len(), 7, &mut out);
            let t = s.trim();
            if t.is_empty() {
                prop_assert!(out.is_empty());
            } else {
                prop_assert_eq!(out.len(), 1);
                prop_assert_eq!(out[0].text, t);
                prop_assert_eq!(out[0].start, 7 + (s.len() - s.trim_start().len()));
            }
        });
    }

    #[test]
    fn offsets_are_absolute() {
        let s = "甲。 乙\n丙";
        let p = paragraphs(s, 100);
        assert_eq!(p[1].start, 100 + s.find('乙').unwrap());
        assert_eq!(p[2].start, 100 + s.find('丙').unwrap());
    }

    #[test]
    fn hanzi_numbers_up_to_ninety_nine() {
        let cases = [
            ("一", Some(1)),
            ("九", Some(9)),
            ("十", Some(10)),
            ("十一", Some(11)),
            ("二十", Some(20)),
            ("二十三", Some(23)),
            ("九十九", Some(99)),
            (" 五 ", Some(5)),
            ("十十", None),
            ("一二", None),
            ("二十十", None),
            ("一百", None),
            ("十二三", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(hanzi_number(s), want, "{s:?}");
        }
    }

    #[test]
    fn markers_of_every_level() {
        let m = |s| marker(s).map(|m| (m.level, m.number, m.label));
        assert_eq!(m("一、总体情况"), Some((Level::Hanzi, 1, "一、")));
        assert_eq!(m("十二、其他"), Some((Level::Hanzi, 12, "十二、")));
        assert_eq!(m("（三）加强"), Some((Level::ParenHanzi, 3, "（三）")));
        assert_eq!(m("(二)加强"), Some((Level::ParenHanzi, 2, "(二)")));
        assert_eq!(m("（一）、加强"), Some((Level::ParenHanzi, 1, "（一）、")));
        assert_eq!(m("3.全面"), Some((Level::Arabic, 3, "3.")));
        assert_eq!(m("12、推进"), Some((Level::Arabic, 12, "12、")));
        assert_eq!(m("２．推进"), Some((Level::Arabic, 2, "２．")));
        assert_eq!(m("（4）细化"), Some((Level::ParenArabic, 4, "（4）")));
        assert_eq!(m("(10)细化"), Some((Level::ParenArabic, 10, "(10)")));
        assert_eq!(m("③其他"), Some((Level::Circled, 3, "③")));
        for trap in [
            "338.2亿元",
            "1.17路公交",
            "2022年",
            "2022、2023年",
            "一是加强",
            "(注)",
            "（",
            "1",
        ] {
            assert_eq!(m(trap), None, "{trap}");
        }
    }

    /// The byte reading of `1.` / `２．` / `12、` markers says what the character reading it
    /// replaced said (kept here as the oracle).
    #[test]
    fn arabic_markers_read_as_characters_would() {
        use proptest::prelude::*;
        fn by_chars(s: &str) -> Option<(u32, &str)> {
            let is_digit = |c: &char| c.is_ascii_digit() || ('０'..='９').contains(c);
            let digits_len: usize = s.chars().take_while(is_digit).map(char::len_utf8).sum();
            let n = arabic_number(&s[..digits_len])?;
            let after = s[digits_len..].chars().next()?;
            if !matches!(after, '.' | '．' | '、') {
                return None;
            }
            let len = digits_len + after.len_utf8();
            if s[len..].chars().next().is_some_and(|c| is_digit(&c)) {
                return None;
            }
            Some((n, &s[..len]))
        }
        proptest!(|(s in "[0-9０-９][0-9０-９.．、。a一]{0,7}")| {
            let ours = marker(&s).map(|m| (m.number, m.label));
            prop_assert_eq!(ours, by_chars(&s));
        });
    }
}
