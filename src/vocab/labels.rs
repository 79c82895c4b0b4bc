//! The label vocabulary of the `fields` stage (docs/format.md §2, §3): every wording seen for each field,
//! in simplified characters; traditional labels are folded onto them before lookup.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use super::traditional;
use crate::record::Kind;

/// What a label stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Proposer,
    Number,
    Title,
    Content,
    /// 承办单位 / 办理单位: a group whose value, or whose sub-labels, name the units.
    Units,
    Lead,
    Assisting,
    ReplyDate,
    Reply,
    /// 办理结果: the reply when it is long, the handling category when it is a short code.
    Outcome,
    Category,
    /// 文号: the letter's document number.
    DocNumber,
    /// 届次 / 会议: the meeting the record was filed at.
    Session,
    /// Page metadata (索引号, 发布机构, 信息名称 …): kept in `extra`; seeing it again after a reply
    /// means the next record's page has begun.
    Meta,
    /// Known labels that have no field of their own (联系人, 签发人 …): kept in `extra`.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub field: Field,
    /// 提案号 says proposal, 建议号 says suggestion; 建议/提案号 says nothing.
    pub kind: Option<Kind>,
}

const P: Option<Kind> = Some(Kind::Proposal);
const S: Option<Kind> = Some(Kind::Suggestion);
const N: Option<Kind> = None;

