//! Stage 1b — page, HTML: a page parsed by html5ever (through `scraper`) and flattened as a
//! crawler flattens it: each table row a line of `cell | cell |`, each paragraph a line, `<br>` a
//! line break, runs of white space one space; scripts, styles, navigation, headers, footers,
//! forms and hidden elements dropped.
//!
//! A government page wraps the letter in a content `div` among menus, link lists and footers.
//! The content is found by its text, as readability does: every paragraph scores by its length
//! and its commas, for its parent and half for its grandparent; the element with the best score,
//! less the share of its text in links, is the content (a record table holding it instead, when
//! it sits in one). The page's label tables and label lines outside it (索引号, 发布机构, 文号 …)
//! come first as cells, then the page's heading when the content does not repeat it, then the
//! content; a page without paragraphs is read whole.
//!
//! html5ever gives no positions, so each text node is found in the source by a forward search
//! from the one before it, and its characters are matched one by one (entities and line ends
//! skipped) to map the flattened text back to the source.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use super::{Page, SourceMap};
use crate::vocab::{labels, letter};

/// Elements whose content a reader of the page never sees as the page's text.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "menu"
            | "form"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "math"
            | "canvas"
            | "map"
            | "audio"
            | "video"
    )
}

/// Elements that stand on lines of their own.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "body"
            | "address"
            | "article"
            | "blockquote"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hgroup"
            | "hr"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "ul"
    )
}

fn is_cell(name: &str) -> bool {
    matches!(name, "td" | "th" | "dt" | "dd")
}

/// Hidden by an inline style: `display:none`, `visibility:hidden`.
fn style_hides(style: &str) -> bool {
    // Most styles set fonts and sizes: they are turned away without being copied.
    let has = |word: &[u8]| {
        style
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if !has(b"none") && !has(b"hidden") {
        return false;
    }
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// What the page hides: elements by name, by attribute or inline style, and by the classes its
/// own `<style>` sheets hide (`.hide { display: none }`, `p.note, .x { display:none }`).
#[derive(Default)]
struct Hidden {
    classes: HashSet<String>,
}

impl Hidden {
    fn of(doc: &Html) -> Hidden {
        let mut classes = HashSet::new();
        for node in doc.tree.root().descendants() {
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            if el.value().name() != "style" {
                continue;
            }
            let sheet: String = el.text().collect();
            for rule in sheet.split('}') {
                let Some((selectors, body)) = rule.split_once('{') else {
                    continue;
                };
                let body: String = body
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !(body.contains("display:none") || body.contains("visibility:hidden")) {
                    continue;
                }
                for sel in selectors.split(',') {
                    // Only a selector whose last part is a class alone (`.x`, `p.x`) is
                    // read: descendants and states (`.a .b`, `.x:hover`) would need CSS.
                    let sel = sel.trim();
                    if sel.contains([' ', '>', '+', '~', ':', '[']) {
                        continue;
                    }
                    if let Some((_, class)) = sel.split_once('.')
                        && !class.is_empty()
                        && !class.contains('.')
                    {
                        classes.insert(class.to_string());
                    }
                }
            }
        }
        Hidden { classes }
    }

    /// Whether an element is dropped with what it holds: by its name, by `hidden`,
    /// `aria-hidden="true"`, `type="hidden"` or an inline style, by a class the page's sheets
    /// hide, as page furniture by its class or id, or as a `javascript:` link (a page control:
    /// `<a href="javascript:window.print()">【打印】</a>`). The attributes are read in one pass
    /// (asking for each by name interns the name, for every element, several times a page).
    fn dropped(&self, el: &scraper::node::Element) -> bool {
        if is_dropped(el.name()) {
            return true;
        }
        el.attrs().any(|(name, value)| match name {
            "hidden" => true,
            "aria-hidden" => value.trim() == "true",
            "type" => value.eq_ignore_ascii_case("hidden"),
            "style" => style_hides(value),
            "class" => {
                is_chrome(value)
                    || (!self.classes.is_empty()
                        && value
                            .split_ascii_whitespace()
                            .any(|c| self.classes.contains(c)))
            }
            "id" => is_chrome(value),
            "href" => {
                el.name() == "a"
                    && value
                        .trim_start()
                        .get(..11)
                        .is_some_and(|p| p.eq_ignore_ascii_case("javascript:"))
            }
            _ => false,
        })
    }
}

/// Page furniture named by its class or id, as the `<nav>` and `<footer>` of pages written
/// before those elements existed: `class="foot"`, `id="topnav"`, `class="crumb"`,
/// `class="share-bar"`, `class="copyright"`. Words are read whole (`nav-list`, not `canvas`).
fn is_chrome(names: &str) -> bool {
    names
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| (3..=10).contains(&w.len()))
        .any(|word| {
            let mut w = [0u8; 10];
            w[..word.len()].copy_from_slice(word.as_bytes());
            w.make_ascii_lowercase();
            matches!(
                &w[..word.len()],
                b"foot"
                    | b"footer"
                    | b"bottom"
                    | b"copyright"
                    | b"nav"
                    | b"navbar"
                    | b"topnav"
                    | b"menu"
                    | b"crumb"
                    | b"crumbs"
                    | b"breadcrumb"
                    | b"position"
                    | b"location"
                    | b"share"
                    | b"sidebar"
                    | b"topbar"
                    | b"banner"
                    | b"related"
                    | b"print"
            )
        })
}

fn html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Flattens a page (its decoded source) into pipe text. Never fails: markup that makes no
/// sense is read as browsers read it, and a page without text gives an empty text.
pub fn flatten(source: &str) -> Page {
    // Same length, same offsets: what is read from it is placed in the page as it is.
    let shallow = super::nesting::shallow(source);
    let source: &str = &shallow;
    let doc = Html::parse_document(source);
    let starts = locate_text(&doc, source);
    let hidden = Hidden::of(&doc);
    let root = body(&doc);
    let content = main_content(root, &hidden);
    let mut w = Writer::new(source, &starts, &hidden);
    if content.id() != root.id() {
        w.label_rows(root, content.id());
        if let Some(h) = heading(root, content, &hidden) {
            let text = collapse(&h.text().collect::<String>());
            let head: String = collapse(&content.text().take(40).collect::<String>())
                .chars()
                .take(300)
                .collect();
            if head.contains(&text) {
                // The content repeats it.
            } else if content.value().name() == "table" {
                // Above a record table, as a crawl of the page has it.
                w.block(h);
                w.gap(Gap::Break);
            } else {
                // Above the letter: after the label lines the content may open with.
                w.heading = Some(h);
            }
        }
    }
    w.block(content);
    if let Some(h) = w.heading.take() {
        w.gap(Gap::Break);
        w.block(h);
    }
    let mut text = w.text;
    if !text.ends_with('\n') && !text.is_empty() {
        text.push('\n');
    }
    Page { text, map: w.map }
}

/// White space runs as one space, trimmed.
fn collapse(s: &str) -> String {
    s.split(html_space)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{a0}', " ")
        .trim()
        .to_string()
}

fn body(doc: &Html) -> ElementRef<'_> {
    let root = doc.root_element();
    root.children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
        .unwrap_or(root)
}

