//! Stage 7 — validate: records to diagnostics. Raw records are extracted and checked; records
//! already converted to YAML / JSON are first checked against the published schema, then by the
//! same rules. Every finding carries a stable rule code and a position (file, line, column);
//! findings are collected, never thrown, and the caller decides what fails a run.

pub mod locate;
pub mod rules;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::date::Date;
use crate::decode;
use crate::diag::{Code, Collector, Diagnostic, LineIndex, Severity};
use crate::record::{Kind, Record};
use crate::reply::Part;
use crate::{Config, Extraction, Origin, extract};
use locate::Seg;
use rules::{Context, Field, Finding};

/// Severities after `--allow` / `--deny`.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    overrides: HashMap<Code, Severity>,
}

impl Rules {
    /// Lowers a rule one step: an error becomes a warning, a warning a note.
    pub fn allow(&mut self, code: Code) {
        let lowered = match code.default_severity() {
            Severity::Error => Severity::Warning,
            _ => Severity::Note,
        };
        self.overrides.insert(code, lowered);
    }

    /// Raises a rule to an error.
    pub fn deny(&mut self, code: Code) {
        self.overrides.insert(code, Severity::Error);
    }

    pub fn severity(&self, code: Code) -> Severity {
        self.overrides
            .get(&code)
            .copied()
            .unwrap_or(code.default_severity())
    }
}

/// What makes two records the same proposal: kind, number and, when known, session.
pub type RecordKey = (Option<Kind>, String, Option<String>);

/// One input's findings.
#[derive(Debug, Default)]
pub struct FileCheck {
    pub name: String,
    pub records: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The text positions refer to (decoded input or the YAML / JSON text), for snippets.
    pub source: String,
    /// Each record's identity and where its number is, for the duplicate check across files.
    pub keys: Vec<(RecordKey, Diagnostic)>,
    /// Why the input was passed over without being read (a FIFO found in a folder), if it was.
    pub skipped: Option<String>,
}

/// How a file is read: a raw record, or a record converted by propex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Raw,
    Yaml,
    Json,
}

impl Shape {
    /// By extension; standard input (no extension) by its first characters.
    pub fn guess(name: &str, bytes: &[u8]) -> Shape {
        let lower = name.to_ascii_lowercase();
        // `records.jsonl.gz` is read decompressed: its kind is the name under the `.gz`.
        let lower = decode::Compression::strip(&lower);
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Shape::Yaml;
        }
        if lower.ends_with(".json") || lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            return Shape::Json;
        }
        if name == "<stdin>" {
            let start = bytes.trim_ascii_start();
            if start.starts_with(b"{") {
                return Shape::Json;
            }
            if start.starts_with(b"---") || start.starts_with(b"source:") {
                return Shape::Yaml;
            }
        }
        Shape::Raw
    }
}

/// Checks one input: a raw record (every rule), or one converted to YAML / JSON (the schema
/// and the rules on values). `bytes` is the input, or why it could not be read.
///
/// ```
/// use propex::validate::{Rules, check};
/// use propex::{Code, Severity};
/// let input = "标题: | 关于路灯的建议 |\n建议号: | 第号 |\n";
/// let today = propex::date::today();
/// let fc = check("a.txt", Ok(input.as_bytes()), &Default::default(), &Rules::default(), today);
/// let bad = fc.diagnostics.iter().find(|d| d.code == Code::BadNumber).unwrap();
/// assert_eq!((bad.line, bad.severity), (2, Severity::Error));
///
/// // `--allow bad-number`: the same finding, one step lower.
/// let mut rules = Rules::default();
/// rules.allow(Code::BadNumber);
/// let fc = check("a.txt", Ok(input.as_bytes()), &Default::default(), &rules, today);
/// assert!(fc.diagnostics.iter().any(|d| d.code == Code::BadNumber && d.severity == Severity::Warning));
/// ```
pub fn check(
    name: &str,
    bytes: Result<&[u8], String>,
    config: &Config,
    rules: &Rules,
    today: Date,
) -> FileCheck {
    check_records(name, bytes, config, rules, today).0
}

