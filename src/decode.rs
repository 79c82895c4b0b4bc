//! Stage 1 — decode: raw bytes to UTF-8 text, naming the encoding that was used, and flagging
//! text that was already mis-decoded before it reached us (U+FFFD, `????`, UTF-8 read as GBK).

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};

use crate::diag::{Code, Collector};
use crate::scan::Class;

/// What `--encoding` asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// BOM, then UTF-8 validity, then a statistical guess.
    #[default]
    Auto,
    /// A WHATWG label forced by the user (`gbk`, `big5`, `utf-16le`, …).
    Forced(&'static Encoding),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown encoding {0:?} (use auto or a WHATWG label such as utf-8, gbk, gb18030, big5, utf-16le)"
)]
pub struct UnknownEncoding(pub String);

impl FromStr for EncodingChoice {
    type Err = UnknownEncoding;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(EncodingChoice::Auto);
        }
        Encoding::for_label(s.trim().as_bytes())
            .map(EncodingChoice::Forced)
            .ok_or_else(|| UnknownEncoding(s.to_string()))
    }
}

/// Why bytes could not become text worth parsing.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("empty input")]
    Empty,
    #[error("binary data, not text (control character at offset {offset})")]
    Binary { offset: usize },
    /// A document format propex does not read, and what to do with it.
    #[error("{0}")]
    Format(&'static str),
}

/// How a file is compressed, told by its name (`.gz`, `.zst`): such files are read through a
/// decompressor, and what they hold is the name under the extension (`a.jsonl.gz`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    const EXTENSIONS: [(&'static str, Compression); 2] =
        [(".gz", Compression::Gzip), (".zst", Compression::Zstd)];

    /// The compression a file name says, and the name under its extension.
    pub fn of(name: &str) -> Option<(Compression, &str)> {
        Self::EXTENSIONS.iter().find_map(|&(ext, c)| {
            let cut = name.len().checked_sub(ext.len())?;
            (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(ext))
                .then(|| (c, &name[..cut]))
        })
    }

    /// A file name without its compression extension.
    pub fn strip(name: &str) -> &str {
        Self::of(name).map_or(name, |(_, inner)| inner)
    }
}

/// Document formats that end up in record folders but that propex does not read, told by
/// their first bytes, and how to turn each into something it reads. HTML pages and Word
/// (.docx) documents are read (the `page` stage), so they are not among them.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    Some(if bytes.starts_with(b"%PDF-") {
        "a PDF file, which propex does not read: convert it to text first (`pdftotext -layout FILE FILE.txt`)"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a zip archive that is not a Word document: unpack it and give propex the files inside"
    } else if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        "an old Word (.doc) or WPS document, which propex does not read: convert it to .docx first (`libreoffice --headless --convert-to docx FILE`)"
    } else if bytes.starts_with(b"\x1f\x8b") {
        "gzip-compressed data: name the file `.gz` (propex then reads it through) or decompress it (`zcat FILE`)"
    } else if bytes.starts_with(b"\x28\xb5\x2f\xfd") {
        "zstd-compressed data: name the file `.zst` (propex then reads it through) or decompress it (`zstd -d FILE`)"
    } else {
        return None;
    })
}

/// Whether the bytes start as an HTML page (`<!DOCTYPE html`, or an `<html` tag in the first
/// kilobyte of a text that starts with markup).
pub fn starts_as_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let skip = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let start = &b[skip..b.len().min(skip + 1024)];
    // Only text that starts with markup is read again, lowercased: this runs on every input.
    start.first() == Some(&b'<') && {
        let lower = start.to_ascii_lowercase();
        lower.starts_with(b"<!doctype html") || memchr::memmem::find(&lower, b"<html").is_some()
    }
}

/// Decodes an HTML page: by its byte-order mark, then by the encoding its `<meta>` declares in
/// its first 1,024 bytes (the WHATWG prescan), then as any other input.
pub fn decode_html(
    bytes: &[u8],
    choice: EncodingChoice,
    diags: &mut Collector,
) -> Result<Decoded, DecodeError> {
    let choice = match choice {
        EncodingChoice::Auto if Encoding::for_bom(bytes).is_none() => {
            meta_charset(bytes).map_or(EncodingChoice::Auto, EncodingChoice::Forced)
        }
        forced => forced,
    };
    let (text, encoding) = read(bytes, choice, diags)?;
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
    })
}

