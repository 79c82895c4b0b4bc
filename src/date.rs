//! Dates as the records write them (docs/format.md §9), parsed by one function that every stage uses.
//! A date that could be read two ways is reported as ambiguous, never guessed.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Today's date (UTC), from the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    from_days((secs / 86_400) as i64)
}

/// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
pub fn from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date {0:?} lost its 年月日: it could be read as more than one date")]
    Ambiguous(String),
    #[error("date {0:?} cannot exist")]
    Impossible(String),
    #[error("{0:?} is not a date propex can read")]
    Unreadable(String),
}

impl DateError {
    /// The rule a date that does not read breaks.
    pub fn code(&self) -> crate::diag::Code {
        match self {
            DateError::Ambiguous(_) => crate::diag::Code::AmbiguousDate,
            DateError::Impossible(_) | DateError::Unreadable(_) => crate::diag::Code::BadDate,
        }
    }
}

/// How to read a year below 1000: Taiwan records count years from 1912 (民国).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Era {
    /// Three-digit years are ROC years (they cannot be Gregorian in these records); two-digit
    /// years are unreadable.
    #[default]
    Gregorian,
    /// The record is in traditional characters: any year below 1000 is an ROC year.
    Roc,
}

/// Where the era of a date with a two-digit year comes from: a known era, or a closure that
/// works it out (reading the record for traditional characters) only when such a date turns up.
pub trait EraSource {
    fn era(&self) -> Era;
}

impl EraSource for Era {
    fn era(&self) -> Era {
        *self
    }
}

impl<F: Fn() -> Era> EraSource for F {
    fn era(&self) -> Era {
        self()
    }
}

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:中[华華])?民[国國]\s*)?([0-9]{1,4})\s*(?:[-/.]|年)\s*([0-9]{1,2})\s*(?:[-/.]|月)\s*([0-9]{1,2})\s*[日号號]?(?:\s*T?\s*[0-9]{1,2}\s*[:时時]\s*[0-9]{1,2}(?:\s*[:分]\s*[0-9]{1,2}(?:\.[0-9]+)?\s*秒?)?)?$",
    )
    .unwrap()
});

static HANZI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:中[华華])?民[国國]\s*)?([〇○OoΟ0零一二三四五六七八九十]{2,4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十廿卅]{1,3})\s*[日号號]$",
    )
    .unwrap()
});

/// Parses one date, written on its own (surrounding whitespace allowed).
///
/// ```
/// use propex::date::{Era, parse};
/// assert_eq!(parse("2023年9月27日", &Era::Gregorian).unwrap().to_string(), "2023-09-27");
/// assert_eq!(parse("二〇二三年九月二十七日", &Era::Gregorian).unwrap().to_string(), "2023-09-27");
/// // Taiwan records count years from 1912.
/// assert_eq!(parse("112年9月27日", &Era::Roc).unwrap().to_string(), "2023-09-27");
/// assert!(parse("2023927", &Era::Gregorian).is_err());
/// ```
pub fn parse(s: &str, era: &dyn EraSource) -> Result<Date, DateError> {
    let norm = to_ascii_digits(s.trim());
    let norm = norm.as_str();
    if norm.bytes().all(|b| b.is_ascii_digit()) {
        return match norm.len() {
            8 => {
                let (y, m, d) = (&norm[..4], &norm[4..6], &norm[6..]);
                build(num(y), num(m), num(d), era, false, s)
            }
            5..=7 => Err(DateError::Ambiguous(s.trim().to_string())),
            _ => Err(DateError::Unreadable(s.trim().to_string())),
        };
    }
    if let Some((y, m, d)) = plain_numeric(norm) {
        return build(y, m, d, era, false, s);
    }
    if let Some(c) = NUMERIC.captures(norm) {
        return build(
            num(&c[1]),
            num(&c[2]),
            num(&c[3]),
            era,
            roc_written(norm),
            s,
        );
    }
    if let Some(c) = HANZI.captures(norm) {
        let year = hanzi_digits(&c[1]);
        let month = hanzi_number(&c[2]);
        let day = hanzi_number(&c[3]);
        if let (Some(y), Some(m), Some(d)) = (year, month, day) {
            return build(y, m, d, era, roc_written(norm), s);
        }
    }
    Err(DateError::Unreadable(s.trim().to_string()))
}

/// The date says its era: 民国112年.
fn roc_written(norm: &str) -> bool {
    ["民国", "民國", "中华民国", "中華民國"]
        .iter()
        .any(|p| norm.starts_with(p))
}

