//! Diagnostics shared by every stage: stable rule codes, severities, and positions in the
//! decoded text. Stages collect them; nothing here prints.

use std::cell::{Cell, OnceCell};
use std::fmt;

/// How much a diagnostic matters. `validate` can move a rule up or down with `--deny` / `--allow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $summary:literal; )*) => {
        /// Every rule propex knows. The kebab-case names are a public contract: CI configurations
        /// refer to them in `--allow` / `--deny`, so a name never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line for the README's rule table and `--help`.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    MissingProposer = "missing-proposer", Error, "the record names no proposer";
    MissingNumber = "missing-number", Error, "the record has no proposal / suggestion number";
    MissingTitle = "missing-title", Error, "the record has no title";
    MissingLeadUnit = "missing-lead-unit", Error, "no lead unit (主办) is named";
    MissingReply = "missing-reply", Error, "the record carries no reply";
    MissingReplyDate = "missing-reply-date", Error, "the reply has no date";
    BadDate = "bad-date", Error, "a date that does not parse or cannot exist (2022-02-30)";
    AmbiguousDate = "ambiguous-date", Error, "digits without 年月日 (2023927) that could be several dates";
    DateOutOfRange = "date-out-of-range", Warning, "a reply date in the future or before 1980";
    BadNumber = "bad-number", Error, "a number that is not an identifier (第号, letters only)";
    OutlineOrder = "outline-order", Warning, "outline numbers with a gap, a repeat, or out of order";
    AddresseeMismatch = "addressee-mismatch", Warning, "the reply is addressed to someone other than the proposer";
    LeadAlsoAssisting = "lead-also-assisting", Warning, "a lead unit is also listed as a co-unit";
    EmptyUnit = "empty-unit", Warning, "an empty item in a unit list (甲局、、乙局)";
    DuplicateNumber = "duplicate-number", Error, "the same kind + number (+ session) twice in one run";
    Misdecoded = "misdecoded-text", Error, "U+FFFD, runs of ?, UTF-8 read as GBK, GBK read out of step, or UTF-8 shown as Windows-1252 that lost bytes: text was mis-decoded";
    Repaired = "repaired-text", Warning, "UTF-8 that was shown as Windows-1252 (mojibake) and was repaired exactly";
    MalformedBytes = "malformed-bytes", Warning, "byte sequences invalid in the input's encoding, replaced by U+FFFD";
    UnlabeledCell = "unlabeled-cell", Warning, "a table cell with no label before it (kept in extra._unlabeled)";
    UnknownLabel = "unknown-label", Note, "a labeled cell propex does not map (kept in extra)";
    SchemaError = "schema-error", Error, "a converted YAML / JSON record does not match the schema";
    ReadError = "read-error", Error, "a file that cannot be read, is empty, binary, or holds no record";
}

/// What `propex rules CODE` says of a rule, beside its one line (`Code::summary`): why it
/// matters, an input that fires it, and the fix. A test runs every example through `validate`.
#[derive(Clone, Copy, Debug)]
pub struct Explanation {
    pub why: &'static str,
    /// The example's file name: its extension decides how `validate` reads it.
    pub file: &'static str,
    /// The example input; `\xFF` stands for a byte that is not UTF-8.
    pub example: &'static str,
    pub fix: &'static str,
}