/// `check`, and the records of a raw input as it read them (none for a converted one), for a
/// caller that shows both (the review page) without reading the input twice.
pub fn check_records(
    name: &str,
    bytes: Result<&[u8], String>,
    config: &Config,
    rules: &Rules,
    today: Date,
) -> (FileCheck, Vec<crate::Extracted>) {
    let mut fc = FileCheck {
        name: name.to_string(),
        ..FileCheck::default()
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            fc.diagnostics.push(file_level(rules, e));
            return (fc, Vec::new());
        }
    };
    let records = match Shape::guess(name, bytes) {
        Shape::Raw => check_raw(&mut fc, name, bytes, config, rules, today),
        shape => {
            check_converted(&mut fc, bytes, shape, rules, today);
            Vec::new()
        }
    };
    fc.diagnostics.sort_by_key(|d| (d.line, d.col));
    (fc, records)
}

/// A diagnostic about the file as a whole (unreadable, empty, binary, no record).
fn file_level(rules: &Rules, message: String) -> Diagnostic {
    Diagnostic {
        code: Code::ReadError,
        severity: rules.severity(Code::ReadError),
        offset: 0,
        line: 1,
        col: 1,
        message,
    }
}

fn check_raw(
    fc: &mut FileCheck,
    name: &str,
    bytes: &[u8],
    config: &Config,
    rules: &Rules,
    today: Date,
) -> Vec<crate::Extracted> {
    let x: Extraction = match extract(name, bytes, config) {
        Ok(x) => x,
        Err(e) => {
            fc.diagnostics.push(file_level(rules, e.to_string()));
            return Vec::new();
        }
    };
    fc.records = x.records.len();
    let mut diags = Collector::new();
    let index = LineIndex::new(&x.text);
    let mut found: Vec<(usize, Code, String)> = Vec::new();
    for crate::Extracted { record: r, origin } in &x.records {
        let texts =
            |w: &[crate::Written]| -> Vec<String> { w.iter().map(|w| w.text.clone()).collect() };
        let (lists, labels) = (texts(&origin.unit_lists), texts(&origin.labels));
        let cx = Context {
            raw_number: origin.number.as_ref().map(|n| n.text.as_str()),
            raw_unit_lists: &lists,
            labels: &labels,
            check_dates: false,
            today,
        };
        let places = Places::of(origin);
        for f in rules::check(r, &cx) {
            found.push((places.offset(&f.field), f.code, f.message));
        }
        if let Some(key) = key_of(r) {
            let at = origin.number.as_ref().map_or(origin.start, |n| n.at);
            let (line, col) = index.position(at);
            fc.keys.push((
                key,
                positioned(Code::DuplicateNumber, rules, at, line, col, String::new()),
            ));
        }
    }
    for (at, code, message) in found {
        diags.push(code, at, message);
    }
    let mut all = x.diagnostics;
    all.extend(diags.into_vec(&x.text));
    for d in &mut all {
        d.severity = rules.severity(d.code);
    }
    fc.diagnostics = all;
    fc.source = x.text;
    x.records
}

/// Where the parts of one raw record are, from what it was read from, indexed once: a record
/// with 200,000 measures or unknown labels asks for each of them.
struct Places<'s> {
    origin: &'s Origin,
    pieces: HashMap<&'s Part, usize>,
    labels: HashMap<&'s str, usize>,
}

impl<'s> Places<'s> {
    fn of(origin: &'s Origin) -> Self {
        Places {
            origin,
            pieces: origin.first_pieces(),
            // Reversed, so that the first occurrence is the one left in the map.
            labels: origin
                .labels
                .iter()
                .rev()
                .map(|w| (w.text.as_str(), w.at))
                .collect(),
        }
    }

    /// Where a rule's field is in the record.
    fn offset(&self, field: &Field) -> usize {
        let o = self.origin;
        let piece = |part: Part| self.pieces.get(&part).copied();
        let reply = o.reply.first().map(|r| r.start);
        match field {
            Field::Record => None,
            // The rules check these as written.
            Field::Number => o.number.as_ref().map(|w| w.at),
            Field::Lead | Field::Unit(..) => o.unit_lists.first().map(|w| w.at),
            Field::Extra(k) => self.labels.get(k.as_str()).copied(),
            Field::Reply => reply,
            Field::ReplyDate => o.reply_date.as_ref().map(|w| w.at).or(reply),
            Field::SignatureDate => piece(Part::SignatureDate).or(reply),
            Field::Addressee => piece(Part::Addressee).or(reply),
            Field::Section(i) => piece(Part::SectionLabel(*i)),
            Field::Measure(i) => piece(Part::MeasureLabel(*i)),
        }
        .unwrap_or(o.start)
    }
}

