//! The short lines commands print around their results: the snapshot a command works from,
//! apply's closing lines and prompt, what `snapshot` and `export` wrote, and the JSON Schemas.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use super::Palette;
use crate::cluster::connect::SnapshotOrigin;

/// On stderr: the command works from a snapshot, not a live cluster, and how old it is.
pub fn working_from_snapshot(
    snapshot: &SnapshotOrigin,
    w: &mut dyn Write,
    p: Palette,
) -> io::Result<()> {
    let age = snapshot
        .age
        .map(|a| humantime::format_duration(Duration::from_secs(a.as_secs())).to_string())
        .unwrap_or_else(|| "of unknown age".into());
    writeln!(
        w,
        "{} working from snapshot `{}` of `{}` taken at {} ({age} ago), not from a live cluster",
        p.changed("note:"),
        snapshot.path.display(),
        snapshot.source,
        snapshot.taken_at
    )
}

/// After an empty plan.
pub fn nothing_to_apply(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Nothing to apply.")
}

/// `apply`: the blank line between the plan and the report, written before the requests go out.
pub fn before_report(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w)
}

/// `apply --dry-run`: after the plan, nothing sent.
pub fn dry_run_not_sent(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w)?;
    writeln!(
        w,
        "Dry run: no request was sent; the changes above are what `apply` would make."
    )
}

/// `apply --dry-run --broker-validate`: after the report, nothing changed.
pub fn dry_run_validated(w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "\nDry run: the broker validated the requests and nothing was changed."
    )
}

/// The confirmation prompt of `apply` (on stderr), without a newline.
pub fn confirm_prompt(cluster: &str, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "\nApply these changes to `{cluster}`? Only `yes` is accepted: "
    )?;
    w.flush()
}

/// `snapshot --out FILE` (on stderr).
pub fn snapshot_written(
    cluster: &str,
    topics: usize,
    file: &Path,
    w: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        w,
        "snapshot of `{cluster}` ({topics} topic(s)) written to `{}`",
        file.display()
    )
}

/// `export`: one file written.
pub fn exported_file(path: &Path, topics: usize, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "wrote {} ({topics} topic(s))", path.display())
}

/// `export` (on stderr): a topic left out, and why.
pub fn not_exported(topic: &str, why: &str, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    writeln!(
        w,
        "{} `{topic}` was not exported: {why}; it stays unmanaged",
        p.changed("warning:")
    )
}

/// `export`: the closing line.
pub fn exported(topics: usize, files: usize, dir: &Path, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "Exported {topics} topic(s) to {files} file(s) in `{}`.",
        dir.display()
    )
}

/// `topicgate schema`: a JSON Schema, pretty, then a newline.
pub fn schema(schema: &serde_json::Value, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, schema)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut w = Vec::new();
        f(&mut w).unwrap();
        String::from_utf8(w).unwrap()
    }

    #[test]
    fn the_snapshot_note_says_which_and_how_old() {
        let mut origin = SnapshotOrigin {
            path: "s.json".into(),
            source: "b-1:9092".into(),
            taken_at: "2026-11-24T02:00:00Z".into(),
            age: Some(Duration::from_millis(9 * 3600 * 1000 + 300)),
        };
        let p = Palette { color: false };
        assert_eq!(
            text(|w| working_from_snapshot(&origin, w, p)),
            "note: working from snapshot `s.json` of `b-1:9092` taken at 2026-11-24T02:00:00Z (9h ago), not from a live cluster\n"
        );
        origin.age = None;
        assert!(text(|w| working_from_snapshot(&origin, w, p)).contains("(of unknown age ago)"));
    }

    #[test]
    fn apply_lines() {
        assert_eq!(text(nothing_to_apply), "Nothing to apply.\n");
        assert_eq!(
            text(dry_run_not_sent),
            "\nDry run: no request was sent; the changes above are what `apply` would make.\n"
        );
        assert_eq!(
            text(|w| confirm_prompt("h:9092", w)),
            "\nApply these changes to `h:9092`? Only `yes` is accepted: "
        );
    }
}
