
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'heapdiff' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'heapdiff'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'heapdiff' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare a base heap profile with later ones: rank the sites that leak, and gate CI on growth')
            [CompletionResult]::new('flamegraph', 'flamegraph', [CompletionResultType]::ParameterValue, 'Draw a flamegraph SVG of new retention (or of the whole difference) between snapshots')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show what is in one profile: producer, sample types, period, time, totals, symbolization and the top allocation sites')
            [CompletionResult]::new('capture', 'capture', [CompletionResultType]::ParameterValue, 'Take COUNT snapshots of a live service''s heap profile, one every DURATION, into DIR')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Watch a live service''s heap: take a snapshot every DURATION and show the ranking after each (redrawn in place on a terminal, appended when piped)')
            break
        }
        'heapdiff;diff' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type')
            [CompletionResult]::new('--sample-index', '--sample-index', [CompletionResultType]::ParameterName, 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in FILE (PEM) instead of the system''s, for https servers with a private CA')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable')
            [CompletionResult]::new('--symbols-dir', '--symbols-dir', [CompletionResultType]::ParameterName, 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable')
            [CompletionResult]::new('--focus', '--focus', [CompletionResultType]::ParameterName, 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)')
            [CompletionResult]::new('--hide', '--hide', [CompletionResultType]::ParameterName, 'Remove frames that match REGEX from every stack (pprof''s -hide)')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Keep only frames that match REGEX in every stack (pprof''s -show)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Rows the table and Markdown show (JSON, CSV and pprof always hold every change); 0 prints a one-line summary')
            [CompletionResult]::new('--paths', '--paths', [CompletionResultType]::ParameterName, 'Call paths the table and Markdown show under each leak or growing site, largest first, as `← caller ← caller` with runs of library frames folded (JSON holds every path)')
            [CompletionResult]::new('--peek', '--peek', [CompletionResultType]::ParameterName, 'After the table, for each function matching REGEX, its flat and cum change and the change through each caller and callee (pprof''s -peek; table and Markdown)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'After the table, for each function matching REGEX, the change per source line with the source text when the file is found (pprof''s -list; table and Markdown)')
            [CompletionResult]::new('--source-dir', '--source-dir', [CompletionResultType]::ParameterName, 'Where to look for source files for --list, by the longest tail of the recorded path found there (repeatable; the recorded path itself is tried first)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'What one ranked row stands for: the leak site (the first application frame from the leaf), the leaf function (pprof''s flat), or the whole stack')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)')
            [CompletionResult]::new('--lib', '--lib', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)')
            [CompletionResult]::new('--work', '--work', [CompletionResultType]::ParameterName, 'Work done at each snapshot, in argument order (e.g. requests served: 3000,6000,9000); slopes are then given per unit of work')
            [CompletionResult]::new('--work-step', '--work-step', [CompletionResultType]::ParameterName, 'Work done between consecutive snapshots (the same every time)')
            [CompletionResult]::new('--work-unit', '--work-unit', [CompletionResultType]::ParameterName, 'Name of a unit of work, for output ("≈330 B per request"; default: unit). Needs --work or --work-step')
            [CompletionResult]::new('--fail-on-growth', '--fail-on-growth', [CompletionResultType]::ParameterName, 'Exit 1 when the total grew by more than SIZE (10MiB, 512KB, 4096; a plain number for object counts)')
            [CompletionResult]::new('--fail-on-site-growth', '--fail-on-site-growth', [CompletionResultType]::ParameterName, 'Exit 1 when any ranked site grew by more than SIZE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Tell frames apart by line number too (by default a function is one frame)')
            [CompletionResult]::new('--keep-order', '--keep-order', [CompletionResultType]::ParameterName, 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)')
            [CompletionResult]::new('--no-symbolize', '--no-symbolize', [CompletionResultType]::ParameterName, 'Do not symbolize: keep addresses as they are')
            [CompletionResult]::new('--fail-on-leaks', '--fail-on-leaks', [CompletionResultType]::ParameterName, 'Exit 1 when any site is classed `leak`: growth beyond sampling noise that keeps its pace to the last snapshot, however large the site was at the base; a cache that filled is never one. Needs three or more snapshots: with two, a leak cannot be told from a plateau, so the gate is refused rather than passed silently. The gate''s reason says when the run could not tell (fewer than six snapshots, or growth too noisy to tell)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'heapdiff;flamegraph' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type')
            [CompletionResult]::new('--sample-index', '--sample-index', [CompletionResultType]::ParameterName, 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile''s default type, else the last type')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in FILE (PEM) instead of the system''s, for https servers with a private CA')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable')
            [CompletionResult]::new('--symbols-dir', '--symbols-dir', [CompletionResultType]::ParameterName, 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable')
            [CompletionResult]::new('--focus', '--focus', [CompletionResultType]::ParameterName, 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)')
            [CompletionResult]::new('--hide', '--hide', [CompletionResultType]::ParameterName, 'Remove frames that match REGEX from every stack (pprof''s -hide)')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Keep only frames that match REGEX in every stack (pprof''s -show)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the SVG to FILE (replaced atomically; `-` or absent: standard output)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the SVG to FILE (replaced atomically; `-` or absent: standard output)')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'What to draw')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'Title (default: what the picture shows and the sample type)')
            [CompletionResult]::new('--subtitle', '--subtitle', [CompletionResultType]::ParameterName, 'Subtitle (default: the files, both totals and the growth)')
            [CompletionResult]::new('--min-width', '--min-width', [CompletionResultType]::ParameterName, 'Omit frames narrower than this many pixels (must be above 0)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Image width in pixels (default 1200)')
            [CompletionResult]::new('--font-size', '--font-size', [CompletionResultType]::ParameterName, 'Font size in points (default 12)')
            [CompletionResult]::new('--colors', '--colors', [CompletionResultType]::ParameterName, 'Colours of the base and new pictures (retention is coloured by growth, differential by sign)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)')
            [CompletionResult]::new('--lib', '--lib', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Tell frames apart by line number too (by default a function is one frame)')
            [CompletionResult]::new('--keep-order', '--keep-order', [CompletionResultType]::ParameterName, 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)')
            [CompletionResult]::new('--no-symbolize', '--no-symbolize', [CompletionResultType]::ParameterName, 'Do not symbolize: keep addresses as they are')
            [CompletionResult]::new('--inverted', '--inverted', [CompletionResultType]::ParameterName, 'Draw an icicle graph (roots at the top)')
            [CompletionResult]::new('--trim-allocators', '--trim-allocators', [CompletionResultType]::ParameterName, 'Trim allocator and runtime frames from the leaf end of every stack (default in retention mode)')
            [CompletionResult]::new('--no-trim-allocators', '--no-trim-allocators', [CompletionResultType]::ParameterName, 'Keep allocator frames (default in the other modes)')
            [CompletionResult]::new('--all-growth', '--all-growth', [CompletionResultType]::ParameterName, 'In retention mode with three or more profiles, draw every stack that grew (by default only stacks whose leak site is still growing, classed leak or growing, are drawn, so a cache that filled early does not hide the leak)')
            [CompletionResult]::new('--keep-library-frames', '--keep-library-frames', [CompletionResultType]::ParameterName, 'Keep every library and runtime frame (by default a run of them above the leaf folds into one frame labelled like `[tokio ×38]`)')
            [CompletionResult]::new('--keep-recursion', '--keep-recursion', [CompletionResultType]::ParameterName, 'Keep each level of a direct recursion (by default a function calling itself is one frame, so every depth adds to one tower)')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Draw stacks leaf first, so callers stack on the function they call (with --inverted, an icicle of callers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'heapdiff;show' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Sample type for the top sites (default: inuse_space when present, else the profile''s default, else the last)')
            [CompletionResult]::new('--sample-index', '--sample-index', [CompletionResultType]::ParameterName, 'Sample type for the top sites (default: inuse_space when present, else the profile''s default, else the last)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Refuse an input that decompresses to more than SIZE')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in FILE (PEM) instead of the system''s, for https servers with a private CA')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many top sites to list (0: none)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)')
            [CompletionResult]::new('--lib', '--lib', [CompletionResultType]::ParameterName, 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'A binary (or its debug file) to symbolize addresses with, matched to the profile''s mappings by build id (by file name when a mapping has none). Repeatable')
            [CompletionResult]::new('--symbols-dir', '--symbols-dir', [CompletionResultType]::ParameterName, 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable')
            [CompletionResult]::new('--focus', '--focus', [CompletionResultType]::ParameterName, 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof''s -focus)')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof''s -ignore)')
            [CompletionResult]::new('--hide', '--hide', [CompletionResultType]::ParameterName, 'Remove frames that match REGEX from every stack (pprof''s -hide)')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Keep only frames that match REGEX in every stack (pprof''s -show)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)')
            [CompletionResult]::new('--no-symbolize', '--no-symbolize', [CompletionResultType]::ParameterName, 'Do not symbolize: keep addresses as they are')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'heapdiff;capture' {
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Time between snapshots (500ms, 30s, 2m)')
            [CompletionResult]::new('--work-metric', '--work-metric', [CompletionResultType]::ParameterName, 'A Prometheus counter read at each snapshot as the work done (`http_requests_total`, or one series: `http_requests_total{code="200"}`); the series of all matching series')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Where to read --work-metric (default: /metrics on the profile''s host)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in FILE (PEM) instead of the system''s, for https servers with a private CA')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Refuse a snapshot that decompresses to more than SIZE')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many snapshots')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'How many snapshots')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The directory to write them into (created if missing)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The directory to write them into (created if missing)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'heapdiff;watch' {
            [CompletionResult]::new('--every', '--every', [CompletionResultType]::ParameterName, 'Time between snapshots (500ms, 30s, 2m)')
            [CompletionResult]::new('--work-metric', '--work-metric', [CompletionResultType]::ParameterName, 'A Prometheus counter read at each snapshot as the work done (`http_requests_total`, or one series: `http_requests_total{code="200"}`); the series of all matching series')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Where to read --work-metric (default: /metrics on the profile''s host)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send HEADER (''Name: value'') with every request: `-H ''Authorization: Bearer TOKEN''`, `-H ''X-Scope-OrgID: TENANT''`. Repeatable')
            [CompletionResult]::new('--tls-ca', '--tls-ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in FILE (PEM) instead of the system''s, for https servers with a private CA')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)')
            [CompletionResult]::new('--max-input-size', '--max-input-size', [CompletionResultType]::ParameterName, 'Refuse a snapshot that decompresses to more than SIZE')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after COUNT snapshots')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after COUNT snapshots')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Stop after DURATION')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Keep the snapshots in DIR too (as `capture` writes them)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Keep the snapshots in DIR too (as `capture` writes them)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Rows shown after each snapshot')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never')
            [CompletionResult]::new('--gc', '--gc', [CompletionResultType]::ParameterName, 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)')
            [CompletionResult]::new('--fail-on-leaks', '--fail-on-leaks', [CompletionResultType]::ParameterName, 'Stop with exit 1 when a site is classed leak (growth beyond sampling noise that keeps its pace; never a cache that filled) in two rounds running, or in the last round')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
