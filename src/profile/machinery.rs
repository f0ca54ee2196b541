//! What heapdiff knows about allocator and runtime machinery, in one place: the frames that
//! are never a leak site (by name and by source file), and pprof's allocator list that legacy
//! heap profiles drop from the leaf end. [`SiteRules`] compiles the lists with the user's
//! `--skip`/`--keep` additions; the site map (`analyse::sites`) and pprof's pruning use them.

use regex::Regex;

use crate::error::Error;

/// pprof's list of allocator frames that legacy heap profiles drop from the leaf end.
pub const ALLOC_DROP_FRAMES: &str = concat!(
    "calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|",
    "tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|",
    "tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|",
    "tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|",
    "malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|",
    "(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|",
    "MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|",
    "__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|",
    "cpp_alloc|operator new(\\[\\])?|simple_alloc::allocate"
);
/// Frames matching [`ALLOC_DROP_FRAMES`] that are kept all the same.
pub const ALLOC_KEEP_FRAMES: &str = "runtime\\.panic";

/// Frames that are allocator or runtime machinery, per runtime: never a leak site.
pub const MACHINERY: &[(&str, &str)] = &[
    ("Go runtime", r"^runtime\."),
    (
        "Go runtime",
        r"^reflect\.(unsafe_New|unsafe_NewArray|New|MakeSlice|MakeMap|MakeMapWithSize|Append|AppendSlice|growslice)$",
    ),
    (
        "Go standard library growth helpers",
        r"^(bytes\.growSlice|bytes\.\(\*Buffer\)\.(grow|Grow|Write|WriteString|WriteByte|WriteRune|ReadFrom)|strings\.\(\*Builder\)\.(grow|Grow|Write|WriteString|WriteByte|WriteRune))$",
    ),
    (
        "C allocator",
        r"^(malloc|calloc|realloc|reallocarray|free|cfree|memalign|aligned_alloc|posix_memalign|valloc|pvalloc|strdup|strndup|__libc_(malloc|calloc|realloc|memalign)|__GI___libc_(malloc|calloc|realloc)|_int_malloc|_int_realloc|malloc_default|calloc_default)$",
    ),
    (
        "C++ allocator",
        r"^(operator new|operator new\[\]|__gnu_cxx::new_allocator|std::allocator|std::__new_allocator|std::__1::allocator|std::allocator_traits|std::__allocated_ptr|std::_Vector_base|__builtin_operator_new|tc_new|tc_newarray|tc_malloc)",
    ),
    (
        "C++ allocator",
        r"::_M_(allocate|create|construct|realloc_insert|realloc_append|default_append)",
    ),
    ("tcmalloc", r"^(tcmalloc::|tc_)"),
    (
        "jemalloc",
        r"^(_rjem_)?(je_|prof_|imalloc|ialloc|iralloc|irealloc|irallocx|do_rallocx|rallocx|mallocx|xallocx|sdallocx|arena_|tcache_|emap_|extent_|ecache_|pac_|hpa_|large_|batch_alloc)",
    ),
    ("jemalloc", r"^_rjem_"),
    ("mimalloc", r"^(mi_|_mi_)"),
    ("Rust allocation", r"^<?(alloc|core)::"),
    (
        "Rust allocation",
        r"^(__rustc::)?__(rust|rg|rdl|rde)_(alloc|alloc_zeroed|realloc|dealloc|alloc_error_handler)",
    ),
    (
        "Rust allocation",
        r"^<?(hashbrown|std::collections|std::alloc|tikv_jemallocator|jemallocator|mimalloc)::",
    ),
    (
        "Rust allocation",
        r"^<(std::collections|alloc|core|hashbrown)::[^>]*as ",
    ),
    (
        "Rust allocation",
        r"^<[^>]* as (alloc|core)::(alloc|vec|string|boxed|slice|clone|iter|str|borrow|convert|fmt|collections|raw_vec)::",
    ),
    (
        "V8",
        r"^(v8::|node::|Builtins_|Builtin:|\(V8 API\)|\(garbage collector\)|\(program\))",
    ),
    (
        "Julia runtime",
        r"^i?jl_(gc_|alloc|array_|box_|new_|ptr_to_array|new_array|genericmemory)|^_new_array|^_new_genericmemory|^array_resize_buffer",
    ),
    ("Julia PProf.jl type frames", r"^Alloc: "),
];

