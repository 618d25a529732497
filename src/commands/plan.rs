//! `aimass plan`.

use aimass_engine::run::{self, PlanStatus};
use serde_json::json;

use crate::cli::{OutputFormat, RunArgs};
use crate::load;

pub fn run(args: &RunArgs) -> i32 {
    let (workflow, opts) = match load::for_run(args) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let lock = load::lock_or_warn(&args.file);
    let lines = run::plan(&workflow, &opts, &lock);
    match args.format {
        OutputFormat::Json => {
            let items: Vec<_> = lines
                .iter()
                .map(|l| match &l.status {
                    PlanStatus::Cached => {
                        json!({ "stage": l.stage, "kind": l.kind, "status": "cached" })
                    }
                    PlanStatus::WillRun(reasons) => json!({
                        "stage": l.stage,
                        "kind": l.kind,
                        "status": "will run",
                        "reasons": reasons.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
                    }),
                })
                .collect();
            println!(
                "{}",
                json!({ "pipeline": workflow.name(), "stages": items })
            );
        }
        OutputFormat::Text => {
            let w = lines.iter().map(|l| l.stage.len()).max().unwrap_or(5);
            let k = lines.iter().map(|l| l.kind.len()).max().unwrap_or(4);
            for l in &lines {
                match &l.status {
                    PlanStatus::Cached => println!("{:w$}  {:k$}  cached", l.stage, l.kind),
                    PlanStatus::WillRun(reasons) => {
                        let text: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
                        println!(
                            "{:w$}  {:k$}  will run: {}",
                            l.stage,
                            l.kind,
                            text.join("; ")
                        );
                    }
                }
            }
        }
    }
    0
}