/// The encoding a page declares in a `<meta charset>` or `<meta http-equiv="Content-Type"
/// content="…; charset=…">` within its first 1,024 bytes, as the WHATWG prescan reads it:
/// attributes are read, not matched by pattern; comments are passed over; a UTF-16 label
/// means UTF-8 (a page that could declare it was not UTF-16).
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let mut at = 0;
    while at < head.len() {
        let rest = &head[at..];
        if rest.starts_with(b"<!--") {
            at += memchr::memmem::find(&rest[4..], b"-->").map_or(head.len(), |e| e + 7);
            continue;
        }
        let is_meta = rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && (rest[5].is_ascii_whitespace() || rest[5] == b'/');
        if !is_meta {
            at += 1;
            continue;
        }
        let (attrs, end) = tag_attributes(&head[at + 5..]);
        at += 5 + end;
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let label = match get("charset") {
            Some(c) => Some(c.to_string()),
            None if get("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-type")) => {
                get("content").and_then(charset_in_content)
            }
            None => None,
        };
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                UTF_8
            } else {
                enc
            };
            return Some(read_as(enc));
        }
    }
    None
}

/// The attributes of a tag whose name has been read, up to its `>`, and how far that is.
fn tag_attributes(b: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < b.len() && (b[*i].is_ascii_whitespace() || b[*i] == b'/') {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= b.len() || b[i] == b'>' {
            return (attrs, (i + 1).min(b.len()));
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = String::from_utf8_lossy(&b[name_start..i]).into_owned();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (start, end) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                    let r = (i + 1, end);
                    i = (end + 1).min(b.len());
                    r
                }
                _ => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    (start, i)
                }
            };
            value = String::from_utf8_lossy(&b[start..end]).into_owned();
        }
        attrs.push((name, value));
    }
}

/// The `charset=` of a Content-Type value (`text/html; charset=gb2312`).
fn charset_in_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")? + "charset".len();
    let rest = lower[at..].trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_string())
}

/// Decoded text and the encoding it was read from.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name: "UTF-8", "GB18030", "Big5", "UTF-16LE", …
    pub encoding: &'static str,
}

/// Decodes an input to UTF-8, reporting what it noticed (malformed bytes, damaged or repaired
/// text) to `diags` at byte offsets in the decoded text.
pub fn decode(
    bytes: &[u8],
    choice: EncodingChoice,
    diags: &mut Collector,
) -> Result<Decoded, DecodeError> {
    if let Some(what) = sniff(bytes) {
        return Err(DecodeError::Format(what));
    }
    let (text, encoding) = read(bytes, choice, diags)?;
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
    })
}

type Findings = Vec<(usize, Code, String)>;

fn read<'b>(
    bytes: &'b [u8],
    choice: EncodingChoice,
    diags: &mut Collector,
) -> Result<(Cow<'b, str>, &'static str), DecodeError> {
    let (text, had_errors, encoding) = match choice {
        EncodingChoice::Forced(enc) => {
            let enc = read_as(enc);
            let (text, errors) = decode_as(enc, strip_bom(bytes, enc));
            (text, errors, enc)
        }
        EncodingChoice::Auto => match Encoding::for_bom(bytes) {
            Some((enc, bom_len)) => {
                let (text, errors) = decode_as(enc, &bytes[bom_len..]);
                (text, errors, enc)
            }
            None => sniff_and_decode(bytes)?,
        },
    };

    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    // Findings wait until the text is known not to be binary: an error reports nothing else.
    let mut findings = Vec::new();
    let text = match cp1252::repair(&text) {
        Some(r) => {
            if r.repaired > 0 {
                findings.push((
                    r.first_repaired,
                    Code::Repaired,
                    format!(
                        "{} character(s) of UTF-8 shown as Windows-1252 (mojibake) were repaired",
                        r.repaired
                    ),
                ));
            }
            if let Some(at) = r.first_left {
                findings.push((
                    at,
                    Code::Misdecoded,
                    "text looks like UTF-8 shown as Windows-1252 (mojibake) whose lost bytes cannot be repaired"
                        .into(),
                ));
            }
            Cow::Owned(r.text)
        }
        None => text,
    };
    // One pass over the text for control bytes and for hints of damage.
    let (damage, binary) = damage::<true>(&text, had_errors);
    if let Some(offset) = binary {
        return Err(DecodeError::Binary { offset });
    }

    if had_errors {
        let first = text.find('\u{FFFD}').unwrap_or(0);
        let n = text.matches('\u{FFFD}').count();
        findings.push((
            first,
            Code::MalformedBytes,
            format!(
                "{n} byte sequence(s) not valid in {} were replaced with U+FFFD",
                encoding.name()
            ),
        ));
    }
    // Text already found damaged is not reported twice for the same run.
    let damaged = damage.iter().any(|(_, code, _)| *code == Code::Misdecoded);
    findings.extend(damage);
    if let Some(at) = (!damaged).then(|| out_of_step(&text)).flatten() {
        findings.push((
            at,
            Code::Misdecoded,
            "a run of rare characters where common ones belong: two-byte text (GBK) read one byte out of step"
                .into(),
        ));
    }
    for (at, code, message) in findings {
        diags.push(code, at, message);
    }
    Ok((text, encoding.name()))
}

