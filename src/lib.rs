//! propex: Chinese proposal / suggestion and reply records to typed, validated data.
//!
//! The pipeline is a chain of plain stages, each in its own module, each importing only the
//! stages before it (a test, `tests/layers.rs`, checks the `use crate::…` lines):
//! bytes → `decode` → `page` (HTML and Word flattened to pipe text) → `cells` → `fields` →
//! `reply` → `assemble` ([`Record`]) → [`emit`];
//! [`validate`] turns records into diagnostics and [`batch`] runs many inputs. The wording all
//! stages read (labels, letter phrases) lives in one leaf module, [`vocab`].
//! The library never prints: it returns records and [`Diagnostic`]s, and writes output only to
//! the writers it is handed.
//!
//! ```
//! let input = "标题: | 关于加强社区养老服务的建议 |\n建议人: | 张三代表 |\n建议号: | 第12号 |\n";
//! let x = propex::extract("a.txt", input.as_bytes(), &propex::Config::default()).unwrap();
//! let record = &x.records[0].record;
//! assert_eq!(record.title.as_deref(), Some("关于加强社区养老服务的建议"));
//! assert_eq!(record.number.as_deref(), Some("12"));
//! assert_eq!(record.kind, Some(propex::Kind::Suggestion));
//! let json = propex::emit::to_string(record, propex::emit::Format::Jsonl);
//! assert!(json.starts_with(r#"{"source":{"path":"a.txt""#));
//! ```

pub(crate) mod assemble;
pub mod batch;
pub(crate) mod cells;
pub mod date;
pub(crate) mod decode;
pub mod diag;
pub mod emit;
pub mod eval;
pub(crate) mod fields;
pub(crate) mod page;
pub mod record;
pub(crate) mod reply;
pub mod review;
pub(crate) mod scan;
pub(crate) mod text;
pub mod validate;
pub mod vocab;

pub use assemble::{Extracted, Origin, Written};
pub use decode::{DecodeError, EncodingChoice, UnknownEncoding};
pub use diag::{Code, Diagnostic, Severity};
pub use page::{InputFormat, PageError, UnknownFormat};
pub use record::{
    Contact, Kind, Located, Measure, Record, Reply, Section, Signature, Source, SourceFormat, Span,
    Units,
};
pub use reply::{Part, Piece};

/// Settings for reading inputs, built once by the caller.
///
/// ```
/// // Read every input as GBK, and skip the work only `validate` needs.
/// let config = propex::Config {
///     encoding: "gbk".parse().unwrap(),
///     origin: false,
///     ..propex::Config::default()
/// };
/// let (gbk, _, _) = encoding_rs::GBK.encode("标题: | 关于修缮古桥的建议 |\n");
/// let x = propex::extract("a.txt", &gbk, &config).unwrap();
/// assert_eq!(x.records[0].record.title.as_deref(), Some("关于修缮古桥的建议"));
/// assert_eq!(x.records[0].record.source.encoding, "gb18030");
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub encoding: EncodingChoice,
    /// Which reader an input goes to (by default told from its name and bytes).
    pub input_format: InputFormat,
    /// Whether each record's [`Origin`] is filled in, down to where every stretch of the reply
    /// went (on by default). `validate` needs it to place its diagnostics; a conversion that
    /// only writes records can turn it off and save the work.
    pub origin: bool,
    /// Whether each record carries the `spans` field: where each of its values was read
    /// (`extract --spans`; off by default, so output stays as it was).
    pub record_spans: bool,
    /// Whether diagnostics are collected (on by default). `extract -q` prints none, so it turns
    /// them off and no message is built for each of a file's half a million unlabeled cells.
    pub diagnostics: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            encoding: EncodingChoice::default(),
            input_format: InputFormat::default(),
            origin: true,
            record_spans: false,
            diagnostics: true,
        }
    }
}

/// Why an input gave no records. Each names what is wrong; the caller adds the path.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Decode(#[from] DecodeError),
    #[error("{0}")]
    Page(#[from] PageError),
    #[error("no record found: {0}")]
    NoRecord(#[from] assemble::NoRecord),
}

/// Everything read from one input.
#[derive(Debug)]
pub struct Extraction {
    /// Each record with where its parts sit in `text`.
    pub records: Vec<Extracted>,
    /// Everything worth telling about the input, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The decoded text that offsets refer to: the input as it stands, for an HTML page its
    /// source; for a Word document, its text as flattened (a paragraph per line).
    pub text: String,
    /// What the input was read as.
    pub format: SourceFormat,
}

/// Reads the records of one input: decodes the bytes (any encoding `config` allows), then reads
/// every record in the text. `path` is what the output's `source.path` will say.
///
/// An input that is not text, is empty, or holds no record is an [`InputError`]; anything
/// else is kept (unknown labels in `extra`) and reported in [`Extraction::diagnostics`].
///
/// ```
/// let err = propex::extract("x.txt", b"", &propex::Config::default()).unwrap_err();
/// assert_eq!(err.to_string(), "empty input");
/// ```
pub fn extract(path: &str, bytes: &[u8], config: &Config) -> Result<Extraction, InputError> {
    let collector = || {
        if config.diagnostics {
            diag::Collector::new()
        } else {
            diag::Collector::off()
        }
    };
    let mut diags = collector();
    let want = assemble::Want {
        origin: config.origin,
        record_spans: config.record_spans,
    };
    let format = page::detect(path, bytes, config.input_format);
    let (text, records) = match format {
        SourceFormat::Text => {
            let decoded = decode::decode(bytes, config.encoding, &mut diags)?;
            let records =
                assemble::records(path, &decoded.text, decoded.encoding, want, &mut diags)?;
            (decoded.text, records)
        }
        SourceFormat::Docx => {
            let doc = page::docx::read(bytes)?;
            if doc.page.text.trim().is_empty() {
                return Err(PageError::NoText.into());
            }
            let mut records = assemble::records(path, &doc.page.text, "UTF-8", want, &mut diags)?;
            // Same offsets, lines counted by paragraph.
            assemble::to_source(&doc.page, &doc.paragraphs, &mut records);
            (doc.paragraphs, records)
        }
        SourceFormat::Html => {
            let decoded = decode::decode_html(bytes, config.encoding, &mut diags)?;
            let page = page::html::flatten(&decoded.text);
            if page.text.trim().is_empty() {
                return Err(PageError::NoText.into());
            }
            let mut found = collector();
            let mut records =
                assemble::records(path, &page.text, decoded.encoding, want, &mut found)?;
            assemble::to_source(&page, &decoded.text, &mut records);
            diags.absorb(found, |at| page.map.source_offset(at));
            (decoded.text, records)
        }
    };
    let mut records = records;
    for x in &mut records {
        x.record.source.format = format;
    }
    let diagnostics = diags.into_vec(&text);
    Ok(Extraction {
        records,
        diagnostics,
        text,
        format,
    })
}
