//! The review page (`propex review`): one self-contained HTML file in which each record's
//! source text sits beside the record, every value's span highlighted, and `validate`'s
//! diagnostics at their places. The markup is written with maud (checked when compiled, every
//! value escaped); the records travel as one JSON block that a small script renders one input
//! at a time, so a page of a thousand records opens quickly. Input text is only ever put into
//! the page as text (escaped markup, `textContent`), never as markup: records come from the web.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;
use serde_json::Value;

use crate::Config;
use crate::date::Date;
use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use crate::validate::{self, Rules};

/// One input of the page: its name, and its records and diagnostics or why it has none.
#[derive(Debug, Serialize)]
pub struct Input {
    pub name: String,
    /// Why the input gave no record (unreadable, binary, no record found).
    pub error: Option<String>,
    pub records: Vec<Reviewed>,
    /// Diagnostics about the input as a whole, or outside every record.
    pub diagnostics: Vec<Note>,
}

/// One record as the page shows it.
#[derive(Debug, Serialize)]
pub struct Reviewed {
    /// The record's stretch of the decoded text.
    pub text: String,
    /// The record, without its spans (they are below, relative to `text`).
    pub record: Value,
    /// For each field path, its spans as `[start, end]` byte offsets into `text`.
    pub spans: Vec<(String, Vec<[usize; 2]>)>,
    pub diagnostics: Vec<Note>,
}

/// A diagnostic placed in a record's text.
#[derive(Debug, Serialize)]
pub struct Note {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub line: usize,
    pub col: usize,
    /// Byte offset into the record's `text`, when it falls inside it.
    pub at: Option<usize>,
}

/// Reads one input for the page: its records with their spans, and what `validate` says.
pub fn read(name: &str, bytes: Result<&[u8], String>, rules: &Rules, today: Date) -> Input {
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    let mut input = Input {
        name: name.to_string(),
        error: None,
        records: Vec::new(),
        diagnostics: Vec::new(),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            input.error = Some(e);
            return input;
        }
    };
    // One reading of the input: validate's, with the records it read kept (and their spans).
    let (checked, records) = validate::check_records(name, Ok(bytes), &config, rules, today);
    if records.is_empty()
        && let Some(failed) = checked
            .diagnostics
            .iter()
            .find(|d| d.code == Code::ReadError)
    {
        input.error = Some(failed.message.clone());
        return input;
    }
    let text = &checked.source;
    let starts: Vec<usize> = records.iter().map(|e| e.origin.start).collect();
    let mut diagnostics: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
    for (i, e) in records.into_iter().enumerate() {
        let start = starts[i].min(text.len());
        let end = starts.get(i + 1).copied().unwrap_or(text.len()).max(start);
        let mut record = e.record;
        let spans = record
            .spans
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|(path, located)| {
                let pieces = located
                    .iter()
                    .filter(|s| s.start >= start && s.end <= end)
                    .map(|s| [s.start - start, s.end - start])
                    .collect();
                (path, pieces)
            })
            .collect();
        // A read error is about the file; anything else at an offset belongs to its record.
        let mine = |d: &Diagnostic| (start..end).contains(&d.offset) && d.code != Code::ReadError;
        let notes = diagnostics
            .iter()
            .filter(|d| mine(d))
            .map(|d| note(d, Some(d.offset - start)))
            .collect();
        diagnostics.retain(|d| !mine(d));
        input.records.push(Reviewed {
            text: text.get(start..end).unwrap_or_default().to_string(),
            record: serde_json::to_value(&record).unwrap_or(Value::Null),
            spans,
            diagnostics: notes,
        });
    }
    input.diagnostics = diagnostics.into_iter().map(|d| note(d, None)).collect();
    input
}

fn note(d: &Diagnostic, at: Option<usize>) -> Note {
    Note {
        code: d.code.as_str(),
        severity: d.severity,
        message: d.message.clone(),
        line: d.line,
        col: d.col,
        at,
    }
}

/// More records than a page holds.
#[derive(Debug, thiserror::Error)]
#[error(
    "{records} records is more than the page holds (--max-records {max}): review the inputs in parts, a folder or a --glob at a time, or raise --max-records"
)]
pub struct TooMany {
    pub records: usize,
    pub max: usize,
}

