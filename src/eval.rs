//! Evaluation (on top of the pipeline, beside `validate`): scores extracted records against
//! hand-made gold records, field by field, the way GROBID's end-to-end evaluation does.
//!
//! A gold record is a *partial* record in the output's own shape: only the keys present are
//! scored, `null` means the output must be null or empty, and nested keys are scored as paths
//! (`reply.signature.unit`). Every field is compared by the same rules:
//!
//! - strings after NFKC normalization and with all white space removed (`（一）` = `(一)`);
//! - `category` also without brackets and a trailing 类/類, case-folded (`A类` = `a` = `(A)`);
//! - a list of strings as a multiset (order does not matter, repeats do);
//! - a list of objects in order and of the same length, each element matching on the gold
//!   element's keys; `reply.contacts` as a set, each gold contact matching some output contact
//!   and each output contact some gold one;
//! - a path through a null parent is null; `null` in the gold matches null, `""`, `[]` and `{}`.
//!
//! A scored path counts as one field per record: a list is right only when all of it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// Lists of objects compared as sets rather than in order.
const SET_PATHS: &[&str] = &["reply.contacts"];

/// One gold field of one record, scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    /// The field's path: `title`, `units.lead`, `reply.signature.unit`.
    pub field: String,
    pub right: bool,
    pub expected: Value,
    /// What the output had there (null when the path ends at a null parent or nothing).
    pub got: Value,
}

/// Why a gold file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct GoldError {
    /// 1-based line of the problem in the gold file, when the parser knows it.
    pub line: Option<usize>,
    pub message: String,
}

/// The gold records of a gold file: one record, or a list of records (one per output record,
/// in order). `yaml` picks the reader.
pub fn parse_gold(text: &str, yaml: bool) -> Result<Vec<Value>, GoldError> {
    let value: Value = if yaml {
        let y: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| GoldError {
            line: e.location().map(|l| l.line()),
            message: format!("not YAML: {e}"),
        })?;
        serde_json::to_value(y).map_err(|e| GoldError {
            line: None,
            message: format!("not a gold record: {e}"),
        })?
    } else {
        serde_json::from_str(text).map_err(|e| GoldError {
            line: Some(e.line()),
            message: format!("not JSON: {e}"),
        })?
    };
    let records = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    for (i, r) in records.iter().enumerate() {
        if !r.is_object() {
            return Err(GoldError {
                line: None,
                message: format!(
                    "gold record {} is not an object (a gold file holds one record or a list of records)",
                    i + 1
                ),
            });
        }
    }
    Ok(records)
}

/// Scores one output record (as JSON; `Null` when the input gave no record for this gold
/// record) against one gold record.
pub fn score(gold: &Value, output: &Value) -> Vec<FieldScore> {
    let mut out = Vec::new();
    walk(gold, Some(output), "", &mut out);
    out
}

fn walk(gold: &Value, output: Option<&Value>, path: &str, out: &mut Vec<FieldScore>) {
    match gold {
        Value::Object(map) => {
            for (key, g) in map {
                let p = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                // A path through a null (or missing) parent is null.
                let o = output.and_then(|o| o.get(key));
                walk(g, o, &p, out);
            }
        }
        leaf => {
            let got = output.cloned().unwrap_or(Value::Null);
            out.push(FieldScore {
                field: path.to_string(),
                right: matches(leaf, &got, path),
                expected: leaf.clone(),
                got,
            });
        }
    }
}

