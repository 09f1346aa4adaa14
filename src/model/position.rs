//! Where each key and value of a YAML document stands (line and column), so that errors found
//! after parsing can still name `file:line:col`. `serde_yaml` gives values but no positions;
//! this index is built from yaml-rust2's event stream and walked side by side with the values.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn from_marker(mark: Marker) -> Pos {
        // yaml-rust2 lines are 1-based, columns 0-based.
        Pos {
            line: mark.line(),
            col: mark.col() + 1,
        }
    }
}

/// One node of the document with its position; mirrors the shape of the value tree.
#[derive(Debug, Clone)]
pub struct PosNode {
    pub pos: Pos,
    pub kind: PosKind,
}

#[derive(Debug, Clone)]
pub enum PosKind {
    /// A scalar, or an alias (positioned where the alias is written).
    Scalar,
    Seq(Vec<PosNode>),
    /// Entries in document order: the key's text, the key's position, the value.
    Map(Vec<(String, Pos, PosNode)>),
}

impl PosNode {
    /// The value node under a mapping key (the first one, as serde_yaml keeps).
    pub fn get(&self, key: &str) -> Option<&PosNode> {
        match &self.kind {
            PosKind::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The position of a mapping key.
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        match &self.kind {
            PosKind::Map(entries) => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, p, _)| *p),
            _ => None,
        }
    }

    /// Keys that appear more than once in this mapping, with the positions of each repeat.
    pub fn duplicate_keys(&self) -> Vec<(&str, Pos, Pos)> {
        let mut out = Vec::new();
        if let PosKind::Map(entries) = &self.kind {
            for (i, (k, p, _)) in entries.iter().enumerate() {
                if let Some((_, first, _)) = entries[..i].iter().find(|(k2, _, _)| k2 == k) {
                    out.push((k.as_str(), *first, *p));
                }
            }
        }
        out
    }

    /// Every repeated key anywhere below this node: (key, first position, repeat position).
    pub fn all_duplicate_keys(&self) -> Vec<(&str, Pos, Pos)> {
        let mut out = self.duplicate_keys();
        match &self.kind {
            PosKind::Seq(items) => items
                .iter()
                .for_each(|n| out.extend(n.all_duplicate_keys())),
            PosKind::Map(entries) => entries
                .iter()
                .for_each(|(_, _, n)| out.extend(n.all_duplicate_keys())),
            _ => {}
        }
        out
    }

    /// The position of what `path` names below this node: the key for a mapping step (its last
    /// occurrence, the one a deserialised map keeps), the item for a list step. Where the path leaves the document (a value written in flow style
    /// or through an alias), the deepest position found, so an error still gets a line.
    pub fn find(&self, path: &[Step]) -> Pos {
        let mut node = self;
        let mut pos = self.pos;
        for step in path {
            let (next, at) = match step {
                Step::Key(key) => match &node.kind {
                    PosKind::Map(entries) => entries
                        .iter()
                        .rev()
                        .find(|(k, _, _)| k == key)
                        .map_or((None, None), |(_, p, v)| (Some(v), Some(*p))),
                    _ => (None, None),
                },
                Step::Item(i) => (node.index(*i), node.index(*i).map(|n| n.pos)),
            };
            let (Some(next), Some(at)) = (next, at) else {
                break;
            };
            node = next;
            pos = at;
        }
        pos
    }

    pub fn index(&self, i: usize) -> Option<&PosNode> {
        match &self.kind {
            PosKind::Seq(items) => items.get(i),
            _ => None,
        }
    }
}

/// One step of a path into a document: a mapping key or a list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Item(usize),
}

impl Step {
    /// The steps of `a.b.c` (keys only; Kafka config names with dots are one step, use `Key`).
    pub fn keys(path: &[&str]) -> Vec<Step> {
        path.iter().map(|k| Step::Key(k.to_string())).collect()
    }
}

/// Builds the position tree of the first document in `text`; `None` when the text does not parse
/// (serde_yaml reports the syntax error itself) or is empty.
pub fn index(text: &str) -> Option<PosNode> {
    let mut builder = Builder::default();
    Parser::new_from_str(text).load(&mut builder, false).ok()?;
    builder.root
}

