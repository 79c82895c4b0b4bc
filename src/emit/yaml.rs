//! The YAML writer of the `emit` stage. Records are block-style YAML whose every scalar reads
//! back as what it was under YAML 1.2 *and* 1.1 parsers (PyYAML, js-yaml): a date, `yes`, `0143`
//! or `12:30` written as a string is quoted, so no loader turns it into a date, a boolean or a
//! number. Multi-line text is a `|-` block, as people write it by hand.
//!
//! It writes from a `serde_json::Value` (field order preserved), which keeps it independent of
//! the record types and many times faster than a general YAML emitter.

use serde_json::Value;

/// Appends one YAML document (`---` first) holding `value`.
pub fn document(out: &mut String, value: &Value) {
    out.push_str("---\n");
    match value {
        Value::Object(map) if !map.is_empty() => mapping(out, map, 0, false),
        Value::Array(items) if !items.is_empty() => sequence(out, items, 0),
        other => {
            scalar(out, other, 0);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping whose keys start at column `n`. With `first_inline`, the first key continues the
/// current line (after a sequence's `- `).
fn mapping(out: &mut String, map: &serde_json::Map<String, Value>, n: usize, first_inline: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !first_inline {
            indent(out, n);
        }
        if plain_ok(key) {
            out.push_str(key);
        } else {
            double_quoted(out, key);
        }
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                mapping(out, m, n + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, n);
            }
            other => {
                out.push(' ');
                scalar(out, other, n + 2);
                out.push('\n');
            }
        }
    }
}

/// A sequence whose dashes sit at column `n` (under its key, as serde_yaml and most people write).
fn sequence(out: &mut String, items: &[Value], n: usize) {
    for item in items {
        indent(out, n);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => mapping(out, m, n + 2, true),
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                sequence(out, inner, n + 2);
            }
            other => {
                scalar(out, other, n + 2);
                out.push('\n');
            }
        }
    }
}

/// A scalar on the current line; block text is indented to column `n`.
fn scalar(out: &mut String, v: &Value, n: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(num) => out.push_str(&num.to_string()),
        Value::String(s) => string(out, s, n),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn string(out: &mut String, s: &str, n: usize) {
    if s.contains('\n') {
        if literal_ok(s) {
            out.push_str("|-");
            for line in s.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    indent(out, n);
                    out.push_str(line);
                }
            }
        } else {
            double_quoted(out, s);
        }
    } else if plain_ok(s) {
        out.push_str(s);
    } else {
        double_quoted(out, s);
    }
}

/// Characters YAML wants escaped: controls, DEL, C1 controls, the BOM, and the characters YAML
/// 1.1 treats as line breaks.
fn needs_escape(c: char) -> bool {
    (c < ' ' && c != '\n')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(
            c,
            '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A `|-` block keeps the text exactly when no line has edge whitespace, the text does not end
/// in a line break, and nothing needs escaping.
fn literal_ok(s: &str) -> bool {
    !s.ends_with('\n')
        && !s.chars().any(|c| needs_escape(c) || c == '\t')
        && s.split('\n').all(|l| l.trim() == l)
}

/// Plain (unquoted) only when no YAML 1.1 or 1.2 parser could read it as anything but this
/// string.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().next_back().unwrap_or(first);
    if first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
    {
        return false;
    }
    // One pass over the bytes for `: `, ` #`, and characters that need escaping, every one of
    // which starts with a byte below 0x20, 0x7F, or the lead bytes C2 / E2 / EF.
    let b = s.as_bytes();
    for (i, &byte) in b.iter().enumerate() {
        let next = b.get(i + 1).copied();
        let bad = match byte {
            b':' => next == Some(b' '),
            b' ' => next == Some(b'#'),
            0..=0x1f | 0x7f => true,
            0xC2 | 0xE2 | 0xEF => s[i..].chars().next().is_some_and(needs_escape),
            _ => false,
        };
        if bad {
            return false;
        }
    }
    !looks_typed(s)
}

/// Numbers, dates, times, booleans and nulls in any YAML version's spelling, and YAML 1.1's
/// merge key `<<` and value key `=` (PyYAML resolves both and then cannot load them).
fn looks_typed(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan", "=", "<<",
    ];
    if s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    let first = s.as_bytes()[0];
    let numeric_start = first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.');
    numeric_start
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" +-._:/TtZz".contains(&b))
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{code:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(v: &Value) -> String {
        let mut s = String::new();
        document(&mut s, v);
        s
    }

    #[test]
    fn block_style_like_hand_written_yaml() {
        let v = json!({
            "a": "科技局",
            "list": ["甲", "乙"],
            "empty": [],
            "none": {},
            "nested": {"num": 1, "items": [{"x": "一", "z": null}]},
            "text": "第一段\n第二段",
        });
        assert_eq!(
            yaml(&v),
            "---\na: 科技局\nlist:\n- 甲\n- 乙\nempty: []\nnone: {}\nnested:\n  num: 1\n  items:\n  - x: 一\n    z: null\ntext: |-\n  第一段\n  第二段\n"
        );
    }

    #[test]
    fn strings_that_would_change_type_are_quoted() {
        for s in [
            "2022-07-08",
            "yes",
            "No",
            "0143",
            "12:30",
            "1e3",
            "~",
            "null",
            "2016-04-22 09:23:00",
            "0513-86000000",
            "1.",
            "y",
            "-",
            "",
            " lead",
            "trail ",
            "答复如下:",
            "a: b",
            "x #y",
            "#x",
            "@x",
            "\u{feff}x",
            "tab\there",
            "=",
            "<<",
            "1:20",
            "0o17",
            "0x1F",
            "0b101",
            ".NaN",
            "-.Inf",
            "1_000",
            "2001-12-14t21:59:43.10-05:00",
        ] {
            let out = yaml(&json!({ "k": s }));
            assert!(out.starts_with("---\nk: \""), "{s:?} gave {out}");
            let back: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(back["k"].as_str(), Some(s), "{out}");
        }
        for s in [
            "科技局",
            "B类",
            "A1",
            "2022年",
            "关于甲的建议",
            "(一)",
            "1、",
            "２．",
        ] {
            let out = yaml(&json!({ "k": s }));
            assert_eq!(out, format!("---\nk: {s}\n"), "{s:?}");
        }
    }

    #[test]
    fn multi_line_text_that_a_block_cannot_hold_is_quoted() {
        for s in ["a\n", " a\nb", "a\n\tb", "a \nb", "a\r\nb", "\n"] {
            let out = yaml(&json!({ "k": s }));
            let back: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(back["k"].as_str(), Some(s), "{out}");
        }
    }
}