/// Where each text node starts in the source. Text nodes come in source order (but for the
/// rare ones the parser moves), so each is looked for after the one before, by its first few
/// characters that no entity could have written. The searches together read at most a few
/// times the page: a node not found is placed where the last one ended.
fn locate_text(doc: &Html, source: &str) -> HashMap<NodeId, usize> {
    const WINDOW: usize = 1 << 20;
    let mut budget = source.len().saturating_mul(4) + WINDOW;
    let mut starts = HashMap::new();
    let mut cursor = 0;
    for node in doc.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let text: &str = t;
        let (k, needle) = needle(text);
        if needle.is_empty() || budget == 0 {
            starts.insert(node.id(), cursor);
            continue;
        }
        let end = source.len().min(cursor + WINDOW).min(cursor + budget);
        let window = &source.as_bytes()[cursor..end];
        let found = memchr::memmem::find(window, needle.as_bytes());
        // What the search read: up to the match, or the whole window.
        budget -= found.map_or(window.len(), |p| p + needle.len());
        match found {
            Some(p) => {
                let p = cursor + p;
                let start = if k == 0 {
                    p
                } else {
                    source[cursor..p]
                        .rfind('>')
                        .map_or(cursor, |g| cursor + g + 1)
                };
                starts.insert(node.id(), start);
                cursor = p + needle.len();
            }
            None => {
                starts.insert(node.id(), cursor);
            }
        }
    }
    starts
}