impl Code {
    /// The long explanation of a rule.
    pub fn explain(self) -> Explanation {
        let e = |why, file, example, fix| Explanation {
            why,
            file,
            example,
            fix,
        };
        const REPLY: &str = "答复内容: | 张三委员: 您提出的提案收悉。感谢您的关心。 |";
        match self {
            Code::MissingProposer => e(
                "Without a proposer the record cannot be traced to the member or deputy who filed it, nor checked against the reply's addressee.",
                "r.txt",
                "提案号: | 12 |\n标题: | 关于加强社区服务的提案 |",
                "Add the 提案人 / 建议人 / 提出者 cell, or keep the letter's salutation, which stands in for it.",
            ),
            Code::MissingNumber => e(
                "The number is how a proposal is cited and how duplicates are found; a record without one cannot be joined to its other pages.",
                "r.txt",
                "提案人: | 张三委员 |\n标题: | 关于加强社区服务的提案 |",
                "Add the 提案号 / 建议号 cell, or keep the letter's title line that names the number (`…第12号提案的答复`).",
            ),
            Code::MissingTitle => e(
                "The title is what people search for; without it the record is hard to find and to check.",
                "r.txt",
                "提案人: | 张三委员 |\n提案号: | 12 |",
                "Add the 标题 / 题目 / 案由 cell, or keep the reply's opening that names the proposal (`您提出的《…》收悉`).",
            ),
            Code::MissingLeadUnit => e(
                "The lead unit (主办) is who answers; reports by department need it.",
                "r.txt",
                "提案号: | 12 |\n标题: | 关于加强社区服务的提案 |\n答复内容: | 张三委员: 您提出的提案收悉。 |",
                "Add the 承办单位 / 主办单位 cell, or keep the letter's signature, which names the unit that answered.",
            ),
            Code::MissingReply => e(
                "A proposal record without its reply is half a record: the crawl probably lost the reply's cell or page.",
                "r.txt",
                "提案人: | 张三委员 |\n提案号: | 12 |\n标题: | 关于加强社区服务的提案 |",
                "Add the 答复内容 / 办理情况 cell, or append the reply letter.",
            ),
            Code::MissingReplyDate => e(
                "Reply dates measure how fast departments answer; a reply without one cannot be counted.",
                "r.txt",
                REPLY,
                "Add the 答复日期 cell, or keep the date under the letter's signature.",
            ),
            Code::BadDate => e(
                "A date that does not read, or cannot exist, would be wrong in every report that uses it; propex keeps the text in `extra` instead of guessing.",
                "r.txt",
                "答复日期: | 2023-02-30 |",
                "Correct the date in the source (`2023-02-28`).",
            ),
            Code::AmbiguousDate => e(
                "Digits that lost their 年月日 (`2023927`) read as 2023-09-27 or 2023-09-02 7…: propex never guesses, and keeps the text in `extra`.",
                "r.txt",
                "答复日期: | 2023927 |",
                "Write the date with its separators (`2023年9月27日`, `2023-09-27`).",
            ),
            Code::DateOutOfRange => e(
                "A reply date in the future or before 1980 is almost always a typing or OCR error.",
                "r.txt",
                "答复日期: | 2099-01-01 |",
                "Correct the year in the source.",
            ),
            Code::BadNumber => e(
                "A number with no digits or letters (`第号`) identifies nothing.",
                "r.txt",
                "提案号: | 第号 |",
                "Fill in the number, or drop the empty cell.",
            ),
            Code::OutlineOrder => e(
                "Numbered measures out of order (1, 3) or repeated usually mean a lost paragraph or a misread marker.",
                "r.txt",
                "答复内容: | 张三委员: 您提出的提案收悉。 1.加强领导。具体做法。 3.完善机制。具体做法。 |",
                "Check the reply for the missing item; renumber if the source skipped one.",
            ),
            Code::AddresseeMismatch => e(
                "A reply addressed to someone else than the proposer may belong to another record.",
                "r.txt",
                "提案人: | 张三委员 |\n答复内容: | 李四代表: 您提出的提案收悉。 |",
                "Check that the reply belongs to this proposal; correct the proposer or the salutation.",
            ),
            Code::LeadAlsoAssisting => e(
                "A unit cannot both lead and assist on one proposal; one of the two lists is wrong.",
                "r.txt",
                "承办单位: | 主办: | 甲局 | 协办: | 乙局、甲局 |",
                "Remove the unit from one of the lists.",
            ),
            Code::EmptyUnit => e(
                "An empty item (`甲局、、乙局`) often means a unit's name was lost.",
                "r.txt",
                "承办单位: | 甲局、、乙局 |",
                "Restore the missing name or remove the extra separator.",
            ),
            Code::DuplicateNumber => e(
                "The same kind, number and session twice in one run is one proposal converted twice, or two proposals with one number.",
                "r.txt",
                "提案人: | 张三委员 |\n提案号: | 12 |\n标题: | 甲 |\n提案人: | 李四委员 |\n提案号: | 12 |\n标题: | 乙 |",
                "Remove the copy, or correct the number (and session) of one of them.",
            ),
            Code::Misdecoded => e(
                "Text damaged before propex saw it (U+FFFD, `????`, mojibake) cannot be repaired by reading it again: the characters are gone.",
                "r.txt",
                "答复内容: | 张三委员: 您提出的提案收悉。联系电话:???? |",
                "Fetch the page again with the right encoding, or correct the text by hand.",
            ),
            Code::Repaired => e(
                "UTF-8 shown as Windows-1252 (`ç¤¾åŒº`) was turned back into the characters it stood for; the source file still holds the damage.",
                "r.txt",
                "标题: | 关于加强ç¤¾åŒº服务的提案 |",
                "Nothing is lost; fix the source file if it is kept (`propex extract` output is already repaired).",
            ),
            Code::MalformedBytes => e(
                "Bytes that are not valid in the input's encoding became U+FFFD: a character or more is lost there.",
                "r.txt",
                "标题: | 关于加强社\\xFF区服务的提案 |",
                "Check the file's encoding (`--encoding gbk`), or fetch it again.",
            ),
            Code::UnlabeledCell => e(
                "A cell with no label could be a value whose label was lost; propex keeps it under `extra._unlabeled`.",
                "r.txt",
                "标题: | 关于加强社区服务的提案 |\n| 附件下载 |",
                "Nothing to do if it is page furniture; else add its label in the source.",
            ),
            Code::UnknownLabel => e(
                "A label propex does not know is kept under `extra` with its value; if it names a field, propex's vocabulary lacks the wording.",
                "r.txt",
                "标题: | 关于加强社区服务的提案 |\n经办科室: | 综合科 |",
                "Nothing to do for page metadata; a field's new wording goes into propex's vocabulary (`src/vocab/labels.rs`).",
            ),
            Code::SchemaError => e(
                "A converted record that does not match the published schema breaks the programs that read it.",
                "r.yaml",
                "---\nsource: {path: x, record: 1, line: 1, encoding: UTF-8}\nkind: petition\n",
                "Convert the record again with this propex (`propex extract`), or correct the value the message names.",
            ),
            Code::ReadError => e(
                "A file that cannot be read, is empty or binary, or holds no record gives nothing; the run says so rather than passing it by.",
                "r.txt",
                "",
                "Check the file: its permissions, its format (a PDF or Word file needs converting first), its contents.",
            ),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, positioned by byte offset in the decoded text of its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Byte offset into the decoded text (what `line`/`col` were computed from).
    pub offset: usize,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Collects the diagnostics of one input from every stage, each at its byte offset in the
/// decoded text. Positions are worked out once, at the end, in text order, so that many findings
/// on one long line cost one pass over it, not one each.
#[derive(Debug, Default)]
pub struct Collector {
    items: Vec<(Code, usize, String)>,
    /// Set when nobody will read the findings (`extract -q`): they are not even built.
    off: bool,
}

impl Collector {
    pub fn new() -> Self {
        Collector::default()
    }

    /// A collector that drops every finding.
    pub fn off() -> Self {
        Collector {
            off: true,
            ..Collector::default()
        }
    }

    /// Whether findings are kept; a caller can skip building a message when they are not.
    pub fn is_on(&self) -> bool {
        !self.off
    }

    pub fn push(&mut self, code: Code, offset: usize, message: impl Into<String>) {
        if !self.off {
            self.items.push((code, offset, message.into()));
        }
    }

    /// Moves the findings of another collector into this one, their offsets mapped by `to`
    /// (from the flattened text of a page to its source).
    pub fn absorb(&mut self, other: Collector, to: impl Fn(usize) -> usize) {
        self.items.extend(
            other
                .items
                .into_iter()
                .map(|(code, offset, message)| (code, to(offset), message)),
        );
    }

    /// The diagnostics in the order they appear in `text`, the decoded text their offsets are in.
    pub fn into_vec(mut self, text: &str) -> Vec<Diagnostic> {
        let index = LineIndex::new(text);
        self.items.sort_by_key(|(_, offset, _)| *offset);
        let mut cursor = Cursor::default();
        self.items
            .into_iter()
            .map(|(code, offset, message)| {
                let (line, col) = index.position_after(offset, &mut cursor);
                Diagnostic {
                    code,
                    severity: code.default_severity(),
                    offset,
                    line,
                    col,
                    message,
                }
            })
            .collect()
    }
}

/// The last position `LineIndex::position_after` answered, to count on from there.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    offset: usize,
    line: usize,
    col: usize,
}

/// Line starts of a text, for turning byte offsets into 1-based line and column. Columns count
/// characters, not bytes, so they match what an editor shows for Chinese text.
/// Built on first use: most inputs never need a position past the first line.
#[derive(Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: OnceCell<Vec<usize>>,
    /// The last (offset, line) `line` counted, to count on from there.
    counted: Cell<(usize, usize)>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        LineIndex {
            text,
            starts: OnceCell::new(),
            counted: Cell::new((0, 1)),
        }
    }