enum Frame {
    Seq(Pos, Vec<PosNode>),
    /// Entries so far and, when a key has been read, the pending key.
    Map(Pos, Vec<(String, Pos, PosNode)>, Option<(String, Pos)>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<PosNode>,
}

impl Builder {
    fn push_node(&mut self, node: PosNode, scalar_text: Option<&str>) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                Some((key, key_pos)) => entries.push((key, key_pos, node)),
                None => {
                    // A key. Complex (non-scalar) keys get an empty name: specs never use them.
                    *pending = Some((scalar_text.unwrap_or_default().to_string(), node.pos));
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::from_marker(mark);
        match ev {
            Event::Scalar(text, ..) => self.push_node(
                PosNode {
                    pos,
                    kind: PosKind::Scalar,
                },
                Some(&text),
            ),
            Event::Alias(_) => self.push_node(
                PosNode {
                    pos,
                    kind: PosKind::Scalar,
                },
                None,
            ),
            Event::SequenceStart(..) => self.stack.push(Frame::Seq(pos, Vec::new())),
            Event::MappingStart(..) => self.stack.push(Frame::Map(pos, Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(pos, items)) => PosNode {
                        pos,
                        kind: PosKind::Seq(items),
                    },
                    // A block mapping's start event is marked after its first key; the first key
                    // is where a reader sees the mapping begin.
                    Some(Frame::Map(pos, entries, _)) => PosNode {
                        pos: entries
                            .first()
                            .map_or(pos, |(_, key_pos, _)| (*key_pos).min(pos)),
                        kind: PosKind::Map(entries),
                    },
                    None => return,
                };
                self.push_node(node, None);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values_are_one_based() {
        let text =
            "topics:\n  - name: a\n    partitions: 3\n    configs:\n      retention.ms: 7d\n";
        let root = index(text).unwrap();
        assert_eq!(root.key_pos("topics"), Some(Pos { line: 1, col: 1 }));
        let topic = root.get("topics").unwrap().index(0).unwrap();
        assert_eq!(topic.key_pos("name"), Some(Pos { line: 2, col: 5 }));
        assert_eq!(
            topic.get("partitions").unwrap().pos,
            Pos { line: 3, col: 17 }
        );
        let configs = topic.get("configs").unwrap();
        assert_eq!(
            configs.key_pos("retention.ms"),
            Some(Pos { line: 5, col: 7 })
        );
        assert_eq!(
            configs.get("retention.ms").unwrap().pos,
            Pos { line: 5, col: 21 }
        );
    }

    #[test]
    fn duplicate_keys_are_found() {
        let root = index("a: 1\nb: 2\na: 3\n").unwrap();
        let dups = root.duplicate_keys();
        assert_eq!(
            dups,
            vec![("a", Pos { line: 1, col: 1 }, Pos { line: 3, col: 1 })]
        );
        let nested = index("x:\n  - b: 1\n    b: 2\n").unwrap();
        assert_eq!(nested.all_duplicate_keys().len(), 1);
    }

    #[test]
    fn a_block_mapping_starts_at_its_first_key() {
        let root = index("topics:\n  - name: a\n    partitions: 1\n").unwrap();
        let t = root.get("topics").unwrap().index(0).unwrap();
        assert_eq!(t.pos, Pos { line: 2, col: 5 });
    }

    #[test]
    fn a_path_finds_keys_and_items_and_falls_back_to_the_deepest_known() {
        let root =
            index("policies:\n  topic_name:\n    patterns: ['a', '(']\n  retention: {min: 1h}\n")
                .unwrap();
        let mut path = Step::keys(&["policies", "topic_name", "patterns"]);
        path.push(Step::Item(1));
        assert_eq!(root.find(&path), Pos { line: 3, col: 21 });
        let path = Step::keys(&["policies", "retention", "min"]);
        assert_eq!(root.find(&path), Pos { line: 4, col: 15 });
        let path = Step::keys(&["policies", "retention", "max"]);
        assert_eq!(root.find(&path), Pos { line: 4, col: 3 });
    }

    #[test]
    fn flow_style_is_indexed() {
        let root = index("topics: [{name: x, partitions: 2}]\n").unwrap();
        let t = root.get("topics").unwrap().index(0).unwrap();
        assert_eq!(t.key_pos("partitions").unwrap().line, 1);
    }
}
