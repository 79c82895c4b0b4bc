//! Stage 3 — fields: labeled cells to typed fields. Walks the cells of a pipe table, pairs each
//! label with its value (same row, next row, or inline after a colon), splits concatenated
//! records, and converts values: numbers to identifiers, unit lists to names, dates to ISO.
//! Whatever it cannot place goes to `extra`, never away.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;

use crate::cells::Cell;
use crate::date::{self, Era};
use crate::diag::{Code, Collector};
use crate::record::{Kind, Record, Units};
use crate::scan;
use crate::text::{self, Para};
use crate::vocab;
use crate::vocab::labels::{self, Field, Label};
use crate::vocab::letter;

/// The key under which cells without a label are kept in `extra`.
pub const UNLABELED: &str = "_unlabeled";

/// A value as it stands in the input: trimmed cell text and its byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value<'t> {
    pub text: &'t str,
    pub start: usize,
}

impl<'t> From<Cell<'t>> for Value<'t> {
    fn from(c: Cell<'t>) -> Self {
        Value {
            text: c.text,
            start: c.start,
        }
    }
}

impl<'t> Value<'t> {
    pub fn paragraphs(&self) -> Vec<Para<'t>> {
        text::paragraphs(self.text, self.start)
    }
}

/// One record's labeled values, before typing.
#[derive(Clone, Debug, Default)]
pub struct RawRecord<'t> {
    /// Byte offset where the record starts.
    pub start: usize,
    /// Some label was written in traditional characters (so years below 1000 are ROC years).
    pub traditional: bool,
    /// What labels naming the record said about its kind (提案号 → proposal, 建议内容 →
    /// suggestion …).
    pub kind_hints: Vec<Kind>,
    /// What labels naming who filed it said (委员 → proposal, 领衔代表 → suggestion …): weaker,
    /// since a party congress's delegates file 提案.
    pub filer_hints: Vec<Kind>,
    pub proposer: Option<Value<'t>>,
    pub number: Option<Value<'t>>,
    pub title: Option<Value<'t>>,
    pub content: Vec<Value<'t>>,
    /// Values of 承办单位 itself (roles may be written inside: `主办:甲局;协办:乙局`).
    pub units: Vec<Value<'t>>,
    pub lead: Vec<Value<'t>>,
    pub assisting: Vec<Value<'t>>,
    /// The reply date and its label as written (for `extra` when it does not parse).
    pub reply_date: Option<(String, Value<'t>)>,
    pub reply: Vec<Value<'t>>,
    pub category: Option<Value<'t>>,
    pub doc_number: Option<Value<'t>>,
    pub session: Option<Value<'t>>,
    /// The page's own title (信息名称, or a 名称 cell naming the reply), also kept in `extra`.
    pub page_title: Option<Value<'t>>,
    /// Labeled cells with no field, label as written (no colon, no spaces), in input order.
    pub extra: Vec<(String, Value<'t>)>,
}

impl RawRecord<'_> {
    /// Holds something of a proposal or reply, not just page metadata.
    pub fn is_substantial(&self) -> bool {
        self.proposer.is_some()
            || self.number.is_some()
            || self.title.is_some()
            || !self.content.is_empty()
            || !self.reply.is_empty()
            || !self.units.is_empty()
            || !self.lead.is_empty()
            || self.reply_date.is_some()
    }

    fn has_text(&self) -> bool {
        !self.reply.is_empty() || !self.content.is_empty()
    }
}

/// Labels waiting for their value.
#[derive(Clone, Debug)]
struct Pending {
    /// None for a label propex does not know.
    label: Option<Label>,
    /// As written, without colon or spaces: the key in `extra`.
    written: String,
    traditional: bool,
}

impl Pending {
    /// Long text takes any next cell as its value, even one that ends in a colon (a salutation).
    fn takes_long_text(&self) -> bool {
        matches!(
            self.label.map(|l| l.field),
            Some(Field::Content | Field::Reply | Field::Outcome)
        )
    }
}

#[derive(Clone, Debug)]
enum Class<'t> {
    /// A label cell, known or not, with nothing after the colon.
    Label(Pending),
    /// `主办:科技局` — a label and its value in one cell.
    Inline(Pending, Cell<'t>),
    Text,
}

impl Class<'_> {
    /// The known label a label cell or line opens with (with or without its value).
    fn known(&self) -> Option<Label> {
        match self {
            Class::Label(p) | Class::Inline(p, _) => p.label,
            Class::Text => None,
        }
    }
}

/// Where the last value went, so that a stray cell right after it can join it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Content,
    Reply,
    Lead,
    Assisting,
    Units,
    Other,
}

/// Shorter than this, a value after `某某:` is not taken for a letter.
const LETTER_MIN_BYTES: usize = 60;

/// How many colon-less label lines make a text a table of label lines.
const LABEL_LINES: usize = 4;

