//! `propex review` in a real browser: headless Chromium opens the page, runs its script, and the
//! DOM it leaves shows the fields' spans highlighted, the field a link names marked, and markup
//! from a record shown as text, never run. Screenshots go to `target/review/` (the seed's page
//! among them, when `../shared` is there); `PROPEX_UPDATE_SCREENSHOT=1` also renews
//! `docs/review.png`, the README's picture (of fixtures only: no published text in the repo).
//!
//! Without Chromium the tests say SKIPPED, unless `PROPEX_REQUIRE_SHARED=1` (as `.ci/run` sets,
//! after installing it): then a missing browser fails them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    let found = std::env::var_os("PROPEX_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        let required = std::env::var("PROPEX_REQUIRE_SHARED").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "PROPEX_REQUIRE_SHARED=1 but no Chromium (chromium, chromium-browser, google-chrome or $PROPEX_CHROMIUM)"
        );
        eprintln!("SKIPPED: no Chromium on PATH; this test opens the review page in it");
    }
    found
}

fn out_dir() -> PathBuf {
    let dir = common::root().join("target/review");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the review page of `inputs` to `page` with the built binary.
fn review(inputs: &[&str], page: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_propex"))
        .current_dir(common::root())
        .arg("review")
        .arg("-o")
        .arg(page)
        .args(inputs)
        .status()
        .unwrap();
    assert!(status.success(), "propex review {inputs:?}: {status}");
}

fn headless(browser: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1400,900",
        "--virtual-time-budget=5000",
    ]);
    cmd
}

/// The DOM after the page's script ran, opened at `fragment`.
fn open(browser: &Path, page: &Path, fragment: &str) -> String {
    let out = headless(browser)
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8(out.stdout).unwrap();
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish:\n{dom}"
    );
    dom
}

fn screenshot(browser: &Path, page: &Path, fragment: &str, png: &Path) {
    let out = headless(browser)
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}#{fragment}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{}",
        png.display()
    );
}

/// The text of every `<mark>` whose paths include `path`, in order.
fn marked(dom: &str, path: &str, active_only: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(at) = rest.find("<mark ") {
        rest = &rest[at..];
        let open_end = rest.find('>').unwrap();
        let open = &rest[..open_end];
        let close = rest.find("</mark>").unwrap();
        let paths = open
            .split("data-paths=\"")
            .nth(1)
            .and_then(|p| p.split('"').next())
            .unwrap_or("");
        if paths.split(' ').any(|p| p == path) && (!active_only || open.contains("active")) {
            out.push(rest[open_end + 1..close].to_string());
        }
        rest = &rest[close..];
    }
    out
}