/// Whether the output value `got` matches the gold value `want` at `path`.
pub fn matches(want: &Value, got: &Value, path: &str) -> bool {
    match (want, got) {
        (Value::Null, g) => is_empty(g),
        (w, Value::Null) => is_empty(w),
        (Value::String(w), Value::String(g)) => normalize(w, path) == normalize(g, path),
        (Value::String(w), g @ (Value::Number(_) | Value::Bool(_))) => {
            normalize(w, path) == normalize(&g.to_string(), path)
        }
        (w @ (Value::Number(_) | Value::Bool(_)), Value::String(g)) => {
            normalize(&w.to_string(), path) == normalize(g, path)
        }
        (Value::Array(w), Value::Array(g)) => lists(w, g, path),
        (Value::Object(w), Value::Object(g)) => w.iter().all(|(k, wv)| {
            let child = format!("{path}.{k}");
            matches(wv, g.get(k).unwrap_or(&Value::Null), &child)
        }),
        (w, g) => w == g,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn lists(want: &[Value], got: &[Value], path: &str) -> bool {
    let strings = |l: &[Value]| l.iter().all(|v| !v.is_object() && !v.is_array());
    if strings(want) && strings(got) {
        // Multisets of strings.
        let key = |l: &[Value]| {
            let mut k: Vec<String> = l
                .iter()
                .map(|v| match v {
                    Value::String(s) => normalize(s, path),
                    other => normalize(&other.to_string(), path),
                })
                .collect();
            k.sort();
            k
        };
        return key(want) == key(got);
    }
    let item = |w: &Value, g: &Value| matches(w, g, path);
    if SET_PATHS.contains(&path) {
        return want.iter().all(|w| got.iter().any(|g| item(w, g)))
            && got.iter().all(|g| want.iter().any(|w| item(w, g)));
    }
    want.len() == got.len() && want.iter().zip(got).all(|(w, g)| item(w, g))
}

/// A string as it is compared: NFKC, no white space; for `category` also no brackets or final
/// 类/類, case-folded.
pub fn normalize(s: &str, path: &str) -> String {
    let mut n: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    if path == "category" {
        n = n
            .chars()
            .filter(|c| !"()[]{}<>【】〔〕〈〉《》「」".contains(*c))
            .collect::<String>()
            .to_lowercase();
        while let Some(rest) = n.strip_suffix(['类', '類']) {
            n = rest.to_string();
        }
    }
    n
}

/// One field's tally over a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub right: u64,
    pub scored: u64,
}

impl Tally {
    pub fn accuracy(&self) -> f64 {
        if self.scored == 0 {
            1.0
        } else {
            self.right as f64 / self.scored as f64
        }
    }

    fn add(&mut self, right: bool) {
        self.scored += 1;
        self.right += u64::from(right);
    }
}

/// A wrong field, for `--misses`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// The input's path.
    pub path: String,
    /// 1-based record within the input.
    pub record: usize,
    pub field: String,
    pub expected: Value,
    pub got: Value,
}

/// The outcome of a run, as `--format json` writes it (and `--baseline` reads it back).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Inputs scored (those with a gold file).
    pub inputs: u64,
    /// Gold records scored.
    pub records: u64,
    /// Inputs passed over because no gold file was found for them.
    pub without_gold: u64,
    /// Inputs that could not be read or gave no record (their gold fields all count as wrong).
    pub failed: u64,
    /// Per field, by path.
    pub fields: BTreeMap<String, Tally>,
    /// Records whose every scored field is right.
    pub whole_records: Tally,
    /// Every wrong field (kept only when asked for).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
}

impl Report {
    /// Adds one gold record's scores.
    pub fn add_record(&mut self, path: &str, record: usize, scores: Vec<FieldScore>, keep: bool) {
        self.records += 1;
        let mut all = true;
        for s in scores {
            self.fields.entry(s.field.clone()).or_default().add(s.right);
            all &= s.right;
            if !s.right && keep {
                self.misses.push(Miss {
                    path: path.to_string(),
                    record,
                    field: s.field,
                    expected: s.expected,
                    got: s.got,
                });
            }
        }
        self.whole_records.add(all);
    }

    /// The fields, worst first (then by path).
    pub fn ranked(&self) -> Vec<(&str, &Tally)> {
        let mut v: Vec<(&str, &Tally)> = self.fields.iter().map(|(k, t)| (k.as_str(), t)).collect();
        v.sort_by(|a, b| {
            a.1.accuracy()
                .total_cmp(&b.1.accuracy())
                .then_with(|| a.0.cmp(b.0))
        });
        v
    }

    /// The lowest accuracy of any field (1.0 when nothing was scored).
    pub fn min_field_accuracy(&self) -> f64 {
        self.fields
            .values()
            .map(Tally::accuracy)
            .fold(1.0, f64::min)
    }

    /// What dropped since `baseline`: each field (and the whole-record rate) that is less
    /// accurate now, as `(name, before, now)`. A field the baseline has and this run does not
    /// score counts as dropped to nothing.
    pub fn drops(&self, baseline: &Report) -> Vec<(String, f64, f64)> {
        // Rounding in the JSON written must not read as a drop.
        const EPSILON: f64 = 1e-9;
        let mut out = Vec::new();
        for (field, before) in &baseline.fields {
            let now = self.fields.get(field).map_or(0.0, Tally::accuracy);
            if now + EPSILON < before.accuracy() {
                out.push((field.clone(), before.accuracy(), now));
            }
        }
        let (before, now) = (
            baseline.whole_records.accuracy(),
            self.whole_records.accuracy(),
        );
        if now + EPSILON < before {
            out.push(("(whole records)".to_string(), before, now));
        }
        out
    }

