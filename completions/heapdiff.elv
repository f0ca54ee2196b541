
use builtin;
use str;

set edit:completion:arg-completer[heapdiff] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'heapdiff'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'heapdiff'= {
            cand --color 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand diff 'Compare a base heap profile with later ones: rank the sites that leak, and gate CI on growth'
            cand flamegraph 'Draw a flamegraph SVG of new retention (or of the whole difference) between snapshots'
            cand show 'Show what is in one profile: producer, sample types, period, time, totals, symbolization and the top allocation sites'
        }
        &'heapdiff;diff'= {
            cand -i 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type'
            cand --sample-index 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type'
            cand --names 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)'
            cand --max-input-size 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)'
            cand --timeout 'How long a URL may take to answer and send its profile (500ms, 30s, 2m)'
            cand --binary 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable'
            cand --symbols-dir 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable'
            cand --focus 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)'
            cand --ignore 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)'
            cand --hide 'Remove frames that match REGEX from every stack (pprof''s -hide)'
            cand --show 'Keep only frames that match REGEX in every stack (pprof''s -show)'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)'
            cand --output 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)'
            cand --top 'Rows the table and Markdown show (JSON, CSV and pprof always hold every change); 0 prints a one-line summary'
            cand --paths 'Call paths the table and Markdown show under each leak or growing site, largest first, as `← caller ← caller` with runs of library frames folded (JSON holds every path)'
            cand --peek 'After the table, for each function matching REGEX, its flat and cum change and the change through each caller and callee (pprof''s -peek; table and Markdown)'
            cand --list 'After the table, for each function matching REGEX, the change per source line with the source text when the file is found (pprof''s -list; table and Markdown)'
            cand --source-dir 'Where to look for source files for --list, by the longest tail of the recorded path found there (repeatable; the recorded path itself is tried first)'
            cand --by 'What one ranked row stands for: the leak site (the first application frame from the leaf), the leaf function (pprof''s flat), or the whole stack'
            cand --skip 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)'
            cand --keep 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)'
            cand --app 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)'
            cand --lib 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)'
            cand --work 'Work done at each snapshot, in argument order (e.g. requests served: 3000,6000,9000); slopes are then given per unit of work'
            cand --work-step 'Work done between consecutive snapshots (the same every time)'
            cand --work-unit 'Name of a unit of work, for output ("≈330 B per request"; default: unit). Needs --work or --work-step'
            cand --fail-on-growth 'Exit 1 when the total grew by more than SIZE (10MiB, 512KB, 4096; a plain number for object counts)'
            cand --fail-on-site-growth 'Exit 1 when any ranked site grew by more than SIZE'
            cand --color 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --lines 'Tell frames apart by line number too (by default a function is one frame)'
            cand --keep-order 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
            cand --gc 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
            cand --no-symbolize 'Do not symbolize: keep addresses as they are'
            cand --fail-on-leaks 'Exit 1 when any site is classed `leak`. Needs three or more snapshots: with two, a leak cannot be told from a plateau, and heapdiff refuses the gate rather than pass silently'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'heapdiff;flamegraph'= {
            cand -i 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type'
            cand --sample-index 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type'
            cand --names 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)'
            cand --max-input-size 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)'
            cand --timeout 'How long a URL may take to answer and send its profile (500ms, 30s, 2m)'
            cand --binary 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable'
            cand --symbols-dir 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable'
            cand --focus 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)'
            cand --ignore 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)'
            cand --hide 'Remove frames that match REGEX from every stack (pprof''s -hide)'
            cand --show 'Keep only frames that match REGEX in every stack (pprof''s -show)'
            cand -o 'Write the SVG to FILE (replaced atomically; `-` or absent: standard output)'
            cand --output 'Write the SVG to FILE (replaced atomically; `-` or absent: standard output)'
            cand --mode 'What to draw'
            cand --title 'Title (default: what the picture shows and the sample type)'
            cand --subtitle 'Subtitle (default: the files, both totals and the growth)'
            cand --min-width 'Omit frames narrower than this many pixels (must be above 0)'
            cand --width 'Image width in pixels (default 1200)'
            cand --font-size 'Font size in points (default 12)'
            cand --colors 'Colours of the base and new pictures (retention is coloured by growth, differential by sign)'
            cand --skip 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)'
            cand --keep 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)'
            cand --app 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)'
            cand --lib 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)'
            cand --color 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --lines 'Tell frames apart by line number too (by default a function is one frame)'
            cand --keep-order 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
            cand --gc 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
            cand --no-symbolize 'Do not symbolize: keep addresses as they are'
            cand --inverted 'Draw an icicle graph (roots at the top)'
            cand --trim-allocators 'Trim allocator and runtime frames from the leaf end of every stack (default in retention mode)'
            cand --no-trim-allocators 'Keep allocator frames (default in the other modes)'
            cand --all-growth 'In retention mode with three or more profiles, draw every stack that grew (by default only stacks whose leak site is still growing, classed leak or growing, are drawn, so a cache that filled early does not hide the leak)'
            cand --keep-library-frames 'Keep every library and runtime frame (by default a run of them above the leaf folds into one frame labelled like `[tokio ×38]`)'
            cand --keep-recursion 'Keep each level of a direct recursion (by default a function calling itself is one frame, so every depth adds to one tower)'
            cand --reverse 'Draw stacks leaf first, so callers stack on the function they call (with --inverted, an icicle of callers)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'heapdiff;show'= {
            cand -i 'Sample type for the top sites (default: inuse_space when present, else the profile''s default, else the last)'
            cand --sample-index 'Sample type for the top sites (default: inuse_space when present, else the profile''s default, else the last)'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)'
            cand --output 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)'
            cand --max-input-size 'Refuse an input that decompresses to more than SIZE'
            cand --timeout 'How long a URL may take to answer and send its profile (500ms, 30s, 2m)'
            cand --top 'How many top sites to list (0: none)'
            cand --skip 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)'
            cand --keep 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)'
            cand --app 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)'
            cand --lib 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)'
            cand --binary 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable'
            cand --symbols-dir 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable'
            cand --focus 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)'
            cand --ignore 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)'
            cand --hide 'Remove frames that match REGEX from every stack (pprof''s -hide)'
            cand --show 'Keep only frames that match REGEX in every stack (pprof''s -show)'
            cand --color 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never'
            cand --gc 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
            cand --no-symbolize 'Do not symbolize: keep addresses as they are'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
    ]
    $completions[$command]
}