/// Where GBK text read one byte out of step shows: each character then pairs the second byte of
/// one with the first of the next, and what comes out is mostly characters that no ordinary text
/// uses. A decoder falls out of step where a byte was lost, and leaves a `?` or U+FFFD there
/// before it re-synchronises; so the text around each of those is looked at, not all of it. A
/// run of twelve Chinese characters with four or more outside the common sets (GB2312 level 1,
/// the 3,755 characters of everyday simplified text; Big5's 5,401 common characters of
/// traditional text) is such a run: ordinary letters hold about one such character in a thousand.
fn out_of_step(text: &str) -> Option<usize> {
    // How far before and after a lost character the run is looked for.
    const BEFORE: usize = 60;
    const AFTER: usize = 360;
    let b = text.as_bytes();
    let mut done = 0;
    // `?` and U+FFFD, in text order (full-width punctuation shares U+FFFD's first byte, so the
    // two are searched apart).
    let mut lost: Vec<usize> = memchr::memchr_iter(b'?', b).collect();
    lost.extend(memchr::memmem::find_iter(b, "\u{FFFD}".as_bytes()));
    lost.sort_unstable();
    for q in lost {
        let mut from = q.saturating_sub(BEFORE).max(done);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let mut to = (q + AFTER).min(b.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        if from >= to {
            continue;
        }
        if let Some(at) = rare_run(&b[from..to]) {
            return Some(from + at);
        }
        done = to;
    }
    None
}

/// Where, in UTF-8 bytes, a run of twelve Chinese characters first holds four rare ones.
fn rare_run(b: &[u8]) -> Option<usize> {
    const WINDOW: u32 = 12;
    const RARE: u32 = 4;
    let common = common_bits();
    // The last WINDOW characters of the current run of Chinese characters, a bit each (1 =
    // rare), and how many are set; any other character ends the run.
    let (mut recent, mut count): (u32, u32) = (0, 0);
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        // U+4E00–U+9FFF are the three bytes E4 B8 80 – E9 BF BF.
        if (0xE4..=0xE9).contains(&x) && i + 2 < b.len() {
            let cp = (u32::from(x & 0x0F) << 12)
                | (u32::from(b[i + 1] & 0x3F) << 6)
                | u32::from(b[i + 2] & 0x3F);
            if cp >= 0x4E00 {
                let k = (cp - 0x4E00) as usize;
                let rare = u32::from(common[k / 64] & (1 << (k % 64)) == 0);
                let leaving = (recent >> (WINDOW - 1)) & 1;
                recent = ((recent << 1) | rare) & ((1 << WINDOW) - 1);
                count = count + rare - leaving;
                if count >= RARE {
                    return Some(i);
                }
                i += 3;
                continue;
            }
        }
        (recent, count) = (0, 0);
        i += match x {
            0..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    None
}

/// Which code points of U+4E00–U+9FFF are among the common characters of GB2312 (level 1) or
/// Big5 (common): a bitmap built once by decoding those two ranges of byte pairs with
/// encoding_rs (two decoder calls).
fn common_bits() -> &'static [u64] {
    static COMMON: LazyLock<Vec<u64>> = LazyLock::new(|| {
        let mut bits = vec![0u64; (0x9FFF - 0x4E00 + 64) / 64];
        let mut set = |text: &str| {
            for c in text.chars() {
                let k = (c as u32).wrapping_sub(0x4E00) as usize;
                if k <= 0x9FFF - 0x4E00 {
                    bits[k / 64] |= 1 << (k % 64);
                }
            }
        };
        // GB2312 level 1: rows 16–55, lead bytes B0–D7, trail bytes A1–FE.
        let gb: Vec<u8> = (0xB0..=0xD7u8)
            .flat_map(|l| (0xA1..=0xFEu8).flat_map(move |t| [l, t]))
            .collect();
        set(&GBK.decode_without_bom_handling(&gb).0);
        // Big5 common characters: A440–C67E.
        let big5: Vec<u8> = (0xA4..=0xC6u8)
            .flat_map(|l| (0x40..=0x7Eu8).chain(0xA1..=0xFE).flat_map(move |t| [l, t]))
            .collect();
        let big5: Vec<u8> = big5
            .chunks(2)
            .filter(|p| (u16::from(p[0]) << 8 | u16::from(p[1])) <= 0xC67E)
            .flatten()
            .copied()
            .collect();
        set(&encoding_rs::BIG5.decode_without_bom_handling(&big5).0);
        bits
    });
    &COMMON
}

/// UTF-8 that was decoded as Windows-1252 and saved again (`å…³äºŽ` for `关于`), repaired where
/// it can be exactly, as ftfy does: each run of characters that Windows-1252 gives for the bytes
/// 0x80–0xFF is turned back into those bytes, and every complete UTF-8 sequence of three or four
/// bytes among them becomes its character again. Nothing is guessed: a sequence that lost a byte
/// (Windows-1252 has no character for 0x81, 0x8D, 0x8F, 0x90, 0x9D, and some pages dropped them)
/// stays as it was, and is reported.
mod cp1252 {
    /// The text with what could be repaired, and where.
    pub struct Repair {
        pub text: String,
        pub repaired: usize,
        pub first_repaired: usize,
        /// Where the first run that could not be repaired whole is, in `text`.
        pub first_left: Option<usize>,
    }

    /// The byte Windows-1252 shows as `c`, for the bytes 0x80–0xFF (the C1 code points stand for
    /// the five bytes it leaves undefined, as browsers decode them).
    fn byte(c: char) -> Option<u8> {
        let b = match c {
            '\u{80}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => return None,
        };
        Some(b)
    }

    /// `None` when the text shows no sign of it (no lead character of a three- or four-byte
    /// sequence, `à`–`ô`, U+00E0–U+00F4, which Chinese text never holds).
    pub fn repair(text: &str) -> Option<Repair> {
        // Every such lead is the two bytes C3 A0–C3 B4 in the text: one byte search rules most
        // text out.
        memchr::memchr(0xC3, text.as_bytes())?;
        let mut out = String::with_capacity(text.len());
        let (mut repaired, mut first_repaired, mut first_left) = (0, None, None);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (_, c) = chars[i];
            let Some(lead) = byte(c).filter(|b| (0xE0..=0xF4).contains(b)) else {
                out.push(c);
                i += 1;
                continue;
            };
            let need = if lead >= 0xF0 { 4 } else { 3 };
            let mut bytes = vec![lead];
            let mut j = i + 1;
            while bytes.len() < need
                && let Some(b) = chars.get(j).and_then(|&(_, c)| byte(c))
                && (0x80..=0xBF).contains(&b)
            {
                bytes.push(b);
                j += 1;
            }
            match std::str::from_utf8(&bytes)
                .ok()
                .filter(|_| bytes.len() == need)
            {
                Some(s) => {
                    first_repaired.get_or_insert(out.len());
                    out.push_str(s);
                    repaired += 1;
                    i = j;
                }
                None => {
                    // A lead with too few continuation characters after it: a lost byte.
                    if bytes.len() > 1 {
                        first_left.get_or_insert(out.len());
                    }
                    out.push(c);
                    i += 1;
                }
            }
        }
        (repaired > 0).then(|| Repair {
            text: out,
            repaired,
            first_repaired: first_repaired.unwrap_or(0),
            first_left,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// What a page does to UTF-8 when it shows it as Windows-1252.
        fn garble(s: &str) -> String {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
            text.into_owned()
        }

        #[test]
        fn mojibake_is_repaired_exactly() {
            let original = "关于加强社区养老服务的提案";
            let garbled = garble(original);
            assert_ne!(garbled, original);
            let r = repair(&garbled).unwrap();
            assert_eq!(r.text, original);
            assert_eq!(r.repaired, original.chars().count());
            assert_eq!(r.first_left, None);
            // mixed with clean text on both sides
            let mixed = format!("标题: | {} | 答复", garble("市政协五届"));
            assert_eq!(repair(&mixed).unwrap().text, "标题: | 市政协五届 | 答复");
        }

        #[test]
        fn lost_bytes_are_left_and_reported() {
            // 协 is E5 8D 8F: both continuation bytes are undefined in Windows-1252 and a page
            // drops them.
            let garbled = format!("{}{}", "å", garble("关于"));
            let r = repair(&garbled).unwrap();
            assert_eq!(r.text, "å关于");
            assert_eq!(r.first_left, None, "a lone lead is text, not a lost byte");
            let lost = format!("{}{}", garble("关于"), "å\u{8d}");
            let r = repair(&lost).unwrap();
            assert!(r.text.starts_with("关于"));
            assert!(r.first_left.is_some());
        }

        #[test]
        fn clean_and_latin_text_is_left_alone() {
            assert!(repair("关于加强社区养老服务的提案").is_none());
            assert!(repair("Café à Paris, Müller").is_none());
        }
    }
}

fn decode_as<'b>(enc: &'static Encoding, body: &'b [u8]) -> (Cow<'b, str>, bool) {
    if enc == UTF_8 {
        match simdutf8::basic::from_utf8(body) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(body), true),
        }
    } else {
        enc.decode_without_bom_handling(body)
    }
}