/// The page for these inputs, or `TooMany` past `max_records`.
pub fn page(inputs: &[Input], max_records: usize) -> Result<String, TooMany> {
    let records: usize = inputs.iter().map(|i| i.records.len()).sum();
    if records > max_records {
        return Err(TooMany {
            records,
            max: max_records,
        });
    }
    let data = serde_json::to_string(inputs).unwrap_or_else(|_| "[]".into());
    Ok(layout(inputs, records, &script_json(&data)).into_string())
}

/// JSON made safe inside a `<script>` element: no `</script>`, no `<!--`, and no line
/// separators that older parsers end a string at.
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The fields the "missing a field" filter offers.
const FIELDS: &[&str] = &[
    "proposer",
    "number",
    "title",
    "content",
    "units.lead",
    "category",
    "session",
    "reply",
    "reply.date",
    "reply.addressee",
    "reply.signature",
];

fn layout(inputs: &[Input], records: usize, data: &str) -> Markup {
    let count = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    html! {
        (DOCTYPE)
        html lang="zh" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "propex review: " (count(records, "record")) }
                style { (PreEscaped(CSS)) }
            }
            body {
                nav #inputs {
                    h1 { "propex review" }
                    p.summary { (count(inputs.len(), "input")) ", " (count(records, "record")) }
                    label {
                        "Show "
                        select #filter {
                            option value="all" { "all records" }
                            option value="error" { "records with errors" }
                            option value="warning" { "records with warnings" }
                            option value="missing" { "records missing a field:" }
                        }
                    }
                    select #missing-field {
                        @for f in FIELDS { option value=(f) { (f) } }
                    }
                    ul {
                        @for (i, input) in inputs.iter().enumerate() {
                            @let diags = input.diagnostics.len()
                                + input.records.iter().map(|r| r.diagnostics.len()).sum::<usize>();
                            li {
                                button.input data-input=(i) {
                                    span.name { (input.name) }
                                    span.counts {
                                        (count(input.records.len(), "record")) " · "
                                        (count(diags, "diagnostic"))
                                        @if input.error.is_some() { " · failed" }
                                    }
                                }
                            }
                        }
                    }
                }
                main #records {
                    p.hint { "Choose an input on the left." }
                }
                script #data type="application/json" { (PreEscaped(data)) }
                script { (PreEscaped(JS)) }
            }
        }
    }
}

