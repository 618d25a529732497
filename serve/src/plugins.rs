//! The plugin libraries a bundle's model needs, loaded once per process.
//!
//! A plugin estimator is registered process-wide under `alias.kind`, and a model names only
//! that. So a reload may bring a plugin the server already has (nothing to do), one it does
//! not have (loaded, checked by hash, registered), or another build of one it has. The last
//! is refused: registering it would take the old build away from the version still serving,
//! whose in-flight requests would then fail. Changing a plugin's build means a restart.

use aimass_engine::StageError;
use aimass_plugin_host::{HostOptions, Plugins};
use aimass_stdlib::bundle::{Bundle, BundlePlugin};
use aimass_stdlib::estimator::external;

const CODE: &str = "aimass::serve::plugins";

/// Makes every plugin estimator `bundle` needs available, or says why it cannot.
pub fn load(bundle: &Bundle) -> Result<(), StageError> {
    let needed = &bundle.manifest.plugins;
    if needed.is_empty() {
        return Ok(());
    }
    let registered: Vec<_> = external::all().iter().map(|e| e.plugin()).collect();
    let mut missing: Vec<BundlePlugin> = Vec::new();
    for p in needed {
        match registered.iter().find(|r| r.alias == p.plugin.alias) {
            Some(r) if r.hash == p.plugin.hash => {}
            Some(r) => {
                return Err(StageError::new(format!(
                    "{} needs plugin `{}` {} (blake3 {}), but this server already runs \
                     build {} of it",
                    bundle.dir.display(),
                    p.plugin.alias,
                    p.plugin.version,
                    short(&p.plugin.hash),
                    short(&r.hash),
                ))
                .code(CODE)
                .help("restart `aimass serve` to change a plugin's build"));
            }
            None => missing.push(p.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    // In process: a served model answers in microseconds, a child process per call would
    // cost milliseconds (`aimass predict --isolate-plugins` is there for untrusted builds).
    let opts = HostOptions::default();
    let loaded =
        aimass_plugin_host::load_for_bundle(&missing, &bundle.dir, &opts).map_err(|errs| {
            let msg: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            let e = StageError::new(msg.join("; ")).code(CODE);
            match errs.first() {
                Some(first) => e.help(first.help()),
                None => e,
            }
        })?;
    for e in (Plugins { loaded }).estimators() {
        external::register(e);
    }
    Ok(())
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