#[test]
fn the_page_marks_spans_and_the_field_a_link_names() {
    let Some(browser) = chromium() else { return };
    let page = out_dir().join("fixtures.html");
    review(
        &[
            "fixtures/pipe/fullwidth_labels.txt",
            "fixtures/warn/markup_in_values.txt",
            "fixtures/pipe/concatenated.txt",
        ],
        &page,
    );
    let dom = open(&browser, &page, "input=0&record=0&field=title");
    let record: serde_json::Value = serde_json::from_slice(
        &Command::new(env!("CARGO_BIN_EXE_propex"))
            .current_dir(common::root())
            .args([
                "extract",
                "-f",
                "json",
                "fixtures/pipe/fullwidth_labels.txt",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    // Every field of the fixture has its span highlighted.
    for path in [
        "proposer",
        "number",
        "title",
        "reply.addressee",
        "reply.body",
    ] {
        assert!(!marked(&dom, path, false).is_empty(), "no mark for {path}");
    }
    // The link's field is marked, in the source and in the table, and nothing else is.
    let title = record["title"].as_str().unwrap();
    assert_eq!(marked(&dom, "title", true).concat(), title);
    assert_eq!(dom.matches("class=\"active\"").count(), 2, "{dom}");
    assert!(dom.contains("<tr data-path=\"title\" class=\"active\">"));
    // And the reverse: a click on a mark in the text marks the field's row.
    let reverse = open(&browser, &page, "input=0&record=0&field=number&via=mark");
    assert!(
        reverse.contains("<tr data-path=\"number\" class=\"active\">"),
        "{reverse}"
    );
    assert_eq!(marked(&reverse, "number", true).len(), 1);
    // Diagnostics sit in the text, at their places, with their codes: the second record of
    // the concatenated fixture has no reply date.
    let second = open(&browser, &page, "input=2&record=1");
    let source = second.split("id=\"r1\"").nth(1).unwrap();
    let source = &source[source.find("<pre class=\"source\">").unwrap()..];
    let source = &source[..source.find("</pre>").unwrap()];
    assert!(
        source.contains("class=\"diag error\"") && source.contains(">missing-reply-date</span>"),
        "{source}"
    );
}

#[test]
fn the_filter_hides_records_and_inputs() {
    let Some(browser) = chromium() else { return };
    let page = out_dir().join("filter.html");
    // The concatenated fixture: record 1 is clean, 2 lacks a reply date, 3 a lead unit.
    review(
        &[
            "fixtures/pipe/concatenated.txt",
            "fixtures/pipe/fullwidth_labels.txt",
        ],
        &page,
    );
    let shown = |dom: &str| {
        (0..3)
            .filter(|k| dom.contains(&format!("<section class=\"record\" id=\"r{k}\"")))
            .collect::<Vec<_>>()
    };
    let dom = open(&browser, &page, "filter=error");
    assert_eq!(shown(&dom), [1, 2]);
    // An input with no record that matches is hidden from the list.
    assert!(dom.contains("<li class=\"hidden\"><button class=\"input\" data-input=\"1\""));
    let dom = open(&browser, &page, "filter=missing&missing=reply.date");
    assert_eq!(shown(&dom), [1]);
    let dom = open(&browser, &page, "filter=all");
    assert_eq!(shown(&dom), [0, 1, 2]);
}

#[test]
fn markup_in_a_record_is_shown_never_run() {
    let Some(browser) = chromium() else { return };
    let page = out_dir().join("markup.html");
    review(&["fixtures/warn/markup_in_values.txt"], &page);
    let dom = open(&browser, &page, "input=0&record=0&field=proposer");
    let body = dom.split("<body").nth(1).unwrap();
    let body_tag = &body[..body.find('>').unwrap()];
    assert!(
        !body_tag.contains("pwned"),
        "a record's script ran: {body_tag}"
    );
    assert!(!dom.contains("<img"), "a record's markup became an element");
    assert!(
        !dom.contains("<b onmouseover"),
        "a record's markup became an element"
    );
    // The text is there, as text.
    assert!(dom.contains("&lt;script&gt;document.body.dataset.pwned='1'&lt;/script&gt;"));
    assert_eq!(
        marked(&dom, "proposer", true).concat(),
        "\"&gt;&lt;img src=x onerror=\"document.body.dataset.pwned='2'\"&gt; 张三代表"
    );
}

#[test]
fn screenshots_of_the_page() {
    let Some(browser) = chromium() else { return };
    let dir = out_dir();
    let page = dir.join("docs.html");
    review(&["fixtures/pipe", "fixtures/real"], &page);
    let png = dir.join("fixtures.png");
    screenshot(&browser, &page, "input=0&record=0&field=title", &png);
    if std::env::var("PROPEX_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1") {
        std::fs::copy(&png, common::root().join("docs/review.png")).unwrap();
    }
    // The seed's page: a test artefact only, never committed (it shows published text).
    if let Some(seed) = common::shared("seeds/000_d4a49051fec6a9f3.txt") {
        let page = dir.join("seed.html");
        review(&[seed.to_str().unwrap()], &page);
        screenshot(
            &browser,
            &page,
            "input=0&record=0&field=title",
            &dir.join("seed.png"),
        );
    }
}

#[test]
fn a_large_input_opens_a_page_of_records_at_a_time() {
    let Some(browser) = chromium() else { return };
    let dir = out_dir();
    let input = dir.join("many.txt");
    let one = "建议人: | 甲代表 |\n建议号: | {n} |\n标题: | 关于第{n}件事的建议 |\n答复内容: | 甲代表: 您提出的建议收悉。特此答复。 |\n";
    let text: String = (1..=1000)
        .map(|n| one.replace("{n}", &n.to_string()))
        .collect();
    std::fs::write(&input, text).unwrap();
    let page = dir.join("many.html");
    review(&[input.to_str().unwrap()], &page);
    let dom = open(&browser, &page, "input=0");
    assert_eq!(dom.matches("<section class=\"record\"").count(), 50);
    assert!(dom.contains("show 50 more of 950"));
    // A link to a record far down renders up to it.
    let dom = open(&browser, &page, "input=0&record=700&field=title");
    assert!(dom.contains("id=\"r700\""));
    assert_eq!(marked(&dom, "title", true).concat(), "关于第701件事的建议");
}
