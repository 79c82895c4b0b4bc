//! The shared wording every stage reads: label vocabulary, letter wording (title endings,
//! document-number and category patterns, salutations, closing phrases, foot labels,
//! honorifics), and the string helpers they are written with (docs/format.md). A leaf: it
//! imports no stage, so that `fields`, `reply`, `text`, `assemble` and `validate` all read the
//! same list, and a new wording is one line here.

pub mod labels;
pub mod letter;
pub mod traditional;

/// At most the first `max` bytes of `s`, cut at a character boundary.
pub fn head(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Removes every kind of whitespace, including the full-width space.
pub fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A number as an identifier: 第 / 号 / 號 and whitespace removed, full-width digits made ASCII,
/// leading zeros kept (`第0143号` → `0143`).
pub fn identifier(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '第' | '号' | '號'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect()
}
