//! Stage 1b — page, before the parse: nesting bounded. The HTML5 tree builder looks down its
//! stack of open elements for many start tags (is a `p` open? an `li`?), so elements nested a
//! hundred thousand deep take time that grows with the square of the page: minutes for a few
//! megabytes of `<div>`. No page shows such nesting (Chromium's parser stops nesting at 512), so
//! past [`MAX_DEPTH`] open elements further tags are blanked out, their text kept as the text of
//! the element above. Blanks are spaces of the tag's length: every offset in the page holds.
//!
//! The depth is counted from the tags as written, as the tree builder would see them for the
//! elements that matter: void elements (`br`, `img`) and self-closed tags (`<path/>`) never open;
//! elements closed by their next sibling (`p`, `li`, `td`, `tr`, …) are not counted; an end tag
//! closes what was opened since its start tag, as `</div>` closes a `<span>` left open inside;
//! comments and the text of `script`, `style`, `textarea` and `title` are skipped.

use std::borrow::Cow;
use std::ops::Range;

use memchr::memmem;

/// Open elements kept (as counted here: a table's rows and cells are not); far beyond any real
/// page, where a deep one nests thirty.
pub const MAX_DEPTH: usize = 256;

/// An end tag looks this far down the open elements for its start tag before it is taken as
/// stray (as it mostly is, deeper than that), so no tag costs more than this many steps.
const REACH: usize = 64;

/// The page with tags past [`MAX_DEPTH`] open elements blanked out, or the page itself when it
/// nests less deep (every real page).
pub fn shallow(source: &str) -> Cow<'_, str> {
    let b = source.as_bytes();
    let mut open: Vec<Name> = Vec::new();
    // Start tags blanked and not yet closed.
    let mut over = 0usize;
    let mut blank: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        let rest = &b[at + 1..];
        if rest.starts_with(b"!--") {
            i = memmem::find(&rest[3..], b"-->").map_or(b.len(), |e| at + 4 + e + 3);
            continue;
        }
        if matches!(rest.first(), Some(b'!' | b'?')) {
            i = memchr::memchr(b'>', rest).map_or(b.len(), |e| at + 2 + e);
            continue;
        }
        let close = rest.first() == Some(&b'/');
        let start = at + 1 + usize::from(close);
        if !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let len = b[start..]
            .iter()
            .take_while(|c| !matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
            .count();
        let name = Name::of(&b[start..start + len]);
        let (end, self_closed) = tag_end(b, start + len);
        i = end;
        if close {
            if name.is_raw() || name.is_leaf() {
                continue;
            }
            if over > 0 {
                over -= 1;
                blank.push(at..end);
            } else if let Some(k) = open.iter().rev().take(REACH).position(|n| *n == name) {
                open.truncate(open.len() - 1 - k);
            }
            continue;
        }
        if name.is_raw() {
            i = raw_end(b, end, &name);
            continue;
        }
        if name.is_leaf() || self_closed {
            continue;
        }
        if open.len() >= MAX_DEPTH {
            over += 1;
            blank.push(at..end);
        } else {
            open.push(name);
        }
    }
    if blank.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = b.to_vec();
    for r in blank {
        out[r].fill(b' ');
    }
    // Whole tags, from `<` to `>` (or to the end), became ASCII spaces: still UTF-8.
    Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| source.to_string()))
}

/// Where a tag that starts its attributes at `from` ends (after its `>`), and whether it closed
/// itself (`/>`). A `>` inside a quoted attribute value does not end it.
fn tag_end(b: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    let mut after_equals = false;
    while i < b.len() {
        match b[i] {
            b'>' => return (i + 1, i > from && b[i - 1] == b'/'),
            q @ (b'"' | b'\'') if after_equals => {
                i = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                after_equals = false;
            }
            b'=' => after_equals = true,
            b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    (b.len(), false)
}

/// Where the text of a `script`, `style`, … ends: at its end tag, whatever case it is in.
fn raw_end(b: &[u8], from: usize, name: &Name) -> usize {
    let mut i = from;
    while let Some(p) = memmem::find(&b[i..], b"</") {
        let at = i + p;
        if Name::of(&b[at + 2..(at + 2 + name.len).min(b.len())]) == *name {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

/// A tag name, lowercased; names longer than its buffer are told apart by their first bytes
/// and length, enough for the names that matter here.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Name {
    bytes: [u8; 12],
    len: usize,
}

impl Name {
    fn of(name: &[u8]) -> Name {
        let mut bytes = [0u8; 12];
        let n = name.len().min(12);
        bytes[..n].copy_from_slice(&name[..n]);
        bytes.make_ascii_lowercase();
        Name {
            bytes,
            len: name.len(),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len.min(12)]
    }

    /// Elements whose text runs to their end tag, markup and all.
    fn is_raw(&self) -> bool {
        matches!(
            self.as_bytes(),
            b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        )
    }

    /// Elements that never hold others (void), or that their next sibling closes: neither
    /// deepens the page as written.
    fn is_leaf(&self) -> bool {
        matches!(
            self.as_bytes(),
            b"area"
                | b"base"
                | b"br"
                | b"col"
                | b"embed"
                | b"hr"
                | b"img"
                | b"input"
                | b"link"
                | b"meta"
                | b"param"
                | b"source"
                | b"track"
                | b"wbr"
                | b"keygen"
                | b"p"
                | b"li"
                | b"dt"
                | b"dd"
                | b"tr"
                | b"td"
                | b"th"
                | b"tbody"
                | b"thead"
                | b"tfoot"
                | b"option"
                | b"optgroup"
                | b"rb"
                | b"rt"
                | b"rp"
                | b"rtc"
                | b"colgroup"
                | b"caption"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_pages_pass_unchanged() {
        let page = "<!DOCTYPE html><html><head><title>a<div></title>\
            <script>var s = '<div><div><div>';</script><!-- <div> --></head>\
            <body><div class=\"a>b\"><p>一<p>二<br><img src=x/><svg><path d=\"M0\"/></svg>\
            <ul><li>三<li>四</ul></div></body></html>";
        assert!(matches!(shallow(page), Cow::Borrowed(_)));
        for dir in ["fixtures/html"] {
            for e in std::fs::read_dir(dir).unwrap() {
                let bytes = std::fs::read(e.unwrap().path()).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(matches!(shallow(&text), Cow::Borrowed(_)));
            }
        }
    }

    #[test]
    fn nesting_past_the_limit_is_blanked_and_offsets_hold() {
        let deep = 3000;
        let page = format!(
            "<body>{}正文{}</body>",
            "<div>".repeat(deep),
            "</div>".repeat(deep)
        );
        let out = shallow(&page);
        assert_eq!(out.len(), page.len());
        // The body and MAX_DEPTH - 1 divs stay; the rest, open and close, are spaces.
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH - 1);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH - 1);
        assert_eq!(out.find("正文"), page.find("正文"));
        // Elements left open by a stray end tag close with the one that holds them.
        let sloppy = format!("<body>{}</body>", "<div><span><font>x</div>".repeat(5000));
        assert!(matches!(shallow(&sloppy), Cow::Borrowed(_)));
    }

    #[test]
    fn cut_tags_and_odd_bytes_never_panic() {
        for page in [
            "<",
            "</",
            "<!--",
            "<a",
            "<a b='",
            "<script>",
            "</x",
            "<\u{3000}",
            "<é>",
        ] {
            let _ = shallow(page);
            let _ = shallow(&format!("{}{page}", "<div>".repeat(MAX_DEPTH)));
        }
    }
}