/// Walks the cells of one input and returns its records.
pub fn records<'t>(cells: &[Cell<'t>], diags: &mut Collector) -> Vec<RawRecord<'t>> {
    let mut w = Walker {
        done: Vec::new(),
        cur: RawRecord::default(),
        pending: None,
        last: None,
        diags,
    };
    if let Some(first) = cells.first() {
        w.cur.start = first.start;
    }
    for &c in cells {
        w.cell(c);
    }
    let mut done = w.finish();
    for r in &mut done {
        if content_is_the_reply(r) {
            r.reply = std::mem::take(&mut r.content);
        }
    }
    done
}

/// A page whose text cell is its 内容 (`标题 | 关于…提案的答复 | 内容 | 某某委员：您提出的…收悉…`)
/// holds the reply letter there, not the proposal's text: a salutation near the top and an
/// opening (`收悉`, `答复如下`).
fn content_is_the_reply(r: &RawRecord<'_>) -> bool {
    let [only] = r.content.as_slice() else {
        return false;
    };
    if !r.reply.is_empty() {
        return false;
    }
    let head = vocab::head(only.text, 4096);
    letter::OPENING.is_match(head) && salutation_near_top(&text::paragraphs(head, 0))
}

/// A salutation among the first paragraphs a letter's head may take.
fn salutation_near_top(paras: &[Para<'_>]) -> bool {
    paras
        .iter()
        .take(letter::HEAD_LIMIT)
        .enumerate()
        .any(|(k, p)| letter::salutation(p.text, paras.get(k + 1).map(|n| n.text)).is_some())
}

struct Walker<'t, 'd> {
    done: Vec<RawRecord<'t>>,
    cur: RawRecord<'t>,
    pending: Option<Pending>,
    last: Option<Slot>,
    diags: &'d mut Collector,
}

impl<'t> Walker<'t, '_> {
    fn cell(&mut self, c: Cell<'t>) {
        if let Some(p) = self.pending.take() {
            match classify(c) {
                Class::Label(next) if next.label.is_some() || !p.takes_long_text() => {
                    self.empty(p);
                    self.open(next, c.start);
                }
                Class::Inline(next, value) if !p.takes_long_text() => {
                    self.empty(p);
                    self.open(next, c.start);
                    self.cell(value);
                }
                // A short label (`瀏覽量`, `文号`) left empty at the end of the page's rows: the
                // letter that follows is not its value.
                Class::Text
                    if !p.takes_long_text()
                        && scan::has_newline(c.text)
                        && looks_like_letter(c.text) =>
                {
                    self.empty(p);
                    self.cell(c);
                }
                _ => self.value_with_trailing_label(p, c),
            }
            return;
        }
        match classify(c) {
            Class::Label(p) => self.open(p, c.start),
            Class::Inline(p, value) => {
                self.open(p, c.start);
                self.cell(value);
            }
            Class::Text if scan::has_newline(c.text) => self.text_block(c),
            Class::Text if self.cur.reply.is_empty() && looks_like_letter(c.text) => {
                self.cur.reply.push(Value::from(c));
                self.last = Some(Slot::Reply);
            }
            Class::Text => self.stray(c),
        }
    }

    /// Several lines outside any label: rows that lost their pipes (`索引号：…` lines), or a
    /// letter with no table around it, perhaps after such rows. Label lines are read one by one;
    /// from the first line that is not one, a letter is the record's reply.
    fn text_block(&mut self, c: Cell<'t>) {
        let lines = c.lines();
        let classes: Vec<Class<'t>> = lines.iter().map(|l| classify(*l)).collect();
        // A table written as label lines, each value on the line after its label, no colons
        // (Taiwan council pages): every line is a cell, as if the pipes were there.
        let bare_labels = lines
            .iter()
            .zip(&classes)
            .filter(|(l, class)| {
                !l.text.contains([':', '：'])
                    && matches!(class, Class::Label(Pending { label: Some(_), .. }))
            })
            .count();
        if bare_labels >= LABEL_LINES {
            for line in lines {
                self.cell(line);
            }
            return;
        }
        // Known labels, and short `label:value` rows of labels propex does not know
        // (`交办日期:…`, `反馈时间:`) that sit among them.
        let is_label_line = |l: Cell<'_>, class: &Class<'_>| match class {
            _ if class.known().is_some() => true,
            // A salutation (`某某代表:`) looks like one too, and is not.
            Class::Label(_) => letter::salutation(l.text, None).is_none(),
            Class::Inline(_, v) => {
                v.text.len() <= 120
                    && !letter::starts_letter(v.text, None)
                    && letter::salutation(l.text, None).is_none()
            }
            Class::Text => false,
        };
        let mut k = 0;
        while k < lines.len() {
            let line = lines[k];
            if is_label_line(line, &classes[k]) {
                self.cell(line);
                k += 1;
                continue;
            }
            // A label on its own line (`内 容:`) takes the line after it as its value, unless
            // that line starts the letter.
            let next = lines.get(k + 1).map(|n| n.text);
            if self.pending.is_some() && !letter::starts_letter(line.text, next) {
                self.cell(line);
                k += 1;
                continue;
            }
            // A page's heading lines (`某市议会第4届第5次定期会`, `议员建议事项答复`) before the
            // record's own label lines (`案由：…`, `建议人：…`) are not a letter: kept as
            // unlabeled cells (a heading that names the reply still gives number and kind).
            if self.pending.is_none()
                && self.cur.reply.is_empty()
                && let Some(j) = (k + 1..lines.len().min(k + 4)).find(|&j| {
                    classes[j].known().is_some_and(|l| {
                        matches!(l.field, Field::Proposer | Field::Number | Field::Title)
                    })
                })
                && lines[k..j].iter().all(|l| {
                    letter::is_title_part(l.text) && letter::salutation(l.text, None).is_none()
                })
                // A table of them, not a number line in a letter's head.
                && classes[j..]
                    .iter()
                    .take_while(|c| c.known().is_some())
                    .nth(1)
                    .is_some()
            {
                for &l in &lines[k..j] {
                    self.stray(l);
                }
                k = j;
                continue;
            }
            // After label lines, prose and then a reply heading on its own line (`提案答复`,
            // `答复意见`): the prose is the proposal's text, the letter follows the heading.
            if k > 0
                && self.pending.is_none()
                && self.cur.content.is_empty()
                && !letter::starts_letter(line.text, next)
                && let Some(j) = (k + 1..lines.len()).find(|&j| {
                    matches!(&classes[j], Class::Label(_))
                        && !lines[j].text.contains([':', '：'])
                        && classes[j].known().is_some_and(|l| l.field == Field::Reply)
                })
                && j + 1 < lines.len()
                && !lines[k..j]
                    .iter()
                    .any(|l| letter::salutation(l.text, None).is_some())
            {
                let end = lines[j - 1].start + lines[j - 1].text.len();
                self.cur.content.push(Value::from(
                    c.slice(line.start - c.start..end - c.start, true),
                ));
                self.cell(lines[j]);
                self.cell(c.slice(lines[j + 1].start - c.start..c.text.len(), true));
                return;
            }
            let rest = c.slice(line.start - c.start..c.text.len(), true);
            if self.cur.reply.is_empty() && looks_like_letter(rest.text) {
                if let Some(p) = self.pending.take() {
                    self.empty(p);
                }
                self.cur.start = self.cur.start.min(c.start);
                self.cur.reply.push(Value::from(rest));
                self.last = Some(Slot::Reply);
                return;
            }
            break;
        }
        for &line in &lines[k..] {
            self.cell(line);
        }
    }

    /// A multi-line value whose last line is a known label (`甲\n内容:`) lost the pipe between a
    /// value and the next row: split them.
    fn value_with_trailing_label(&mut self, p: Pending, c: Cell<'t>) {
        if let Some(nl) = memchr::memrchr(b'\n', c.text.as_bytes()) {
            let tail = c.slice(nl + 1..c.text.len(), true);
            if let Class::Label(next @ Pending { label: Some(_), .. }) = classify(tail) {
                let head = c.slice(0..nl, c.row_start);
                self.assign(p, head);
                self.open(next, tail.start);
                return;
            }
        }
        self.assign(p, c);
    }

    fn open(&mut self, p: Pending, at: usize) {
        if let Some(label) = p.label {
            if self.starts_new_record(label.field) {
                let next = RawRecord {
                    start: at,
                    ..RawRecord::default()
                };
                let prev = std::mem::replace(&mut self.cur, next);
                self.push_record(prev);
            }
            if label.field == Field::Proposer {
                self.cur.filer_hints.extend(label.kind);
            } else {
                self.cur.kind_hints.extend(label.kind);
            }
        }
        self.cur.traditional |= p.traditional;
        self.pending = Some(p);
    }

    /// Concatenated files begin each record again: a second proposer row, page metadata after a
    /// reply, or a second number / title once the first record has its text.
    fn starts_new_record(&self, field: Field) -> bool {
        let cur = &self.cur;
        match field {
            Field::Proposer => cur.proposer.is_some(),
            Field::Meta => cur.has_text(),
            Field::Number => cur.number.is_some() && cur.has_text(),
            Field::Title => cur.title.is_some() && cur.has_text(),
            _ => false,
        }
    }

    fn push_record(&mut self, rec: RawRecord<'t>) {
        if rec.is_substantial() {
            self.done.push(rec);
        } else {
            // Page metadata with no record after it belongs to the record before it.
            self.cur.extra.splice(0..0, rec.extra);
            self.cur.start = self.cur.start.min(rec.start);
            self.cur.traditional |= rec.traditional;
        }
    }

    /// A label whose value cell was empty. Known fields stay null; other labels are kept with an
    /// empty value so that nothing in the input disappears.
    fn empty(&mut self, p: Pending) {
        let keep = match p.label.map(|l| l.field) {
            None | Some(Field::Meta | Field::Other | Field::Session | Field::DocNumber) => true,
            Some(_) => false,
        };
        if keep {
            self.cur
                .extra
                .push((p.written, Value { text: "", start: 0 }));
        }
    }

    fn assign(&mut self, p: Pending, c: Cell<'t>) {
        let v = Value::from(c);
        let cur = &mut self.cur;
        let field = p.label.map(|l| l.field);
        self.last = Some(Slot::Other);
        match field {
            Some(Field::Proposer) => set_once(&mut cur.proposer, v, p, &mut cur.extra),
            Some(Field::Number) => set_once(&mut cur.number, v, p, &mut cur.extra),
            // `名称: | 关于…第96号提案的答复 |` names the page (the reply), not the proposal.
            Some(Field::Title) if letter::is_title_end(v.text) => {
                cur.page_title.get_or_insert(v);
                cur.extra.push((p.written, v));
            }
            Some(Field::Title) => set_once(&mut cur.title, v, p, &mut cur.extra),
            Some(Field::Category) => set_once(&mut cur.category, v, p, &mut cur.extra),
            // Mapped cells are not kept in `extra` too: it holds only what is not mapped.
            Some(Field::DocNumber) => set_once(&mut cur.doc_number, v, p, &mut cur.extra),
            Some(Field::Session) => set_once(&mut cur.session, v, p, &mut cur.extra),
            Some(Field::Content) => {
                cur.content.push(v);
                self.last = Some(Slot::Content);
            }
            Some(Field::Reply) if cur.reply.is_empty() => {
                cur.reply.push(v);
                self.last = Some(Slot::Reply);
            }
            Some(Field::Outcome) if is_category_code(v.text) && cur.category.is_none() => {
                cur.category = Some(v);
            }
            Some(Field::Outcome) if cur.reply.is_empty() && !is_category_code(v.text) => {
                cur.reply.push(v);
                self.last = Some(Slot::Reply);
            }
            Some(Field::Units) => {
                cur.units.push(v);
                self.last = Some(Slot::Units);
            }
            Some(Field::Lead) => {
                cur.lead.push(v);
                self.last = Some(Slot::Lead);
            }
            Some(Field::Assisting) => {
                cur.assisting.push(v);
                self.last = Some(Slot::Assisting);
            }
            Some(Field::ReplyDate) if cur.reply_date.is_none() => {
                cur.reply_date = Some((p.written, v));
            }
            Some(Field::Meta) if labels::normalize(&p.written).0 == "信息名称" => {
                cur.page_title.get_or_insert(v);
                cur.extra.push((p.written, v));
            }
            _ => cur.extra.push((p.written, v)),
        }
    }

    /// A cell with no label before it: it continues a list or a long text when it follows one,
    /// and is otherwise kept under `_unlabeled` with a warning.
    fn stray(&mut self, c: Cell<'t>) {
        let v = Value::from(c);
        match self.last {
            Some(Slot::Content) => self.cur.content.push(v),
            Some(Slot::Reply) => self.cur.reply.push(v),
            Some(Slot::Lead) => self.cur.lead.push(v),
            Some(Slot::Assisting) => self.cur.assisting.push(v),
            Some(Slot::Units) => self.cur.units.push(v),
            Some(Slot::Other) | None => {
                if self.diags.is_on() {
                    let sample: String = c.text.chars().take(20).collect();
                    self.diags.push(
                        Code::UnlabeledCell,
                        c.start,
                        format!("cell without a label, kept in extra.{UNLABELED}: {sample}"),
                    );
                }
                self.cur.extra.push((UNLABELED.to_string(), v));
            }
        }
    }

    fn finish(mut self) -> Vec<RawRecord<'t>> {
        if let Some(p) = self.pending.take() {
            self.empty(p);
        }
        let last = std::mem::take(&mut self.cur);
        if last.is_substantial() {
            self.done.push(last);
        } else if let Some(prev) = self.done.last_mut() {
            // Footer rows after the last record stay with it.
            prev.extra.extend(last.extra);
        } else if !last.extra.is_empty() {
            // Only page metadata: not a record, but the caller decides what that means.
            self.done.push(last);
        }
        self.done
    }
}

