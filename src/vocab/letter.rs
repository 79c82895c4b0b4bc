//! The parts of a published reply letter around its body (docs/format.md §4, §5, §7): title lines, document
//! number and flags before the salutation; closing, signature, contacts, copy-to and category
//! lines after the body. Each reader looks at one paragraph and says which bytes of it are what.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::date::{self, DateError, EraSource};

/// Byte ranges inside one paragraph's text.
pub type Span = Range<usize>;

// ---------------------------------------------------------------------------------------------
// Before the salutation

static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:答复|答覆|复函|覆函|復函|回复|回覆|答复函|答覆函|办理情况|辦理情況|办理情况的?(?:报告|函)|[协協会會分][办辦]意[见見](?:函)?|[的之]函|(?:答复|答覆|复|復)?函摘要)$").unwrap()
});

/// The letter's own title, or its last line: `关于区政协十一届三次会议第150号提案的答复`,
/// `答 复` alone. No sentence punctuation, ending in a reply word.
pub fn is_title_end(t: &str) -> bool {
    // `TITLE_END` ends at the end of the text, on one of these characters: most text (a
    // proposal's own title, a salutation) is turned away on its last character, before the
    // copy and the counting below.
    if !matches!(
        t.trim_end().chars().next_back(),
        Some('复' | '覆' | '函' | '况' | '況' | '告' | '见' | '見' | '要')
    ) {
        return false;
    }
    let t = super::without_spaces(t);
    let n = t.chars().count();
    let han = t.chars().filter(|c| is_han(*c)).count();
    // Digits are neither: a long number (`第20240317号提案答复的函`) does not make a line less
    // Chinese.
    let digits = t.chars().filter(char::is_ascii_digit).count();
    n <= 80
        && han * 10 >= (n - digits) * 6
        && !has_sentence_punct(&t)
        && !t.contains([':', '：'])
        && TITLE_END.is_match(&t)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// A line that can open a title split over several lines: short, no sentence punctuation.
pub fn is_title_part(t: &str) -> bool {
    t.chars().count() <= 60 && !has_sentence_punct(t) && !t.contains([':', '：'])
}

fn has_sentence_punct(t: &str) -> bool {
    t.contains(['。', '，', '；', '！', '？', ',', ';', '!', '?'])
}

/// A document number at the start of a line: `某政发〔2023〕148号`, `通科函[2023]12号`, or one
/// that lost its closing bracket and 号 (`某农政发〔202419`, kept as printed).
static DOC_NUMBER_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Han}A-Za-z]{1,16}\s*[〔\[［【(（﹝]\s*(?:19|20)[0-9]{2}(?:\s*[〕\]］】)）﹞]\s*第?\s*[0-9０-９]{1,5}\s*[号號]|[0-9]{1,5}(?:$|\s))").unwrap()
});

/// A document number on its own: `某政发〔2023〕148号`, `通科函[2023]12号`, `某农政发〔202419`.
pub fn is_doc_number(t: &str) -> bool {
    doc_number_start(t) == Some(t.trim_end().len())
}

/// Where a document number that opens `t` ends, if one does.
pub fn doc_number_start(t: &str) -> Option<usize> {
    DOC_NUMBER_START
        .find(t)
        .map(|m| m.as_str().trim_end().len())
}

/// A category code: `A类`, `B`, `A1`, `甲类`.
const CODE: &str = r"[A-Da-dＡ-Ｄ甲乙丙丁][0-9]?\s*[类類]?";

static FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[\[【(（]\s*)?(?:办理结果标注|辦理結果標註|办理结果|辦理結果|办复类别|辦復類別|答复类别|答覆類別|办理类别|辦理類別|类别|類別)\s*[:：(（]?\s*({CODE})\s*[)）]?\s*(?:[\]】)）])?$"
    ))
    .unwrap()
});

/// A code alone on a line, in brackets or not, with a stray bracket or not: `B类)`, `(A类)`.
static BARE_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[【(（]?\s*([A-DＡ-Ｄ][0-9]?\s*[类類])\s*[\]】)）]?$").unwrap()
});

/// `类别:提案`, `類別 工務`: a labeled class that is not a handling code, as written.
static CLASS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:类别|類別|类\s+别|類\s+別)\s*[:：]\s*(\p{Han}{1,6})$").unwrap()
});

/// A handling-category flag: `[办理结果标注(A1)]`, `办理结果:B`, `办复类别：B类`, a code alone
/// (`B类)`), a labeled class (`类别:提案`). Returns the code's span.
pub fn category_flag(t: &str) -> Option<Span> {
    FLAG.captures(t)
        .or_else(|| BARE_FLAG.captures(t))
        .or_else(|| CLASS_LABEL.captures(t))
        .and_then(|c| c.get(1))
        .map(|m| m.range())
}

static LEGEND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-DＡ-Ｄ]\s*[类類]\s*[:：为為是（(]").unwrap());

/// The explanation of the categories that some letters append: `（A类：已解决…；B类：…）`,
/// `注：A类为…`, or one line of it (`B类：正在解决`).
pub fn is_legend(t: &str) -> bool {
    let body = t.trim_start_matches(['(', '（', '[', '【']);
    let body = body
        .strip_prefix("注")
        .or_else(|| body.strip_prefix("說明"))
        .or_else(|| body.strip_prefix("说明"))
        .or_else(|| body.strip_prefix("备注"))
        .map(|r| r.trim_start_matches([':', '：']))
        .unwrap_or(body);
    LEGEND.find(body).is_some_and(|m| m.start() == 0) || LEGEND.find_iter(t).count() >= 2
}

// ---------------------------------------------------------------------------------------------
// The salutation

/// Spans of a salutation paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Salutation {
    pub name: Span,
    /// Text fused after it (`您好！…`), which stays in the body.
    pub rest: Option<usize>,
}

/// Titles a person is addressed by; a salutation or proposer ends with one.
pub const PERSON_TITLES: &[&str] = &[
    "委员", "委員", "代表", "议员", "議員", "同志", "先生", "女士", "主席", "主委",
];

/// Endings of a body addressed as a whole: committees, party branches, offices.
const BODY_ENDS: &[&str] = &[
    "委员会",
    "委員會",
    "工委",
    "小组",
    "小組",
    "支部",
    "界别",
    "界別",
    "党委",
    "黨委",
    "区委",
    "區委",
    "区委会",
    "區委會",
    "市委",
    "市委会",
    "总支",
    "們",
    "们",
    "局",
    "办",
    "辦",
    "院",
    "会",
    "會",
    "室",
    "中心",
    "政府",
];