/// The first run of up to a dozen bytes of a text node that the source must hold as written
/// (no white space, nothing an entity usually writes), and its byte offset in the node.
fn needle(text: &str) -> (usize, &str) {
    let safe = |c: char| !html_space(c) && !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{a0}');
    let Some((k, _)) = text.char_indices().find(|(_, c)| safe(*c)) else {
        return (0, "");
    };
    let mut end = k;
    for (i, c) in text[k..].char_indices() {
        if !safe(c) || i >= 12 {
            break;
        }
        end = k + i + c.len_utf8();
    }
    (k, &text[k..end])
}

/// Per-element sums of the text below it, for finding the content.
#[derive(Default, Clone, Copy)]
struct Tally {
    /// Characters of text below, all of it and inside links.
    text: usize,
    links: usize,
    /// Characters and commas of the text that is the element's own (not inside a block below).
    own: usize,
    commas: usize,
    /// The scores of the paragraphs below, each counted once.
    weight: f64,
}

/// Characters (not white space) and commas of a text: how much prose it is. One pass over the
/// bytes: a character starts at every byte that does not continue one, and the full-width
/// commas and stops (`，` `；` EF BC 8C/9B, `。` `、` E3 80 82/81) end on a byte of their own.
fn prose(t: &str) -> (usize, usize) {
    let b = t.as_bytes();
    let (mut chars, mut commas) = (0, 0);
    for (i, &x) in b.iter().enumerate() {
        if (x & 0xC0) != 0x80 && !matches!(x, b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
            chars += 1;
        }
        let lead = |a: u8, c: u8| i >= 2 && b[i - 2] == a && b[i - 1] == c;
        commas += usize::from(match x {
            b',' => true,
            0x8C | 0x9B => lead(0xEF, 0xBC),
            0x81 | 0x82 => lead(0xE3, 0x80),
            _ => false,
        });
    }
    (chars, commas)
}

/// The element that holds the page's letter: the best-scoring container of paragraphs.
fn main_content<'a>(root: ElementRef<'a>, hidden: &Hidden) -> ElementRef<'a> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut tallies: HashMap<NodeId, Tally> = HashMap::new();
    let mut stack: Vec<(NodeId, bool, Tally)> = Vec::new();
    let mut skipping = 0usize;
    let mut in_link = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    if skipping > 0 || hidden.dropped(el) {
                        skipping += 1;
                        continue;
                    }
                    if el.name() == "a" {
                        in_link += 1;
                    }
                    stack.push((node.id(), is_block(el.name()), Tally::default()));
                }
                Node::Text(t) if skipping == 0 => {
                    let (n, commas) = prose(t);
                    if let Some(top) = stack.last_mut() {
                        top.2.text += n;
                        top.2.own += n;
                        top.2.commas += commas;
                        if in_link > 0 {
                            top.2.links += n;
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(el) = node.value() else {
                    continue;
                };
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                if el.name() == "a" {
                    in_link = in_link.saturating_sub(1);
                }
                let Some((id, block, mut tally)) = stack.pop() else {
                    continue;
                };
                if block && tally.own >= 10 {
                    let s = 1.0 + tally.commas as f64 + (tally.own / 100).min(3) as f64;
                    tally.weight += s;
                    // A container holding its text without paragraphs is a candidate itself.
                    if !matches!(
                        el.name(),
                        "p" | "li" | "dd" | "dt" | "pre" | "h1" | "h2" | "h3"
                    ) {
                        *scores.entry(id).or_default() += s;
                    }
                    let mut up = node.parent();
                    for share in [1.0, 0.5] {
                        let Some(p) = up else { break };
                        *scores.entry(p.id()).or_default() += s * share;
                        up = p.parent();
                    }
                }
                if let Some(parent) = stack.last_mut() {
                    parent.2.text += tally.text;
                    parent.2.links += tally.links;
                    parent.2.weight += tally.weight;
                    if !block {
                        parent.2.own += tally.own;
                        parent.2.commas += tally.commas;
                    }
                }
                // Only blocks can be the content: inline elements are not remembered.
                if block || id == root.id() {
                    tallies.insert(id, tally);
                }
            }
        }
    }
    let mut best: Option<(f64, NodeId)> = None;
    for node in root.descendants() {
        let Some(&s) = scores.get(&node.id()) else {
            continue;
        };
        let t = tallies.get(&node.id()).copied().unwrap_or_default();
        let s = s * (1.0 - t.links as f64 / t.text.max(1) as f64);
        // On a tie the first found wins: an ancestor before what it holds.
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, node.id()));
        }
    }
    let Some((top_score, found)) = best.and_then(|(s, id)| {
        root.tree()
            .get(id)
            .and_then(ElementRef::wrap)
            .map(|e| (s, e))
    }) else {
        return root;
    };
    // The letter is most of the page's prose: an element that holds less than three quarters
    // of it (one cell of a table the letter runs through) gives way to the ancestor that holds
    // that much.
    let total = tallies.get(&root.id()).map_or(0.0, |t| t.weight);
    let weight = |e: &ElementRef<'_>| tallies.get(&e.id()).map_or(0.0, |t| t.weight);
    let found = std::iter::once(found)
        .chain(found.ancestors().filter_map(ElementRef::wrap))
        .find(|a| a.id() == root.id() || weight(a) >= total * 0.75)
        .unwrap_or(found);
    // Part of the letter beside the best element (a salutation in a paragraph of its own, a
    // signature in the next `div`) takes their parent instead, as readability takes siblings.
    let found = match found.parent().and_then(ElementRef::wrap) {
        Some(parent)
            if parent.id() != root.id()
                && found
                    .prev_siblings()
                    .chain(found.next_siblings())
                    .filter_map(ElementRef::wrap)
                    .filter(|sib| !hidden.dropped(sib.value()))
                    .any(|sib| {
                        let sib_score = scores.get(&sib.id()).copied().unwrap_or(0.0);
                        let t = tallies.get(&sib.id()).copied().unwrap_or_default();
                        let text = collapse(&sib.text().collect::<String>());
                        let plain = t.links * 4 < t.text.max(1);
                        sib_score >= top_score * 0.2
                            || (plain && text.chars().count() >= 40 && text.contains('。'))
                            || (plain
                                && (2..=40).contains(&text.chars().count())
                                && text.ends_with([':', '：']))
                    }) =>
        {
            parent
        }
        _ => found,
    };
    // A record table (建议人 | … | 答复内容 | …) is read whole, labels and all.
    found
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take_while(|a| a.id() != root.id())
        .find(|a| a.value().name() == "table" && label_cells(*a) >= 2)
        .unwrap_or(found)
}

