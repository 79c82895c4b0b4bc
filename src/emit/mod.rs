//! Stage 6 — emit: records to YAML, JSON, JSON Lines, or a CSV / TSV index, into a byte buffer.
//! Output is UTF-8 whatever the input's encoding; field order is the order of the `Record` type.

mod json;
mod table;
mod yaml;

use std::io;
use std::str::FromStr;

use crate::record::Record;

pub use table::COLUMNS;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One YAML document per record, each opened by `---`.
    #[default]
    Yaml,
    /// One pretty-printed JSON object per record, separated by a newline: a stream `jq` reads.
    Json,
    /// One compact JSON object per line.
    Jsonl,
    /// An index: a header row, then one comma-separated row per record.
    Csv,
    /// The same index, tab-separated.
    Tsv,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["yaml", "json", "jsonl", "csv", "tsv"];

    /// The file extension of one output file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }

    /// An index (one row per record under one header) rather than one document per record.
    pub fn is_index(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "tsv" => Ok(Format::Tsv),
            _ => Err(format!(
                "unknown format {s:?} (expected one of: {})",
                Format::NAMES.join(", ")
            )),
        }
    }
}

/// What comes before the first record: the index's header row; nothing for the other formats.
pub fn header(format: Format) -> Vec<u8> {
    match format {
        Format::Csv => table::header(b','),
        Format::Tsv => table::header(b'\t'),
        _ => Vec::new(),
    }
}

/// Appends one record in `format` to `out`.
pub fn record(out: &mut Vec<u8>, record: &Record, format: Format) -> io::Result<()> {
    out.reserve(record_size_hint(record));
    match format {
        Format::Yaml => {
            let value = serde_json::to_value(record)?;
            let mut text = String::with_capacity(record_size_hint(record));
            yaml::document(&mut text, &value);
            out.extend_from_slice(text.as_bytes());
        }
        Format::Json | Format::Jsonl => {
            json::record(out, record, format == Format::Json);
            out.push(b'\n');
        }
        Format::Csv => table::row(out, record, b',')?,
        Format::Tsv => table::row(out, record, b'\t')?,
    }
    Ok(())
}

/// Roughly how long a record's text is, so buffers are allocated once.
fn record_size_hint(r: &Record) -> usize {
    let reply = r.reply.as_ref().map_or(0, |r| {
        r.body.len()
            + r.sections
                .iter()
                .map(|s| s.text.len() + s.heading.len() + 32)
                .sum::<usize>()
            + r.measures
                .iter()
                .map(|m| m.text.len() + m.title.len() + 48)
                .sum::<usize>()
    });
    1024 + r.content.as_ref().map_or(0, String::len) + reply + reply / 8
}

/// One record in a format, as a string (for tests and callers that want the text).
pub fn to_string(record: &Record, format: Format) -> String {
    let mut buf = header(format);
    self::record(&mut buf, record, format).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("every format writes UTF-8")
}