/// Reads a salutation: `张三代表:`, `尊敬的李四委员：`, `某某委员会:`, `王五委员，您好！`,
/// `甲、乙、丙委员` (no colon, when `next` opens the letter).
pub fn salutation(t: &str, next: Option<&str>) -> Option<Salutation> {
    // Longest first: `尊敬的各位`, `尊敬的`, and `尊敬` without 的 as some letters write it.
    let honorific = ["尊敬的各位", "尊敬的", "尊敬"]
        .iter()
        .find_map(|h| t.strip_prefix(h).map(|_| h.len()))
        .unwrap_or(0);
    let body = &t[honorific..];
    let lead = body.len() - body.trim_start().len();
    let from = honorific + lead;
    let body = &t[from..];
    // A name in Chinese: `Note:` or `the table:` addresses no one.
    let short = |s: &str| {
        let n = s.chars().count();
        (1..=40).contains(&n)
            && !has_sentence_punct(s)
            && !s.contains(['。', '：', ':'])
            && s.chars().any(is_han)
    };

    // Fused greeting: `王五委员，您好！` or `王五委员:您好!现将…`. The name before it is short,
    // so only the paragraph's first bytes are searched.
    let near = super::head(body, 200);
    if let Some(hi) = near.find("您好").or_else(|| near.find("你好")) {
        let name = body[..hi].trim_end_matches([':', '：', '，', ',', ' ', '\u{3000}', '!', '！']);
        if short(name) {
            return Some(Salutation {
                name: from..from + name.len(),
                rest: Some(from + hi),
            });
        }
    }
    // An empty label line (`反馈时间:`, `联系人:`) addresses no one.
    let not_a_label = |name: &str| {
        let (norm, _) = super::labels::normalize(name);
        super::labels::lookup(&norm).is_none()
            && !["时间", "時間", "日期", "时限", "期限", "编号", "編號"]
                .iter()
                .any(|e| norm.ends_with(e))
    };
    if let Some(name) = body.strip_suffix([':', '：']) {
        let name = name.trim_end();
        if short(name) && !OPENING.is_match(name) && !is_title_end(name) && not_a_label(name) {
            return Some(Salutation {
                name: from..from + name.len(),
                rest: None,
            });
        }
    }
    // A name that runs into the opening on the same line.
    let addressee = |name: &str| {
        short(name)
            && not_a_label(name)
            && PERSON_TITLES
                .iter()
                .chain(BODY_ENDS)
                .any(|e| name.ends_with(e))
    };
    // Run into the opening on one line: `张三代表:你提出的…`.
    if let Some(colon) = super::head(body, 120).find([':', '：']) {
        let name = body[..colon].trim_end();
        let after = colon + body[colon..].chars().next().map_or(1, char::len_utf8);
        let rest = &body[after..];
        if addressee(name) && opens(rest) {
            let lead = rest.len() - rest.trim_start().len();
            return Some(Salutation {
                name: from..from + name.len(),
                rest: Some(from + after + lead),
            });
        }
    }
    // Run into the opening after a space instead of a colon, as crawls join a salutation line
    // to the next (`张三委员 您提出的…`): the words after the space must be the opening itself,
    // addressed to the reader, or any short line with a title word would pass.
    if let Some(gap) = super::head(body, 120).find([' ', '\u{3000}', '\u{a0}']) {
        let name = &body[..gap];
        let rest = body[gap..].trim_start();
        if addressee(name) && rest.starts_with(['您', '你', '贵', '貴']) && opens(rest) {
            return Some(Salutation {
                name: from..from + name.len(),
                rest: Some(t.len() - rest.len()),
            });
        }
    }
    // No colon: only a short name ending like an addressee, right before the opening.
    let opens = next.is_some_and(|n| opens(n) || n.starts_with("您好") || n.starts_with("你好"));
    if short(body)
        && (honorific > 0 || opens)
        && PERSON_TITLES
            .iter()
            .chain(BODY_ENDS)
            .any(|e| body.ends_with(e))
        && !is_title_end(body)
    {
        return Some(Salutation {
            name: from..t.len(),
            rest: None,
        });
    }
    None
}

// ---------------------------------------------------------------------------------------------
// After the body

/// What one value of a contact line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactRole {
    Name,
    Phone,
    /// The contact's unit (`联系单位:…`): kept in the reply's notes.
    Unit,
}

/// What one tail paragraph holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tail {
    /// Names, phones and units, in order.
    Contact(Vec<(ContactRole, Span)>),
    /// A person named by role (`分管领导:何建军`, `承办负责人:…`): a contact when a phone line
    /// follows, else a note.
    Person(Span),
    Cc(Vec<Span>),
    Signer(Span),
    Category(Span),
    Legend,
    /// A `label: value` line kept in `extra` (邮政编码, 地址, 领导签字 …): (label span, value span).
    Labeled(Span, Span),
    /// Thanks, 特此答复, 此致 敬礼, a feedback request.
    Closing,
    /// The signing unit, the date, or both on one line.
    Signature {
        unit: Option<Span>,
        date: Option<(Span, Result<date::Date, DateError>)>,
    },
    /// A line with no field of its own (`(此件公开发布)`, `附件:…`, an address): `reply.notes`.
    /// `known` when the line says what it is, rather than being merely unplaced.
    Note {
        known: bool,
    },
}

/// The labels of a contact line, longest first where one starts another (the first that
/// matches wins). Public for the tests' nothing-lost check, which lets them frame a value.
pub const CONTACT_LABELS: &[&str] = &[
    "联系单位和联系人及电话",
    "联系单位及联系人及电话",
    "联系单位和联系人",
    "联系单位及联系人",
    "联系单位",
    "聯系單位",
    "聯繫單位",
    "承办人及联系电话",
    "联系人及联系电话",
    "联系人及电话",
    "联系人姓名",
    "承办人姓名",
    "联系人",
    "聯絡人",
    "聯繫人",
    "聯系人",
    "承办人",
    "承辦人",
    "经办人",
    "經辦人",
    "姓名",
    "联系电话",
    "聯絡電話",
    "聯繫電話",
    "聯系電話",
    "联系方式",
    "電話",
    "电话",
    "手机",
    "手機",
];

/// Colons as crawls write them: full- and half-width, a semicolon, `︰`.
const COLON: &str = "[:：;；︰]";

/// A contact label, spaces allowed between its characters (`联 系 人`), and its colon.
static CONTACT_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:{})\s*{COLON}", spaced(CONTACT_LABELS))).unwrap());

/// The words as alternatives of a pattern, in order, with spaces allowed between their
/// characters (`抄 送`).
fn spaced(words: &[&str]) -> String {
    let word = |w: &&str| {
        w.chars()
            .map(|c| regex::escape(c.encode_utf8(&mut [0; 4])))
            .collect::<Vec<_>>()
            .join(r"\s*")
    };
    words.iter().map(word).collect::<Vec<_>>().join("|")
}

/// The words as alternatives of a pattern, in order, as written.
fn exact(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]?[0-9０-９]{3,5}[）)]?[-－—\s]?[0-9０-９]{6,8}(?:[-－转轉][0-9０-９]{1,5})?|1[3-9][0-9]{9}|1[0-9]{0,3}\*{3,8}[0-9]{3,4}|[0-9０-９]{7,8}")
        .unwrap()
});

/// Where a phone number starts in `s`, and ends.
fn phone_in(s: &str) -> Option<Span> {
    PHONE.find(s).map(|m| m.range())
}

/// Characters trimmed from a contact value.
const VALUE_TRIM: &[char] = &[
    ' ', '\u{3000}', '；', ';', '，', ',', '。', '、', ')', '）', ']', '】', '(', '（',
];

