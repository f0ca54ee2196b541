//! pprof's `drop_frames`/`keep_frames` pruning, applied as `go tool pprof` applies it on load.
//!
//! Legacy heap profiles carry pprof's allocator list; profile.proto files may carry their own.
//! For each location the outermost inlined frame matching the drop expression (and not the keep
//! expression) is found; in every sample, scanning from the root, the first such location after
//! the first non-matching ("user") frame cuts the stack there, so allocator internals never show
//! as the leaf.

use regex::Regex;

use crate::profile::Profile;

/// pprof's simplification of a function name before matching: drop a leading '.', and cut the
/// argument list at the first '(' that does not start a reserved name.
pub fn simplify_func(name: &str) -> &str {
    let name = name.strip_prefix('.').unwrap_or(name);
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(r) = RESERVED.iter().find(|r| name[i..].starts_with(**r)) {
            i += r.len();
            continue;
        }
        if bytes[i] == b'(' {
            return &name[..i];
        }
        // 'operator()' starts with 'o', so only ASCII positions can begin a match.
        i += 1;
        while i < bytes.len() && !name.is_char_boundary(i) {
            i += 1;
        }
    }
    name
}

fn anchored(expr: &str) -> Option<Regex> {
    if expr.is_empty() {
        return None;
    }
    Regex::new(&format!("^({expr})$")).ok()
}

/// Applies the profile's own drop/keep expressions. Returns a warning when the profile's
/// expression is not a valid regular expression (the profile is then left as it is).
pub fn apply_profile_rules(p: &mut Profile) -> Option<String> {
    if p.drop_frames.is_empty() {
        return None;
    }
    let Some(drop) = anchored(&p.drop_frames) else {
        return Some(format!(
            "ignoring the profile's drop_frames expression, which does not compile: {:?}",
            p.drop_frames
        ));
    };
    let keep = anchored(&p.keep_frames);
    prune(p, &drop, keep.as_ref());
    None
}

/// pprof's Prune.
pub fn prune(p: &mut Profile, drop: &Regex, keep: Option<&Regex>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        None,
        Whole,
        Beneath,
    }
    let mut marks = vec![Mark::None; p.locations.len()];
    for (li, loc) in p.locations.iter_mut().enumerate() {
        let mut hit = None;
        for i in (0..loc.lines.len()).rev() {
            let f = &p.functions[loc.lines[i].function as usize];
            if f.name.is_empty() {
                continue;
            }
            let s = simplify_func(&f.name);
            if drop.is_match(s) && !keep.is_some_and(|k| k.is_match(s)) {
                hit = Some(i);
                break;
            }
        }
        if let Some(i) = hit {
            if i == loc.lines.len() - 1 {
                marks[li] = Mark::Whole;
            } else {
                marks[li] = Mark::Beneath;
                loc.lines.drain(..=i);
            }
        }
    }
    if marks.iter().all(|m| *m == Mark::None) {
        return;
    }
    let mut locs = Vec::new();
    p.stacks.cut_fronts(|stack| {
        // Walking from the root towards the leaf, the first marked location after a frame of
        // the program's own is where the stack now starts.
        locs.clear();
        locs.extend(stack);
        let mut found_user = false;
        let mut cut = 0;
        for j in (0..locs.len()).rev() {
            match marks[locs[j] as usize] {
                Mark::None => found_user = true,
                _ if !found_user => {}
                Mark::Whole => {
                    cut = j + 1;
                    break;
                }
                Mark::Beneath => {
                    cut = j;
                    break;
                }
            }
        }
        cut
    });
}

#[cfg(test)]
mod tests {
    use super::simplify_func;

    #[test]
    fn simplify_like_pprof() {
        assert_eq!(simplify_func("main.(*serverConn).newStream"), "main.");
        assert_eq!(simplify_func("runtime.mallocgc"), "runtime.mallocgc");
        assert_eq!(simplify_func("foo(int, char)"), "foo");
        assert_eq!(
            simplify_func("(anonymous namespace)::f(int)"),
            "(anonymous namespace)::f"
        );
        assert_eq!(simplify_func("A::operator()(int)"), "A::operator()");
        assert_eq!(simplify_func(".text"), "text");
    }
}
