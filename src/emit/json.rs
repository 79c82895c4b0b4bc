//! The JSON writer of the `emit` stage: writes a record exactly as `serde_json` writes it
//! (compact, or pretty with two-space indents), field by field, escaping strings many bytes at a
//! time. Records are mostly long Chinese text with nothing to escape, and serde_json's
//! byte-by-byte escaping was the largest single cost of a conversion; serde's per-field calls
//! were the next. Tests compare the output with serde_json's byte for byte.

use crate::record::{Contact, Kind, Measure, Record, Reply, Section, Signature, Source, Units};

/// One record as JSON, the bytes serde_json writes for it (tests compare the two on every
/// fixture and on generated records), written field by field: a record has dozens of measures
/// of five fields each, and a serde `Serializer` spent more instructions dispatching them than
/// on their text (4% of a conversion). Each type is taken apart whole, so a field added to the
/// record types does not compile here until it is written.
pub fn record(out: &mut Vec<u8>, record: &Record, pretty: bool) {
    if pretty {
        Writer::<true> { out, depth: 0 }.record(record);
    } else {
        Writer::<false> { out, depth: 0 }.record(record);
    }
}

impl<'o, const PRETTY: bool> Writer<'o, PRETTY> {
    fn open(&mut self, start: u8) -> Compound<'_, 'o, PRETTY> {
        self.out.push(start);
        self.depth += 1;
        Compound {
            w: self,
            first: true,
        }
    }

    #[inline]
    fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    fn list<T>(&mut self, items: &[T], item: impl Fn(&mut Self, &T)) {
        let mut a = self.open(b'[');
        for t in items {
            a.element();
            item(a.w, t);
        }
        a.close(b']');
    }

    fn record(&mut self, r: &Record) {
        let Record {
            source,
            kind,
            proposer,
            proposers,
            number,
            title,
            content,
            units,
            category,
            doc_number,
            session,
            reply,
            extra,
        } = r;
        let mut o = self.open(b'{');
        o.field("source");
        o.w.source(source);
        o.opt_str("kind", kind.map(Kind::as_str));
        o.opt_str("proposer", proposer.as_deref());
        o.strings("proposers", proposers);
        o.opt_str("number", number.as_deref());
        o.opt_str("title", title.as_deref());
        o.opt_str("content", content.as_deref());
        o.field("units");
        let Units { lead, assisting } = units;
        let mut u = o.w.open(b'{');
        u.strings("lead", lead);
        u.strings("assisting", assisting);
        u.close(b'}');
        o.opt_str("category", category.as_deref());
        o.opt_str("doc_number", doc_number.as_deref());
        o.opt_str("session", session.as_deref());
        o.field("reply");
        match reply {
            Some(reply) => o.w.reply(reply),
            None => o.w.null(),
        }
        o.field("extra");
        let mut m = o.w.open(b'{');
        for (key, value) in extra {
            m.element();
            string(m.w.out, key);
            m.w.out.extend_from_slice(if PRETTY { b": " } else { b":" });
            string(m.w.out, value);
        }
        m.close(b'}');
        o.close(b'}');
    }

    fn source(&mut self, s: &Source) {
        let Source {
            path,
            record,
            line,
            encoding,
        } = s;
        let mut o = self.open(b'{');
        o.str("path", path);
        o.number("record", *record as u64);
        o.number("line", *line as u64);
        o.str("encoding", encoding);
        o.close(b'}');
    }

    fn reply(&mut self, r: &Reply) {
        let Reply {
            date,
            addressee,
            body,
            sections,
            measures,
            closing,
            signature,
            contacts,
            cc,
            signer,
            notes,
        } = r;
        let mut o = self.open(b'{');
        o.opt_str("date", date.as_deref());
        o.opt_str("addressee", addressee.as_deref());
        o.str("body", body);
        o.field("sections");
        o.w.list(sections, |w, s| {
            let Section {
                number,
                label,
                heading,
                text,
            } = s;
            let mut o = w.open(b'{');
            o.number("number", u64::from(*number));
            o.str("label", label);
            o.str("heading", heading);
            o.str("text", text);
            o.close(b'}');
        });
        o.field("measures");
        o.w.list(measures, |w, m| {
            let Measure {
                number,
                label,
                section,
                title,
                text,
            } = m;
            let mut o = w.open(b'{');
            o.number("number", u64::from(*number));
            o.str("label", label);
            o.field("section");
            match section {
                Some(n) => decimal(o.w.out, u64::from(*n)),
                None => o.w.null(),
            }
            o.str("title", title);
            o.str("text", text);
            o.close(b'}');
        });
        o.opt_str("closing", closing.as_deref());
        o.field("signature");
        match signature {
            Some(Signature { unit, date }) => {
                let mut s = o.w.open(b'{');
                s.opt_str("unit", unit.as_deref());
                s.opt_str("date", date.as_deref());
                s.close(b'}');
            }
            None => o.w.null(),
        }
        o.field("contacts");
        o.w.list(contacts, |w, c| {
            let Contact { name, phone } = c;
            let mut o = w.open(b'{');
            o.opt_str("name", name.as_deref());
            o.opt_str("phone", phone.as_deref());
            o.close(b'}');
        });
        o.strings("cc", cc);
        o.opt_str("signer", signer.as_deref());
        o.strings("notes", notes);
        o.close(b'}');
    }
}

struct Writer<'o, const PRETTY: bool> {
    out: &'o mut Vec<u8>,
    depth: usize,
}

impl<const PRETTY: bool> Writer<'_, PRETTY> {
    #[inline]
    fn newline(&mut self) {
        if PRETTY {
            self.out.push(b'\n');
            for _ in 0..self.depth {
                self.out.extend_from_slice(b"  ");
            }
        }
    }
}

