//! Byte scanning shared by the stages (`decode`, `cells`, `fields`, `text`): finds the first byte of a
//! class, or the first hint of damaged text, many bytes at a time. Records are long runs of CJK
//! text in which the bytes that matter (spaces, line breaks, quotes, control bytes) are rare,
//! so each stage skips to them instead of reading every character. On x86_64 the tests are
//! AVX2 (32 bytes a vector) where the CPU has it, else SSE2 (16), which every x86_64 CPU has;
//! elsewhere they are the same tests one byte at a time.
//!
//! This is speed code, and it pays its rent: with the plain byte-by-byte loops instead (the
//! definitions `Class::has` and `hint_at`, which the tests use as the oracle on every byte
//! value at every position and on random bytes), a conversion takes more than twice as long
//! (BENCHMARKS.md). memchr finds single bytes and fixed strings; these are byte classes and
//! byte pairs, which it does not offer.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m128i, __m256i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128,
    _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm256_and_si256,
    _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8,
    _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
};

/// The three-byte sequences `find_hint` looks for besides `?`: U+FFFD, `？`, and the GBK
/// readings of UTF-8 `，`, `、`/`。` and `的` (锛 銆 鐨).
const HINTS: [[u8; 3]; 5] = [
    [0xEF, 0xBF, 0xBD],
    [0xEF, 0xBC, 0x9F],
    [0xE9, 0x94, 0x9B],
    [0xE9, 0x8A, 0x86],
    [0xE9, 0x90, 0xA8],
];

/// Whether a hint of damaged text starts at byte `i`: `?` or one of `HINTS`.
#[inline(always)]
pub(crate) fn hint_at(b: &[u8], i: usize) -> bool {
    b[i] == b'?'
        || b.get(i..i + 3)
            .is_some_and(|t| HINTS.iter().any(|h| h == t))
}

/// The first hint of damaged text at or after `from` (see `hint_at`), and with `CONTROL` the
/// first control byte (`Class::Control`) as well: the decoder's one pass over a file looks for
/// both. A vector filter skips the 32-byte blocks that cannot hold one (most of them: CJK text
/// is full of E9 and EF leads, but not of the byte pairs the hints start with), and only the
/// bytes it flags are read.
pub(crate) fn find_hint<const CONTROL: bool>(b: &[u8], from: usize) -> Option<usize> {
    let wanted = |k: usize| hint_at(b, k) || (CONTROL && Class::Control.has(b[k]));
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        loop {
            // SAFETY: the CPU has AVX2, checked just above.
            let (at, mut m) = unsafe { skip_hintless_avx2::<CONTROL>(b, i) };
            i = at;
            if m == 0 {
                break;
            }
            // Only the flagged bytes are read.
            while m != 0 {
                let k = i + m.trailing_zeros() as usize;
                if wanted(k) {
                    return Some(k);
                }
                m &= m - 1;
            }
            i += 32;
        }
    }
    (i..b.len()).find(|&k| wanted(k))
}

/// The first 32-byte block from `from` with bytes that may start a hint (or, with `CONTROL`,
/// that are control bytes), and a bit for each of them; or, with no bits, where fewer than 34
/// bytes are left. A hint may start at `?`, EF BF (U+FFC0–U+FFFF, U+FFFD among them),
/// EF xx 9F (`？` is EF BC 9F), or E9 followed by 94, 8A or 90 (锛 銆 鐨); a few other
/// characters of these shapes (销, ｟) pass too, and `hint_at` turns them down.
///
/// # Safety
///
/// The CPU must have AVX2 (`is_x86_feature_detected!("avx2")`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn skip_hintless_avx2<const CONTROL: bool>(b: &[u8], from: usize) -> (usize, u32) {
    let mut i = from;
    while i + 34 <= b.len() {
        // SAFETY: the three loads read b[i..i + 34], inside `b` (the loop checks).
        let [v0, v1, v2] = [0, 1, 2]
            .map(|k| unsafe { _mm256_loadu_si256(b.as_ptr().add(i + k).cast::<__m256i>()) });
        let eq = |v: __m256i, c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
        // EF xx 9F rather than EF BC 9F for `？`: the few other characters of that shape are
        // rare, and one test fewer a block counts where a 256-bit operation is two (Zen 1).
        let ef = _mm256_and_si256(eq(v0, 0xEF), _mm256_or_si256(eq(v1, 0xBF), eq(v2, 0x9F)));
        // 90 and 94 differ in one bit: one masked test for both.
        let e9_second = _mm256_or_si256(
            eq(_mm256_and_si256(v1, _mm256_set1_epi8(0xFBu8 as i8)), 0x90),
            eq(v1, 0x8A),
        );
        let e9 = _mm256_and_si256(eq(v0, 0xE9), e9_second);
        let mut m = _mm256_or_si256(eq(v0, b'?'), _mm256_or_si256(ef, e9));
        if CONTROL {
            // A superset, cheaper to test: all of C0 and DEL. The line breaks and tabs among
            // them are a byte in hundreds, turned down by `wanted`.
            let c0 = _mm256_cmpeq_epi8(_mm256_min_epu8(v0, _mm256_set1_epi8(0x1f)), v0);
            m = _mm256_or_si256(m, _mm256_or_si256(c0, eq(v0, 0x7f)));
        }
        let m = _mm256_movemask_epi8(m) as u32;
        if m != 0 {
            return (i, m);
        }
        i += 32;
    }
    (i, 0)
}

