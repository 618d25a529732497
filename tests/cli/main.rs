//! End-to-end tests of the `aimass` binary: pipeline text in, exit code, stdout and stderr
//! out. One test binary, one small builder (in the manner of just's and cargo's suites).
#![allow(clippy::unwrap_used)]

mod check;
mod ci_example;
#[path = "../support/compile_c.rs"]
mod compile_c;
mod corpus;
mod deploy;
mod determinism;
mod drift;
mod editors;
mod faults;
mod fmt;
mod gbdt;
mod guide;
mod harness;
mod http;
mod interrupt;
mod mlp;
mod plugins;
mod png;
mod report;
mod run;
mod schema;
mod score;
mod serve;
mod serve_rows;
mod serve_support;
mod show;
mod sql;
mod timeout;
mod tune;
