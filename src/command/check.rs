//! `topicgate check`: specs -> describe -> check -> render findings.

use super::{load_and_describe, Context, Outcome};
use crate::check::check;
use crate::error::Error;
use crate::render;
use crate::settings::arguments::{CheckFormat, FailOn};
use crate::settings::CheckSettings;

pub(super) fn run(s: &CheckSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let io = &mut cx.io;
    let cluster = super::open(cx.connector, &s.source, io)?;
    let (specs, state) = load_and_describe(&s.paths, None, &*cluster, io)?;
    let mut report = check(&s.rules.input(&specs, &state));
    // Who may create topics besides the provisioners (a DescribeConfigs and a DescribeAcls
    // request): only when topicgate.yaml names them, so that a check without them costs no
    // extra round trip and a snapshot answers as the live cluster does.
    let acls = if s.provisioners.is_empty() {
        None
    } else {
        cluster.describe_acls()
    };
    if let Some(acls) = acls {
        let mut acl_findings = Vec::new();
        crate::check::topic_create_allowed::check(
            &acls,
            &specs,
            &s.provisioners,
            &mut acl_findings,
            &mut report.notes,
        );
        report.add_cluster_findings(acl_findings);
    }
    super::leave_to_exit(state);
    match s.format {
        CheckFormat::Text => render::findings::render_text(&report, io.out, io.palette)?,
        CheckFormat::Json => render::findings::render_json(&report, io.out)?,
        CheckFormat::Markdown => render::findings::render_markdown(&report, io.out)?,
        CheckFormat::Github => render::findings::render_github(&report, io.out)?,
    }
    let failing = match s.fail_on {
        FailOn::Error => report.summary.errors,
        FailOn::Warning => report.summary.errors + report.summary.warnings,
    };
    Ok(if failing > 0 {
        Outcome::Fail
    } else {
        Outcome::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::command::testing::{has_line, live, rules, run as run_with, spec_dir};
    use crate::fixtures::kafka_topic;

    fn settings(dir: &std::path::Path, format: CheckFormat, fail_on: FailOn) -> CheckSettings {
        CheckSettings {
            paths: vec![dir.to_path_buf()],
            source: live(),
            provisioners: Vec::new(),
            rules: rules(),
            format,
            fail_on,
        }
    }

    #[test]
    fn check_reports_drift_and_fails_on_errors() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("orders", kafka_topic(3, 1, &[("retention.ms", "1000")]));
        let dir = spec_dir("topics:\n  - name: orders\n    partitions: 3\n    replication_factor: 1\n    configs: {retention.ms: 2000}\n");
        let ran = run_with(&cluster, |cx| {
            run(&settings(dir.path(), CheckFormat::Text, FailOn::Error), cx)
        });
        assert_eq!(ran.outcome(), Outcome::Fail);
        let at = dir.path().join("topics.yaml");
        let finding = format!("error[config-drift] `orders` configs differ from its spec ({}:2:5): `retention.ms` is `1000` (spec: `2000`)", at.display());
        assert!(has_line(&ran.out, &finding), "{}", ran.out);
        assert!(
            has_line(&ran.out, "check: 1 error(s), 0 warning(s) on `memory`."),
            "{}",
            ran.out
        );
        assert!(ran.err.is_empty(), "{}", ran.err);
        assert!(
            cluster.requests().is_empty(),
            "check sent {:?}",
            cluster.requests()
        );
    }

    #[test]
    fn check_passes_a_cluster_that_matches() {
        let cluster = MemoryCluster::new();
        cluster.insert_topic("orders", kafka_topic(3, 1, &[]));
        let dir =
            spec_dir("topics:\n  - name: orders\n    partitions: 3\n    replication_factor: 1\n");
        let ran = run_with(&cluster, |cx| {
            run(
                &settings(dir.path(), CheckFormat::Json, FailOn::Warning),
                cx,
            )
        });
        assert_eq!(ran.outcome(), Outcome::Success);
        let doc: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
        assert_eq!(doc["format"], "topicgate-check");
        assert_eq!(
            doc["summary"],
            serde_json::json!({"errors": 0, "warnings": 0})
        );
        assert_eq!(doc["findings"], serde_json::json!([]));
    }
}