    /// The 1-based line of a byte offset. Each record asks for its first line, in order: line
    /// breaks are counted from the last answer on, without building the index of every line
    /// (which a diagnostic needs, and most files never have).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if let Some(starts) = self.starts.get() {
            return starts.partition_point(|&s| s <= offset);
        }
        let (mut from, mut line) = self.counted.get();
        if offset < from {
            (from, line) = (0, 1);
        }
        line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..offset]).count();
        self.counted.set((offset, line));
        line
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 1-based (line, column) of a byte offset; offsets past the end or inside a character are
    /// clamped rather than trusted, since they come from heuristics over untrusted input.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        (line, col)
    }

    /// As `position`, for offsets asked in increasing order: columns on the same line are
    /// counted on from the previous answer, so a long line is walked once, not once per offset.
    pub fn position_after(&self, offset: usize, cursor: &mut Cursor) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= offset);
        let col = if cursor.line == line && cursor.offset <= offset {
            cursor.col + self.text[cursor.offset..offset].chars().count()
        } else {
            self.text[starts[line - 1]..offset].chars().count() + 1
        };
        *cursor = Cursor { offset, line, col };
        (line, col)
    }

    /// The byte offset where a 1-based line starts (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts()
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'t str {
        let starts = self.starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_counted_on_agree_with_the_index() {
        let text = "甲\n乙\n\n丙丁\n戊";
        let counted = LineIndex::new(text);
        let indexed = LineIndex::new(text);
        for offset in [0, 3, 4, 5, 8, 9, 10, 12, 14, 17, 100, 2, 0] {
            let offset = offset.min(text.len());
            assert_eq!(counted.line(offset), indexed.position(offset).0, "{offset}");
        }
    }

    #[test]
    fn positions_counted_on_agree_with_positions() {
        let text = "甲乙 | 丙\n\n丁 | 戊己 |\r\n庚";
        let idx = LineIndex::new(text);
        let mut cursor = Cursor::default();
        let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
        offsets.extend([3, 0, 20]);
        for o in offsets {
            // out of order offsets (the tail) start again from the line's start
            assert_eq!(idx.position_after(o, &mut cursor), idx.position(o), "{o}");
        }
    }

    #[test]
    fn a_collector_that_is_off_keeps_nothing() {
        let mut c = Collector::off();
        assert!(!c.is_on());
        c.push(Code::UnlabeledCell, 1, "x");
        assert!(c.into_vec("abc").is_empty());
        let mut c = Collector::new();
        c.push(Code::UnlabeledCell, 4, "b");
        c.push(Code::UnlabeledCell, 1, "a");
        let got: Vec<_> = c
            .into_vec("ab\ncd")
            .iter()
            .map(|d| (d.line, d.col))
            .collect();
        assert_eq!(got, vec![(1, 2), (2, 2)]);
    }

    #[test]
    fn positions_count_characters() {
        let text = "标题: | 甲\r\n答复: | 乙丙 |";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), (1, 1));
        let b = text.find("乙").unwrap();
        assert_eq!(idx.position(b), (2, 7));
        assert_eq!(idx.line_text(1), "标题: | 甲");
        assert_eq!(idx.line_text(2), "答复: | 乙丙 |");
        assert_eq!(idx.position(text.len() + 10), (2, 11));
        // inside a multi-byte character: clamps back to its start
        assert_eq!(idx.position(b + 1), (2, 7));
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for n in &names {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n}");
            assert_eq!(Code::from_name(n).map(|c| c.as_str()), Some(*n));
        }
        let before = names.len();
        names.sort();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate rule code");
    }
}
