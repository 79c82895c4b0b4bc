//! Stage 6 — emit: records to YAML, JSON or JSON Lines on any writer. Output is UTF-8 whatever
//! the input's encoding; field order is the order of the `Record` type.

mod yaml;

use std::io::{self, Write};
use std::str::FromStr;

use crate::record::Record;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One YAML document per record, each opened by `---`.
    #[default]
    Yaml,
    /// One pretty-printed JSON object per record, separated by a newline: a stream `jq` reads.
    Json,
    /// One compact JSON object per line.
    Jsonl,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["yaml", "json", "jsonl"];
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            _ => Err(format!(
                "unknown format {s:?} (expected one of: {})",
                Format::NAMES.join(", ")
            )),
        }
    }
}

/// Writes records in one format. Holds what the format needs between records.
pub trait Emitter {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()>;
}

pub fn emitter(format: Format) -> Box<dyn Emitter + Send> {
    match format {
        Format::Yaml => Box::new(Yaml),
        Format::Json => Box::new(Json),
        Format::Jsonl => Box::new(Jsonl),
    }
}

struct Yaml;
struct Json;
struct Jsonl;

impl Emitter for Yaml {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        let value = serde_json::to_value(record)?;
        let mut text = String::with_capacity(4096);
        yaml::document(&mut text, &value);
        out.write_all(text.as_bytes())
    }
}

impl Emitter for Json {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, record)?;
        out.write_all(b"\n")
    }
}

impl Emitter for Jsonl {
    fn record(&mut self, out: &mut dyn Write, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")
    }
}

/// One record in a format, as a string (for tests and callers that want the text).
pub fn to_string(record: &Record, format: Format) -> String {
    let mut buf = Vec::new();
    emitter(format)
        .record(&mut buf, record)
        .expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("serde writes UTF-8")
}
