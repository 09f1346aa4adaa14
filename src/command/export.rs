//! `topicgate export`: describe -> export -> write spec files (never overwriting without
//! `--force`, and never declaring a topic the output directory's other specs already declare,
//! so the directory still loads afterwards).

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{Context, Outcome};
use crate::error::Error;
use crate::export::export;
use crate::render;
use crate::settings::ExportSettings;

pub(super) fn run(s: &ExportSettings, cx: &mut Context) -> Result<Outcome, Error> {
    let (out_dir, io) = (s.out.as_path(), &mut cx.io);
    let cluster = super::open(cx.connector, &s.source, io)?;
    let state = cluster.describe()?;
    let exported = export(&state, &s.options);
    let targets: Vec<PathBuf> = exported
        .files
        .iter()
        .map(|f| out_dir.join(&f.path))
        .collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|p| p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if !existing.is_empty() && !s.force {
        return Err(Error::WouldOverwrite(existing));
    }
    // A topic the directory's other spec files declare would be declared twice, and every later
    // command on the directory would fail. (Files about to be overwritten do not count.)
    let exporting: BTreeSet<&str> = exported
        .files
        .iter()
        .flat_map(|f| f.names.iter().map(String::as_str))
        .collect();
    let twice: Vec<String> = crate::load::declared(out_dir, &targets)
        .into_iter()
        .filter(|spec| exporting.contains(spec.name.as_str()))
        .map(|spec| {
            format!(
                "`{}` is already declared at {}",
                spec.name,
                spec.origin.location()
            )
        })
        .collect();
    if !twice.is_empty() {
        return Err(Error::DeclaredTwice(twice));
    }
    std::fs::create_dir_all(out_dir).map_err(|source| Error::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    for file in &exported.files {
        let path = out_dir.join(&file.path);
        std::fs::write(&path, &file.text).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        render::notes::exported_file(&path, file.topics, io.out)?;
    }
    for (topic, why) in &exported.skipped {
        render::notes::not_exported(topic, why, io.err, io.err_palette)?;
    }
    let topics: usize = exported.files.iter().map(|f| f.topics).sum();
    render::notes::exported(topics, exported.files.len(), out_dir, io.out)?;
    Ok(Outcome::Success)
}