fn build(
    y: u32,
    m: u32,
    d: u32,
    era: &dyn EraSource,
    roc_written: bool,
    original: &str,
) -> Result<Date, DateError> {
    let year = match y {
        1000..=9999 => y,
        100..=999 => y + 1911,
        // Only here does the era matter, and only here is it asked for.
        1..=99 if roc_written || era.era() == Era::Roc => y + 1911,
        _ => return Err(DateError::Unreadable(original.trim().to_string())),
    };
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(year, m) {
        return Err(DateError::Impossible(original.trim().to_string()));
    }
    Ok(Date {
        year: year as u16,
        month: m as u8,
        day: d as u8,
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

/// `2023-05-08`, `2023/5/8`, `2023年5月8日`: the forms nearly every date takes, read without
/// the regex (whose captures cost a backtracking search each). Anything else — spaces, 民国, a
/// time of day — returns None and goes to `NUMERIC`, which accepts all of these too.
fn plain_numeric(norm: &str) -> Option<(u32, u32, u32)> {
    let b = norm.as_bytes();
    let digits = |at: usize, max: usize| {
        let n = b[at..]
            .iter()
            .take(max + 1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        (1..=max).contains(&n).then_some(n)
    };
    let y = digits(0, 4)?;
    let sep1 = match &b[y..] {
        [b'-' | b'/' | b'.', ..] => 1,
        [0xE5, 0xB9, 0xB4, ..] => 3, // 年
        _ => return None,
    };
    let m_at = y + sep1;
    let m = digits(m_at, 2)?;
    let sep2 = match &b[m_at + m..] {
        [b'-' | b'/' | b'.', ..] => 1,
        [0xE6, 0x9C, 0x88, ..] => 3, // 月
        _ => return None,
    };
    let d_at = m_at + m + sep2;
    let d = digits(d_at, 2)?;
    let rest = &norm[d_at + d..];
    if !matches!(rest, "" | "日" | "号" | "號") {
        return None;
    }
    Some((
        num(&norm[..y]),
        num(&norm[m_at..m_at + m]),
        num(&norm[d_at..d_at + d]),
    ))
}

fn num(s: &str) -> u32 {
    // The regexes bound every group to at most four digits, so this cannot overflow.
    s.bytes()
        .fold(0u32, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')).min(9))
}

/// Full-width digits and separators (２０２２．７．８) read as their ASCII twins.
fn to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '—' | '–' => '-',
            '／' => '/',
            '：' => ':',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// One digit written in hanzi (or a look-alike of zero).
pub(crate) fn hanzi_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | 'O' | 'o' | 'Ο' | '0' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A year written digit by digit: 二〇二二, 一一二.
fn hanzi_digits(s: &str) -> Option<u32> {
    s.chars()
        .try_fold(0u32, |n, c| Some(n * 10 + hanzi_digit(c)?))
}

/// A month or day written as a number: 七, 十, 十二, 二十八, 廿一, 三十一.
fn hanzi_number(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    let tens_of = |c: char| match c {
        '廿' => Some(2),
        '卅' => Some(3),
        _ => None,
    };
    match chars.as_slice() {
        [c] => tens_of(*c).map(|t| t * 10).or_else(|| match c {
            '十' => Some(10),
            _ => hanzi_digit(*c).filter(|&d| d > 0),
        }),
        ['十', u] => Some(10 + hanzi_digit(*u)?),
        [t, '十'] => Some(hanzi_digit(*t)? * 10),
        [t, '十', u] => Some(hanzi_digit(*t)? * 10 + hanzi_digit(*u)?),
        [t, u] if tens_of(*t).is_some() => Some(tens_of(*t)? * 10 + hanzi_digit(*u)?),
        _ => None,
    }
}

/// A date written somewhere inside a line, for signatures and headers: the first span that
/// parses, with its byte range. Collapsed digit runs are returned as errors so callers can warn.
pub fn find(
    text: &str,
    era: &dyn EraSource,
) -> Option<(std::ops::Range<usize>, Result<Date, DateError>)> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:(?:中[华華])?民[国國]\s*)?(?:[0-9０-９]{1,4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*[日号號]?|[0-9０-９]{4}\s*[-/.．]\s*[0-9０-９]{1,2}\s*[-/.．]\s*[0-9０-９]{1,2}|[0-9]{3}-[0-9]{2}-[0-9]{2}|[〇○OΟ0零一二三四五六七八九十]{2,4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十廿卅]{1,3}\s*[日号號]|(?-u:\b)[0-9]{5,8}(?-u:\b))",
        )
        .unwrap()
    });
    let m = SPAN.find(text)?;
    Some((m.range(), parse(m.as_str(), era)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads what the regex reads, and leaves the rest to it.
    #[test]
    fn plain_dates_read_as_the_pattern_reads_them() {
        use proptest::prelude::*;
        proptest!(|(s in "[0-9]{0,5}[-/.年月 ]?[0-9]{0,3}[-/.月日 ]?[0-9]{0,3}[日号號 ]?")| {
            if let Some((y, m, d)) = plain_numeric(&s) {
                let c = NUMERIC.captures(&s).expect("the pattern accepts what the fast path does");
                prop_assert_eq!((y, m, d), (num(&c[1]), num(&c[2]), num(&c[3])));
            }
        });
        assert_eq!(plain_numeric("2023年5月8日"), Some((2023, 5, 8)));
        assert_eq!(plain_numeric("2023-05-08"), Some((2023, 5, 8)));
        assert_eq!(plain_numeric("112/5/8"), Some((112, 5, 8)));
        assert_eq!(plain_numeric("2023 年5月8日"), None);
        assert_eq!(plain_numeric("2023-05-08 10:00"), None);
    }

    fn ok(s: &str) -> String {
        parse(s, &Era::Gregorian)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .to_string()
    }

    #[test]
    fn every_form_in_format_md() {
        assert_eq!(ok("2022-07-08"), "2022-07-08");
        assert_eq!(ok("2022/7/8"), "2022-07-08");
        assert_eq!(ok("2022.07.18"), "2022-07-18");
        assert_eq!(ok("2022年7月8日"), "2022-07-08");
        assert_eq!(ok("2022年07月08日"), "2022-07-08");
        assert_eq!(ok("2022 年 7 月 8 日"), "2022-07-08");
        assert_eq!(ok("2016-04-22 09:23:00"), "2016-04-22");
        assert_eq!(ok("2016-04-22T09:23"), "2016-04-22");
        assert_eq!(ok("２０２２－０７－０８"), "2022-07-08");
        assert_eq!(ok("２０２２年７月８日"), "2022-07-08");
        assert_eq!(ok("20230927"), "2023-09-27");
    }

    #[test]
    fn chinese_numerals_with_every_zero() {
        assert_eq!(ok("二〇二二年七月八日"), "2022-07-08");
        assert_eq!(ok("二○二二年十二月三十一日"), "2022-12-31");
        assert_eq!(ok("二O二三年十月十日"), "2023-10-10");
        assert_eq!(ok("二0二一年九月二十日"), "2021-09-20");
        assert_eq!(ok("二零二零年二月二十九日"), "2020-02-29");
        assert_eq!(ok("二〇二三年十一月廿一日"), "2023-11-21");
    }

    #[test]
    fn roc_years() {
        assert_eq!(ok("112年6月6日"), "2023-06-06");
        assert_eq!(ok("111-09-08"), "2022-09-08");
        assert_eq!(ok("民國99年1月2日"), "2010-01-02");
        assert_eq!(ok("中華民國112年6月6日"), "2023-06-06");
        assert_eq!(
            parse("99年1月2日", &Era::Roc).unwrap().to_string(),
            "2010-01-02"
        );
        assert!(matches!(
            parse("99年1月2日", &Era::Gregorian),
            Err(DateError::Unreadable(_))
        ));
        assert_eq!(
            parse("一一二年六月六日", &Era::Roc).unwrap().to_string(),
            "2023-06-06"
        );
    }

    #[test]
    fn impossible_and_ambiguous() {
        assert!(matches!(
            parse("2022-02-30", &Era::Gregorian),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse("2023年13月1日", &Era::Gregorian),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse("2021-02-29", &Era::Gregorian),
            Err(DateError::Impossible(_))
        ));
        assert_eq!(ok("2000-02-29"), "2000-02-29");
        assert!(matches!(
            parse("1900-02-29", &Era::Gregorian),
            Err(DateError::Impossible(_))
        ));
        for s in ["2023927", "202293", "20221"] {
            assert_eq!(
                parse(s, &Era::Gregorian),
                Err(DateError::Ambiguous(s.into()))
            );
        }
        assert!(matches!(
            parse("七月上旬", &Era::Gregorian),
            Err(DateError::Unreadable(_))
        ));
        assert!(matches!(
            parse("", &Era::Gregorian),
            Err(DateError::Unreadable(_))
        ));
    }

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(from_days(0).to_string(), "1970-01-01");
        assert_eq!(from_days(19_000).to_string(), "2022-01-08");
        assert_eq!(from_days(11_016).to_string(), "2000-02-29");
        assert!(today().year >= 2024);
    }

    #[test]
    fn found_inside_a_line() {
        let (r, d) = find("南通市某某区科技局 2021年9月30日", &Era::Gregorian).unwrap();
        assert_eq!(d.unwrap().to_string(), "2021-09-30");
        assert_eq!(&"南通市某某区科技局 2021年9月30日"[r], "2021年9月30日");
        let (_, d) = find("某某局 2023927", &Era::Gregorian).unwrap();
        assert!(matches!(d, Err(DateError::Ambiguous(_))));
        let (_, d) = find("二〇二二年七月八日", &Era::Gregorian).unwrap();
        assert_eq!(d.unwrap().to_string(), "2022-07-08");
        assert!(find("没有日期的一行", &Era::Gregorian).is_none());
    }
}
