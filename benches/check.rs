//! Parse + check of a generated 1,000-stage pipeline (target: under 50 ms).
//!
//! `cargo bench --bench check`. Prints the median of 20 runs per form.

use std::time::{Duration, Instant};

use aimass_dsl::ir::SourceFormat;
use aimass_dsl::SourceFile;

fn pipeline(stages: usize) -> String {
    let mut s = String::from("pipeline \"bench\" {\n  seed = 1\n  params { depth = 6 }\n}\n\n");
    s.push_str("stage raw: collect { source = \"data.csv\" }\n");
    for i in 0..stages - 1 {
        // A chain of cleans with a model branching off every tenth stage.
        let input = if i == 0 {
            "raw".to_string()
        } else {
            format!("c{}", i - 1)
        };
        if i % 10 == 9 {
            s.push_str(&format!(
                "stage c{i}: model {{ input = {input}, target = \"y\", algorithm = decision_tree, max_depth = params.depth }}\n"
            ));
            s.push_str(&format!(
                "stage d{i}: clean {{ input = {input}, dedupe = true }}\n"
            ));
        } else {
            s.push_str(&format!(
                "stage c{i}: clean {{ input = {input}, impute = {{ numeric = median }}, one_hot = [\"a\", \"b\"] }}\n"
            ));
        }
    }
    // Stages after a model must read a frame: rewire inputs that follow a model stage.
    let mut out = String::new();
    for line in s.lines() {
        let mut l = line.to_string();
        for i in (9..stages).step_by(10) {
            let model_ref = format!("input = c{i},");
            if l.contains(&model_ref) && !l.contains(&format!("stage d{i}")) {
                l = l.replace(&model_ref, &format!("input = d{i},"));
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let registry = aimass_stdlib::registry();
    let text = pipeline(1000);
    let src = SourceFile::new("bench.aim", text.clone(), SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).expect("the generated pipeline parses");
    let yaml = aimass_dsl::emit_yaml(&ir);
    let ysrc = SourceFile::new("bench.yaml", yaml, SourceFormat::Yaml);
    for (name, src) in [("aim", &src), ("yaml", &ysrc)] {
        let mut times = Vec::new();
        let mut stages = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let ir = aimass_dsl::parse(src).expect("parses");
            let wf = match aimass_engine::check(src, &ir, &registry) {
                Ok(wf) => wf,
                Err(e) => panic!("{}", aimass_dsl::render::plain(&e)),
            };
            times.push(t.elapsed());
            stages = wf.graph().node_count();
        }
        println!(
            "parse+check {name}: {stages} stages, {} bytes: median {:.2} ms",
            src.text.len(),
            median(times).as_secs_f64() * 1000.0
        );
    }
}
