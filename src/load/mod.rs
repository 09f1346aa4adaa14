//! `load`: finds spec files, parses them and validates every topic, collecting all problems
//! (with file:line:col) before failing. Nothing here talks to a cluster.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::diagnostic::{Diagnostic, Severity};
use crate::model::position::Pos;
use crate::model::topic_config::{self, RawValue};
use crate::model::topic_spec::{SpecSet, TopicSpec};

mod discover;
mod raw_topic;
pub mod schema;
mod validate;
pub mod yaml;

pub use self::discover::{
    declared, is_settings_name, is_spec_name, read_as_spec, SETTINGS_FILE_NAMES,
};
use self::discover::{discover, once_each};

/// Why specs could not be loaded: every diagnostic found (warnings included).
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the specs", .diagnostics.iter().filter(|d| d.severity == Severity::Error).count())]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    /// A path the caller named does not exist or cannot be used (a wrong argument: exit 2), as
    /// opposed to problems found inside it (dangling links, unreadable entries, invalid content),
    /// which make the specs invalid.
    pub unreadable: bool,
}

/// The loaded specs and the warnings found while loading them.
#[derive(Debug)]
pub struct Loaded {
    pub specs: SpecSet,
    pub warnings: Vec<Diagnostic>,
}

/// Loads all spec files under `paths` (files, or directories searched recursively for
/// `*.yaml` / `*.yml`, following symbolic links; hidden entries and `topicgate.yaml` skipped).
pub fn load(paths: &[PathBuf]) -> Result<Loaded, LoadError> {
    let mut diagnostics = Vec::new();
    let mut unreadable = false;
    let mut files = Vec::new();
    for path in paths {
        match discover(path, &mut diagnostics) {
            Ok(found) => {
                if found.is_empty() {
                    diagnostics.push(Diagnostic::warning(
                        path,
                        None,
                        "no spec files (`*.yaml`, `*.yml`) found here",
                    ));
                }
                files.extend(found)
            }
            Err(message) => {
                unreadable = true;
                diagnostics.push(Diagnostic::error(path, None, message));
            }
        }
    }
    files.sort();
    let files = once_each(files);

    let (topics, parsed_diagnostics) = parse_files(&files);
    diagnostics.extend(parsed_diagnostics);
    let topics = check_across_files(topics, &mut diagnostics);

    diagnostics.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(LoadError {
            diagnostics,
            unreadable,
        });
    }
    Ok(Loaded {
        specs: SpecSet { topics, files },
        warnings: diagnostics,
    })
}

/// Reads and parses files on all cores (files are independent); the results come back in file
/// order, so everything downstream is as deterministic as a sequential parse.
fn parse_files(files: &[PathBuf]) -> (Vec<TopicSpec>, Vec<Diagnostic>) {
    let parse_slice = |slice: &[PathBuf]| {
        let mut topics = Vec::new();
        let mut diagnostics = Vec::new();
        for file in slice {
            match read_spec(file) {
                Ok(text) => parse_file(file, &text, &mut topics, &mut diagnostics),
                Err(d) => diagnostics.push(d),
            }
        }
        (topics, diagnostics)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if threads <= 1 {
        return parse_slice(files);
    }
    let per_thread = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per_thread)
            .map(|slice| scope.spawn(move || parse_slice(slice)))
            .collect();
        let mut all = (Vec::new(), Vec::new());
        for handle in handles {
            let (topics, diagnostics) = handle.join().expect("spec parsing thread");
            all.0.extend(topics);
            all.1.extend(diagnostics);
        }
        all
    })
}

/// A spec file's text; a file that cannot be read, or is not UTF-8, is a diagnostic on it.
fn read_spec(file: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(file)
        .map_err(|e| Diagnostic::error(file, None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        // The prefix is valid UTF-8: count lines in bytes and the column in characters.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let pos = Pos {
            line: before.matches('\n').count() + 1,
            col: before[line_start..].chars().count() + 1,
        };
        Diagnostic::error(
            file,
            Some(pos),
            format!(
                "byte 0x{:02X} is not UTF-8 (the file looks like Latin-1 or another legacy encoding); spec files must be UTF-8: re-save it as UTF-8 (for example with `iconv -f latin1 -t utf-8`)",
                bytes[at]
            ),
        )
    })
}

