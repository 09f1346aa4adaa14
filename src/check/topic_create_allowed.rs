//! `topic-create-allowed`: on a cluster with an authorizer, auto-creation (and any creation)
//! needs CREATE on the cluster or on the topic. An ALLOW CREATE (or ALL) for a principal that
//! topicgate.yaml does not name as a provisioner, on the cluster or on a topic name or prefix
//! the specs govern (or `*`), lets that principal create topics outside governance.
//! N.B. `super.users` never appear in ACLs: they may always create.

use serde_json::json;

use crate::model::acl::{Acl, AclPattern, AclResource, AclView};
use crate::model::finding::{evidence, Code, Finding};
use crate::model::topic_spec::SpecSet;

pub fn check(
    acls: &AclView,
    specs: &SpecSet,
    provisioners: &[String],
    out: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) {
    let (acls, open) = match acls {
        AclView::Known {
            acls,
            allow_everyone_if_no_acl,
        } => (acls, *allow_everyone_if_no_acl),
        AclView::Unreadable(why) => {
            notes.push(format!(
                "ACLs could not be read ({why}), so `topic-create-allowed` was not checked"
            ));
            return;
        }
    };
    // N.B. with `allow.everyone.if.no.acl.found=true`, a resource that no ACL names is open to
    // every principal: with no ACL on the cluster, anyone may create any topic.
    if open && !acls.iter().any(|a| a.resource == AclResource::Cluster) {
        out.push(Finding {
            code: Code::TopicCreateAllowed,
            severity: Code::TopicCreateAllowed.severity(),
            topic: None,
            message: "every principal may create any topic: the brokers allow everyone where no ACL matches (`allow.everyone.if.no.acl.found=true`) and no ACL names the cluster; set it to `false`, or add ACLs on the cluster (ALLOW CREATE for the provisioners)".into(),
            evidence: evidence([
                ("allow.everyone.if.no.acl.found", json!(true)),
                ("principal", json!("User:*")),
            ]),
            declared_at: None,
        });
    }
    for acl in acls.iter().filter(|a| a.allow) {
        if provisioners.iter().any(|p| p == &acl.principal) {
            continue;
        }
        let on = match acl.resource {
            AclResource::Cluster if acl.grants_create(None) => "the cluster".to_string(),
            AclResource::Topic => {
                let governed = specs.topics.keys().any(|t| acl.grants_create(Some(t)));
                let everything = acl.grants_create(Some("")) && acl.name == "*";
                if !(governed || everything) {
                    continue;
                }
                match acl.pattern {
                    AclPattern::Prefixed => format!("topics prefixed `{}`", acl.name),
                    _ if acl.name == "*" => "every topic (`*`)".to_string(),
                    _ => format!("topic `{}`", acl.name),
                }
            }
            _ => continue,
        };
        out.push(finding(acl, &on));
    }
}

fn finding(acl: &Acl, on: &str) -> Finding {
    let operation = match acl.operation {
        crate::model::acl::AclOperation::All => "ALL",
        _ => "CREATE",
    };
    let principal = &acl.principal;
    Finding {
        code: Code::TopicCreateAllowed,
        severity: Code::TopicCreateAllowed.severity(),
        topic: None,
        message: format!(
            "`{principal}` may create {} outside governance: an ACL allows {operation} on {on} from host `{}`; remove that ACL, or add a DENY CREATE for `{principal}` on {on}; if `{principal}` provisions topics, name it under `provisioners` of the cluster in topicgate.yaml",
            if matches!(acl.resource, AclResource::Cluster) { "any topic" } else { "topics" },
            acl.host
        ),
        evidence: evidence([
            ("principal", json!(principal)),
            ("operation", json!(operation)),
            (
                "resource",
                json!(match acl.resource {
                    AclResource::Cluster => "cluster",
                    _ => "topic",
                }),
            ),
            ("name", json!(acl.name)),
            (
                "pattern",
                json!(match acl.pattern {
                    AclPattern::Prefixed => "prefixed",
                    _ => "literal",
                }),
            ),
            ("host", json!(acl.host)),
        ]),
        declared_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::acl::AclOperation;

    fn acl(resource: AclResource, name: &str, pattern: AclPattern, principal: &str) -> Acl {
        Acl {
            resource,
            name: name.into(),
            pattern,
            principal: principal.into(),
            host: "*".into(),
            operation: AclOperation::Create,
            allow: true,
        }
    }

    fn run(acls: AclView) -> (Vec<Finding>, Vec<String>) {
        let specs = crate::fixtures::specs(
            "topics:\n  - name: orders.created\n    partitions: 1\n    replication_factor: 1\n",
        );
        let (mut out, mut notes) = (Vec::new(), Vec::new());
        check(
            &acls,
            &specs,
            &["User:topicgate".into()],
            &mut out,
            &mut notes,
        );
        (out, notes)
    }

    #[test]
    fn create_for_a_non_provisioner_on_the_cluster_or_governed_topics_is_a_finding() {
        let (out, notes) = run(known(vec![
            acl(
                AclResource::Cluster,
                "kafka-cluster",
                AclPattern::Literal,
                "User:alice",
            ),
            acl(
                AclResource::Topic,
                "orders.",
                AclPattern::Prefixed,
                "User:bob",
            ),
            acl(AclResource::Topic, "*", AclPattern::Literal, "User:carol"),
            // Not findings: the provisioner, a topic nobody governs, a DENY, another operation.
            acl(
                AclResource::Cluster,
                "kafka-cluster",
                AclPattern::Literal,
                "User:topicgate",
            ),
            acl(
                AclResource::Topic,
                "scratch.",
                AclPattern::Prefixed,
                "User:dave",
            ),
            Acl {
                allow: false,
                ..acl(
                    AclResource::Cluster,
                    "kafka-cluster",
                    AclPattern::Literal,
                    "User:eve",
                )
            },
            Acl {
                operation: AclOperation::Other,
                ..acl(
                    AclResource::Cluster,
                    "kafka-cluster",
                    AclPattern::Literal,
                    "User:frank",
                )
            },
        ]));
        assert!(notes.is_empty());
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[0].starts_with("`User:alice` may create any topic outside governance: an ACL allows CREATE on the cluster from host `*`; remove that ACL, or add a DENY CREATE for `User:alice` on the cluster"), "{}", messages[0]);
        assert!(
            messages[1].contains("on topics prefixed `orders.`"),
            "{}",
            messages[1]
        );
        assert!(
            messages[2].contains("on every topic (`*`)"),
            "{}",
            messages[2]
        );
    }

    fn known(acls: Vec<Acl>) -> AclView {
        AclView::Known {
            acls,
            allow_everyone_if_no_acl: false,
        }
    }

    #[test]
    fn allow_everyone_without_cluster_acls_opens_creation_to_everyone() {
        let open = |acls: Vec<Acl>| {
            run(AclView::Known {
                acls,
                allow_everyone_if_no_acl: true,
            })
            .0
        };
        let out = open(vec![]);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .starts_with("every principal may create any topic"),
            "{}",
            out[0].message
        );
        // An ACL on the cluster (the provisioner's) closes it to everyone else.
        let out = open(vec![acl(
            AclResource::Cluster,
            "kafka-cluster",
            AclPattern::Literal,
            "User:topicgate",
        )]);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn unreadable_acls_are_a_note() {
        let (out, notes) = run(AclView::Unreadable("the cluster has no authorizer".into()));
        assert!(out.is_empty());
        assert_eq!(
            notes,
            ["ACLs could not be read (the cluster has no authorizer), so `topic-create-allowed` was not checked"]
        );
    }
}
