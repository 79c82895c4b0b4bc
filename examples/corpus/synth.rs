//! Synthetic records for benchmarks, in the shapes of the fixtures and the seed: pipe tables
//! with a one-line reply and a run-on `(一)` + `1.` outline, multi-line replies with `一、` +
//! `（一）`, plain letters with a title line, signature and contacts, concatenated files, some
//! in GBK or with CRLF and a BOM. All text is assembled from a phrase bank written for this
//! project. Deterministic: the same seed gives the same corpus.

/// A small, fast, deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "丽华", "海燕", "晓明", "文斌", "红霞", "立新", "玉兰", "国庆", "美玲",
    "卫东", "晓燕", "志刚",
];
const UNITS: &[&str] = &[
    "科技局",
    "教育局",
    "民政局",
    "财政局",
    "人社局",
    "住建局",
    "交通运输局",
    "农业农村局",
    "卫健委",
    "生态环境局",
    "文旅局",
    "市场监管局",
    "商务局",
    "水利局",
    "城管局",
    "发改委",
];
const TOPICS: &[&str] = &[
    "社区养老服务",
    "中小学课后服务",
    "农村饮水安全",
    "老旧小区改造",
    "科技人才引进",
    "公共交通线网",
    "农贸市场整治",
    "历史街区保护",
    "校园食品安全",
    "河道水环境治理",
    "特色农产品电商",
    "基层医疗能力",
    "口袋公园建设",
    "托育服务供给",
    "营商环境优化",
];
const VERBS: &[&str] = &[
    "加强", "完善", "推进", "优化", "提升", "健全", "深化", "强化", "扩大", "规范",
];
const OBJECTS: &[&str] = &[
    "工作机制",
    "政策体系",
    "服务供给",
    "资金保障",
    "队伍建设",
    "监督考核",
    "宣传引导",
    "设施配套",
    "信息平台",
    "协同联动",
];
const SENTENCES: &[&str] = &[
    "今年以来，我们围绕群众关心的突出问题，逐项梳理任务清单，明确责任单位和完成时限",
    "会同相关部门开展专题调研，走访街道社区和企业，听取各方面意见建议",
    "建立月度调度和季度通报制度，对进度滞后的事项及时督促整改",
    "统筹安排专项资金，重点支持基础薄弱地区补齐短板，资金使用情况向社会公开",
    "依托数字化平台实现数据共享，办事群众可以在手机上查询办理进度",
    "组织业务骨干开展培训，提升一线工作人员的专业能力和服务水平",
    "对标先进地区的经验做法，结合本地实际制定实施细则",
    "引导社会力量参与，形成政府主导、多方参与、共建共享的工作格局",
    "完善考核评价办法，把群众满意度作为检验工作成效的重要标准",
    "加大宣传力度，通过媒体和社区活动普及相关知识，营造良好社会氛围",
    "对发现的问题建立台账，实行销号管理，确保件件有着落、事事有回音",
    "下一步，我们将持续跟踪落实情况，及时研究解决工作中遇到的新问题",
    "据统计，全年累计投入资金2.6亿元，新建和改造项目128个，受益群众超过30万人",
    "我们还将在总结试点经验的基础上，逐步在全区推广成熟的做法",
];

fn sentence(rng: &mut Rng) -> String {
    let mut s = String::new();
    let n = 2 + rng.below(3);
    for i in 0..n {
        s.push_str(rng.pick(SENTENCES));
        s.push_str(if i + 1 == n { "。" } else { "；" });
    }
    s
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn heading(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(VERBS), rng.pick(OBJECTS))
}

const HANZI: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// One generated input file: its bytes and how many records it holds.
pub struct Generated {
    pub bytes: Vec<u8>,
    pub records: usize,
}

