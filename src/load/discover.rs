//! Finding spec files: the paths named, directories walked recursively (following symbolic
//! links, skipping hidden entries and topicgate's settings file), each file once; every problem
//! on the way is a diagnostic. Also the questions other stages ask about spec files: which
//! topics a directory already declares, and whether a file would be read as a spec.

use std::path::{Path, PathBuf};

use super::{parse_file, read_spec};
use crate::model::diagnostic::Diagnostic;
use crate::model::topic_spec::TopicSpec;

/// Each file once, however many paths lead to it (`topics` and `./topics`, or a symbolic link
/// to a file that is also read directly): the first path in order stands for it.
pub(super) fn once_each(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::BTreeSet::new();
    files
        .into_iter()
        .filter(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())))
        .collect()
}

/// The spec files under `path`. `Err` only when `path` itself cannot be used (it does not
/// exist, or is neither a file nor a directory): the caller named a wrong path. Everything found
/// on the way (dangling links, link loops, entries that cannot be read, spec-named entries that
/// are not files) is a diagnostic, and the walk goes on, so every problem is reported at once.
pub(super) fn discover(path: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => match std::fs::read_link(path) {
            Ok(target) => format!(
                "a symbolic link to `{}`, which does not exist",
                target.display()
            ),
            Err(_) => "no such file or directory".to_string(),
        },
        _ => format!("cannot read: {e}"),
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err("not a file or a directory (a FIFO, socket or device?)".into());
    }
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diags.extend(walk_problem(&e));
                continue;
            }
        };
        if !is_spec_name(entry.path()) {
            continue;
        }
        let file_type = entry.file_type();
        if file_type.is_file() {
            found.push(entry.into_path());
        } else if !file_type.is_dir() {
            diags.push(Diagnostic::error(
                entry.path(),
                None,
                "named like a spec file but not a regular file (a FIFO, socket or device); it was not read",
            ));
        }
    }
    Ok(found)
}

/// The topics declared in the spec files under `dir` (as far as they parse), leaving out the
/// files in `except`: what a directory already declares, so that `export` never declares a topic
/// a second time. A directory that does not exist declares nothing.
pub fn declared(dir: &Path, except: &[PathBuf]) -> Vec<TopicSpec> {
    let mut ignored = Vec::new();
    let Ok(files) = discover(dir, &mut ignored) else {
        return Vec::new();
    };
    let except: Vec<PathBuf> = except
        .iter()
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .collect();
    let mut topics = Vec::new();
    for file in once_each(files) {
        if std::fs::canonicalize(&file).is_ok_and(|c| except.contains(&c)) {
            continue;
        }
        if let Ok(text) = read_spec(&file) {
            parse_file(&file, &text, &mut topics, &mut ignored);
        }
    }
    topics
}

/// Why writing `file` would touch the specs loaded from `paths`, if it would: it is one of their
/// files, or it would be read as one the next time they are loaded (a new `*.yaml` in a spec
/// directory). `None`: the loader never reads `file`.
pub fn read_as_spec(paths: &[PathBuf], file: &Path) -> Option<String> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    // A file that does not exist yet: where it would be, from its directory's real path.
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let target = canonical(file).or_else(|| Some(canonical(parent)?.join(file.file_name()?)))?;
    let mut ignored = Vec::new();
    for path in paths {
        let found = discover(path, &mut ignored).unwrap_or_default();
        if found.iter().any(|f| canonical(f).as_ref() == Some(&target)) {
            return Some(format!("is one of the spec files of `{}`", path.display()));
        }
    }
    if target.exists() || !is_spec_name(file) {
        return None;
    }
    let target_dir = target.parent()?;
    for path in paths.iter().filter(|p| p.is_dir()) {
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
        let spec_dir = walker
            .flatten()
            .filter(|e| e.file_type().is_dir())
            .any(|e| canonical(e.path()).as_deref() == Some(target_dir));
        if spec_dir {
            return Some(format!(
                "would be read as a spec file of `{}` the next time the specs are loaded",
                path.display()
            ));
        }
    }
    None
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Whether a file at `path` would be read as a spec: `*.yaml` / `*.yml`, not hidden, and not
/// topicgate's own settings file (`topicgate.yaml`), which is never a spec wherever it stands.
pub fn is_spec_name(path: &Path) -> bool {
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let is_settings = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_settings_name);
    is_yaml && !is_settings && !is_hidden(path)
}

/// topicgate's settings file names: never a spec, wherever they stand. The first is the one
/// looked up in the current directory when `--config` is not given.
pub const SETTINGS_FILE_NAMES: [&str; 2] = ["topicgate.yaml", "topicgate.yml"];

/// `topicgate.yaml` / `topicgate.yml`: topicgate's settings file, never a spec. (Exactly these
/// names: a spec file named `TopicGate.yaml` is still read. `export` writes lower-case names
/// only, so it never writes one a case-insensitive file system would take for these.)
pub fn is_settings_name(name: &str) -> bool {
    SETTINGS_FILE_NAMES.contains(&name)
}

/// What a failed step of the walk means, said about the entry it failed on. A link back to a
/// directory that contains it is a warning (its specs are read once, through that directory);
/// anything that could hide specs is an error.
fn walk_problem(e: &walkdir::Error) -> Option<Diagnostic> {
    let path = e.path()?;
    if is_hidden(path) {
        return None;
    }
    if let Some(ancestor) = e.loop_ancestor() {
        return Some(Diagnostic::warning(
            path,
            None,
            format!(
                "a symbolic link to `{}`, a directory that contains it: a loop, not followed (its specs are read once, through `{}`)",
                ancestor.display(),
                ancestor.display()
            ),
        ));
    }
    let io = e.io_error();
    let link = std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| std::fs::read_link(path).ok())
        .flatten();
    // A broken link named like a spec hides one, and an unreadable directory may hide many;
    // a broken link with another name (`README.md`) is only worth a warning.
    let hides_specs = link.is_none() || is_spec_name(path) || path.extension().is_none();
    let message = match (link, io.map(|io| io.kind())) {
        (Some(target), Some(std::io::ErrorKind::NotFound)) => format!(
            "a dangling symbolic link: its target `{}` does not exist; fix or remove the link",
            target.display()
        ),
        (Some(target), _) => format!(
            "a symbolic link to `{}` that cannot be followed: {}",
            target.display(),
            io.map_or_else(|| e.to_string(), ToString::to_string)
        ),
        (None, _) => format!(
            "cannot read: {}",
            io.map_or_else(|| e.to_string(), ToString::to_string)
        ),
    };
    Some(if hides_specs {
        Diagnostic::error(path, None, message)
    } else {
        Diagnostic::warning(path, None, message)
    })
}
