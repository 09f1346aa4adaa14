//! Organisation policies from `topicgate.yaml`: rules every spec (`validate`, `plan`, `apply`)
//! and every live topic (`check`) must follow. Each rule has a severity (`error`, `warning`,
//! `off`), can be waived for one topic in its spec (`policy_exceptions: {CODE: reason}`), and
//! produces findings in `check`'s shape with stable codes. The rules are small, so they live
//! together here, one function each.

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::model::diagnostic::Severity;
use crate::model::finding::{evidence, Code, Finding};
use crate::model::position::Step;
use crate::model::topic_config::{self, ConfigType, RawValue};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RuleSeverity {
    #[default]
    Error,
    Warning,
    Off,
}

/// `policies:` in topicgate.yaml. Every rule is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// Topic names must match at least one of these regexes.
    pub topic_name: Option<NameRule>,
    pub min_partitions: Option<LimitRule>,
    pub max_partitions: Option<LimitRule>,
    pub min_replication_factor: Option<LimitRule>,
    /// `min.insync.replicas` must be below the replication factor, and at least 2 when the
    /// replication factor is 3 or more.
    pub min_insync_replicas: Option<SeverityRule>,
    /// Configs every topic must set.
    pub required_configs: Option<RequiredRule>,
    /// The values a config may take (for example `cleanup.policy: [delete]`).
    pub allowed_values: Option<AllowedRule>,
    /// Bounds for `retention.ms` (durations such as `1h`, `30d`); `-1` (forever) exceeds any max.
    pub retention: Option<RetentionRule>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRule {
    #[serde(default)]
    pub severity: RuleSeverity,
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitRule {
    #[serde(default)]
    pub severity: RuleSeverity,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityRule {
    #[serde(default)]
    pub severity: RuleSeverity,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredRule {
    #[serde(default)]
    pub severity: RuleSeverity,
    pub configs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedRule {
    #[serde(default)]
    pub severity: RuleSeverity,
    pub configs: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    #[serde(default)]
    pub severity: RuleSeverity,
    pub min: Option<String>,
    pub max: Option<String>,
}

/// Policies checked and ready to evaluate (regexes compiled, durations parsed).
#[derive(Debug, Clone, Default)]
pub struct CompiledPolicies {
    names: Option<(Severity, Vec<Regex>)>,
    min_partitions: Option<(Severity, i64)>,
    max_partitions: Option<(Severity, i64)>,
    min_rf: Option<(Severity, i64)>,
    min_isr: Option<Severity>,
    required: Option<(Severity, Vec<String>)>,
    allowed: Option<(Severity, BTreeMap<String, Vec<String>>)>,
    retention: Option<(Severity, Option<i64>, Option<i64>)>,
}

fn active(s: RuleSeverity) -> Option<Severity> {
    match s {
        RuleSeverity::Error => Some(Severity::Error),
        RuleSeverity::Warning => Some(Severity::Warning),
        RuleSeverity::Off => None,
    }
}

/// A regex error on one line: the regex crate's syntax errors draw the pattern with a caret
/// over several lines, which would break a `message (file:line)` report.
pub fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    match text.lines().last() {
        Some(last) if text.contains('\n') => last.trim_start_matches("error: ").to_string(),
        _ => text,
    }
}

/// A mistake in the `policies:` section: where it is (the keys below `policies`, so the caller
/// can name file:line) and what is wrong (`policies.retention.max: ...`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProblem {
    pub at: Vec<Step>,
    pub message: String,
}

fn problem(at: &[&str], message: String) -> RuleProblem {
    RuleProblem {
        at: Step::keys(at),
        message,
    }
}

impl Policies {
    /// Checks the rules themselves and against each other (a minimum above its maximum, values
    /// the config catalog refuses), collecting every problem rather than stopping at the first.
    pub fn compile(&self) -> Result<CompiledPolicies, Vec<RuleProblem>> {
        let mut problems = Vec::new();
        let mut c = CompiledPolicies::default();
        if let Some(r) = &self.topic_name {
            let mut patterns = Vec::new();
            for (i, p) in r.patterns.iter().enumerate() {
                match Regex::new(p) {
                    Ok(re) => patterns.push(re),
                    Err(e) => {
                        let mut at = Step::keys(&["topic_name", "patterns"]);
                        at.push(Step::Item(i));
                        problems.push(RuleProblem {
                            at,
                            message: format!(
                                "policies.topic_name: `{p}` is not a valid regex: {}",
                                regex_error(&e)
                            ),
                        });
                    }
                }
            }
            if r.patterns.is_empty() {
                problems.push(problem(
                    &["topic_name", "patterns"],
                    "policies.topic_name: `patterns` is empty".into(),
                ));
            }
            c.names = active(r.severity).map(|s| (s, patterns));
        }
        let mut limit = |r: &Option<LimitRule>, what: &str| -> Option<(Severity, i64)> {
            let r = r.as_ref()?;
            if r.value < 1 {
                problems.push(problem(
                    &[what, "value"],
                    format!(
                        "policies.{what}: `value` must be at least 1, got {}",
                        r.value
                    ),
                ));
                return None;
            }
            active(r.severity).map(|s| (s, r.value))
        };
        c.min_partitions = limit(&self.min_partitions, "min_partitions");
        c.max_partitions = limit(&self.max_partitions, "max_partitions");
        c.min_rf = limit(&self.min_replication_factor, "min_replication_factor");
        if let (Some(min), Some(max)) = (&self.min_partitions, &self.max_partitions) {
            if min.value >= 1 && max.value >= 1 && min.value > max.value {
                problems.push(problem(
                    &["min_partitions", "value"],
                    format!(
                        "policies.min_partitions: {} is above policies.max_partitions: {}; no topic could follow both",
                        min.value, max.value
                    ),
                ));
            }
        }
        c.min_isr = self
            .min_insync_replicas
            .as_ref()
            .and_then(|r| active(r.severity));
        let known = |key: &str, rule: &str| -> Result<&'static topic_config::ConfigDef, String> {
            if let Some(def) = topic_config::lookup(key) {
                return Ok(def);
            }
            let hint = topic_config::suggest(key)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(format!(
                "policies.{rule}: `{key}` is not a Kafka topic-level config{hint}"
            ))
        };
        if let Some(r) = &self.required_configs {
            for (i, k) in r.configs.iter().enumerate() {
                if let Err(message) = known(k, "required_configs") {
                    let mut at = Step::keys(&["required_configs", "configs"]);
                    at.push(Step::Item(i));
                    problems.push(RuleProblem { at, message });
                }
            }
            c.required = active(r.severity).map(|s| (s, r.configs.clone()));
        }
        if let Some(r) = &self.allowed_values {
            let mut allowed = BTreeMap::new();
            for (key, values) in &r.configs {
                let def = match known(key, "allowed_values") {
                    Ok(def) => def,
                    Err(message) => {
                        problems.push(problem(&["allowed_values", "configs", key], message));
                        continue;
                    }
                };
                // Each value is checked by the catalog and kept in the form Kafka stores, so
                // `7d` is compared as `604800000`. List configs are compared item by item.
                let mut stored = Vec::new();
                for (i, value) in values.iter().enumerate() {
                    let checked = topic_config::normalise(def, &RawValue::Str(value.clone()))
                        .and_then(|v| match def.ty {
                            ConfigType::EnumList(_) if v.contains(',') => Err(format!(
                                "`{key}` is a list: allow its items one by one (`[{}]`), not `{value}`",
                                v.replace(',', ", ")
                            )),
                            _ => Ok(v),
                        });
                    match checked {
                        Ok(v) => stored.push(v),
                        Err(why) => {
                            let mut at = Step::keys(&["allowed_values", "configs", key]);
                            at.push(Step::Item(i));
                            problems.push(RuleProblem {
                                at,
                                message: format!("policies.allowed_values: {why}"),
                            });
                        }
                    }
                }
                allowed.insert(key.clone(), stored);
            }
            c.allowed = active(r.severity).map(|s| (s, allowed));
        }
        if let Some(r) = &self.retention {
            let mut parse = |v: &Option<String>, bound: &str| -> Option<i64> {
                let t = v.as_deref()?;
                let parsed = t
                    .parse::<i64>()
                    .or_else(|_| topic_config::duration_ms(t))
                    .and_then(|ms| match ms {
                        ms if ms < 0 => Err(format!(
                            "`{t}` is negative; a bound is a duration like `1h` or a number of milliseconds"
                        )),
                        ms => Ok(ms),
                    });
                match parsed {
                    Ok(ms) => Some(ms),
                    Err(e) => {
                        problems.push(problem(
                            &["retention", bound],
                            format!("policies.retention.{bound}: {e}"),
                        ));
                        None
                    }
                }
            };
            let (min, max) = (parse(&r.min, "min"), parse(&r.max, "max"));
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    problems.push(problem(
                        &["retention", "min"],
                        format!(
                            "policies.retention: `min` ({}) is above `max` ({}); no topic could follow both",
                            r.min.as_deref().unwrap_or_default(),
                            r.max.as_deref().unwrap_or_default()
                        ),
                    ));
                }
            }
            c.retention = active(r.severity).map(|s| (s, min, max));
        }
        if problems.is_empty() {
            Ok(c)
        } else {
            Err(problems)
        }
    }
}

