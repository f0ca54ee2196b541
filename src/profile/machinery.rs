//! What heapdiff knows about the code in a stack, in one place. Every frame is one of three
//! [`FrameKind`]s:
//!
//! - **machinery**: allocator and runtime internals, never a leak site (by name and by file);
//! - **library**: the runtime, the standard library or a dependency, judged from the frame's
//!   file (toolchain and registry paths, module caches, `node_modules/`, Julia's Base and
//!   packages, system libraries) or, where there is no file, its name;
//! - **application**: everything else, the code a person would fix.
//!
//! The rules are general: paths and name shapes, never a list of functions seen in a profile.
//! [`SiteRules`] compiles them with the user's `--skip`/`--keep` (machinery) and `--app`/`--lib`
//! (library) overrides; the site map (`analyse::sites`) reads them. pprof's allocator list that
//! legacy heap profiles drop from the leaf end is here too.

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
    // Not `runtime.rs:65 - ...`: pprof-rs prefixes Rust names with their file and line.
    ("Go runtime", r"^runtime\.([^r]|r[^s]|rs[^:]|rs$)"),
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
    (
        "Julia allocation profiler",
        r"^_?(maybe_record_alloc_to_profile|record_allocated_value)$",
    ),
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
    ("Julia's collector", r"julia[^/]*/src/gc[^/]*\.(c|h)$"),
];

/// Source files of the runtime, the standard library or a dependency.
pub const LIBRARY_FILES: &[(&str, &str)] = &[
    (
        "Rust toolchain",
        r"/rustc/[0-9a-f]+/library/|/lib/rustlib/src/rust/library/|^library/(std|core|alloc|proc_macro|test)/",
    ),
    (
        "Rust crates from a registry, a git checkout or a vendor directory",
        r"/registry/src/[^/]+/|/git/checkouts/|(^|/)vendor/[^/]+/src/",
    ),
    (
        "C code built by a -sys crate",
        r"/target/[^/]+/build/[^/]+/out/",
    ),
    (
        "Go module dependencies",
        r"/pkg/mod/|(^|/)[^/]+@v[0-9][^/]*/|(^|/)vendor/",
    ),
    (
        "Node internals and packages",
        r"^node:|^internal/|/node_modules/|^(events|timers|net|http|https|_http_[a-z_]+|_stream_[a-z_]+|stream|fs|buffer|util|zlib|tls|dns|child_process|cluster|crypto|domain|os|path|querystring|readline|string_decoder|url|vm)\.js$",
    ),
    (
        "Julia's Base, standard library and packages",
        r"/share/julia/(base|stdlib)/|^@(Base|Core|Compiler)/|/\.julia/(packages|compiled|juliaup|artifacts)/|julia[^/]*/(src|cli)/[^/]+\.(c|h|cpp)$|(^|/)sys\.so$|/lib/julia/",
    ),
    (
        "Python's standard library and packages",
        r"/lib/python[0-9.]+/|/site-packages/|/dist-packages/",
    ),
    (
        "C and C++ system libraries",
        r"^\./(csu|nptl|libio|malloc|string|stdlib|elf|misc|posix|io|signal|setjmp|dlfcn|login)/|^\.\./sysdeps/|/sysdeps/|^/usr/(include|lib|lib64|src/debug)/|^/lib(64)?/|/glibc[-/]|^/usr/local/include/",
    ),
];

/// Frame names of the runtime, the standard library or a dependency, for frames whose file
/// does not say (symbol-table names, frames without debug information).
pub const LIBRARY_NAMES: &[(&str, &str)] = &[
    ("Rust standard library", r"^<?(std|core|alloc|proc_macro)::"),
    (
        "Java and JVM languages",
        r"^(java|javax|jdk|sun|com[./]sun|kotlin|scala)[./]",
    ),
    (
        "C runtime start-up",
        r"^(_start|__libc_start_main(_impl|_alias_2)?|__libc_start_call_main|start_thread|clone3?|__clone3?)$",
    ),
    (
        "system libraries, unsymbolized",
        r"^\[(lib[^\]]*\.so[^\]]*|ld-[^\]]*|linux-vdso[^\]]*|[^\]]*\.dylib)\]",
    ),
];

/// What a frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// Allocator or runtime internals: never a leak site.
    Machinery,
    /// The runtime, the standard library or a dependency: a leak site only when a stack has no
    /// application frame.
    Library,
    /// The application: the code a person would fix.
    Application,
}

/// The first elements of Go's standard library package paths. A module may be named without a
/// dot (`module myservice`), so "no dot" alone would make an application's own packages library
/// code; a standard package also starts with one of these.
const GO_STD_ROOTS: &[&str] = &[
    "archive",
    "arena",
    "bufio",
    "bytes",
    "cmp",
    "compress",
    "container",
    "context",
    "crypto",
    "database",
    "debug",
    "embed",
    "encoding",
    "errors",
    "expvar",
    "flag",
    "fmt",
    "go",
    "hash",
    "html",
    "image",
    "index",
    "internal",
    "io",
    "iter",
    "log",
    "maps",
    "math",
    "mime",
    "net",
    "os",
    "path",
    "plugin",
    "reflect",
    "regexp",
    "runtime",
    "slices",
    "sort",
    "strconv",
    "strings",
    "structs",
    "sync",
    "syscall",
    "testing",
    "text",
    "time",
    "unicode",
    "unique",
    "unsafe",
    "vendor",
    "weak",
];

