//! The record rules of `validate`: what must be present, what must be well-formed, what should
//! agree. Each finding names the field it is about; the caller turns that into a position in a
//! raw record or a line of a YAML / JSON file.

use crate::date::{self, Date, Era};
use crate::diag::Code;
use crate::record::Record;
use crate::vocab::labels;

/// The part of a record a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Record,
    Number,
    Lead,
    /// `units.<list>[i]`
    Unit(&'static str, usize),
    Reply,
    ReplyDate,
    SignatureDate,
    Addressee,
    Section(usize),
    Measure(usize),
    Extra(String),
}

impl Field {
    /// The YAML / JSON path of the field.
    pub fn path(&self) -> String {
        match self {
            Field::Record => String::new(),
            Field::Number => "number".into(),
            Field::Lead => "units.lead".into(),
            Field::Unit(list, i) => format!("units.{list}[{i}]"),
            Field::Reply => "reply".into(),
            Field::ReplyDate => "reply.date".into(),
            Field::SignatureDate => "reply.signature.date".into(),
            Field::Addressee => "reply.addressee".into(),
            Field::Section(i) => format!("reply.sections[{i}].number"),
            Field::Measure(i) => format!("reply.measures[{i}].number"),
            Field::Extra(k) => format!("extra.{k}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub field: Field,
    pub message: String,
}

fn push(out: &mut Vec<Finding>, code: Code, field: Field, message: impl Into<String>) {
    out.push(Finding {
        code,
        field,
        message: message.into(),
    });
}

/// What the rules know beyond the record itself.
pub struct Context<'a> {
    /// The number as written, when the input had a number cell (a raw record).
    pub raw_number: Option<&'a str>,
    /// The unit lists as written (a raw record), to find empty items.
    pub raw_unit_lists: &'a [String],
    /// The labels of `extra` as written in the input (raw records); for converted records the
    /// keys of `extra`.
    pub labels: &'a [String],
    /// Dates are checked here (converted records); raw records report them while extracting.
    pub check_dates: bool,
    pub today: Date,
}

/// Every rule that looks at one record.
pub fn check(r: &Record, cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    presence(r, cx, &mut out);
    number(r, cx, &mut out);
    dates(r, cx, &mut out);
    outline(r, &mut out);
    addressee(r, &mut out);
    units(r, cx, &mut out);
    unknown_labels(cx, &mut out);
    out
}

fn presence(r: &Record, cx: &Context<'_>, out: &mut Vec<Finding>) {
    if r.proposer.is_none() {
        push(
            out,
            Code::MissingProposer,
            Field::Record,
            "the record names no proposer (提出者 / 提案人 / 代表 …)",
        );
    }
    if r.number.is_none() && cx.raw_number.is_none_or(|n| n.trim().is_empty()) {
        push(
            out,
            Code::MissingNumber,
            Field::Record,
            "the record has no number (建议/提案号)",
        );
    }
    if r.title.is_none() {
        push(
            out,
            Code::MissingTitle,
            Field::Record,
            "the record has no title (标题 / 案由)",
        );
    }
    if r.units.lead.is_empty() {
        push(
            out,
            Code::MissingLeadUnit,
            Field::Record,
            "no lead unit (主办) is named",
        );
    }
    match &r.reply {
        None => push(
            out,
            Code::MissingReply,
            Field::Record,
            "the record carries no reply",
        ),
        Some(reply) => {
            let empty = reply.body.is_empty()
                && reply.sections.is_empty()
                && reply.measures.is_empty()
                && reply.closing.is_none()
                && reply.addressee.is_none();
            if empty {
                push(
                    out,
                    Code::MissingReply,
                    Field::Reply,
                    "the reply has no text",
                );
            }
            if reply.date.is_none() {
                push(
                    out,
                    Code::MissingReplyDate,
                    Field::Reply,
                    "the reply has no date (答复日期, or a dated signature)",
                );
            }
        }
    }
}

/// An identifier has a digit and nothing but letters, digits and `-_/.`.
pub fn is_identifier(n: &str) -> bool {
    n.chars().any(|c| c.is_ascii_digit())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
}

fn number(r: &Record, cx: &Context<'_>, out: &mut Vec<Finding>) {
    let written = cx.raw_number.or(r.number.as_deref());
    if let Some(w) = written.filter(|w| !w.trim().is_empty()) {
        let normalized = crate::vocab::identifier(w);
        if !is_identifier(&normalized) {
            push(
                out,
                Code::BadNumber,
                Field::Number,
                format!(
                    "number {w:?} is not an identifier (digits, letters and -_/. with at least one digit)"
                ),
            );
        }
    }
}

fn dates(r: &Record, cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(reply) = &r.reply else { return };
    let mut check = |value: Option<&String>, field: Field, range: bool| {
        let Some(v) = value else { return };
        match date::parse(v, &Era::Gregorian) {
            Ok(d) if range => {
                let floor = Date {
                    year: 1980,
                    month: 1,
                    day: 1,
                };
                if d > cx.today {
                    push(
                        out,
                        Code::DateOutOfRange,
                        field,
                        format!("reply date {d} is in the future"),
                    );
                } else if d < floor {
                    push(
                        out,
                        Code::DateOutOfRange,
                        field,
                        format!("reply date {d} is before 1980"),
                    );
                }
            }
            Ok(_) => {}
            Err(e) if cx.check_dates => push(out, e.code(), field, e.to_string()),
            Err(_) => {}
        }
    };
    check(reply.date.as_ref(), Field::ReplyDate, true);
    check(
        reply.signature.as_ref().and_then(|s| s.date.as_ref()),
        Field::SignatureDate,
        false,
    );
}

/// Section numbers run 1, 2, 3 …; measure numbers go up by one within a section and either
/// restart at 1 or run on in the next.
fn outline(r: &Record, out: &mut Vec<Finding>) {
    let Some(reply) = &r.reply else { return };
    for (i, s) in reply.sections.iter().enumerate() {
        let expected = i as u32 + 1;
        if s.number != expected {
            push(
                out,
                Code::OutlineOrder,
                Field::Section(i),
                describe("section", &s.label, s.number, &[expected]),
            );
        }
    }
    let mut prev: Option<(Option<u32>, u32)> = None;
    for (i, m) in reply.measures.iter().enumerate() {
        let allowed: Vec<u32> = match prev {
            None => vec![1],
            Some((section, n)) if section == m.section => vec![n + 1],
            Some((_, n)) => vec![1, n + 1],
        };
        if !allowed.contains(&m.number) {
            push(
                out,
                Code::OutlineOrder,
                Field::Measure(i),
                describe("measure", &m.label, m.number, &allowed),
            );
        }
        prev = Some((m.section, m.number));
    }
}

fn describe(what: &str, label: &str, number: u32, allowed: &[u32]) -> String {
    let last = *allowed.last().unwrap_or(&1);
    let kind = if number + 1 == last {
        "a repeat"
    } else if number < last {
        "out of order"
    } else {
        "a gap"
    };
    let wanted: Vec<String> = allowed.iter().map(u32::to_string).collect();
    format!(
        "{what} {label} ({number}) is {kind}: expected {}",
        wanted.join(" or ")
    )
}

/// The names in a proposer or addressee, without honorifics.
fn names(s: &str) -> Vec<String> {
    let s = s.trim_start_matches("尊敬的");
    let mut out = Vec::new();
    for part in s.split(['、', '，', ',', '和', '及', ' ']) {
        let mut p = part.trim().trim_end_matches(['们', '們']);
        for title in crate::vocab::letter::PERSON_TITLES {
            p = p.strip_suffix(title).unwrap_or(p);
        }
        if !p.is_empty() {
            out.push(p.to_string());
        }
    }
    out
}

fn addressee(r: &Record, out: &mut Vec<Finding>) {
    let (Some(proposer), Some(addressee)) = (
        r.proposer.as_deref(),
        r.reply.as_ref().and_then(|x| x.addressee.as_deref()),
    ) else {
        return;
    };
    // A co-unit's letter is addressed to the lead unit.
    if r.units.lead.iter().any(|u| u == addressee) {
        return;
    }
    let (p, a) = (names(proposer), names(addressee));
    let joined = |v: &[String]| v.concat();
    let agrees = p.iter().any(|n| {
        a.iter()
            .any(|m| m.contains(n.as_str()) || n.contains(m.as_str()))
    }) || joined(&a).contains(&joined(&p))
        || joined(&p).contains(&joined(&a));
    if !agrees {
        push(
            out,
            Code::AddresseeMismatch,
            Field::Addressee,
            format!("the reply is addressed to {addressee:?}, the proposer is {proposer:?}"),
        );
    }
}

fn units(r: &Record, cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (i, u) in r.units.assisting.iter().enumerate() {
        if r.units.lead.contains(u) {
            push(
                out,
                Code::LeadAlsoAssisting,
                Field::Unit("assisting", i),
                format!("{u} is the lead unit and also a co-unit"),
            );
        }
    }
    for list in cx.raw_unit_lists {
        if crate::fields::has_empty_unit(list) {
            push(
                out,
                Code::EmptyUnit,
                Field::Lead,
                format!("an empty item in the unit list {list:?}"),
            );
        }
    }
    for (name, list) in [("lead", &r.units.lead), ("assisting", &r.units.assisting)] {
        for (i, u) in list.iter().enumerate() {
            if u.trim().is_empty() {
                push(
                    out,
                    Code::EmptyUnit,
                    Field::Unit(name, i),
                    "an empty unit name",
                );
            }
        }
    }
}

/// Keys propex itself writes into `extra` from a letter or for unlabeled cells.
const OWN_KEYS: &[&str] = &[
    crate::fields::UNLABELED,
    crate::reply::LEGEND_KEY,
    crate::reply::SIGNATURE_DATE_KEY,
    "邮政编码",
    "邮编",
    "地址",
    "通讯地址",
    "传真",
    "电子邮箱",
    "电子信箱",
    "领导签字",
    "公开方式",
    "公开属性",
];

fn unknown_labels(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for label in cx.labels {
        let (norm, _) = labels::normalize(label);
        if labels::lookup(&norm).is_none() && !OWN_KEYS.contains(&&*norm) {
            push(
                out,
                Code::UnknownLabel,
                Field::Extra(label.clone()),
                format!("label {label:?} is not one propex knows; its value is kept in extra"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Measure, Reply, Section};

    fn cx() -> Context<'static> {
        Context {
            raw_number: None,
            raw_unit_lists: &[],
            labels: &[],
            check_dates: true,
            today: Date {
                year: 2026,
                month: 1,
                day: 1,
            },
        }
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    fn complete() -> Record {
        Record {
            proposer: Some("张三委员".into()),
            number: Some("12".into()),
            title: Some("关于甲的提案".into()),
            units: crate::record::Units {
                lead: vec!["甲局".into()],
                assisting: vec!["乙局".into()],
            },
            reply: Some(Reply {
                date: Some("2023-05-01".into()),
                addressee: Some("张三委员".into()),
                body: "收悉。".into(),
                ..Reply::default()
            }),
            ..Record::default()
        }
    }

    #[test]
    fn a_complete_record_passes() {
        assert!(check(&complete(), &cx()).is_empty());
    }

    #[test]
    fn outline_gaps_repeats_and_disorder() {
        let m = |n, section| Measure {
            number: n,
            label: format!("{n}."),
            section,
            ..Measure::default()
        };
        let mut r = complete();
        let reply = r.reply.as_mut().unwrap();
        reply.sections = vec![
            Section {
                number: 1,
                label: "(一)".into(),
                ..Section::default()
            },
            Section {
                number: 3,
                label: "(三)".into(),
                ..Section::default()
            },
        ];
        // 1, 3 (gap), 3 (repeat), restart at 1 in section 3 (fine), 2 (fine)
        reply.measures = vec![
            m(1, Some(1)),
            m(3, Some(1)),
            m(3, Some(1)),
            m(1, Some(3)),
            m(2, Some(3)),
        ];
        let f = check(&r, &cx());
        assert_eq!(
            codes(&f),
            ["outline-order", "outline-order", "outline-order"]
        );
        assert!(
            f[0].message
                .contains("section (三) (3) is a gap: expected 2"),
            "{}",
            f[0].message
        );
        assert!(f[1].message.contains("a gap"));
        assert!(f[2].message.contains("a repeat"));
    }

    #[test]
    fn names_agree_across_honorifics_and_lists() {
        let agree = |p: &str, a: &str| {
            let mut r = complete();
            r.proposer = Some(p.into());
            r.reply.as_mut().unwrap().addressee = Some(a.into());
            check(&r, &cx()).is_empty()
        };
        assert!(agree("张三", "张三委员"));
        assert!(agree("王建国、李梅", "王建国、李梅委员"));
        assert!(agree("区政协工委", "区政协工委"));
        assert!(!agree("张三", "李四代表"));
    }

    #[test]
    fn identifiers() {
        for ok in ["217", "0143", "20250118040077", "A-15", "2023/15"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "ABC", "第号", "无", "12号提案"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }
}
