//! The binary's global allocator (the library crate never chooses one; see `main.rs`).

/// mimalloc's plain entry points for the usual alignments, its aligned ones for the rest
/// (decision 0050). Every mimalloc block is at least 8-byte aligned (its size classes are
/// multiples of the word size, and a page's first block is 16-byte aligned), so a layout
/// that asks for 8 bytes or less needs nothing more. The `mimalloc` crate's allocator
/// calls `mi_malloc_aligned` for everything, and mimalloc 3 answers that for a size that
/// is not a power of two with an over-allocation whenever its free list for the size is
/// empty: a slower path, and a larger block.
pub(crate) struct MiMalloc;

/// The largest alignment every mimalloc block has.
const PLAIN_ALIGN: usize = 8;

// SAFETY: each method forwards to mimalloc, which returns null or a block of at least
// the size asked, aligned as asked: the plain functions only for alignments every block
// has, the aligned ones otherwise. Blocks from both are freed by `mi_free`.
#[allow(unsafe_code)]
unsafe impl std::alloc::GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        // SAFETY: as above.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        // SAFETY: as above.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
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
        // SAFETY: `ptr` came from this allocator; the new block keeps `layout`'s alignment.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::alloc::{Layout, alloc, alloc_zeroed, dealloc, realloc};

    /// Every size up to 300 bytes and some larger ones, at every alignment up to a page,
    /// as the global allocator of this test binary answers them: aligned as asked,
    /// zeroed where asked, and the contents kept by a reallocation that grows, then one
    /// that shrinks.
    #[test]
    #[allow(unsafe_code)]
    fn blocks_are_aligned_zeroed_and_kept_as_asked() {
        let sizes = (1..=300).chain([383, 384, 385, 1000, 4095, 4096, 4097, 20_000, 70_000, 300_000]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 128, 4096] {
                let layout = Layout::from_size_align(size, align).expect("valid layout");
                let aligned = |p: *mut u8| !p.is_null() && p as usize % align == 0;
                // SAFETY: every layout has a non-zero size; every block is written and
                // read within its size and freed once, with the layout it has then.
                unsafe {
                    let z = alloc_zeroed(layout);
                    assert!(aligned(z), "alloc_zeroed {size} / {align}");
                    assert!(
                        std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0),
                        "zeroed {size} / {align}"
                    );
                    dealloc(z, layout);

                    let p = alloc(layout);
                    assert!(aligned(p), "alloc {size} / {align}");
                    p.write_bytes(0xa5, size);
                    let grown = realloc(p, layout, size * 3);
                    assert!(aligned(grown), "grow {size} / {align}");
                    assert!(
                        std::slice::from_raw_parts(grown, size).iter().all(|&b| b == 0xa5),
                        "grown {size}"
                    );
                    let shrunk_size = size / 2 + 1;
                    let grown_layout = Layout::from_size_align(size * 3, align).expect("valid layout");
                    let shrunk = realloc(grown, grown_layout, shrunk_size);
                    assert!(aligned(shrunk), "shrink {size} / {align}");
                    assert!(
                        std::slice::from_raw_parts(shrunk, shrunk_size).iter().all(|&b| b == 0xa5),
                        "shrunk {size}"
                    );
                    dealloc(shrunk, Layout::from_size_align(shrunk_size, align).expect("valid layout"));
                }
            }
        }
    }
}
