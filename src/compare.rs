//! `compare`: the one answer to "does this topic match what it should be?". Pure: a wanted
//! shape (from a spec, a saved plan's `before`, or a change's result) and an observed
//! `TopicState` in, a `Comparison` out. `diff`, `check`'s drift and auto-creation rules, `gate`
//! and the saved-plan checks all ask it, so they cannot disagree.
//!
//! Overrides are read through `TopicState::is_override` (the broker's config view decides what
//! an override is); values are compared by meaning with `topic_config::equivalent`. Most topics
//! of a big cluster match their specs, so a matching topic costs no allocation.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::cluster_state::TopicState;
use crate::model::plan::TopicBasis;
use crate::model::topic_config;
use crate::model::topic_spec::TopicSpec;

/// What a topic should look like: partitions, replication factor and its topic-level overrides
/// (the whole set: an override that is not here should not be there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicShape<'a> {
    pub partitions: i32,
    pub replication_factor: i16,
    pub overrides: &'a BTreeMap<String, String>,
}

impl<'a> TopicShape<'a> {
    /// The shape a spec declares; `None` for a `delete: true` spec (and for a spec without
    /// partitions or replication factor, which the loader never makes).
    pub fn of_spec(spec: &'a TopicSpec) -> Option<TopicShape<'a>> {
        match (spec.delete, spec.partitions, spec.replication_factor) {
            (false, Some(partitions), Some(replication_factor)) => Some(TopicShape {
                partitions,
                replication_factor,
                overrides: &spec.configs,
            }),
            _ => None,
        }
    }

    /// The shape a plan recorded (a topic's `before`, or the result of a change).
    pub fn of_basis(basis: &'a TopicBasis) -> TopicShape<'a> {
        TopicShape {
            partitions: basis.partitions,
            replication_factor: basis.replication_factor,
            overrides: &basis.overrides,
        }
    }
}

/// One number compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delta<T> {
    Same,
    Differs { want: T, have: T },
}

impl<T: PartialEq + Copy> Delta<T> {
    pub fn of(want: T, have: T) -> Delta<T> {
        if want == have {
            Delta::Same
        } else {
            Delta::Differs { want, have }
        }
    }

    pub fn is_same(&self) -> bool {
        matches!(self, Delta::Same)
    }
}

/// The overrides compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Configs {
    Same,
    /// The broker could not describe the topic's configs (the error it gave): they cannot be
    /// compared safely.
    Unreadable(String),
    /// Every key whose override differs, sorted by key; never empty.
    Differ(Vec<ConfigDelta>),
}

/// One override that differs: `want` `None` is an override that should not be there, `have`
/// `None` one that is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDelta {
    pub key: String,
    pub want: Option<String>,
    pub have: Option<String>,
}

/// How an observed topic differs from a wanted shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub partitions: Delta<i32>,
    pub replication_factor: Delta<i16>,
    pub configs: Configs,
}

impl Comparison {
    /// Whether the topic is exactly the wanted shape (readable configs included).
    pub fn matches(&self) -> bool {
        self.partitions.is_same()
            && self.replication_factor.is_same()
            && matches!(self.configs, Configs::Same)
    }

    /// The comparison narrowed to the overrides named in `keys` (a change that touches only
    /// those): differences of other overrides are dropped.
    pub fn only(self, keys: &BTreeSet<&str>) -> Comparison {
        let configs = match self.configs {
            Configs::Differ(deltas) => {
                let kept: Vec<ConfigDelta> = deltas
                    .into_iter()
                    .filter(|d| keys.contains(d.key.as_str()))
                    .collect();
                if kept.is_empty() {
                    Configs::Same
                } else {
                    Configs::Differ(kept)
                }
            }
            other => other,
        };
        Comparison { configs, ..self }
    }
}