/// `联系人：张三`, `联系电话：0513-8xxxxxxx`, `联系人:某;联系电话:某`, `（联系人：张三，电话：123）`,
/// `承办人及联系电话：张三 0513-…`, `联系单位及联系人：某局张三`, `联系电话;…` with a semicolon.
pub fn contact(t: &str) -> Option<Vec<(ContactRole, Span)>> {
    let lead = t.len() - t.trim_start_matches(['(', '（', '[', '【']).len();
    // The line must open with a label: most lines of a letter's foot are turned away on their
    // first character instead of having every label in them read.
    let first = t[lead..].chars().next()?;
    if !CONTACT_LABELS.iter().any(|l| l.starts_with(first))
        || CONTACT_LABEL
            .find(super::head(&t[lead..], 120))
            .is_none_or(|m| m.start() != 0)
    {
        return None;
    }
    // Matches, not captures: the label is the match without its spaces and colon, and a
    // capture pass costs several times a find.
    let labels: Vec<_> = CONTACT_LABEL.find_iter(t).collect();
    if labels.first()?.start() != lead {
        return None;
    }
    let mut out = Vec::new();
    for (i, whole) in labels.iter().enumerate() {
        let label: String = whole
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：' | ';' | '；' | '︰'))
            .collect();
        let end = labels.get(i + 1).map_or(t.len(), |m| m.start());
        let value = trim_span(t, whole.end()..end, VALUE_TRIM);
        if value.is_empty() {
            continue;
        }
        let has = |w: &[&str]| w.iter().any(|x| label.contains(x));
        let names_unit = has(&["单位", "單位"]);
        let names_person = has(&[
            "联系人",
            "聯系人",
            "聯繫人",
            "聯絡人",
            "承办人",
            "承辦人",
            "姓名",
        ]);
        let names_phone = has(&["电话", "電話", "手机", "手機", "方式"]);
        let mut value = value;
        if names_unit {
            // `某局 张三` or `某局张三`: the unit first.
            let unit = unit_prefix(&t[value.clone()]);
            let unit = if names_person {
                unit
            } else {
                Some(value.len())
            };
            if let Some(u) = unit {
                let span = trim_span(t, value.start..value.start + u, VALUE_TRIM);
                if !span.is_empty() {
                    out.push((ContactRole::Unit, span));
                }
                value = trim_span(t, value.start + u..value.end, VALUE_TRIM);
            }
            if !names_person || value.is_empty() {
                continue;
            }
        }
        if names_person && names_phone {
            // `张三 0513-86000000`: the name, then the number.
            match phone_in(&t[value.clone()]) {
                Some(m) => {
                    let name = trim_span(
                        t,
                        value.start..value.start + m.start,
                        &[' ', '\u{3000}', '，', ',', '；', ';', '、', '：', ':'],
                    );
                    if !name.is_empty() {
                        out.push((ContactRole::Name, name));
                    }
                    out.push((ContactRole::Phone, value.start + m.start..value.end));
                }
                None => out.push((ContactRole::Name, value)),
            }
        } else if names_phone {
            out.push((ContactRole::Phone, value));
        } else {
            out.push((ContactRole::Name, value));
        }
    }
    // A bracket the trimming cut in half (`林晓（科长）` → `林晓（科长`) is closed again.
    for (_, span) in &mut out {
        let v = &t[span.clone()];
        for (open, close) in [('（', '）'), ('(', ')')] {
            if v.matches(open).count() > v.matches(close).count()
                && t[span.end..].starts_with(close)
            {
                span.end += close.len_utf8();
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// How many bytes of `s` name a unit before a person: `岚江县水务局吴海` → `岚江县水务局`,
/// `县农业农村局 罗文斌 3216408` → `县农业农村局`.
fn unit_prefix(s: &str) -> Option<usize> {
    if let Some(sp) = s.find([' ', '\u{3000}']) {
        return is_unit(&s[..sp]).then_some(sp);
    }
    // No space: the longest prefix that ends like a unit and leaves a short name.
    s.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .rfind(|&i| is_unit(&s[..i]) && (1..=4).contains(&s[i..].chars().count()))
}

/// Roles a person in the foot is named by (`分管领导：王五`).
pub const PERSON_LABELS: &[&str] = &[
    "主管领导",
    "主管領導",
    "分管领导",
    "分管領導",
    "承办负责人",
    "承辦負責人",
    "单位负责人",
    "單位負責人",
    "承办领导",
    "承辦領導",
];

static PERSON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:{})\s*{COLON}", exact(PERSON_LABELS))).unwrap());

/// `分管领导:何建军`, `承办负责人:彭建新`: the name (empty when the line names no one).
pub fn person(t: &str) -> Option<Span> {
    let m = PERSON.find(t)?;
    Some(trim_span(t, m.end()..t.len(), VALUE_TRIM))
}

/// Labels of the unit that signs (`承办单位：某局`).
pub const SIGNING_UNIT_LABELS: &[&str] = &[
    "承办单位",
    "承辦單位",
    "办理单位",
    "辦理單位",
    "答复单位",
    "答覆單位",
    "发文单位",
    "發文單位",
];

static SIGNING_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?:{})\s*{COLON}", exact(SIGNING_UNIT_LABELS))).unwrap()
});

/// `承办单位:某某局` at the foot: the signing unit, named with a label.
pub fn labeled_unit(t: &str) -> Option<Span> {
    let m = SIGNING_UNIT.find(t)?;
    let span = trim_span(t, m.end()..t.len(), VALUE_TRIM);
    (!span.is_empty()).then_some(span)
}

/// A foot line that says what it is without being a field: `(此件公开发布)`, `(依申请公开)`,
/// `附件:…`, `分管单位:…`, `承办科室:…`, an address or postal line.
pub fn is_note(t: &str) -> bool {
    static NOTE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^[(（【\[][^)）】\]]{{0,24}}(?:公开|公開|发布|發布|公布)[^)）】\]]{{0,12}}[)）】\]]$|^(?:附\s*件|分管单位|分管單位|承办科室|承辦科室|承办股室|经办科室|单位地址|單位地址)\s*{COLON}?"
        ))
        .unwrap()
    });
    NOTE.is_match(t.trim())
}

/// Labels of the copy-to line.
pub const CC_LABELS: &[&str] = &[
    "抄送",
    "抄报",
    "抄報",
    "抄送单位",
    "抄送單位",
    "抄报单位",
    "抄報單位",
];

static CC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:{})\s*[:：]\s*", spaced(CC_LABELS))).unwrap());

/// `抄送：甲、乙，丙。` → the unit names.
pub fn cc(t: &str) -> Option<Vec<Span>> {
    let m = CC.find(t)?;
    let mut out = Vec::new();
    let mut at = m.end();
    for piece in t[m.end()..].split(['、', '，', ',', '；', ';']) {
        let span = trim_span(t, at..at + piece.len(), &[' ', '\u{3000}', '。', '.']);
        if !span.is_empty() {
            out.push(span);
        }
        at += piece.len() + piece_sep_len(&t[at + piece.len()..]);
    }
    Some(out)
}

fn piece_sep_len(rest: &str) -> usize {
    rest.chars().next().map_or(0, char::len_utf8)
}

/// Labels of the signer line, longest first where one starts another.
pub const SIGNER_LABELS: &[&str] = &["签发人", "簽發人", "审签", "審簽", "签发", "簽發"];

static SIGNER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:{})\s*[:：]\s*", spaced(SIGNER_LABELS))).unwrap());

/// `签发人：王五`, `审签：李四` → the name.
pub fn signer(t: &str) -> Option<Span> {
    let m = SIGNER.find(t)?;
    let span = trim_span(t, m.end()..t.len(), &[' ', '\u{3000}', '。']);
    (!span.is_empty()).then_some(span)
}

