//! Renders a `Plan`: readable text with a unified diff of each topic's settings, markdown for a
//! pull-request comment, or the versioned JSON document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use super::Palette;
use crate::model::plan::{Action, Blocked, ConfigChangeOp, Plan, TopicChange};
use crate::model::topic_config::humanise;

/// The one-line count of a plan.
pub fn summary_line(plan: &Plan) -> String {
    let s = &plan.summary;
    format!(
        "{} to create, {} to update, {} to delete, {} blocked, {} unchanged",
        s.create, s.update, s.delete, s.blocked, s.unchanged
    )
}

fn cluster_name(plan: &Plan) -> String {
    match &plan.cluster.cluster_id {
        Some(id) => format!("`{}` (cluster id `{id}`)", plan.cluster.source),
        None => format!("`{}`", plan.cluster.source),
    }
}

/// The settings of a topic as lines, before or after the change: the text that is diffed.
fn settings_lines(
    partitions: Option<i32>,
    rf: Option<i16>,
    configs: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    if let Some(p) = partitions {
        out.push_str(&format!("partitions: {p}\n"));
    }
    if let Some(rf) = rf {
        out.push_str(&format!("replication_factor: {rf}\n"));
    }
    if !configs.is_empty() {
        out.push_str("configs:\n");
        for (k, v) in configs {
            match humanise(k, v) {
                Some(h) => out.push_str(&format!("  {k}: {v}  # {h}\n")),
                None => out.push_str(&format!("  {k}: {v}\n")),
            }
        }
    }
    out
}

/// (before, after) settings text of a change. The after side shows the targets of blocked
/// changes too, so the diff says what the spec asks for.
fn before_after(change: &TopicChange) -> (String, String) {
    let before = match &change.before {
        Some(b) => settings_lines(Some(b.partitions), Some(b.replication_factor), &b.overrides),
        None => String::new(),
    };
    let after = match change.after() {
        Some(after) => {
            let mut partitions = after.partitions;
            let mut rf = after.replication_factor;
            for b in &change.blocked {
                match b {
                    Blocked::PartitionDecrease { to, .. } => partitions = *to,
                    Blocked::ReplicationFactor { to, .. } => rf = *to,
                    Blocked::ConfigsUnreadable { .. } => {}
                }
            }
            settings_lines(Some(partitions), Some(rf), &after.overrides)
        }
        None => String::new(),
    };
    (before, after)
}

/// The diff lines of a change, each with its sign.
fn diff_lines(change: &TopicChange) -> Vec<(char, String)> {
    let (before, after) = before_after(change);
    TextDiff::from_lines(&before, &after)
        .iter_all_changes()
        .map(|c| {
            let sign = match c.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            (sign, c.value().trim_end_matches('\n').to_string())
        })
        .collect()
}

/// Notes under a topic: removed overrides explained, blocked changes, warnings.
fn notes(change: &TopicChange) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let removed: Vec<String> = change
        .configs
        .iter()
        .filter(|c| c.op == ConfigChangeOp::Delete)
        .map(|c| format!("`{}`", c.key))
        .collect();
    if !removed.is_empty() {
        out.push((
            "note",
            format!(
                "override(s) {} are not in the spec and will be removed; the topic then inherits the broker's value",
                removed.join(", ")
            ),
        ));
    }
    for b in &change.blocked {
        let (from, to) = b.from_to();
        out.push((
            "blocked",
            format!("{} {from} -> {to}: {}", b.setting(), b.reason()),
        ));
    }
    for w in &change.warnings {
        out.push(("warning", w.clone()));
    }
    if change.action == Action::Delete {
        out.push((
            "note",
            "deleting a topic deletes its data; `apply` does it only with `--allow-delete`".into(),
        ));
    }
    out
}

fn headline(change: &TopicChange) -> (&'static str, char) {
    match change.action {
        Action::Create => ("create", '+'),
        Action::Update => ("update", '~'),
        Action::Delete => ("delete", '-'),
        Action::Blocked => ("blocked", '!'),
    }
}

pub fn render_text(plan: &Plan, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    if plan.is_empty() {
        writeln!(
            w,
            "No changes: {} declared topic(s) match {}.",
            plan.summary.unchanged,
            cluster_name(plan)
        )?;
        return Ok(());
    }
    writeln!(
        w,
        "{}",
        p.strong(&format!(
            "Plan for {}: {}.",
            cluster_name(plan),
            summary_line(plan)
        ))
    )?;
    for warning in &plan.warnings {
        writeln!(w, "{} {warning}", p.changed("warning:"))?;
    }
    for change in &plan.changes {
        writeln!(w)?;
        let (verb, sign) = headline(change);
        let head = format!("{sign} {verb} {}", change.topic);
        let head = match change.action {
            Action::Create => p.added(&head),
            Action::Update => p.changed(&head),
            Action::Delete => p.removed(&head),
            Action::Blocked => p.bad(&head),
        };
        let at = change
            .declared_at
            .as_deref()
            .map(|l| format!("  ({l})"))
            .unwrap_or_default();
        writeln!(w, "{}{}", p.strong(&head), p.dim(&at))?;
        for (sign, line) in diff_lines(change) {
            let text = format!("    {sign}{line}");
            let text = match sign {
                '+' => p.added(&text),
                '-' => p.removed(&text),
                _ => text,
            };
            writeln!(w, "{text}")?;
        }
        for (label, note) in notes(change) {
            let label_text = format!("{label}:");
            let label_text = match label {
                "blocked" => p.bad(&label_text),
                "warning" => p.changed(&label_text),
                _ => p.dim(&label_text),
            };
            writeln!(w, "    {label_text} {note}")?;
        }
        for b in &change.blocked {
            if let Some(r) = b.reassignment() {
                writeln!(w, "    reassignment JSON for `kafka-reassign-partitions.sh --reassignment-json-file`:")?;
                writeln!(w, "    {}", serde_json::to_string(r).unwrap_or_default())?;
            }
        }
    }
    Ok(())
}

