//! Shared text rules used by the `fields` and `reply` stages: where a paragraph breaks in
//! flattened text, and what counts as an outline marker (FORMAT.md §2 and §3).

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

/// `char::is_whitespace` without the Unicode table lookup for the CJK characters that make up
/// most of the input (no whitespace character lies above U+3000).
#[inline]
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_whitespace() || c == '\x0b'
    } else {
        c <= '\u{3000}' && c.is_whitespace()
    }
}

/// Splits text into paragraphs. Line breaks always break; within a line, a run of whitespace
/// breaks when it follows sentence-final punctuation or precedes an outline marker. Any other
/// space is a stray space inside a sentence and stays where it is.
pub fn paragraphs(text: &str, base: usize) -> Vec<Para<'_>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        split_line(line, base + line_start, &mut out);
        line_start += line.len() + 1;
    }
    out
}

fn split_line<'t>(line: &'t str, base: usize, out: &mut Vec<Para<'t>>) {
    let mut para_start = 0;
    let mut prev: Option<char> = None;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_space(c) {
            prev = Some(c);
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if !is_space(d) {
                break;
            }
            end = j + d.len_utf8();
            iter.next();
        }
        let rest = &line[end..];
        let so_far = line[para_start..i].trim();
        let breaks = match prev {
            None => false,
            _ if marker(rest).is_some() || starts_letter_label(rest) => true,
            Some(':' | '：') => !is_inline_label(so_far),
            Some(p) => ends_sentence(p) || ends_head_item(so_far),
        };
        if breaks {
            push_para(line, para_start, i, base, out);
            para_start = end;
            prev = None;
        }
    }
    push_para(line, para_start, line.len(), base, out);
}

/// A one-line letter runs its head together: `关于…第31号提案的答复 某某委员会: …`,
/// `某政发〔2023〕148号 关于…`, `[办理结果标注(A1)] …`. A space after such an item is a break.
fn ends_head_item(so_far: &str) -> bool {
    use crate::reply::letter;
    so_far.len() <= 240
        && (letter::is_title_end(so_far)
            || letter::is_doc_number(so_far)
            || letter::category_flag(so_far).is_some())
}

/// `… 联系人:孙丽`, `… 抄送：…`: a letter's foot label after a space starts a new line.
fn starts_letter_label(rest: &str) -> bool {
    let head: String = rest.chars().take(12).collect();
    let Some(colon) = head.find([':', '：']) else {
        return false;
    };
    let label = &head[..colon];
    !label.is_empty() && crate::fields::labels::is_letter_label(label)
}

/// `联系人: 张三` keeps its space: a short known label before the colon is not a sentence.
fn is_inline_label(before_colon: &str) -> bool {
    let label = before_colon.trim_end_matches([':', '：']);
    let start = label
        .rfind([' ', '\u{3000}', '；', ';', '，', ','])
        .map_or(0, |i| {
            i + label[i..].chars().next().map_or(1, char::len_utf8)
        });
    crate::fields::labels::is_letter_label(&label[start..])
}

fn push_para<'t>(line: &'t str, from: usize, to: usize, base: usize, out: &mut Vec<Para<'t>>) {
    let raw = &line[from..to];
    let text = raw.trim();
    if !text.is_empty() {
        let lead = raw.len() - raw.trim_start().len();
        out.push(Para {
            start: base + from + lead,
            text,
        });
    }
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

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Hanzi,
        Level::ParenHanzi,
        Level::Arabic,
        Level::ParenArabic,
        Level::Circled,
    ];
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
            let close = inner.find([')', '）'])?;
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
            let digits_len: usize = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
                .map(char::len_utf8)
                .sum();
            let n = arabic_number(&s[..digits_len])?;
            let after = s[digits_len..].chars().next()?;
            if !matches!(after, '.' | '．' | '、') {
                return None;
            }
            let len = digits_len + after.len_utf8();
            // 1.17路 and 338.2亿元 are numbers, not markers.
            if s[len..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            {
                return None;
            }
            (Level::Arabic, n, len)
        }
        _ => {
            let num_len = s.find('、')?;
            (
                Level::Hanzi,
                hanzi_number(&s[..num_len])?,
                num_len + '、'.len_utf8(),
            )
        }
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

/// Item numbers up to 999 in ASCII or full-width digits; years and other quantities are not items.
fn arabic_number(s: &str) -> Option<u32> {
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
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32 + 1)
    };
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.as_slice() {
        [d] if *d == '十' => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
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

/// Whether text is written in traditional characters: three or more characters that exist only
/// in traditional writing, among the first thousand.
pub fn looks_traditional(s: &str) -> bool {
    // Sorted, for binary search.
    const ONLY_TRADITIONAL: &[char] = &[
        '來', '個', '們', '內', '劃', '務', '區', '協', '員', '問', '國', '境', '學', '實', '對',
        '後', '從', '應', '據', '於', '時', '會', '條', '業', '極', '樣', '為', '現', '環', '當',
        '發', '種', '積', '經', '縣', '繫', '聯', '與', '處', '號', '衛', '覆', '見', '計', '設',
        '話', '該', '認', '說', '調', '議', '讓', '辦', '這', '進', '還', '長', '門', '開', '關',
        '際', '電', '題', '類', '體', '麼', '點',
    ];
    s.chars()
        .take(1000)
        .filter(|c| !c.is_ascii() && ONLY_TRADITIONAL.binary_search(c).is_ok())
        .take(3)
        .count()
        >= 3
}

/// Removes every kind of whitespace, including the full-width space.
pub fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
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

    #[test]
    fn traditional_text_is_recognised() {
        assert!(looks_traditional(
            "陳委員您好：有關您所提之建議，本局已辦理完畢。"
        ));
        assert!(!looks_traditional(
            "陈委员您好：有关您所提的建议，本局已办理完毕。"
        ));
    }

    #[test]
    fn offsets_are_absolute() {
        let s = "甲。 乙\n丙";
        let p = paragraphs(s, 100);
        assert_eq!(p[1].start, 100 + s.find('乙').unwrap());
        assert_eq!(p[2].start, 100 + s.find('丙').unwrap());
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
}
