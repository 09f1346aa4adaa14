//! Reading YAML with positions, for both kinds of YAML file: spec files (`read`: one tree with
//! a position on every node) and topicgate.yaml (`Positioned`: typed by serde, positions
//! looked up). serde_yaml types the scalars (so `1e3`, `0x10` and `yes` mean what they mean to
//! it) but knows no positions; yaml-rust2's event stream (`model::position::index`) knows where
//! each key and value stands. This is the one place where the two are read and put side by side.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::model::diagnostic::Diagnostic;
use crate::model::position::{self, Pos, PosNode};

/// A value with where it was written: `None` where no position is known (behind an alias).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Located<T> {
    pub(super) value: T,
    pub(super) pos: Option<Pos>,
}

/// One node of the document.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) pos: Option<Pos>,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Null,
    Bool(bool),
    /// As serde_yaml typed it.
    Number(serde_yaml::Number),
    String(String),
    Seq(Vec<Node>),
    /// Entries in document order; a key that is not a string is `None`.
    Map(Vec<(Located<Option<String>>, Node)>),
    /// A value with a custom tag (`!thing x`).
    Tagged,
}

impl Node {
    /// What kind of value this is, for a person: "a string", "an integer", …
    pub(super) fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a boolean",
            Kind::Number(n) if n.is_i64() || n.is_u64() => "an integer",
            Kind::Number(_) => "a decimal number",
            Kind::String(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Tagged => "a tagged value",
        }
    }

    /// A string, number or boolean as text.
    pub(super) fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::String(s) => Some(s.clone()),
            Kind::Number(n) => Some(n.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A YAML text with the position of every key and value (indexed once), read by serde as
/// whatever type its reader wants.
pub struct Positioned<'t> {
    text: &'t str,
    index: Option<PosNode>,
}

impl<'t> Positioned<'t> {
    pub fn read(text: &'t str) -> Self {
        Positioned {
            text,
            index: position::index(text),
        }
    }

    /// Whether the text holds nothing but whitespace (an empty file).
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The positions, where the text could be indexed.
    pub fn index(&self) -> Option<&PosNode> {
        self.index.as_ref()
    }

    /// Every repeated key, anywhere: the key, where it first stands and where it repeats.
    pub fn duplicate_keys(&self) -> Vec<(&str, Pos, Pos)> {
        self.index
            .as_ref()
            .map(PosNode::all_duplicate_keys)
            .unwrap_or_default()
    }

    /// The text as serde reads a `T`; its error (serde stops at the first) as a diagnostic at
    /// serde_yaml's position, in the user's words (`plain_serde_error`).
    pub fn deserialize<T: DeserializeOwned>(&self, file: &Path) -> Result<T, Diagnostic> {
        serde_yaml::from_str(self.text).map_err(|e| {
            let message =
                crate::model::diagnostic::plain_serde_error(&strip_location(&e.to_string()));
            Diagnostic::error(file, location(&e), message)
        })
    }
}

/// Where serde_yaml says its error is.
fn location(e: &serde_yaml::Error) -> Option<Pos> {
    e.location().map(|l| Pos {
        line: l.line(),
        col: l.column(),
    })
}

/// The document in `text` (the first one), or every reason it is not valid YAML: repeated keys,
/// each where it repeats, or the syntax error.
pub(super) fn read(file: &Path, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let yaml = Positioned::read(text);
    let value: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // serde_yaml refuses repeated keys but points at the enclosing mapping; the position
            // index knows where each repeat is.
            let repeats = yaml.duplicate_keys();
            if !repeats.is_empty() && e.to_string().contains("duplicate entry") {
                return Err(repeats
                    .into_iter()
                    .map(|(key, first, again)| {
                        let message =
                            format!("`{key}` appears twice (first at line {})", first.line);
                        Diagnostic::error(file, Some(again), message)
                    })
                    .collect());
            }
            let message = strip_location(&e.to_string());
            return Err(vec![Diagnostic::error(
                file,
                location(&e),
                format!("invalid YAML: {message}"),
            )]);
        }
    };
    Ok(zip(value, yaml.index()))
}

