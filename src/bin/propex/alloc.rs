//! The binary's global allocator: mimalloc (the library never chooses one).

/// mimalloc, entered by its plain calls where the layout allows, as std's `System` allocator
/// does with malloc: the mimalloc crate sends every allocation through the aligned entry
/// points, whose extra dispatch was about 1% of a conversion's instructions (hundreds of small
/// strings a record).
/// mimalloc's blocks of at least 16 bytes are 16-byte aligned, smaller ones aligned to their size
/// class, so an alignment no larger than 16 and no larger than the size needs nothing more.
pub struct Mimalloc;

const PLAIN_ALIGN: usize = 16;

// SAFETY: every call goes to mimalloc, which meets `GlobalAlloc`'s contract; a layout whose
// alignment the plain calls may not meet goes to the aligned ones.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        // SAFETY: forwarded with the caller's guarantees (a non-zero size).
        unsafe {
            if plain(layout) {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        // SAFETY: as in `alloc`.
        unsafe {
            if plain(layout) {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        // SAFETY: `ptr` came from this allocator with `layout`; the new size is non-zero.
        unsafe {
            if layout.align() <= PLAIN_ALIGN && layout.align() <= new_size {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

fn plain(layout: std::alloc::Layout) -> bool {
    layout.align() <= PLAIN_ALIGN && layout.align() <= layout.size()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Every alignment is met, by the plain calls and the aligned ones, and the bytes survive
    /// a reallocation that shrinks or grows the block.
    #[test]
    fn alignments_are_met_and_contents_kept() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=70).chain([100, 1000, 5000, 70_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; each pointer is checked, used within its size, and
                // freed once with the layout it last had.
                unsafe {
                    let zeroed = a.alloc_zeroed(layout);
                    assert!(!zeroed.is_null() && (zeroed as usize).is_multiple_of(align));
                    assert!(
                        std::slice::from_raw_parts(zeroed, size)
                            .iter()
                            .all(|&b| b == 0)
                    );
                    a.dealloc(zeroed, layout);

                    for new_size in [size / 2 + 1, size * 3] {
                        let p = a.alloc(layout);
                        assert!(
                            !p.is_null() && (p as usize).is_multiple_of(align),
                            "{size} {align}"
                        );
                        for k in 0..size {
                            *p.add(k) = k as u8;
                        }
                        let q = a.realloc(p, layout, new_size);
                        assert!(
                            !q.is_null() && (q as usize).is_multiple_of(align),
                            "{size}→{new_size}"
                        );
                        assert!((0..size.min(new_size)).all(|k| *q.add(k) == k as u8));
                        a.dealloc(q, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
            }
        }
    }
}
