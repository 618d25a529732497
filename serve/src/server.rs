//! The router, the request accounting around it, and the listener's life: bind, serve,
//! reload in the background, and on SIGTERM or SIGINT stop accepting, finish what is in
//! flight, exit 0.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::extract::{Request, State as Extract};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::api_error::Reason;
use crate::limits::Limits;
use crate::loaded::Loaded;
use crate::metrics::{endpoint_of, Metrics};
use crate::state::{Shared, State};
use crate::{handlers, oip};

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/predict", post(handlers::predict))
        .route("/health", get(handlers::health))
        .route("/ready", get(handlers::ready))
        .route("/model", get(handlers::model))
        .route("/schema", get(handlers::schema))
        .route("/metrics", get(handlers::metrics))
        .route("/v2", get(oip::server_metadata))
        .route("/v2/health/live", get(oip::server_live))
        .route("/v2/health/ready", get(oip::server_ready))
        .route("/v2/models/{name}", get(oip::model_metadata))
        .route("/v2/models/{name}/ready", get(oip::model_ready))
        .route("/v2/models/{name}/infer", post(oip::infer))
        .route(
            "/v2/models/{name}/versions/{version}",
            get(oip::version_metadata),
        )
        .route(
            "/v2/models/{name}/versions/{version}/infer",
            post(oip::infer_version),
        )
        .fallback(handlers::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), account))
        .with_state(state)
}

/// Counts every request by endpoint, status and refusal reason, and times it.
async fn account(Extract(state): Extract<Shared>, req: Request, next: Next) -> Response {
    let endpoint = endpoint_of(req.uri().path());
    let start = Instant::now();
    let res = next.run(req).await;
    let reason = res.extensions().get::<Reason>().copied();
    state
        .metrics
        .request(endpoint, res.status().as_u16(), reason, start.elapsed());
    res
}

pub async fn serve(
    bundle: PathBuf,
    addr: SocketAddr,
    loaded: Loaded,
    limits: Limits,
    poll: Duration,
) -> i32 {
    let state: Shared = Arc::new(State {
        model: ArcSwap::from_pointee(loaded),
        metrics: Metrics::default(),
        limits,
    });
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return 1;
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    {
        let m = state.model.load();
        // One line on stdout, so a script (or a test on port 0) learns the address.
        println!(
            "aimass serve: listening on http://{bound} ({} version {})",
            m.name(),
            m.version()
        );
    }
    let watcher = tokio::spawn(crate::reload::watch(state.clone(), bundle, poll));
    let result = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await;
    watcher.abort();
    match result {
        Ok(()) => {
            eprintln!("aimass serve: stopped");
            0
        }
        Err(e) => {
            eprintln!("error: the server failed: {e}");
            1
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