/// Parses one file's text into topics, adding diagnostics for everything wrong with it. The
/// stages: the YAML tree (`yaml`), raw topic entries (`raw_topic`: shape, key names, kinds of
/// values), then each entry's values (`validate`). A topic with any problem is left out.
pub fn parse_file(file: &Path, text: &str, out: &mut Vec<TopicSpec>, diags: &mut Vec<Diagnostic>) {
    let root = match yaml::read(file, text) {
        Ok(root) => root,
        Err(problems) => {
            diags.extend(problems);
            return;
        }
    };
    let mut report = Report {
        file,
        diags,
        fallback: Pos { line: 1, col: 1 },
    };
    let raw = raw_topic::from_file(&root, &mut report);
    // Stages that combine raw entries (an overlay per environment, say) go here: between the
    // raw entries, whose values keep their positions, and validation.
    for (topic, raw_problems) in raw {
        let before = report.error_count();
        let spec = validate::topic(topic, &mut report);
        if raw_problems == 0 && report.error_count() == before {
            out.extend(spec);
        }
    }
}

/// Where a file's problems go, each with its position or else the nearest known one.
struct Report<'a> {
    file: &'a Path,
    diags: &'a mut Vec<Diagnostic>,
    /// The nearest known position, used when a node has none (behind an alias).
    fallback: Pos,
}

impl Report<'_> {
    fn error(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        let pos = pos.or(Some(self.fallback));
        self.diags.push(Diagnostic::error(self.file, pos, message));
    }

    fn warning(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        let pos = pos.or(Some(self.fallback));
        self.diags
            .push(Diagnostic::warning(self.file, pos, message));
    }

    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error && d.file == self.file)
            .count()
    }
}