/// An element's text when it is at most `max` bytes (labels are short; most cells and
/// paragraphs are turned away without being copied whole).
fn text_upto(el: ElementRef<'_>, max: usize) -> Option<String> {
    let mut out = String::new();
    // An element of more nodes than that is no label or title, however little text it has.
    for (n, node) in el.descendants().enumerate() {
        if n == max {
            return None;
        }
        if let Node::Text(t) = node.value() {
            if out.len() + t.len() > max {
                return None;
            }
            out.push_str(t);
        }
    }
    Some(out)
}

/// The first `max` bytes or so of an element's text (whole pieces, so never cut inside a
/// character), read from at most `max` nodes.
fn text_prefix(el: ElementRef<'_>, max: usize) -> String {
    let mut out = String::new();
    for node in el.descendants().take(max) {
        if out.len() >= max {
            break;
        }
        if let Node::Text(t) = node.value() {
            out.push_str(t);
        }
    }
    out
}

/// How many cells of a table (or `dl`) are known labels: its own cells, not those of tables
/// inside them.
fn label_cells(table: ElementRef<'_>) -> usize {
    let mut count = 0;
    // Walked in any order: only the count matters.
    let mut stack: Vec<ego_tree::NodeRef<'_, Node>> = table.children().collect();
    while let Some(node) = stack.pop() {
        if let Some(el) = ElementRef::wrap(node) {
            let name = el.value().name();
            // A table of its own: its cells are its own, and it is not walked.
            if matches!(name, "table" | "dl") {
                continue;
            }
            if is_cell(name) && text_upto(el, 96).is_some_and(|t| is_label(&t)) {
                count += 1;
            }
        }
        stack.extend(node.children());
    }
    count
}

/// A table of label and value cells is read as cells; any other (a page laid out in table
/// cells, as older sites are) as the blocks it holds.
fn is_grid(table: ElementRef<'_>) -> bool {
    label_cells(table) >= 1
}

fn is_label(text: &str) -> bool {
    // The longest label is a dozen characters, with spaces inside: most text is turned away
    // by its length or its first character before it is copied.
    if text.len() > 96 || !labels::may_be_label(text) {
        return false;
    }
    let t = collapse(text);
    t.chars().count() <= 16 && labels::lookup(&labels::normalize(&t).0).is_some()
}

