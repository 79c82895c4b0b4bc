//! No input makes propex panic: random bytes, and the fixtures cut, duplicated, or stripped of
//! their pipes and colons. Every result is either an error or records that fit the schema,
//! read back from YAML unchanged, and lose nothing of their reply.

mod common;

use propex::{Config, extract};
use proptest::prelude::*;

fn fixture_texts() -> Vec<Vec<u8>> {
    common::fixtures()
        .into_iter()
        .map(|p| std::fs::read(common::root().join(p)).unwrap())
        .collect()
}

fn check(bytes: &[u8]) {
    check_as("prop.txt", bytes)
}

/// As `check`, for an input named `name` (`.html` and `.docx` go to their readers).
fn check_as(name: &str, bytes: &[u8]) {
    // With spans: every record is checked against the schema with its `spans` field, and the
    // YAML round trip carries them too.
    let config = Config {
        record_spans: true,
        ..Config::default()
    };
    if let Ok(x) = extract(name, bytes, &config) {
        common::assert_nothing_lost("property input", &x);
        for e in &x.records {
            // Every place is inside the text and on its character boundaries (for a page, the
            // places were moved from its flattened text to its source).
            let o = &e.origin;
            let places = o.reply.iter().chain(o.pieces.iter().map(|p| &p.range));
            let written = o
                .number
                .iter()
                .chain(&o.reply_date)
                .chain(&o.unit_lists)
                .chain(&o.labels)
                .map(|w| (w.at, w.at));
            let spans = e
                .record
                .spans
                .iter()
                .flat_map(|m| m.values())
                .flat_map(|l| l.iter());
            for (a, b) in places
                .map(|r| (r.start, r.end))
                .chain(spans.map(|s| (s.start, s.end)))
                .chain(written)
            {
                assert!(a <= b && b <= x.text.len(), "{name}: {a}..{b}");
                assert!(x.text.is_char_boundary(a) && x.text.is_char_boundary(b));
            }
        }
        for r in x.records.iter().map(|e| &e.record) {
            assert!(r.source.record >= 1 && r.source.line >= 1);
            let v = serde_json::to_value(r).unwrap();
            common::assert_valid("property input", &v);
            let yaml = propex::emit::to_string(r, propex::emit::Format::Yaml);
            let back: propex::Record = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(&back, r, "YAML round trip");
        }
        for d in &x.diagnostics {
            assert!(d.line >= 1 && d.col >= 1);
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Cut(usize),
    Duplicate(usize, usize),
    DeleteAll(u8),
    DeleteSome(u8, usize),
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Cut),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Duplicate(a, b)),
        prop::sample::select(vec![b'|', b':', b'\n', b' ']).prop_map(Edit::DeleteAll),
        (prop::sample::select(vec![b'|', b':', b'\n']), 1usize..5)
            .prop_map(|(b, n)| Edit::DeleteSome(b, n)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "|".as_bytes().to_vec(),
                "：".as_bytes().to_vec(),
                "\n一、".as_bytes().to_vec(),
                " (1)".as_bytes().to_vec(),
                "答复内容:".as_bytes().to_vec(),
                vec![0xE4, 0xB8],
                vec![0xFF, 0xFE],
                vec![0],
            ])
        )
            .prop_map(|(at, s)| Edit::Insert(at, s)),
    ]
}

fn apply(mut b: Vec<u8>, e: &Edit) -> Vec<u8> {
    match *e {
        Edit::Cut(at) => {
            if !b.is_empty() {
                b.truncate(at % b.len());
            }
        }
        Edit::Duplicate(a, len) => {
            if !b.is_empty() {
                let a = a % b.len();
                let end = (a + len % 400).min(b.len());
                let piece = b[a..end].to_vec();
                b.splice(a..a, piece);
            }
        }
        Edit::DeleteAll(c) => b.retain(|&x| x != c),
        Edit::DeleteSome(c, every) => {
            let mut n = 0;
            b.retain(|&x| {
                if x == c {
                    n += 1;
                    n % every != 0
                } else {
                    true
                }
            });
        }
        Edit::Insert(at, ref s) => {
            let at = if b.is_empty() { 0 } else { at % b.len() };
            b.splice(at..at, s.iter().copied());
        }
    }
    b
}