/// How much of a file the encoding guess reads.
const GUESS_BYTES: usize = 8192;

/// Chooses and applies an encoding for bytes without a byte-order mark: UTF-8 when they are
/// (nearly) valid UTF-8, UTF-16 when ASCII's zero bytes show it, else chardetng's guess.
fn sniff_and_decode(bytes: &[u8]) -> Result<(Cow<'_, str>, bool, &'static Encoding), DecodeError> {
    let valid_utf8 = simdutf8::basic::from_utf8(bytes).ok();
    if let Some(nul) = memchr::memchr(0, bytes) {
        let enc = utf16_without_bom(bytes).ok_or(DecodeError::Binary { offset: nul })?;
        let (t, e) = enc.decode_without_bom_handling(bytes);
        return Ok((t, e, enc));
    }
    if let Some(s) = valid_utf8 {
        return Ok((Cow::Borrowed(s), false, UTF_8));
    }
    if mostly_utf8(bytes) {
        return Ok((String::from_utf8_lossy(bytes), true, UTF_8));
    }
    if let Some(text) = plainly_gb18030(bytes) {
        return Ok((Cow::Owned(text), false, GB18030));
    }
    let enc = {
        let end = prefix_end(bytes);
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(&bytes[..end], true);
        read_as(detector.guess(None, chardetng::Utf8Detection::Deny))
    };
    let (t, e) = decode_as(enc, bytes);
    Ok((t, e, enc))
}