const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; display: flex; height: 100vh; color: #222; }
nav { width: 300px; overflow: auto; border-right: 1px solid #ccc; padding: 8px; background: #f7f7f7; flex: none; }
nav h1 { font-size: 16px; margin: 4px 0; }
nav ul { list-style: none; padding: 0; margin: 8px 0; }
nav button.input { display: block; width: 100%; text-align: left; border: 1px solid transparent; background: none; padding: 4px; cursor: pointer; font: inherit; }
nav button.input:hover { background: #eaeaea; }
nav button.input.selected { border-color: #36c; background: #e6eefc; }
nav .name { display: block; word-break: break-all; }
nav .counts { color: #666; font-size: 12px; }
nav li.hidden { display: none; }
main { flex: 1; overflow: auto; padding: 8px 16px; }
.record { border-bottom: 2px solid #ddd; padding: 8px 0 16px; }
.record.hidden { display: none; }
.record h2 { font-size: 15px; margin: 4px 0 8px; }
.columns { display: flex; gap: 16px; align-items: flex-start; }
pre.source { flex: 1 1 50%; white-space: pre-wrap; word-break: break-all; margin: 0; padding: 8px; background: #fff; border: 1px solid #ddd; font: 13px/1.7 "Noto Sans Mono CJK SC", monospace; max-height: 80vh; overflow: auto; }
mark { border-radius: 2px; cursor: pointer; color: inherit; }
mark.active { outline: 2px solid #c00; background: #ffd54f !important; }
table.fields { flex: 1 1 50%; border-collapse: collapse; font-size: 13px; }
table.fields td { border-bottom: 1px solid #eee; padding: 2px 6px; vertical-align: top; white-space: pre-wrap; word-break: break-all; }
table.fields td.path { color: #555; white-space: nowrap; font-family: monospace; }
table.fields tr { cursor: pointer; }
table.fields tr.active { background: #ffd54f; }
table.fields tr.unplaced td.path { color: #aaa; }
.diag { display: inline-block; font: 11px monospace; padding: 0 3px; margin: 0 2px; border-radius: 3px; color: #fff; }
.diag.error { background: #c62828; }
.diag.warning { background: #ef6c00; }
.diag.note { background: #607d8b; }
ul.diagnostics { margin: 6px 0; padding-left: 18px; font-size: 13px; }
.failed { color: #c62828; }
button.more { margin: 12px 0; font: inherit; padding: 4px 12px; }
"#;

const JS: &str = r#"
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const main = document.getElementById("records");
const filter = document.getElementById("filter");
const missingField = document.getElementById("missing-field");
const buttons = Array.from(document.querySelectorAll("button.input"));
const PAGE = 50;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}
function hue(path) {
  const top = path.replace(/\[\d+\]/g, "").split(".").slice(0, 2).join(".");
  let h = 0;
  for (const ch of top) h = (h * 31 + ch.codePointAt(0)) % 360;
  return "hsl(" + h + ", 75%, 82%)";
}
function valueAt(record, path) {
  let v = record;
  if (path.startsWith("extra.")) return (record.extra || {})[path.slice(6)];
  for (const seg of path.split(".")) {
    const m = seg.match(/^([^\[]+)((?:\[\d+\])*)$/);
    if (!m || v == null) return undefined;
    v = v[m[1]];
    for (const i of (m[2].match(/\d+/g) || [])) v = v == null ? undefined : v[+i];
  }
  return v;
}
function flatten(v, path, out) {
  if (v === null || v === undefined || v === "") return;
  if (Array.isArray(v)) { v.forEach((x, i) => flatten(x, path + "[" + i + "]", out)); return; }
  if (typeof v === "object") {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? path + "." + k : k, out);
    return;
  }
  out.push([path, String(v)]);
}
function worst(r) {
  let w = null;
  for (const d of r.diagnostics) {
    if (d.severity === "error") return "error";
    if (d.severity === "warning") w = "warning";
  }
  return w;
}
function matches(r) {
  const f = filter.value;
  if (f === "all") return true;
  if (f === "error") return r.diagnostics.some(d => d.severity === "error");
  if (f === "warning") return r.diagnostics.some(d => d.severity === "warning");
  const v = valueAt(r.record, missingField.value);
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}
function utf8Offsets(text) {
  // Byte offset -> index into the JS string (UTF-16), for every character boundary.
  const map = new Map();
  let b = 0, i = 0;
  for (const ch of text) {
    map.set(b, i);
    const c = ch.codePointAt(0);
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(b, i);
  return map;
}
function activate(view, path) {
  view.querySelectorAll(".active").forEach(e => e.classList.remove("active"));
  if (!path) return;
  let first = null;
  view.querySelectorAll("mark").forEach(m => {
    if (m.dataset.paths.split(" ").includes(path)) { m.classList.add("active"); first = first || m; }
  });
  view.querySelectorAll("tr[data-path]").forEach(tr => {
    if (tr.dataset.path === path) tr.classList.add("active");
  });
  if (first) first.scrollIntoView({block: "center"});
}
function renderRecord(input, r, k) {
  const view = el("section", {class: "record", id: "r" + k, "data-worst": worst(r) || ""});
  const rec = r.record;
  view.append(el("h2", {}, input.name + " · record " + (k + 1) + (rec.title ? " · " + rec.title : "")));
  if (r.diagnostics.length) {
    const ul = el("ul", {class: "diagnostics"});
    for (const d of r.diagnostics)
      ul.append(el("li", {}, el("span", {class: "diag " + d.severity}, d.code), " " + d.line + ":" + d.col + " " + d.message));
    view.append(ul);
  }
  // The source: split at every span edge and every diagnostic; each stretch marked with the
  // paths that cover it, coloured by the narrowest.
  const offs = utf8Offsets(r.text);
  const toIdx = b => offs.has(b) ? offs.get(b) : null;
  const edges = new Set([0, r.text.length]);
  const spans = [];
  for (const [path, pieces] of r.spans) for (const [s, e] of pieces) {
    const a = toIdx(s), b = toIdx(e);
    if (a === null || b === null || a >= b) continue;
    spans.push([a, b, path]); edges.add(a); edges.add(b);
  }
  const notes = [];
  for (const d of r.diagnostics) if (d.at !== null) { const a = toIdx(d.at); if (a !== null) { notes.push([a, d]); edges.add(a); } }
  const cuts = Array.from(edges).sort((x, y) => x - y);
  const pre = el("pre", {class: "source"});
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i], b = cuts[i + 1];
    for (const [at, d] of notes) if (at === a) pre.append(el("span", {class: "diag " + d.severity, title: d.message}, d.code));
    const over = spans.filter(s => s[0] <= a && s[1] >= b);
    const piece = r.text.slice(a, b);
    if (!over.length) { pre.append(document.createTextNode(piece)); continue; }
    over.sort((x, y) => (x[1] - x[0]) - (y[1] - y[0]));
    const m = el("mark", {"data-paths": over.map(s => s[2]).join(" "), title: over.map(s => s[2]).join(", ")}, piece);
    m.style.background = hue(over[0][2]);
    m.addEventListener("click", () => activate(view, over[0][2]));
    pre.append(m);
  }
  const table = el("table", {class: "fields"});
  const placed = new Set(r.spans.map(s => s[0]));
  const rows = [];
  flatten(Object.assign({}, rec, {source: undefined}), "", rows);
  for (const [path, value] of rows) {
    const tr = el("tr", {"data-path": path, class: placed.has(path) ? "" : "unplaced"},
      el("td", {class: "path"}, path), el("td", {}, value));
    if (placed.has(path)) tr.firstChild.style.background = hue(path);
    tr.addEventListener("click", () => activate(view, path));
    table.append(tr);
  }
  view.append(el("div", {class: "columns"}, pre, table));
  return view;
}
function show(i, recordIndex, field, via) {
  buttons.forEach(b => b.classList.toggle("selected", +b.dataset.input === i));
  const input = data[i];
  main.replaceChildren();
  if (input.error) main.append(el("p", {class: "failed"}, input.name + ": " + input.error));
  if (input.diagnostics.length) {
    const ul = el("ul", {class: "diagnostics"});
    for (const d of input.diagnostics) ul.append(el("li", {}, el("span", {class: "diag " + d.severity}, d.code), " " + d.message));
    main.append(ul);
  }
  // Records are rendered a page at a time: an input of a thousand records opens at once.
  let next = 0;
  const more = el("button", {class: "more"});
  const renderUpTo = end => {
    for (; next < Math.min(end, input.records.length); next++) {
      const view = renderRecord(input, input.records[next], next);
      if (!matches(input.records[next])) view.classList.add("hidden");
      main.insertBefore(view, more);
    }
    more.textContent = "show " + Math.min(PAGE, input.records.length - next) + " more of " + (input.records.length - next);
    more.hidden = next >= input.records.length;
  };
  more.addEventListener("click", () => renderUpTo(next + PAGE));
  main.append(more);
  renderUpTo(Math.max(PAGE, (recordIndex || 0) + 1));
  if (recordIndex !== undefined) {
    const view = document.getElementById("r" + recordIndex);
    if (view) { view.scrollIntoView(); if (field) clickField(view, field, via); }
  }
}
// What a reader's click does: on the field's row in the table, or on its first mark in the text.
function clickField(view, field, via) {
  const target = via === "mark"
    ? Array.from(view.querySelectorAll("mark")).find(m => m.dataset.paths.split(" ")[0] === field)
    : Array.from(view.querySelectorAll("tr[data-path]")).find(tr => tr.dataset.path === field);
  if (target) target.click(); else activate(view, field);
}
function applyFilter() {
  buttons.forEach(b => {
    const input = data[+b.dataset.input];
    const any = input.records.some(matches) || (filter.value === "all");
    b.parentElement.classList.toggle("hidden", !any);
  });
  const selected = buttons.find(b => b.classList.contains("selected"));
  if (selected) show(+selected.dataset.input);
}
buttons.forEach(b => b.addEventListener("click", () => show(+b.dataset.input)));
filter.addEventListener("change", applyFilter);
missingField.addEventListener("change", applyFilter);
// `#input=0&record=0&field=title` opens an input at a record and clicks a field's row
// (`&via=mark`: its first mark in the text), as a link to share or a test would.
const want = new URLSearchParams(location.hash.slice(1));
// `&filter=error|warning|missing&missing=reply.date` sets the filter.
if (want.has("filter")) filter.value = want.get("filter");
if (want.has("missing")) missingField.value = want.get("missing");
if (want.has("filter") || want.has("missing")) applyFilter();
if (data.length) show(+(want.get("input") || 0), want.has("record") ? +want.get("record") : undefined, want.get("field") || undefined, want.get("via") || undefined);
document.body.dataset.ready = "1";
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date {
            year: 2026,
            month: 12,
            day: 1,
        }
    }

    #[test]
    fn markup_in_records_stays_text() {
        let hostile = "标题: | 关于<script>alert(1)</script>的建议 |\n建议人: | \"><img src=x onerror=alert(2)> |\n";
        let input = read(
            "<b>name</b>.txt",
            Ok(hostile.as_bytes()),
            &Rules::default(),
            today(),
        );
        let page = page(&[input], 10).unwrap();
        assert!(!page.contains("<script>alert"));
        assert!(!page.contains("<img src=x"));
        assert!(!page.contains("<b>name</b>"));
        assert!(page.contains("&lt;b&gt;name&lt;/b&gt;.txt"));
        // The script block holds the text escaped for JSON inside HTML.
        assert!(page.contains("\\u003cscript\\u003ealert(1)"));
        assert_eq!(page.matches("<script").count(), 2);
    }

    /// Any bytes give a page (or a clear error about the input), never a panic.
    #[test]
    fn any_input_gives_a_page() {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("标题: | ".to_string()),
            Just(" |\n".to_string()),
            Just("建议号: | 第3号 |\n".to_string()),
            Just("答复内容: | 张三代表：收悉。一、甲。\n某局\n2023年5月8日 |\n".to_string()),
            "[\u{0}-\u{7f}一-龥<>&\"]{0,12}",
        ];
        proptest!(ProptestConfig::with_cases(64), |(parts in proptest::collection::vec(piece, 0..12))| {
            let text = parts.concat();
            let input = read("p.txt", Ok(text.as_bytes()), &Rules::default(), today());
            let page = page(&[input], 100).unwrap();
            prop_assert_eq!(page.matches("<script").count(), 2);
        });
    }

    #[test]
    fn too_many_records_says_how_to_split() {
        let text = "标题: | 甲 |\n";
        let inputs: Vec<Input> = (0..3)
            .map(|i| {
                read(
                    &format!("{i}.txt"),
                    Ok(text.as_bytes()),
                    &Rules::default(),
                    today(),
                )
            })
            .collect();
        let err = page(&inputs, 2).unwrap_err();
        assert!(err.to_string().contains("--max-records 2"), "{err}");
        assert!(page(&inputs, 3).is_ok());
    }

    #[test]
    fn spans_are_relative_to_the_record_text() {
        let text = "建议人: | 甲 |\n建议号: | 1 |\n标题: | 甲事 |\n答复内容: | 甲代表: 收悉。 |\n建议人: | 乙 |\n建议号: | 2 |\n标题: | 乙事 |\n答复内容: | 乙代表: 收悉。 |\n";
        let input = read("a.txt", Ok(text.as_bytes()), &Rules::default(), today());
        assert_eq!(input.records.len(), 2);
        for (r, want) in input.records.iter().zip(["甲事", "乙事"]) {
            let (_, pieces) = r.spans.iter().find(|(p, _)| p == "title").unwrap();
            let [s, e] = pieces[0];
            assert_eq!(&r.text[s..e], want);
        }
    }
}
