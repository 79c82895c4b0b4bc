//! HTML pages and Word documents read directly: each fixture converts to the same fields as the
//! pipe text a crawler would make of it; the Word fixture is built here, part by part; broken
//! documents and pages give clear errors naming the file.

mod common;

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use propex::{Config, SourceFormat, extract};

fn propex() -> Command {
    Command::cargo_bin("propex").unwrap()
}

/// A record without its `source`, which says where it was read: what must agree.
fn fields(path: &str) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(common::root().join(path)).unwrap();
    let x = extract(path, &bytes, &Config::default()).unwrap_or_else(|e| panic!("{path}: {e}"));
    x.records
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(&e.record).unwrap();
            v.as_object_mut().unwrap().remove("source");
            v
        })
        .collect()
}

#[test]
fn pages_and_documents_read_as_their_crawls() {
    let mut pairs = 0;
    for path in common::fixtures() {
        let path = path.to_string_lossy().replace('\\', "/");
        let Some(stem) = path
            .strip_suffix(".html")
            .or_else(|| path.strip_suffix(".docx"))
        else {
            continue;
        };
        let crawl = format!("{stem}.crawl.txt");
        assert!(
            common::root().join(&crawl).exists(),
            "{path} has no crawl twin {crawl}"
        );
        let (doc, text) = (fields(&path), fields(&crawl));
        assert_eq!(doc.len(), 1, "{path}");
        assert_eq!(doc, text, "{path} and {crawl} differ");
        // Not an empty agreement: the record has its main fields.
        let r = &doc[0];
        for key in ["number", "title", "proposer"] {
            assert!(!r[key].is_null(), "{path}: no {key}");
        }
        assert!(r["reply"]["date"].is_string(), "{path}: no reply date");
        pairs += 1;
    }
    assert!(pairs >= 5, "fixture pairs went missing: {pairs}");
}

/// The parts of a Word document, each as its own XML, zipped with fixed times so the same
/// parts give the same bytes.
fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, xml) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A paragraph; `num` is (list, level) of Word's automatic numbering.
fn p(text: &str, num: Option<(u32, u32)>) -> String {
    let numbering = num.map_or(String::new(), |(id, lvl)| {
        format!(r#"<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{id}"/></w:numPr>"#)
    });
    format!(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>{numbering}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
    )
}

fn cell(text: &str) -> String {
    format!("<w:tc><w:tcPr/>{}</w:tc>", p(text, None))
}

/// The Word fixture: a label table, a letter whose `一、` and `（一）` come from numbering.xml
/// (two levels, the second restarting under each first), a footnote, a header and a footer,
/// a deleted run, a line break inside a paragraph, a style that numbers its paragraphs.
fn numbered_reply() -> Vec<u8> {
    let body = [
        format!(
            "<w:tbl><w:tr>{}{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("建议号"),
            cell("第12号"),
            cell("建议人"),
            cell("付晓东代表"),
            cell("承办单位"),
            cell("县住房和城乡建设局")
        ),
        p("关于县十七届人大四次会议第12号建议的答复", None),
        p("付晓东代表：", None),
        p(
            "您提出的《关于推进老旧小区加装电梯的建议》收悉，现答复如下：",
            None,
        ),
        p("工作进展", Some((1, 0))),
        // A footnote reference, and text deleted in tracked changes: neither is read.
        r#"<w:p><w:r><w:t>全县已有二十三个小区完成加装电梯意见征询&amp;方案公示。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:del w:id="9" w:author="x"><w:r><w:delText>（此句已删除）</w:delText></w:r></w:del></w:p>"#.to_string(),
        p("简化审批流程。推行联合审查，审批时限压缩至十五个工作日。", Some((1, 1))),
        p("落实资金补助。对每部新装电梯给予定额补助。", Some((1, 1))),
        p("下一步打算", Some((1, 0))),
        // Numbered by its style, not by the paragraph.
        r#"<w:p><w:pPr><w:pStyle w:val="ListLevel2"/></w:pPr><w:r><w:t>加强宣传引导，推广已建成小区的经验做法。</w:t></w:r></w:p>"#.to_string(),
        p("感谢您对住房和城乡建设工作的关心和支持。", None),
        p("县住房和城乡建设局", None),
        p("2023年6月8日", None),
        r#"<w:p><w:r><w:t>联系人：祁红梅</w:t></w:r><w:r><w:br/><w:t>联系电话：0556-5xxxxxx</w:t></w:r></w:p>"#.to_string(),
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rId8"/><w:footerReference w:type="default" r:id="rId9"/></w:sectPr>"#.to_string(),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}</w:body></w:document>"#
    );
    let level = |ilvl: u32, format: &str, text: &str, suffix: &str| {
        format!(
            r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/>{suffix}<w:lvlJc w:val="left"/></w:lvl>"#
        )
    };
    let numbering = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {W}><w:abstractNum w:abstractNumId="0">{}{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        level(0, "chineseCounting", "%1、", r#"<w:suff w:val="nothing"/>"#),
        level(
            1,
            "chineseCounting",
            "（%2）",
            r#"<w:suff w:val="nothing"/>"#
        ),
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}><w:style w:type="paragraph" w:styleId="ListLevel1"><w:name w:val="List Level 1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListLevel2"><w:name w:val="List Level 2"/><w:basedOn w:val="ListLevel1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {W}>{}</w:hdr>"#,
        p("县住房和城乡建设局文件（页眉）", None)
    );
    let footer = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {W}>{}</w:ftr>"#,
        p("第 1 页（页脚）", None)
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {W}><w:footnote w:id="1">{}</w:footnote></w:footnotes>"#,
        p("数据来源：县统计局（脚注）", None)
    );
    docx(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", &document),
        ("word/numbering.xml", &numbering),
        ("word/styles.xml", &styles),
        ("word/header1.xml", &header),
        ("word/footer1.xml", &footer),
        ("word/footnotes.xml", &footnotes),
    ])
}