/// A topic as the rules see it, from a spec or from the cluster.
pub struct Subject<'a> {
    pub name: &'a str,
    pub partitions: i32,
    pub replication_factor: i16,
    /// The topic's own overrides (declared in the spec, or set on the topic).
    pub overrides: &'a BTreeMap<String, String>,
    /// Every value known for the topic: overrides plus, for a live topic, inherited values.
    pub effective: &'a BTreeMap<String, String>,
    /// Rules the spec waives, by code, with the reason.
    pub exceptions: &'a BTreeMap<String, String>,
    /// `file:line:col` of the spec, where there is one.
    pub declared_at: Option<String>,
    /// "spec" or "topic", for messages.
    pub kind: &'static str,
}

impl CompiledPolicies {
    pub fn is_empty(&self) -> bool {
        self.names.is_none()
            && self.min_partitions.is_none()
            && self.max_partitions.is_none()
            && self.min_rf.is_none()
            && self.min_isr.is_none()
            && self.required.is_none()
            && self.allowed.is_none()
            && self.retention.is_none()
    }

    /// Every spec (except `delete: true` ones) against the policies.
    pub fn evaluate_specs(&self, specs: &crate::model::topic_spec::SpecSet) -> Vec<Finding> {
        let mut out = Vec::new();
        for spec in specs.topics.values().filter(|s| !s.delete) {
            let (Some(partitions), Some(replication_factor)) =
                (spec.partitions, spec.replication_factor)
            else {
                continue;
            };
            out.extend(self.evaluate(&Subject {
                name: &spec.name,
                partitions,
                replication_factor,
                overrides: &spec.configs,
                effective: &spec.configs,
                exceptions: &spec.policy_exceptions,
                declared_at: Some(spec.origin.location()),
                kind: "spec",
            }));
        }
        out
    }