    /// A table for a terminal.
    pub fn human(&self) -> String {
        let width = self
            .fields
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(5)
            .max("whole records".len());
        let mut s = format!(
            "{:<width$}  {:>6}  {:>6}  {:>8}\n",
            "field", "right", "scored", "accuracy"
        );
        let mut row = |name: &str, t: &Tally| {
            s.push_str(&format!(
                "{name:<width$}  {:>6}  {:>6}  {:>7.1}%\n",
                t.right,
                t.scored,
                t.accuracy() * 100.0
            ));
        };
        for (name, t) in self.ranked() {
            row(name, t);
        }
        row("whole records", &self.whole_records);
        s.push_str(&self.counts());
        s.push('\n');
        s
    }

    /// A Markdown table to paste into a pull request.
    pub fn markdown(&self) -> String {
        let mut s = String::from("| field | right | scored | accuracy |\n|---|---:|---:|---:|\n");
        for (name, t) in self.ranked() {
            s.push_str(&format!(
                "| `{name}` | {} | {} | {:.1}% |\n",
                t.right,
                t.scored,
                t.accuracy() * 100.0
            ));
        }
        let w = &self.whole_records;
        s.push_str(&format!(
            "| **whole records** | {} | {} | {:.1}% |\n\n{}\n",
            w.right,
            w.scored,
            w.accuracy() * 100.0,
            self.counts()
        ));
        s
    }

