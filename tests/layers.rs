//! The shape of the source: the modules under `src/store/` reference each other without a
//! cycle (each layer uses only those below it), and no file under `src/` grows past 450 lines.
//! Read from the files themselves: the `use`, `super::`, `self::` and `crate::` paths of each
//! one, comments and strings left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 450;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines, as a path from the crate root: `src/store/shm/mod.rs` is
/// `store::shm`, `src/store/shm/table.rs` is `store::shm::table`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments, string literals or char literals.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('a', '\n', '\''); a lifetime ('a) has no closing quote.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// The paths a piece of code names: every run of `ident::ident::…` (a `use` tree's braces
/// expand into one path per leaf's first segment, which is all a module reference needs).
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let tokens: Vec<char> = code.chars().collect();
    let mut i = 0;
    let ident_char = |c: char| c.is_alphanumeric() || c == '_';
    while i < tokens.len() {
        if ident_char(tokens[i]) && (i == 0 || !(ident_char(tokens[i - 1]) || tokens[i - 1] == ':')) {
            let mut path = Vec::new();
            let mut j = i;
            loop {
                let start = j;
                while j < tokens.len() && ident_char(tokens[j]) {
                    j += 1;
                }
                path.push(tokens[start..j].iter().collect::<String>());
                if j + 2 < tokens.len() && tokens[j] == ':' && tokens[j + 1] == ':' {
                    j += 2;
                    if tokens[j] == '{' {
                        // `a::b::{c, d::e}`: each leaf starts its own path under `a::b`.
                        let close = tokens[j..].iter().position(|&c| c == '}').map_or(tokens.len(), |p| j + p);
                        let inner: String = tokens[j + 1..close].iter().collect();
                        for leaf in inner.split(',') {
                            let leaf = leaf.trim();
                            if !leaf.is_empty() {
                                let mut p = path.clone();
                                p.extend(leaf.split("::").map(|s| s.trim().to_string()));
                                out.push(p);
                            }
                        }
                        path.clear();
                        j = close;
                        break;
                    }
                    if j < tokens.len() && ident_char(tokens[j]) {
                        continue;
                    }
                }
                break;
            }
            if path.len() > 1 {
                out.push(path);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The module a path names, if it names one of `known`: relative paths resolved from `from`
/// (`super::`, `self::`, a child module's name), absolute ones from the crate root.
fn target(from: &[String], is_mod_file: bool, path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    // A `mod.rs` (or lib.rs) is its module; another file's `self` is the file's module, and its
    // `super` is its parent.
    let mut base: Vec<String> = from.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some(_) if is_mod_file => {}
        _ => return None,
    }
    let mut best = None;
    let mut m = base.clone();
    for seg in rest {
        m.push(seg.clone());
        if known.contains(&m) {
            best = Some(m.clone());
        }
    }
    best.filter(|t| t != from)
}

#[test]
fn the_store_modules_reference_each_other_without_a_cycle() {
    let mut files = Vec::new();
    rust_files(&src().join("store"), &mut files);
    let known: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        let from = module_of(f);
        let is_mod_file = f.file_name().is_some_and(|n| n == "mod.rs");
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        let to: BTreeSet<_> = paths(&code).iter().filter_map(|p| target(&from, is_mod_file, p, &known)).collect();
        edges.insert(from, to);
    }
    // The checker sees what it must: the backend uses its table, the table its segment.
    let edge = |a: &str, b: &str| {
        let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
        edges.get(&m(a)).is_some_and(|t| t.contains(&m(b)))
    };
    assert!(edge("store::shm", "store::shm::table") && edge("store::shm::table", "store::shm::segment"));

    // Depth-first search; a module met again while still on the stack closes a cycle.
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(m) {
            Some(true) => return None,
            Some(false) => {
                let at = stack.iter().position(|s| s == m).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(m.clone());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(m.clone(), false);
        stack.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m.clone(), true);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        if let Some(cycle) = visit(m, &edges, &mut state, &mut Vec::new()) {
            let shown: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!("modules reference each other in a circle: {}", shown.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_check_finds_a_circle_and_resolves_relative_paths() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let known: BTreeSet<_> = ["store", "store::shm", "store::shm::table", "store::shm::segment", "store::api"]
        .iter()
        .map(|s| m(s))
        .collect();
    let code = code_only("use super::table::{Locked, X};\n// use super::segment::Nope;\nlet s = \"super::api::Y\";");
    let found: BTreeSet<_> =
        paths(&code).iter().filter_map(|p| target(&m("store::shm::segment"), false, p, &known)).collect();
    assert_eq!(found, [m("store::shm::table")].into_iter().collect());
    let from_mod: BTreeSet<_> = paths("use table::Locked; pub use crate::store::api::Entry;")
        .iter()
        .filter_map(|p| target(&m("store::shm"), true, p, &known))
        .collect();
    assert_eq!(from_mod, [m("store::shm::table"), m("store::api")].into_iter().collect());
}

#[test]
fn no_source_file_is_longer_than_450_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{} ({n} lines)", f.strip_prefix(src()).unwrap().display()))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}