/// Where the part of a file that the encoding guess reads ends: a few kilobytes settle the
/// guess, and feeding all of a long file costs more than the rest of the pipeline together.
/// Cut after a line break so that no character is split.
fn prefix_end(bytes: &[u8]) -> usize {
    let end = bytes.len().min(GUESS_BYTES);
    if end < bytes.len()
        && let Some(nl) = memchr::memrchr(b'\n', &bytes[..end])
    {
        return nl + 1;
    }
    end
}

/// GBK is a subset of GB18030 and crawled "GBK" pages routinely hold GB18030-only characters.
fn read_as(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK { GB18030 } else { enc }
}

fn strip_bom<'b>(bytes: &'b [u8], enc: &'static Encoding) -> &'b [u8] {
    match Encoding::for_bom(bytes) {
        Some((bom_enc, len)) if bom_enc == enc => &bytes[len..],
        _ => bytes,
    }
}

/// Most non-UTF-8 records are GBK. When the whole file is valid GB18030 and its start is not
/// valid Big5 (GBK uses trail bytes Big5 never does), that settles it without a statistical
/// guess. Text valid in both goes to chardetng.
fn plainly_gb18030(bytes: &[u8]) -> Option<String> {
    let (text, errors) = decode_as(GB18030, bytes);
    if errors {
        return None;
    }
    let end = prefix_end(bytes);
    let mut scratch = String::with_capacity(end * 2);
    let (big5, _) = encoding_rs::BIG5
        .new_decoder_without_bom_handling()
        .decode_to_string_without_replacement(&bytes[..end], &mut scratch, true);
    (big5 != encoding_rs::DecoderResult::InputEmpty).then(|| text.into_owned())
}

/// A UTF-8 file with a few damaged bytes is still UTF-8: guessing another encoding for it would
/// turn every character into mojibake instead of losing a few.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
            // GBK text breaks UTF-8 at nearly every character: no need to read it all.
            if bad > 64 && bad * 3 > good {
                return false;
            }
        }
    }
    good >= 8 && bad * 3 <= good
}

/// Exports from spreadsheet tools are sometimes UTF-16 without a BOM. Pipes, digits and line
/// breaks are ASCII, so one byte of every such unit is zero, always on the same side.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 { even += 1 } else { odd += 1 }
        }
    }
    let enc = if odd > 4 * even.max(1) {
        UTF_16LE
    } else if even > 4 * odd.max(1) {
        UTF_16BE
    } else {
        return None;
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    (!had_errors && binary_offset(&text).is_none()).then_some(enc)
}

/// Offset of the first character that marks the text as binary: NUL, or C0 controls making up
/// more than 1% of the characters (text files carry only tab, line breaks and the odd form feed).
/// Works on bytes: every control character is one ASCII byte, and this runs on every input.
fn binary_offset(text: &str) -> Option<usize> {
    let first = crate::scan::find(Class::Control, text.as_bytes(), 0)?;
    binary_from(text.as_bytes(), first)
}

