//! The output contract: one `Record` per proposal / suggestion and its reply. Serde names the
//! fields in every output format and schemars derives `schemas/record.schema.json` from the same
//! types, so the published schema and the output cannot drift apart.
//!
//! Records read back from propex's JSON output as they were written:
//!
//! ```
//! let input = "提案人: | 李四委员 |\n提案号: | 第0143号 |\n标题: | 关于公交线路的提案 |\n";
//! let x = propex::extract("p.txt", input.as_bytes(), &Default::default()).unwrap();
//! let record = &x.records[0].record;
//! assert_eq!(record.number.as_deref(), Some("0143"));
//! assert_eq!(record.proposers, ["李四"]);
//!
//! let json = propex::emit::to_string(record, propex::emit::Format::Json);
//! let back: propex::Record = serde_json::from_str(&json).unwrap();
//! assert_eq!(&back, record);
//! ```

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One proposal (提案) or suggestion (建议) with its reply, as read from one input record.
/// Every key is always present; absent values are null or empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "propex record", transform = every_key_required)]
pub struct Record {
    pub source: Source,
    /// `proposal` (提案, from a CPPCC member or body) or `suggestion` (建议, from a people's
    /// congress deputy); null when nothing in the record tells.
    pub kind: Option<Kind>,
    /// Who filed it, as the record writes it: a member, a deputy, several names, or a committee.
    pub proposer: Option<String>,
    /// Each proposer on its own, bare: without 尊敬(的), role or honorific (代表, 委员, 議員,
    /// 同志), `等N位…`, or an affiliation inside a salutation. A group (a 代表团, a party
    /// committee, a liaison group) is one item.
    pub proposers: Vec<String>,
    /// The proposal's number as an identifier: 第 / 号 / spaces removed, leading zeros kept.
    pub number: Option<String>,
    /// The proposal's own title.
    pub title: Option<String>,
    /// The proposal's text.
    pub content: Option<String>,
    pub units: Units,
    /// The handling category as written: "A类", "B", "A1" (from a cell or the letter).
    pub category: Option<String>,
    /// The reply letter's document number (文号) as written: "某政发〔2023〕148号".
    pub doc_number: Option<String>,
    /// The meeting the record was filed at, as written: "区十八届人大四次会议".
    pub session: Option<String>,
    pub reply: Option<Reply>,
    /// Every labeled cell not mapped above, label without colon or inner spaces, in input order.
    /// Cells without a label are kept under `_unlabeled`.
    pub extra: IndexMap<String, String>,
    /// With `extract --spans` only: where each value was read, keyed by the field's path
    /// (`title`, `units.lead[0]`, `reply.measures[2].title`, `extra.备注`). A value read from
    /// several places (a body of many paragraphs) has a list, one span per piece.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spans: Option<IndexMap<String, Located>>,
}

/// Where a value was read: byte offsets into the decoded UTF-8 text (`end` exclusive), and the
/// 1-based line and column (in characters, as an editor counts them) where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Span {
    #[schemars(range(max = MAX_SAFE_INTEGER))]
    pub start: usize,
    #[schemars(range(max = MAX_SAFE_INTEGER))]
    pub end: usize,
    #[schemars(range(min = 1, max = MAX_SAFE_INTEGER))]
    pub line: usize,
    #[schemars(range(min = 1, max = MAX_SAFE_INTEGER))]
    pub column: usize,
}

/// The span of a value read from one place, or one span per piece of a value read from several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Located {
    One(Span),
    Pieces(Vec<Span>),
}

impl Located {
    /// The spans one by one.
    pub fn iter(&self) -> impl Iterator<Item = &Span> {
        match self {
            Located::One(s) => std::slice::from_ref(s).iter(),
            Located::Pieces(v) => v.iter(),
        }
    }
}

/// The largest integer every JSON reader holds exactly (2^53 − 1): the schema's bound on counts,
/// so that a number too large for the record types fails the schema instead of slipping past.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Where a record came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The input path as given on the command line; `<stdin>` for standard input.
    pub path: String,
    /// 1-based index of the record within its input.
    #[schemars(range(min = 1, max = MAX_SAFE_INTEGER))]
    pub record: usize,
    /// 1-based line where the record starts.
    #[schemars(range(min = 1, max = MAX_SAFE_INTEGER))]
    pub line: usize,
    /// The encoding the input was decoded from (WHATWG name: UTF-8, gb18030, Big5, UTF-16LE…).
    pub encoding: String,
    /// What the input was: pipe or plain text, an HTML page, or a Word document. Records
    /// converted before this field existed lack it and read as `text`.
    #[serde(default)]
    pub format: SourceFormat,
}