static VOCABULARY: &[(&str, Field, Option<Kind>)] = &[
    ("建议/提案提出者", Field::Proposer, N),
    ("提案/建议提出者", Field::Proposer, N),
    ("提出者", Field::Proposer, N),
    ("提出人", Field::Proposer, N),
    ("提案人", Field::Proposer, P),
    ("提案者", Field::Proposer, P),
    ("提案单位/人", Field::Proposer, P),
    ("提案单位", Field::Proposer, P),
    ("提案委员", Field::Proposer, P),
    ("委员", Field::Proposer, P),
    ("委员姓名", Field::Proposer, P),
    // Taiwan councils (議員 folds to 议员): councillors file both 提案 and 建議, so the label
    // says nothing of the kind.
    ("议员", Field::Proposer, N),
    ("提案议员", Field::Proposer, P),
    ("建议人", Field::Proposer, S),
    ("建议者", Field::Proposer, S),
    ("代表", Field::Proposer, S),
    ("代表姓名", Field::Proposer, S),
    // A record table's only person is who filed it (a contact's name has its own label).
    ("姓名", Field::Proposer, N),
    ("领衔代表", Field::Proposer, S),
    ("领衔委员", Field::Proposer, P),
    ("领衔人", Field::Proposer, N),
    ("提建议代表", Field::Proposer, S),
    ("建议/提案号", Field::Number, N),
    ("提案/建议号", Field::Number, N),
    ("提案号", Field::Number, P),
    ("建议号", Field::Number, S),
    ("编号", Field::Number, N),
    ("案号", Field::Number, N),
    ("提案编号", Field::Number, P),
    ("建议编号", Field::Number, S),
    ("提案序号", Field::Number, P),
    ("建议序号", Field::Number, S),
    ("标题", Field::Title, N),
    ("题目", Field::Title, N),
    ("案由", Field::Title, N),
    ("名称", Field::Title, N),
    ("建议题目", Field::Title, S),
    ("建议标题", Field::Title, S),
    ("提案题目", Field::Title, P),
    ("提案标题", Field::Title, P),
    ("提案名称", Field::Title, P),
    ("建议名称", Field::Title, S),
    ("建议/提案内容", Field::Content, N),
    ("提案/建议内容", Field::Content, N),
    ("提案内容", Field::Content, P),
    ("建议内容", Field::Content, S),
    ("内容", Field::Content, N),
    ("承办单位", Field::Units, N),
    ("办理单位", Field::Units, N),
    ("承办部门", Field::Units, N),
    // The unit that answers is the one that handled it (a Taiwan 答覆機關).
    ("答复单位", Field::Units, N),
    ("答复部门", Field::Units, N),
    ("答复机关", Field::Units, N),
    ("办复单位", Field::Units, N),
    ("主办", Field::Lead, N),
    ("主办单位", Field::Lead, N),
    ("主办部门", Field::Lead, N),
    ("牵头单位", Field::Lead, N),
    ("牵头部门", Field::Lead, N),
    ("协办", Field::Assisting, N),
    ("协办单位", Field::Assisting, N),
    ("协办部门", Field::Assisting, N),
    ("会办", Field::Assisting, N),
    ("会办单位", Field::Assisting, N),
    ("分办", Field::Assisting, N),
    ("分办单位", Field::Assisting, N),
    ("配合单位", Field::Assisting, N),
    ("答复日期", Field::ReplyDate, N),
    ("答复时间", Field::ReplyDate, N),
    ("办复日期", Field::ReplyDate, N),
    ("办理日期", Field::ReplyDate, N),
    ("回复日期", Field::ReplyDate, N),
    ("复文日期", Field::ReplyDate, N),
    ("答复内容", Field::Reply, N),
    ("答复意见", Field::Reply, N),
    ("答复", Field::Reply, N),
    ("答复正文", Field::Reply, N),
    ("办理情况", Field::Reply, N),
    ("复文正文", Field::Reply, N),
    ("回复内容", Field::Reply, N),
    ("执行情形", Field::Reply, N),
    ("办理情形", Field::Reply, N),
    ("研处意见", Field::Reply, N),
    ("处理情形", Field::Reply, N),
    ("提案答复", Field::Reply, P),
    ("建议答复", Field::Reply, S),
    ("办理结果", Field::Outcome, N),
    ("办理类别", Field::Category, N),
    ("办复类别", Field::Category, N),
    ("答复类别", Field::Category, N),
    ("类别", Field::Category, N),
    ("文号", Field::DocNumber, N),
    ("发文字号", Field::DocNumber, N),
    ("届次", Field::Session, N),
    ("会议", Field::Session, N),
    ("索引号", Field::Meta, N),
    ("主题分类", Field::Meta, N),
    ("组配分类", Field::Meta, N),
    ("体裁分类", Field::Meta, N),
    ("发布机构", Field::Meta, N),
    ("生成日期", Field::Meta, N),
    ("成文日期", Field::Meta, N),
    ("发文日期", Field::Meta, N),
    ("发布日期", Field::Meta, N),
    ("生效日期", Field::Meta, N),
    ("废止日期", Field::Meta, N),
    ("效力状态", Field::Meta, N),
    ("关键词", Field::Meta, N),
    ("信息名称", Field::Meta, N),
    ("公开范围", Field::Meta, N),
    ("公开日期", Field::Meta, N),
    ("主题词", Field::Meta, N),
    ("著录日期", Field::Meta, N),
    ("所属主题", Field::Meta, N),
    ("关键字", Field::Meta, N),
    ("所属机构", Field::Meta, N),
    ("信息来源", Field::Meta, N),
    ("发布时间", Field::Meta, N),
    ("发文机关", Field::Meta, N),
    ("发文机构", Field::Meta, N),
    ("有效日期", Field::Meta, N),
    ("时效性", Field::Meta, N),
    ("公开目录", Field::Meta, N),
    ("信息所属单位", Field::Meta, N),
    ("内容概述", Field::Meta, N),
    // Page furniture: a label, never the value of the label before it.
    ("浏览量", Field::Meta, N),
    ("浏览次数", Field::Meta, N),
    ("访问量", Field::Meta, N),
    ("联系人", Field::Other, N),
    ("联系电话", Field::Other, N),
    ("联系方式", Field::Other, N),
    ("签发人", Field::Other, N),
    ("审签", Field::Other, N),
    ("承办人", Field::Other, N),
    ("承办人及联系电话", Field::Other, N),
    ("公开方式", Field::Other, N),
    ("公开属性", Field::Other, N),
    ("邮政编码", Field::Other, N),
    ("抄送", Field::Other, N),
    ("主管领导", Field::Other, N),
    ("分管领导", Field::Other, N),
    ("承办负责人", Field::Other, N),
    ("单位负责人", Field::Other, N),
    ("分管单位", Field::Other, N),
    ("联系单位", Field::Other, N),
    ("联系单位及联系人", Field::Other, N),
    ("联系单位和联系人", Field::Other, N),
    ("联系单位和联系人及电话", Field::Other, N),
    ("联系人及电话", Field::Other, N),
    ("附件", Field::Other, N),
    ("领导签字", Field::Other, N),
    ("协办意见", Field::Other, N),
    ("会办意见", Field::Other, N),
];

