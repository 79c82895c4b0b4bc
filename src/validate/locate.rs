//! Where a key path (`reply.measures[3].title`) sits in a YAML document or a JSON stream, so
//! that a diagnostic about a converted record points at the line of its key.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

/// The key a YAML entry starts with (plain, single- or double-quoted), if it is `key: …`.
fn key_name(text: &str) -> Option<&str> {
    for q in ['"', '\''] {
        if let Some(rest) = text.strip_prefix(q) {
            let close = rest.find(q)?;
            return rest[close + 1..].starts_with(':').then(|| &rest[..close]);
        }
    }
    let colon = text
        .match_indices(':')
        .find(|(i, _)| text[i + 1..].is_empty() || text[i + 1..].starts_with([' ', '\t']))?;
    Some(&text[..colon.0])
}

/// The entries directly inside one step of a document: its keys and its `- ` items, each with
/// the range of entries that belong to it.
#[derive(Debug, Default)]
struct Level<'t> {
    keys: HashMap<&'t str, (usize, Range<usize>)>,
    items: Vec<(usize, Range<usize>)>,
}

/// Where the keys of one block-style YAML document are. Each level is read once, the first
/// time a path goes through it, so a document with 200,000 items answers for each of them
/// without reading the others again.
#[derive(Debug)]
pub struct YamlLines<'t> {
    all: Vec<Entry<'t>>,
    levels: RefCell<HashMap<usize, std::rc::Rc<Level<'t>>>>,
}

impl<'t> YamlLines<'t> {
    pub fn new(doc: &'t str) -> Self {
        YamlLines {
            all: entries(doc),
            levels: RefCell::default(),
        }
    }

    /// The children of the entries in `range` (all at the indent of its first).
    fn level(&self, range: Range<usize>) -> std::rc::Rc<Level<'t>> {
        if let Some(l) = self.levels.borrow().get(&range.start) {
            return l.clone();
        }
        let all = &self.all;
        let indent = all[range.start].indent;
        let mut level = Level::default();
        let mut at = range.start;
        while at < range.end {
            let e = &all[at];
            if e.indent != indent {
                at += 1;
                continue;
            }
            // What belongs to this entry: deeper entries, and a key's dash items at its indent.
            let is_key = !e.dash;
            let mut end = at + 1;
            while end < range.end {
                let d = &all[end];
                if !(d.indent > indent || (is_key && d.dash && d.indent == indent)) {
                    break;
                }
                end += 1;
            }
            if e.dash {
                level.items.push((at, at + 1..end));
            } else if let Some(k) = key_name(e.text) {
                level.keys.entry(k).or_insert((at, at + 1..end));
            }
            at = end;
        }
        let level = std::rc::Rc::new(level);
        self.levels.borrow_mut().insert(range.start, level.clone());
        level
    }

    /// The 0-based line of `path`; for a path that does not resolve all the way, the line of
    /// its deepest resolved step.
    pub fn line(&self, path: &[Seg]) -> Option<usize> {
        let mut range = 0..self.all.len();
        let mut found = None;
        for seg in path {
            if range.is_empty() {
                break;
            }
            let level = self.level(range.clone());
            let hit = match seg {
                Seg::Key(k) => level.keys.get(k.as_str()),
                Seg::Index(i) => level.items.get(*i),
            };
            let Some((at, inner)) = hit else { break };
            found = Some(self.all[*at].line);
            range = inner.clone();
        }
        found
    }
}

/// How deep `json_lines` follows nesting: serde_json refuses documents nested deeper than this,
/// so no diagnostic can point further in.
const JSON_DEPTH: usize = 128;

/// One step from a node of a JSON document to a child.
#[derive(Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(Box<str>),
    Index(usize),
}

/// The lines of every key and array element of a JSON stream (several documents one after the
/// other), as a tree: each node is stored once with its step from its parent, so the memory is
/// proportional to the text, and a path is spelled out only when someone asks for it.
#[derive(Debug, Default)]
pub struct JsonLines {
    /// 0-based line of each node.
    lines: Vec<usize>,
    /// Byte offset where each node starts (a key's opening quote, a value's first byte).
    offsets: Vec<usize>,
    children: HashMap<(usize, Step), usize>,
    /// The root node of each document.
    roots: Vec<usize>,
}

impl JsonLines {
    fn node(&mut self, (line, offset): (usize, usize)) -> usize {
        self.lines.push(line);
        self.offsets.push(offset);
        self.lines.len() - 1
    }

    /// The child of `parent` by `step`, made at `line` if it is new (a repeated key keeps its
    /// first line).
    fn child(&mut self, parent: usize, step: Step, line: (usize, usize)) -> usize {
        let key = (parent, step);
        if let Some(&c) = self.children.get(&key) {
            return c;
        }
        let c = self.node(line);
        self.children.insert(key, c);
        c
    }

