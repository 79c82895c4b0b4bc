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

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => string(self.out, s),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn opt_number(&mut self, v: Option<u64>) {
        match v {
            Some(v) => decimal(self.out, v),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn strings(&mut self, items: &[String]) {
        let mut a = self.open(b'[');
        for s in items {
            a.element();
            string(a.w.out, s);
        }
        a.close(b']');
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
        o.field("kind");
        o.w.opt_str(kind.map(Kind::as_str));
        for (key, value) in [
            ("proposer", proposer),
            ("number", number),
            ("title", title),
            ("content", content),
        ] {
            o.field(key);
            o.w.opt_str(value.as_deref());
        }
        o.field("units");
        let Units { lead, assisting } = units;
        let mut u = o.w.open(b'{');
        u.field("lead");
        u.w.strings(lead);
        u.field("assisting");
        u.w.strings(assisting);
        u.close(b'}');
        for (key, value) in [
            ("category", category),
            ("doc_number", doc_number),
            ("session", session),
        ] {
            o.field(key);
            o.w.opt_str(value.as_deref());
        }
        o.field("reply");
        match reply {
            Some(reply) => o.w.reply(reply),
            None => o.w.out.extend_from_slice(b"null"),
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
        o.field("path");
        string(o.w.out, path);
        o.field("record");
        decimal(o.w.out, *record as u64);
        o.field("line");
        decimal(o.w.out, *line as u64);
        o.field("encoding");
        string(o.w.out, encoding);
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
        } = r;
        let mut o = self.open(b'{');
        o.field("date");
        o.w.opt_str(date.as_deref());
        o.field("addressee");
        o.w.opt_str(addressee.as_deref());
        o.field("body");
        string(o.w.out, body);
        o.field("sections");
        o.w.list(sections, |w, s| {
            let Section {
                number,
                label,
                heading,
                text,
            } = s;
            let mut o = w.open(b'{');
            o.field("number");
            decimal(o.w.out, u64::from(*number));
            for (key, value) in [("label", label), ("heading", heading), ("text", text)] {
                o.field(key);
                string(o.w.out, value);
            }
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
            o.field("number");
            decimal(o.w.out, u64::from(*number));
            o.field("label");
            string(o.w.out, label);
            o.field("section");
            o.w.opt_number(section.map(u64::from));
            o.field("title");
            string(o.w.out, title);
            o.field("text");
            string(o.w.out, text);
            o.close(b'}');
        });
        o.field("closing");
        o.w.opt_str(closing.as_deref());
        o.field("signature");
        match signature {
            Some(Signature { unit, date }) => {
                let mut s = o.w.open(b'{');
                s.field("unit");
                s.w.opt_str(unit.as_deref());
                s.field("date");
                s.w.opt_str(date.as_deref());
                s.close(b'}');
            }
            None => o.w.out.extend_from_slice(b"null"),
        }
        o.field("contacts");
        o.w.list(contacts, |w, c| {
            let Contact { name, phone } = c;
            let mut o = w.open(b'{');
            o.field("name");
            o.w.opt_str(name.as_deref());
            o.field("phone");
            o.w.opt_str(phone.as_deref());
            o.close(b'}');
        });
        o.field("cc");
        o.w.strings(cc);
        o.field("signer");
        o.w.opt_str(signer.as_deref());
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