/// A set of bytes, tested both sixteen lanes at a time and one byte at a time (the two agree:
/// a test in `tests` checks every byte value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Bytes that can start whitespace or a line break: below 0x21, C2 (NEL, NBSP) and E0–E3
    /// (U+1680, U+2000–U+205F, U+3000). Continuation bytes are never in it, so a hit always
    /// starts a character.
    SpaceLead,
    /// Control bytes that text files do not carry: C0 but tab, line feed, carriage return and
    /// form feed; and DEL.
    Control,
}

impl Class {
    #[inline(always)]
    pub(crate) fn has(self, c: u8) -> bool {
        match self {
            Class::SpaceLead => c < 0x21 || c == 0xC2 || c & 0xFC == 0xE0,
            Class::Control => (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0c)) || c == 0x7f,
        }
    }

    /// The lanes of `v` that hold a byte of the class (all ones where one does).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    fn lanes_avx2(self, v: __m256i) -> __m256i {
        let splat = |c: u8| _mm256_set1_epi8(c as i8);
        let eq = |c: u8| _mm256_cmpeq_epi8(v, splat(c));
        // Unsigned `v < n`: the lanes where min(v, n - 1) is v.
        let below = |n: u8| _mm256_cmpeq_epi8(_mm256_min_epu8(v, splat(n - 1)), v);
        match self {
            Class::SpaceLead => _mm256_or_si256(
                _mm256_or_si256(below(0x21), eq(0xC2)),
                _mm256_cmpeq_epi8(_mm256_and_si256(v, splat(0xFC)), splat(0xE0)),
            ),
            Class::Control => {
                let allowed = _mm256_or_si256(
                    _mm256_or_si256(eq(b'\t'), eq(b'\n')),
                    _mm256_or_si256(eq(b'\r'), eq(0x0c)),
                );
                _mm256_andnot_si256(allowed, _mm256_or_si256(below(0x20), eq(0x7f)))
            }
        }
    }

    /// One bit per lane of `v` that holds a byte of the class.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn lanes(self, v: __m128i) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe {
            let splat = |c: u8| _mm_set1_epi8(c as i8);
            let eq = |c: u8| _mm_cmpeq_epi8(v, splat(c));
            // Unsigned `v < n`: the lanes where min(v, n - 1) is v.
            let below = |n: u8| _mm_cmpeq_epi8(_mm_min_epu8(v, splat(n - 1)), v);
            let m = match self {
                Class::SpaceLead => _mm_or_si128(
                    _mm_or_si128(below(0x21), eq(0xC2)),
                    _mm_cmpeq_epi8(_mm_and_si128(v, splat(0xFC)), splat(0xE0)),
                ),
                Class::Control => {
                    let allowed = _mm_or_si128(
                        _mm_or_si128(eq(b'\t'), eq(b'\n')),
                        _mm_or_si128(eq(b'\r'), eq(0x0c)),
                    );
                    _mm_andnot_si128(allowed, _mm_or_si128(below(0x20), eq(0x7f)))
                }
            };
            _mm_movemask_epi8(m) as u32
        }
    }
}

/// The first byte at or after `from` that is in `class`.
#[inline(always)]
pub(crate) fn find(class: Class, b: &[u8], from: usize) -> Option<usize> {
    find_where(class, b, from, |_| true)
}

/// The first byte at or after `from` that is in `class` and that `accept` takes (given its
/// position). Candidates `accept` turns down are passed over inside the vector loop: whitespace
/// shares its lead bytes with the CJK punctuation that fills Chinese text, and returning to the
/// caller for each of those would read the same bytes again.
#[inline(always)]
pub(crate) fn find_where(
    class: Class,
    b: &[u8],
    from: usize,
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if b.len().saturating_sub(from) >= 128 && std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above (std caches the answer).
        return unsafe {
            match class {
                Class::SpaceLead => find_avx2::<SPACE_LEAD>(b, from, accept),
                Class::Control => find_avx2::<CONTROL>(b, from, accept),
            }
        };
    }
    find_sse2(class, b, from, accept)
}

