//! No import cycles between the files of the core (`src/`, crate `paysg`) nor of the simulator's
//! core (`sim/core/src/`): each arrow between two files points one way, so a reader can take
//! the modules bottom-up (issue 22).
//!
//! Read from the source, as `farm-studio look` reads it: every `crate::`, `super::` and `self::`
//! path of a file outside its `#[cfg(test)]` module, in `use` items and in code, resolved to the
//! deepest module file it names. An arrow is drawn from the file to that file; a `mod` item and
//! a re-export (`pub use`, how a `mod.rs` hands its children's names on) are not imports. A cycle
//! is a strongly connected set of more than one file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Module path (`["client", "plan"]`) → file, for every `.rs` file under `root`.
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            // A binary of src/bin is a crate of its own, not a module of the library.
            if parts.first().is_some_and(|p| p == "bin") {
                continue;
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The code of a file without its comments and its test module (`mod tests` under a
/// `#[cfg(…test…)]`, at the end of the file).
fn code_of(text: &str) -> String {
    let cut = text
        .match_indices("\nmod tests")
        .map(|(i, _)| text[..i].rfind('\n').map_or(0, |l| l + 1))
        .find(|&l| {
            let attr = &text[l..];
            attr.starts_with("#[cfg(") && attr.lines().next().is_some_and(|a| a.contains("test"))
        })
        .unwrap_or(text.len());
    let code = text[..cut]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    // Re-exports hand names on: a `mod.rs` that re-exports its children does not depend on them.
    let mut out = String::with_capacity(code.len());
    let mut rest = code.as_str();
    while let Some(at) = ["\npub use ", "\npub(crate) use "]
        .iter()
        .filter_map(|s| rest.find(s))
        .min()
    {
        out.push_str(&rest[..at]);
        rest = rest[at..].split_once(';').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out
}

/// Every path the code names from `crate::`, `super::` or `self::`, as module segments relative
/// to the crate root; `use a::{b::c, d}` gives `a::b::c` and `a::d`.
/// `here` is the file's module: `self::` is that module, `super::` its parent.
fn paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let module: Vec<String> = here.to_vec();
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let starts = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|s| bytes[i..].starts_with(s.as_bytes()) && (i == 0 || !ident(bytes[i - 1])));
        let Some(start) = starts else {
            i += 1;
            continue;
        };
        // Read the path up to its end, expanding one level of `{ … }`.
        let mut j = i;
        while j < bytes.len() && (ident(bytes[j]) || bytes[j] == b':') {
            j += 1;
        }
        let head = code[i..j].trim_end_matches(':').to_owned();
        let mut tails = vec![String::new()];
        if code[j..].starts_with('{') {
            let end = code[j..].find('}').map_or(bytes.len(), |e| j + e);
            tails = code[j + 1..end]
                .split(',')
                .map(|t| t.split_whitespace().next().unwrap_or("").to_owned())
                .collect();
            j = end;
        }
        for tail in tails {
            let full = if tail.is_empty() {
                head.clone()
            } else {
                format!("{head}::{tail}")
            };
            let mut segs: Vec<String> = full
                .split("::")
                .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
                .map(str::to_owned)
                .collect();
            let mut base = match start {
                "crate::" => Vec::new(),
                _ => module.clone(),
            };
            while segs.first().is_some_and(|s| s == "super") {
                segs.remove(0);
                base.pop();
            }
            if segs.first().is_some_and(|s| s == "crate") {
                segs.remove(0);
                base.clear();
            }
            base.extend(segs);
            out.push(base);
        }
        i = j.max(i + 1);
    }
    out
}

/// The files each file imports.
fn arrows(root: &Path) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let modules = modules(root);
    let mut out = BTreeMap::new();
    for (module, file) in &modules {
        let text = fs::read_to_string(file).unwrap();
        let mut to = Vec::new();
        for mut path in paths(&code_of(&text), module) {
            // The deepest module the path names.
            while !path.is_empty() && !modules.contains_key(&path) {
                path.pop();
            }
            if let Some(target) = modules.get(&path) {
                if target != file && !to.contains(target) {
                    to.push(target.clone());
                }
            }
        }
        out.insert(file.clone(), to);
    }
    out
}

/// The strongly connected sets of more than one file (Tarjan).
fn cycles(graph: &BTreeMap<PathBuf, Vec<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct State<'g> {
        graph: &'g BTreeMap<PathBuf, Vec<PathBuf>>,
        index: BTreeMap<&'g PathBuf, usize>,
        low: BTreeMap<&'g PathBuf, usize>,
        stack: Vec<&'g PathBuf>,
        on_stack: std::collections::BTreeSet<&'g PathBuf>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g PathBuf) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut set = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                set.push(w.clone());
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                set.sort();
                s.out.push(set);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: Default::default(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn assert_no_cycle(dir: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let graph = arrows(&root);
    assert!(
        graph.len() > 10,
        "read only {} files under {dir}",
        graph.len()
    );
    let found = cycles(&graph);
    let shown: Vec<String> = found
        .iter()
        .map(|set| {
            let names: Vec<String> = set
                .iter()
                .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
                .collect();
            names.join(" ↔ ")
        })
        .collect();
    assert!(
        found.is_empty(),
        "import cycles under {dir}:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_core_has_no_import_cycle() {
    assert_no_cycle("src");
}

#[test]
fn the_simulators_core_has_no_import_cycle() {
    assert_no_cycle("sim/core/src");
}

#[test]
fn a_cycle_is_found() {
    let a = PathBuf::from("a.rs");
    let b = PathBuf::from("b.rs");
    let c = PathBuf::from("c.rs");
    let graph = BTreeMap::from([
        (a.clone(), vec![b.clone()]),
        (b.clone(), vec![a.clone(), c.clone()]),
        (c.clone(), vec![]),
    ]);
    assert_eq!(cycles(&graph), vec![vec![a, b]]);
}

#[test]
fn paths_resolve_from_the_module() {
    let here = vec!["validate".to_owned(), "check".to_owned()];
    let got = paths(
        "use super::money::{amount_field, AMOUNT_MAX};\nlet x = crate::strings::js_length(s);",
        &here,
    );
    assert_eq!(
        got,
        vec![
            vec!["validate", "money", "amount_field"],
            vec!["validate", "money", "AMOUNT_MAX"],
            vec!["strings", "js_length"],
        ]
    );
}
