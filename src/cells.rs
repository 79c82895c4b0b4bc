//! Stage 2 — cells: the pipe-flattened table cut into non-empty cells, each with its byte offset
//! and whether it opens a physical row. Empty cells (`| |`, `|||`) carry nothing and vanish.

/// One non-empty cell. `text` is trimmed and may span several lines (a value with real line breaks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell<'t> {
    pub text: &'t str,
    /// Byte offset of `text` in the decoded input.
    pub start: usize,
    /// True when a line break separates this cell from the previous one.
    pub row_start: bool,
}

impl<'t> Cell<'t> {
    /// A sub-slice of this cell as a cell of its own (offsets kept absolute).
    pub fn slice(&self, range: std::ops::Range<usize>, row_start: bool) -> Cell<'t> {
        let raw = &self.text[range.clone()];
        let text = raw.trim();
        let lead = raw.len() - raw.trim_start().len();
        Cell {
            text,
            start: self.start + range.start + lead,
            row_start,
        }
    }

    /// The cell's lines as cells of their own, blank lines dropped.
    pub fn lines(&self) -> Vec<Cell<'t>> {
        let mut out = Vec::new();
        for (at, line) in crate::scan::lines(self.text) {
            let c = self.slice(at..at + line.len(), at > 0 || self.row_start);
            if !c.text.is_empty() {
                out.push(c);
            }
        }
        out
    }
}

/// Whether the text is a pipe table at all (a plain letter has no `|`).
pub fn has_table(text: &str) -> bool {
    memchr::memchr(b'|', text.as_bytes()).is_some()
}

/// Cuts the text at every `|`. A line break between two cells marks the second as a row start;
/// a cell whose text itself spans lines stays whole, since the `fields` stage decides whether its
/// lines are one value or several rows that lost their pipes.
pub fn split(text: &str) -> Vec<Cell<'_>> {
    use crate::scan::has_newline;
    let bytes = text.as_bytes();
    // A record is a few dozen cells: room for them up front instead of regrowing.
    let mut cells = Vec::with_capacity(64);
    let mut seg_start = 0;
    let mut newline_before = true;
    let pipes = memchr::memchr_iter(b'|', bytes).chain(std::iter::once(bytes.len()));
    for seg_end in pipes {
        let seg = &text[seg_start..seg_end];
        let trimmed = seg.trim();
        if trimmed.is_empty() {
            newline_before |= has_newline(seg);
        } else {
            let lead = seg.len() - seg.trim_start().len();
            newline_before |= has_newline(&seg[..lead]);
            cells.push(Cell {
                text: trimmed,
                start: seg_start + lead,
                row_start: newline_before,
            });
            newline_before = has_newline(&seg[lead + trimmed.len()..]);
        }
        seg_start = seg_end + 1;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_cells_and_offsets() {
        let t = "提出者: | 张三 | 提案号: | 0143 | |\n标题: | 关于甲的建议 | |||\r\n|||\n答复内容: | 第一段\n第二段 |";
        let cells = split(t);
        let texts: Vec<_> = cells.iter().map(|c| (c.text, c.row_start)).collect();
        assert_eq!(
            texts,
            vec![
                ("提出者:", true),
                ("张三", false),
                ("提案号:", false),
                ("0143", false),
                ("标题:", true),
                ("关于甲的建议", false),
                ("答复内容:", true),
                ("第一段\n第二段", false),
            ]
        );
        for c in &cells {
            assert_eq!(&t[c.start..c.start + c.text.len()], c.text);
        }
        let lines = cells[7].lines();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            &t[lines[1].start..lines[1].start + lines[1].text.len()],
            "第二段"
        );
    }

    #[test]
    fn value_on_the_next_line_and_no_pipes() {
        let cells = split("案 由 |\n关于乙的提案 |\n");
        assert_eq!(cells[1].text, "关于乙的提案");
        assert!(cells[1].row_start);
        assert_eq!(split("只有一封信。").len(), 1);
        assert!(split("").is_empty());
        assert!(split("|||\n| |").is_empty());
    }
}
