//! Function names as heapdiff shows them: Rust hash suffixes stripped, and with `--names
//! short`, pprof's simplification of already-demangled C++ and Rust names.

/// pprof's guess that a name is an already-demangled C++ or Rust name (not Java's
/// `class.<init>`, not a Go generic method `pkg.(*T[...]).M`).
fn looks_demangled(name: &str) -> bool {
    if name.contains(".<") || name.contains("]).") {
        return false;
    }
    name.contains(['<', '>', '[', ']']) || name.contains("::")
}

/// Removes nested `open`…`close` groups from `name`, as pprof does: an unbalanced closer
/// stops the removal there, and an unclosed group is kept.
fn remove_matching(name: &str, open: char, close: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut group = String::new();
    let mut depth = 0usize;
    for (i, c) in name.char_indices() {
        if c == open {
            depth += 1;
            group.push(c);
        } else if c == close {
            if depth == 0 {
                out.push_str(&name[i..]);
                return out;
            }
            depth -= 1;
            if depth == 0 {
                group.clear();
            } else {
                group.push(c);
            }
        } else if depth > 0 {
            group.push(c);
        } else {
            out.push(c);
        }
    }
    out.push_str(&group);
    out
}

/// pprof's default simplification of a name that is already demangled: without parameters
/// and template arguments.
pub fn short_name(name: &str) -> String {
    if !looks_demangled(name) {
        return name.to_string();
    }
    remove_matching(&remove_matching(name, '(', ')'), '<', '>')
}

/// Removes a Rust legacy-mangling hash suffix (`::h0123456789abcdef`).
pub fn strip_rust_hash(name: &str) -> &str {
    if name.len() > 19 && name.is_char_boundary(name.len() - 19) {
        let (head, tail) = name.split_at(name.len() - 19);
        if tail.starts_with("::h") && tail[3..].bytes().all(|b| b.is_ascii_hexdigit()) {
            return head;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_like_pprof() {
        assert_eq!(
            short_name("alloc::raw_vec::RawVec<T,A>::grow_one"),
            "alloc::raw_vec::RawVec::grow_one"
        );
        assert_eq!(
            short_name("<u8 as alloc::vec::spec_from_elem::SpecFromElem>::from_elem"),
            "::from_elem"
        );
        assert_eq!(
            short_name("std::vector<int>::push_back(int const&)"),
            "std::vector::push_back"
        );
        assert_eq!(short_name("main.(*hub).subscribe"), "main.(*hub).subscribe");
        assert_eq!(
            short_name("main.(*Stack[...]).Push"),
            "main.(*Stack[...]).Push"
        );
        assert_eq!(short_name("Foo.<init>"), "Foo.<init>");
        assert_eq!(short_name("a::b<c"), "a::b<c");
        assert_eq!(short_name("a::b<c>d<e"), "a::bd<e");
    }

    #[test]
    fn strips_rust_hash_suffix() {
        assert_eq!(strip_rust_hash("app::leak::h0123456789abcdef"), "app::leak");
        assert_eq!(strip_rust_hash("app::leak"), "app::leak");
        assert_eq!(
            strip_rust_hash("app::hash::hzzzzzzzzzzzzzzzz"),
            "app::hash::hzzzzzzzzzzzzzzzz"
        );
    }
}