/// Labels of foot lines that have no field of their own; their values go to `extra`.
pub const FOOT_LABELS: &[&str] = &[
    "邮政编码",
    "郵遞區號",
    "邮编",
    "地址",
    "通讯地址",
    "传真",
    "傳真",
    "电子邮箱",
    "电子信箱",
    "领导签字",
    "領導簽字",
    "公开方式",
    "公开属性",
    "公開方式",
];

static LABELED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^({})\s*[:：]\s*", spaced(FOOT_LABELS))).unwrap());

/// A `label: value` line of the letter's foot that has no field: 邮政编码, 地址, 领导签字 (often
/// left empty) … Returns the label and value spans.
pub fn labeled(t: &str) -> Option<(Span, Span)> {
    let c = LABELED.captures(t)?;
    let label = c.get(1)?.range();
    let value = trim_span(t, c.get(0)?.end()..t.len(), &[' ', '\u{3000}', '。']);
    Some((label, value))
}

const UNIT_ENDS: &[&str] = &[
    "局",
    "委",
    "办",
    "辦",
    "院",
    "厅",
    "廳",
    "部",
    "处",
    "處",
    "会",
    "會",
    "中心",
    "公司",
    "政府",
    "办公室",
    "辦公室",
    "所",
    "站",
    "队",
    "隊",
    "馆",
    "館",
    "社",
    "行",
    "集团",
    "署",
    "室",
    "科",
    "府",
    "组",
    "組",
    "团",
    "團",
    "联",
    "聯",
    "司",
    "庭",
    "署",
    "区",
    "區",
    "县",
    "縣",
    "街道",
];

/// The signing department: a short line naming a unit (`南通市通州区科学技术局`,
/// `某某局（代章）`).
pub fn is_unit(t: &str) -> bool {
    let n = t.chars().count();
    if !(2..=40).contains(&n) || has_sentence_punct(t) || t.contains([':', '：']) {
        return false;
    }
    // `某某局（代章）`: the unit is what stands before a final bracket.
    let core = if t.ends_with([')', '）']) {
        t.trim_end_matches([')', '）'])
            .trim_end_matches(|c: char| c != '(' && c != '（')
            .trim_end_matches(['(', '（'])
    } else {
        t
    };
    let core = if core.is_empty() { t } else { core };
    UNIT_ENDS.iter().any(|e| core.ends_with(e))
}

/// A signature line holds a unit and a date, nothing like a sentence.
const SIGNATURE_LINE_BYTES: usize = 160;

/// A date line of the signature, alone or after the unit: `2021年9月30日`,
/// `南通市某某局 2023-05-10`, `二〇二二年七月八日`, `2023927` (ambiguous).
pub fn signature_line(t: &str, era: &dyn EraSource) -> Option<Tail> {
    if t.len() > SIGNATURE_LINE_BYTES {
        return None;
    }
    let stripped = t.trim_end_matches(['。', '.']);
    let whole = match date::parse(stripped, era) {
        Err(DateError::Unreadable(_)) => None,
        r => Some(r),
    };
    if let Some(r) = whole {
        let end = stripped.len();
        return Some(Tail::Signature {
            unit: None,
            date: Some((0..end, r)),
        });
    }
    // `单位 日期` on one line: the date must close the line.
    let (range, r) = date::find(t, era)?;
    if range.end != stripped.len() || range.start == 0 {
        return None;
    }
    let unit = trim_span(t, 0..range.start, &[' ', '\u{3000}']);
    (is_unit(&t[unit.clone()])).then_some(Tail::Signature {
        unit: Some(unit),
        date: Some((range, r)),
    })
}

// ---------------------------------------------------------------------------------------------
// The record's number, session and title, as the letter states them

static NUMBER_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(第)?\s*([A-Za-z]{0,4}[0-9０-９]+)\s*(?:([号號])|(?:代表|委员|委員)?(?:建议|建議|提案|议案|議案))")
        .unwrap()
});

/// The proposal's number as a title or opening states it: `…第150号提案…` → "150",
/// `第JY0358号`, `3号建议` (no 第 when a kind word follows), `…第17代表建议` (a title that lost
/// its 号). Never a document number's (`〔2023〕148号`) or a class number in brackets
/// (`(农业水利类196号)`).
pub fn number_in(t: &str) -> Option<String> {
    NUMBER_IN_TITLE.captures_iter(t).find_map(|c| {
        let whole = c.get(0)?;
        let before = t[..whole.start()].chars().next_back();
        if before.is_some_and(|b| "〕]】）)﹞类類".contains(b) || b.is_ascii_digit()) {
            return None;
        }
        let di = c.get(1).is_some();
        let hao = c.get(3).is_some();
        // `3号` alone is too weak (a date, a house number): it needs 第 or a kind word.
        let kind_after = hao && {
            let rest = t[whole.end()..].trim_start();
            [
                "建议",
                "建議",
                "提案",
                "议案",
                "議案",
                "代表建议",
                "委员提案",
            ]
            .iter()
            .any(|k| rest.starts_with(k))
        };
        (di || kind_after || !hao).then(|| super::identifier(&c[2]))
    })
}

static SESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Han}0-9０-９]{0,24}?[一二三四五六七八九十]+\s*[届屆]\s*[\p{Han}]{0,6}?[一二三四五六七八九十]+\s*次(?:全体|全體)?\s*(?:会议|會議|大会|大會|定期大会|定期大會)").unwrap()
});

/// The unit that names itself at the start of a letter's heading: `某县农业农村局对…的答复`,
/// `某厅关于…提案的答复` → `某县农业农村局`, `某厅`.
pub fn unit_in_title(t: &str) -> Option<String> {
    let at = ["关于", "關於", "關于", "对", "對"]
        .iter()
        .filter_map(|w| t.find(w))
        .min()?;
    let unit = t[..at].trim();
    is_unit(unit).then(|| unit.to_string())
}

/// The meeting named in a title: `关于区政协十一届三次会议第150号提案的答复` →
/// `区政协十一届三次会议`.
pub fn session_in(t: &str) -> Option<String> {
    // A session is always named with 届: most text without one is turned away by a byte search.
    let b = t.as_bytes();
    if memchr::memmem::find(b, "届".as_bytes()).is_none()
        && memchr::memmem::find(b, "屆".as_bytes()).is_none()
    {
        return None;
    }
    let m = SESSION.find(t)?;
    let s = m.as_str();
    // The match may reach back over `…办公室关于`: keep what follows the last 关于 / 对.
    let cut = ["关于", "關於", "对", "對", "在"]
        .iter()
        .filter_map(|w| s.rfind(w).map(|i| i + w.len()))
        .max()
        .unwrap_or(0);
    let s = s[cut..].trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Where an opening sentence names the proposal: a verb (`提出`, `所提`, `转来` …), an optional
/// `关于`, then the opening of a title (`《`, `“`, `「`, or a bare `关于`). The title's end is found
/// by hand (`title_after`): one pattern with capture groups and a lazy `关于.{2,}?` spent its
/// time in the capture pass over the match (BENCHMARKS.md).
static TITLE_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:提出|所提|提交|领衔提出|聯名提出|联名提出|[转轉]来|[转轉]來|[转轉]交|[转轉]办|[转轉]辦|提)的?\s*(?:(?:关于|關于|關於)\s*)?(?:《|“|「|关于|關于|關於)")
        .unwrap()
});