/// `binary_offset` for text whose first control byte is at `first`.
fn binary_from(bytes: &[u8], first: usize) -> Option<usize> {
    if let Some(nul) = memchr::memchr(0, &bytes[first..]) {
        return Some(first + nul);
    }
    let bad = bytes[first..]
        .iter()
        .filter(|&&b| Class::Control.has(b))
        .count();
    // Characters, not bytes: count the bytes that start one.
    let chars = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    (bad * 100 > chars).then_some(first)
}

/// Text that was damaged before propex saw it: replacement characters left by an earlier
/// decoder, runs of `?` where characters were lost, and UTF-8 that someone read as GBK.
/// One vector pass finds every hint (`scan::find_hint`), so clean text costs little.
pub fn misdecoded(text: &str, skip_replacement_char: bool) -> Vec<(usize, Code, String)> {
    damage::<false>(text, skip_replacement_char).0
}

/// `misdecoded`, and with `BINARY` also `binary_offset` in the same pass: the findings, and
/// where the text turns out to be binary (then without findings).
fn damage<const BINARY: bool>(
    text: &str,
    skip_replacement_char: bool,
) -> (Findings, Option<usize>) {
    let b = text.as_bytes();
    let (mut replacement, mut questions, mut mojibake) = (None, None, false);
    // Whether the binary test is settled: at the first control byte, by counting them all.
    let mut settled = !BINARY;
    let mut at = 0;
    while let Some(k) = crate::scan::find_hint::<BINARY>(b, at) {
        at = k + 1;
        if BINARY && Class::Control.has(b[k]) {
            if !settled {
                settled = true;
                if let Some(offset) = binary_from(b, k) {
                    return (Vec::new(), Some(offset));
                }
            }
            continue;
        }
        match &b[k..(k + 3).min(b.len())] {
            [0xEF, 0xBF, 0xBD] => {
                replacement.get_or_insert(k);
            }
            [b'?', ..] | [0xEF, 0xBC, 0x9F] => {
                // A run of four or more `?` / `？`, mixed or not.
                let mut end = k;
                let mut run = 0;
                while let Some(len) = match b.get(end..) {
                    Some([b'?', ..]) => Some(1),
                    Some([0xEF, 0xBC, 0x9F, ..]) => Some(3),
                    _ => None,
                } {
                    end += len;
                    run += 1;
                }
                if run >= 4 {
                    questions.get_or_insert(k);
                }
                at = end;
            }
            _ => mojibake = true,
        }
        if (replacement.is_some() || skip_replacement_char) && questions.is_some() && mojibake {
            // Every kind of hint is found; the binary test may still need the rest.
            if !settled
                && let Some(first) = crate::scan::find(Class::Control, b, at)
                && let Some(offset) = binary_from(b, first)
            {
                return (Vec::new(), Some(offset));
            }
            break;
        }
    }
    let mut out = Vec::new();
    if let (Some(i), false) = (replacement, skip_replacement_char) {
        out.push((
            i,
            Code::Misdecoded,
            "U+FFFD replacement character in the text: it was mis-decoded before it was saved"
                .into(),
        ));
    }
    if let Some(i) = questions {
        out.push((
            i,
            Code::Misdecoded,
            "a run of question marks where characters were probably lost in a conversion".into(),
        ));
    }
    if let Some((i, sample)) = mojibake.then(|| gbk_mojibake(text)).flatten() {
        out.push((
            i,
            Code::Misdecoded,
            format!("text looks like UTF-8 read as GBK (mojibake): {sample}"),
        ));
    }
    (out, None)
}

/// Characters that UTF-8 bytes turn into when read as GBK: a pair of bytes where each is a
/// UTF-8 lead byte of a CJK character (E4–E9) or a continuation byte (80–BF). Ordinary Chinese
/// prose seldom has four of them in a row; mojibake is made of little else.
static MOJIBAKE_CHARS: LazyLock<Vec<char>> = LazyLock::new(|| {
    let lead_or_cont = |b: u8| (0xE4..=0xE9).contains(&b) || (0x80..=0xBF).contains(&b);
    let mut chars = Vec::new();
    for lead in 0x81u8..=0xFE {
        for trail in 0x80u8..=0xFE {
            // Pairs inside GB2312's symbol and common-hanzi rows decode to everyday characters
            // (，。、 and frequent hanzi); leaving them out keeps real prose from matching.
            let gb2312 = (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail);
            if !lead_or_cont(lead) || !lead_or_cont(trail) || gb2312 {
                continue;
            }
            chars.extend(gb_pair(lead, trail));
        }
    }
    chars.sort_unstable();
    chars.dedup();
    chars
});

