//! Where a key path (`reply.measures[3].title`) sits in a YAML document or a JSON stream, so
//! that a diagnostic about a converted record points at the line of its key.

use std::collections::HashMap;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `reply.measures[3].title` from its steps.
pub fn path_string(segs: &[Seg]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The steps of `reply.measures[3].title` (keys cannot hold `.` or `[` here).
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segs.push(Seg::Key(key.to_string()));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                segs.push(Seg::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    segs
}

/// A line of a block-style YAML document, as the path search sees it: a `- ` item gives a dash
/// entry and, for what follows the dash, a content entry two columns deeper.
#[derive(Debug)]
struct Entry<'t> {
    indent: usize,
    dash: bool,
    text: &'t str,
    line: usize,
}

fn entries(doc: &str) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (n, raw) in doc.lines().enumerate() {
        let text = raw.trim_start_matches(' ');
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        let mut indent = raw.len() - text.len();
        let mut text = text.trim_end();
        while text == "-" || text.starts_with("- ") {
            out.push(Entry {
                indent,
                dash: true,
                text,
                line: n,
            });
            let rest = text[1..].trim_start_matches(' ');
            indent += text.len() - rest.len();
            text = rest;
        }
        if !text.is_empty() {
            out.push(Entry {
                indent,
                dash: false,
                text,
                line: n,
            });
        }
    }
    out
}

/// Whether a YAML entry is the key `key` (plain, single- or double-quoted).
fn is_key(text: &str, key: &str) -> bool {
    let plain = text.strip_prefix(key);
    let double = text
        .strip_prefix('"')
        .and_then(|t| t.strip_prefix(key))
        .and_then(|t| t.strip_prefix('"'));
    let single = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_prefix(key))
        .and_then(|t| t.strip_prefix('\''));
    [plain, double, single]
        .into_iter()
        .flatten()
        .any(|rest| rest.starts_with(':'))
}

/// The 0-based line of `path` in one block-style YAML document; for a path that does not
/// resolve all the way, the line of its deepest resolved step.
pub fn yaml_line(doc: &str, path: &[Seg]) -> Option<usize> {
    let all = entries(doc);
    let mut range = 0..all.len();
    let mut found = None;
    for seg in path {
        let indent = all.get(range.start).map(|e| e.indent)?;
        let hit = match seg {
            Seg::Key(k) => all[range.clone()]
                .iter()
                .position(|e| e.indent == indent && !e.dash && is_key(e.text, k)),
            Seg::Index(i) => all[range.clone()]
                .iter()
                .enumerate()
                .filter(|(_, e)| e.indent == indent && e.dash)
                .nth(*i)
                .map(|(p, _)| p),
        };
        let Some(p) = hit else { break };
        let at = range.start + p;
        found = Some(all[at].line);
        // What belongs to this step: deeper entries, and a key's dash items at its own indent.
        let is_key = !all[at].dash;
        let mut end = at + 1;
        while end < range.end {
            let e = &all[end];
            let inside = e.indent > indent || (is_key && e.dash && e.indent == indent);
            if !inside {
                break;
            }
            end += 1;
        }
        range = at + 1..end;
        if range.is_empty() {
            break;
        }
    }
    found
}

