//! The real record in `../shared/seeds/` (beside the repository, never copied into it), checked
//! field by field. When that folder is absent (a clone on its own), the test says it skipped.

mod common;

use propex::{Config, Kind, extract};

const SEED: &str = "000_d4a49051fec6a9f3.txt";

fn seed_bytes() -> Option<Vec<u8>> {
    let path = common::shared(&format!("seeds/{SEED}"))?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

#[test]
fn seed_record_field_by_field() {
    let Some(bytes) = seed_bytes() else { return };
    let out = extract("seed.txt", &bytes, &Config::default()).expect("the seed extracts");
    assert_eq!(out.records.len(), 1);
    common::assert_nothing_lost("seed", &out);
    let r = &out.records[0].record;

    assert_eq!(r.source.record, 1);
    assert_eq!(r.source.line, 1);
    assert_eq!(r.source.encoding, "UTF-8");
    assert_eq!(r.kind, Some(Kind::Proposal));
    assert_eq!(r.proposer.as_deref(), Some("高新区政协工委"));
    assert_eq!(r.number.as_deref(), Some("217"));
    assert_eq!(
        r.title.as_deref(),
        Some("关于促进高新技术产业高质量发展的建议")
    );
    assert!(
        r.content
            .as_deref()
            .unwrap()
            .starts_with("党的十九届五中全会提出")
    );
    assert_eq!(r.units.lead, vec!["科技局"]);
    assert_eq!(
        r.units.assisting,
        vec![
            "南通高新区",
            "区委组织部",
            "区发改委",
            "财政局",
            "人社局",
            "金管局",
            "税务局"
        ]
    );
    assert_eq!(r.category, None);
    assert!(r.extra.is_empty(), "{:?}", r.extra);

    let reply = r.reply.as_ref().expect("the seed has a reply");
    assert_eq!(reply.date.as_deref(), Some("2022-07-08"));
    assert_eq!(reply.addressee.as_deref(), Some("高新区政协工委"));

    let body: Vec<&str> = reply.body.split('\n').collect();
    assert_eq!(body.len(), 4, "{body:#?}");
    assert!(body[0].starts_with("您提出的"));
    assert!(body[0].ends_with("现答复如下:"));
    assert!(body[1].starts_with("促进高新技术产业高质量发展是"));
    assert!(body[2].starts_with("总体思路与工作目标:"));
    assert!(body[3].starts_with("主要工作举措:"));

    assert_eq!(reply.sections.len(), 6);
    let labels: Vec<&str> = reply.sections.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)"]);
    for (i, s) in reply.sections.iter().enumerate() {
        assert_eq!(s.number as usize, i + 1);
        assert!(!s.text.is_empty(), "section {} has its lead-in text", i + 1);
    }
    assert_eq!(
        reply.sections[0].heading,
        "优化布局创新“强载体”,打造高新产业发展新高地"
    );
    assert_eq!(
        reply.sections[5].heading,
        "构建创新创业“强生态”,搭好高新产业迸发新舞台"
    );
    assert!(reply.sections[0].text.starts_with("以长三角区域一体化"));

    assert_eq!(reply.measures.len(), 18);
    for (i, m) in reply.measures.iter().enumerate() {
        assert_eq!(m.number as usize, i + 1);
        assert_eq!(m.label, format!("{}.", i + 1));
        assert_eq!(m.section, Some(i as u32 / 3 + 1), "three per section");
        assert!(!m.text.is_empty());
        assert!(!m.title.contains('。'));
    }
    let titles: Vec<&str> = reply.measures.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles[0], "聚力做强南通高新区");
    assert_eq!(titles[1], "推进特色园区创新发展");
    assert_eq!(titles[2], "全面提升创新载体功能");
    assert_eq!(titles[17], "完善创新政策支持体系");
    assert!(reply.measures[0].text.starts_with("把南通高新区作为"));
    assert!(reply.measures[2].text.starts_with("积极推动江海智汇园"));

    let m17: Vec<&str> = reply.measures[16].text.split('\n').collect();
    assert_eq!(m17.len(), 2, "measure 17 holds both its paragraphs");
    assert!(m17[0].starts_with("强化金融服务"));
    assert!(m17[1].starts_with("不断加大“江海贷”"));
    assert!(reply.measures[17].text.ends_with("转化技术。"));
    // the stray space inside a sentence stays as written
    assert!(
        reply.measures[8]
            .text
            .contains("发展潜力足的 “专、精、特、新”企业")
    );

    let closing = reply.closing.as_deref().unwrap();
    assert!(closing.starts_with("衷心感谢您对我区科技创新工作的关心,"));
    assert!(closing.ends_with("宝贵意见和建议。"));

    assert!(
        out.diagnostics.is_empty(),
        "the seed is clean: {:?}",
        out.diagnostics
    );
}