const DOCX_FIXTURE: &str = "fixtures/docx/numbered_reply.docx";

/// The committed Word fixture is what `numbered_reply` builds (`PROPEX_UPDATE_FIXTURES=1`
/// writes it again).
#[test]
fn the_word_fixture_is_built_here() {
    let built = numbered_reply();
    let path = common::root().join(DOCX_FIXTURE);
    if std::env::var_os("PROPEX_UPDATE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &built).unwrap();
    }
    let committed = std::fs::read(&path).expect("run with PROPEX_UPDATE_FIXTURES=1");
    assert!(committed == built, "{DOCX_FIXTURE} is stale");
}

#[test]
fn word_numbering_is_rendered_and_side_parts_stay_out() {
    let x = extract("r.docx", &numbered_reply(), &Config::default()).unwrap();
    assert_eq!(x.format, SourceFormat::Docx);
    for wanted in [
        "一、工作进展",
        "（一）简化审批流程",
        "（二）落实资金补助",
        "二、下一步打算",
        // The style's list restarts its second level under the new first level.
        "（一）加强宣传引导",
        "意见征询&方案公示",
        // The text positions are given in: a line break inside a paragraph is a space there,
        // so that line N is paragraph N.
        "联系人：祁红梅 联系电话",
    ] {
        assert!(x.text.contains(wanted), "{wanted:?} not in\n{}", x.text);
    }
    for leak in ["页眉", "页脚", "脚注", "已删除", "420"] {
        assert!(!x.text.contains(leak), "{leak:?} leaked into\n{}", x.text);
    }
    let r = &x.records[0].record;
    assert_eq!(r.source.format, SourceFormat::Docx);
    let reply = r.reply.as_ref().unwrap();
    assert_eq!(reply.sections.len(), 2);
    assert_eq!(reply.measures.len(), 3);
    assert_eq!(reply.measures[2].label, "（一）");
    assert_eq!(reply.measures[2].section, Some(2));
}

#[test]
fn broken_documents_and_empty_pages_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let good = numbered_reply();
    let no_document = docx(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/styles.xml", "<w:styles/>"),
    ]);
    let bad_xml = docx(&[(
        "word/document.xml",
        "<w:document><w:body><w:p><w:t>断</w:p>",
    )]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.docx",
            good[..good.len() / 2].to_vec(),
            "not a readable Word document",
        ),
        ("nodoc.docx", no_document, "no main document part (word/document.xml)"),
        ("badxml.docx", bad_xml, "word/document.xml is damaged"),
        (
            "chrome.html",
            "<!DOCTYPE html><html><body><nav>首页</nav><script>x()</script><footer>版权</footer></body></html>"
                .as_bytes()
                .to_vec(),
            "the page has no text outside its markup",
        ),
        (
            "noletter.html",
            "<html><body><p>欢迎访问</p></body></html>".as_bytes().to_vec(),
            "no record found",
        ),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0".to_vec(),
            "libreoffice --headless --convert-to docx",
        ),
        ("a.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0".to_vec(), "WPS"),
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3".to_vec(), "pdftotext -layout"),
    ];
    for (name, bytes, says) in &cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        propex()
            .arg("extract")
            .arg(dir.path().join(name))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*name).and(predicate::str::contains(*says)));
    }
    // One bad file in a batch stops nothing: the good document still converts.
    std::fs::write(dir.path().join("good.docx"), &good).unwrap();
    propex()
        .args(["extract", "-f", "jsonl"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"format\":\"docx\"").count(1))
        .stderr(predicate::str::contains("truncated.docx"));
}