/// A JSON string literal, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    use crate::scan::{Class, find};
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    // Jumps from one byte that needs escaping to the next; the text between is copied whole.
    while let Some(i) = find(Class::JsonSpecial, b, start) {
        let c = b[i];
        let escape: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        out.extend_from_slice(&b[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(c >> 4) as usize]);
            out.push(HEX[(c & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// A number's digits, without the allocation of `to_string` (every measure has two numbers).
fn decimal(out: &mut Vec<u8>, mut v: u64) {
    // Item numbers, record indexes and line numbers: nearly all one or two digits, written
    // without the loop and the copy of a slice of unknown length.
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    if v < 100 {
        out.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
        return;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// An array or object being written: whether anything is in it yet.
struct Compound<'a, 'o, const PRETTY: bool> {
    w: &'a mut Writer<'o, PRETTY>,
    first: bool,
}

impl<const PRETTY: bool> Compound<'_, '_, PRETTY> {
    #[inline]
    fn element(&mut self) {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
        self.w.newline();
    }

    /// The next member's name: a field name of the record types, with nothing to escape,
    /// written as it is without the string writer's scan. (The tests compare every fixture's
    /// output with serde_json's, and run with this assertion on.)
    #[inline]
    fn field(&mut self, key: &str) {
        self.element();
        debug_assert!(
            !key.bytes().any(|b| crate::scan::Class::JsonSpecial.has(b)),
            "{key}"
        );
        let out = &mut *self.w.out;
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(if PRETTY { b"\": " } else { b"\":" });
    }

    /// A member whose value is a string.
    #[inline]
    fn str(&mut self, key: &str, value: &str) {
        self.field(key);
        string(self.w.out, value);
    }

    /// A member whose value is a string or null.
    #[inline]
    fn opt_str(&mut self, key: &str, value: Option<&str>) {
        self.field(key);
        match value {
            Some(v) => string(self.w.out, v),
            None => self.w.null(),
        }
    }

    /// A member whose value is a number.
    #[inline]
    fn number(&mut self, key: &str, value: u64) {
        self.field(key);
        decimal(self.w.out, value);
    }

    /// A member whose value is a list of strings.
    #[inline]
    fn strings(&mut self, key: &str, items: &[String]) {
        self.field(key);
        self.w.list(items, |w, s| string(w.out, s));
    }

    fn close(self, end: u8) {
        self.w.depth -= 1;
        if !self.first {
            self.w.newline();
        }
        self.w.out.push(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with every field filled, text to escape, empty and one-item lists, in both
    /// layouts; and one with nothing but its source.
    #[test]
    fn same_bytes_as_serde_json() {
        let odd = "科技局\"引号\"\\反斜\n换行\t\u{1}\u{1f}\u{7f}";
        let full = Record {
            source: Source {
                path: "a/b \"c\".txt".into(),
                record: 2,
                line: 117,
                encoding: "gb18030".into(),
            },
            kind: Some(Kind::Proposal),
            proposer: Some(odd.into()),
            proposers: vec![odd.into(), "乙".into()],
            number: Some("0143".into()),
            title: Some("关于加强“专精特新”企业培育的建议".into()),
            content: Some("第一段\n第二段".into()),
            units: Units {
                lead: vec!["科技局".into(), odd.into()],
                assisting: vec![],
            },
            category: Some("A".into()),
            doc_number: None,
            session: Some("区十八届人大四次会议".into()),
            reply: Some(Reply {
                date: Some("2023-05-08".into()),
                addressee: None,
                body: odd.into(),
                sections: vec![Section {
                    number: 1,
                    label: "（一）".into(),
                    heading: "总体".into(),
                    text: String::new(),
                }],
                measures: vec![
                    Measure {
                        number: 1,
                        label: "1.".into(),
                        section: Some(1),
                        title: "甲".into(),
                        text: odd.into(),
                    },
                    Measure {
                        number: 123,
                        label: "123、".into(),
                        section: None,
                        title: String::new(),
                        text: "乙".into(),
                    },
                ],
                closing: None,
                signature: Some(Signature {
                    unit: Some("某局".into()),
                    date: None,
                }),
                contacts: vec![Contact {
                    name: Some("张三".into()),
                    phone: None,
                }],
                cc: vec![],
                signer: Some("李四".into()),
                notes: vec!["(此件公开发布)".into()],
            }),
            extra: [
                ("备注".to_string(), odd.to_string()),
                ("k\"ey".into(), String::new()),
            ]
            .into_iter()
            .collect(),
        };
        let bare = Record::default();
        for r in [&full, &bare] {
            for pretty in [false, true] {
                let mut ours = Vec::new();
                record(&mut ours, r, pretty);
                let theirs = if pretty {
                    serde_json::to_vec_pretty(r).unwrap()
                } else {
                    serde_json::to_vec(r).unwrap()
                };
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    String::from_utf8(theirs).unwrap()
                );
            }
        }
    }

    #[test]
    fn numbers_as_serde_json_writes_them() {
        for v in [0u64, 1, 9, 10, 99, 100, 12345, u64::MAX] {
            let mut ours = Vec::new();
            decimal(&mut ours, v);
            assert_eq!(ours, serde_json::to_vec(&v).unwrap());
        }
    }

    #[test]
    fn escaping_at_every_position_of_a_word() {
        for k in 0..20 {
            let s = format!("{}\"{}", "字".repeat(k), "a".repeat(k));
            let mut ours = Vec::new();
            string(&mut ours, &s);
            assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{s}");
        }
    }
}