/// Whether a Go function, by its name, belongs to Go's standard library: its package path's
/// first element has no dot and is one of the standard library's roots (`net/http`, `fmt`,
/// `runtime/pprof`), and it is not `main`.
pub fn is_go_std(name: &str) -> bool {
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    let Some(dot) = name[after_slash..].find('.') else {
        return false;
    };
    let package = &name[..after_slash + dot];
    let first = package.split('/').next().unwrap_or(package);
    !first.contains('.')
        && package != "main"
        && !package.contains(' ')
        && GO_STD_ROOTS.contains(&first)
}

/// The name without pprof-rs's `file.rs:line - ` prefix.
fn bare_name(name: &str) -> &str {
    match name.split_once(" - ") {
        Some((head, rest)) if head.contains(':') && !head.contains(' ') => rest,
        _ => name,
    }
}

/// Which frames are machinery: the built-in lists plus `--skip`, minus `--keep`.
#[derive(Clone, Debug)]
pub struct SiteRules {
    skip: Vec<Regex>,
    skip_files: Vec<Regex>,
    keep: Vec<Regex>,
    lib_files: Vec<Regex>,
    lib_names: Vec<Regex>,
    app: Vec<Regex>,
    lib: Vec<Regex>,
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
        let builtin = |list: &[(&str, &str)]| -> Result<Vec<Regex>, Error> {
            list.iter().map(|(_, e)| compile(e, "built-in")).collect()
        };
        Ok(SiteRules {
            skip: s,
            skip_files: f,
            keep: k,
            lib_files: builtin(LIBRARY_FILES)?,
            lib_names: builtin(LIBRARY_NAMES)?,
            app: Vec::new(),
            lib: Vec::new(),
        })
    }

    /// Adds the user's `--app` and `--lib` expressions, matched against a frame's name and its
    /// file: `--app` makes a frame application code, `--lib` library code (`--app` wins).
    pub fn with_overrides(mut self, app: &[String], lib: &[String]) -> Result<Self, Error> {
        let compile =
            |e: &String, flag: &str| Regex::new(e).map_err(|err| Error::rule(flag, e, &err));
        self.app = app
            .iter()
            .map(|e| compile(e, "--app"))
            .collect::<Result<_, _>>()?;
        self.lib = lib
            .iter()
            .map(|e| compile(e, "--lib"))
            .collect::<Result<_, _>>()?;
        Ok(self)
    }

    /// What a frame named `name` in `file` ("" when unknown) is. With `no_file_is_library`
    /// (V8 profiles, where only builtins have no script), a named frame without a file is
    /// library code.
    pub fn kind(&self, name: &str, file: &str, no_file_is_library: bool) -> FrameKind {
        if self.is_machinery(name, file) {
            return FrameKind::Machinery;
        }
        let hit = |rs: &[Regex]| rs.iter().any(|r| r.is_match(name) || r.is_match(file));
        if hit(&self.app) {
            return FrameKind::Application;
        }
        if hit(&self.lib) {
            return FrameKind::Library;
        }
        let bare = bare_name(name);
        let library = if !file.is_empty() {
            self.lib_files.iter().any(|r| r.is_match(file))
                || (file.ends_with(".go") && is_go_std(bare))
                || self.lib_names.iter().any(|r| r.is_match(bare))
        } else {
            no_file_is_library && !name.starts_with('[') && !name.starts_with("0x")
                || self.lib_names.iter().any(|r| r.is_match(bare))
        };
        if library {
            FrameKind::Library
        } else {
            FrameKind::Application
        }
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

    #[test]
    fn frame_kinds_from_files_and_names() {
        use FrameKind::*;
        let r = SiteRules::default();
        let cases: &[(&str, &str, bool, FrameKind)] = &[
            // Rust: toolchain, registry, git checkouts, vendored crates, -sys build outputs.
            (
                "std::rt::lang_start",
                "/rustc/59807616e1fa/library/std/src/rt.rs",
                false,
                Library,
            ),
            (
                "tokio::sync::mpsc::block::Block<T>::new",
                "/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.40.0/src/sync/mpsc/block.rs",
                false,
                Library,
            ),
            (
                "Cell<F,S>::new",
                "/usr/local/cargo/registry/src/index.crates.io-1/tokio-1.4/src/runtime/task/core.rs",
                false,
                Library,
            ),
            (
                "h2::proto::streams::store::Store::insert",
                "/home/u/.cargo/git/checkouts/h2-abc/1234/src/proto/streams/store.rs",
                false,
                Library,
            ),
            (
                "serde_json::de::from_str",
                "/build/app/vendor/serde_json/src/de.rs",
                false,
                Library,
            ),
            ("retain", "/src/app/src/main.rs", false, Application),
            ("myapp::handler", "", false, Application),
            ("std::io::stdio::_print", "", false, Library),
            (
                "runtime.rs:65 - tokio::runtime::Runtime::block_on",
                "",
                false,
                Application,
            ),
            // Go: standard library by package path, dependencies by module cache path.
            (
                "net/http.(*conn).serve",
                "/usr/lib/go-1.22/src/net/http/server.go",
                false,
                Library,
            ),
            (
                "encoding/json.Unmarshal",
                "encoding/json/decode.go",
                false,
                Library,
            ),
            (
                "main.(*hub).subscribe",
                "/src/app/main.go",
                false,
                Application,
            ),
            (
                "github.com/me/app/store.(*DB).Put",
                "/home/me/app/store/db.go",
                false,
                Application,
            ),
            (
                "golang.org/x/net/http2.(*serverConn).newStream",
                "/root/go/pkg/mod/golang.org/x/net@v0.20.0/http2/server.go",
                false,
                Library,
            ),
            (
                "github.com/lib/pq.(*conn).recv",
                "github.com/lib/pq@v1.10.9/conn.go",
                false,
                Library,
            ),
            // Node: internals, packages, builtins without a script in V8 profiles.
            ("setInterval", "node:timers", false, Library),
            ("emitInit", "internal/async_hooks.js", false, Library),
            (
                "handle",
                "/srv/app/node_modules/express/lib/router/layer.js",
                false,
                Library,
            ),
            ("registerListener", "/srv/app/server.js", false, Application),
            ("push", "", true, Library),
            ("push", "", false, Application),
            // Julia: Base, stdlib, packages, the runtime's C code.
            (
                "collect",
                "/opt/julia-1.10/share/julia/base/array.jl",
                false,
                Library,
            ),
            (
                "vcat",
                "/usr/share/julia/stdlib/v1.10/SparseArrays/src/sparsevector.jl",
                false,
                Library,
            ),
            (
                "union",
                "/home/u/.julia/packages/GeometryBasics/abc/src/primitives.jl",
                false,
                Library,
            ),
            (
                "scan_token!",
                "/home/u/JuLox/src/scanner.jl",
                false,
                Application,
            ),
            // C and C++ system libraries, Java, Python.
            (
                "__libc_start_call_main",
                "./csu/../sysdeps/nptl/libc_start_call_main.h",
                false,
                Library,
            ),
            ("[libc.so.6] 0x29d90", "", false, Library),
            ("[myservice] 0x1234", "", false, Application),
            ("java/io/DataInputStream.<init>", "", false, Library),
            ("org/apache/kafka/Foo.bar", "", false, Application),
            (
                "loads",
                "/usr/lib/python3.11/json/__init__.py",
                false,
                Library,
            ),
            // Machinery stays machinery.
            (
                "runtime.mallocgc",
                "/usr/lib/go/src/runtime/malloc.go",
                false,
                Machinery,
            ),
            (
                "maybe_record_alloc_to_profile",
                "/build/julia/src/gc-alloc-profiler.h",
                false,
                Machinery,
            ),
        ];
        for (name, file, v8, want) in cases {
            assert_eq!(r.kind(name, file, *v8), *want, "{name} in {file:?}");
        }
        // The user's overrides win: --app over --lib over the built-in rules.
        let o = SiteRules::default()
            .with_overrides(&["^tokio::sync".into()], &["^myapp::pool".into()])
            .unwrap();
        assert_eq!(
            o.kind(
                "tokio::sync::mpsc::chan::Tx<T,S>::send",
                "/x/.cargo/registry/src/i/tokio-1/src/sync/mpsc/chan.rs",
                false
            ),
            Application
        );
        assert_eq!(o.kind("myapp::pool::grow", "/src/pool.rs", false), Library);
        assert!(
            SiteRules::default()
                .with_overrides(&["(".into()], &[])
                .is_err()
        );
    }

    #[test]
    fn go_standard_library_by_package_path() {
        assert!(is_go_std("fmt.Sprintf"));
        assert!(is_go_std("net/http.(*conn).serve"));
        assert!(is_go_std("runtime/pprof.lockProfiles"));
        assert!(!is_go_std("main.main"));
        assert!(!is_go_std("github.com/me/app.Run"));
        assert!(!is_go_std("gopkg.in/yaml.v3.(*parser).parse"));
        // A module named without a dot is the application's own.
        assert!(!is_go_std("myservice/store.(*DB).Put"));
        assert!(!is_go_std("server.handle"));
    }

    #[test]
    fn rule_errors_are_one_line() {
        let e = SiteRules::new(&["(".into()], &[]).unwrap_err().to_string();
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(e.starts_with("--skip \"(\""), "{e}");
    }
}
