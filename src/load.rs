//! Reading, parsing and checking a pipeline file, with diagnostics on failure.

use std::path::Path;

use aimass_dsl::{ir, SourceFile};
use aimass_engine::Workflow;

use crate::diagnostics::emit;

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

/// The host options `--isolate-plugins` and `--stage-timeout` ask for.
pub fn host_options(args: &crate::cli::PluginArgs) -> aimass_plugin_host::HostOptions {
    aimass_plugin_host::HostOptions {
        isolate: args.isolate_plugins,
        timeout: args.stage_timeout,
    }
}

/// Loads the plugins a pipeline declares and the registry they extend: the stdlib's kinds,
/// the plugins' estimators as algorithms, their transforms as `plugin.kind`.
pub fn registry(
    src: &SourceFile,
    pipeline: &ir::Pipeline,
    project_dir: &Path,
    opts: &aimass_plugin_host::HostOptions,
) -> Result<aimass_engine::Registry, i32> {
    let plugins =
        aimass_plugin_host::Plugins::load(src, pipeline, project_dir, opts).map_err(|e| {
            for error in e.errors {
                emit(error);
            }
            INVALID
        })?;
    Ok(registry_with(&plugins))
}

/// The stdlib's kinds extended by `plugins`: estimators first, since the stdlib's model and
/// tune signatures list them, then the transforms.
pub fn registry_with(plugins: &aimass_plugin_host::Plugins) -> aimass_engine::Registry {
    for e in plugins.estimators() {
        aimass_stdlib::estimator::external::register(e);
    }
    let mut registry = aimass_stdlib::registry();
    plugins.register(&mut registry);
    registry
}

/// Parses, applies `--set` overrides, loads plugins and checks: the sealed DAG, or exit
/// code 2.
pub fn checked(
    path: &Path,
    sets: &[String],
    plugin_args: &crate::cli::PluginArgs,
) -> Result<(SourceFile, ir::Pipeline, Workflow), i32> {
    let (src, pipeline) = parse(path)?;
    aimass_stdlib::paths::allow_outside_project(plugin_args.allow_outside_project);
    let pipeline = aimass_engine::check::apply_overrides(&pipeline, sets).map_err(|errors| {
        for e in errors {
            emit(e);
        }
        INVALID
    })?;
    let registry = registry(
        &src,
        &pipeline,
        &project_dir(path),
        &host_options(plugin_args),
    )?;
    let workflow = aimass_engine::check(&src, &pipeline, &registry).map_err(|e| {
        emit(e);
        INVALID
    })?;
    Ok((src, pipeline, workflow))
}

/// [`checked`] for a command that writes nothing the pipeline says (graph, metrics, show,
/// cache gc): where the pipeline would write is not its concern.
pub fn checked_read_only(path: &Path) -> Result<(SourceFile, ir::Pipeline, Workflow), i32> {
    let args = crate::cli::PluginArgs {
        allow_outside_project: true,
        ..Default::default()
    };
    checked(path, &[], &args)
}

/// The run options for a checked workflow: project and cache directories, `--only` checked.
pub fn run_options(
    args: &crate::cli::RunArgs,
    workflow: &Workflow,
) -> Result<aimass_engine::run::RunOptions, i32> {
    let project_dir = project_dir(&args.file);
    let mut opts = aimass_engine::run::RunOptions::new(project_dir);
    if let Some(dir) = &args.cache_dir {
        opts.cache_dir = dir.clone();
    }
    if let Some(only) = &args.only {
        if workflow.node(only).is_none() {
            let hint = aimass_engine::did_you_mean(only, workflow.stage_names())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            eprintln!("error: --only {only}: the pipeline has no stage `{only}`{hint}");
            return Err(INVALID);
        }
        opts.only = Some(only.clone());
    }
    if let Some(jobs) = args.jobs {
        if jobs == 0 {
            eprintln!("error: --jobs must be at least 1");
            return Err(INVALID);
        }
        opts.jobs = jobs;
    }
    opts.force = args.force;
    opts.keep_going = args.keep_going;
    opts.stage_timeout = args.plugins.stage_timeout;
    Ok(opts)
}

/// The directory of the pipeline file: relative paths in the pipeline, the cache and the run
/// records live there.
pub fn project_dir(file: &Path) -> std::path::PathBuf {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// What `run` and `plan` both start from: the checked workflow and its run options.
pub fn for_run(
    args: &crate::cli::RunArgs,
) -> Result<(Workflow, aimass_engine::run::RunOptions), i32> {
    let (_, _, workflow) = checked(&args.file, &args.sets, &args.plugins)?;
    let opts = run_options(args, &workflow)?;
    Ok((workflow, opts))
}

/// The pipeline's lock file. A corrupt one is a warning, then ignored: the commands that
/// read it go on as if there were none, and the next `aimass run` writes a good one.
pub fn lock_or_warn(file: &Path) -> aimass_engine::run::LockFile {
    use aimass_engine::run::LockFile;
    match LockFile::load(&LockFile::path_for(file)) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("warning: {e}; it is ignored, and the next `aimass run` rewrites it");
            LockFile::default()
        }
    }
}