/// The reply of a record, about `size` bytes, one line (the seed's shape) or several.
fn reply(rng: &mut Rng, addressee: &str, title: &str, size: usize, one_line: bool) -> String {
    let mut parts: Vec<String> = vec![
        format!("{addressee}:"),
        format!("您提出的《{title}》收悉，现答复如下:"),
        sentence(rng),
    ];
    let sections = 3 + rng.below(4);
    let per_section = (size / 300 / sections).max(1);
    let mut measure = 1;
    let hanzi_outline = !one_line && rng.below(2) == 0;
    for s in 0..sections {
        if hanzi_outline {
            parts.push(format!("{}、{}", HANZI[s % 10], heading(rng)));
        } else {
            parts.push(format!(
                "({}){} {}",
                HANZI[s % 10],
                heading(rng),
                sentence(rng)
            ));
        }
        for m in 0..per_section.min(9) {
            let mut text = String::new();
            while text.len() < size * 3 / 4 / (sections * per_section.min(9)) {
                text.push_str(&sentence(rng));
            }
            if hanzi_outline {
                parts.push(format!("（{}）{}。{}", HANZI[m % 10], heading(rng), text));
            } else {
                parts.push(format!("{measure}.{}。{}", heading(rng), text));
            }
            measure += 1;
        }
    }
    parts.push("衷心感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。".into());
    if !one_line {
        parts.push(format!("某某区{}", rng.pick(UNITS)));
        parts.push(format!(
            "20{}年{}月{}日",
            18 + rng.below(6),
            1 + rng.below(12),
            1 + rng.below(28)
        ));
        parts.push(format!(
            "联系人：{}；联系电话：0513-8{:07}",
            person(rng),
            rng.below(10_000_000)
        ));
    }
    parts.join(if one_line { " " } else { "\n" })
}

fn pipe_record(rng: &mut Rng, number: usize, size: usize) -> String {
    let proposal = rng.below(2) == 0;
    let name = person(rng);
    let topic = rng.pick(TOPICS);
    let title = format!(
        "关于{}{}的{}",
        rng.pick(VERBS),
        topic,
        if proposal { "提案" } else { "建议" }
    );
    let addressee = format!("{name}{}", if proposal { "委员" } else { "代表" });
    let one_line = rng.below(3) > 0;
    let lead = rng.pick(UNITS);
    let co: Vec<&str> = (0..1 + rng.below(4)).map(|_| rng.pick(UNITS)).collect();
    let date = format!(
        "20{}-{:02}-{:02}",
        18 + rng.below(6),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let body = reply(rng, &addressee, &title, size, one_line);
    format!(
        "索引号: | 113206/{number:06} | 发布机构: | 某某区{lead} | |\n建议/提案提出者: | {name} | 建议/提案号: | {number:04} | |\n标题: | {title} | |||\n建议/提案内容: | {} |\n|||\n承办单位: | 主办: | {lead} | 协办: | {} |\n答复日期: | {date} | |||\n答复内容: | {body} |\n",
        sentence(rng),
        co.join("、"),
    )
}

fn plain_letter(rng: &mut Rng, number: usize, size: usize) -> String {
    let name = person(rng);
    let topic = rng.pick(TOPICS);
    let title = format!("关于{}{}的提案", rng.pick(VERBS), topic);
    format!(
        "某政函〔20{}〕{}号\n关于区政协十一届{}次会议第{number}号提案的答复\n{}\n",
        18 + rng.below(6),
        rng.below(300),
        HANZI[rng.below(5)],
        reply(rng, &format!("{name}委员"), &title, size, false),
    )
}

/// The `n`th file of a corpus: about `size` bytes of records in one of the shapes.
pub fn file(seed: u64, n: usize, size: usize) -> Generated {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0x5851_F42D_4C95_7F2D));
    let shape = rng.below(20);
    let (text, records) = match shape {
        0..=10 => (pipe_record(&mut rng, n, size), 1),
        11..=14 => (plain_letter(&mut rng, n, size), 1),
        15..=16 => {
            let k = 2 + rng.below(2);
            let text: String = (0..k)
                .map(|i| pipe_record(&mut rng, n * 10 + i, size / k))
                .collect();
            (text, k)
        }
        _ => (pipe_record(&mut rng, n, size), 1),
    };
    let bytes = match shape {
        17 => encoding_rs::GBK.encode(&text).0.into_owned(),
        18 => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
            b
        }
        _ => text.into_bytes(),
    };
    Generated { bytes, records }
}