fn set_once<'t>(
    slot: &mut Option<Value<'t>>,
    v: Value<'t>,
    p: Pending,
    extra: &mut Vec<(String, Value<'t>)>,
) {
    if slot.is_none() {
        *slot = Some(v);
    } else {
        // A second value for a single-valued field is kept under its own label.
        extra.push((p.written, v));
    }
}

/// `A类`, `B`, `A1`, `甲类`: a handling category rather than a reply text.
pub fn is_category_code(s: &str) -> bool {
    static CODE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[A-Da-dＡ-Ｄ][0-9１-９]?|[甲乙丙丁])\s*[类類]?$").unwrap()
    });
    CODE.is_match(s.trim())
}

/// Labels are short, even written with spaces (`承 办 人 及 联 系 电 话`); anything longer is a
/// value, and is never scanned as a label (replies run to tens of kilobytes).
const MAX_LABEL_BYTES: usize = 96;

fn classify(c: Cell<'_>) -> Class<'_> {
    let t = c.text;
    if scan::has_newline(t) {
        return Class::Text;
    }
    let head = vocab::head(t, MAX_LABEL_BYTES + 4);
    if t.len() <= MAX_LABEL_BYTES {
        if let Some(label) = t.strip_suffix([':', '：']) {
            let label = label.trim_end_matches([':', '：']);
            let (norm, trad) = labels::normalize(label);
            if let Some(known) = labels::lookup(&norm) {
                return Class::Label(pending(Some(known), label, trad));
            }
            if looks_like_label(&norm) {
                return Class::Label(pending(None, label, trad));
            }
            return Class::Text;
        }
        if labels::may_be_label(t) {
            let (norm, trad) = labels::normalize(t);
            if let Some(known) = labels::lookup(&norm) {
                return Class::Label(pending(Some(known), t, trad));
            }
        }
    }
    // `主办:科技局` or `联系人：张三` in one cell.
    if let Some(colon) = head.find([':', '：'])
        && colon <= MAX_LABEL_BYTES
    {
        let label = &t[..colon];
        let after = colon + t[colon..].chars().next().map_or(1, char::len_utf8);
        let (norm, trad) = labels::normalize(label);
        let known = labels::lookup(&norm);
        // `某某委员: 您提出的…收悉` is a salutation running into a letter, not a label.
        // (A letter is long: short values are not looked at.)
        let letter =
            || known.is_none() && t.len() - after > LETTER_MIN_BYTES && letter::opens(&t[after..]);
        if known.is_some() || (looks_like_label(&norm) && !letter()) {
            let value = c.slice(after..t.len(), false);
            if !value.text.is_empty() && !value.text.starts_with([':', '：']) {
                return Class::Inline(pending(known, label, trad), value);
            }
        }
    }
    Class::Text
}

fn pending(label: Option<Label>, written: &str, traditional: bool) -> Pending {
    // Labels seldom hold spaces: then the key is the label as it stands, copied once.
    let spaced = text::next_space(written, 0).is_some() || scan::has_newline(written);
    let written = if spaced {
        written
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .trim_end_matches([':', '：'])
            .to_string()
    } else {
        written.trim_end_matches([':', '：']).to_string()
    };
    Pending {
        label,
        traditional,
        written,
    }
}

/// An unknown label: short, no sentence punctuation, not a salutation or a quantity.
fn looks_like_label(norm: &str) -> bool {
    let n = norm.chars().count();
    (1..=12).contains(&n)
        && !norm.contains([
            '。', '，', ',', '；', ';', '！', '!', '？', '?', '、', '“', '”', '《', '》',
        ])
        && !norm.starts_with("尊敬")
        && !norm.ends_with("您好")
        && !norm
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// Whether a block of text without labels is a reply letter: an opening sentence, a salutation
/// or a reply title line near its start. Only the first few kilobytes are looked at.
pub fn looks_like_letter(t: &str) -> bool {
    let mut end = t.len().min(4096);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let head = &t[..end];
    let paras = text::paragraphs(head, 0);
    letter::OPENING.is_match(head)
        || paras
            .iter()
            .take(letter::HEAD_LIMIT)
            .any(|p| letter::is_title_end(p.text))
        || salutation_near_top(&paras)
}

/// What a record's table says: the record as far as its cells fill it, and what the later
/// stages read further (the reply's structure is the `reply` stage's job).
#[derive(Debug)]
pub struct Table<'t> {
    /// Proposer, number, title, content, units, category, document number, session and
    /// `extra`, from the cells; the rest is left for `assemble`.
    pub record: Record,
    /// The reply letter's paragraphs.
    pub reply: Vec<Para<'t>>,
    /// The reply date cell, as an ISO date.
    pub reply_date: Option<String>,
    /// The page's own title (信息名称, or a 名称 cell naming the reply).
    pub page_title: Option<String>,
}

/// Converts one record's raw values to typed fields, reporting values that do not convert.
pub fn typed<'t>(raw: &RawRecord<'t>, diags: &mut Collector) -> Table<'t> {
    let mut extra: IndexMap<String, String> = IndexMap::new();
    let keep = |extra: &mut IndexMap<String, String>, key: &str, value: &str| {
        add_extra(extra, key, text::text_field(value).unwrap_or_default());
    };
    for (k, v) in &raw.extra {
        keep(&mut extra, k, v.text);
    }

    let era = if raw.traditional {
        Era::Roc
    } else {
        Era::Gregorian
    };
    let reply_date =
        raw.reply_date
            .as_ref()
            .and_then(|(label, v)| match date::parse(v.text, &era) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    diags.push(e.code(), v.start, format!("{e}; kept in extra.{label}"));
                    keep(&mut extra, label, v.text);
                    None
                }
            });

    let mut units = Units::default();
    // A 主办 cell can hold the 协办 units too (`主办:甲局;协办:乙局`, when the label is the
    // cell's first word): roles written inside a value count wherever it stands.
    for v in &raw.units {
        split_roles(v.text, true, &mut units);
    }
    for v in &raw.lead {
        split_roles(v.text, true, &mut units);
    }
    for v in &raw.assisting {
        split_roles(v.text, false, &mut units);
    }

    let long_text = |vals: &[Value<'t>]| -> Vec<Para<'t>> {
        vals.iter().flat_map(|v| v.paragraphs()).collect()
    };
    let content = long_text(&raw.content);

    Table {
        record: Record {
            proposer: raw.proposer.and_then(|v| text::text_field(v.text)),
            number: raw
                .number
                .map(|v| vocab::identifier(v.text))
                .filter(|n| !n.is_empty()),
            title: raw.title.and_then(|v| text::text_field(v.text)),
            content: (!content.is_empty()).then(|| text::joined(&content)),
            units,
            category: raw.category.map(|v| v.text.trim().to_string()),
            doc_number: raw.doc_number.map(|v| v.text.trim().to_string()),
            session: raw.session.map(|v| v.text.trim().to_string()),
            extra,
            ..Record::default()
        },
        reply: long_text(&raw.reply),
        reply_date,
        page_title: raw.page_title.and_then(|v| text::text_field(v.text)),
    }
}

