//! The JSON writer of the `emit` stage: a serde `Serializer` that writes exactly what
//! `serde_json` writes (compact, or pretty with two-space indents), but escapes strings sixteen
//! bytes at a time. Records are mostly long Chinese text with nothing to escape, and serde_json's
//! byte-by-byte escaping was the largest single cost of a conversion. Tests compare the two
//! writers byte for byte.

use std::fmt;

use serde::ser::{self, Serialize};

/// Why a value cannot be written as JSON. A boxed `str`, not a `String`: every write returns a
/// `Result`, and one two words wide comes back in registers instead of through memory.
#[derive(Debug)]
pub struct Error(Box<str>);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string().into_boxed_str())
    }
}

/// Appends `value` as JSON to `out`.
pub fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    pretty: bool,
) -> Result<(), Error> {
    // Two writers, each with its layout fixed at compile time: the compact one, which JSON
    // Lines uses for every record, has no layout tests left in it.
    if pretty {
        value.serialize(&mut Writer::<true> { out, depth: 0 })
    } else {
        value.serialize(&mut Writer::<false> { out, depth: 0 })
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
pub struct Compound<'a, 'o, const PRETTY: bool> {
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

    fn close(self, end: u8) {
        self.w.depth -= 1;
        if !self.first {
            self.w.newline();
        }
        self.w.out.push(end);
    }
}

impl<'a, 'o, const PRETTY: bool> ser::Serializer for &'a mut Writer<'o, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o, PRETTY>;
    type SerializeTuple = Compound<'a, 'o, PRETTY>;
    type SerializeTupleStruct = Compound<'a, 'o, PRETTY>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = Compound<'a, 'o, PRETTY>;
    type SerializeStruct = Compound<'a, 'o, PRETTY>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        if v < 0 {
            self.out.push(b'-');
        }
        decimal(self.out, v.unsigned_abs());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        decimal(self.out, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // Records hold no floats; write them as serde_json would rather than fail.
        let text = serde_json::to_string(&v).map_err(ser::Error::custom)?;
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(ser::Error::custom(format!(
            "variant {variant} with data is not part of a record"
        )))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 'o, PRETTY>, Error> {
        self.out.push(b'[');
        self.depth += 1;
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'o, PRETTY>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'o, PRETTY>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(format!(
            "variant {variant} with data is not part of a record"
        )))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 'o, PRETTY>, Error> {
        self.out.push(b'{');
        self.depth += 1;
        Ok(Compound {
            w: self,
            first: true,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'o, PRETTY>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(format!(
            "variant {variant} with data is not part of a record"
        )))
    }
}

impl<const PRETTY: bool> ser::SerializeSeq for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b']');
        Ok(())
    }
}

impl<const PRETTY: bool> ser::SerializeTuple for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl<const PRETTY: bool> ser::SerializeTupleStruct for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl<const PRETTY: bool> ser::SerializeMap for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.element();
        key.serialize(KeyWriter { out: self.w.out })?;
        self.w.out.push(b':');
        if PRETTY {
            self.w.out.push(b' ');
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b'}');
        Ok(())
    }
}

impl<const PRETTY: bool> ser::SerializeStruct for Compound<'_, '_, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.element();
        // Field names are the record types' own identifiers, with nothing to escape: written
        // as they are, without the string writer's scan. (The tests compare every fixture's
        // output with serde_json's, and run with this assertion on.)
        debug_assert!(
            !key.bytes().any(|b| crate::scan::Class::JsonSpecial.has(b)),
            "{key}"
        );
        self.w.out.push(b'"');
        self.w.out.extend_from_slice(key.as_bytes());
        self.w.out.push(b'"');
        self.w.out.push(b':');
        if PRETTY {
            self.w.out.push(b' ');
        }
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeMap::end(self)
    }
}

/// Map keys: strings only (every map of a record is keyed by labels).
struct KeyWriter<'o> {
    out: &'o mut Vec<u8>,
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        string(self.out, v);
        Ok(())
    }
    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

fn key_error() -> Error {
    ser::Error::custom("a JSON object key must be a string")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_bytes_as_serde_json() {
        let v = json!({
            "a": "科技局\"引号\"\\反斜\n换行\t\u{1}\u{1f}\u{7f}",
            "empty_list": [],
            "empty_map": {},
            "list": [1, "二", null, true, {"x": []}],
            "nested": {"k": {"deeper": [[], [1, 2]]}},
            "n": 18446744073709551615u64,
            "neg": -3,
        });
        for pretty in [false, true] {
            let mut ours = Vec::new();
            write(&mut ours, &v, pretty).unwrap();
            let theirs = if pretty {
                serde_json::to_vec_pretty(&v).unwrap()
            } else {
                serde_json::to_vec(&v).unwrap()
            };
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn numbers_as_serde_json_writes_them() {
        for v in [0i64, 7, -7, 10, 99, 100, 12345, i64::MIN, i64::MAX] {
            let mut ours = Vec::new();
            write(&mut ours, &v, false).unwrap();
            assert_eq!(ours, serde_json::to_vec(&v).unwrap());
        }
        for v in [0u64, 1, 9, 10, u64::MAX] {
            let mut ours = Vec::new();
            write(&mut ours, &v, false).unwrap();
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
