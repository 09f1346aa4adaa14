//! `check`: what governance missed. Compares the live cluster with the specs and reports
//! findings, each with a stable code, a severity, the topic, a one-line message and the evidence.
//! Pure: specs, a `ClusterState` and the resolved broker defaults in, findings out. One module
//! per rule.

pub mod auto_create_enabled;
pub mod broker_default_topic;
pub mod drift;
pub mod missing_topic;
pub mod policies;
pub mod topic_create_allowed;
pub mod unmanaged_topic;

use serde::Serialize;

use crate::model::broker_defaults::ResolvedDefaults;
use crate::model::cluster_state::ClusterState;
use crate::model::diagnostic::Severity;
use crate::model::document::{Document, Envelope};
use crate::model::finding::Finding;
use crate::model::plan::ClusterRef;
use crate::model::topic_filter::TopicFilter;
use crate::model::topic_spec::SpecSet;

/// What the rules look at.
pub struct CheckInput<'a> {
    pub specs: &'a SpecSet,
    pub state: &'a ClusterState,
    pub defaults: ResolvedDefaults,
    pub filter: &'a TopicFilter,
    pub policies: &'a crate::policy::CompiledPolicies,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    pub errors: usize,
    pub warnings: usize,
}

/// The `topicgate-check` document.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `topicgate-check`, version 1.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub cluster: ClusterRef,
    pub broker_defaults: ResolvedDefaults,
    pub summary: CheckSummary,
    pub findings: Vec<Finding>,
    /// What could not be checked, and why.
    pub notes: Vec<String>,
}

impl Document for CheckReport {
    const FORMAT: &'static str = "topicgate-check";
    const VERSION: u32 = 1;
}

impl CheckReport {
    /// Adds findings of rules that need more than the cluster state (the ACLs), keeping the
    /// order (cluster-wide first, then by topic and code) and the summary.
    pub fn add_cluster_findings(&mut self, findings: Vec<Finding>) {
        for f in &findings {
            match f.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
            }
        }
        self.findings.extend(findings);
        self.findings
            .sort_by(|a, b| (&a.topic, a.code).cmp(&(&b.topic, b.code)));
    }
}

/// Runs every rule. Findings are sorted: cluster-wide first, then by topic and code.
pub fn check(input: &CheckInput) -> CheckReport {
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    auto_create_enabled::check(input, &mut findings, &mut notes);
    broker_default_topic::check(input, &mut findings, &mut notes);
    missing_topic::check(input, &mut findings);
    drift::check(input, &mut findings, &mut notes);
    unmanaged_topic::check(input, &mut findings);
    policies::check(input, &mut findings);
    findings.sort_by(|a, b| (&a.topic, a.code).cmp(&(&b.topic, b.code)));
    let summary = CheckSummary {
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    };
    CheckReport {
        envelope: Envelope::of::<CheckReport>(),
        cluster: ClusterRef {
            source: input.state.source.clone(),
            cluster_id: input.state.cluster_id.clone(),
        },
        broker_defaults: input.defaults,
        summary,
        findings,
        notes,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    pub(crate) use crate::fixtures::{kafka_topic, msk, sparse_topic, specs};
    use crate::model::broker_defaults::{GivenDefaults, ResolvedDefaults};
    use crate::model::cluster_state::TopicState;

    pub(crate) fn run(specs: &SpecSet, state: &ClusterState, given: GivenDefaults) -> CheckReport {
        let filter = TopicFilter::default();
        let input = CheckInput {
            specs,
            state,
            defaults: ResolvedDefaults::resolve(
                &state.broker_defaults,
                &given,
                &GivenDefaults::default(),
            ),
            filter: &filter,
            policies: &crate::policy::CompiledPolicies::default(),
        };
        check(&input)
    }

    pub(crate) fn codes(report: &CheckReport) -> Vec<(Option<&str>, &'static str, Severity)> {
        report
            .findings
            .iter()
            .map(|f| (f.topic.as_deref(), f.code.as_str(), f.severity))
            .collect()
    }

    pub(crate) const GOVERNED: &str = "topics:\n  - name: orders.created\n    partitions: 12\n    replication_factor: 3\n    configs: {retention.ms: 7d, min.insync.replicas: 2}\n";

    pub(crate) fn governed_topic() -> TopicState {
        kafka_topic(
            12,
            3,
            &[("retention.ms", "604800000"), ("min.insync.replicas", "2")],
        )
    }

    #[test]
    fn a_governed_cluster_has_no_findings() {
        let report = run(
            &specs(GOVERNED),
            &msk(vec![
                ("orders.created", governed_topic()),
                ("__consumer_offsets", kafka_topic(50, 3, &[])),
            ]),
            GivenDefaults::default(),
        );
        assert_eq!(codes(&report), vec![]);
        assert_eq!(report.summary, CheckSummary::default());
    }
}
