//! Stage 1b — page: an HTML page or a Word document flattened into the pipe text the `cells`
//! stage reads (a table row as `label | value |`, a paragraph as a line), with a map from that
//! text back to where each stretch of it was read, so positions name the source.
//!
//! Flattening, not a second reader: a page becomes what a crawler makes of it, and the one
//! reader of pipe text reads it, so a page and its crawl give the same record.

pub(crate) mod docx;
pub(crate) mod html;
pub(crate) mod nesting;

use std::str::FromStr;

use crate::record::SourceFormat;

/// Which reader an input goes to: told from its bytes and name, or forced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// An HTML page by its name (`.html`, `.htm`) or its first markup, a Word document by its
    /// zip entries, anything else as text.
    #[default]
    Auto,
    Text,
    Html,
    Docx,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown input format {0:?} (use auto, text, html or docx)")]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(InputFormat::Auto),
            "text" | "txt" => Ok(InputFormat::Text),
            "html" | "htm" => Ok(InputFormat::Html),
            "docx" => Ok(InputFormat::Docx),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Why a page or document gave no text to read.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PageError {
    #[error("not a readable Word document: {0}")]
    Docx(String),
    #[error("the page has no text outside its markup, scripts and navigation")]
    NoText,
}

/// The format of an input: forced, or told from its name and first bytes.
pub fn detect(name: &str, bytes: &[u8], forced: InputFormat) -> SourceFormat {
    match forced {
        InputFormat::Text => return SourceFormat::Text,
        InputFormat::Html => return SourceFormat::Html,
        InputFormat::Docx => return SourceFormat::Docx,
        InputFormat::Auto => {}
    }
    if docx::is_docx(bytes) {
        return SourceFormat::Docx;
    }
    let lower = name.to_ascii_lowercase();
    let lower = crate::decode::Compression::strip(&lower);
    let by_name = [".html", ".htm", ".xhtml", ".shtml"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if by_name || crate::decode::starts_as_html(bytes) {
        SourceFormat::Html
    } else {
        SourceFormat::Text
    }
}

/// Flattened text and where it came from.
#[derive(Debug, Default)]
pub struct Page {
    pub text: String,
    pub map: SourceMap,
}

/// Stretches of the flattened text, each copied from one place in the source: within a
/// stretch, byte `i` of the text is byte `i` of the source run. Separators the flattening wrote
/// (line breaks, pipes) belong to no stretch and map to the end of the stretch before them.
#[derive(Debug, Default)]
pub struct SourceMap {
    /// (offset in the flattened text, offset in the source, length), in text order.
    stretches: Vec<(usize, usize, usize)>,
}

impl SourceMap {
    /// Notes that `len` bytes written at `flat` were read at `src`, joining the stretch before
    /// when both run on.
    pub fn copy(&mut self, flat: usize, src: usize, len: usize) {
        if let Some(last) = self.stretches.last_mut()
            && last.0 + last.2 == flat
            && last.1 + last.2 == src
        {
            last.2 += len;
            return;
        }
        self.stretches.push((flat, src, len));
    }

    /// Where byte `flat` of the flattened text was read in the source.
    pub fn source_offset(&self, flat: usize) -> usize {
        let i = self.stretches.partition_point(|s| s.0 <= flat);
        match i.checked_sub(1).map(|i| self.stretches[i]) {
            Some((f, s, len)) => s + (flat - f).min(len),
            // Before the first stretch: where the first one starts.
            None => self.stretches.first().map_or(0, |s| s.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_inside_stretches_and_separators_to_the_end_before() {
        let mut m = SourceMap::default();
        m.copy(0, 10, 3);
        m.copy(3, 13, 2); // runs on: one stretch
        m.copy(6, 40, 4); // a separator at 5
        assert_eq!(m.stretches.len(), 2);
        assert_eq!(m.source_offset(0), 10);
        assert_eq!(m.source_offset(4), 14);
        assert_eq!(m.source_offset(5), 15);
        assert_eq!(m.source_offset(7), 41);
        assert_eq!(m.source_offset(99), 44);
        assert_eq!(SourceMap::default().source_offset(5), 0);
    }

    #[test]
    fn formats_are_told_by_name_and_bytes_unless_forced() {
        let page = b"<!DOCTYPE html><html><body>x</body></html>";
        assert_eq!(detect("a.txt", page, InputFormat::Auto), SourceFormat::Html);
        assert_eq!(
            detect("a.htm", b"<p>x", InputFormat::Auto),
            SourceFormat::Html
        );
        assert_eq!(
            detect("a.HTML.gz", b"x", InputFormat::Auto),
            SourceFormat::Html
        );
        assert_eq!(
            detect("a.txt", b"x | y |", InputFormat::Auto),
            SourceFormat::Text
        );
        assert_eq!(
            detect("a.html", page, InputFormat::Text),
            SourceFormat::Text
        );
        assert_eq!("Docx".parse(), Ok(InputFormat::Docx));
        assert!("pdf".parse::<InputFormat>().is_err());
    }
}