/// Every key and array element of a JSON stream (several documents one after the other), by
/// document index and path, to its 0-based line.
pub fn json_lines(text: &str) -> HashMap<(usize, String), usize> {
    enum Frame {
        Object { key: Option<String> },
        Array { index: usize },
    }
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut doc = 0usize;
    let mut line = 0usize;
    let mut expect_key = false;
    let path_of = |stack: &[Frame], last: Seg| -> String {
        let mut segs: Vec<Seg> = stack
            .iter()
            .filter_map(|f| match f {
                Frame::Object { key: Some(k) } => Some(Seg::Key(k.clone())),
                Frame::Object { key: None } => None,
                Frame::Array { index } => Some(Seg::Index(*index)),
            })
            .collect();
        // The innermost frame's own step is `last`.
        segs.pop();
        segs.push(last);
        path_string(&segs)
    };
    let mut chars = text.char_indices().peekable();
    // A value is starting: arrays record the element's line.
    let value_start = |stack: &mut Vec<Frame>,
                       line: usize,
                       out: &mut HashMap<(usize, String), usize>,
                       doc: usize| {
        if let Some(Frame::Array { index }) = stack.last() {
            let p = path_of(stack, Seg::Index(*index));
            out.entry((doc, p)).or_insert(line);
        }
    };
    while let Some((_, c)) = chars.next() {
        match c {
            '\n' => line += 1,
            '{' => {
                value_start(&mut stack, line, &mut out, doc);
                stack.push(Frame::Object { key: None });
                expect_key = true;
            }
            '[' => {
                value_start(&mut stack, line, &mut out, doc);
                stack.push(Frame::Array { index: 0 });
            }
            '}' | ']' => {
                stack.pop();
                if stack.is_empty() {
                    doc += 1;
                }
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expect_key = true,
                None => {}
            },
            '"' => {
                let mut s = String::new();
                while let Some((_, d)) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some((_, e)) = chars.next() {
                                s.push(match e {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        '\n' => line += 1,
                        d => s.push(d),
                    }
                }
                if expect_key && let Some(Frame::Object { key }) = stack.last_mut() {
                    *key = Some(s.clone());
                    expect_key = false;
                    let p = path_of(&stack, Seg::Key(s));
                    out.entry((doc, p)).or_insert(line);
                } else {
                    value_start(&mut stack, line, &mut out, doc);
                }
            }
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                // A number, true, false or null: record array elements once.
                value_start(&mut stack, line, &mut out, doc);
                while let Some(&(_, d)) = chars.peek() {
                    if matches!(d, ',' | '}' | ']') || d.is_whitespace() {
                        break;
                    }
                    chars.next();
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "source:\n  path: x\nkind: proposal\nunits:\n  lead:\n  - 甲局\n  - 乙局\n  assisting: []\nreply:\n  date: \"2022-07-08\"\n  measures:\n  - number: 1\n    title: 一\n  - number: 2\n    title: 二\nextra:\n  联系人: 张三\n";

    #[test]
    fn yaml_paths_to_lines() {
        let line = |p: &str| yaml_line(YAML, &parse_path(p)).map(|l| l + 1);
        assert_eq!(line("kind"), Some(3));
        assert_eq!(line("units.lead[1]"), Some(7));
        assert_eq!(line("units.assisting"), Some(8));
        assert_eq!(line("reply.date"), Some(10));
        assert_eq!(line("reply.measures[1].title"), Some(15));
        assert_eq!(line("reply.measures[1]"), Some(14));
        assert_eq!(line("extra.联系人"), Some(17));
        // an unknown tail stops at the deepest step found
        assert_eq!(line("reply.measures[5].title"), Some(11));
        // indented sequences work too
        let doc = "units:\n  lead:\n    - 甲局\n    - 乙局\n";
        assert_eq!(yaml_line(doc, &parse_path("units.lead[1]")), Some(3));
    }

    #[test]
    fn json_paths_to_lines() {
        let text = "{\n  \"kind\": \"proposal\",\n  \"units\": {\"lead\": [\"甲\", \"乙\"]},\n  \"reply\": {\n    \"measures\": [\n      {\"number\": 1},\n      {\"number\": 2, \"title\": \"二\"}\n    ]\n  }\n}\n{\"kind\": null}\n";
        let map = json_lines(text);
        let line = |doc: usize, p: &str| map.get(&(doc, p.to_string())).map(|l| l + 1);
        assert_eq!(line(0, "kind"), Some(2));
        assert_eq!(line(0, "units.lead[1]"), Some(3));
        assert_eq!(line(0, "reply.measures[1].title"), Some(7));
        assert_eq!(line(1, "kind"), Some(11));
    }

    #[test]
    fn paths_round_trip() {
        let p = "reply.measures[3].title";
        assert_eq!(path_string(&parse_path(p)), p);
    }
}