/// The label's canonical spelling: no whitespace, no trailing colon, `／` as `/`, traditional
/// characters folded to simplified. Also says whether any traditional character was folded.
/// Most labels are already canonical but for their colon: those are borrowed, not copied
/// (every cell that might be a label is normalized, a dozen or more a record).
pub fn normalize(label: &str) -> (Cow<'_, str>, bool) {
    let label = label.trim_end_matches([':', '：', ' ', '\u{3000}']);
    let changes = |c: char| c.is_whitespace() || c == '／' || traditional::simplified(c).is_some();
    if !label.chars().any(changes) {
        return (Cow::Borrowed(label), false);
    }
    let mut traditional = false;
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_whitespace() {
            continue;
        }
        let s = match c {
            '／' => '/',
            _ => match traditional::simplified(c) {
                Some(s) => {
                    traditional = true;
                    s
                }
                None => c,
            },
        };
        out.push(s);
    }
    (Cow::Owned(out), traditional)
}

/// Cells whose value is the reply's signer (签发人): `assemble` moves the first of them from
/// `extra` to `reply.signer`.
pub const SIGNER_CELLS: [&str; 4] = ["签发人", "簽發人", "审签", "審簽"];

/// Cells of a page's 成文日期 (when the letter was written), the reply's date when nothing
/// else gives one.
pub const WRITTEN_DATE_CELLS: [&str; 3] = ["成文日期", "成文時間", "成文时间"];

/// Looks up a normalized label.
pub fn lookup(normalized: &str) -> Option<Label> {
    // Page-information labels of Taiwan sites: 資訊名稱 is 信息名称.
    let key = if normalized == "资讯名称" {
        "信息名称"
    } else {
        normalized
    };
    static INDEX: LazyLock<HashMap<&'static str, Label>> = LazyLock::new(|| {
        VOCABULARY
            .iter()
            .map(|&(l, field, kind)| (l, Label { field, kind }))
            .collect()
    });
    INDEX.get(key).copied()
}