fn key_of(r: &Record) -> Option<RecordKey> {
    Some((r.kind, r.number.clone()?, r.session.clone()))
}

fn positioned(
    code: Code,
    rules: &Rules,
    offset: usize,
    line: usize,
    col: usize,
    message: String,
) -> Diagnostic {
    Diagnostic {
        code,
        severity: rules.severity(code),
        offset,
        line,
        col,
        message,
    }
}

/// The published schema, compiled once.
static SCHEMA: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    jsonschema::draft202012::new(&crate::record::schema()).map_err(|e| e.to_string())
});

/// One document of a converted file: its JSON value (or why it did not parse) and where it
/// starts.
struct Doc {
    value: Result<serde_json::Value, (usize, String)>,
    /// 0-based line of the document's first line.
    line: usize,
    /// The document's own text (YAML), for finding keys.
    text: String,
}

fn check_converted(fc: &mut FileCheck, bytes: &[u8], shape: Shape, rules: &Rules, today: Date) {
    // A converted record's text was checked when it was converted: only its values are
    // looked at again (below), not how its bytes decode.
    let text = match decode::decode(bytes, decode::EncodingChoice::Auto, &mut Collector::off()) {
        Ok(d) => d.text,
        Err(e) => {
            fc.diagnostics.push(file_level(rules, e.to_string()));
            return;
        }
    };
    let index = LineIndex::new(&text);
    let docs = match shape {
        Shape::Json => json_docs(&text),
        _ => yaml_docs(&text),
    };
    let json_keys = (shape == Shape::Json).then(|| locate::json_lines(&text));
    let schema = match &*SCHEMA {
        Ok(s) => s,
        Err(e) => {
            fc.diagnostics.push(file_level(
                rules,
                format!("the schema does not compile: {e}"),
            ));
            return;
        }
    };

    let mut out: Vec<Diagnostic> = Vec::new();
    for (n, doc) in docs.iter().enumerate() {
        let yaml = locate::YamlLines::new(&doc.text);
        // The line of a path in this document, falling back to the document's first line.
        let line_of = |path: &str| -> usize {
            let found = match &json_keys {
                Some(map) => map.line(n, &locate::parse_path(path)),
                None => yaml.line(&locate::parse_path(path)).map(|l| doc.line + l),
            };
            found.unwrap_or(doc.line) + 1
        };
        let at = |code: Code, path: &str, message: String| {
            // JSON: the key itself, wherever it sits on its line (a JSON Lines record is one
            // line).
            if let Some(offset) = json_keys
                .as_ref()
                .and_then(|map| map.offset(n, &locate::parse_path(path)))
            {
                let (line, col) = index.position(offset);
                return positioned(code, rules, offset, line, col, message);
            }
            let line = line_of(path);
            let col = first_col(index.line_text(line));
            // Indentation and `- ` are one byte a column: the offset is the caret's.
            let offset = line_offset(&text, &index, line) + col - 1;
            positioned(code, rules, offset, line, col, message)
        };
        let value = match &doc.value {
            Ok(v) => v,
            Err((line, message)) => {
                let l = doc.line + line + 1;
                out.push(positioned(
                    Code::SchemaError,
                    rules,
                    line_offset(&text, &index, l),
                    l,
                    1,
                    message.clone(),
                ));
                continue;
            }
        };
        fc.records += 1;
        let complaints = schema_errors(schema, value);
        let valid = complaints.is_empty();
        for (path, message) in complaints {
            let shown = if path.is_empty() {
                "(record)".to_string()
            } else {
                path.clone()
            };
            out.push(at(Code::SchemaError, &path, format!("{shown}: {message}")));
        }
        let record = match serde_json::from_value::<Record>(value.clone()) {
            Ok(r) => r,
            Err(e) => {
                // The schema should have said why; a record the rules cannot read is never
                // passed over in silence.
                if valid {
                    out.push(at(
                        Code::SchemaError,
                        "",
                        format!("(record): not a record: {e}"),
                    ));
                }
                continue;
            }
        };
        let labels: Vec<String> = record.extra.keys().cloned().collect();
        let cx = Context {
            raw_number: None,
            raw_unit_lists: &[],
            labels: &labels,
            check_dates: true,
            today,
        };
        for f in rules::check(&record, &cx) {
            let Finding {
                code,
                field,
                message,
            } = f;
            out.push(at(code, &field.path(), message));
        }
        for (path, s) in strings(value) {
            for (_, code, message) in decode::misdecoded(s, false) {
                out.push(at(code, &path, format!("{path}: {message}")));
            }
        }
        if let Some(key) = key_of(&record) {
            fc.keys
                .push((key, at(Code::DuplicateNumber, "number", String::new())));
        }
    }
    fc.diagnostics = out;
    fc.source = text;
}