    pub fn evaluate(&self, t: &Subject) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut push = |code: Code,
                        severity: Severity,
                        message: String,
                        ev: BTreeMap<String, serde_json::Value>| {
            if t.exceptions.contains_key(code.as_str()) {
                return;
            }
            out.push(Finding {
                code,
                severity,
                topic: Some(t.name.to_string()),
                message,
                evidence: ev,
                declared_at: t.declared_at.clone(),
            });
        };
        let (name, kind) = (t.name, t.kind);
        if let Some((sev, patterns)) = &self.names {
            if !patterns.iter().any(|p| p.is_match(name)) {
                let list: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
                push(
                    Code::PolicyTopicName,
                    *sev,
                    format!(
                        "`{name}` does not match the naming policy ({})",
                        list.join(" or ")
                    ),
                    evidence([("patterns", json!(list))]),
                );
            }
        }
        let p = i64::from(t.partitions);
        if let Some((sev, min)) = self.min_partitions {
            if p < min {
                push(
                    Code::PolicyMinPartitions,
                    sev,
                    format!(
                        "`{name}` {kind} has {p} partition(s); the policy asks for at least {min}"
                    ),
                    evidence([("actual", json!(p)), ("min", json!(min))]),
                );
            }
        }
        if let Some((sev, max)) = self.max_partitions {
            if p > max {
                push(
                    Code::PolicyMaxPartitions,
                    sev,
                    format!(
                        "`{name}` {kind} has {p} partition(s); the policy allows at most {max}"
                    ),
                    evidence([("actual", json!(p)), ("max", json!(max))]),
                );
            }
        }
        let rf = i64::from(t.replication_factor);
        if let Some((sev, min)) = self.min_rf {
            if rf < min {
                push(Code::PolicyMinReplicationFactor, sev, format!("`{name}` {kind} has replication factor {rf}; the policy asks for at least {min}"), evidence([("actual", json!(rf)), ("min", json!(min))]));
            }
        }
        if let Some(sev) = self.min_isr {
            if let Some(isr) = t
                .effective
                .get("min.insync.replicas")
                .and_then(|v| v.parse::<i64>().ok())
            {
                let why = if isr >= rf {
                    Some(format!("is {isr} with replication factor {rf}: producers with `acks=all` fail as soon as one replica is down; it must be below the replication factor"))
                } else if rf >= 3 && isr < 2 {
                    Some(format!("is {isr} with replication factor {rf}: an acknowledged write can live on a single replica; it must be at least 2"))
                } else {
                    None
                };
                if let Some(why) = why {
                    push(
                        Code::PolicyMinInsyncReplicas,
                        sev,
                        format!("`{name}` {kind}: `min.insync.replicas` {why}"),
                        evidence([
                            ("min.insync.replicas", json!(isr)),
                            ("replication_factor", json!(rf)),
                        ]),
                    );
                }
            }
        }
        if let Some((sev, required)) = &self.required {
            let missing: Vec<&String> = required
                .iter()
                .filter(|k| !t.overrides.contains_key(*k))
                .collect();
            if !missing.is_empty() {
                let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
                push(
                    Code::PolicyRequiredConfig,
                    *sev,
                    format!(
                        "`{name}` {kind} does not set {} (required by policy)",
                        list.join(", ")
                    ),
                    evidence([("missing", json!(missing))]),
                );
            }
        }
        if let Some((sev, allowed)) = &self.allowed {
            for (key, values) in allowed {
                let Some(value) = t.effective.get(key) else {
                    continue;
                };
                let items: Vec<&str> = match topic_config::lookup(key).map(|d| d.ty) {
                    Some(ConfigType::EnumList(_)) => value.split(',').map(str::trim).collect(),
                    _ => vec![value.as_str()],
                };
                let bad: Vec<&str> = items
                    .into_iter()
                    .filter(|i| !values.iter().any(|v| topic_config::equivalent(key, v, i)))
                    .collect();
                if !bad.is_empty() {
                    push(
                        Code::PolicyAllowedValue,
                        *sev,
                        format!(
                            "`{name}` {kind}: `{key}` is `{value}`; the policy allows {}",
                            values
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        evidence([
                            ("config", json!(key)),
                            ("actual", json!(value)),
                            ("allowed", json!(values)),
                        ]),
                    );
                }
            }
        }
        if let Some((sev, min, max)) = self.retention {
            if let Some(ms) = t
                .effective
                .get("retention.ms")
                .and_then(|v| v.parse::<i64>().ok())
            {
                let show = |v: i64| {
                    topic_config::humanise("retention.ms", &v.to_string())
                        .unwrap_or_else(|| format!("{v} ms"))
                };
                let too_long = max.is_some_and(|m| ms == -1 || ms > m);
                let too_short = min.is_some_and(|m| ms != -1 && ms < m);
                if too_long || too_short {
                    let actual = if ms == -1 {
                        "forever (-1)".to_string()
                    } else {
                        show(ms)
                    };
                    let bounds = match (min, max) {
                        (Some(a), Some(b)) => format!("between {} and {}", show(a), show(b)),
                        (Some(a), None) => format!("at least {}", show(a)),
                        (None, Some(b)) => format!("at most {}", show(b)),
                        (None, None) => String::new(),
                    };
                    push(Code::PolicyRetention, sev, format!("`{name}` {kind}: `retention.ms` is {actual}; the policy asks for {bounds}"), evidence([("retention.ms", json!(ms)), ("min", json!(min)), ("max", json!(max))]));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies(yaml: &str) -> CompiledPolicies {
        serde_yaml::from_str::<Policies>(yaml)
            .unwrap()
            .compile()
            .unwrap()
    }

    fn codes(
        p: &CompiledPolicies,
        name: &str,
        partitions: i32,
        rf: i16,
        configs: &[(&str, &str)],
        exceptions: &[(&str, &str)],
    ) -> Vec<(&'static str, Severity)> {
        let configs: BTreeMap<String, String> = configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let exceptions: BTreeMap<String, String> = exceptions
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let subject = Subject {
            name,
            partitions,
            replication_factor: rf,
            overrides: &configs,
            effective: &configs,
            exceptions: &exceptions,
            declared_at: None,
            kind: "spec",
        };
        p.evaluate(&subject)
            .iter()
            .map(|f| (f.code.as_str(), f.severity))
            .collect()
    }

    const ALL: &str = "
topic_name: {patterns: ['^[a-z]+(\\.[a-z0-9-]+)+$']}
min_partitions: {value: 3}
max_partitions: {value: 100, severity: warning}
min_replication_factor: {value: 3}
min_insync_replicas: {}
required_configs: {configs: [retention.ms]}
allowed_values: {configs: {cleanup.policy: [delete], compression.type: [zstd, lz4]}}
retention: {min: 1h, max: 30d}
";

    const GOOD: &[(&str, &str)] = &[
        ("retention.ms", "604800000"),
        ("min.insync.replicas", "2"),
        ("cleanup.policy", "delete"),
    ];

    #[test]
    fn a_compliant_topic_has_no_findings() {
        assert_eq!(
            codes(&policies(ALL), "orders.created", 12, 3, GOOD, &[]),
            vec![]
        );
    }

    #[test]
    fn each_rule_fires() {
        let p = policies(ALL);
        let case = |name: &str, parts: i32, rf: i16, configs: &[(&str, &str)]| {
            codes(&p, name, parts, rf, configs, &[])
        };
        assert_eq!(
            case("Orders", 12, 3, GOOD),
            vec![("policy-topic-name", Severity::Error)]
        );
        assert_eq!(
            case("orders.a", 1, 3, GOOD),
            vec![("policy-min-partitions", Severity::Error)]
        );
        assert_eq!(
            case("orders.a", 101, 3, GOOD),
            vec![("policy-max-partitions", Severity::Warning)]
        );
        assert_eq!(
            case("orders.a", 12, 2, GOOD),
            vec![
                ("policy-min-replication-factor", Severity::Error),
                ("policy-min-insync-replicas", Severity::Error)
            ]
        );
        assert_eq!(
            case(
                "orders.a",
                12,
                3,
                &[("retention.ms", "604800000"), ("min.insync.replicas", "1")]
            ),
            vec![("policy-min-insync-replicas", Severity::Error)]
        );
        assert_eq!(
            case("orders.a", 12, 3, &[("min.insync.replicas", "2")]),
            vec![("policy-required-config", Severity::Error)]
        );
        assert_eq!(
            case(
                "orders.a",
                12,
                3,
                &[
                    ("retention.ms", "604800000"),
                    ("cleanup.policy", "compact,delete")
                ]
            ),
            vec![("policy-allowed-value", Severity::Error)]
        );
        assert_eq!(
            case("orders.a", 12, 3, &[("retention.ms", "-1")]),
            vec![("policy-retention", Severity::Error)]
        );
        assert_eq!(
            case("orders.a", 12, 3, &[("retention.ms", "60000")]),
            vec![("policy-retention", Severity::Error)]
        );
    }

    #[test]
    fn off_rules_and_exceptions_do_not_fire() {
        let p = policies(
            "min_partitions: {value: 3, severity: off}\nmin_replication_factor: {value: 3}\n",
        );
        assert_eq!(
            codes(
                &p,
                "a",
                1,
                1,
                &[],
                &[("policy-min-replication-factor", "single-AZ test topic")]
            ),
            vec![]
        );
        assert_eq!(
            codes(&p, "a", 1, 1, &[], &[]),
            vec![("policy-min-replication-factor", Severity::Error)]
        );
    }

    #[test]
    fn bad_rules_are_named() {
        let err = |y: &str| {
            let problems = serde_yaml::from_str::<Policies>(y)
                .unwrap()
                .compile()
                .unwrap_err();
            assert_eq!(problems.len(), 1, "{problems:?}");
            problems[0].message.clone()
        };
        assert!(err("topic_name: {patterns: ['(']}").contains("policies.topic_name"));
        assert!(err("required_configs: {configs: [retention.msec]}")
            .contains("did you mean `retention.ms`"));
        assert!(err("retention: {max: 1month}").contains("policies.retention.max"));
        assert!(err("min_partitions: {value: 0}").contains("at least 1"));
        assert!(serde_yaml::from_str::<Policies>("min_partition: {value: 1}").is_err());
    }

    #[test]
    fn contradictions_and_invalid_values_are_all_reported_with_where_they_are() {
        // Regression: min above max, retention min above max and values the catalog refuses were
        // accepted, and the first bad rule hid the others.
        let problems = serde_yaml::from_str::<Policies>(
            "topic_name: {patterns: ['(', 'ok']}
min_partitions: {value: 12}
max_partitions: {value: 3}
allowed_values: {configs: {cleanup.policy: [delete, compacted], retention.ms: [banana, 7d], compression.type: [zstd]}}
retention: {min: 30d, max: 1d}
",
        )
        .unwrap()
        .compile()
        .unwrap_err();
        let found: Vec<(String, &str)> = problems
            .iter()
            .map(|p| (format!("{:?}", p.at), p.message.as_str()))
            .collect();
        let expect = [
            ("topic_name", "`(` is not a valid regex: unclosed group"),
            ("min_partitions", "12 is above policies.max_partitions: 3"),
            (
                "cleanup.policy\"), Item(1)",
                "got \"compacted\"; did you mean `compact`?",
            ),
            (
                "retention.ms\"), Item(0)",
                "`retention.ms` must be a whole number of milliseconds",
            ),
            ("retention", "`min` (30d) is above `max` (1d)"),
        ];
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        for (at, message) in expect {
            assert!(
                found
                    .iter()
                    .any(|(a, m)| a.contains(at) && m.contains(message)),
                "missing {at:?} {message:?} in {found:#?}"
            );
        }
    }

    #[test]
    fn allowed_values_are_compared_in_the_form_kafka_stores() {
        let p = policies(
            "allowed_values: {configs: {retention.ms: [7d], cleanup.policy: [delete, compact]}}",
        );
        let ok = [
            ("retention.ms", "604800000"),
            ("cleanup.policy", "compact,delete"),
        ];
        assert_eq!(codes(&p, "a", 1, 1, &ok, &[]), vec![]);
        assert_eq!(
            codes(&p, "a", 1, 1, &[("retention.ms", "3600000")], &[]),
            vec![("policy-allowed-value", Severity::Error)]
        );
        let err = serde_yaml::from_str::<Policies>(
            "allowed_values: {configs: {cleanup.policy: ['compact,delete']}}",
        )
        .unwrap()
        .compile()
        .unwrap_err();
        assert!(
            err[0].message.contains("allow its items one by one"),
            "{err:?}"
        );
    }
}
