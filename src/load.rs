//! Reading, parsing and checking a pipeline file, with diagnostics on failure.

use std::path::Path;

use aimass_dsl::{ir, SourceFile};
use aimass_engine::Workflow;

use crate::report::emit;

/// Exit code for an invalid pipeline file or command line.
pub const INVALID: i32 = 2;

pub fn parse(path: &Path) -> Result<(SourceFile, ir::Pipeline), i32> {
    let src = SourceFile::read(path).map_err(|e| {
        emit(e);
        INVALID
    })?;
    let pipeline = aimass_dsl::parse(&src).map_err(|e| {
        emit(e);
        INVALID
    })?;
    Ok((src, pipeline))
}

/// Parses, applies `--set` overrides and checks: the sealed DAG, or exit code 2.
pub fn checked(path: &Path, sets: &[String]) -> Result<(SourceFile, ir::Pipeline, Workflow), i32> {
    let (src, pipeline) = parse(path)?;
    let pipeline = aimass_engine::check::apply_overrides(&pipeline, sets).map_err(|errors| {
        for e in errors {
            emit(e);
        }
        INVALID
    })?;
    let registry = aimass_stdlib::registry();
    let workflow = aimass_engine::check(&src, &pipeline, &registry).map_err(|e| {
        emit(e);
        INVALID
    })?;
    Ok((src, pipeline, workflow))
}
