//! Renders a `CheckReport`: text for people, the versioned JSON document, markdown for a pull
//! request, or GitHub Actions workflow commands (annotations on the spec lines).

use std::io::{self, Write};

use super::Palette;
use crate::check::CheckReport;
use crate::model::broker_defaults::{DefaultsSource, ResolvedDefaults};
use crate::model::diagnostic::Severity;
use crate::model::finding::Finding;

fn level(f: &Finding) -> &'static str {
    match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn evidence_line(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn source_name(s: DefaultsSource) -> &'static str {
    match s {
        DefaultsSource::Broker => "the broker",
        DefaultsSource::Flag => "--broker-defaults",
        DefaultsSource::ConfigFile => "topicgate.yaml",
        DefaultsSource::Unknown => "unknown",
    }
}

pub fn defaults_line(d: &ResolvedDefaults) -> String {
    let value = |v: Option<String>| v.unwrap_or_else(|| "unknown".into());
    format!(
        "broker defaults: partitions {} ({}), replication factor {} ({}), auto.create.topics.enable {} ({})",
        value(d.partitions.value.map(|v| v.to_string())),
        source_name(d.partitions.source),
        value(d.replication_factor.value.map(|v| v.to_string())),
        source_name(d.replication_factor.source),
        value(d.auto_create_topics_enable.value.map(|v| v.to_string())),
        source_name(d.auto_create_topics_enable.source),
    )
}

/// Findings, one line each with their evidence below; `located` adds the spec location.
pub fn render_lines(
    findings: &[Finding],
    w: &mut dyn Write,
    p: Palette,
    located: bool,
) -> io::Result<()> {
    for f in findings {
        let head = format!("{}[{}]", level(f), f.code.as_str());
        let head = match f.severity {
            Severity::Error => p.bad(&head),
            Severity::Warning => p.changed(&head),
        };
        let at = match (&f.declared_at, located) {
            (Some(at), true) => p.dim(&format!(" ({at})")),
            _ => String::new(),
        };
        writeln!(w, "{head} {}{at}", f.message)?;
        writeln!(
            w,
            "    {}",
            p.dim(&format!("evidence: {}", evidence_line(f)))
        )?;
    }
    Ok(())
}

pub fn render_text(report: &CheckReport, w: &mut dyn Write, p: Palette) -> io::Result<()> {
    render_lines(&report.findings, w, p, false)?;
    for note in &report.notes {
        writeln!(w, "{} {note}", p.dim("note:"))?;
    }
    let s = &report.summary;
    let cluster = &report.cluster.source;
    if report.findings.is_empty() {
        writeln!(
            w,
            "{}",
            p.added(&format!("check: no findings on `{cluster}`."))
        )?;
    } else {
        writeln!(
            w,
            "{}",
            p.strong(&format!(
                "check: {} error(s), {} warning(s) on `{cluster}`.",
                s.errors, s.warnings
            ))
        )?;
    }
    writeln!(w, "{}", p.dim(&defaults_line(&report.broker_defaults)))?;
    Ok(())
}

pub fn render_json(report: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    super::json(report, w)
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render_markdown(report: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "### topicgate check")?;
    writeln!(w)?;
    let s = &report.summary;
    if report.findings.is_empty() {
        writeln!(w, "No findings on `{}`.", report.cluster.source)?;
    } else {
        writeln!(
            w,
            "**{} error(s), {} warning(s)** on `{}`.",
            s.errors, s.warnings, report.cluster.source
        )?;
        writeln!(w)?;
        writeln!(w, "| severity | code | topic | finding |")?;
        writeln!(w, "| --- | --- | --- | --- |")?;
        for f in &report.findings {
            writeln!(
                w,
                "| {} | `{}` | {} | {} |",
                level(f),
                f.code.as_str(),
                f.topic
                    .as_deref()
                    .map(|t| format!("`{t}`"))
                    .unwrap_or_default(),
                md_escape(&f.message)
            )?;
        }
    }
    writeln!(w)?;
    for note in &report.notes {
        writeln!(w, "- note: {}", md_escape(note))?;
    }
    writeln!(w, "- {}", defaults_line(&report.broker_defaults))?;
    Ok(())
}

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`.
pub fn render_github(report: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    for f in &report.findings {
        let mut props = Vec::new();
        if let Some(at) = &f.declared_at {
            let mut parts = at.rsplitn(3, ':');
            let (col, line, file) = (parts.next(), parts.next(), parts.next());
            if let (Some(col), Some(line), Some(file)) = (col, line, file) {
                props.push(format!("file={}", property(file)));
                props.push(format!("line={line}"));
                props.push(format!("col={col}"));
            }
        }
        props.push(format!(
            "title={}",
            property(&format!("topicgate {}", f.code.as_str()))
        ));
        writeln!(
            w,
            "::{} {}::{}",
            level(f),
            props.join(","),
            data(&f.message)
        )?;
    }
    let s = &report.summary;
    writeln!(
        w,
        "topicgate check: {} error(s), {} warning(s) on `{}`",
        s.errors, s.warnings, report.cluster.source
    )?;
    Ok(())
}
