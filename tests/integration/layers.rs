//! The layering of `src/`, checked on every test run: `model/` is the leaf layer (plain data and
//! small pure helpers) and imports only `model/`, and no two top-level modules of `src/` import
//! each other, directly or around a longer loop.
//!
//! The test reads every `src/**/*.rs` file and collects each `crate::…` path, in `use` lines
//! (nested braces included) and inline alike. Comments, string literals and `#[cfg(test)]`
//! modules are skipped: a unit test may reach into any module without making the production code
//! depend on it. A top-level file or folder of `src/` is one node (`command/*` and `render/*`
//! using their own `mod.rs` stay inside their node); `lib.rs` and `main.rs` are not nodes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// One `crate::…` reference: the file and line it is on, and the module the path starts with.
#[derive(Debug, Clone)]
struct Import {
    file: String,
    line: usize,
    /// The top-level module the path names (`plan` in `crate::plan::Plan`).
    module: String,
}

impl std::fmt::Display for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} uses crate::{}", self.file, self.line, self.module)
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
    {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments and the contents of string and char literals blanked out (newlines
/// kept, so line numbers still hold).
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                out.push(blank(b[j]));
                j += 1;
            }
            out.push('"');
            i = j;
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{7f}') or a lifetime ('a).
            let close = if next == Some('\\') {
                (i + 3..b.len().min(i + 12)).find(|&k| b[k] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(k) => {
                    out.push_str("' '");
                    i = k + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code with every `#[cfg(test)]` module blanked out (offsets into `text` are bytes; the
/// blanking is done on chars, so a non-ASCII character left in the code cannot shift it).
fn without_test_modules(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let text: String = out.iter().collect();
    let mut from = 0;
    while let Some(at) = text[from..].find("#[cfg(test)]") {
        let start = from + at;
        let rest = &text[start + "#[cfg(test)]".len()..];
        let trimmed = rest.trim_start();
        let item = trimmed
            .strip_prefix("pub(crate) ")
            .or_else(|| trimmed.strip_prefix("pub "))
            .unwrap_or(trimmed);
        from = start + 1;
        if !item.starts_with("mod ") {
            continue;
        }
        let Some(open_rel) = rest.find(['{', ';']) else {
            continue;
        };
        let open = start + "#[cfg(test)]".len() + open_rel;
        if text.as_bytes()[open] == b';' {
            continue; // `#[cfg(test)] mod fixtures;`: a file of its own, read on its own
        }
        let mut depth = 0usize;
        let mut end = open;
        for (k, ch) in text[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let (s, e) = (text[..start].chars().count(), text[..=end].chars().count());
        for ch in &mut out[s..e] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        from = end;
    }
    out.into_iter().collect()
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first segment of each path in a use tree that starts at `s` (after `crate::`).
fn first_segments(s: &str) -> Vec<String> {
    let s = s.trim_start();
    if let Some(inner) = s.strip_prefix('{') {
        let mut out = Vec::new();
        let mut depth = 0;
        let mut item_start = true;
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if item_start && is_ident(c) => {
                    item_start = false;
                    let name: String = inner[k..].chars().take_while(|&c| is_ident(c)).collect();
                    if name != "self" {
                        out.push(name);
                    }
                }
                _ => {}
            }
        }
        out
    } else {
        let name: String = s.chars().take_while(|&c| is_ident(c)).collect();
        if name.is_empty() {
            vec![]
        } else {
            vec![name]
        }
    }
}

struct Tree {
    /// Every file's node (its top-level module of `src/`), by path relative to the crate root.
    nodes: BTreeMap<String, String>,
    imports: Vec<Import>,
}

fn read_tree(root: &Path) -> Tree {
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut nodes = BTreeMap::new();
    let mut imports = Vec::new();
    for path in files {
        let rel = path.strip_prefix(&src).expect("under src/");
        let first = rel
            .components()
            .next()
            .expect("a path")
            .as_os_str()
            .to_string_lossy();
        let node = first.trim_end_matches(".rs").to_string();
        if node == "lib" || node == "main" {
            continue;
        }
        let name = format!("src/{}", rel.display());
        let text = fs::read_to_string(&path).expect("a readable source file");
        let code = without_test_modules(&code_only(&text));
        for (at, _) in code.match_indices("crate::") {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| is_ident(c) || c == '$') {
                continue; // `$crate::` in a macro, or `topicgate_crate::`
            }
            let line = code[..at].matches('\n').count() + 1;
            for module in first_segments(&code[at + "crate::".len()..]) {
                imports.push(Import {
                    file: name.clone(),
                    line,
                    module,
                });
            }
        }
        nodes.insert(name, node);
    }
    Tree { nodes, imports }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The edges between distinct nodes, each with the references that make it.
fn edges(tree: &Tree) -> BTreeMap<(String, String), Vec<Import>> {
    let mut out: BTreeMap<(String, String), Vec<Import>> = BTreeMap::new();
    for import in &tree.imports {
        let from = &tree.nodes[&import.file];
        if *from != import.module {
            out.entry((from.clone(), import.module.clone()))
                .or_default()
                .push(import.clone());
        }
    }
    out
}

/// Strongly connected components with more than one node (Tarjan).
fn cycles(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<(String, String), Vec<Import>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        next: BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(v: &'a str, s: &mut State<'a>) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.next.get(v).cloned().unwrap_or_default() {
            if !s.index.contains_key(w) {
                visit(w, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().expect("on the stack");
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        next: BTreeMap::new(),
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for (from, to) in edges.keys() {
        state
            .next
            .entry(from.as_str())
            .or_default()
            .push(to.as_str());
    }
    for v in nodes {
        if !state.index.contains_key(v.as_str()) {
            visit(v, &mut state);
        }
    }
    state.out
}

#[test]
fn the_model_layer_imports_only_the_model_layer() {
    let tree = read_tree(&root());
    let wrong: Vec<String> = tree
        .imports
        .iter()
        .filter(|i| tree.nodes[&i.file] == "model" && i.module != "model")
        .map(|i| i.to_string())
        .collect();
    assert!(
        wrong.is_empty(),
        "`src/model/` is the leaf layer and may import only `crate::model`:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_top_level_modules_have_no_import_cycles() {
    let tree = read_tree(&root());
    // The reader must see the tree: a parser that finds nothing would pass vacuously.
    assert!(
        tree.nodes.len() > 20 && tree.imports.len() > 100,
        "read too little of src/"
    );
    let edges = edges(&tree);
    let nodes: BTreeSet<String> = tree.nodes.values().cloned().collect();
    let found = cycles(&nodes, &edges);
    let mut report = String::new();
    for component in &found {
        report.push_str(&format!("cycle among {{{}}}:\n", component.join(", ")));
        for ((from, to), imports) in &edges {
            if component.contains(from) && component.contains(to) {
                report.push_str(&format!("  {from} -> {to}: {}\n", imports[0]));
            }
        }
    }
    assert!(
        found.is_empty(),
        "import cycles between top-level modules of src/:\n{report}"
    );
}

#[test]
fn the_reader_finds_nested_and_inline_paths() {
    let code = code_only(
        "use crate::{a::X, b::{Y, Z}, self};\n// crate::comment\nlet s = \"crate::string\";\nlet c = '{';\nfn f() { crate::d::g() }\n#[cfg(test)]\nmod tests {\n    use crate::e;\n}\n",
    );
    let code = without_test_modules(&code);
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        found.extend(first_segments(&code[at + 7..]));
    }
    assert_eq!(found, ["a", "b", "d"]);
}

#[test]
fn the_cycle_finder_finds_a_loop_and_only_the_loop() {
    let import = |module: &str| Import {
        file: "x".into(),
        line: 1,
        module: module.into(),
    };
    let mut edges = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")] {
        edges.insert((from.to_string(), to.to_string()), vec![import(to)]);
    }
    let nodes: BTreeSet<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
    assert_eq!(cycles(&nodes, &edges), [["a", "b", "c"]]);
}
