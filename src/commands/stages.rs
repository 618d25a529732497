use std::path::{Path, PathBuf};

use aimass_engine::Signature;

use crate::load;

/// The built-in kinds, plus those of a pipeline's plugins and of `--plugin` libraries.
fn registry(pipeline: Option<&Path>, plugins: &[PathBuf]) -> Result<aimass_engine::Registry, i32> {
    let mut all = match pipeline {
        Some(file) => {
            let (src, p) = load::parse(file)?;
            aimass_plugin_host::Plugins::load(
                &src,
                &p,
                &load::project_dir(file),
                &Default::default(),
            )
            .map_err(|e| {
                for error in e.errors {
                    crate::diagnostics::emit(error);
                }
                load::INVALID
            })?
        }
        None => aimass_plugin_host::Plugins::default(),
    };
    for path in plugins {
        all.loaded.push(super::plugins::open_arg(path)?);
    }
    Ok(load::registry_with(&all))
}

/// `aimass schema`: the YAML form's JSON Schema for the same kinds `stages` lists.
pub fn schema(pipeline: Option<&Path>, plugins: &[PathBuf]) -> i32 {
    let registry = match registry(pipeline, plugins) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let schema = aimass_engine::schema::yaml_schema(&registry);
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => {
            println!("{text}");
            0
        }
        Err(e) => {
            eprintln!("error: cannot write the schema: {e}");
            1
        }
    }
}

pub fn run(kind: Option<&str>, pipeline: Option<&Path>, plugins: &[PathBuf]) -> i32 {
    let registry = match registry(pipeline, plugins) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match kind {
        None => {
            let width = registry.names().map(str::len).max().unwrap_or(0);
            for k in registry.kinds() {
                let sig = k.signature();
                println!("{:width$}  {}", sig.kind, sig.doc);
            }
            let estimators = aimass_stdlib::estimator::external::all();
            if !estimators.is_empty() {
                println!("\nplugin estimators (use as `algorithm = NAME` in model and tune):");
                let width = estimators.iter().map(|e| e.name().len()).max().unwrap_or(0);
                for e in &estimators {
                    println!("{:width$}  {}", e.name(), e.doc());
                }
            }
            println!("\n`aimass stages KIND` describes one kind's ports and parameters.");
            0
        }
        Some(name) => match registry.signature(name) {
            Some(sig) => {
                print!("{}", describe(sig));
                0
            }
            None => {
                let hint = aimass_engine::did_you_mean(name, registry.names())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                eprintln!("error: unknown stage kind `{name}`{hint}; `aimass stages` lists them");
                2
            }
        },
    }
}

/// A kind's full description: doc, inputs, outputs, parameters with types and defaults.
fn describe(sig: &Signature) -> String {
    let mut s = format!("{}\n  {}\n", sig.kind, sig.doc);
    let inputs: Vec<_> = sig.input_params().collect();
    if !inputs.is_empty() {
        s.push_str("\ninputs:\n");
        for p in inputs {
            s.push_str(&format!("  {:18} {}  {}\n", p.name, p.ty, p.doc));
        }
    }
    s.push_str("\noutputs:\n");
    for o in &sig.outputs {
        let default = if sig.default_output.as_deref() == Some(o.name.as_str()) {
            " (default)"
        } else {
            ""
        };
        s.push_str(&format!("  {:18} {}{}  {}\n", o.name, o.ty, default, o.doc));
    }
    s.push_str("\nparameters:\n");
    for p in sig.params.iter().filter(|p| p.ty.input_type().is_none()) {
        let req = if p.required {
            "required".to_string()
        } else {
            match &p.default {
                Some(d) => format!("default {}", d.display()),
                None => "optional".to_string(),
            }
        };
        s.push_str(&format!(
            "  {:18} {} [{}]\n  {:18} {}\n",
            p.name, p.ty, req, "", p.doc
        ));
    }
    s
}