/// A quoted title acknowledged right after it: `《…》（第5号）收悉`, `《…》已转交我局`,
/// `现将《…》办理情况答复如下`.
static ACKNOWLEDGED_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"[《“「][^《》“”「」\n]{{2,120}}[》”」]\s*{BRACKETED_NUMBER}\s*(?:提案|建议|建議|议案|議案)?\s*(?:已?收悉|敬悉|已?收到|已?[转轉]交|已?交由|的?[办辦]理情[况況])"))
        .unwrap()
});

/// The proposal's number in brackets after its title, if any: `（第12号）`, `(DH0271号)`.
const BRACKETED_NUMBER: &str = r"(?:[（(]\s*第?\s*[0-9０-９A-Za-z]+\s*[号號]\s*[)）])?";

/// What may follow a bare title's kind word: the kind word again or another (`的建议提案`,
/// `建议议`), a number in brackets, then `收悉`, `敬悉`, `我们`, a comma … (anchored: it is tried
/// right after a candidate end).
static TITLE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?:的提案|的建议|的建議|的议案)?\s*(?:提案|建议|建議|议案|議案|议)?\s*[”」》]?\s*{BRACKETED_NUMBER}\s*(?:已?收悉|敬悉|已收到|收到|我们|我們|我局|已|交|由|，|,|。)"))
        .unwrap()
});

/// How a bare `关于…` title ends. The `的`/`之` forms are tried first, at the first place where
/// one stands; the bare kind words only where the tail confirms them.
const TITLE_ENDS_OF: [&str; 8] = [
    "的建议",
    "的提案",
    "之建议",
    "之提案",
    "的建議",
    "之建議",
    "的議案",
    "的议案",
];
const TITLE_ENDS_BARE: [&str; 3] = ["建议", "提案", "建議"];

/// The longest title, in characters, that the opening sentence is taken to name.
const MAX_TITLE_CHARS: usize = 120;

/// The proposal's title as a sentence names it: `您提出的《…》收悉`, `提出的关于“…”的议案`,
/// `「…」`, or bare up to 的建议 / 的提案 (`提出的关于…的建议提案收悉` keeps `…的建议`).
pub fn title_in_opening(t: &str) -> Option<String> {
    // The title sits in the opening's first sentences.
    let head = super::head(t, 480);
    let Some(title) = TITLE_LEAD.find_iter(head).find_map(|m| {
        let title = title_after(head, m.end())?.trim();
        (title.chars().nth(1).is_some()).then_some(title)
    }) else {
        // No verb before it (`第209号建议《关于…的建议》收悉`, `《…》（第5号）收悉`): a quoted
        // title the next words acknowledge, if it reads as a proposal's title.
        return quoted_title(ACKNOWLEDGED_QUOTE.find(head)?.as_str());
    };
    (title.chars().count() <= MAX_TITLE_CHARS).then(|| title.to_string())
}

/// The first title in quotes anywhere in `t` (the letter's own heading:
/// `关于…第23号“关于…的建议”的答复`), for letters whose opening names none.
pub fn quoted_title(t: &str) -> Option<String> {
    for (i, c) in t.char_indices() {
        let close = match c {
            '《' => '》',
            '“' => '”',
            '「' => '」',
            _ => continue,
        };
        let rest = &t[i + c.len_utf8()..];
        let inner = &rest[..rest.find(close)?];
        let n = inner.chars().count();
        // A proposal's title names its subject: `关于…`, or ends like one.
        let titled = inner.starts_with(['关', '關'])
            || TITLE_ENDS_OF
                .iter()
                .chain(&TITLE_ENDS_BARE)
                .any(|e| inner.ends_with(e));
        if (4..=MAX_TITLE_CHARS).contains(&n) && titled {
            return Some(inner.trim().to_string());
        }
    }
    None
}

/// The title that starts with the opening ending at `open` (`《`, `“`, `「` or `关于`). A quoted
/// title is at least two characters up to the first closing mark, whatever follows it. A bare one
/// is `关于` (a doubled `关于关于` keeps one), at least two characters on the same line, up to the
/// first `的建议` / `的提案` … (preferring one the tail confirms), else a bare kind word the tail
/// confirms.
fn title_after(head: &str, open: usize) -> Option<&str> {
    let followed = |at: usize| TITLE_TAIL.is_match(&head[at..]);
    let rest = &head[open..];
    let opener = head[..open].chars().next_back()?;
    let close = match opener {
        '《' => '》',
        '“' => '”',
        '「' => '」',
        _ => {
            let mut start = open - opener.len_utf8() * 2;
            // `关于关于…`: the first belongs to the sentence.
            let mut rest = rest;
            let mut open = open;
            for again in ["关于", "關于", "關於"] {
                if let Some(r) = rest.strip_prefix(again) {
                    start = open;
                    open += again.len();
                    rest = r;
                    break;
                }
            }
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let rest = &rest[..line_end];
            // At least two characters after 关于.
            rest.chars().nth(2)?;
            let skip = rest.chars().take(2).map(char::len_utf8).sum::<usize>();
            let ends_at = |ends: &[&str], need_tail: bool| {
                rest[skip..].char_indices().find_map(|(i, _)| {
                    let here = &rest[skip + i..];
                    ends.iter().find_map(|e| {
                        let end = open + skip + i + e.len();
                        (here.starts_with(e) && (!need_tail || followed(end))).then_some(end)
                    })
                })
            };
            let end = ends_at(&TITLE_ENDS_OF, true)
                .or_else(|| ends_at(&TITLE_ENDS_OF, false))
                .or_else(|| ends_at(&TITLE_ENDS_BARE, true))?;
            return Some(&head[start..end]);
        }
    };
    let len = rest.find(close)?;
    let inner = &rest[..len];
    inner.chars().nth(1).is_some().then_some(inner)
}

/// Trims characters from both ends of `t[span]`, returning the narrower span.
fn trim_span(t: &str, span: Span, chars: &[char]) -> Span {
    let s = &t[span.clone()];
    let left = s.len() - s.trim_start_matches(chars).len();
    let right = s.trim_end_matches(chars).len();
    if right <= left {
        return span.start..span.start;
    }
    span.start + left..span.start + right
}

// ---------------------------------------------------------------------------------------------
// Openings and closings

/// How far into the letter (in paragraphs) a salutation or opening is looked for.
pub const HEAD_LIMIT: usize = 12;

/// `您(们)提出的…收悉`, `你们提出的…已收到`: the sentence that names what is being answered.
pub static OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:您|你|贵|貴)(?:们|們|单位|單位|会|會|委员会|組|组)?(?:在[^。，,；;]{1,40}?)?(?:所?提出|领衔提出|領銜提出|联名提出|聯名提出|提交|所提|提)的|收悉|敬悉|已收到|(?:答[复覆復]|回[复覆復]|[复復]函|函[复覆復]|函告|汇报|匯報|意[见見])如下|[转轉][来來]的|[转轉]交的|提出?的\s*(?:(?:关于|關于|關於)\s*)?[《“「]")
        .unwrap()
});

