//! Stage 4 — reply: the letter's structure. Reads the parts before the salutation (title lines,
//! document number, flags), the salutation, the outline of the body, and the parts after it
//! (closing, signature, contacts, copy-to, category and its legend), and records for every
//! stretch of the letter which part it went to (`Piece`s), so that nothing is silently lost.

pub mod outline;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::date::EraSource;
use crate::diag::Collector;
use crate::record::{Contact, Reply, Signature};
use crate::text::{self, Para};
use crate::vocab;
use crate::vocab::letter::{self, ContactRole, Tail};

/// Where a stretch of the letter went.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Addressee,
    Body,
    Closing,
    SectionLabel(usize),
    SectionHeading(usize),
    SectionText(usize),
    MeasureLabel(usize),
    MeasureTitle(usize),
    MeasureText(usize),
    SignatureUnit,
    SignatureDate,
    ContactName(usize),
    ContactPhone(usize),
    Cc,
    /// A line of the foot kept in `reply.notes`, by its index there.
    Note(usize),
    Signer,
    Category,
    DocNumber,
    /// Kept in the record's `extra` under this key.
    Extra(String),
    /// Labels and punctuation around a value (`联系人：`, a salutation's colon, `尊敬的`).
    Frame,
}

/// A byte range of the decoded input and the part it went to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub part: Part,
    pub range: Range<usize>,
}

impl Piece {
    pub fn new(part: Part, range: Range<usize>) -> Self {
        Piece { part, range }
    }
}

/// The pieces of a reply as they are found, or nothing when no one will read them: `validate`
/// points its diagnostics with them; a conversion drops them, and need not make them.
#[derive(Debug, Default)]
pub struct Pieces {
    list: Vec<Piece>,
    keep: bool,
}

impl Pieces {
    /// Room for `capacity` pieces when they are kept.
    pub fn new(keep: bool, capacity: usize) -> Self {
        Pieces {
            list: Vec::with_capacity(if keep { capacity } else { 0 }),
            keep,
        }
    }

    #[inline]
    pub fn push(&mut self, piece: Piece) {
        if self.keep {
            self.list.push(piece);
        }
    }

    pub fn keep(&self) -> bool {
        self.keep
    }

    pub fn append(&mut self, other: Pieces) {
        self.list.extend(other.list);
    }

    /// The pieces in the order of the text.
    pub fn into_sorted(mut self) -> Vec<Piece> {
        self.list.sort_by_key(|p| (p.range.start, p.range.end));
        self.list
    }
}

/// A reply split into parts, plus what the letter says about the record around it.
#[derive(Debug, Default)]
pub struct Parsed {
    pub reply: Reply,
    /// Every non-blank stretch of the letter, in order.
    pub pieces: Vec<Piece>,
    /// The opening paragraph (`您提出的《…》收悉`).
    pub opening: Option<String>,
    /// The proposal's title as the opening names it.
    pub title: Option<String>,
    /// The letter's own title line(s), joined: `关于…第150号提案的答复`.
    pub letter_title: Option<String>,
    pub doc_number: Option<String>,
    /// A number label among the head lines (`建议编号：JY-2023-015`), as an identifier; the line
    /// itself stays in `extra`.
    pub number: Option<String>,
    pub category: Option<String>,
    /// Letter lines with no field of their own (邮政编码, 领导签字, 类别说明, 落款日期 …).
    pub extra: Vec<(String, String)>,
    /// A co-unit's letter (协办意见) addressed to the lead unit.
    pub co_unit: bool,
    /// In a co-unit's letter, who the opening says filed the proposal (`现就致公党提出的…`).
    pub named_proposer: Option<String>,
}

/// A co-unit's letter that says so only in its body: `提出协办意见如下`, `作为协办单位`.
static CO_UNIT_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[协協会會][办辦]意[见見]|作[为為][协協会會][办辦]单位|作[为為][协協会會][办辦]單位",
    )
    .unwrap()
});

