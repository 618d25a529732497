//! `aimass serve`: one bundle over HTTP (see README.md in this crate).
//!
//! Its own crate so that the HTTP stack (axum, hyper, tokio) is compiled once and the
//! command line around it rebuilds without it; the `aimass` binary only calls [`run`].

mod api_error;
mod handlers;
mod limits;
mod loaded;
mod metrics;
mod oip;
mod plugins;
mod process;
mod records;
mod reload;
mod response;
mod rows;
mod schema;
pub mod scoring;
mod server;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use limits::Limits;

/// `aimass serve`'s arguments.
#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// A bundle, as `predict` takes it; `<to>/<name>` follows `latest` as new versions
    /// are deployed.
    pub bundle: PathBuf,
    /// Where to listen. Loopback unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    pub max_body: usize,
    /// The most records one request may carry.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_records: usize,
    /// How often to look at `latest` for a new version, in milliseconds (SIGHUP reloads at
    /// once).
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub poll_ms: u64,
    /// A binary classifier predicts the positive class above this probability.
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    pub threshold: f64,
}

/// Exit codes: 0 after a graceful shutdown; 1 the server failed (cannot bind); 2 the
/// bundle or the arguments are wrong.
pub fn run(args: Args) -> i32 {
    if !(0.0..=1.0).contains(&args.threshold) {
        eprintln!("error: --threshold must be between 0 and 1");
        return 2;
    }
    if args.max_records == 0 || args.max_body == 0 {
        eprintln!("error: --max-records and --max-body must be at least 1");
        return 2;
    }
    let limits = Limits {
        max_body: args.max_body,
        max_records: args.max_records,
        threshold: args.threshold,
    };
    let loaded = match loaded::Loaded::open(&args.bundle, limits.threshold) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return 2;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server's runtime: {e}");
            return 1;
        }
    };
    let poll = Duration::from_millis(args.poll_ms.max(10));
    runtime.block_on(server::serve(args.bundle, args.addr, loaded, limits, poll))
}
