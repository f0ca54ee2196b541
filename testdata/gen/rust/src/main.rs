//! Writes raw jemalloc heap dumps (`prof.dump`, the heap_v2 format) of a small program that
//! leaks: `remember_request` keeps a 200-byte record per request forever, `render_page` makes
//! garbage. After every 5,000 requests it dumps the heap to OUT_DIR/heap_NNN.jeheap.
//!
//! Sampling: one sample per 1 KiB allocated on average (lg_prof_sample:10, set by the exported
//! `malloc_conf` symbol). Usage: heapdiff-jeheap-gen OUT_DIR

use std::ffi::CString;
use std::sync::Mutex;

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"prof:true,prof_active:true,lg_prof_sample:10\0";

static KEPT: Mutex<Vec<Box<[u8]>>> = Mutex::new(Vec::new());

#[inline(never)]
fn remember_request(id: u64) {
    let mut rec = vec![0u8; 200].into_boxed_slice();
    rec[0] = id as u8;
    KEPT.lock().unwrap().push(std::hint::black_box(rec));
}

#[inline(never)]
fn render_page(id: u64) -> usize {
    let page = std::hint::black_box(vec![id as u8; 2048]);
    page.len()
}

fn dump(path: &str) {
    let c = CString::new(path).unwrap();
    // SAFETY: prof.dump takes a NUL-terminated file name.
    unsafe {
        tikv_jemalloc_ctl::raw::write(b"prof.dump\0", c.as_ptr()).expect("prof.dump");
    }
}

fn main() {
    let out = std::env::args().nth(1).expect("usage: heapdiff-jeheap-gen OUT_DIR");
    std::fs::create_dir_all(&out).unwrap();
    let mut id = 0u64;
    let mut sink = 0usize;
    for n in 1..=4 {
        for _ in 0..5_000 {
            id += 1;
            remember_request(id);
            sink += render_page(id);
        }
        dump(&format!("{out}/heap_{n:03}.jeheap"));
    }
    eprintln!("{sink}");
}