/// The one comparison. No allocation when the topic matches.
pub fn compare(want: &TopicShape, have: &TopicState) -> Comparison {
    Comparison {
        partitions: Delta::of(want.partitions, have.partitions),
        replication_factor: Delta::of(want.replication_factor, have.replication_factor),
        configs: match &have.configs_error {
            Some(error) => Configs::Unreadable(error.clone()),
            None => match config_deltas(want.overrides, have) {
                deltas if deltas.is_empty() => Configs::Same,
                deltas => Configs::Differ(deltas),
            },
        },
    }
}

/// The overrides of `have` that differ from `want`, sorted by key; empty (and nothing
/// allocated) when they are exactly `want`, by meaning. Reads whatever configs `have` reports,
/// even when `configs_error` is set (`compare` refuses that case; callers that mean to look
/// anyway, such as checking what a create made, call this).
pub fn config_deltas(want: &BTreeMap<String, String>, have: &TopicState) -> Vec<ConfigDelta> {
    if overrides_match(want, have) {
        return Vec::new();
    }
    let overrides = have.overrides();
    let mut out = Vec::new();
    for (key, w) in want {
        match overrides.get(key) {
            Some(h) if topic_config::equivalent(key, h, w) => {}
            h => out.push(ConfigDelta {
                key: key.clone(),
                want: Some(w.clone()),
                have: h.cloned(),
            }),
        }
    }
    for (key, h) in &overrides {
        if !want.contains_key(key) {
            out.push(ConfigDelta {
                key: key.clone(),
                want: None,
                have: Some(h.clone()),
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Whether the topic's overrides are exactly `want` (by meaning), without building anything.
fn overrides_match(want: &BTreeMap<String, String>, have: &TopicState) -> bool {
    let mut overrides = 0;
    for (key, entry) in &have.configs {
        if !have.is_override(entry) {
            continue;
        }
        overrides += 1;
        let value = entry.value.as_deref().unwrap_or_default();
        match want.get(key) {
            Some(w) if topic_config::equivalent(key, value, w) => {}
            _ => return false,
        }
    }
    overrides == want.len()
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    use super::*;
    use crate::fixtures::{kafka_topic, sparse_topic};

    /// Counts the allocations of the current thread, so a test can pin an allocation-free path.
    struct Counting;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
            // SAFETY: forwarded unchanged to the system allocator.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` came from `System.alloc` with this layout.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static COUNTING: Counting = Counting;

    fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = ALLOCATIONS.with(Cell::get);
        let out = f();
        (out, ALLOCATIONS.with(Cell::get) - before)
    }

    fn overrides(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn shape(p: i32, rf: i16, o: &BTreeMap<String, String>) -> TopicShape<'_> {
        TopicShape {
            partitions: p,
            replication_factor: rf,
            overrides: o,
        }
    }

    #[test]
    fn a_matching_topic_matches_on_kafka_and_sparse_brokers_without_allocating() {
        let want = overrides(&[("retention.ms", "1000"), ("cleanup.policy", "compact")]);
        let set = [("retention.ms", "1000"), ("cleanup.policy", "compact")];
        for have in [kafka_topic(3, 3, &set), sparse_topic(3, 3, &set)] {
            let (c, allocated) = allocations_in(|| compare(&shape(3, 3, &want), &have));
            assert!(c.matches(), "{c:?}");
            assert_eq!(allocated, 0, "a matching topic allocated");
        }
        // `diff` answers a matching topic through `compare` before building a change.
        let specs = crate::fixtures::specs(
            "topics:\n  - {name: t, partitions: 3, replication_factor: 3, configs: {retention.ms: 1000, cleanup.policy: compact}}\n",
        );
        let spec = &specs.topics["t"];
        for have in [kafka_topic(3, 3, &set), sparse_topic(3, 3, &set)] {
            let (change, allocated) =
                allocations_in(|| crate::diff::diff(spec, Some(&have), &[1, 2, 3]));
            assert_eq!(change, None);
            assert_eq!(allocated, 0, "diff of a matching topic allocated");
        }
    }

    #[test]
    fn inherited_kafka_entries_are_not_overrides() {
        // `kafka_topic` reports every config, `retention.ms` from server.properties: only the
        // DYNAMIC_TOPIC_CONFIG entries count.
        let none = BTreeMap::new();
        assert!(compare(&shape(1, 1, &none), &kafka_topic(1, 1, &[])).matches());
        // On a sparse broker every reported entry is an override.
        let c = compare(
            &shape(1, 1, &none),
            &sparse_topic(1, 1, &[("segment.ms", "5")]),
        );
        assert_eq!(
            c.configs,
            Configs::Differ(vec![ConfigDelta {
                key: "segment.ms".into(),
                want: None,
                have: Some("5".into()),
            }])
        );
    }

    #[test]
    fn each_difference_is_named_with_want_and_have() {
        let want = overrides(&[
            ("retention.ms", "2000"),
            ("cleanup.policy", "compact"),
            ("segment.ms", "5"),
        ]);
        let set = [
            ("retention.ms", "1000"),
            ("segment.ms", "5"),
            ("max.message.bytes", "10"),
        ];
        for have in [kafka_topic(6, 2, &set), sparse_topic(6, 2, &set)] {
            let c = compare(&shape(3, 3, &want), &have);
            assert!(!c.matches());
            assert_eq!(c.partitions, Delta::Differs { want: 3, have: 6 });
            assert_eq!(c.replication_factor, Delta::Differs { want: 3, have: 2 });
            let d = |key: &str, want: Option<&str>, have: Option<&str>| ConfigDelta {
                key: key.into(),
                want: want.map(Into::into),
                have: have.map(Into::into),
            };
            assert_eq!(
                c.configs,
                Configs::Differ(vec![
                    d("cleanup.policy", Some("compact"), None),
                    d("max.message.bytes", None, Some("10")),
                    d("retention.ms", Some("2000"), Some("1000")),
                ])
            );
        }
    }

    #[test]
    fn values_are_compared_by_meaning_and_keys_not_counts() {
        let want = overrides(&[("cleanup.policy", "compact,delete")]);
        let have = kafka_topic(1, 1, &[("cleanup.policy", "delete,compact")]);
        assert!(compare(&shape(1, 1, &want), &have).matches());
        // Same number of overrides, one key swapped.
        let want = overrides(&[("retention.ms", "1000"), ("segment.ms", "5")]);
        let have = sparse_topic(
            1,
            1,
            &[("retention.ms", "1000"), ("max.message.bytes", "5")],
        );
        match compare(&shape(1, 1, &want), &have).configs {
            Configs::Differ(d) => assert_eq!(d.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_configs_never_match() {
        let mut have = kafka_topic(1, 1, &[]);
        have.configs_error = Some("timed out".into());
        let c = compare(&shape(1, 1, &BTreeMap::new()), &have);
        assert_eq!(c.configs, Configs::Unreadable("timed out".into()));
        assert!(!c.matches());
    }

    #[test]
    fn only_keeps_the_named_overrides() {
        let want = overrides(&[("retention.ms", "2000")]);
        let have = sparse_topic(1, 1, &[("segment.ms", "5")]);
        let keys: BTreeSet<&str> = ["segment.ms"].into();
        match compare(&shape(1, 1, &want), &have).only(&keys).configs {
            Configs::Differ(d) => assert_eq!(
                d.iter().map(|d| &d.key[..]).collect::<Vec<_>>(),
                ["segment.ms"]
            ),
            other => panic!("{other:?}"),
        }
        let none: BTreeSet<&str> = ["unrelated"].into();
        assert!(compare(&shape(1, 1, &want), &have).only(&none).matches());
    }

    #[test]
    fn shapes_of_specs_leave_out_deletions() {
        let specs = crate::fixtures::specs(
            "topics:\n  - {name: a, partitions: 2, replication_factor: 3, configs: {retention.ms: 1h}}\n  - {name: gone, delete: true}\n",
        );
        let a = TopicShape::of_spec(&specs.topics["a"]).unwrap();
        assert_eq!((a.partitions, a.replication_factor), (2, 3));
        assert_eq!(a.overrides["retention.ms"], "3600000");
        assert_eq!(TopicShape::of_spec(&specs.topics["gone"]), None);
    }
}
