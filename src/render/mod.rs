//! Renderers: the only code that formats results for people or machines. Each writes to an
//! `impl Write` (testable against a `Vec<u8>`), deterministically (sorted, no clock).

pub mod apply_report;
pub mod diagnostics;
pub mod findings;
pub mod gate_report;
pub mod notes;
pub mod plan;
pub mod validate_report;

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::model::document::{self, Document};

use crate::settings::arguments::ColorChoice;

/// Writes a versioned JSON document, then a newline: every `--format json` goes through here.
pub fn json<T: Document>(doc: &T, w: &mut dyn Write) -> io::Result<()> {
    document::write(doc, &mut *w)?;
    writeln!(w)
}

/// Colour on or off; decided once at the edge (terminal, `NO_COLOR`, `--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub color: bool,
}

impl Palette {
    /// The one place colour is decided, for any stream: `--color always|never` wins; `auto`
    /// colours only a terminal, and never when `NO_COLOR` is set (to anything but empty).
    pub fn decide(choice: ColorChoice, is_terminal: bool) -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Palette::decide_with(choice, is_terminal, no_color)
    }

    fn decide_with(choice: ColorChoice, is_terminal: bool, no_color: bool) -> Palette {
        Palette {
            color: match choice {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => is_terminal && !no_color,
            },
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    pub fn added(&self, text: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), text)
    }

    pub fn removed(&self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default(), text)
    }

    pub fn changed(&self, text: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default(), text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default().bold(), text)
    }

    pub fn strong(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_decided_by_the_flag_then_the_terminal_and_no_color() {
        // Regression: `--color never` still coloured `error:` on a terminal stderr.
        let on =
            |choice, terminal, no_color| Palette::decide_with(choice, terminal, no_color).color;
        assert!(!on(ColorChoice::Never, true, false));
        assert!(on(ColorChoice::Always, false, true));
        assert!(on(ColorChoice::Auto, true, false));
        assert!(!on(ColorChoice::Auto, true, true));
        assert!(!on(ColorChoice::Auto, false, false));
    }
}

/// The JSON documents, byte for byte as format version 1 wrote them before they shared one
/// envelope and one writer (issue 10, C2): a change here is a change of the wire format.
#[cfg(test)]
mod documents {
    use crate::cluster::memory::MemoryCluster;
    use crate::cluster::snapshot::Snapshot;
    use crate::command::testing::spec_dir;
    use crate::fixtures::{kafka_topic, msk, specs};
    use crate::settings::arguments::ValidateFormat;

    const SPECS: &str = "topics:\n  - {name: new, partitions: 3, replication_factor: 3, configs: {retention.ms: 1h}}\n  - {name: grown, partitions: 6, replication_factor: 3, configs: {cleanup.policy: compact}}\n  - {name: rf, partitions: 1, replication_factor: 3}\n  - {name: gone, delete: true}\n";

    fn state() -> crate::model::cluster_state::ClusterState {
        msk(vec![
            ("grown", kafka_topic(3, 3, &[("segment.ms", "3600000")])),
            ("rf", kafka_topic(1, 1, &[])),
            ("gone", kafka_topic(1, 3, &[])),
            ("stray", kafka_topic(1, 3, &[])),
        ])
    }

    /// The documents as the commands print them (each followed by a newline).
    fn rendered() -> Vec<(&'static str, String)> {
        let specs = specs(SPECS);
        let state = state();
        let mut out = Vec::new();

        let plan = crate::plan::plan(&specs, &state);
        let mut w = Vec::new();
        super::plan::render_json(&plan, &mut w).unwrap();
        out.push(("plan", String::from_utf8(w).unwrap()));

        let filter = crate::model::topic_filter::TopicFilter::default();
        let policies = crate::policy::CompiledPolicies::default();
        let input = crate::check::CheckInput {
            specs: &specs,
            state: &state,
            defaults: crate::model::broker_defaults::ResolvedDefaults::resolve(
                &state.broker_defaults,
                &Default::default(),
                &Default::default(),
            ),
            filter: &filter,
            policies: &policies,
        };
        let mut w = Vec::new();
        super::findings::render_json(&crate::check::check(&input), &mut w).unwrap();
        out.push(("check", String::from_utf8(w).unwrap()));

        let required = vec!["new".to_string(), "grown".into(), "rf".into()];
        let mut w = Vec::new();
        super::gate_report::render_json(&crate::gate::gate(&input, &required), &mut w).unwrap();
        out.push(("gate", String::from_utf8(w).unwrap()));

        let taken = humantime::parse_rfc3339("2026-11-24T02:00:00Z").unwrap();
        let snapshot = Snapshot::new(state.clone(), taken);
        let mut w = Vec::new();
        super::json(&snapshot, &mut w).unwrap();
        out.push(("snapshot", String::from_utf8(w).unwrap()));

        let dir =
            spec_dir("topics:\n  - name: a\n    partitions: many\n    replication_factor: 1\n");
        let ran = crate::command::testing::run(&MemoryCluster::new(), |cx| {
            crate::command::validate::run(
                &crate::settings::ValidateSettings {
                    paths: vec![dir.path().to_path_buf()],
                    format: ValidateFormat::Json,
                },
                cx,
            )
        });
        let validate = ran.out.replace(&dir.path().display().to_string(), "DIR");
        out.push(("validate", validate));
        out
    }

    #[test]
    fn every_document_keeps_its_bytes() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/testdata");
        for (name, text) in rendered() {
            // Not pinned: the version that wrote it.
            let text = text.replace(
                concat!("\"topicgate ", env!("CARGO_PKG_VERSION"), "\""),
                "\"topicgate VERSION\"",
            );
            let file = dir.join(format!("{name}.json"));
            if std::env::var_os("TOPICGATE_BLESS").is_some() {
                std::fs::write(&file, &text).unwrap();
            }
            let expected = std::fs::read_to_string(&file).unwrap();
            assert_eq!(text, expected, "{name}: the JSON changed");
        }
    }

    // The documents read back are the documents written (`plan --out`, `snapshot --out`: the
    // file has no newline after the JSON).
    #[test]
    fn saved_documents_read_back() {
        use crate::model::document;
        let path = std::path::Path::new("doc.json");
        let plan = crate::plan::plan(&specs(SPECS), &state());
        let mut text = Vec::new();
        document::write(&plan, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(
            document::read::<crate::model::plan::Plan>(&text, path).unwrap(),
            plan
        );
        let snapshot = Snapshot::new(state(), std::time::SystemTime::now());
        let mut text = Vec::new();
        document::write(&snapshot, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(document::read::<Snapshot>(&text, path).unwrap(), snapshot);
        // One kind is never read as another.
        match document::read::<Snapshot>(&serde_json::to_string(&plan).unwrap(), path) {
            Err(document::DocumentError::OtherFormat(why)) => assert_eq!(
                why,
                "expected format `topicgate-snapshot` version 1, found format `topicgate-plan` and version 1"
            ),
            other => panic!("{other:?}"),
        }
    }
}