const SPACE_LEAD: u8 = 0;
const CONTROL: u8 = 1;

/// The first accepted hit of a mask of candidates found at `at` (bit k: byte `at + k`).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn first_accepted(mut m: u64, at: usize, accept: &impl Fn(usize) -> bool) -> Option<usize> {
    while m != 0 {
        let k = at + m.trailing_zeros() as usize;
        if accept(k) {
            return Some(k);
        }
        m &= m - 1;
    }
    None
}

/// `find_where` with 32-byte lanes, for long stretches; the class is a constant so that each
/// class gets its own loop.
///
/// # Safety
///
/// The CPU must have AVX2 (`is_x86_feature_detected!("avx2")`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn find_avx2<const C: u8>(
    b: &[u8],
    from: usize,
    accept: impl Fn(usize) -> bool,
) -> Option<usize> {
    let class = match C {
        SPACE_LEAD => Class::SpaceLead,
        _ => Class::Control,
    };
    let lanes = |at: usize| {
        debug_assert!(at + 32 <= b.len());
        // SAFETY: the 32 bytes from `at` lie inside `b` (the loop checks), the load has no
        // alignment requirement, and this function runs only where AVX2 is present.
        let v: __m256i = unsafe { _mm256_loadu_si256(b.as_ptr().add(at).cast()) };
        _mm256_movemask_epi8(class.lanes_avx2(v)) as u32 as u64
    };
    let mut i = from;
    while i + 64 <= b.len() {
        let m = lanes(i) | lanes(i + 32) << 32;
        if m != 0
            && let Some(k) = first_accepted(m, i, &accept)
        {
            return Some(k);
        }
        i += 64;
    }
    find_sse2(class, b, i, accept)
}

#[inline(always)]
fn find_sse2(class: Class, b: &[u8], from: usize, accept: impl Fn(usize) -> bool) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    {
        let load = |at: usize| {
            debug_assert!(at + 16 <= b.len());
            // SAFETY: the sixteen bytes from `at` lie inside `b` (every caller checks
            // `at + 16 <= b.len()`), and the load has no alignment requirement.
            unsafe { _mm_loadu_si128(b.as_ptr().add(at).cast()) }
        };
        // Two vectors per step: most text has nothing to find for hundreds of bytes.
        while i + 32 <= b.len() {
            let m = class.lanes(load(i)) | class.lanes(load(i + 16)) << 16;
            if m != 0
                && let Some(k) = first_accepted(u64::from(m), i, &accept)
            {
                return Some(k);
            }
            i += 32;
        }
        if i + 16 <= b.len() {
            let m = class.lanes(load(i));
            if m != 0
                && let Some(k) = first_accepted(u64::from(m), i, &accept)
            {
                return Some(k);
            }
            i += 16;
        }
        // The last few bytes: one more load that ends at the end, minus the lanes already read.
        if i < b.len() && b.len() >= 16 {
            let back = b.len() - 16;
            let m = class.lanes(load(back)) >> (i - back);
            return first_accepted(u64::from(m), i, &accept);
        }
    }
    (i..b.len()).find(|&k| class.has(b[k]) && accept(k))
}

/// Whether `s` holds a line break. Cells and replies run to tens of kilobytes, and core's
/// `contains('\n')` reads them a word at a time; memchr reads 32 bytes at a time.
#[inline]
pub(crate) fn has_newline(s: &str) -> bool {
    memchr::memchr(b'\n', s.as_bytes()).is_some()
}