/// The label a line of text starts with, before its colon: `索引号：…`.
fn leading_label(text: &str) -> bool {
    let t = collapse(text);
    let Some(colon) = t.find([':', '：']) else {
        return false;
    };
    colon > 0 && is_label(&t[..colon])
}

/// Whether an inline element is the bold label that opens its paragraph, with a value after
/// it (`<p><strong>标题：</strong>关于…</p>`): then it is a cell of its own, and so is the rest of
/// the paragraph, whose element is returned.
fn opens_with_label(node: ego_tree::NodeRef<'_, Node>) -> Option<NodeId> {
    let el = ElementRef::wrap(node)?;
    if !matches!(
        el.value().name(),
        "strong" | "b" | "span" | "label" | "font" | "em"
    ) {
        return None;
    }
    let parent = ElementRef::wrap(node.parent()?)?;
    if !matches!(parent.value().name(), "p" | "div" | "li") {
        return None;
    }
    let first = parent.children().find(|c| match c.value() {
        Node::Text(t) => !t.chars().all(html_space),
        Node::Element(_) => true,
        _ => false,
    })?;
    if first.id() != node.id() || !text_upto(el, 96).is_some_and(|t| is_label(&t)) {
        return None;
    }
    let rest = node.next_siblings().any(|n| match n.value() {
        Node::Text(t) => !t.chars().all(|c| html_space(c) || c == '\u{a0}'),
        Node::Element(_) => ElementRef::wrap(n).is_some_and(|e| {
            e.text()
                .any(|t| !t.chars().all(|c| html_space(c) || c == '\u{a0}'))
        }),
        _ => false,
    });
    rest.then(|| parent.id())
}

/// Whether text opens a second `label：value` pair of a metadata line: a short word (two to
/// eight characters, no spaces) and its colon.
fn next_pair(t: &str) -> bool {
    let Some(colon) = t.find([':', '：']) else {
        return false;
    };
    let word = &t[..colon];
    (2..=8).contains(&word.chars().count()) && !word.chars().any(|c| c.is_whitespace())
}

/// Whether a text node is the start of a bold label that opens its paragraph.
fn opens_label_row(text: ego_tree::NodeRef<'_, Node>) -> bool {
    text.ancestors()
        .take(2)
        .any(|a| opens_with_label(a).is_some())
}

/// The page's own heading before the content: the nearest `h1`–`h3` (or element whose class
/// names a title) before it that reads as a reply's title.
fn heading<'a>(
    root: ElementRef<'a>,
    content: ElementRef<'a>,
    hidden: &Hidden,
) -> Option<ElementRef<'a>> {
    let mut found = None;
    // The dropped element the walk is inside, if any: what it holds is never the heading.
    let mut dropped: Option<NodeId> = None;
    for edge in root.traverse() {
        let node = match edge {
            Edge::Open(node) => node,
            Edge::Close(node) => {
                if dropped == Some(node.id()) {
                    dropped = None;
                }
                continue;
            }
        };
        if node.id() == content.id() {
            break;
        }
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        if dropped.is_some() {
            continue;
        }
        if hidden.dropped(el.value()) {
            dropped = Some(node.id());
            continue;
        }
        let name = el.value().name();
        let titled = matches!(name, "h1" | "h2" | "h3")
            || el.value().attrs().any(|(k, v)| {
                k == "class"
                    && v.as_bytes()
                        .windows(5)
                        .any(|w| w.eq_ignore_ascii_case(b"title"))
            });
        if titled && text_upto(el, 400).is_some_and(|t| letter::is_title_end(&collapse(&t))) {
            found = Some(el);
        }
    }
    found
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Break,
}

struct Writer<'a> {
    source: &'a str,
    starts: &'a HashMap<NodeId, usize>,
    hidden: &'a Hidden,
    /// The page's heading, written before the first text of the content that is not in a
    /// label row or cell.
    heading: Option<ElementRef<'a>>,
    text: String,
    map: SourceMap,
    /// What separates the next text from the text before it.
    gap: Gap,
    /// No text yet on this line (or in this cell).
    line_empty: bool,
    /// Writing a line of `label：value` pairs outside the content: each pair is a cell.
    label_line: bool,
    pre: usize,
}

impl<'a> Writer<'a> {
    fn new(source: &'a str, starts: &'a HashMap<NodeId, usize>, hidden: &'a Hidden) -> Self {
        Writer {
            source,
            starts,
            hidden,
            heading: None,
            text: String::with_capacity(source.len() / 2),
            map: SourceMap::default(),
            gap: Gap::None,
            line_empty: true,
            label_line: false,
            pre: 0,
        }
    }