/// The schema's complaints about one record as (path, message), deepest first: when a value
/// fails inside (`reply.measures[1].number`), the complaints about what contains it (`reply`
/// matches none of `anyOf`) say nothing more and are left out.
fn schema_errors(
    schema: &jsonschema::Validator,
    value: &serde_json::Value,
) -> Vec<(String, String)> {
    let evaluation = schema.evaluate(value);
    // (path, from inside an anyOf / oneOf, message)
    let mut found: Vec<(Vec<Seg>, bool, String)> = Vec::new();
    for e in evaluation.iter_errors() {
        let segs: Vec<Seg> = e
            .instance_location
            .iter()
            .map(|s| match s {
                jsonschema::paths::LocationSegment::Property(p) => Seg::Key(p.to_string()),
                jsonschema::paths::LocationSegment::Index(i) => Seg::Index(i),
            })
            .collect();
        let alternative =
            e.schema_location.contains("/anyOf") || e.schema_location.contains("/oneOf");
        let mut message = e.error.message().to_string();
        if message.chars().count() > 160 {
            message = message.chars().take(157).collect::<String>() + "...";
        }
        found.push((segs, alternative, message));
    }
    // An alternative that failed because of something deeper says nothing more than that.
    // Every proper prefix of a failing path, once: the test is then a look-up, not a search.
    let mut inner: std::collections::HashSet<&[Seg]> = std::collections::HashSet::new();
    for (b, _, _) in &found {
        inner.extend((0..b.len()).map(|len| &b[..len]));
    }
    let mut out: indexmap::IndexMap<String, String> = indexmap::IndexMap::new();
    for (segs, alternative, message) in &found {
        if *alternative && inner.contains(segs.as_slice()) {
            continue;
        }
        let path = locate::path_string(segs);
        match out.get_mut(&path) {
            Some(m) if !m.contains(message.as_str()) => {
                m.push_str("; ");
                m.push_str(message);
            }
            Some(_) => {}
            None => {
                out.insert(path, message.clone());
            }
        }
    }
    out.into_iter().collect()
}