/// serde_yaml appends " at line L column C" to messages; the location is reported separately.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The value with the positions of `at` (the same place in the position tree), where known.
fn zip(value: Value, at: Option<&PosNode>) -> Node {
    let kind = match value {
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(b),
        Value::Number(n) => Kind::Number(n),
        Value::String(s) => Kind::String(s),
        Value::Sequence(items) => Kind::Seq(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| zip(v, at.and_then(|n| n.index(i))))
                .collect(),
        ),
        Value::Mapping(map) => Kind::Map(
            map.into_iter()
                .map(|(k, v)| match k {
                    Value::String(key) => {
                        let key_pos = at.and_then(|n| n.key_pos(&key));
                        let value = zip(v, at.and_then(|n| n.get(&key)));
                        let key = Located {
                            value: Some(key),
                            pos: key_pos,
                        };
                        (key, value)
                    }
                    _ => (
                        Located {
                            value: None,
                            pos: None,
                        },
                        zip(v, None),
                    ),
                })
                .collect(),
        ),
        Value::Tagged(_) => Kind::Tagged,
    };
    Node {
        pos: at.map(|n| n.pos),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_has_its_position_and_serde_yaml_types_the_scalars() {
        let root = read(
            Path::new("t.yaml"),
            "topics:\n  - name: a\n    partitions: 1e3\n    labels: {x: yes}\n",
        )
        .unwrap();
        let Kind::Map(entries) = &root.kind else {
            panic!("{root:?}")
        };
        assert_eq!(entries[0].0.value.as_deref(), Some("topics"));
        assert_eq!(entries[0].0.pos, Some(Pos { line: 1, col: 1 }));
        let Kind::Seq(items) = &entries[0].1.kind else {
            panic!("{root:?}")
        };
        let topic = &items[0];
        assert_eq!(topic.pos, Some(Pos { line: 2, col: 5 }));
        let Kind::Map(fields) = &topic.kind else {
            panic!("{topic:?}")
        };
        let (key, partitions) = &fields[1];
        assert_eq!(key.pos, Some(Pos { line: 3, col: 5 }));
        assert_eq!(partitions.pos, Some(Pos { line: 3, col: 17 }));
        assert_eq!(partitions.describe(), "a decimal number");
        let Kind::Map(labels) = &fields[2].1.kind else {
            panic!("{topic:?}")
        };
        assert_eq!(labels[0].1.describe(), "a string");
    }

    #[test]
    fn repeated_keys_are_reported_where_they_repeat() {
        let errors = read(Path::new("t.yaml"), "a: 1\nb: 2\na: 3\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 1, "{text:?}");
        assert!(
            text[0].contains("`a` appears twice (first at line 1)") && text[0].contains(":3:1"),
            "{text:?}"
        );
    }

    // topicgate.yaml is read by the same reader: serde's one error in words, at its position,
    // and the positions of every key.
    #[test]
    fn a_positioned_text_is_typed_by_serde_and_knows_where_keys_are() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct File {
            count: i16,
        }
        let yaml = Positioned::read("a: 1\ncount: [1]\na: 2\n");
        let err = yaml.deserialize::<File>(Path::new("t.yaml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error: `count` must be a whole number from -32768 to 32767, got a list (t.yaml:2:8)"
        );
        assert_eq!(
            yaml.duplicate_keys(),
            vec![("a", Pos { line: 1, col: 1 }, Pos { line: 3, col: 1 })]
        );
        assert_eq!(
            yaml.index().and_then(|r| r.key_pos("count")),
            Some(Pos { line: 2, col: 1 })
        );
        assert!(Positioned::read(" \n").is_blank());
    }
}
