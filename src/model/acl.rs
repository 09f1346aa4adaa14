//! ACLs as `check` reads them (DescribeAcls): who may do what on which resource.

/// One ACL binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    pub resource: AclResource,
    /// The resource name (`kafka-cluster` for the cluster; a topic name, prefix or `*`).
    pub name: String,
    pub pattern: AclPattern,
    /// `User:alice`, `User:*`.
    pub principal: String,
    pub host: String,
    pub operation: AclOperation,
    pub allow: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclResource {
    Cluster,
    Topic,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclPattern {
    Literal,
    Prefixed,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclOperation {
    Create,
    All,
    Other,
}

/// The cluster's ACLs, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AclView {
    /// The bindings, and whether the brokers allow everything to everyone where no ACL matches
    /// (`allow.everyone.if.no.acl.found=true`).
    Known {
        acls: Vec<Acl>,
        allow_everyone_if_no_acl: bool,
    },
    /// No authorizer, no permission, or a source without ACLs (a snapshot): the reason, said
    /// as the end of "ACLs could not be read: ...".
    Unreadable(String),
}

impl Acl {
    /// Whether this binding lets its principal create topic `topic` (or any topic, for the
    /// cluster resource).
    pub fn grants_create(&self, topic: Option<&str>) -> bool {
        if !matches!(self.operation, AclOperation::Create | AclOperation::All) {
            return false;
        }
        match (self.resource, topic) {
            (AclResource::Cluster, _) => true,
            (AclResource::Topic, Some(topic)) => self.covers(topic),
            _ => false,
        }
    }

    /// Whether the resource pattern covers topic `topic`.
    pub fn covers(&self, topic: &str) -> bool {
        match self.pattern {
            AclPattern::Literal => self.name == "*" || self.name == topic,
            AclPattern::Prefixed => topic.starts_with(&self.name),
            AclPattern::Other => false,
        }
    }
}
