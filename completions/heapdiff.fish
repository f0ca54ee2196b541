# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_heapdiff_global_optspecs
    string join \n color= h/help V/version
end

function __fish_heapdiff_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_heapdiff_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_heapdiff_using_subcommand
    set -l cmd (__fish_heapdiff_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c heapdiff -n "__fish_heapdiff_needs_command" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_needs_command" -s h -l help -d 'Print help'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -s V -l version -d 'Print version'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -f -a "diff" -d 'Compare a base heap profile with later ones: rank the sites that leak, and gate CI on growth'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -f -a "flamegraph" -d 'Draw a flamegraph SVG of new retention (or of the whole difference) between snapshots'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -f -a "show" -d 'Show what is in one profile: producer, sample types, period, time, totals, symbolization and the top allocation sites'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -f -a "capture" -d 'Take COUNT snapshots of a live service\'s heap profile, one every DURATION, into DIR; or save a fleet\'s windows (--pyroscope, --parca) as files'
complete -c heapdiff -n "__fish_heapdiff_needs_command" -f -a "watch" -d 'Watch a live service\'s heap: take a snapshot every DURATION and show the ranking after each (redrawn in place on a terminal, appended when piped)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -s i -l sample-index -d 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile\'s default type, else the last type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l names -d 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)' -r -f -a "full\t'As the profile names them'
short\t'As `go tool pprof` prints them by default'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l max-input-size -d 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -s H -l header -d 'Send HEADER (\'Name: value\') with every request: `-H \'Authorization: Bearer TOKEN\'`, `-H \'X-Scope-OrgID: TENANT\'`. Repeatable' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l tls-ca -d 'Trust the CA certificates in FILE (PEM) instead of the system\'s, for https servers with a private CA' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l tls-cert -d 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l timeout -d 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l binary -d 'A binary (or its debug file) to symbolize addresses with, matched to the profile\'s mappings by build id (by file name when a mapping has none). Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l symbols-dir -d 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l focus -d 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof\'s -focus)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l ignore -d 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof\'s -ignore)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l hide -d 'Remove frames that match REGEX from every stack (pprof\'s -hide)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l show -d 'Keep only frames that match REGEX in every stack (pprof\'s -show)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l pyroscope -d 'Read the snapshots from the Grafana Pyroscope server at URL (its base, such as http://pyroscope:4040 or Grafana Cloud\'s profiles URL), one per --step window from --from to --to' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l parca -d 'Read the snapshots from the Parca (or Polar Signals) server at URL, such as http://parca:7070, one per --step window' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l query -d 'Which profiles: a label selector such as \'{service_name="api"}\' (Pyroscope) or \'{job="api"}\' (Parca); {} is every profile of the type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l profile-type -d 'The profile type, as the server names it (Pyroscope lists them; a wrong one is refused with the list)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l from -d 'Start of the range: now-6h, RFC 3339 (2026-12-04T03:00:00Z) or unix seconds [default: now-1h]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l to -d 'End of the range (same forms as --from) [default: now]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l step -d 'Length of one window, one snapshot each (30s, 10m, 1h) [default: 10m]. `watch` reads the window of --every that ends at each round instead' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l fleet -d 'How a window\'s merged profile (the sum of every profile in it) is read: the mean instance\'s heap (sum / profiles) or the fleet\'s total heap (the mean times the instances)' -r -f -a "mean\t'The mean instance\'s heap'
total\t'The fleet\'s total heap'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l instance-label -d 'The label that tells instances apart (default: the first of pod, instance, hostname, service_instance_id the server has)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned text for a terminal (the default)'
json\t'The full report as a versioned JSON document'
csv\t'One row per ranked unit (site, function or stack), exact integers'
markdown\t'A summary and table for a pull-request comment'
pprof\t'The delta as a gzipped profile.proto (needs -o FILE or a redirected stdout)'
folded\t'Folded stacks with two counts per line (`root;...;leaf BASE NEW`), as inferno and FlameGraph\'s difffolded read'
html\t'One self-contained HTML page for a CI artifact: header, interactive retention flamegraph, sites with charts and call paths, the differential flamegraph'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -s o -l output -d 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l top -d 'Rows the table and Markdown show (JSON, CSV and pprof always hold every change); 0 prints a one-line summary' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l paths -d 'Call paths the table and Markdown show under each leak or growing site, largest first, as `← caller ← caller` with runs of library frames folded (JSON holds every path)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l peek -d 'After the table, for each function matching REGEX, its flat and cum change and the change through each caller and callee (pprof\'s -peek; table and Markdown)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l list -d 'After the table, for each function matching REGEX, the change per source line with the source text when the file is found (pprof\'s -list; table and Markdown)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l source-dir -d 'Where to look for source files for --list, by the longest tail of the recorded path found there (repeatable; the recorded path itself is tried first)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l by -d 'What one ranked row stands for: the leak site (the first application frame from the leaf), the leaf function (pprof\'s flat), or the whole stack' -r -f -a "site\t'The leak site: the first application frame from the leaf'
function\t'The leaf function (pprof\'s flat)'
stack\t'Each distinct stack'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l skip -d 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l keep -d 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l app -d 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l lib -d 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l work -d 'Work done at each snapshot, in argument order (e.g. requests served: 3000,6000,9000); slopes are then given per unit of work' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l work-step -d 'Work done between consecutive snapshots (the same every time)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l work-unit -d 'Name of a unit of work, for output ("≈330 B per request"; default: unit). Needs --work or --work-step' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l fail-on-growth -d 'Exit 1 when the total grew by more than SIZE (10MiB, 512KB, 4096; a plain number for object counts)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l fail-on-site-growth -d 'Exit 1 when any ranked site grew by more than SIZE' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l lines -d 'Tell frames apart by line number too (by default a function is one frame)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l keep-order -d 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l gc -d 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l no-symbolize -d 'Do not symbolize: keep addresses as they are'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -l fail-on-leaks -d 'Exit 1 when any site is classed `leak`: growth beyond sampling noise that keeps its pace to the last snapshot, however large the site was at the base; a cache that filled is never one. Needs three or more snapshots: with two, a leak cannot be told from a plateau, so the gate is refused rather than passed silently. The gate\'s reason says when the run could not tell (fewer than six snapshots, or growth too noisy to tell)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -s i -l sample-index -d 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile\'s default type, else the last type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l names -d 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)' -r -f -a "full\t'As the profile names them'
short\t'As `go tool pprof` prints them by default'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l max-input-size -d 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -s H -l header -d 'Send HEADER (\'Name: value\') with every request: `-H \'Authorization: Bearer TOKEN\'`, `-H \'X-Scope-OrgID: TENANT\'`. Repeatable' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l tls-ca -d 'Trust the CA certificates in FILE (PEM) instead of the system\'s, for https servers with a private CA' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l tls-cert -d 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l timeout -d 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l binary -d 'A binary (or its debug file) to symbolize addresses with, matched to the profile\'s mappings by build id (by file name when a mapping has none). Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l symbols-dir -d 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l focus -d 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof\'s -focus)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l ignore -d 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof\'s -ignore)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l hide -d 'Remove frames that match REGEX from every stack (pprof\'s -hide)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l show -d 'Keep only frames that match REGEX in every stack (pprof\'s -show)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l pyroscope -d 'Read the snapshots from the Grafana Pyroscope server at URL (its base, such as http://pyroscope:4040 or Grafana Cloud\'s profiles URL), one per --step window from --from to --to' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l parca -d 'Read the snapshots from the Parca (or Polar Signals) server at URL, such as http://parca:7070, one per --step window' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l query -d 'Which profiles: a label selector such as \'{service_name="api"}\' (Pyroscope) or \'{job="api"}\' (Parca); {} is every profile of the type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l profile-type -d 'The profile type, as the server names it (Pyroscope lists them; a wrong one is refused with the list)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l from -d 'Start of the range: now-6h, RFC 3339 (2026-12-04T03:00:00Z) or unix seconds [default: now-1h]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l to -d 'End of the range (same forms as --from) [default: now]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l step -d 'Length of one window, one snapshot each (30s, 10m, 1h) [default: 10m]. `watch` reads the window of --every that ends at each round instead' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l fleet -d 'How a window\'s merged profile (the sum of every profile in it) is read: the mean instance\'s heap (sum / profiles) or the fleet\'s total heap (the mean times the instances)' -r -f -a "mean\t'The mean instance\'s heap'
total\t'The fleet\'s total heap'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l instance-label -d 'The label that tells instances apart (default: the first of pod, instance, hostname, service_instance_id the server has)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -s o -l output -d 'Write the SVG to FILE (replaced atomically; `-` or absent: standard output)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l mode -d 'What to draw' -r -f -a "retention\t'Widths are each stack\'s growth; colours show how much growth flows through a frame'
differential\t'Two counts per stack (first, last): red grew, blue shrank; widths from the last profile'
base\t'The first profile alone'
new\t'The last profile alone'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l title -d 'Title (default: what the picture shows and the sample type)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l subtitle -d 'Subtitle (default: the files, both totals and the growth)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l min-width -d 'Omit frames narrower than this many pixels (must be above 0)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l width -d 'Image width in pixels (default 1200)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l font-size -d 'Font size in points (default 12)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l colors -d 'Colours of the base and new pictures (retention is coloured by growth, differential by sign)' -r -f -a "hot\t''
mem\t''
io\t''
red\t''
green\t''
blue\t''
aqua\t''
yellow\t''
purple\t''
orange\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l skip -d 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l keep -d 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l app -d 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l lib -d 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l lines -d 'Tell frames apart by line number too (by default a function is one frame)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l keep-order -d 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l gc -d 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l no-symbolize -d 'Do not symbolize: keep addresses as they are'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l inverted -d 'Draw an icicle graph (roots at the top)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l trim-allocators -d 'Trim allocator and runtime frames from the leaf end of every stack (default in retention mode)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l no-trim-allocators -d 'Keep allocator frames (default in the other modes)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l all-growth -d 'In retention mode with three or more profiles, draw every stack that grew (by default only stacks whose leak site is still growing, classed leak or growing, are drawn, so a cache that filled early does not hide the leak)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l keep-library-frames -d 'Keep every library and runtime frame (by default a run of them above the leaf folds into one frame labelled like `[tokio ×38]`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l keep-recursion -d 'Keep each level of a direct recursion (by default a function calling itself is one frame, so every depth adds to one tower)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -l reverse -d 'Draw stacks leaf first, so callers stack on the function they call (with --inverted, an icicle of callers)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand flamegraph" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -s i -l sample-index -d 'Sample type for the top sites (default: inuse_space when present, else the profile\'s default, else the last)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -s f -l format -d 'Output format' -r -f -a "table\t'Aligned text'
json\t'A JSON document (`"schema": "heapdiff.show/1"`)'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -s o -l output -d 'Write to FILE instead of standard output (replaced atomically; `-` is standard output)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l max-input-size -d 'Refuse an input that decompresses to more than SIZE' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -s H -l header -d 'Send HEADER (\'Name: value\') with every request: `-H \'Authorization: Bearer TOKEN\'`, `-H \'X-Scope-OrgID: TENANT\'`. Repeatable' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l tls-ca -d 'Trust the CA certificates in FILE (PEM) instead of the system\'s, for https servers with a private CA' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l tls-cert -d 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l timeout -d 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l top -d 'How many top sites to list (0: none)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l skip -d 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l keep -d 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l app -d 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l lib -d 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l binary -d 'A binary (or its debug file) to symbolize addresses with, matched to the profile\'s mappings by build id (by file name when a mapping has none). Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l symbols-dir -d 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l focus -d 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof\'s -focus)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l ignore -d 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof\'s -ignore)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l hide -d 'Remove frames that match REGEX from every stack (pprof\'s -hide)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l show -d 'Keep only frames that match REGEX in every stack (pprof\'s -show)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l gc -d 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -l no-symbolize -d 'Do not symbolize: keep addresses as they are'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l every -d 'Time between snapshots (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l work-metric -d 'A Prometheus counter read at each snapshot as the work done (`http_requests_total`, or one series: `http_requests_total{code="200"}`); the series of all matching series' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l metrics -d 'Where to read --work-metric (default: /metrics on the profile\'s host)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -s i -l sample-index -d 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile\'s default type, else the last type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l names -d 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)' -r -f -a "full\t'As the profile names them'
short\t'As `go tool pprof` prints them by default'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l max-input-size -d 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -s H -l header -d 'Send HEADER (\'Name: value\') with every request: `-H \'Authorization: Bearer TOKEN\'`, `-H \'X-Scope-OrgID: TENANT\'`. Repeatable' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l tls-ca -d 'Trust the CA certificates in FILE (PEM) instead of the system\'s, for https servers with a private CA' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l tls-cert -d 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l timeout -d 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l binary -d 'A binary (or its debug file) to symbolize addresses with, matched to the profile\'s mappings by build id (by file name when a mapping has none). Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l symbols-dir -d 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l focus -d 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof\'s -focus)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l ignore -d 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof\'s -ignore)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l hide -d 'Remove frames that match REGEX from every stack (pprof\'s -hide)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l show -d 'Keep only frames that match REGEX in every stack (pprof\'s -show)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l pyroscope -d 'Read the snapshots from the Grafana Pyroscope server at URL (its base, such as http://pyroscope:4040 or Grafana Cloud\'s profiles URL), one per --step window from --from to --to' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l parca -d 'Read the snapshots from the Parca (or Polar Signals) server at URL, such as http://parca:7070, one per --step window' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l query -d 'Which profiles: a label selector such as \'{service_name="api"}\' (Pyroscope) or \'{job="api"}\' (Parca); {} is every profile of the type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l profile-type -d 'The profile type, as the server names it (Pyroscope lists them; a wrong one is refused with the list)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l from -d 'Start of the range: now-6h, RFC 3339 (2026-12-04T03:00:00Z) or unix seconds [default: now-1h]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l to -d 'End of the range (same forms as --from) [default: now]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l step -d 'Length of one window, one snapshot each (30s, 10m, 1h) [default: 10m]. `watch` reads the window of --every that ends at each round instead' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l fleet -d 'How a window\'s merged profile (the sum of every profile in it) is read: the mean instance\'s heap (sum / profiles) or the fleet\'s total heap (the mean times the instances)' -r -f -a "mean\t'The mean instance\'s heap'
total\t'The fleet\'s total heap'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l instance-label -d 'The label that tells instances apart (default: the first of pod, instance, hostname, service_instance_id the server has)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -s n -l count -d 'How many snapshots (of a URL; a fleet\'s are its windows)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -s o -l output -d 'The directory to write them into (created if missing). One that already holds a capture is refused, unless --append' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l lines -d 'Tell frames apart by line number too (by default a function is one frame)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l keep-order -d 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l gc -d 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l no-symbolize -d 'Do not symbolize: keep addresses as they are'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -l append -d 'Continue the capture already in DIR: numbering goes on from its last snapshot and its record keeps every entry'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand capture" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l every -d 'Time between snapshots (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l work-metric -d 'A Prometheus counter read at each snapshot as the work done (`http_requests_total`, or one series: `http_requests_total{code="200"}`); the series of all matching series' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l metrics -d 'Where to read --work-metric (default: /metrics on the profile\'s host)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -s i -l sample-index -d 'Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default: inuse_space when present, else the profile\'s default type, else the last type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l names -d 'How to name functions: full (as the profile names them; generic parameters tell functions apart) or short (as `go tool pprof` prints them by default: demangled names without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`)' -r -f -a "full\t'As the profile names them'
short\t'As `go tool pprof` prints them by default'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l max-input-size -d 'Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line naming the file)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -s H -l header -d 'Send HEADER (\'Name: value\') with every request: `-H \'Authorization: Bearer TOKEN\'`, `-H \'X-Scope-OrgID: TENANT\'`. Repeatable' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l tls-ca -d 'Trust the CA certificates in FILE (PEM) instead of the system\'s, for https servers with a private CA' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l tls-cert -d 'Present the client certificate in FILE (PEM) to https servers that ask for one (with --tls-key)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l timeout -d 'How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l binary -d 'A binary (or its debug file) to symbolize addresses with, matched to the profile\'s mappings by build id (by file name when a mapping has none). Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l symbols-dir -d 'A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug, DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l focus -d 'Keep only samples with a frame whose function, file or mapping matches REGEX (pprof\'s -focus)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l ignore -d 'Drop samples with a frame whose function, file or mapping matches REGEX (pprof\'s -ignore)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l hide -d 'Remove frames that match REGEX from every stack (pprof\'s -hide)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l show -d 'Keep only frames that match REGEX in every stack (pprof\'s -show)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l pyroscope -d 'Read the snapshots from the Grafana Pyroscope server at URL (its base, such as http://pyroscope:4040 or Grafana Cloud\'s profiles URL), one per --step window from --from to --to' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l parca -d 'Read the snapshots from the Parca (or Polar Signals) server at URL, such as http://parca:7070, one per --step window' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l query -d 'Which profiles: a label selector such as \'{service_name="api"}\' (Pyroscope) or \'{job="api"}\' (Parca); {} is every profile of the type' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l profile-type -d 'The profile type, as the server names it (Pyroscope lists them; a wrong one is refused with the list)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l from -d 'Start of the range: now-6h, RFC 3339 (2026-12-04T03:00:00Z) or unix seconds [default: now-1h]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l to -d 'End of the range (same forms as --from) [default: now]' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l step -d 'Length of one window, one snapshot each (30s, 10m, 1h) [default: 10m]. `watch` reads the window of --every that ends at each round instead' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l fleet -d 'How a window\'s merged profile (the sum of every profile in it) is read: the mean instance\'s heap (sum / profiles) or the fleet\'s total heap (the mean times the instances)' -r -f -a "mean\t'The mean instance\'s heap'
total\t'The fleet\'s total heap'"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l instance-label -d 'The label that tells instances apart (default: the first of pod, instance, hostname, service_instance_id the server has)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -s n -l count -d 'Stop after COUNT snapshots' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l for -d 'Stop after DURATION' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -s o -l output -d 'Keep the snapshots in DIR too (as `capture` writes them)' -r -F
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l top -d 'Rows shown after each snapshot' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l skip -d 'Also treat frames matching REGEX as machinery, never a leak site (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l keep -d 'Never treat frames matching REGEX as machinery, even when a built-in list does (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l app -d 'Treat frames whose name or file matches REGEX as application code, the leak sites a person would fix (repeatable; wins over --lib and the built-in rules)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l lib -d 'Treat frames whose name or file matches REGEX as library code: a leak site only when a stack has no application frame (repeatable)' -r
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l color -d 'When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l lines -d 'Tell frames apart by line number too (by default a function is one frame)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l keep-order -d 'Keep the profiles in the order given even when they carry timestamps (by default they are ordered by their own time)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l gc -d 'Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to URL inputs, as `/debug/pprof/heap?gc=1`)'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l no-symbolize -d 'Do not symbolize: keep addresses as they are'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -l fail-on-leaks -d 'Stop with exit 1 when a site is classed leak (growth beyond sampling noise that keeps its pace; never a cache that filled) in two rounds running, or in the last round'
complete -c heapdiff -n "__fish_heapdiff_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
