//! Hot reload: `latest` is polled; a new version is loaded off the request path, verified,
//! and swapped in atomically. Requests in flight keep the model they started with (their
//! own `Arc`). A version that fails to load is logged, counted in /metrics, and not tried
//! again until `latest` changes or SIGHUP asks; the old model keeps serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::loaded::Loaded;
use crate::state::Shared;

/// The version `latest` names under `bundle`, if `bundle` is a name directory.
fn latest(bundle: &Path) -> Option<String> {
    let text = std::fs::read_to_string(bundle.join("latest")).ok()?;
    Some(text.trim().to_string())
}

pub async fn watch(state: Shared, bundle: PathBuf, poll: Duration) {
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut failed: Option<String> = None;
    loop {
        #[cfg(unix)]
        let forced = match hup.as_mut() {
            Some(h) => tokio::select! {
                _ = tokio::time::sleep(poll) => false,
                _ = h.recv() => true,
            },
            None => {
                tokio::time::sleep(poll).await;
                false
            }
        };
        #[cfg(not(unix))]
        let forced = {
            tokio::time::sleep(poll).await;
            false
        };
        let current = state.model.load().version().to_string();
        let wanted = latest(&bundle);
        let changed = wanted
            .as_ref()
            .is_some_and(|w| *w != current && failed.as_ref() != Some(w));
        if !(forced || changed) {
            continue;
        }
        let (path, threshold) = (bundle.clone(), state.limits.threshold);
        let result = tokio::task::spawn_blocking(move || Loaded::open(&path, threshold)).await;
        match result {
            Ok(Ok(loaded)) => {
                eprintln!(
                    "aimass serve: now serving {} version {} (was {current})",
                    loaded.name(),
                    loaded.version()
                );
                state.model.store(Arc::new(loaded));
                state.metrics.reload(true);
                failed = None;
            }
            Ok(Err(e)) => {
                eprintln!(
                    "aimass serve: version {} failed to load; still serving {current}:\n{:?}",
                    wanted.as_deref().unwrap_or("?"),
                    miette::Report::new(e)
                );
                state.metrics.reload(false);
                failed = wanted;
            }
            Err(e) => {
                eprintln!(
                    "aimass serve: the reload failed inside aimass ({e}); still serving {current}"
                );
                state.metrics.reload(false);
                failed = wanted;
            }
        }
    }
}
