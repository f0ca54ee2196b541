//! The binary's allocator: the system allocator for everything but large blocks, which are
//! mapped on their own, aligned to 2 MiB and marked for transparent huge pages.
//!
//! A large profile fills tens to hundreds of MB of fresh memory (decoded stacks, the interning
//! tables, the values). In 4 KiB pages that is tens of thousands of page faults, a fifth of the
//! CPU time on go/large; kernels that leave huge pages to `madvise` (a common default) back
//! these blocks with 2 MiB pages instead. A large block is its own mapping, so freeing it
//! returns it to the system at once, and growing it moves no bytes (`mremap`). Where the kernel
//! has no huge page at hand, or huge pages are off, the memory is what it would have been.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, with large blocks mapped on their own (Linux).
pub struct Alloc;

#[cfg(target_os = "linux")]
mod large {
    /// Blocks at least this large are mapped on their own.
    pub const LARGE: usize = 4 << 20;
    const HUGE: usize = 2 << 20;

    /// The length of the mapping that holds a block of `size` bytes.
    pub fn mapped(size: usize) -> usize {
        size.next_multiple_of(HUGE)
    }

    /// Whether a block of this layout is mapped on its own: large, and aligned to no more than
    /// a page (a mapping moved by `mremap` keeps only page alignment).
    pub fn is_large(size: usize, align: usize) -> bool {
        size >= LARGE && align <= 4096
    }

    /// A fresh zeroed mapping for `size` bytes, starting on a 2 MiB boundary; null on failure.
    pub fn map(size: usize) -> *mut u8 {
        let len = mapped(size);
        // SAFETY: an anonymous private mapping the kernel places; the parts outside the
        // aligned range are unmapped again and never used.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                len + HUGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            let at = p as usize;
            let start = at.next_multiple_of(HUGE);
            if start > at {
                libc::munmap(p, start - at);
            }
            let tail = at + len + HUGE - (start + len);
            if tail > 0 {
                libc::munmap((start + len) as *mut libc::c_void, tail);
            }
            advise(start as *mut u8, len);
            start as *mut u8
        }
    }

    /// Asks for huge pages on a mapping of ours (an error only means it gets none).
    pub fn advise(p: *mut u8, len: usize) {
        // SAFETY: advice on a range we mapped; it changes neither contents nor mapping.
        unsafe {
            libc::madvise(p as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
    }

    /// Unmaps a block mapped by `map` or `remap`.
    ///
    /// # Safety
    /// `p` must come from `map`/`remap` for a block of `size` bytes, and not be used again.
    pub unsafe fn unmap(p: *mut u8, size: usize) {
        // SAFETY: the caller's promise.
        unsafe {
            libc::munmap(p as *mut libc::c_void, mapped(size));
        }
    }

    /// Grows or shrinks a mapped block, moving its pages rather than its bytes.
    ///
    /// # Safety
    /// `p` must come from `map`/`remap` for a block of `old` bytes.
    pub unsafe fn remap(p: *mut u8, old: usize, new: usize) -> *mut u8 {
        // SAFETY: the caller's promise; the kernel moves the pages when it must.
        unsafe {
            let q = libc::mremap(
                p as *mut libc::c_void,
                mapped(old),
                mapped(new),
                libc::MREMAP_MAYMOVE,
            );
            if q == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            advise(q as *mut u8, mapped(new));
            q as *mut u8
        }
    }
}

// SAFETY: small blocks are the system allocator's; large ones are mappings of their own, of at
// least their size, aligned to a page at least (their alignment is at most a page), zeroed when
// fresh, and unmapped exactly once, when freed. A failed call returns null and leaves the old
// block as it was.
#[cfg(target_os = "linux")]
unsafe impl GlobalAlloc for Alloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if large::is_large(layout.size(), layout.align()) {
            return large::map(layout.size());
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if large::is_large(layout.size(), layout.align()) {
            return large::map(layout.size());
        }
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if large::is_large(layout.size(), layout.align()) {
            // SAFETY: a large block comes from `map` or `remap`.
            unsafe { large::unmap(p, layout.size()) }
        } else {
            // SAFETY: as for `alloc`.
            unsafe { System.dealloc(p, layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        let was = large::is_large(layout.size(), align);
        let will = large::is_large(new_size, align);
        // SAFETY: each branch frees `p` the way it was allocated, after copying what is kept
        // into a block allocated for `new_size`.
        unsafe {
            match (was, will) {
                (true, true) => large::remap(p, layout.size(), new_size),
                (false, false) => System.realloc(p, layout, new_size),
                (false, true) => {
                    let q = large::map(new_size);
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(p, q, layout.size());
                        System.dealloc(p, layout);
                    }
                    q
                }
                (true, false) => {
                    let q = System.alloc(Layout::from_size_align_unchecked(new_size, align));
                    if !q.is_null() {
                        std::ptr::copy_nonoverlapping(p, q, new_size);
                        large::unmap(p, layout.size());
                    }
                    q
                }
            }
        }
    }
}

// SAFETY: the system allocator, unchanged.
#[cfg(not(target_os = "linux"))]
unsafe impl GlobalAlloc for Alloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(p, layout) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe { System.realloc(p, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way a block moves between small and large keeps its bytes, and large fresh blocks
    /// are zeroed and aligned.
    #[test]
    fn blocks_keep_their_bytes_across_sizes() {
        let a = Alloc;
        let fill = |p: *mut u8, n: usize| {
            for i in (0..n).step_by(4093) {
                // SAFETY: `i < n`, inside the block.
                unsafe { *p.add(i) = (i % 251) as u8 };
            }
        };
        let check = |p: *const u8, n: usize| {
            for i in (0..n).step_by(4093) {
                // SAFETY: as in `fill`.
                assert_eq!(unsafe { *p.add(i) }, (i % 251) as u8, "byte {i}");
            }
        };
        let small = 1 << 20;
        let big = 5 << 20;
        let bigger = 23 << 20;
        // SAFETY: each block is used within its size and freed once with its layout.
        unsafe {
            let layout = Layout::from_size_align(big, 8).unwrap();
            let z = a.alloc_zeroed(layout);
            assert!(!z.is_null() && z as usize % 8 == 0);
            assert!((0..big).step_by(4096).all(|i| *z.add(i) == 0));
            a.dealloc(z, layout);

            let mut p = a.alloc(Layout::from_size_align(small, 16).unwrap());
            fill(p, small);
            // small → large → larger → large → small
            let steps = [(small, big), (big, bigger), (bigger, big), (big, small)];
            for (from, to) in steps {
                p = a.realloc(p, Layout::from_size_align(from, 16).unwrap(), to);
                assert!(!p.is_null() && p as usize % 16 == 0);
                check(p, from.min(to));
                fill(p, to);
            }
            a.dealloc(p, Layout::from_size_align(small, 16).unwrap());
        }
    }
}