/// A YAML number as written: a whole number whatever its size (serde_yaml keeps one beyond
/// `i64` as `u64`, and one beyond that as a float; all are far out of any range here), otherwise
/// a decimal.
fn number(n: &serde_yaml::Number) -> RawValue {
    if let Some(i) = n.as_i64() {
        return RawValue::Int(i.into());
    }
    if let Some(u) = n.as_u64() {
        return RawValue::Int(u.into());
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if f.is_finite() && f.abs() >= 9.2e18 {
        // Integral at this size; `as` saturates at i128's bounds, still out of every range.
        return RawValue::Int(f as i128);
    }
    RawValue::Float(f)
}

fn unknown_key_message(key: &str, known: &[&str], what: &str) -> String {
    let mut msg = format!("unknown key `{key}` in {what}");
    if let Some(s) = topic_config::closest(key, known.iter().copied()) {
        msg.push_str(&format!("; did you mean `{s}`?"));
    } else {
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        msg.push_str(&format!(" (expected one of {})", list.join(", ")));
    }
    msg
}

/// Duplicates across all files, and names that collide once `.` and `_` are treated alike.
fn check_across_files(
    topics: Vec<TopicSpec>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, TopicSpec> {
    let mut by_name: BTreeMap<String, TopicSpec> = BTreeMap::new();
    let mut by_metric_name: BTreeMap<String, String> = BTreeMap::new();
    for spec in topics {
        if let Some(first) = by_name.get(&spec.name) {
            diags.push(Diagnostic::error(
                &spec.origin.file,
                Some(spec.origin.pos),
                format!(
                    "topic `{}` is declared twice: here and at {}",
                    spec.name,
                    first.origin.location()
                ),
            ));
            continue;
        }
        // N.B. KAFKA.md: names differing only by `.` vs `_` collide in metric names.
        let metric_name = spec.name.replace('.', "_");
        if let Some(other) = by_metric_name.get(&metric_name) {
            let other = &by_name[other];
            diags.push(Diagnostic::error(
                &spec.origin.file,
                Some(spec.origin.pos),
                format!(
                    "topic `{}` collides with `{}` (at {}): names that differ only by `.` and `_` clash in Kafka's metric names, and Kafka refuses to create the second",
                    spec.name,
                    other.name,
                    other.origin.location()
                ),
            ));
            continue;
        }
        by_metric_name.insert(metric_name, spec.name.clone());
        by_name.insert(spec.name.clone(), spec);
    }
    by_name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<TopicSpec>, Vec<Diagnostic>) {
        let mut topics = Vec::new();
        let mut diags = Vec::new();
        parse_file(Path::new("t.yaml"), text, &mut topics, &mut diags);
        (topics, diags)
    }

    fn messages(diags: &[Diagnostic]) -> Vec<String> {
        diags.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn a_valid_topic_is_normalised() {
        let (topics, diags) = parse(
            "topics:\n  - name: orders.created\n    partitions: 12\n    replication_factor: 3\n    owner: team-a\n    configs:\n      retention.ms: 7d\n      cleanup.policy: delete\n      min.insync.replicas: 2\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let t = &topics[0];
        assert_eq!(t.name, "orders.created");
        assert_eq!(t.partitions, Some(12));
        assert_eq!(t.replication_factor, Some(3));
        assert_eq!(t.configs["retention.ms"], "604800000");
        assert_eq!(t.configs["min.insync.replicas"], "2");
        assert_eq!(t.origin.pos, Pos { line: 2, col: 5 });
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let (topics, diags) = parse(
            "topics:\n  - name: bad name\n    partitons: 3\n    replication_factor: 0\n    configs:\n      retention.msec: 1\n      cleanup.policy: compacted\n  - name: ok\n    partitions: x\n    replication_factor: 1\n",
        );
        assert!(topics.is_empty());
        let got = messages(&diags);
        let expect = [
            "(t.yaml:2:11)",
            "unknown key `partitons` in a topic entry; did you mean `partitions`? (t.yaml:3:5)",
            "`replication_factor` must be at least 1, got 0 (t.yaml:4:25)",
            "`retention.msec` is not a Kafka topic-level config; did you mean `retention.ms`? (t.yaml:6:7)",
            "did you mean `compact`? (t.yaml:7:23)",
            "`partitions` must be a whole number, got a string (t.yaml:9:17)",
        ];
        for e in expect {
            assert!(
                got.iter().any(|g| g.contains(e)),
                "missing {e:?} in {got:#?}"
            );
        }
        // The misspelt `partitons` already explains the missing `partitions`.
        assert_eq!(got.len(), expect.len(), "{got:#?}");
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let (_, diags) = parse("topics:\n  - name: a\n    partitions: [1\n");
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.starts_with("invalid YAML"),
            "{:?}",
            diags[0]
        );
        assert!(diags[0].pos.is_some());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, diags) = parse("topics:\n  - name: a\n    partitions: 1\n    partitions: 2\n    replication_factor: 1\n");
        let text = messages(&diags).join("\n");
        assert!(text.contains("partitions"), "{text}");
        assert!(text.contains(":4:"), "{text}");
    }

    #[test]
    fn duplicates_and_collisions_across_files_name_both_places() {
        let mut topics = Vec::new();
        let mut diags = Vec::new();
        let entry = |n: &str| {
            format!("topics:\n  - name: {n}\n    partitions: 1\n    replication_factor: 1\n")
        };
        parse_file(Path::new("a.yaml"), &entry("x.y"), &mut topics, &mut diags);
        parse_file(Path::new("b.yaml"), &entry("x.y"), &mut topics, &mut diags);
        parse_file(Path::new("c.yaml"), &entry("x_y"), &mut topics, &mut diags);
        let set = check_across_files(topics, &mut diags);
        assert_eq!(set.len(), 1);
        let text = messages(&diags).join("\n");
        assert!(
            text.contains("declared twice: here and at a.yaml:2:5 (b.yaml:2:5)"),
            "{text}"
        );
        assert!(
            text.contains("`x_y` collides with `x.y` (at a.yaml:2:5)"),
            "{text}"
        );
    }

    // Regression: 2^63 was "must be a whole number, got an integer", `1e3` was "got 1000", and
    // `Retention.MS` / `Partitions` got no "did you mean".
    #[test]
    fn numbers_are_described_as_they_are_and_case_slips_get_a_suggestion() {
        let (_, diags) = parse(
            "topics:\n  - name: a\n    partitions: 9223372036854775808\n    replication_factor: 1e3\n    configs:\n      retention.ms: 1e3\n      segment.ms: 9223372036854775808\n      Retention.MS: 5\n      segment.bytes: 1.5\n  - name: b\n    Partitions: 1\n    replication_factor: 1\n",
        );
        let got = messages(&diags);
        let expect = [
            "`partitions` must be at most 2147483647, got 9223372036854775808 (t.yaml:3:17)",
            "`replication_factor` must be a whole number, got the decimal number 1000.0; write it as `1000` (t.yaml:4:25)",
            "`retention.ms` must be a whole number of milliseconds or a duration like `7d`, got the decimal number 1000.0; write it as `1000` (t.yaml:6:21)",
            "`segment.ms` must be between 1 and 9223372036854775807 (Long.MAX_VALUE), got 9223372036854775808 (t.yaml:7:19)",
            "`Retention.MS` is not a Kafka topic-level config; did you mean `retention.ms`? (t.yaml:8:7)",
            "`segment.bytes` must be a whole number of bytes or a size like `1GiB`, got the decimal number 1.5 (t.yaml:9:22)",
            "unknown key `Partitions` in a topic entry; did you mean `partitions`? (t.yaml:11:5)",
        ];
        for e in expect {
            assert!(
                got.iter().any(|g| g.contains(e)),
                "missing {e:?} in {got:#?}"
            );
        }
        assert_eq!(got.len(), expect.len(), "{got:#?}");
    }

    const ONE: &str = "topics:\n  - name: NAME\n    partitions: 1\n    replication_factor: 1\n";

    fn write(path: &Path, topic: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, ONE.replace("NAME", topic)).unwrap();
    }

    fn diagnostics_of(result: &Result<Loaded, LoadError>) -> String {
        let diags = match result {
            Ok(l) => &l.warnings,
            Err(e) => &e.diagnostics,
        };
        messages(diags).join("\n")
    }

    // Regression: discovery silently skipped symlinked spec files and directories.
    #[test]
    fn symlinked_files_and_directories_are_read_and_loops_are_not_followed() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(&root.join("elsewhere/linked-file.yaml"), "linked.file");
        write(&root.join("shared/deep/x.yaml"), "linked.dir");
        write(&root.join("topics/plain.yaml"), "plain");
        symlink(
            root.join("elsewhere/linked-file.yaml"),
            root.join("topics/a.yaml"),
        )
        .unwrap();
        symlink(root.join("shared"), root.join("topics/shared")).unwrap();
        // A link back to an ancestor: a loop, reported once, not followed forever.
        symlink(root.join("topics"), root.join("topics/shared-loop")).unwrap();
        // The same file through a second link is read once, not declared twice.
        symlink(
            root.join("topics/plain.yaml"),
            root.join("topics/plain-again.yaml"),
        )
        .unwrap();
        let loaded = load(&[root.join("topics")]);
        let text = diagnostics_of(&loaded);
        let loaded = loaded.unwrap_or_else(|e| panic!("{e}: {text}"));
        let names: Vec<&str> = loaded.specs.topics.keys().map(String::as_str).collect();
        assert_eq!(names, ["linked.dir", "linked.file", "plain"], "{text}");
        assert!(text.contains("shared-loop"), "{text}");
        assert!(text.contains("loop"), "{text}");
    }

    // Regression: dangling links were skipped without a word, and the first unreadable entry
    // stopped the walk, so later problems went unreported.
    #[test]
    fn dangling_links_and_unreadable_entries_are_reported_and_the_walk_goes_on() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("topics");
        write(&dir.join("good.yaml"), "good");
        symlink(dir.join("missing.yaml"), dir.join("a-dangling.yaml")).unwrap();
        symlink(dir.join("missing-dir"), dir.join("b-dangling-dir")).unwrap();
        symlink(dir.join("gone.md"), dir.join("b-notes.md")).unwrap();
        // A link to itself cannot be resolved (ELOOP), even by root.
        symlink(dir.join("c-self.yaml"), dir.join("c-self.yaml")).unwrap();
        // A FIFO named like a spec cannot be read as one (reading it would block).
        let fifo = dir.join("d-fifo.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Problems after the unreadable entries are still found.
        std::fs::create_dir_all(dir.join("z")).unwrap();
        std::fs::write(
            dir.join("z/bad.yaml"),
            "topics:\n  - name: bad\n    partitions: 0\n    replication_factor: 1\n",
        )
        .unwrap();
        let err = load(std::slice::from_ref(&dir)).unwrap_err();
        assert!(
            !err.unreadable,
            "the named path was readable: a validation failure"
        );
        let text = messages(&err.diagnostics).join("\n");
        for expect in [
            "a-dangling.yaml",
            "b-dangling-dir",
            "c-self.yaml",
            "d-fifo.yaml",
            "`partitions` must be at least 1, got 0",
        ] {
            assert!(text.contains(expect), "missing {expect:?} in {text}");
        }
        assert!(
            text.contains("missing.yaml"),
            "the link's target is named: {text}"
        );
        // A broken link that cannot hide a spec is only a warning.
        let notes = err
            .diagnostics
            .iter()
            .find(|d| d.file.ends_with("b-notes.md"));
        assert_eq!(notes.map(|d| d.severity), Some(Severity::Warning), "{text}");
    }

    #[test]
    fn delete_specs_need_only_a_name() {
        let (topics, diags) = parse("topics:\n  - name: old\n    delete: true\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(topics[0].delete);
    }
}