pub fn render_markdown(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "### topicgate plan")?;
    writeln!(w)?;
    if plan.is_empty() {
        writeln!(
            w,
            "No changes: {} declared topic(s) match {}.",
            plan.summary.unchanged,
            cluster_name(plan)
        )?;
        return Ok(());
    }
    writeln!(
        w,
        "**{}** against {}.",
        summary_line(plan),
        cluster_name(plan)
    )?;
    writeln!(w)?;
    for warning in &plan.warnings {
        writeln!(w, "> **warning:** {warning}")?;
        writeln!(w)?;
    }
    writeln!(w, "| topic | action | declared at |")?;
    writeln!(w, "| --- | --- | --- |")?;
    for change in &plan.changes {
        let (verb, _) = headline(change);
        let at = change.declared_at.as_deref().unwrap_or("");
        writeln!(w, "| `{}` | {verb} | `{at}` |", change.topic)?;
    }
    for change in &plan.changes {
        let (verb, _) = headline(change);
        writeln!(w)?;
        writeln!(w, "#### `{}`: {verb}", change.topic)?;
        writeln!(w)?;
        writeln!(w, "```diff")?;
        for (sign, line) in diff_lines(change) {
            writeln!(w, "{sign}{line}")?;
        }
        writeln!(w, "```")?;
        let notes = notes(change);
        if !notes.is_empty() {
            writeln!(w)?;
            for (label, note) in notes {
                writeln!(w, "- **{label}:** {note}")?;
            }
        }
        for b in &change.blocked {
            if let Some(r) = b.reassignment() {
                writeln!(w)?;
                writeln!(w, "Reassignment JSON for `kafka-reassign-partitions.sh --reassignment-json-file`:")?;
                writeln!(w)?;
                writeln!(w, "```json")?;
                writeln!(w, "{}", serde_json::to_string_pretty(r).unwrap_or_default())?;
                writeln!(w, "```")?;
            }
        }
    }
    Ok(())
}

pub fn render_json(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    super::json(plan, w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::{ConfigChange, TopicBasis, ValueChange};

    fn change(action: Action, before: Option<TopicBasis>) -> TopicChange {
        TopicChange {
            topic: "t".into(),
            action,
            declared_at: None,
            partitions: None,
            replication_factor: None,
            configs: vec![ConfigChange {
                op: ConfigChangeOp::Set,
                key: "retention.ms".into(),
                from: None,
                to: Some("1000".into()),
            }],
            blocked: Vec::new(),
            warnings: Vec::new(),
            before,
            policy_exceptions: BTreeMap::new(),
        }
    }

    fn lines(change: &TopicChange) -> Vec<String> {
        diff_lines(change)
            .into_iter()
            .map(|(sign, line)| format!("{sign}{line}"))
            .collect()
    }

    #[test]
    fn the_diff_shows_applicable_changes_and_the_targets_of_blocked_ones() {
        let before = TopicBasis {
            partitions: 3,
            replication_factor: 1,
            overrides: [("segment.ms".to_string(), "5".to_string())].into(),
        };
        let mut c = change(Action::Blocked, Some(before.clone()));
        c.blocked = vec![
            Blocked::PartitionDecrease {
                from: 3,
                to: 2,
                reason: "r".into(),
            },
            Blocked::ReplicationFactor {
                from: 1,
                to: 3,
                reason: "r".into(),
                reassignment: None,
            },
            Blocked::ConfigsUnreadable { reason: "r".into() },
        ];
        assert_eq!(
            lines(&c),
            [
                "-partitions: 3",
                "-replication_factor: 1",
                "+partitions: 2",
                "+replication_factor: 3",
                " configs:",
                "+  retention.ms: 1000  # 1s",
                "   segment.ms: 5",
            ]
        );
        let mut create = change(Action::Create, None);
        create.partitions = Some(ValueChange { from: None, to: 2 });
        create.replication_factor = Some(ValueChange { from: None, to: 3 });
        assert_eq!(
            lines(&create),
            [
                "+partitions: 2",
                "+replication_factor: 3",
                "+configs:",
                "+  retention.ms: 1000  # 1s"
            ]
        );
        let mut delete = change(Action::Delete, Some(before));
        delete.configs.clear();
        assert_eq!(
            lines(&delete),
            [
                "-partitions: 3",
                "-replication_factor: 1",
                "-configs:",
                "-  segment.ms: 5"
            ]
        );
    }
}