    fn gap(&mut self, g: Gap) {
        self.gap = self.gap.max(g);
    }

    /// Writes the separator owed before new text.
    fn open_text(&mut self) {
        match std::mem::replace(&mut self.gap, Gap::None) {
            Gap::Break if !self.line_empty => {
                self.text.push('\n');
                self.line_empty = true;
            }
            Gap::Space if !self.line_empty => self.text.push(' '),
            _ => {}
        }
    }

    /// Ends a cell: ` |` after its text, and the next cell starts afresh.
    fn end_cell(&mut self, wrote: bool) {
        if wrote {
            self.gap = Gap::None;
            self.text.push_str(" | ");
            self.line_empty = false;
        }
    }

    /// Label tables and label lines outside the content, in page order, as cells.
    fn label_rows(&mut self, root: ElementRef<'_>, content: NodeId) {
        let holders: HashSet<NodeId> = root
            .tree()
            .get(content)
            .map(|c| c.ancestors().map(|a| a.id()).collect())
            .unwrap_or_default();
        let mut skip_until: Option<NodeId> = None;
        for edge in root.traverse() {
            let Edge::Open(node) = edge else {
                if let Edge::Close(n) = edge
                    && Some(n.id()) == skip_until
                {
                    skip_until = None;
                }
                continue;
            };
            if skip_until.is_some() || node.id() == content {
                if skip_until.is_none() {
                    skip_until = Some(node.id());
                }
                continue;
            }
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let name = el.value().name();
            if self.hidden.dropped(el.value()) {
                skip_until = Some(node.id());
                continue;
            }
            if holders.contains(&node.id()) {
                continue;
            }
            let labeled = match name {
                "table" | "dl" => is_grid(el),
                _ if is_block(name) => {
                    !el.children()
                        .filter_map(ElementRef::wrap)
                        .any(|c| is_block(c.value().name()))
                        && leading_label(&text_prefix(el, 128))
                }
                _ => false,
            };
            if labeled {
                self.gap(Gap::Break);
                self.label_line = !matches!(name, "table" | "dl");
                self.block(el);
                self.label_line = false;
                if !matches!(name, "table" | "dl") && !self.line_empty {
                    self.end_cell(true);
                }
                self.gap(Gap::Break);
                skip_until = Some(node.id());
            }
        }
    }

