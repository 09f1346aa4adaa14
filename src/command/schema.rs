//! `topicgate schema`: print the JSON Schema of spec files or of topicgate.yaml.

use super::{Context, Outcome};
use crate::error::Error;
use crate::settings::arguments::SchemaKind;

pub(super) fn run(kind: SchemaKind, cx: &mut Context) -> Result<Outcome, Error> {
    let schema = match kind {
        SchemaKind::Spec => crate::spec_file::spec_schema(),
        SchemaKind::Config => crate::spec_file::config_schema_document(),
    };
    crate::render::notes::schema(&schema, cx.io.out)?;
    Ok(Outcome::Success)
}
