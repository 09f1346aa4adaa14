//! `auto-create-enabled`: the broker creates a topic that a client merely names.
//! N.B. KAFKA.md: `auto.create.topics.enable` is read-only at runtime; on MSK it is changed by a
//! cluster configuration revision. Clients can refuse with `allow.auto.create.topics=false`.

use serde_json::json;

use super::CheckInput;
use crate::model::broker_defaults::DefaultsSource;
use crate::model::finding::{evidence, Code, Finding};

pub fn check(input: &CheckInput, out: &mut Vec<Finding>, notes: &mut Vec<String>) {
    let setting = input.defaults.auto_create_topics_enable;
    match setting.value {
        Some(true) => out.push(Finding {
            code: Code::AutoCreateEnabled,
            severity: Code::AutoCreateEnabled.severity(),
            topic: None,
            message: "the cluster creates any topic a client names (`auto.create.topics.enable=true`), with broker defaults; turn it off in the broker configuration (on MSK: a new cluster configuration revision, it cannot be changed at runtime), and set `allow.auto.create.topics=false` in clients".into(),
            evidence: evidence([
                ("auto.create.topics.enable", json!(true)),
                ("source", json!(setting.source)),
            ]),
            declared_at: None,
        }),
        Some(false) => {}
        None => {
            debug_assert_eq!(setting.source, DefaultsSource::Unknown);
            notes.push("the broker does not expose `auto.create.topics.enable`, so `auto-create-enabled` was not checked (give it with `--broker-defaults auto_create_topics_enable=true|false`)".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::broker_defaults::GivenDefaults;
    use crate::model::diagnostic::Severity;

    #[test]
    fn fires_when_the_broker_auto_creates() {
        let mut state = msk(vec![("orders.created", governed_topic())]);
        state.broker_defaults.auto_create_topics_enable = Some(true);
        let report = run(&specs(GOVERNED), &state, GivenDefaults::default());
        assert_eq!(
            codes(&report),
            vec![(None, "auto-create-enabled", Severity::Warning)]
        );
        assert!(report.findings[0]
            .message
            .contains("allow.auto.create.topics=false"));
    }

    #[test]
    fn silent_when_off_and_noted_when_unknown() {
        let report = run(
            &specs(GOVERNED),
            &msk(vec![("orders.created", governed_topic())]),
            GivenDefaults::default(),
        );
        assert!(codes(&report).is_empty());
        assert!(report.notes.is_empty());
        let mut state = msk(vec![("orders.created", governed_topic())]);
        state.broker_defaults.auto_create_topics_enable = None;
        let report = run(&specs(GOVERNED), &state, GivenDefaults::default());
        assert!(codes(&report).is_empty());
        assert!(report.notes[0].contains("does not expose `auto.create.topics.enable`"));
    }
}
