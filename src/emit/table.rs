//! The CSV / TSV index of the `emit` stage: one row per record, lists joined by `、`, and every
//! cell that a spreadsheet would run as a formula neutralised.

use std::io;

use crate::record::Record;

/// The index's columns, in order.
pub const COLUMNS: &[&str] = &[
    "path",
    "record",
    "kind",
    "number",
    "proposer",
    "title",
    "lead",
    "assisting",
    "category",
    "date",
    "sections",
    "measures",
    "doc_number",
    "session",
    "addressee",
    "signature_unit",
    "signature_date",
    "signer",
    "contacts",
    "cc",
    "proposers",
    "notes",
    "format",
];

pub fn header(delimiter: u8) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, delimiter, COLUMNS.iter().map(|c| c.to_string()))
        .expect("writing to memory cannot fail");
    out
}

pub fn row(out: &mut Vec<u8>, r: &Record, delimiter: u8) -> io::Result<()> {
    let reply = r.reply.as_ref();
    let sig = reply.and_then(|r| r.signature.as_ref());
    let opt = |s: Option<&String>| s.cloned().unwrap_or_default();
    let contacts = reply.map_or_else(String::new, |r| {
        r.contacts
            .iter()
            .map(|c| {
                [c.name.as_deref(), c.phone.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("、")
    });
    let cells = [
        r.source.path.clone(),
        r.source.record.to_string(),
        r.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        opt(r.number.as_ref()),
        opt(r.proposer.as_ref()),
        opt(r.title.as_ref()),
        r.units.lead.join("、"),
        r.units.assisting.join("、"),
        opt(r.category.as_ref()),
        opt(reply.and_then(|r| r.date.as_ref())),
        reply.map_or(0, |r| r.sections.len()).to_string(),
        reply.map_or(0, |r| r.measures.len()).to_string(),
        opt(r.doc_number.as_ref()),
        opt(r.session.as_ref()),
        opt(reply.and_then(|r| r.addressee.as_ref())),
        opt(sig.and_then(|s| s.unit.as_ref())),
        opt(sig.and_then(|s| s.date.as_ref())),
        opt(reply.and_then(|r| r.signer.as_ref())),
        contacts,
        reply.map_or_else(String::new, |r| r.cc.join("、")),
        r.proposers.join("、"),
        // Notes are whole lines, often with 、 inside: a semicolon keeps them apart.
        reply.map_or_else(String::new, |r| r.notes.join("；")),
        r.source.format.as_str().to_string(),
    ];
    write(out, delimiter, cells.into_iter())
}

fn write(out: &mut Vec<u8>, delimiter: u8, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_writer(out);
    w.write_record(cells.map(neutralise))?;
    w.flush()
}

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`,
/// the usual defence against CSV injection; the quote shows, the formula does not run. Line
/// breaks inside a cell become spaces so each record stays on one line.
pub fn neutralise(cell: String) -> String {
    let cell = if cell.contains(['\n', '\r']) {
        cell.replace("\r\n", " ").replace(['\n', '\r'], " ")
    } else {
        cell
    };
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1".into()), "'+1");
        assert_eq!(neutralise("-1".into()), "'-1");
        assert_eq!(neutralise("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(neutralise("\tx".into()), "'\tx");
        assert_eq!(neutralise("科技局".into()), "科技局");
        assert_eq!(neutralise("甲\n乙".into()), "甲 乙");
    }

    #[test]
    fn rows_quote_delimiters_and_quotes() {
        let mut r = Record::default();
        r.source.path = "a,b.txt".into();
        r.title = Some("关于\"x\"的建议".into());
        r.units.lead = vec!["甲局".into(), "乙局".into()];
        let mut out = Vec::new();
        row(&mut out, &r, b',').unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.starts_with("\"a,b.txt\",0,,,,\"关于\"\"x\"\"的建议\",甲局、乙局,"),
            "{line}"
        );
    }
}