/// Source files that are allocator or runtime machinery whatever the frame is called: with
/// line-tables-only debug info, inlined Rust frames carry short names (`alloc_zeroed`) but
/// still their file.
pub const MACHINERY_FILES: &[(&str, &str)] = &[
    (
        "Rust standard library",
        r"/rustc/[0-9a-f]+/library/(alloc|core)/",
    ),
    (
        "Rust standard library collections",
        r"/rustc/[0-9a-f]+/library/std/src/collections/",
    ),
    (
        "Rust allocator crates",
        r"/(hashbrown|tikv-jemallocator|tikv-jemalloc-sys|jemallocator|jemalloc-sys|mimalloc|libmimalloc-sys)-[0-9][^/]*/",
    ),
    (
        "jemalloc sources",
        r"/jemalloc/(src|include/jemalloc/internal)/|/out/build/(src|include/jemalloc/internal)/",
    ),
];

/// Which frames are machinery: the built-in lists plus `--skip`, minus `--keep`.
#[derive(Clone, Debug)]
pub struct SiteRules {
    skip: Vec<Regex>,
    skip_files: Vec<Regex>,
    keep: Vec<Regex>,
}

impl SiteRules {
    /// The built-in rules plus the user's `--skip` and `--keep` expressions. An error names
    /// the flag and the expression that does not compile.
    pub fn new(skip: &[String], keep: &[String]) -> Result<Self, Error> {
        let compile = |e: &str, flag: &str| Regex::new(e).map_err(|err| Error::rule(flag, e, &err));
        let mut s = Vec::new();
        for (_, e) in MACHINERY {
            s.push(compile(e, "built-in")?);
        }
        for e in skip {
            s.push(compile(e, "--skip")?);
        }
        let k = keep
            .iter()
            .map(|e| compile(e, "--keep"))
            .collect::<Result<_, _>>()?;
        let f = MACHINERY_FILES
            .iter()
            .map(|(_, e)| compile(e, "built-in"))
            .collect::<Result<_, _>>()?;
        Ok(SiteRules {
            skip: s,
            skip_files: f,
            keep: k,
        })
    }

    /// True when a frame named `name` (in source file `file`, "" when unknown) is allocator or
    /// runtime machinery. `--keep` wins over both built-in lists.
    pub fn is_machinery(&self, name: &str, file: &str) -> bool {
        let listed = self.skip.iter().any(|r| r.is_match(name))
            || (!file.is_empty() && self.skip_files.iter().any(|r| r.is_match(file)));
        listed && !self.keep.iter().any(|r| r.is_match(name))
    }
}

impl Default for SiteRules {
    fn default() -> Self {
        SiteRules::new(&[], &[]).expect("built-in rules compile")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machinery_rules() {
        let r = SiteRules::default();
        for m in [
            "runtime.mallocgc",
            "prof_backtrace_impl",
            "_rjem_je_prof_backtrace",
            "_rjem_je_malloc_default",
            "do_rallocx",
            "calloc",
            "__rust_alloc",
            "alloc::raw_vec::RawVec<T,A>::grow_one",
            "<alloc::vec::Vec<T> as core::clone::Clone>::clone",
            "hashbrown::raw::RawTable<T,A>::reserve_rehash",
            "operator new(unsigned long)",
            "std::vector<int, std::allocator<int> >::_M_realloc_insert",
            "__rustc::__rust_alloc_zeroed",
            "<u8 as alloc::vec::spec_from_elem::SpecFromElem>::from_elem",
        ] {
            assert!(r.is_machinery(m, ""), "{m}");
        }
        for user in [
            "main.(*serverConn).newStream",
            "jemalloc_leak::retain_session_state",
            "retainSessionState",
            "std::io::stdio::_print",
        ] {
            assert!(!r.is_machinery(user, "/src/app/main.rs"), "{user}");
        }
        let k = SiteRules::new(
            &["^main\\.helper$".into()],
            &["^runtime\\.mallocgc$".into()],
        )
        .unwrap();
        assert!(k.is_machinery("main.helper", ""));
        assert!(!k.is_machinery("runtime.mallocgc", ""));
        // Short inlined names from line-tables-only debug info are known by their file.
        assert!(r.is_machinery(
            "alloc_zeroed",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs"
        ));
        assert!(!r.is_machinery("remember_request", "/src/gen/src/main.rs"));
        assert!(SiteRules::new(&["(".into()], &[]).is_err());
    }
}