/// The `n`th page of a corpus of saved government pages: one record, its letter about `size`
/// bytes, inside the furniture real pages carry (scripts, a menu of links, a metadata table, a
/// related-links list, a footer); one page in five is GBK with a `<meta charset=gb2312>`.
pub fn page(seed: u64, n: usize, size: usize) -> Generated {
    let mut rng = Rng::new(seed ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let gbk = rng.below(5) == 0;
    let name = person(&mut rng);
    let topic = rng.pick(TOPICS);
    let proposal = rng.below(2) == 0;
    let kind = if proposal { "提案" } else { "建议" };
    let title = format!("关于{}{}的{kind}", rng.pick(VERBS), topic);
    let addressee = format!("{name}{}", if proposal { "委员" } else { "代表" });
    let lead = rng.pick(UNITS);
    let letter = reply(&mut rng, &addressee, &title, size, false);
    let mut html = String::with_capacity(size * 2);
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"{}\">\n<title>关于第{n}号{kind}的答复_某某区人民政府</title>\n",
        if gbk { "gb2312" } else { "utf-8" }
    ));
    html.push_str(
        "<style>body{font:14px/1.8 sans-serif}.hide{display:none}.nav li{float:left}</style>\n",
    );
    html.push_str("<script>var _hmt=_hmt||[];(function(){var hm=document.createElement('script');hm.src='/stat.js';document.head.appendChild(hm);})();</script>\n</head>\n<body>\n");
    html.push_str(
        "<div class=\"header\"><div class=\"logo\">某某区人民政府</div><ul class=\"nav\">",
    );
    for i in 0..24 {
        html.push_str(&format!(
            "<li><a href=\"/lm{i}/\">栏目{}</a></li>",
            HANZI[i % 10]
        ));
    }
    html.push_str("</ul></div>\n<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a></div>\n");
    html.push_str(&format!(
        "<table class=\"xxgk\">\n<tr><th>索引号：</th><td>113206/{n:06}</td><th>发布机构：</th><td>某某区{lead}</td></tr>\n<tr><th>文　　号：</th><td>某政函〔2023〕{}号</td><th>发布日期：</th><td>2023-0{}-1{}</td></tr>\n</table>\n",
        rng.below(300),
        1 + rng.below(9),
        rng.below(10)
    ));
    html.push_str(&format!("<h1 class=\"title\">关于区政协十一届二次会议第{n}号{kind}的答复</h1>\n<div class=\"TRS_Editor\">\n"));
    for line in letter.lines() {
        let indent = if rng.below(2) == 0 {
            "&nbsp;&nbsp;&nbsp;&nbsp;"
        } else {
            ""
        };
        html.push_str(&format!(
            "<p class=\"MsoNormal\">{indent}<span style=\"font-family:仿宋_GB2312\">{line}</span></p>\n"
        ));
    }
    html.push_str("</div>\n<div class=\"related\"><h3>相关文章</h3><ul>");
    for i in 0..10 {
        html.push_str(&format!(
            "<li><a href=\"/a/{i}.html\">关于第{i}号{kind}的答复</a></li>"
        ));
    }
    html.push_str("</ul></div>\n<div class=\"footer\">主办：某某区人民政府办公室　地址：某某路1号　电话：0513-80000000</div>\n</body>\n</html>\n");
    let bytes = if gbk {
        encoding_rs::GBK.encode(&html).0.into_owned()
    } else {
        html.into_bytes()
    };
    Generated { bytes, records: 1 }
}

/// Where the `n`th file goes: nested folders by year and district.
pub fn path(n: usize) -> String {
    format!("{}/district-{:02}/{n:06}.txt", 2018 + n % 6, (n / 6) % 20)
}

/// Where the `n`th page goes.
pub fn page_path(n: usize) -> String {
    format!("{}/district-{:02}/{n:06}.html", 2018 + n % 6, (n / 6) % 20)
}