/// The closing sentences of a letter: thanks, 特此答复, 此致敬礼, requests for feedback. Each
/// pattern is its own automaton: together, the bounded `.{0,40}` gaps multiplied into more
/// states than the lazy DFA keeps, and it rebuilt them on nearly every paragraph.
static CLOSINGS: LazyLock<Vec<Closing>> = LazyLock::new(|| {
    [
        concat!(
            r"^(?:最后[，,]?\s*)?(?:衷心|再次|诚挚|誠摯|真诚|真誠|非常|十分|由衷)?(?:地)?(?:感[谢謝]|[谢謝][谢謝])",
            r"|^特此(?:答[复覆]|函告|[复復]函|函[复復]|回[复覆]|[说說]明)",
            r"|^此致|^敬礼|^敬禮",
            r"|^以上(?:答[复覆]|意[见見]|[办辦]理情[况況])",
        ),
        r"^如(?:您)?(?:[对對]|有).{0,40}(?:意[见見]|建[议議]|[问問]题|疑[问問]|不[满滿]意)",
        r"^(?:[欢歡]迎|希望).{0,40}(?:意[见見]|建[议議]|指[导導]|[监監]督|批[评評])",
        r"^(?:[请請]|敬[请請]|[烦煩][请請]).{0,40}(?:反[馈饋]|填[写寫]|寄回|意[见見]表|征[询詢])",
        r"^.{0,30}是否[满滿]意",
    ]
    .into_iter()
    .map(Closing::new)
    .collect()
});

/// A closing pattern, and what every text it matches must show, read from the pattern itself by
/// regex-syntax's literal extractor: the characters a match starts with or, when it may start
/// with anything, the words it ends with. Most paragraphs are no closing; these turn them away
/// without running the automaton, and no hand-kept list has to follow the patterns.
struct Closing {
    re: Regex,
    starts: Option<Vec<char>>,
    ends: Option<Vec<memchr::memmem::Finder<'static>>>,
}

impl Closing {
    fn new(pattern: &str) -> Closing {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let hir = regex_syntax::parse(pattern).ok();
        let literals = |kind: ExtractKind| -> Option<Vec<Vec<u8>>> {
            let seq = Extractor::new().kind(kind).extract(hir.as_ref()?);
            let lits = seq.literals()?;
            // An empty literal: a match may start (or end) with anything.
            (!lits.iter().any(|l| l.as_bytes().is_empty()))
                .then(|| lits.iter().map(|l| l.as_bytes().to_vec()).collect())
        };
        let starts = literals(ExtractKind::Prefix).and_then(|lits| {
            let mut chars = lits
                .iter()
                .map(|l| l.utf8_chunks().next()?.valid().chars().next())
                .collect::<Option<Vec<char>>>()?;
            chars.sort_unstable();
            chars.dedup();
            Some(chars)
        });
        let ends = starts.is_none().then(|| {
            literals(ExtractKind::Suffix).map(|lits| {
                lits.into_iter()
                    .map(|l| memchr::memmem::Finder::new(&l).into_owned())
                    .collect()
            })
        });
        Closing {
            re: Regex::new(pattern).unwrap(),
            starts,
            ends: ends.flatten(),
        }
    }

    /// Whether `t` can match at all, by the literals (never false for a text that matches).
    fn may_match(&self, t: &str) -> bool {
        if let Some(starts) = &self.starts {
            return t
                .chars()
                .next()
                .is_some_and(|c| starts.binary_search(&c).is_ok());
        }
        match &self.ends {
            Some(ends) => ends.iter().any(|f| f.find(t.as_bytes()).is_some()),
            None => true,
        }
    }
}

/// Whether a paragraph (or sentence) is a closing.
pub fn is_closing(t: &str) -> bool {
    CLOSINGS.iter().any(|c| c.may_match(t) && c.re.is_match(t))
}

/// Whether a paragraph is the opening (`您提出的…收悉`): it says so in its first sentences, so
/// long paragraphs are not scanned to the end.
pub fn opens(t: &str) -> bool {
    OPENING.is_match(super::head(t, 600))
}

