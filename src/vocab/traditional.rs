//! Traditional characters: the ones labels are written with, folded to simplified before
//! lookup, and the common ones that show a text is written in traditional characters (which
//! decides what a two-digit or three-digit year means).

use std::sync::LazyLock;

/// Whether text is written in traditional characters: three or more characters that exist only
/// in traditional writing, among the first thousand.
pub fn looks_traditional(s: &str) -> bool {
    static SORTED: LazyLock<Vec<char>> = LazyLock::new(|| {
        let mut v = MARKERS.to_vec();
        v.sort_unstable();
        v
    });
    s.chars()
        .take(1000)
        .filter(|c| SORTED.binary_search(c).is_ok())
        .nth(2)
        .is_some()
}

/// Characters that exist only in traditional writing, common enough that three of them in a
/// reply's first thousand characters settle it.
const MARKERS: &[char] = &[
    '來', '個', '們', '內', '劃', '務', '區', '協', '員', '問', '國', '學', '實', '對', '後', '從',
    '應', '據', '於', '時', '會', '條', '業', '極', '樣', '為', '現', '環', '當', '發', '種', '積',
    '經', '縣', '繫', '聯', '與', '處', '號', '衛', '覆', '見', '計', '設', '話', '該', '認', '說',
    '調', '議', '讓', '辦', '這', '進', '還', '長', '門', '開', '關', '際', '電', '題', '類', '體',
    '麼', '點',
];

/// The simplified form of a traditional character that occurs in labels, and nothing more:
/// this is not a converter.
pub fn simplified(c: char) -> Option<char> {
    static SORTED: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
        let mut v = PAIRS.to_vec();
        v.sort_unstable();
        v
    });
    SORTED
        .binary_search_by_key(&c, |&(t, _)| t)
        .ok()
        .map(|i| SORTED[i].1)
}

/// Traditional characters that occur in labels and their simplified forms.
const PAIRS: &[(char, char)] = &[
    ('議', '议'),
    ('號', '号'),
    ('標', '标'),
    ('題', '题'),
    ('辦', '办'),
    ('單', '单'),
    ('協', '协'),
    ('覆', '复'),
    ('複', '复'),
    ('內', '内'),
    ('類', '类'),
    ('編', '编'),
    ('稱', '称'),
    ('見', '见'),
    ('時', '时'),
    ('間', '间'),
    ('結', '结'),
    ('聯', '联'),
    ('繫', '系'),
    ('電', '电'),
    ('話', '话'),
    ('會', '会'),
    ('況', '况'),
    ('簽', '签'),
    ('發', '发'),
    ('佈', '布'),
    ('屆', '届'),
    ('員', '员'),
    ('領', '领'),
    ('銜', '衔'),
    ('關', '关'),
    ('鍵', '键'),
    ('詞', '词'),
    ('機', '机'),
    ('構', '构'),
    ('態', '态'),
    ('廢', '废'),
    ('狀', '状'),
    ('體', '体'),
    ('門', '门'),
    ('開', '开'),
    ('屬', '属'),
    ('郵', '邮'),
    ('碼', '码'),
    ('頭', '头'),
    ('資', '资'),
    ('訊', '讯'),
    ('應', '应'),
    ('覈', '核'),
    ('審', '审'),
    ('別', '别'),
    ('種', '种'),
    ('託', '托'),
    ('瀏', '浏'),
    ('覽', '览'),
    ('執', '执'),
    ('處', '处'),
    ('導', '导'),
    ('負', '负'),
    ('責', '责'),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_text_is_recognised() {
        assert!(looks_traditional(
            "陳委員您好：有關您所提之建議，本局已辦理完畢。"
        ));
        assert!(!looks_traditional(
            "陈委员您好：有关您所提的建议，本局已办理完毕。"
        ));
        // Only the first thousand characters are read.
        let late = format!("{}陳委員會為", "一".repeat(1000));
        assert!(!looks_traditional(&late));
    }

    #[test]
    fn label_characters_fold() {
        assert_eq!(simplified('議'), Some('议'));
        assert_eq!(simplified('议'), None);
        assert_eq!(simplified('a'), None);
    }
}