/// The character a GB18030 byte pair stands for, if it is one.
fn gb_pair(lead: u8, trail: u8) -> Option<char> {
    let pair = [lead, trail];
    let (text, errors) = GB18030.decode_without_bom_handling(&pair);
    let mut chars = text.chars();
    match (errors, chars.next(), chars.next()) {
        (false, Some(c), None) => Some(c),
        _ => None,
    }
}

/// Scans for a run of mojibake characters; called only when one of the telltale characters
/// (the GBK readings of the UTF-8 bytes of `，`, `、`/`。` and `的`) turned up.
fn gbk_mojibake(text: &str) -> Option<(usize, String)> {
    let table = &*MOJIBAKE_CHARS;
    let mut run = 0usize;
    let mut start = 0usize;
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            // ASCII between mojibake characters (a lost byte became `?`) does not end a run.
            continue;
        }
        if table.binary_search(&c).is_ok() {
            if run == 0 {
                start = i;
            }
            run += 1;
            if run >= 4 {
                let sample: String = text[start..].chars().take(12).collect();
                return Some((start, sample));
            }
        } else {
            run = 0;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_read_out_of_step_is_found() {
        // 中文 text saved as GBK, read from its second byte on.
        let clean = "关于加强乡镇卫生院建设的建议已交我局办理现答复如下";
        let (gbk, _, _) = encoding_rs::GBK.encode(clean);
        let (shifted, _, _) = encoding_rs::GBK.decode(&gbk[1..]);
        // The byte that put the decoder out of step is left as `?` by the page.
        let shown = format!("请?{shifted}");
        assert!(out_of_step(&shown).is_some(), "{shown}");
        assert!(rare_run(shifted.as_bytes()).is_some(), "{shifted}");
        assert_eq!(out_of_step(clean), None);
        let traditional = "關於改善鄉村衛生室診療條件配備常用設備的建議已由我局牽頭辦理";
        assert_eq!(out_of_step(traditional), None);
    }

    /// The decoded text and the codes of what the decoder reported.
    fn decoded(b: &[u8], choice: EncodingChoice) -> Result<(Decoded, Vec<Code>), DecodeError> {
        let mut diags = Collector::new();
        let d = super::decode(b, choice, &mut diags)?;
        let codes = diags.into_vec(&d.text).iter().map(|x| x.code).collect();
        Ok((d, codes))
    }

    fn decode(b: &[u8], choice: EncodingChoice) -> Result<Decoded, DecodeError> {
        decoded(b, choice).map(|(d, _)| d)
    }

    #[test]
    fn compression_by_name() {
        assert_eq!(
            Compression::of("a.jsonl.gz"),
            Some((Compression::Gzip, "a.jsonl"))
        );
        assert_eq!(
            Compression::of("A.TXT.ZST"),
            Some((Compression::Zstd, "A.TXT"))
        );
        assert_eq!(
            Compression::of("答复.gz"),
            Some((Compression::Gzip, "答复"))
        );
        assert_eq!(Compression::of("a.txt"), None);
        assert_eq!(Compression::of("gz"), None);
        assert_eq!(Compression::strip("x.yaml.zst"), "x.yaml");
        assert_eq!(Compression::strip("x.yaml"), "x.yaml");
    }

    const SAMPLE: &str =
        "标题: | 关于加强社区养老服务的建议 |\n答复内容: | 张三代表:您好!现答复如下。 |\n";

    #[test]
    fn utf8_with_bom_and_plain() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&b, EncodingChoice::Auto).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, SAMPLE);
        let (d, codes) = decoded(SAMPLE.as_bytes(), EncodingChoice::Auto).unwrap();
        assert_eq!(d.text, SAMPLE);
        assert!(codes.is_empty());
    }

    #[test]
    fn gbk_is_guessed_and_read_as_gb18030() {
        let (bytes, _, _) = GBK.encode(SAMPLE);
        let d = decode(&bytes, EncodingChoice::Auto).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, SAMPLE);
    }

    #[test]
    fn big5_is_guessed() {
        let trad =
            "標題: | 關於加強社區長者照顧服務的建議 |\n答覆內容: | 陳委員:您好!謹答覆如下。 |\n";
        let (bytes, _, _) = encoding_rs::BIG5.encode(trad);
        let d = decode(&bytes, EncodingChoice::Auto).unwrap();
        assert_eq!(d.encoding, "Big5");
        assert_eq!(d.text, trad);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let units: Vec<u16> = SAMPLE.encode_utf16().collect();
        let le: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&le, EncodingChoice::Auto).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", SAMPLE));
        let d = decode(&be, EncodingChoice::Auto).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16BE", SAMPLE));
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend_from_slice(&le);
        let d = decode(&with_bom, EncodingChoice::Auto).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", SAMPLE));
    }

    #[test]
    fn forced_label() {
        let (bytes, _, _) = GBK.encode(SAMPLE);
        let choice: EncodingChoice = "gbk".parse().unwrap();
        let d = decode(&bytes, choice).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, SAMPLE);
        assert!("klingon".parse::<EncodingChoice>().is_err());
    }

    #[test]
    fn malformed_utf8_is_replaced_and_reported() {
        let mut b = SAMPLE.as_bytes().to_vec();
        b.insert(20, 0xFF);
        let (d, codes) = decoded(&b, EncodingChoice::Auto).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{FFFD}'));
        assert_eq!(codes, [Code::MalformedBytes]);
    }

    #[test]
    fn empty_and_binary() {
        assert_eq!(
            decode(b"", EncodingChoice::Auto).unwrap_err(),
            DecodeError::Empty
        );
        assert_eq!(
            decode(b" \r\n\t", EncodingChoice::Auto).unwrap_err(),
            DecodeError::Empty
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
        assert!(matches!(
            decode(png, EncodingChoice::Auto),
            Err(DecodeError::Binary { .. })
        ));
        let controls: Vec<u8> = (0u8..=255).cycle().skip(1).take(4000).collect();
        assert!(matches!(
            decode(&controls, EncodingChoice::Auto),
            Err(DecodeError::Binary { .. })
        ));
    }

    /// The byte scan finds what the plain definition (a regular expression) finds.
    #[test]
    fn hints_match_the_plain_definition() {
        use proptest::prelude::*;
        let hints = regex::Regex::new("\u{FFFD}|[?？]{4,}|锛|銆|鐨").unwrap();
        let naive = |t: &str| {
            let mut replacement = None;
            let mut questions = None;
            let mut mojibake = false;
            for m in hints.find_iter(t) {
                match m.as_str() {
                    "\u{FFFD}" => {
                        replacement.get_or_insert(m.start());
                    }
                    "锛" | "銆" | "鐨" => mojibake = true,
                    _ => {
                        questions.get_or_insert(m.start());
                    }
                }
            }
            (replacement, questions, mojibake)
        };
        let ours = |t: &str| {
            let found = misdecoded(t, false);
            let at = |needle: &str| {
                found
                    .iter()
                    .find(|(_, _, msg)| msg.contains(needle))
                    .map(|(i, _, _)| *i)
            };
            (
                at("U+FFFD"),
                at("question marks"),
                found.iter().any(|f| f.2.contains("mojibake")),
            )
        };
        proptest!(|(t in "[?？\u{FFFD}锛銆鐨醒，a ]{0,60}")| {
            let (r, q, m) = naive(&t);
            let (r2, q2, m2) = ours(&t);
            prop_assert_eq!(r, r2);
            prop_assert_eq!(q, q2);
            // Our report of mojibake also needs a run of four: compare the hint only.
            prop_assert!(m2 <= m);
        });
    }

    /// The decoder's single pass says what the binary test and the hint scan say apart.
    #[test]
    fn one_pass_agrees_with_the_two_scans() {
        use proptest::prelude::*;
        let config = ProptestConfig::with_cases(2000);
        proptest!(config, |(t in "[\\x00\\x01\\x7f\t?？\u{FFFD}锛銆鐨醒，a ]{0,300}", skip: bool)| {
            let expected = match binary_offset(&t) {
                Some(offset) => (Vec::new(), Some(offset)),
                None => (misdecoded(&t, skip), None),
            };
            prop_assert_eq!(damage::<true>(&t, skip), expected);
        });
        // A stray control byte in long text is not binary, and the hints around it still count.
        let text = "[?？\u{FFFD}锛銆鐨醒，a ]{100,300}";
        proptest!(config, |(a in text, b in text, skip: bool)| {
            let t = format!("{a}\x01{b}");
            prop_assert_eq!(binary_offset(&t), None);
            prop_assert_eq!(damage::<true>(&t, skip), (misdecoded(&t, skip), None));
        });
    }

    #[test]
    fn mojibake_is_flagged_and_prose_is_not() {
        let prose = "我局高度重视您提出的建议，认真研究并积极推动落实。下一步，我们将继续加强与相关部门的协调配合，完善政策体系，提升服务水平，切实解决群众关心的问题。";
        assert!(misdecoded(prose, false).is_empty());
        let (garbled, _) = GB18030.decode_without_bom_handling(prose.as_bytes());
        let found = misdecoded(&garbled, true);
        assert!(found.iter().any(|f| f.2.contains("mojibake")), "{garbled}");
        assert!(!misdecoded("联系电话:????-1234", false).is_empty());
        assert!(!misdecoded("答复\u{FFFD}内容", false).is_empty());
    }
}