/// Keeps `value` under `key` in `extra`; a label seen again adds its value on a new line, and
/// an empty value never replaces or pads one already there.
pub fn add_extra(extra: &mut IndexMap<String, String>, key: &str, value: String) {
    match extra.get_mut(key) {
        Some(existing) if !value.is_empty() => {
            if !existing.is_empty() {
                existing.push('\n');
            }
            existing.push_str(&value);
        }
        Some(_) => {}
        None => {
            extra.insert(key.to_string(), value);
        }
    }
}

/// Roles and honorifics a proposer is named with, longest first where one ends another.
const ROLES: &[&str] = &[
    "代表", "委员", "委員", "议员", "議員", "同志", "先生", "女士",
];

/// Group names that end like a role but are one proposer: `南坡镇代表团`, `民盟某省委员会`.
const GROUP_ENDS: &[&str] = &["代表团", "代表團", "委员会", "委員會"];

/// `尊敬的`, `等4位委员`, `等十代表`, `等代表`: the frame around a list of proposers.
static PROPOSER_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^尊敬的?|等\s*[0-9０-９一二三四五六七八九十百]*\s*[位名人个個]?\s*(?:代表|委员|委員|议员|議員|同志)?$")
        .unwrap()
});

/// Where an affiliation starts inside a salutation's name (`杨光荣政协青林县委员`).
static AFFILIATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"政协|政協|人大|人民代表大会|人民代表大會").unwrap());