    /// `46 inputs, 46 records scored, 3 inputs without gold, 0 failed`.
    pub fn counts(&self) -> String {
        let n = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {} scored, {} without gold, {} failed",
            n(self.inputs, "input", "inputs"),
            n(self.records, "record", "records"),
            n(self.without_gold, "input", "inputs"),
            n(self.failed, "input", "inputs"),
        )
    }

    /// `path: field: expected … got …`, one line per wrong field.
    pub fn miss_lines(&self) -> String {
        let mut s = String::new();
        for m in &self.misses {
            let record = if m.record > 1 {
                format!("#{}", m.record)
            } else {
                String::new()
            };
            s.push_str(&format!(
                "{}{record}: {}: expected {} got {}\n",
                m.path, m.field, m.expected, m.got
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(gold: Value, output: Value) -> BTreeMap<String, bool> {
        score(&gold, &output)
            .into_iter()
            .map(|s| (s.field, s.right))
            .collect()
    }

    #[test]
    fn strings_agree_after_nfkc_and_without_white_space() {
        assert!(matches(&json!("（一）"), &json!("(一)"), "x"));
        assert!(matches(&json!("答复如下："), &json!("答复如下:"), "x"));
        assert!(matches(&json!("张 三"), &json!("张三\n"), "x"));
        assert!(matches(&json!("０１４３"), &json!("0143"), "x"));
        assert!(!matches(&json!("0143"), &json!("143"), "x"));
        assert!(!matches(&json!("甲局"), &json!("乙局"), "x"));
    }

    #[test]
    fn categories_ignore_brackets_a_final_class_word_and_case() {
        for got in ["A类", "(A)", "a", "【A】類", "A 类"] {
            assert!(matches(&json!("A"), &json!(got), "category"), "{got}");
        }
        assert!(!matches(&json!("A"), &json!("B类"), "category"));
        // only for category
        assert!(!matches(&json!("A"), &json!("A类"), "title"));
    }

    #[test]
    fn null_matches_null_and_empty_values() {
        for got in [json!(null), json!([]), json!(""), json!({})] {
            assert!(matches(&json!(null), &got, "x"), "{got}");
        }
        assert!(!matches(&json!(null), &json!("x"), "x"));
        assert!(!matches(&json!(null), &json!(["x"]), "x"));
        assert!(matches(&json!([]), &json!(null), "x"));
        assert!(!matches(&json!("x"), &json!(null), "x"));
    }

    #[test]
    fn string_lists_are_multisets() {
        assert!(matches(
            &json!(["甲", "乙"]),
            &json!(["乙", "甲"]),
            "units.lead"
        ));
        assert!(!matches(&json!(["甲", "甲"]), &json!(["甲"]), "units.lead"));
        assert!(!matches(&json!(["甲"]), &json!(["甲", "乙"]), "units.lead"));
        assert!(matches(&json!(["甲 局"]), &json!(["甲局"]), "reply.cc"));
    }

    #[test]
    fn object_lists_match_in_order_on_the_gold_keys() {
        let got = json!([{"label": "1.", "title": "a"}, {"label": "2.", "title": "b"}]);
        assert!(matches(
            &json!([{"label": "1."}, {"label": "2."}]),
            &got,
            "reply.measures"
        ));
        // order matters
        assert!(!matches(
            &json!([{"label": "2."}, {"label": "1."}]),
            &got,
            "reply.measures"
        ));
        // length matters
        assert!(!matches(&json!([{"label": "1."}]), &got, "reply.measures"));
        // a gold key the output lacks is null there
        assert!(!matches(
            &json!([{"x": 1}, {"label": "2."}]),
            &got,
            "reply.measures"
        ));
    }

    #[test]
    fn contacts_are_a_set_matched_on_the_gold_keys() {
        let got = json!([{"name": "乙", "phone": "2"}, {"name": "甲", "phone": "1"}]);
        let p = "reply.contacts";
        assert!(matches(
            &json!([{"name": "甲", "phone": "1"}, {"name": "乙", "phone": "2"}]),
            &got,
            p
        ));
        assert!(matches(&json!([{"phone": "1"}, {"phone": "2"}]), &got, p));
        assert!(
            !matches(&json!([{"phone": "1"}]), &got, p),
            "an extra output contact"
        );
        assert!(!matches(&json!([{"phone": "1"}, {"phone": "3"}]), &got, p));
    }

    #[test]
    fn nested_keys_are_paths_and_null_parents_are_null() {
        let gold = json!({
            "title": "关于甲的提案",
            "reply": {"signature": {"unit": "甲局"}, "date": null},
            "units": {"lead": ["甲局"]},
        });
        let got = fields(
            gold.clone(),
            json!({"title": "关于甲的提案", "reply": {"signature": null, "date": null}, "units": {"lead": ["甲局"], "assisting": []}}),
        );
        assert!(got["title"]);
        assert!(!got["reply.signature.unit"]);
        assert!(got["reply.date"]);
        assert!(got["units.lead"]);
        assert_eq!(got.len(), 4, "only the gold's keys are scored: {got:?}");
        // no reply at all: every reply path is null
        let got = fields(gold, json!({"title": "x", "reply": null}));
        assert!(got["reply.date"]);
        assert!(!got["reply.signature.unit"]);
        // a gold null for a nested object path
        let got = fields(json!({"reply": null}), json!({"reply": null}));
        assert!(got["reply"]);
    }

    #[test]
    fn a_field_the_output_does_not_have_is_missing() {
        let got = fields(json!({"proposers": ["甲"]}), json!({"proposer": "甲"}));
        assert!(!got["proposers"]);
    }

    #[test]
    fn gold_files_hold_one_record_or_a_list() {
        assert_eq!(parse_gold(r#"{"title": "a"}"#, false).unwrap().len(), 1);
        assert_eq!(
            parse_gold(r#"[{"title": "a"}, {"title": "b"}]"#, false)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            parse_gold("- title: a\n- title: b\n", true).unwrap().len(),
            2
        );
        let e = parse_gold("{\n  \"title\": \"a\",\n  oops\n}", false).unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = parse_gold("title: [a\n", true).unwrap_err();
        assert!(e.line.is_some());
        assert!(parse_gold("[1, 2]", false).is_err());
    }

    #[test]
    fn a_report_ranks_worst_first_and_finds_drops() {
        let mut r = Report::default();
        r.add_record(
            "a.txt",
            1,
            score(
                &json!({"title": "x", "number": "1"}),
                &json!({"title": "x", "number": "2"}),
            ),
            true,
        );
        r.add_record(
            "b.txt",
            1,
            score(
                &json!({"title": "y", "number": "1"}),
                &json!({"title": "y", "number": "1"}),
            ),
            true,
        );
        assert_eq!(r.records, 2);
        let ranked: Vec<&str> = r.ranked().iter().map(|(k, _)| *k).collect();
        assert_eq!(ranked, vec!["number", "title"]);
        assert_eq!(
            r.whole_records,
            Tally {
                right: 1,
                scored: 2
            }
        );
        assert_eq!(r.min_field_accuracy(), 0.5);
        assert_eq!(r.misses.len(), 1);
        assert_eq!(r.miss_lines(), "a.txt: number: expected \"1\" got \"2\"\n");
        let mut better = r.clone();
        better.fields.insert(
            "number".into(),
            Tally {
                right: 2,
                scored: 2,
            },
        );
        assert!(better.drops(&r).is_empty());
        let drops = r.drops(&better);
        assert_eq!(drops.len(), 1);
        assert_eq!(drops[0].0, "number");
        // a report read back from JSON compares equal
        let back: Report = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert!(r.drops(&back).is_empty());
    }
}