/// Pieces of pages: tags that open, close and nest wrongly, tables, scripts, comments, entities
/// (whole, cut, unknown), label cells and letter lines, pipes, a charset declaration.
fn markup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div id=zoom>",
        "<div class='TRS_Editor'>",
        "</div>",
        "<br>",
        "<br/>",
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>",
        "<dl><dt>",
        "<dd>",
        "<strong>标题：</strong>",
        "<b>",
        "</b>",
        "<i>",
        "<span style='display:none'>",
        "</span>",
        "<script>",
        "</script>",
        "<style>.x{display:none}</style>",
        "<!--",
        "-->",
        "<nav>",
        "</nav>",
        "<a href='/x'>",
        "</a>",
        "<h1>",
        "</h1>",
        "<pre>",
        "</pre>",
        "&nbsp;",
        "&amp;",
        "&#20320;",
        "&#x4f60",
        "&bogus;",
        "&",
        "<",
        ">",
        "|",
        "\r\n",
        "\n",
        " ",
        "<meta charset=gbk>",
        "<html>",
        "<body>",
        "<o:p></o:p>",
        "<td colspan=3>",
        "答复内容：",
        "建议号：",
        "第12号",
        "张三代表：",
        "您提出的《关于某事的建议》收悉，现答复如下：",
        "一、加强管理。",
        "（一）",
        "1.",
        "某某局",
        "2023年5月6日",
        "联系人：李四",
        "\u{a0}",
        "é",
        "\u{3000}",
    ]);
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

/// A Word document whose body is random WordprocessingML, zipped whole (so the XML reader, not
/// the zip reader, meets it), with a numbering part of two levels.
fn word_of(body: &str) -> Vec<u8> {
    use std::io::Write;
    let numbering = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、%2%9"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="4294967295"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%2"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="5"/></w:num></w:numbering>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, xml) in [
        (
            "word/document.xml",
            format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#),
        ),
        ("word/numbering.xml", numbering.to_string()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn wordml() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<w:p>",
        "</w:p>",
        "<w:r>",
        "</w:r>",
        "<w:t>",
        "</w:t>",
        "<w:t xml:space=\"preserve\">",
        "<w:pPr>",
        "</w:pPr>",
        "<w:numPr>",
        "</w:numPr>",
        "<w:ilvl w:val=\"1\"/>",
        "<w:ilvl w:val=\"99\"/>",
        "<w:numId w:val=\"1\"/>",
        "<w:numId w:val=\"2\"/>",
        "<w:numId w:val=\"0\"/>",
        "<w:pStyle w:val=\"x\"/>",
        "<w:tbl>",
        "</w:tbl>",
        "<w:tr>",
        "</w:tr>",
        "<w:tc>",
        "</w:tc>",
        "<w:br/>",
        "<w:tab/>",
        "<w:delText>删</w:delText>",
        "<mc:Fallback>",
        "</mc:Fallback>",
        "<w:txbxContent>",
        "</w:txbxContent>",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&lt;",
        "&bogus;",
        "<",
        "|",
        "建议号",
        "第12号",
        "张三代表：",
        "您提出的建议收悉，现答复如下：",
        "加强管理。",
        "某某局",
        "2023年5月6日",
    ]);
    prop::collection::vec(piece, 0..150).prop_map(|v| v.concat())
}

fn word_fixture() -> Vec<u8> {
    std::fs::read(common::root().join("fixtures/docx/numbered_reply.docx")).unwrap()
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=100000 for a longer hunt.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn random_text_never_panics(s in "[\\|:：。，、 \\n一二三（）()1-9.a-z答复内容标题提案号]{0,600}") {
        check(s.as_bytes());
    }

    #[test]
    fn edited_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let texts = fixture_texts();
        let mut b = which.get(&texts).clone();
        for e in &edits {
            b = apply(b, e);
        }
        check(&b);
    }

    #[test]
    fn random_markup_never_panics(page in markup()) {
        check_as("prop.html", page.as_bytes());
        check_as("prop.txt", format!("<!DOCTYPE html>{page}").as_bytes());
    }

    #[test]
    fn random_bytes_as_pages_and_documents_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        check_as("prop.html", &bytes);
        let mut zip = b"PK\x03\x04word/".to_vec();
        zip.extend_from_slice(&bytes);
        check_as("prop.docx", &zip);
    }

    #[test]
    fn cut_and_damaged_documents_never_panic(
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let mut b = word_fixture();
        for (at, byte) in &flips {
            let i = at.index(b.len());
            b[i] ^= byte;
        }
        b.truncate(cut.index(b.len() + 1));
        check_as("prop.docx", &b);
    }

    #[test]
    fn random_word_markup_never_panics(body in wordml()) {
        check_as("prop.docx", &word_of(&body));
    }
}