/// The first characters of the labels `keep` accepts, sorted.
fn first_chars(keep: impl Fn(Field) -> bool) -> Vec<char> {
    let mut v: Vec<char> = VOCABULARY
        .iter()
        .filter(|(_, f, _)| keep(*f))
        .filter_map(|(l, _, _)| l.chars().next())
        .collect();
    // `lookup` also takes 资讯名称 for 信息名称.
    v.push('资');
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether `c` can be the first character of a label `is_letter_label` accepts (in simplified
/// or traditional writing): a cheap test before the full one.
pub fn may_start_letter_label(c: char) -> bool {
    static FIRST: LazyLock<Vec<char>> = LazyLock::new(|| first_chars(letter_field));
    let c = traditional::simplified(c).unwrap_or(c);
    FIRST.binary_search(&c).is_ok()
}

/// Whether text can normalize to a known label at all, by its first character: most cells
/// are values, and this turns them away before they are normalized and looked up.
pub fn may_be_label(s: &str) -> bool {
    static FIRST: LazyLock<Vec<char>> = LazyLock::new(|| first_chars(|_| true));
    s.chars().find(|c| !c.is_whitespace()).is_some_and(|c| {
        FIRST
            .binary_search(&traditional::simplified(c).unwrap_or(c))
            .is_ok()
    })
}

fn letter_field(f: Field) -> bool {
    matches!(
        f,
        Field::Other | Field::Category | Field::Outcome | Field::DocNumber
    )
}

/// Labels that also open lines inside a reply letter (`联系人: 张三`, `抄送:`), where the space
/// after their colon is not a paragraph break.
pub fn is_letter_label(s: &str) -> bool {
    let (norm, _) = normalize(s);
    lookup(&norm).is_some_and(|l| letter_field(l.field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_colons_and_traditional_fold() {
        assert_eq!(normalize("案 由"), ("案由".into(), false));
        assert_eq!(normalize("联 系 人："), ("联系人".into(), false));
        assert_eq!(
            normalize("建議/提案提出者:"),
            ("建议/提案提出者".into(), true)
        );
        assert_eq!(normalize("答覆內容："), ("答复内容".into(), true));
        assert_eq!(
            normalize("主办单位／协办单位"),
            ("主办单位/协办单位".into(), false)
        );
        // Already canonical but for the colon: borrowed.
        assert!(matches!(
            normalize("提案号：::"),
            (Cow::Borrowed("提案号"), false)
        ));
        assert_eq!(normalize("提案號"), ("提案号".into(), true));
        assert_eq!(lookup("案由").map(|l| l.field), Some(Field::Title));
        assert_eq!(
            lookup(&normalize("答覆機關").0).map(|l| l.field),
            Some(Field::Units)
        );
        assert_eq!(
            lookup(&normalize("承辦單位").0).map(|l| l.field),
            Some(Field::Units)
        );
        assert_eq!(
            lookup(&normalize("辦理類別").0).map(|l| l.field),
            Some(Field::Category)
        );
        assert_eq!(lookup("提案号").and_then(|l| l.kind), Some(Kind::Proposal));
        assert_eq!(lookup("不存在"), None);
    }

    #[test]
    fn every_label_passes_the_first_character_test() {
        for (l, _, _) in VOCABULARY {
            assert!(may_be_label(l), "{l}");
        }
        for written in ["資訊名稱", "承辦單位", " 提案號", "辦理類別", "簽發人"] {
            assert!(may_be_label(written), "{written}");
        }
        assert!(!may_be_label("张三委员"));
        assert!(!may_be_label(""));
    }

    #[test]
    fn letter_labels_pass_the_first_character_test() {
        for (l, f, _) in VOCABULARY {
            if letter_field(*f) {
                let c = l.chars().next().unwrap();
                assert!(may_start_letter_label(c), "{l}");
                assert!(is_letter_label(l), "{l}");
            }
        }
        assert!(may_start_letter_label('聯'));
        assert!(!may_start_letter_label('我'));
    }

    #[test]
    fn every_wording_in_format_md_is_known() {
        for l in [
            "建议/提案提出者",
            "提出者",
            "提案人",
            "提案者",
            "建议人",
            "提出人",
            "代表",
            "代表姓名",
            "领衔代表",
            "提建议代表",
            "委员",
            "提案单位/人",
            "建议/提案号",
            "提案号",
            "建议号",
            "编号",
            "案号",
            "提案编号",
            "建议编号",
            "标题",
            "题目",
            "案由",
            "建议题目",
            "提案标题",
            "名称",
            "信息名称",
            "建议/提案内容",
            "提案内容",
            "建议内容",
            "内容",
            "承办单位",
            "办理单位",
            "主办",
            "主办单位",
            "牵头单位",
            "协办",
            "协办单位",
            "会办",
            "会办单位",
            "分办",
            "配合单位",
            "答复日期",
            "答复时间",
            "办复日期",
            "办理日期",
            "答复内容",
            "答复意见",
            "答复",
            "办理情况",
            "办理结果",
            "复文正文",
            "回复内容",
            "办理类别",
            "办复类别",
            "答复类别",
            "类别",
            "联系人",
            "联系电话",
            "签发人",
            "承办人",
            "公开方式",
            "公开属性",
            "届次",
            "会议",
            "索引号",
            "主题分类",
            "组配分类",
            "体裁分类",
            "发布机构",
            "生成日期",
            "成文日期",
            "发文日期",
            "生效日期",
            "废止日期",
            "效力状态",
            "文号",
            "关键词",
        ] {
            assert!(lookup(l).is_some(), "{l}");
        }
    }
}