    /// The 0-based line of `path` in document `doc`, or of the deepest step of it that exists.
    pub fn line(&self, doc: usize, path: &[Seg]) -> Option<usize> {
        self.node_of(doc, path).map(|n| self.lines[n])
    }

    /// The byte offset where `path` (or the deepest step of it that exists) starts.
    pub fn offset(&self, doc: usize, path: &[Seg]) -> Option<usize> {
        self.node_of(doc, path).map(|n| self.offsets[n])
    }

    fn node_of(&self, doc: usize, path: &[Seg]) -> Option<usize> {
        let mut node = *self.roots.get(doc)?;
        for seg in path {
            let step = match seg {
                Seg::Key(k) => Step::Key(k.as_str().into()),
                Seg::Index(i) => Step::Index(*i),
            };
            match self.children.get(&(node, step)) {
                Some(&c) => node = c,
                None => break,
            }
        }
        Some(node)
    }
}

/// Reads where every key and array element of a JSON stream is.
pub fn json_lines(text: &str) -> JsonLines {
    enum Frame {
        /// An object's node, and the node of the key being read.
        Object {
            node: usize,
            key: Option<usize>,
        },
        Array {
            node: usize,
            index: usize,
        },
    }
    let mut out = JsonLines::default();
    let mut stack: Vec<Frame> = Vec::new();
    // Brackets opened past JSON_DEPTH: counted, not followed.
    let mut too_deep = 0usize;
    let mut line = 0usize;
    let mut expect_key = false;
    // A value starts at `line`: its node (an array element's, a key's, or a new document's).
    let value_node = |out: &mut JsonLines, stack: &[Frame], line: (usize, usize)| -> usize {
        match stack.last() {
            Some(Frame::Array { node, index }) => out.child(*node, Step::Index(*index), line),
            Some(Frame::Object { key: Some(k), .. }) => *k,
            Some(Frame::Object { node, key: None }) => *node,
            None => {
                let root = out.node(line);
                out.roots.push(root);
                root
            }
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let here = (line, at);
        match c {
            '\n' => line += 1,
            '{' | '[' if too_deep > 0 || stack.len() >= JSON_DEPTH => too_deep += 1,
            '}' | ']' if too_deep > 0 => too_deep -= 1,
            _ if too_deep > 0 && c != '"' => {}
            '{' => {
                let node = value_node(&mut out, &stack, here);
                stack.push(Frame::Object { node, key: None });
                expect_key = true;
            }
            '[' => {
                let node = value_node(&mut out, &stack, here);
                stack.push(Frame::Array { node, index: 0 });
            }
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array { index, .. }) => *index += 1,
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
                if too_deep > 0 {
                    continue;
                }
                if expect_key && let Some(Frame::Object { node, .. }) = stack.last() {
                    let key = out.child(*node, Step::Key(s.into()), here);
                    if let Some(Frame::Object { key: k, .. }) = stack.last_mut() {
                        *k = Some(key);
                    }
                    expect_key = false;
                } else {
                    value_node(&mut out, &stack, here);
                }
            }
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                // A number, true, false or null.
                value_node(&mut out, &stack, here);
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
        let lines = YamlLines::new(YAML);
        let line = |p: &str| lines.line(&parse_path(p)).map(|l| l + 1);
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
        assert_eq!(
            YamlLines::new(doc).line(&parse_path("units.lead[1]")),
            Some(3)
        );
    }

    #[test]
    fn json_paths_to_lines() {
        let text = "{\n  \"kind\": \"proposal\",\n  \"units\": {\"lead\": [\"甲\", \"乙\"]},\n  \"reply\": {\n    \"measures\": [\n      {\"number\": 1},\n      {\"number\": 2, \"title\": \"二\"}\n    ]\n  }\n}\n{\"kind\": null}\n";
        let map = json_lines(text);
        let line = |doc: usize, p: &str| map.line(doc, &parse_path(p)).map(|l| l + 1);
        assert_eq!(line(0, "kind"), Some(2));
        assert_eq!(line(0, "units.lead[1]"), Some(3));
        assert_eq!(line(0, "reply.measures[1].title"), Some(7));
        assert_eq!(line(1, "kind"), Some(11));
        // a path that does not resolve all the way gives its deepest step's line
        assert_eq!(line(0, "reply.measures[1].nothing"), Some(7));
        assert_eq!(line(2, "kind"), None);
    }

    #[test]
    fn deep_nesting_is_followed_only_as_far_as_json_goes() {
        let depth = 100_000;
        let text = format!(
            "{}{}\n{{\"kind\": 1}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let map = json_lines(&text);
        assert!(
            map.lines.len() <= JSON_DEPTH + 2,
            "{} nodes",
            map.lines.len()
        );
        // the document after the deep one is still found
        assert_eq!(map.line(1, &parse_path("kind")), Some(1));
    }

    #[test]
    fn paths_round_trip() {
        let p = "reply.measures[3].title";
        assert_eq!(path_string(&parse_path(p)), p);
    }
}