#[test]
fn malformed_markup_is_read_as_browsers_read_it() {
    let page = "<html><body><div id=zoom><p>王明委员：<p>您提出的《关于加强河道保洁的提案》收悉，现答复如下：<table><tr><td>一、落实河长制。<b>全面<i>开展</b>巡查</i>。\
                <p>感谢您的关心。<p>县水利局<p>2022年5月6日</div></span></body>";
    let x = extract("a.html", page.as_bytes(), &Config::default()).unwrap();
    let r = &x.records[0].record;
    assert_eq!(r.title.as_deref(), Some("关于加强河道保洁的提案"));
    assert_eq!(
        r.reply.as_ref().unwrap().date.as_deref(),
        Some("2022-05-06")
    );
}

#[test]
fn input_format_forces_a_reader_and_folders_pick_up_pages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("fixtures/html/trs_metadata.html"),
        dir.path().join("page.htm"),
    )
    .unwrap();
    std::fs::write(dir.path().join("page.docx"), numbered_reply()).unwrap();
    std::fs::write(dir.path().join("notes.md"), "not read").unwrap();
    let out = propex()
        .args(["extract", "-f", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let formats: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source"]["format"].to_string()
        })
        .collect();
    assert_eq!(formats, ["\"docx\"", "\"html\""]);
    // Read as text, the page is markup: its tags end up in the record.
    propex()
        .args(["extract", "-f", "jsonl", "--input-format", "text"])
        .arg(dir.path().join("page.htm"))
        .assert()
        .stdout(
            predicate::str::contains("\"format\":\"text\"").and(predicate::str::contains("<p>")),
        );
    propex()
        .args(["extract", "--input-format", "pdf"])
        .arg(dir.path().join("page.htm"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown input format"));
    // The index carries the format.
    propex()
        .args(["extract", "-f", "csv"])
        .arg(dir.path().join("page.docx"))
        .assert()
        .success()
        .stdout(predicate::str::contains(",format\n").and(predicate::str::contains(",docx\n")));
}

#[test]
fn validate_places_findings_in_the_page_source() {
    let dir = tempfile::tempdir().unwrap();
    // A reply dated before the page could have been written: a finding on the date, whose line
    // and column are the HTML file's.
    let page = "<html>\n<body>\n<table>\n<tr><td>建议号：</td><td>第9号</td></tr>\n<tr><td>标题：</td><td>关于修缮古桥的建议</td></tr>\n<tr><td>建议人：</td><td>李四代表</td></tr>\n<tr><td>答复日期：</td>\n   <td>2023-02-30</td></tr>\n</table>\n</body>\n</html>\n";
    std::fs::write(dir.path().join("p.html"), page).unwrap();
    let out = propex()
        .args(["validate", "--format", "json"])
        .arg(dir.path().join("p.html"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("2023-02-30"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let d: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(8), Some(8)),
        "{line}"
    );
}

#[test]
fn validate_places_findings_in_word_documents_by_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let row = |label: &str, value: &str| {
        format!(
            "<w:tr><w:tc><w:p><w:r><w:t>{label}</w:t></w:r></w:p></w:tc>\
             <w:tc><w:p><w:r><w:t>{value}</w:t></w:r></w:p></w:tc></w:tr>"
        )
    };
    // A heading paragraph broken in two by a line break (one paragraph, two lines on the page),
    // then a table: the date is in the fifth paragraph (a row is one), not on the sixth line.
    let body = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body><w:p><w:r><w:t>某县人民政府</w:t><w:br/><w:t>建议答复公开</w:t></w:r></w:p>\
         <w:tbl>{}{}{}{}</w:tbl></w:body></w:document>",
        row("建议号：", "第9号"),
        row("标题：", "关于修缮古桥的建议"),
        row("建议人：", "李四代表"),
        row("答复日期：", "2023-02-30"),
    );
    std::fs::write(
        dir.path().join("d.docx"),
        docx(&[("word/document.xml", &body)]),
    )
    .unwrap();
    let out = propex()
        .args(["validate", "--format", "json"])
        .arg(dir.path().join("d.docx"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("2023-02-30"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let d: serde_json::Value = serde_json::from_str(line).unwrap();
    // `答复日期： | ` is eight characters: the date is the ninth.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(9)),
        "{line}"
    );
}