/// Whether a line can be the first of a letter: its title, a document number or flag, the
/// salutation (`next` is the line after it), or the opening.
pub fn starts_letter(t: &str, next: Option<&str>) -> bool {
    is_title_end(t)
        || doc_number_start(t).is_some()
        || category_flag(t).is_some()
        || salutation(t, next).is_some()
        || opens(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literals read from each closing pattern turn away nothing the pattern matches, and
    /// every pattern has some.
    #[test]
    fn closing_first_characters_agree_with_the_patterns() {
        use proptest::prelude::*;
        let plain = |t: &str| CLOSINGS.iter().any(|c| c.re.is_match(t));
        assert!(
            CLOSINGS
                .iter()
                .all(|c| c.starts.is_some() || c.ends.is_some())
        );
        for t in [
            "感谢您对我们工作的关心和支持！",
            "最后，再次感谢您的关心。",
            "衷心感谢您的建议。",
            "地感谢",
            "特此答复。",
            "此致",
            "敬礼！",
            "以上答复，如有不同意见，请及时反馈。",
            "如您对答复有意见或建议，请来电告知。",
            "欢迎继续提出宝贵意见。",
            "请填写反馈意见表并寄回。",
            "烦请将意见反馈我局。",
            "您对本次答复是否满意？",
            "我们将继续推进相关工作。",
        ] {
            assert_eq!(is_closing(t), plain(t), "{t}");
        }
        proptest!(|(t in "[最后，衷心感谢特此答复如您对有意见欢迎请填写反馈是否满意一二地 ]{0,24}")| {
            prop_assert_eq!(is_closing(&t), plain(&t));
        });
    }
    use crate::date::Era;

    /// Every label is read, written alone or after an opening bracket.
    #[test]
    fn every_contact_label_is_read() {
        for label in CONTACT_LABELS.iter().copied().chain(["（联系人"]) {
            assert!(
                contact(&format!("{label}：张三 0513-86000000")).is_some(),
                "{label}"
            );
        }
    }

    fn texts<'a>(t: &'a str, spans: &[(ContactRole, Span)]) -> Vec<(bool, &'a str)> {
        spans
            .iter()
            .filter(|(r, _)| *r != ContactRole::Unit)
            .map(|(r, s)| (*r == ContactRole::Phone, &t[s.clone()]))
            .collect()
    }

    #[test]
    fn title_lines_doc_numbers_and_flags() {
        assert!(is_title_end("关于区政协十一届三次会议第150号提案的答复"));
        assert!(is_title_end("对市政协九届四次会议第63号提案的答复"));
        assert!(is_title_end("答 复"));
        // The second line of a split heading: a long number and few characters.
        assert!(is_title_end("第20240317号提案答复的函"));
        // Every ending the pattern knows gets past the last-character test in front of it.
        for end in [
            "答复",
            "答覆",
            "复函",
            "覆函",
            "復函",
            "回复",
            "回覆",
            "答复函",
            "答覆函",
            "办理情况",
            "辦理情況",
            "办理情况报告",
            "办理情况的函",
            "协办意见",
            "會辦意見",
            "分办意见函",
        ] {
            assert!(is_title_end(&format!("关于某事的{end} ")), "{end}");
        }
        assert!(is_title_end("关于第88号提案的协办意见"));
        assert!(!is_title_end("现答复如下：我们已经完成了答复"));
        assert!(is_doc_number("某政发〔2023〕148号"));
        assert!(is_doc_number("通科函[2023]12号"));
        assert!(!is_doc_number("2023年完成12号线"));
        let t = "[办理结果标注(A1)]";
        assert_eq!(&t[category_flag(t).unwrap()], "A1");
        let t = "办理结果:B";
        assert_eq!(&t[category_flag(t).unwrap()], "B");
        let t = "办复类别：B类";
        assert_eq!(&t[category_flag(t).unwrap()], "B类");
        assert!(is_legend(
            "（A类：所提问题已经解决；B类：正在解决；C类：暂时不能解决）"
        ));
        assert!(is_legend("注：A类为已经解决"));
        assert!(is_legend("C类：因条件限制暂时不能解决"));
        assert!(!is_legend("我们把问题分为A类和B类两种情况处理。"));
    }

    #[test]
    fn salutations_run_into_the_opening_and_empty_labels() {
        let t = "杨一代表:你提出的“关于修路的议案”,已交由我局研究办理,现答复如下:";
        let s = salutation(t, None).unwrap();
        assert_eq!(&t[s.name.clone()], "杨一代表");
        assert!(t[s.rest.unwrap()..].starts_with("你提出的"));
        assert_eq!(salutation("反馈时间:", Some("您提出的建议收悉")), None);
        assert_eq!(salutation("联系人:", None), None);
        // A crawl that joined the salutation line to the opening with a space.
        let t = "尊敬的周八委员　您提出的《关于修路的提案》收悉。现答复如下：";
        let s = salutation(t, None).unwrap();
        assert_eq!(&t[s.name.clone()], "周八委员");
        assert!(t[s.rest.unwrap()..].starts_with("您提出的"));
        // A space after a title word that is not followed by the opening addresses no one.
        assert_eq!(salutation("区人大代表 建议办理工作会议召开", None), None);
        assert_eq!(salutation("政协委员 你们好好学习。", None), None);
    }

    #[test]
    fn salutations_in_every_form() {
        let name = |t: &str, next| salutation(t, next).map(|s| t[s.name].to_string());
        assert_eq!(name("张建国委员:", None).as_deref(), Some("张建国委员"));
        assert_eq!(name("尊敬的李红代表：", None).as_deref(), Some("李红代表"));
        assert_eq!(name("某某委员会:", None).as_deref(), Some("某某委员会"));
        assert_eq!(name("王五委员，您好！", None).as_deref(), Some("王五委员"));
        assert_eq!(
            name("甲、乙、丙委员", Some("你们提出的提案收悉。")).as_deref(),
            Some("甲、乙、丙委员")
        );
        assert_eq!(name("甲、乙、丙委员", Some("今天天气很好。")), None);
        assert_eq!(name("您提出的建议收悉，现答复如下:", None), None);
        assert_eq!(name("关于第5号建议的答复", Some("您好")), None);
        let s = salutation("王五委员，您好！", None).unwrap();
        assert_eq!(&"王五委员，您好！"[s.rest.unwrap()..], "您好！");
    }

    #[test]
    fn contacts_in_every_form() {
        let t = "联系人：张三";
        assert_eq!(texts(t, &contact(t).unwrap()), vec![(false, "张三")]);
        let t = "联 系 人: 李四";
        assert_eq!(texts(t, &contact(t).unwrap()), vec![(false, "李四")]);
        let t = "联系人:王五;联系电话:0513-86000000";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "王五"), (true, "0513-86000000")]
        );
        let t = "（联系人：赵六，电话：86123456）";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "赵六"), (true, "86123456")]
        );
        let t = "承办人及联系电话：孙七 0513-86543210";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "孙七"), (true, "0513-86543210")]
        );
        assert_eq!(contact("我们联系人：不在开头"), None);
        // A post in brackets after the name stays whole.
        let t = "承办人：林晓（科长）；电话：0595-28881234";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "林晓（科长）"), (true, "0595-28881234")]
        );
        // crawls' colons, masked phones, units before the person
        let t = "联系电话;132******6473";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(true, "132******6473")]
        );
        let t = "联系单位及联系人:岚山县水务局吴海";
        assert_eq!(texts(t, &contact(t).unwrap()), vec![(false, "吴海")]);
        let t = "联系单位和联系人及电话:县农业农村局 罗文 3216408";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "罗文"), (true, "3216408")]
        );
        let t = "(联系单位:石桥区农业农村局,联系人:孔令,联系电话:15863127740";
        let got = contact(t).unwrap();
        assert_eq!(got[0].0, ContactRole::Unit);
        assert_eq!(&t[got[0].1.clone()], "石桥区农业农村局");
        assert_eq!(texts(t, &got), vec![(false, "孔令"), (true, "15863127740")]);
        let t = "(聯系人:楊春,聯系電話:6215837)";
        assert_eq!(
            texts(t, &contact(t).unwrap()),
            vec![(false, "楊春"), (true, "6215837")]
        );
    }

    #[test]
    fn people_units_and_notes_of_the_foot() {
        let t = "分管领导:何建军";
        assert_eq!(&t[person(t).unwrap()], "何建军");
        assert!(person("单位负责人:   ").is_some_and(|s| s.is_empty()));
        let t = "承办单位:某某县市场监督管理";
        assert_eq!(&t[labeled_unit(t).unwrap()], "某某县市场监督管理");
        for note in [
            "(此件公开发布)",
            "（依申请公开）",
            "附件:办理情况表",
            "分管单位:市容股",
        ] {
            assert!(is_note(note), "{note}");
        }
        assert!(!is_note("(一)加强管理"));
    }

    #[test]
    fn cc_signer_labeled_units_and_signature_lines() {
        let t = "抄送：区政府办公室、区政协提案委。";
        let spans = cc(t).unwrap();
        let names: Vec<_> = spans.iter().map(|s| &t[s.clone()]).collect();
        assert_eq!(names, ["区政府办公室", "区政协提案委"]);
        let t = "签发人：王建平";
        assert_eq!(&t[signer(t).unwrap()], "王建平");
        let t = "领导签字：";
        let (l, v) = labeled(t).unwrap();
        assert_eq!((&t[l], v.is_empty()), ("领导签字", true));
        assert!(is_unit("南通市通州区科学技术局"));
        assert!(is_unit("某某区教育局（代章）"));
        assert!(!is_unit("我们将继续努力。"));
        match signature_line("2021年9月30日", &Era::Gregorian) {
            Some(Tail::Signature {
                unit: None,
                date: Some((_, Ok(d))),
            }) => assert_eq!(d.to_string(), "2021-09-30"),
            other => panic!("{other:?}"),
        }
        let t = "南通市某某局 2023-05-10";
        match signature_line(t, &Era::Gregorian) {
            Some(Tail::Signature {
                unit: Some(u),
                date: Some((_, Ok(d))),
            }) => {
                assert_eq!(&t[u], "南通市某某局");
                assert_eq!(d.to_string(), "2023-05-10");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            signature_line("2023927", &Era::Gregorian),
            Some(Tail::Signature {
                date: Some((_, Err(DateError::Ambiguous(_)))),
                ..
            })
        ));
        assert_eq!(signature_line("感谢您的关心。", &Era::Gregorian), None);
    }

    #[test]
    fn number_session_and_title_from_the_letter() {
        let t = "关于区政协十一届三次会议第150号提案的答复";
        assert_eq!(number_in(t).as_deref(), Some("150"));
        for (t, want) in [
            (
                "某区住建委关于区十八届人大第三次会议第JY0358号建议办理情况的复函",
                Some("JY0358"),
            ),
            ("关于区人大一届二次会议3号建议的回复", Some("3")),
            ("某县应急管理局对县政协提案第17号的答复", Some("17")),
            ("关于某区人大二届四次会议第17代表建议的答复", Some("17")),
            (
                "关于第03174号(农业水利类196号)提案答复的函摘要",
                Some("03174"),
            ),
            ("某政发〔2023〕148号", None),
            ("(农业水利类196号)", None),
            ("2022年7月8日", None),
        ] {
            assert_eq!(number_in(t).as_deref(), want, "{t}");
        }
        for t in [
            "楚溪县生态环境局关于答复县政协九届二次会议第92号提案的函",
            "关于第031号提案答复的函摘要",
        ] {
            assert!(is_title_end(t), "{t}");
        }
        assert!(is_unit("鎮(zhèn)川縣衛生健康局"));
        assert_eq!(session_in(t).as_deref(), Some("区政协十一届三次会议"));
        assert_eq!(
            session_in("对市政协九届四次会议第63号提案的答复").as_deref(),
            Some("市政协九届四次会议")
        );
        assert_eq!(
            session_in("某某区人民政府办公室关于区十八届人大四次会议第5号建议的答复").as_deref(),
            Some("区十八届人大四次会议")
        );
        for (t, want) in [
            (
                "您提出的《关于加强社区养老服务的建议》收悉。",
                "关于加强社区养老服务的建议",
            ),
            (
                "你们提出的“关于规范停车的提案”（第12号）收悉",
                "关于规范停车的提案",
            ),
            (
                "您所提「關於改善長照服務之建議」敬悉",
                "關於改善長照服務之建議",
            ),
            (
                "您提出的关于促进高新技术产业高质量发展的建议的提案收悉,现答复如下:",
                "关于促进高新技术产业高质量发展的建议",
            ),
        ] {
            assert_eq!(title_in_opening(t).as_deref(), Some(want), "{t}");
        }
        assert_eq!(title_in_opening("感谢您的关心。"), None);
    }

    #[test]
    fn openings_that_say_where_the_proposal_was_filed_or_reply_by_letter() {
        for t in [
            "您在市十六届人大二次会议上提出的关于加快农村客运的建议，已交我局办理。",
            "你们在政协会议期间提交的提案已转我局办理",
            "现将办理情况函复如下：",
        ] {
            assert!(opens(t), "{t}");
        }
        // A sentence of the body that mentions where something happened is none.
        assert!(!opens("您在会上的发言很有启发。"));
    }

    /// Openings in the shapes real letters use (docs/format.md §5), each with the title it names.
    #[test]
    fn titles_in_real_openings() {
        for (t, want) in [
            // whatever follows the closing mark
            (
                "您在县政协会议提出的《关于增设路灯的建议》提案已收悉,现答复如下:",
                "关于增设路灯的建议",
            ),
            (
                "您提出的《关于修缮校舍的建议》(第DH0271号)收悉。",
                "关于修缮校舍的建议",
            ),
            (
                "你们提出的《关于延长开放时间的建议》的第74号建议,已转交我们办理",
                "关于延长开放时间的建议",
            ),
            (
                "您提出的“关于治理河道的提案”交由我单位办理,现答复如下:",
                "关于治理河道的提案",
            ),
            (
                "你在會議上提的《關于遷建衛生院的建議》,已交我局辦理。",
                "關于遷建衛生院的建議",
            ),
            (
                "期間提出的《關于改善診療條件的建議》的意見和建議,已由我局牽頭辦理。",
                "關于改善診療條件的建議",
            ),
            // 关于 before the quote belongs to the sentence
            (
                "您提出的关于《关于整治管网的建议》已收悉",
                "关于整治管网的建议",
            ),
            (
                "您提出的关于“缓解市场周边拥堵的建议”的议案(建议)收悉。",
                "缓解市场周边拥堵的建议",
            ),
            (
                "现就某党提出的关于《关于提升民宿质量的提案》提出协办意见如下",
                "关于提升民宿质量的提案",
            ),
            // bare titles: a kind word that belongs to the sentence is not kept
            (
                "您提出的关于规范单车停放的建议提案收悉,现回复如下:",
                "关于规范单车停放的建议",
            ),
            (
                "你们提出的关于增加养护资金的建议议已交我们研究办理",
                "关于增加养护资金的建议",
            ),
            (
                "您们提出的关于关于解决集镇供水的建议”(第31号),会后转交我局办理。",
                "关于解决集镇供水的建议",
            ),
            // no verb before the title: it stands before the words that acknowledge it
            (
                "区人大三次会议第209号建议《关于扶持家庭农场的建议》收悉。现答复如下：",
                "关于扶持家庭农场的建议",
            ),
            (
                "《关于规范摊点经营的提案》（第8号）收悉，经研究，现答复如下：",
                "关于规范摊点经营的提案",
            ),
            (
                "现将《关于加快智慧社区建设的建议》（第88号）办理情况答复如下：",
                "关于加快智慧社区建设的建议",
            ),
        ] {
            assert_eq!(title_in_opening(t).as_deref(), Some(want), "{t}");
        }
        // A quote that is no proposal's title, or stands after the acknowledgement, is not one.
        for t in [
            "“十四五”期间的工作已收悉。",
            "来信收悉。我们将按照《关于加强城市管理的意见》办理。",
            "根据《关于加强城市管理的意见》，您提出的建议收悉。",
        ] {
            assert_eq!(title_in_opening(t), None, "{t}");
        }
    }

    #[test]
    fn quoted_titles_in_a_heading() {
        assert_eq!(
            quoted_title("关于区人大三届五次会议第23号“关于将某社区纳入改造计划的建议”的答复")
                .as_deref(),
            Some("关于将某社区纳入改造计划的建议")
        );
        assert_eq!(quoted_title("对《十四五规划》的说明"), None);
    }

    /// Any opening: the title found, if any, is text of the opening and within the bounds.
    #[test]
    fn titles_are_text_of_the_opening() {
        use proptest::prelude::*;
        const WORDS: [&str; 34] = [
            "提出",
            "所提",
            "提",
            "领衔提出",
            "转来",
            "的",
            "《",
            "》",
            "“",
            "”",
            "「",
            "」",
            "关于",
            "建议",
            "提案",
            "之",
            "建議",
            "收悉",
            "已",
            "我们",
            "，",
            "（",
            "(",
            "第",
            "12",
            "号",
            "）",
            " ",
            "\n",
            "甲",
            "乙乙乙",
            "。",
            "议案",
            "交",
        ];
        let config = ProptestConfig::with_cases(4000);
        proptest!(config, |(parts in prop::collection::vec(prop::sample::select(&WORDS[..]), 0..40))| {
            let t = parts.concat();
            if let Some(title) = title_in_opening(&t) {
                prop_assert!(t.contains(&title), "{} not in {}", title, t);
                prop_assert!(title.chars().count() <= MAX_TITLE_CHARS);
                prop_assert!(title.chars().count() >= 2, "{}", title);
            }
        });
        let long = format!("您提出的《{}》收悉", "字".repeat(130));
        assert_eq!(title_in_opening(&long), None);
        let late = format!("{}您提出的《标题》收悉", "字".repeat(200));
        assert_eq!(title_in_opening(&late), None);
    }
}
