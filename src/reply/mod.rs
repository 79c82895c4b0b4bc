//! Stage 4 — reply: the letter's structure. Finds the salutation, the closing and the outline of
//! the body in the reply's paragraphs, and keeps every paragraph in exactly one part.

pub mod outline;

use std::sync::LazyLock;

use regex::Regex;

use crate::record::Reply;
use crate::text::{self, Para};

/// A reply split into parts, with where each part starts (for diagnostics).
#[derive(Debug, Default)]
pub struct Parsed {
    pub reply: Reply,
    /// Byte offset of the salutation, when there is one.
    pub addressee_at: Option<usize>,
    pub section_starts: Vec<usize>,
    pub measure_starts: Vec<usize>,
    /// The opening paragraph (`您提出的《…》收悉`), if found: kind and title hints live there.
    pub opening: Option<String>,
}

pub fn parse(paras: &[Para<'_>]) -> Parsed {
    let mut parsed = Parsed::default();
    let mut paras: Vec<Para<'_>> = paras.to_vec();

    // Salutation: the first paragraph, when it addresses someone.
    let mut head: Vec<Para<'_>> = Vec::new();
    if let Some(&first) = paras.first()
        && let Some((name, rest)) = salutation(first.text)
    {
        parsed.reply.addressee = Some(name.to_string());
        parsed.addressee_at = Some(first.start);
        paras.remove(0);
        if let Some(rest) = rest {
            let at = first.text.len() - rest.len();
            head.push(first.from(at));
        }
    }

    // Closing: the trailing paragraphs that thank, sign off or ask for feedback.
    let closing = split_closing(&mut paras);
    if !closing.is_empty() {
        parsed.reply.closing = Some(text::joined(&closing));
    }

    head.extend(paras);
    parsed.opening = head
        .iter()
        .take(3)
        .find(|p| OPENING.is_match(p.text))
        .map(|p| p.text.to_string());

    let o = outline::outline(&head);
    parsed.reply.body = text::joined(&o.body);
    parsed.reply.sections = o.sections;
    parsed.reply.measures = o.measures;
    parsed.section_starts = o.section_starts;
    parsed.measure_starts = o.measure_starts;
    parsed
}

/// `您(们)提出的…收悉`, `你们提出的…已收到`: the sentence that names what is being answered.
static OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:您|你|贵)(?:们|单位|委员会|组)?(?:所?提出|领衔提出|联名提出|提交|提)的|收悉|已收到|(?:答复|回复|复函|函告|汇报)如下")
        .unwrap()
});

/// Reads a salutation: `张三代表:`, `尊敬的李四委员：`, `某某委员会:`, `王五委员，您好！`.
/// Returns the addressee without honorific or colon, and any text fused after it.
fn salutation(t: &str) -> Option<(&str, Option<&str>)> {
    let (t, honorific) = match t.strip_prefix("尊敬的") {
        Some(rest) => (rest.trim_start(), true),
        None => (t, false),
    };
    // Fused greeting: `王五委员，您好！` or `王五委员:您好!现将…`
    if let Some(hi) = t.find("您好").or_else(|| t.find("你好")) {
        let name = t[..hi].trim_end_matches([':', '：', '，', ',', ' ', '\u{3000}']);
        if !name.is_empty() && name.chars().count() <= 40 && !name.contains('。') {
            return Some((name, Some(&t[hi..])));
        }
    }
    let short = |s: &str| s.chars().count() <= 40 && !s.contains(['。', '，', ',', '！', '？']);
    if let Some(name) = t.strip_suffix([':', '：']) {
        let name = name.trim_end();
        if !name.is_empty() && short(name) && !OPENING.is_match(name) {
            return Some((name, None));
        }
    }
    if honorific && short(t) {
        return Some((t.trim_end_matches([':', '：']), None));
    }
    None
}

static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:最后[，,]?\s*)?(?:衷心|再次|诚挚|誠摯|真诚|真誠|非常|十分|由衷)?(?:地)?(?:感[谢謝]|[谢謝][谢謝])",
        r"|^特此(?:答[复覆]|函告|[复復]函|函[复復]|回[复覆]|[说說]明)",
        r"|^此致|^敬礼|^敬禮",
        r"|^以上(?:答[复覆]|意[见見]|[办辦]理情[况況])",
        r"|^如(?:您)?(?:[对對]|有).{0,40}(?:意[见見]|建[议議]|[问問]题|疑[问問]|不[满滿]意)",
        r"|^[欢歡]迎.{0,40}(?:意[见見]|建[议議]|指[导導]|[监監]督|批[评評])",
        r"|^(?:[请請]|敬[请請]|[烦煩][请請]).{0,40}(?:反[馈饋]|填[写寫]|寄回|意[见見]表|征[询詢])",
        r"|是否[满滿]意",
    ))
    .unwrap()
});

/// Takes the closing off the end of the paragraphs: the run of closing paragraphs at the end,
/// and closing sentences fused onto the end of the last body paragraph.
fn split_closing<'t>(paras: &mut Vec<Para<'t>>) -> Vec<Para<'t>> {
    let mut first = paras.len();
    while first > 0 && CLOSING.is_match(paras[first - 1].text) {
        first -= 1;
    }
    let mut closing = paras.split_off(first);
    if let Some(last) = paras.last().copied()
        && let Some(at) = fused_closing(last.text)
    {
        let body = Para {
            start: last.start,
            text: last.text[..at].trim_end(),
        };
        let tail = last.from(at);
        *paras.last_mut().expect("checked above") = body;
        closing.insert(0, tail);
    }
    closing
}

/// Where a closing starts inside a paragraph: a sentence after `。！` from which every sentence
/// to the end is a closing sentence.
fn fused_closing(t: &str) -> Option<usize> {
    let starts: Vec<usize> = t
        .char_indices()
        .filter(|&(_, c)| matches!(c, '。' | '！' | '!'))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|&i| i < t.len())
        .collect();
    let mut found = None;
    for &s in starts.iter().rev() {
        let sentence_end = t[s..].find(['。', '！', '!']).map_or(t.len(), |e| s + e);
        if CLOSING.is_match(t[s..sentence_end].trim_start()) {
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

    fn reply(s: &str) -> Parsed {
        parse(&text::paragraphs(s, 0))
    }

    #[test]
    fn salutations() {
        assert_eq!(salutation("张建国委员:"), Some(("张建国委员", None)));
        assert_eq!(salutation("尊敬的李红代表："), Some(("李红代表", None)));
        assert_eq!(
            salutation("王五委员，您好！"),
            Some(("王五委员", Some("您好！")))
        );
        assert_eq!(salutation("您提出的建议收悉，现答复如下:"), None);
        assert_eq!(salutation("现答复如下："), None);
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
}