/// The kind of document a record was read from. For `html`, lines and columns count in the
/// page's source; for `docx`, in the document's text as propex flattens it: a paragraph a line,
/// a table row a line (more when its cells hold several paragraphs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    #[default]
    Text,
    Html,
    Docx,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Html => "html",
            SourceFormat::Docx => "docx",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 提案: from a political-consultative-conference member, party or committee.
    Proposal,
    /// 建议: from a people's-congress deputy.
    Suggestion,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::Suggestion => "suggestion",
        }
    }
}

/// The departments that handle the record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Units {
    /// 主办 / 牵头单位: the lead unit(s) that answer.
    pub lead: Vec<String>,
    /// 协办 / 会办 / 分办 / 配合单位: the co-units.
    pub assisting: Vec<String>,
}

/// The reply letter, split into its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = every_key_required)]
pub struct Reply {
    /// The reply date (YYYY-MM-DD): the record's 答复日期 cell, else the signature's date.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub date: Option<String>,
    /// The salutation without its colon: "高新区政协工委", "张建国委员".
    pub addressee: Option<String>,
    /// Paragraphs outside any section or measure, joined by line breaks.
    pub body: String,
    /// The outermost outline level, when the reply uses two or more levels.
    pub sections: Vec<Section>,
    /// The outline level below the sections (or the only level).
    pub measures: Vec<Measure>,
    /// The thank-you / 特此答复 / feedback-request paragraph(s).
    pub closing: Option<String>,
    /// The department that signed the letter, and the date under its name.
    pub signature: Option<Signature>,
    /// 联系人 / 联系电话 lines, in the order written.
    pub contacts: Vec<Contact>,
    /// 抄送: the units the letter was copied to.
    pub cc: Vec<String>,
    /// 签发人 / 审签 as written.
    pub signer: Option<String>,
    /// Lines of the letter's foot that have no field of their own (`(此件公开发布)`, `附件:…`,
    /// an address line), in order: kept here rather than left in the body or dropped.
    pub notes: Vec<String>,
}

/// The signature block at the end of a letter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = every_key_required)]
pub struct Signature {
    /// The signing department, as written.
    pub unit: Option<String>,
    /// The date under the signature (YYYY-MM-DD); null when it is missing or ambiguous.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub date: Option<String>,
}

/// One contact line: a name, a phone number, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = every_key_required)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The value of the marker: 3 for （三）.
    #[schemars(range(max = u32::MAX))]
    pub number: u32,
    /// The marker as written: "（三）", "(一)", "一、".
    pub label: String,
    /// The run-in heading: up to the first 。 or paragraph break.
    pub heading: String,
    /// The section's own paragraphs that sit before or between its measures.
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = every_key_required)]
pub struct Measure {
    /// The value of the marker: 2 for "2.".
    #[schemars(range(max = u32::MAX))]
    pub number: u32,
    /// The marker as written: "1.", "2、", "（1）".
    pub label: String,
    /// The number of the section this measure sits in; null without sections.
    #[schemars(range(max = u32::MAX))]
    pub section: Option<u32>,
    /// The run-in heading, or the first sentence when there is no heading.
    pub title: String,
    /// The rest of the measure, deeper outline levels included, paragraphs joined by line breaks.
    pub text: String,
}

/// Every key is always written, null when there is no value; schemars would otherwise mark
/// `Option` fields as optional. `spans` is the one exception: written only on request.
fn every_key_required(schema: &mut schemars::Schema) {
    let keys: Vec<serde_json::Value> = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| {
            p.keys()
                .filter(|k| *k != "spans")
                .cloned()
                .map(serde_json::Value::String)
                .collect()
        })
        .unwrap_or_default();
    schema.insert("required".into(), keys.into());
}

/// The JSON Schema (2020-12) of one record, as published in `schemas/record.schema.json`.
pub fn schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Record);
    serde_json::to_value(&schema).expect("a schema always serializes")
}

/// The schema as the pretty-printed text committed to `schemas/record.schema.json`.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).expect("a schema always serializes");
    s.push('\n');
    s
}