/// The proposers one by one: `甲、乙等4位委员` → 甲, 乙; `尊敬的李红代表` → 李红;
/// `杨光荣政协青林县委员` → 杨光荣; a group (`南坡镇代表团`) stays whole.
pub fn proposers(p: &str) -> Vec<String> {
    let mut core = p.trim();
    // The frame can show at both ends: strip until nothing more goes.
    while let Some(m) = PROPOSER_FRAME.find(core).filter(|m| !m.as_str().is_empty()) {
        core = if m.start() == 0 {
            &core[m.end()..]
        } else {
            &core[..m.start()]
        }
        .trim();
    }
    core.split(['、', '，', ',', '；', ';'])
        .filter_map(|item| {
            let item = item.trim();
            if GROUP_ENDS.iter().any(|g| item.ends_with(g)) {
                return Some(item.to_string());
            }
            let bare = ROLES
                .iter()
                .find_map(|r| item.strip_suffix(r))
                .map(str::trim_end);
            let name = match bare {
                // A person: an affiliation inside the salutation goes (`杨光荣政协青林县`).
                Some(b) => match AFFILIATION.find(b) {
                    Some(m) if b[..m.start()].chars().count() >= 2 => &b[..m.start()],
                    _ => b,
                },
                None => item,
            };
            // `各位委员`, `各位代表`: everyone addressed, no one named.
            (!name.is_empty() && !matches!(name, "各位" | "诸位" | "諸位"))
                .then(|| name.to_string())
        })
        .collect()
}

