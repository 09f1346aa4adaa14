//! Renders a `Plan`: readable text with a unified diff of each topic's settings, markdown for a
//! pull-request comment, or the versioned JSON document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use super::Palette;
use crate::model::plan::{Action, ConfigChangeOp, Plan, TopicChange};
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

/// (before, after) settings text of a change.
fn before_after(change: &TopicChange) -> (String, String) {
    let before_configs = change
        .before
        .as_ref()
        .map(|b| b.overrides.clone())
        .unwrap_or_default();
    let mut after_configs = before_configs.clone();
    for c in &change.configs {
        match (c.op, &c.to) {
            (ConfigChangeOp::Set, Some(v)) => {
                after_configs.insert(c.key.clone(), v.clone());
            }
            _ => {
                after_configs.remove(&c.key);
            }
        }
    }
    let (bp, brf) = match &change.before {
        Some(b) => (Some(b.partitions), Some(b.replication_factor)),
        None => (None, None),
    };
    let mut ap = change.partitions.as_ref().map(|p| p.to).or(bp);
    let mut arf = change.replication_factor.as_ref().map(|r| r.to).or(brf);
    for b in &change.blocked {
        match b.setting.as_str() {
            "partitions" => ap = Some(b.to as i32),
            "replication_factor" => arf = Some(b.to as i16),
            _ => {}
        }
    }
    let before = settings_lines(bp, brf, &before_configs);
    let after = match change.action {
        Action::Delete => String::new(),
        _ => settings_lines(ap, arf, &after_configs),
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
        out.push((
            "blocked",
            format!("{} {} -> {}: {}", b.setting, b.from, b.to, b.reason),
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
            if let Some(r) = &b.reassignment {
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
            if let Some(r) = &b.reassignment {
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
    serde_json::to_writer_pretty(&mut *w, plan)?;
    writeln!(w)
}