fn line_offset(text: &str, index: &LineIndex<'_>, line: usize) -> usize {
    let t = index.line_text(line);
    // `line_text` borrows from `text`: its address gives the offset.
    (t.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// The column of a line's key: after its indentation and any `- ` of a sequence item.
fn first_col(line: &str) -> usize {
    let key = line.trim_start_matches([' ', '-']);
    line[..line.len() - key.len()].chars().count() + 1
}

/// Every string in a JSON value with its path.
fn strings(v: &serde_json::Value) -> Vec<(String, &str)> {
    fn walk<'v>(v: &'v serde_json::Value, path: &mut Vec<Seg>, out: &mut Vec<(String, &'v str)>) {
        match v {
            serde_json::Value::String(s) => out.push((locate::path_string(path), s)),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(item, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    path.push(Seg::Key(k.clone()));
                    walk(item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

/// YAML documents, split at `---` lines.
fn yaml_docs(text: &str) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0usize;
    let mut offset = 0usize;
    let push = |docs: &mut Vec<Doc>, from: usize, to: usize, line: usize| {
        let body = &text[from..to];
        if body.trim().is_empty() {
            return;
        }
        let value = serde_yaml::from_str::<serde_yaml::Value>(body)
            .map_err(|e| {
                let line = e.location().map_or(0, |l| l.line().saturating_sub(1));
                (line, format!("not YAML: {e}"))
            })
            .and_then(|y| serde_json::to_value(y).map_err(|e| (0, format!("not a record: {e}"))));
        docs.push(Doc {
            value,
            line,
            text: body.to_string(),
        });
    };
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end() == "---";
        // `--- 42`, `--- {kind: 5}`: the document starts on the marker's own line.
        let inline = !bare && (line.starts_with("--- ") || line.starts_with("---\t"));
        if bare || inline {
            push(&mut docs, start, offset, start_line);
            (start, start_line) = if bare {
                (offset + line.len(), n + 1)
            } else {
                (offset + 3, n)
            };
        }
        offset += line.len();
    }
    push(&mut docs, start, text.len(), start_line);
    docs
}

/// JSON values one after the other (pretty or one per line).
fn json_docs(text: &str) -> Vec<Doc> {
    let index = LineIndex::new(text);
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    loop {
        let before = stream.byte_offset();
        let skipped = text[before..].len() - text[before..].trim_start().len();
        let at = before + skipped;
        match stream.next() {
            None => break,
            Some(Ok(v)) => docs.push(Doc {
                value: Ok(v),
                line: index.position(at).0 - 1,
                text: String::new(),
            }),
            Some(Err(e)) => {
                let line0 = index.position(at).0 - 1;
                docs.push(Doc {
                    value: Err((
                        e.line().saturating_sub(1).saturating_sub(line0),
                        format!("not JSON: {e}"),
                    )),
                    line: line0,
                    text: String::new(),
                });
                break;
            }
        }
    }
    docs
}

/// The duplicate check across the files of a run, in input order.
#[derive(Debug, Default)]
pub struct Duplicates {
    seen: HashMap<RecordKey, (String, usize)>,
}

impl Duplicates {
    /// Adds a `duplicate-number` diagnostic to `fc` for each record already seen in this run.
    pub fn check(&mut self, fc: &mut FileCheck) {
        for (key, at) in std::mem::take(&mut fc.keys) {
            match self.seen.get(&key) {
                Some((file, line)) => {
                    let (kind, number, session) = &key;
                    let what = kind.map_or("record", |k| k.as_str());
                    let session = session
                        .as_deref()
                        .map_or(String::new(), |s| format!(" of {s}"));
                    let mut d = at.clone();
                    d.message =
                        format!("{what} {number}{session} was already seen at {file}:{line}");
                    fc.diagnostics.push(d);
                }
                None => {
                    self.seen.insert(key, (fc.name.clone(), at.line));
                }
            }
        }
        fc.diagnostics.sort_by_key(|d| (d.line, d.col));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date {
            year: 2026,
            month: 11,
            day: 28,
        }
    }

    #[test]
    fn allow_lowers_and_deny_raises() {
        let mut r = Rules::default();
        r.allow(Code::MissingTitle);
        r.allow(Code::OutlineOrder);
        r.deny(Code::AddresseeMismatch);
        assert_eq!(r.severity(Code::MissingTitle), Severity::Warning);
        assert_eq!(r.severity(Code::OutlineOrder), Severity::Note);
        assert_eq!(r.severity(Code::AddresseeMismatch), Severity::Error);
        assert_eq!(r.severity(Code::MissingNumber), Severity::Error);
    }

    #[test]
    fn shapes() {
        assert_eq!(Shape::guess("a/b.yaml", b""), Shape::Yaml);
        assert_eq!(Shape::guess("a/b.JSONL", b""), Shape::Json);
        assert_eq!(Shape::guess("a/b.txt", b"{"), Shape::Raw);
        assert_eq!(Shape::guess("<stdin>", b"  {\"a\":1}"), Shape::Json);
        assert_eq!(Shape::guess("<stdin>", b"---\nsource:"), Shape::Yaml);
    }

    #[test]
    fn yaml_documents_and_their_lines() {
        let docs = yaml_docs("---\na: 1\n---\nb: [\n");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].line, 1);
        assert!(docs[1].value.is_err());
        let fc = check(
            "x.yaml",
            Ok(b"---\nkind: petition\n"),
            &Config::default(),
            &Rules::default(),
            today(),
        );
        assert!(fc.diagnostics.iter().any(|d| d.code == Code::SchemaError));
    }
}