/// Unit names from a list: split on 、，,；; and line breaks, empty items dropped.
pub fn split_units(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
}

/// Whether a unit list has an empty item (`甲局、、乙局`), which `split_units` drops.
pub fn has_empty_unit(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['、', '，', ',', '；', ';']);
    s.split(['、', '，', ',', '；', ';'])
        .any(|u| u.trim().is_empty())
}

/// A units value (承办单位, 主办 or 协办): roles may be written inside (`主办:甲局；协办:乙局、丙局`,
/// or `甲局（主办）、乙局（协办）`); a unit named without a role is a lead unit when `lead_first`
/// (承办单位, 主办), else a co-unit (协办).
fn split_roles(s: &str, lead_first: bool, units: &mut Units) {
    static ROLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(主[办辦](?:单位|單位|部门)?|牵头(?:单位|部门)?|[协協][办辦](?:单位|單位|部门)?|[会會][办辦](?:单位|單位)?|分[办辦](?:单位|單位)?|配合单位)\s*[:：]").unwrap()
    });
    static TAGGED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.+?)\s*[（(]\s*(主办|牵头|协办|会办|分办|配合)\s*[)）]$").unwrap()
    });
    let lead_role = |r: &str| r.starts_with('主') || r.starts_with('牵');

    let roles: Vec<_> = ROLE.captures_iter(s).collect();
    // Names before any role are the cell's own: lead for 承办单位 and 主办, co-units for 协办.
    let untagged = |units: &mut Units, u: String| {
        if lead_first {
            units.lead.push(u)
        } else {
            units.assisting.push(u)
        }
    };
    if roles.is_empty() {
        for u in split_units(s) {
            match TAGGED.captures(&u) {
                Some(c) if lead_role(&c[2]) => units.lead.push(c[1].to_string()),
                Some(c) => units.assisting.push(c[1].to_string()),
                None => untagged(units, u),
            }
        }
        return;
    }
    let first = roles[0].get(0).map_or(0, |m| m.start());
    for u in split_units(&s[..first]) {
        untagged(units, u);
    }
    for (i, cap) in roles.iter().enumerate() {
        let whole = cap.get(0).expect("group 0 always matches");
        let end = roles
            .get(i + 1)
            .and_then(|n| n.get(0))
            .map_or(s.len(), |m| m.start());
        let names = split_units(&s[whole.end()..end]);
        if lead_role(&cap[1]) {
            units.lead.extend(names);
        } else {
            units.assisting.extend(names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells;

    fn raw(text: &str) -> Vec<RawRecord<'_>> {
        let mut d = Collector::new();
        records(&cells::split(text), &mut d)
    }

    #[test]
    fn proposers_are_bare_names_and_whole_groups() {
        let cases: &[(&str, &[&str])] = &[
            ("张三委员", &["张三"]),
            ("尊敬的李红代表", &["李红"]),
            ("尊敬方志远代表", &["方志远"]),
            ("甲、乙·丙、丁等4位委员", &["甲", "乙·丙", "丁"]),
            ("王一、吴二、马三等十代表", &["王一", "吴二", "马三"]),
            (
                "杨国华、李春明、陈志强等6位代表",
                &["杨国华", "李春明", "陈志强"],
            ),
            ("陶明贵、罗秀英、李琼代表", &["陶明贵", "罗秀英", "李琼"]),
            ("楊正華等代表", &["楊正華"]),
            ("刘敏、韩涛等委员", &["刘敏", "韩涛"]),
            ("杨光荣政协青林县委员", &["杨光荣"]),
            ("南坡镇代表团", &["南坡镇代表团"]),
            ("民盟南岭省委员会", &["民盟南岭省委员会"]),
            ("龙塘乡政协联络组", &["龙塘乡政协联络组"]),
            ("高新区政协工委", &["高新区政协工委"]),
            ("Sayun Watan 莎韻瓦旦", &["Sayun Watan 莎韻瓦旦"]),
            ("林黃美玉議員", &["林黃美玉"]),
            ("致公党", &["致公党"]),
            ("各位委员", &[]),
        ];
        for (p, want) in cases {
            assert_eq!(proposers(p), *want, "{p}");
        }
    }

    #[test]
    fn pairs_labels_with_values_in_every_layout() {
        let t = "提案者: | 李四 | 提案號: | 第0143号 |\n案 由 |\n关于甲的提案 |\n承办单位: | 主办: | 科技局 | 协办: | 甲局、乙局 |\n答复内容: | 李四委员:\n您好。 |";
        let r = raw(t);
        assert_eq!(r.len(), 1);
        let r = &r[0];
        assert_eq!(r.proposer.unwrap().text, "李四");
        assert_eq!(r.number.unwrap().text, "第0143号");
        assert_eq!(r.title.unwrap().text, "关于甲的提案");
        assert_eq!(r.lead[0].text, "科技局");
        assert_eq!(r.assisting[0].text, "甲局、乙局");
        assert_eq!(r.reply[0].text, "李四委员:\n您好。");
        assert!(r.traditional || r.kind_hints.contains(&Kind::Proposal));
        assert_eq!(r.filer_hints, vec![Kind::Proposal]);
    }

    #[test]
    fn splits_concatenated_records_and_keeps_metadata() {
        let t = "索引号: | 001 |\n提出者: | 甲 |\n答复内容: | 一 |\n索引号: | 002 |\n提出者: | 乙 |\n答复内容: | 二 |\n打印 | 关闭 |";
        let r = raw(t);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].extra[0].1.text, "001");
        assert_eq!(r[1].extra[0].1.text, "002");
        assert_eq!(r[1].proposer.unwrap().text, "乙");
        // footer cells after a long text join it as paragraphs rather than vanish
        assert_eq!(r[1].reply.len(), 3);
    }

    #[test]
    fn inline_labels_and_rows_without_pipes() {
        let t = "索引号：123\n发布机构：某局\n标题: | 关于乙的建议\n答复日期: | 2022-07-08 |";
        let r = raw(t);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].extra.len(), 2);
        assert_eq!(r[0].title.unwrap().text, "关于乙的建议");
        assert_eq!(r[0].reply_date.as_ref().unwrap().1.text, "2022-07-08");
    }

    #[test]
    fn units_with_roles_inside() {
        let mut u = Units::default();
        split_roles("主办:科技局；协办:财政局、人社局", true, &mut u);
        assert_eq!(u.lead, vec!["科技局"]);
        assert_eq!(u.assisting, vec!["财政局", "人社局"]);
        let mut u = Units::default();
        split_roles("教育局（主办）、体育局(协办)、卫健委", true, &mut u);
        assert_eq!(u.lead, vec!["教育局", "卫健委"]);
        assert_eq!(u.assisting, vec!["体育局"]);
        // A 协办 cell's own names are co-units; a 主办 value can name its 协办 units.
        let mut u = Units::default();
        split_roles("财政局、人社局", false, &mut u);
        assert_eq!((u.lead.len(), u.assisting.len()), (0, 2));
        let mut u = Units::default();
        split_roles("消防救援支队；协办：住建局、城管局", true, &mut u);
        assert_eq!(u.lead, vec!["消防救援支队"]);
        assert_eq!(u.assisting, vec!["住建局", "城管局"]);
        assert!(has_empty_unit("甲局、、乙局"));
        assert!(!has_empty_unit("甲局、乙局、"));
    }

    #[test]
    fn identifiers_and_category_codes() {
        assert_eq!(crate::vocab::identifier("第 0143 号"), "0143");
        assert_eq!(crate::vocab::identifier("第５８號"), "58");
        assert_eq!(crate::vocab::identifier("20250118040077"), "20250118040077");
        for c in ["A类", "B", "A1", "甲类", "C 类"] {
            assert!(is_category_code(c), "{c}");
        }
        assert!(!is_category_code("已办结，答复如下"));
    }

    #[test]
    fn prose_between_label_lines_and_a_reply_heading_is_the_content() {
        let letter = "王五等代表：\n你们提出的《关于修桥的提案》已收悉，现答复如下：\n桥已列入计划。\n某镇人民政府\n2025年3月1日";
        let t =
            format!("领衔代表：王五\n附议代表：赵六\n村口石桥破损，建议修缮。\n提案答复\n{letter}");
        let r = raw(&t);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].content[0].text, "村口石桥破损，建议修缮。");
        assert!(r[0].reply[0].text.starts_with("王五等代表"));
        assert_eq!(r[0].kind_hints, vec![Kind::Proposal]);
        assert_eq!(r[0].filer_hints, vec![Kind::Suggestion]);
        // No heading: the prose stays where it was, at the start of the reply.
        let t = format!("领衔代表：王五\n村口石桥破损，建议修缮。\n{letter}");
        let r = raw(&t);
        assert!(r[0].content.is_empty());
        assert!(r[0].reply[0].text.starts_with("村口石桥"));
    }

    #[test]
    fn a_letter_in_the_content_cell_is_the_reply() {
        let t = "标题: | 关于第8号提案的答复 |\n内容: | 李四委员： 您提出的关于修桥的提案收悉，现答复如下： 已列入计划。 某局 2024年7月1日 |\n";
        let r = raw(t);
        assert!(r[0].content.is_empty());
        assert!(r[0].reply[0].text.starts_with("李四委员"));
        // The proposal's own text stays its content.
        let t = "标题: | 关于修桥的提案 |\n内容: | 村口石桥破损，建议修缮。 |\n答复内容: | 李四委员： 您提出的提案收悉，现答复如下： 已列入计划。 |\n";
        let r = raw(t);
        assert_eq!(r[0].content[0].text, "村口石桥破损，建议修缮。");
        let t = "标题: | 关于修桥的提案 |\n内容: | 李四委员： 村口石桥破损，建议修缮。 |\n";
        assert_eq!(raw(t)[0].content.len(), 1);
    }
}