/// `就致公党提出的`, `对张三委员提出的`, or at the opening's start `张三委员提出的`: who filed
/// the proposal, as an opening names it.
static NAMED_PROPOSER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|就|对|對|由|[转轉][来來交]的)\s*([^，,。：:；;\s《“「]{2,24}?)\s*(?:所|领衔|領銜|联名|聯名)?提出的",
    )
    .unwrap()
});

/// The longest line read as part of a letter's foot (signature, contacts, legend …).
const FOOT_LINE_BYTES: usize = 600;

/// Reads a reply letter from its paragraphs: the head (title lines, document number, flags,
/// salutation) up to the opening, the body with its outline of sections and measures, and the
/// foot (closing, signature, contacts, copy-to, notes). `keep_pieces`: record where every
/// stretch of text went, for `validate`.
pub fn parse(
    paras: &[Para<'_>],
    era: &dyn EraSource,
    keep_pieces: bool,
    diags: &mut Collector,
) -> Parsed {
    let mut parsed = Parsed::default();
    // Each paragraph gives one to four pieces: room for them up front, not regrown as they come.
    let mut pieces = Pieces::new(keep_pieces, paras.len() * 3 + 8);
    let mut body: Vec<Para<'_>> = Vec::new();
    let n = paras.len();

    // Where the letter proper starts: the salutation, else the opening sentence.
    let mut salutation = None;
    let mut opening_at = None;
    for k in 0..n.min(letter::HEAD_LIMIT) {
        let next = paras.get(k + 1).map(|p| p.text);
        if let Some(s) = letter::salutation(paras[k].text, next) {
            salutation = Some((k, s));
            break;
        }
        if letter::opens(paras[k].text) {
            opening_at = Some(k);
            break;
        }
    }
    let head_end = salutation
        .as_ref()
        .map(|(k, _)| *k)
        .or(opening_at)
        .unwrap_or(0);
    let mut body_from = head_end;

    head(&paras[..head_end], &mut parsed, &mut pieces, &mut body);

    if let Some((k, s)) = salutation {
        let p = paras[k];
        parsed.reply.addressee = Some(p.text[s.name.clone()].to_string());
        pieces.push(Piece::new(
            Part::Addressee,
            p.start + s.name.start..p.start + s.name.end,
        ));
        frames(p, std::slice::from_ref(&s.name), &mut pieces, s.rest);
        if let Some(rest) = s.rest {
            let greeting = p.from(rest);
            pieces.push(Piece::new(Part::Body, greeting.start..greeting.end()));
            body.push(greeting);
        }
        body_from = k + 1;
    }

    // The foot of the letter, read from the end.
    let (tail_start, tail) = read_tail(&paras[body_from..], era);
    let tail_start = body_from + tail_start;
    let mut middle: Vec<Para<'_>> = paras[body_from..tail_start].to_vec();

    // Closing sentences fused onto the end of the last body paragraph.
    let mut fused_closing = None;
    if let Some(last) = middle.last().copied()
        && let Some(at) = fused_closing_at(last.text)
    {
        let kept = Para {
            start: last.start,
            text: last.text[..at].trim_end(),
        };
        *middle.last_mut().expect("checked above") = kept;
        let tail = last.from(at);
        pieces.push(Piece::new(Part::Closing, tail.start..tail.end()));
        fused_closing = Some(tail);
    }

    parsed.opening = middle
        .iter()
        .chain(body.iter())
        .take(4)
        .find(|p| letter::opens(p.text))
        .map(|p| p.text.to_string());
    parsed.title = parsed.opening.as_deref().and_then(letter::title_in_opening);

    let o = outline::outline(&middle, pieces.keep());
    body.extend(o.body.iter().copied());
    pieces.append(o.pieces);
    parsed.reply.body = text::joined(&body);
    parsed.reply.sections = o.sections;
    parsed.reply.measures = o.measures;

    let mut closing: Vec<Para<'_>> = fused_closing.into_iter().collect();
    foot(
        &paras[tail_start..],
        tail,
        &mut parsed,
        &mut pieces,
        &mut closing,
        diags,
    );
    if !closing.is_empty() {
        parsed.reply.closing = Some(text::joined(&closing));
    }

    parsed.co_unit = parsed.letter_title.as_deref().is_some_and(|t| {
        t.contains("协办意见")
            || t.contains("会办意见")
            || t.contains("分办意见")
            || t.contains("協辦意見")
            || t.contains("會辦意見")
    }) || parsed.opening.as_deref().is_some_and(|o| {
        o.contains("转来的") || o.contains("轉來的") || CO_UNIT_BODY.is_match(vocab::head(o, 600))
    });
    if parsed.co_unit {
        parsed.named_proposer = parsed.opening.as_deref().and_then(|o| {
            NAMED_PROPOSER
                .captures_iter(vocab::head(o, 600))
                .filter_map(|c| c.get(1).map(|m| m.as_str().trim()))
                // `你单位提出的`, `我局提出的`: the reader or the writer, not who filed it.
                .find(|name| !name.starts_with(['您', '你', '贵', '貴', '我']))
                .map(str::to_string)
        });
    }
    parsed.pieces = pieces.into_sorted();
    parsed
}

/// The lines before the salutation: title lines (kept in the body), document number, flags,
/// signer and labeled lines.
fn head<'t>(
    paras: &[Para<'t>],
    parsed: &mut Parsed,
    pieces: &mut Pieces,
    body: &mut Vec<Para<'t>>,
) {
    // The title block: the last line ending like a reply title, with the short lines before it
    // that it was split from.
    let mut title_lines = 0..0;
    if let Some(end) = paras.iter().rposition(|p| letter::is_title_end(p.text)) {
        let mut start = end;
        while start > 0
            && end - start < 3
            && letter::is_title_part(paras[start - 1].text)
            && letter::doc_number_start(paras[start - 1].text).is_none()
        {
            start -= 1;
        }
        title_lines = start..end + 1;
        let joined: String = paras[title_lines.clone()]
            .iter()
            .map(|p| vocab::without_spaces(&p.text[title_from(p.text)..]))
            .collect();
        parsed.letter_title = Some(joined);
    }

    let items = paras.iter().enumerate().flat_map(|(k, &p)| {
        if title_lines.contains(&k) {
            // A document number fused to the title's start (`某水〔2022〕87号某局关于…`).
            match title_from(p.text) {
                0 => vec![(true, p)],
                at => vec![
                    (
                        false,
                        Para {
                            start: p.start,
                            text: &p.text[..at],
                        },
                    ),
                    (true, p.from(at)),
                ],
            }
        } else {
            head_items(p).into_iter().map(|q| (false, q)).collect()
        }
    });
    for (in_title, p) in items {
        let t = p.text;
        if in_title {
            pieces.push(Piece::new(Part::Body, p.start..p.end()));
            body.push(p);
        } else if letter::is_doc_number(t) {
            doc_number(parsed, pieces, p, 0..t.len());
        } else if let Some(code) = letter::category_flag(t) {
            parsed
                .category
                .get_or_insert_with(|| t[code.clone()].trim().to_string());
            pieces.push(Piece::new(Part::Category, abs(p, &code)));
            frames(p, &[code], pieces, None);
        } else if let Some(name) = letter::signer(t) {
            parsed
                .reply
                .signer
                .get_or_insert_with(|| t[name.clone()].to_string());
            pieces.push(Piece::new(Part::Signer, abs(p, &name)));
            frames(p, &[name], pieces, None);
        } else if let Some((label, value)) = letter::labeled(t) {
            keep_labeled(p, label, value, parsed, pieces);
        } else if let Some((label, value, field)) = known_pair(t) {
            if field == crate::vocab::labels::Field::DocNumber && !value.is_empty() {
                doc_number(parsed, pieces, p, value);
            } else {
                if field == crate::vocab::labels::Field::Number && parsed.number.is_none() {
                    parsed.number =
                        Some(vocab::identifier(&t[value.clone()])).filter(|n| !n.is_empty());
                }
                keep_labeled(p, label, value, parsed, pieces);
            }
        } else {
            pieces.push(Piece::new(Part::Body, p.start..p.end()));
            body.push(p);
        }
    }
}

/// The letter's document number; a second one (a metadata line and a heading that disagree)
/// is kept in `extra` under 文号, not dropped.
fn doc_number(parsed: &mut Parsed, pieces: &mut Pieces, p: Para<'_>, span: Range<usize>) {
    let value = p.text[span.clone()].to_string();
    if parsed.doc_number.is_none() {
        parsed.doc_number = Some(value);
        pieces.push(Piece::new(Part::DocNumber, abs(p, &span)));
    } else {
        parsed.extra.push((DOC_NUMBER_KEY.into(), value));
        pieces.push(Piece::new(
            Part::Extra(DOC_NUMBER_KEY.into()),
            abs(p, &span),
        ));
    }
    frames(p, &[span], pieces, None);
}

/// The `extra` key for a second document number.
const DOC_NUMBER_KEY: &str = "文号";

/// Where a line's own text starts after a document number fused to its start (`某水〔2022〕87号
/// 某局关于…`, `…〔2018〕23号A类`); 0 when there is none, or nothing follows it.
fn title_from(t: &str) -> usize {
    letter::doc_number_start(t)
        .filter(|&end| !t[end..].trim().is_empty())
        .unwrap_or(0)
}

/// One line before the salutation cut into the items it runs together: each known `label:`
/// starts an item (`文号:… 签发人:…`, a metadata line of six pairs), and a document number
/// fused to what follows (`某发〔2021〕12号某局关于…`, `…〔2018〕23号A类`) is an item of its own.
fn head_items(p: Para<'_>) -> Vec<Para<'_>> {
    let t = p.text;
    let mut starts: Vec<usize> = vec![0];
    for (colon, _) in t.match_indices([':', '：']) {
        if let Some((at, _)) = label_before(t, colon)
            && at > 0
            && t[..at].ends_with(char::is_whitespace)
        {
            starts.push(at);
        }
    }
    starts.push(t.len());
    let mut out = Vec::new();
    for w in starts.windows(2) {
        let q = Para {
            start: p.start + w[0],
            text: t[w[0]..w[1]].trim_end(),
        };
        if q.text.is_empty() {
            continue;
        }
        match title_from(q.text) {
            0 => out.push(q),
            end => {
                out.push(Para {
                    start: q.start,
                    text: &q.text[..end],
                });
                out.push(q.from(end));
            }
        }
    }
    out
}

/// Where the known label that ends right before the colon at `colon` starts, and what it
/// stands for: the longest run of characters (spaces allowed inside, `文  号`) that is a label of
/// the vocabulary.
fn label_before(t: &str, colon: usize) -> Option<(usize, crate::vocab::labels::Field)> {
    let before = &t[..colon];
    let mut best = None;
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if !(c.is_whitespace() || c.is_alphabetic()) || n > 12 {
            break;
        }
        if c.is_whitespace() {
            continue;
        }
        let (norm, _) = crate::vocab::labels::normalize(&before[i..]);
        if let Some(label) = crate::vocab::labels::lookup(&norm) {
            best = Some((i, label.field));
        }
    }
    best
}

/// `label:value` with a known label of the vocabulary: (label span, value span, field).
fn known_pair(t: &str) -> Option<(Range<usize>, Range<usize>, crate::vocab::labels::Field)> {
    let colon = t.find([':', '：'])?;
    let (at, field) = label_before(t, colon)?;
    if at != 0 {
        return None;
    }
    let after = colon + t[colon..].chars().next()?.len_utf8();
    let value = &t[after..];
    let lead = value.len() - value.trim_start().len();
    Some((0..colon, after + lead..t.len(), field))
}

fn keep_labeled(
    p: Para<'_>,
    label: Range<usize>,
    value: Range<usize>,
    parsed: &mut Parsed,
    pieces: &mut Pieces,
) {
    let key = vocab::without_spaces(&p.text[label]);
    parsed
        .extra
        .push((key.clone(), p.text[value.clone()].to_string()));
    if !value.is_empty() {
        pieces.push(Piece::new(Part::Extra(key), abs(p, &value)));
    }
    frames(p, &[value], pieces, None);
}

/// The longest unplaced line that can still be a note of the foot rather than the body.
const NOTE_CHARS: usize = 60;

/// Reads the foot of the letter bottom-up, a line at a time; returns where it starts (index
/// into `paras`) and what each of its paragraphs is, in reading order. Each line gets its role
/// from its own evidence (closing, signature unit or date, contact, person, cc, signer, flag,
/// legend, labeled line, note), in any order. A short line with no role is set aside as a note
/// instead of ending the foot; the foot ends at the closing, at a long or outlined paragraph, and
/// unplaced lines above its topmost placed line go back to the body.
fn read_tail(paras: &[Para<'_>], era: &dyn EraSource) -> (usize, Vec<Tail>) {
    let mut items = Vec::new();
    let mut i = paras.len();
    let mut closing_seen = false;
    while i > 0 {
        let t = paras[i - 1].text;
        let closing = letter::is_closing(t);
        if closing_seen && !closing {
            break;
        }
        let item = if closing {
            closing_seen = true;
            Tail::Closing
        } else if t.len() > FOOT_LINE_BYTES {
            break;
        } else if let Some(item) = foot_line(t, era) {
            item
        } else if let Some(n) = attachment_list(&paras[..i]) {
            // `附件：1.…` and the items under it: notes, not the outline's last items.
            items.extend((0..n).map(|_| Tail::Note { known: true }));
            i -= n;
            continue;
        } else if t.chars().count() <= NOTE_CHARS && text::marker(t).is_none() && !sentence(t) {
            Tail::Note { known: false }
        } else {
            break;
        };
        items.push(item);
        i -= 1;
    }
    // Unplaced lines above the topmost placed one belong to the body.
    while matches!(items.last(), Some(Tail::Note { known: false })) {
        items.pop();
        i += 1;
    }
    items.reverse();
    (i, items)
}

/// How many paragraphs at the end of `paras` are an attachment list: a `附件：` line and the
/// short numbered lines under it (`2.问题清单`), if they end there.
fn attachment_list(paras: &[Para<'_>]) -> Option<usize> {
    let items = paras
        .iter()
        .rev()
        .take(20)
        .take_while(|p| {
            p.text.chars().count() <= NOTE_CHARS
                && text::marker(p.text).is_some()
                && !sentence(p.text)
        })
        .count();
    let head = paras.len().checked_sub(items + 1)?;
    (items > 0 && letter::is_note(paras[head].text) && paras[head].text.contains('附'))
        .then_some(items + 1)
}

/// Whether a line reads as a sentence of the body: it ends like one, or runs on past a comma.
fn sentence(t: &str) -> bool {
    t.ends_with(['。', '！', '？', '；', '!', '?', ';'])
        || (t.chars().count() > 30 && t.contains(['，', ',', '。']))
}

/// The role of one line of the foot, from its own evidence.
fn foot_line(t: &str, era: &dyn EraSource) -> Option<Tail> {
    if let Some(c) = letter::contact(t) {
        return Some(Tail::Contact(c));
    }
    if let Some(p) = letter::person(t) {
        return Some(Tail::Person(p));
    }
    if let Some(c) = letter::cc(t) {
        return Some(Tail::Cc(c));
    }
    if let Some(s) = letter::signer(t) {
        return Some(Tail::Signer(s));
    }
    if let Some(c) = letter::category_flag(t) {
        return Some(Tail::Category(c));
    }
    if letter::is_legend(t) {
        return Some(Tail::Legend);
    }
    if let Some(u) = letter::labeled_unit(t) {
        return Some(Tail::Signature {
            unit: Some(u),
            date: None,
        });
    }
    if let Some((l, v)) = letter::labeled(t) {
        return Some(Tail::Labeled(l, v));
    }
    if let Some(sig) = letter::signature_line(t, era) {
        return Some(sig);
    }
    if letter::is_unit(t) {
        return Some(Tail::Signature {
            unit: Some(0..t.len()),
            date: None,
        });
    }
    letter::is_note(t).then_some(Tail::Note { known: true })
}

/// Turns the foot's paragraphs into the reply's closing, signature, contacts, copy-to, signer,
/// category and notes, and `extra` entries for the rest.
fn foot<'t>(
    paras: &[Para<'t>],
    tail: Vec<Tail>,
    parsed: &mut Parsed,
    pieces: &mut Pieces,
    closing: &mut Vec<Para<'t>>,
    diags: &mut Collector,
) {
    let mut units: Vec<String> = Vec::new();
    let mut sig_date = None;
    let mut has_signature = false;
    let mut legend: Vec<&str> = Vec::new();
    // A person named by role waits for a phone on the next line; without one, a note.
    let mut person: Option<(Para<'t>, Range<usize>)> = None;
    // A whole line (or what a label frames in it) as a note.
    let note = |parsed: &mut Parsed, pieces: &mut Pieces, p: Para<'t>, span: Range<usize>| {
        push_note(&mut parsed.reply.notes, pieces, p, &span);
        frames(p, &[span], pieces, None);
    };
    for (&p, item) in paras.iter().zip(tail) {
        let t = p.text;
        let phone_first = matches!(&item, Tail::Contact(v) if v.first().is_some_and(|(r, _)| *r == ContactRole::Phone));
        if let Some((pp, name)) = person.take() {
            if phone_first && !name.is_empty() {
                let i = parsed.reply.contacts.len();
                parsed.reply.contacts.push(Contact {
                    name: Some(pp.text[name.clone()].to_string()),
                    phone: None,
                });
                pieces.push(Piece::new(Part::ContactName(i), abs(pp, &name)));
                frames(pp, &[name], pieces, None);
            } else {
                note(parsed, pieces, pp, 0..pp.text.len());
            }
        }
        match item {
            Tail::Closing => {
                pieces.push(Piece::new(Part::Closing, p.start..p.end()));
                closing.push(p);
            }
            Tail::Person(name) => person = Some((p, name)),
            Tail::Note { .. } => note(parsed, pieces, p, 0..t.len()),
            Tail::Contact(values) => {
                let contacts = &mut parsed.reply.contacts;
                let mut spans = Vec::new();
                for (role, span) in &values {
                    let value = t[span.clone()].to_string();
                    let part = match role {
                        ContactRole::Unit => {
                            push_note(&mut parsed.reply.notes, pieces, p, span);
                            spans.push(span.clone());
                            continue;
                        }
                        ContactRole::Phone => {
                            let attach = contacts.last().is_some_and(|c| c.phone.is_none());
                            if !attach {
                                contacts.push(Contact::default());
                            }
                            let i = contacts.len() - 1;
                            contacts[i].phone = Some(value);
                            Part::ContactPhone(i)
                        }
                        ContactRole::Name => {
                            contacts.push(Contact::default());
                            let i = contacts.len() - 1;
                            contacts[i].name = Some(value);
                            Part::ContactName(i)
                        }
                    };
                    pieces.push(Piece::new(part, abs(p, span)));
                    spans.push(span.clone());
                }
                frames(p, &spans, pieces, None);
            }
            Tail::Cc(names) => {
                for span in &names {
                    parsed.reply.cc.push(t[span.clone()].to_string());
                    pieces.push(Piece::new(Part::Cc, abs(p, span)));
                }
                frames(p, &names, pieces, None);
            }
            Tail::Signer(span) => {
                parsed
                    .reply
                    .signer
                    .get_or_insert_with(|| t[span.clone()].to_string());
                pieces.push(Piece::new(Part::Signer, abs(p, &span)));
                frames(p, &[span], pieces, None);
            }
            Tail::Category(span) => {
                parsed
                    .category
                    .get_or_insert_with(|| t[span.clone()].trim().to_string());
                pieces.push(Piece::new(Part::Category, abs(p, &span)));
                frames(p, &[span], pieces, None);
            }
            Tail::Legend => {
                legend.push(t);
                pieces.push(Piece::new(Part::Extra(LEGEND_KEY.into()), p.start..p.end()));
            }
            Tail::Labeled(label, value) => keep_labeled(p, label, value, parsed, pieces),
            Tail::Signature { unit, date } => {
                has_signature = true;
                let mut spans = Vec::new();
                if let Some(u) = unit {
                    units.push(t[u.clone()].to_string());
                    pieces.push(Piece::new(Part::SignatureUnit, abs(p, &u)));
                    spans.push(u);
                }
                if let Some((span, result)) = date {
                    let raw = &t[span.clone()];
                    match result {
                        // The first date read is the signature's; a later one is a note.
                        Ok(d) if sig_date.is_none() => {
                            sig_date = Some(d.to_string());
                            pieces.push(Piece::new(Part::SignatureDate, abs(p, &span)));
                        }
                        Ok(_) => push_note(&mut parsed.reply.notes, pieces, p, &span),
                        Err(e) => {
                            diags.push(
                                e.code(),
                                p.start + span.start,
                                format!("signature {e}; kept in extra.{SIGNATURE_DATE_KEY}"),
                            );
                            parsed
                                .extra
                                .push((SIGNATURE_DATE_KEY.into(), raw.to_string()));
                            pieces.push(Piece::new(
                                Part::Extra(SIGNATURE_DATE_KEY.into()),
                                abs(p, &span),
                            ));
                        }
                    }
                    spans.push(span);
                }
                frames(p, &spans, pieces, None);
            }
        }
    }
    if let Some((pp, _)) = person.take() {
        note(parsed, pieces, pp, 0..pp.text.len());
    }
    if !legend.is_empty() {
        parsed.extra.push((LEGEND_KEY.into(), legend.join("\n")));
    }
    if has_signature {
        parsed.reply.signature = Some(Signature {
            unit: (!units.is_empty()).then(|| units.join("\n")),
            date: sig_date,
        });
    }
}

/// Keeps `p.text[span]` as the next note, and where it was.
fn push_note(notes: &mut Vec<String>, pieces: &mut Pieces, p: Para<'_>, span: &Range<usize>) {
    pieces.push(Piece::new(Part::Note(notes.len()), abs(p, span)));
    notes.push(p.text[span.clone()].to_string());
}

/// The `extra` key for the A/B/C legend some letters append.
pub const LEGEND_KEY: &str = "类别说明";
/// The `extra` key for a signature date that could not be read (kept as written).
pub const SIGNATURE_DATE_KEY: &str = "落款日期";

fn abs(p: Para<'_>, span: &Range<usize>) -> Range<usize> {
    p.start + span.start..p.start + span.end
}

/// Marks what lies around the value spans of a paragraph (labels, colons, brackets) as `Frame`,
/// up to `until` (relative) when the rest of the paragraph goes elsewhere.
fn frames(p: Para<'_>, values: &[Range<usize>], pieces: &mut Pieces, until: Option<usize>) {
    if !pieces.keep() {
        return;
    }
    let end = until.unwrap_or(p.text.len());
    let mut spans: Vec<Range<usize>> = values.iter().filter(|r| !r.is_empty()).cloned().collect();
    spans.sort_by_key(|r| r.start);
    let mut at = 0;
    for r in spans.iter().chain(std::iter::once(&(end..end))) {
        if r.start > at {
            let gap = &p.text[at..r.start];
            if !gap.trim().is_empty() {
                pieces.push(Piece::new(Part::Frame, p.start + at..p.start + r.start));
            }
        }
        at = at.max(r.end);
    }
}

/// Where a closing starts inside a paragraph: a sentence after `。！` from which every sentence
/// to the end is a closing sentence.
fn fused_closing_at(t: &str) -> Option<usize> {
    let starts: Vec<usize> = t
        .char_indices()
        .filter(|&(_, c)| matches!(c, '。' | '！' | '!'))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|&i| i < t.len())
        .collect();
    let mut found = None;
    for &s in starts.iter().rev() {
        let sentence_end = t[s..].find(['。', '！', '!']).map_or(t.len(), |e| s + e);
        if letter::is_closing(t[s..sentence_end].trim_start()) {
            found = Some(s);
        } else {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Era;

    fn reply(s: &str) -> Parsed {
        parse(
            &text::paragraphs(s, 0),
            &Era::Gregorian,
            true,
            &mut Collector::new(),
        )
    }

    #[test]
    fn closing_paragraphs_and_fused_sentences() {
        let r = reply(
            "甲代表: 您提出的建议收悉。 我们将继续推进。感谢您对我局工作的关心和支持！ 特此答复。",
        );
        assert_eq!(r.reply.addressee.as_deref(), Some("甲代表"));
        assert_eq!(r.reply.body, "您提出的建议收悉。\n我们将继续推进。");
        assert_eq!(
            r.reply.closing.as_deref(),
            Some("感谢您对我局工作的关心和支持！\n特此答复。")
        );
        assert!(r.opening.unwrap().contains("收悉"));
    }

    #[test]
    fn a_whole_published_letter() {
        let letter = "通科函〔2023〕12号\n关于区政协十一届三次会议\n第150号提案的\n答 复\n张建国委员：\n您提出的《关于加强科技人才引进的提案》收悉，现答复如下：\n一、已做的工作\n今年引进人才120名。\n二、下一步打算\n完善住房保障。\n感谢您对科技工作的关心。\n某某区科学技术局\n2023年6月1日\n联系人：王芳；联系电话：0513-86000000\n抄送：区政协提案委、区政府办公室\n办复类别：A类\n（A类：所提问题已经解决；B类：正在解决；C类：暂不能解决）";
        let r = reply(letter);
        assert_eq!(r.doc_number.as_deref(), Some("通科函〔2023〕12号"));
        assert_eq!(
            r.letter_title.as_deref(),
            Some("关于区政协十一届三次会议第150号提案的答复")
        );
        assert_eq!(r.reply.addressee.as_deref(), Some("张建国委员"));
        assert_eq!(r.title.as_deref(), Some("关于加强科技人才引进的提案"));
        assert_eq!(r.reply.measures.len(), 2);
        assert_eq!(r.reply.closing.as_deref(), Some("感谢您对科技工作的关心。"));
        let sig = r.reply.signature.as_ref().unwrap();
        assert_eq!(sig.unit.as_deref(), Some("某某区科学技术局"));
        assert_eq!(sig.date.as_deref(), Some("2023-06-01"));
        assert_eq!(
            r.reply.contacts,
            vec![Contact {
                name: Some("王芳".into()),
                phone: Some("0513-86000000".into())
            }]
        );
        assert_eq!(r.reply.cc, vec!["区政协提案委", "区政府办公室"]);
        assert_eq!(r.category.as_deref(), Some("A类"));
        assert_eq!(r.extra[0].0, LEGEND_KEY);
        assert!(!r.co_unit);
        // the title lines stay in the body, where nothing is lost
        assert!(
            r.reply
                .body
                .starts_with("关于区政协十一届三次会议\n第150号提案的\n答 复\n您提出的")
        );
    }
}
