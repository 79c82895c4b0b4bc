//! Stage 6 — emit: records to YAML, JSON, JSON Lines, or a CSV / TSV index, into a byte buffer.
//! Output is UTF-8 whatever the input's encoding; field order is the order of the `Record` type.
//!
//! ```
//! use propex::emit::{self, Format};
//! let input = "标题: | 关于路灯的建议 |\n建议号: | 7 |\n";
//! let x = propex::extract("a.txt", input.as_bytes(), &Default::default()).unwrap();
//! // An index: the header once, then a row per record.
//! let mut csv = emit::header(Format::Csv);
//! for r in &x.records {
//!     emit::record(&mut csv, &r.record, Format::Csv).unwrap();
//! }
//! let csv = String::from_utf8(csv).unwrap();
//! assert!(csv.starts_with("path,record,"));
//! assert!(csv.lines().nth(1).unwrap().contains("关于路灯的建议"));
//! ```
//!
//! JSON is written by sonic-rs, byte for byte what serde_json writes (a test compares the two):
//! serde_json escapes strings a byte at a time, and records are long strings (BENCHMARKS.md).

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
        Format::Json => {
            sonic_rs::to_writer_pretty(&mut *out, record).map_err(io::Error::other)?;
            out.push(b'\n');
        }
        Format::Jsonl => {
            sonic_rs::to_writer(&mut *out, record).map_err(io::Error::other)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Contact, Kind, Measure, Reply, Section, Signature, Source, Units};

    /// A record with every field filled, text to escape, empty and one-item lists, in both
    /// layouts; and one with nothing but its source.
    #[test]
    fn json_is_what_serde_json_writes() {
        let odd = "科技局\"引号\"\\反斜\n换行\t\u{1}\u{1f}\u{7f}";
        let full = Record {
            source: Source {
                path: "a/b \"c\".txt".into(),
                record: 2,
                line: 117,
                encoding: "gb18030".into(),
                format: crate::record::SourceFormat::Html,
            },
            kind: Some(Kind::Proposal),
            proposer: Some(odd.into()),
            proposers: vec![odd.into(), "乙".into()],
            number: Some("0143".into()),
            title: Some("关于加强“专精特新”企业培育的建议".into()),
            content: Some("第一段\n第二段".into()),
            units: Units {
                lead: vec!["科技局".into(), odd.into()],
                assisting: vec![],
            },
            category: Some("A".into()),
            doc_number: None,
            session: Some("区十八届人大四次会议".into()),
            reply: Some(Reply {
                date: Some("2023-05-08".into()),
                addressee: None,
                body: odd.into(),
                sections: vec![Section {
                    number: 1,
                    label: "（一）".into(),
                    heading: "总体".into(),
                    text: String::new(),
                }],
                measures: vec![
                    Measure {
                        number: 1,
                        label: "1.".into(),
                        section: Some(1),
                        title: "甲".into(),
                        text: odd.into(),
                    },
                    Measure {
                        number: 123,
                        label: "123、".into(),
                        section: None,
                        title: String::new(),
                        text: "乙".into(),
                    },
                ],
                closing: None,
                signature: Some(Signature {
                    unit: Some("某局".into()),
                    date: None,
                }),
                contacts: vec![Contact {
                    name: Some("张三".into()),
                    phone: None,
                }],
                cc: vec![],
                signer: Some("李四".into()),
                notes: vec!["(此件公开发布)".into()],
            }),
            extra: [
                ("备注".to_string(), odd.to_string()),
                ("k\"ey".into(), String::new()),
            ]
            .into_iter()
            .collect(),
            spans: Some(
                [
                    (
                        "title".to_string(),
                        crate::record::Located::One(crate::record::Span {
                            start: 3,
                            end: 9,
                            line: 1,
                            column: 2,
                        }),
                    ),
                    (
                        "extra.备注".to_string(),
                        crate::record::Located::Pieces(vec![]),
                    ),
                ]
                .into_iter()
                .collect(),
            ),
        };
        let bare = Record::default();
        for r in [&full, &bare] {
            for pretty in [false, true] {
                let ours = to_string(r, if pretty { Format::Json } else { Format::Jsonl });
                let theirs = if pretty {
                    serde_json::to_vec_pretty(r).unwrap()
                } else {
                    serde_json::to_vec(r).unwrap()
                };
                assert_eq!(ours, String::from_utf8(theirs).unwrap() + "\n");
            }
        }
    }
}