/// The lines of `s` as `str::split('\n')` gives them, each with its byte offset in `s`.
pub(crate) fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut breaks = memchr::memchr_iter(b'\n', s.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let to = breaks.next();
        start = to.map(|nl| nl + 1);
        let to = to.unwrap_or(s.len());
        Some((from, &s[from..to]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector test and the byte test agree on every byte value, at every position.
    #[test]
    fn every_byte_at_every_position() {
        for class in [Class::SpaceLead, Class::Control] {
            for c in 0..=255u8 {
                for at in [0, 5, 15, 16, 31, 32, 40, 63] {
                    let mut b = vec![b'a'; 64];
                    b[at] = c;
                    let want = class.has(c).then_some(at);
                    assert_eq!(find(class, &b, 0), want, "{class:?} {c:#x} at {at}");
                    assert_eq!(find(class, &b, at), want, "{class:?} {c:#x} from {at}");
                    if at > 0 {
                        assert_eq!(find(class, &b, at + 1), None);
                    }
                }
            }
        }
        assert_eq!(find(Class::SpaceLead, b"", 0), None);
        assert_eq!(find(Class::SpaceLead, b"ab", 5), None);
    }

    /// Turned-down candidates are passed over wherever they fall: in a vector block, across
    /// blocks, in the last bytes.
    #[test]
    fn find_where_skips_what_accept_turns_down() {
        for len in [5usize, 17, 40, 70, 130, 300] {
            let b: Vec<u8> = (0..len)
                .map(|k| if k % 7 == 3 { b' ' } else { b'a' })
                .collect();
            let every_other = |k: usize| k % 14 == 10;
            let want = (0..len).find(|&k| b[k] == b' ' && every_other(k));
            assert_eq!(
                find_where(Class::SpaceLead, &b, 0, every_other),
                want,
                "{len}"
            );
            for from in [0, 1, 11, 64, 100] {
                let want = (from..len).find(|&k| b[k] == b' ' && every_other(k));
                assert_eq!(
                    find_where(Class::SpaceLead, &b, from, every_other),
                    want,
                    "{len} {from}"
                );
            }
        }
    }

    /// The vector skip never passes a hint, wherever in a block it sits.
    #[test]
    fn hints_are_found_at_every_position() {
        let mut seqs: Vec<Vec<u8>> = HINTS.iter().map(|h| h.to_vec()).collect();
        seqs.push(b"?".to_vec());
        for seq in &seqs {
            for at in 0..100 {
                // CJK filler full of the hints' lead bytes: 醒 (E9 86 92), ， (EF BC 8C), and 错
                // (E9 94 99) and ｟ (EF BD 9F), which the vector filter lets through for the
                // bytes to turn down.
                let mut b: Vec<u8> = "醒，错｟".repeat(30).into_bytes();
                b.truncate(120);
                b.splice(at..at + seq.len(), seq.iter().copied());
                let want = (0..b.len()).find(|&k| hint_at(&b, k));
                assert_eq!(find_hint::<false>(&b, 0), want, "{seq:?} at {at}");
                assert!(want.is_some_and(|w| w <= at));
            }
        }
        assert_eq!(
            find_hint::<false>("醒，错｟".repeat(40).as_bytes(), 0),
            None
        );
    }

    /// On random bytes, each scan finds what the plain byte-by-byte definition finds.
    #[test]
    fn scans_agree_with_the_plain_definitions() {
        use proptest::prelude::*;
        let byte = prop_oneof![
            any::<u8>(),
            Just(b'?'),
            Just(0xE9),
            Just(0xEF),
            Just(0xE3),
            Just(b' ')
        ];
        proptest!(|(b in proptest::collection::vec(byte, 0..300), from in 0usize..300)| {
            for class in [Class::SpaceLead, Class::Control] {
                let plain = (from..b.len()).find(|&k| class.has(b[k]) && k % 3 != 1);
                prop_assert_eq!(find_where(class, &b, from, |k| k % 3 != 1), plain);
            }
            let plain = |control: bool| {
                (from..b.len()).find(|&k| hint_at(&b, k) || (control && Class::Control.has(b[k])))
            };
            prop_assert_eq!(find_hint::<false>(&b, from), plain(false));
            prop_assert_eq!(find_hint::<true>(&b, from), plain(true));
        });
    }

    #[test]
    fn lines_split_as_str_split_does() {
        for s in ["", "a", "\n", "a\nb", "a\n\nb\n", "甲\n乙丙\n"] {
            let ours: Vec<(usize, &str)> = lines(s).collect();
            let theirs: Vec<&str> = s.split('\n').collect();
            assert_eq!(
                ours.iter().map(|l| l.1).collect::<Vec<_>>(),
                theirs,
                "{s:?}"
            );
            for (at, line) in ours {
                assert_eq!(&s[at..at + line.len()], line);
            }
            assert_eq!(has_newline(s), s.contains('\n'));
        }
    }

    #[test]
    fn classes_hold_what_they_say() {
        let all = |class: Class| (0..=255u8).filter(|&c| class.has(c)).collect::<Vec<u8>>();
        let mut space = (0..0x21).collect::<Vec<u8>>();
        space.extend([0xC2, 0xE0, 0xE1, 0xE2, 0xE3]);
        assert_eq!(all(Class::SpaceLead), space);
        let control: Vec<u8> = (0..0x20)
            .filter(|c| ![9, 10, 13, 12].contains(c))
            .chain([0x7f])
            .collect();
        assert_eq!(all(Class::Control), control);
    }
}