    /// Writes an element and what is below it.
    fn block(&mut self, top: ElementRef<'_>) {
        // (element, whether it wrote text) for cells open below `top`.
        let mut cells: Vec<(NodeId, usize)> = Vec::new();
        // Open tables and `dl`s, and whether each is read as cells.
        let mut grids: Vec<(NodeId, bool)> = Vec::new();
        // Paragraphs that opened with a bold label, whose rest is the label's value cell.
        let mut label_rows: Vec<NodeId> = Vec::new();
        let mut skipping: Option<NodeId> = None;
        for edge in top.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Element(el) => {
                            if self.hidden.dropped(el) && node.id() != top.id() {
                                skipping = Some(node.id());
                                continue;
                            }
                            let name = el.name();
                            match name {
                                "br" | "tr" => self.gap(Gap::Break),
                                "table" | "dl" => {
                                    let grid = ElementRef::wrap(node).is_some_and(is_grid);
                                    grids.push((node.id(), grid));
                                    self.gap(Gap::Break);
                                }
                                "td" | "th" | "dt" | "dd"
                                    if grids.last().is_some_and(|(_, grid)| *grid) =>
                                {
                                    if name == "dt" {
                                        self.gap(Gap::Break);
                                    }
                                    // The row's break is written now; space before the
                                    // cell's first text is not.
                                    if self.gap == Gap::Break {
                                        self.open_text();
                                    }
                                    self.gap = Gap::None;
                                    cells.push((node.id(), self.text.len()));
                                    self.line_empty = true;
                                }
                                "pre" => {
                                    self.pre += 1;
                                    self.gap(Gap::Break);
                                }
                                _ if is_block(name) => self.gap(Gap::Break),
                                _ => {}
                            }
                        }
                        Node::Text(t) => {
                            if self.heading.is_some()
                                && cells.is_empty()
                                && label_rows.is_empty()
                                && !t.chars().all(html_space)
                                && !opens_label_row(node)
                            {
                                let h = self.heading.take();
                                if let Some(h) = h {
                                    self.gap(Gap::Break);
                                    self.block(h);
                                    self.gap(Gap::Break);
                                }
                            }
                            self.write_text(node.id(), t)
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some(s) = skipping {
                        if s == node.id() {
                            skipping = None;
                        }
                        continue;
                    }
                    let Node::Element(el) = node.value() else {
                        continue;
                    };
                    let name = el.name();
                    if grids.last().is_some_and(|(id, _)| *id == node.id()) {
                        grids.pop();
                    }
                    if cells.last().is_some_and(|(id, _)| *id == node.id()) {
                        let (_, at) = cells.pop().unwrap_or((node.id(), 0));
                        let wrote = self.text.len() > at;
                        self.end_cell(wrote);
                        if name == "dd" {
                            self.gap(Gap::Break);
                        }
                        continue;
                    }
                    if name == "pre" {
                        self.pre = self.pre.saturating_sub(1);
                    }
                    if label_rows.last() == Some(&node.id()) {
                        label_rows.pop();
                        self.end_cell(!self.line_empty);
                    } else if let Some(row) = opens_with_label(node) {
                        self.end_cell(true);
                        label_rows.push(row);
                    }
                    if is_block(name) {
                        self.gap(Gap::Break);
                    }
                }
            }
        }
    }

    /// Writes a text node, collapsing white space (but in `<pre>`), mapping each character
    /// copied as it stands in the source.
    fn write_text(&mut self, id: NodeId, t: &str) {
        let mut raw = self.starts.get(&id).copied();
        let mut i = 0;
        while i < t.len() {
            // A run of plain characters that the source holds byte for byte (no entity, no
            // line end inside) is copied and mapped whole; anything else goes a character at
            // a time.
            let rest = &t[i..];
            let run = rest
                .find(|c: char| html_space(c) || matches!(c, '|' | '\u{a0}' | '&'))
                .unwrap_or(rest.len());
            let copied = raw.filter(|&r| {
                run > 1
                    && self
                        .source
                        .as_bytes()
                        .get(r..)
                        .is_some_and(|b| b.starts_with(&rest.as_bytes()[..run]))
            });
            if let Some(r) = copied {
                self.open_text();
                self.split_pair(&t[i..]);
                self.line_empty = false;
                self.map.copy(self.text.len(), r, run);
                self.text.push_str(&rest[..run]);
                raw = Some(r + run);
                i += run;
                continue;
            }
            // The run (or the one special character) a character at a time.
            let end = i + run.max(rest.chars().next().map_or(1, char::len_utf8));
            for (k, c) in t[i..end].char_indices() {
                self.write_char(c, &t[i + k..], &mut raw);
            }
            i = end;
        }
    }

    /// Writes one character of a text node (`rest` is the node's text from it on).
    fn write_char(&mut self, c: char, rest: &str, raw: &mut Option<usize>) {
        let at = raw.and_then(|r| self.align(raw, r, c));
        if html_space(c) {
            if self.pre > 0 && c == '\n' {
                self.gap(Gap::Break);
                self.line_empty = false;
                self.open_text();
                self.line_empty = true;
            } else if self.pre > 0 {
                self.open_text();
                self.text.push(' ');
            } else {
                self.gap(Gap::Space);
            }
            return;
        }
        self.open_text();
        self.split_pair(rest);
        self.line_empty = false;
        let flat = self.text.len();
        match c {
            // A pipe in the text would cut a cell in two.
            '|' => self.text.push('｜'),
            '\u{a0}' => self.text.push(' '),
            _ => {
                self.text.push(c);
                if let Some(src) = at {
                    self.map.copy(flat, src, c.len_utf8());
                }
            }
        }
    }

    /// In a metadata line, a second `label：value` pair after a run of spaces starts a cell of
    /// its own: `发布时间：2023-07-12&nbsp;&nbsp;来源：某局` is two cells. The spaces before it
    /// were written for white space, never copied from the source, so they can go.
    fn split_pair(&mut self, rest: &str) {
        if self.label_line && self.text.ends_with("  ") && next_pair(rest) {
            self.text.truncate(self.text.trim_end_matches(' ').len());
            self.text.push_str(" | ");
        }
    }

    /// Steps the source position past the character `c` came from; where the source holds
    /// `c` as written, returns its offset.
    fn align(&self, raw: &mut Option<usize>, r: usize, c: char) -> Option<usize> {
        let rest = self.source.get(r..)?;
        let b = rest.as_bytes();
        // An entity (`&amp;`, `&#20320;`, `&#x4f60;`, a legacy one without `;`) wrote `c`,
        // even when `c` is the `&` it starts with.
        let entity = b.first() == Some(&b'&')
            && b.get(1)
                .is_some_and(|n| *n == b'#' || n.is_ascii_alphanumeric());
        if !entity && rest.starts_with(c) {
            *raw = Some(r + c.len_utf8());
            return Some(r);
        }
        if entity {
            let mut i = 1;
            if b.get(i) == Some(&b'#') {
                i += 1;
            }
            while i < b.len() && i < 32 && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if b.get(i) == Some(&b';') {
                i += 1;
            }
            *raw = Some(r + i);
        } else if c == '\n' && b.first() == Some(&b'\r') {
            *raw = Some(r + if b.get(1) == Some(&b'\n') { 2 } else { 1 });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(html: &str) -> String {
        flatten(html).text
    }

    #[test]
    fn paragraphs_breaks_and_white_space() {
        let t = flat(
            "<html><body><p>第一段，\n  有空格。</p><p>第二&nbsp;段<br>换行</p></body></html>",
        );
        assert_eq!(t, "第一段， 有空格。\n第二 段\n换行\n");
    }

    #[test]
    fn tables_become_cells_and_chrome_is_dropped() {
        let t = flat(
            "<body><nav>首页 | 政务公开</nav><script>var a='<p>x</p>';</script>\
             <table><tr><th>索 引 号</th><td>0123/2024-01</td></tr>\
             <tr><td>标题：</td><td><p>关于某事的答复</p><p>第二行</p></td><td></td></tr></table>\
             <div style='display: none'>隐藏</div><footer>版权所有</footer></body>",
        );
        assert_eq!(
            t,
            "索 引 号 | 0123/2024-01 | \n标题： | 关于某事的答复\n第二行 | \n"
        );
    }

    #[test]
    fn positions_map_back_to_the_source() {
        let src =
            "<html>\n<body>\n<p>&nbsp;一、加强&amp;管理。</p>\r\n<p>二、第二条</p></body></html>";
        let page = flatten(src);
        let at = page.text.find("管理").unwrap();
        let s = page.map.source_offset(at);
        assert_eq!(&src[s..s + "管理".len()], "管理");
        let at = page.text.find("二、").unwrap();
        let s = page.map.source_offset(at);
        assert_eq!(&src[s..s + "二、".len()], "二、");
    }

    /// Every text node of a long page is found (the searches are charged what they read, not
    /// the rest of the page each time), so almost all of the text maps back to its source.
    #[test]
    fn long_pages_map_all_their_text() {
        let mut src = String::from("<html><body><div id=zoom>");
        for i in 0..2000 {
            src.push_str(&format!("<p><span>第{i}段，内容&amp;说明。</span></p>\n"));
        }
        src.push_str("</div></body></html>");
        let page = flatten(&src);
        let mapped: usize = page.map.stretches.iter().map(|s| s.2).sum();
        let text: usize = page
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(char::len_utf8)
            .sum();
        assert!(mapped + 2000 >= text, "{mapped} of {text} bytes mapped");
        let at = page.text.find("第1999段").unwrap();
        let s = page.map.source_offset(at);
        assert!(src[s..].starts_with("第1999段"));
    }

    #[test]
    fn the_content_is_found_among_menus() {
        let mut page = String::from("<body><div class='menu'>");
        for i in 0..30 {
            page.push_str(&format!("<a href='/{i}'>栏目链接第{i}项</a><br>"));
        }
        page.push_str("</div><h1>关于第5号提案的答复</h1><div class='info'>发布机构：某某局</div>");
        page.push_str("<div id='zoom'><p>张三委员：</p>");
        for _ in 0..4 {
            page.push_str(
                "<p>您提出的建议收悉，现答复如下：我们高度重视，认真研究，积极推进。</p>",
            );
        }
        page.push_str("</div><div class='links'><a href='/x'>相关链接</a></div></body>");
        let t = flat(&page);
        assert!(
            t.starts_with("发布机构：某某局 | \n关于第5号提案的答复\n张三委员：\n"),
            "{t}"
        );
        assert!(!t.contains("栏目") && !t.contains("相关链接"), "{t}");
    }
}
