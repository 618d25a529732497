//! `aimass plugins inspect PATH`: what a plugin library provides, without a pipeline.

use std::path::Path;

use aimass_plugin_host::{HostOptions, Plugin, Role};
use serde_json::{json, Value as Json};

use crate::cli::{OutputFormat, PluginsCommand};
use crate::diagnostics::emit;

pub fn run(command: PluginsCommand) -> i32 {
    match command {
        PluginsCommand::Inspect { path, format } => inspect(&path, format),
    }
}

/// Opens a library given on the command line: a path (relative to the current directory) or
/// a bare name searched in AIMASS_PLUGIN_PATH; its kinds are named after the plugin itself.
pub fn open_arg(path: &Path) -> Result<std::sync::Arc<Plugin>, i32> {
    let declared = path.to_string_lossy();
    let search = std::env::var_os(aimass_plugin_host::SEARCH_PATH_VAR);
    aimass_plugin_host::resolve(&declared, Path::new("."), search.as_deref())
        .and_then(|p| aimass_plugin_host::open(None, &p, &HostOptions::default()))
        .map_err(|failure| {
            emit(aimass_plugin_host::LoadError {
                plugin: declared.to_string(),
                failure,
                src: None,
                span: Default::default(),
                also: None,
            });
            crate::load::INVALID
        })
}

fn inspect(path: &Path, format: OutputFormat) -> i32 {
    let plugin = match open_arg(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match format {
        OutputFormat::Json => println!("{:#}", describe_json(&plugin)),
        OutputFormat::Text => print!("{}", describe_text(&plugin)),
    }
    0
}

fn describe_json(p: &Plugin) -> Json {
    let stages: Vec<Json> = p
        .descriptor
        .stages
        .iter()
        .map(|s| {
            let params: Vec<Json> = s
                .params
                .iter()
                .map(|q| {
                    json!({
                        "name": q.name,
                        "type": q.ty.to_string(),
                        "required": q.required,
                        "default": q.default,
                        "min": q.bounds.map(|b| b.0).filter(|v| v.is_finite()),
                        "max": q.bounds.map(|b| b.1).filter(|v| v.is_finite()),
                        "doc": q.doc,
                    })
                })
                .collect();
            let mut o = json!({
                "kind": format!("{}.{}", p.identity.name, s.kind),
                "doc": s.doc,
                "params": params,
            });
            match &s.role {
                Role::Transform { inputs, outputs } => {
                    o["role"] = json!("transform");
                    o["inputs"] = json!(inputs
                        .iter()
                        .map(|i| json!({ "name": i.name, "type": if i.list { "list of Frame" } else { "Frame" }, "doc": i.doc }))
                        .collect::<Vec<_>>());
                    o["outputs"] = json!(outputs
                        .iter()
                        .map(|o| json!({ "name": o.name, "type": o.ty.name(), "doc": o.doc }))
                        .collect::<Vec<_>>());
                }
                Role::Estimator { tasks } => {
                    o["role"] = json!("estimator");
                    o["tasks"] = json!(tasks);
                }
            }
            o
        })
        .collect();
    json!({
        "name": p.identity.name,
        "version": p.identity.version,
        "abi_version": p.identity.abi_version,
        "path": p.identity.path,
        "blake3": p.identity.hash,
        "string_views": p.flags & aimass_plugin_api::FLAG_STRING_VIEWS != 0,
        "stages": stages,
    })
}

fn describe_text(p: &Plugin) -> String {
    let id = &p.identity;
    let mut s = format!(
        "{} {}\n  library  {}\n  blake3   {}\n  ABI      {}\n",
        id.name,
        id.version,
        id.path.display(),
        id.hash,
        id.abi_version
    );
    for st in &p.descriptor.stages {
        let kind = format!("{}.{}", id.name, st.kind);
        match &st.role {
            Role::Transform { inputs, outputs } => {
                s.push_str(&format!("\n{kind}  (transform)\n  {}\n", st.doc));
                for i in inputs {
                    let ty = if i.list { "list of Frame" } else { "Frame" };
                    s.push_str(&format!("  input   {:16} {ty}  {}\n", i.name, i.doc));
                }
                for o in outputs {
                    s.push_str(&format!("  output  {:16} {}  {}\n", o.name, o.ty, o.doc));
                }
            }
            Role::Estimator { tasks } => {
                s.push_str(&format!(
                    "\n{kind}  (estimator: {}; use it as `algorithm = {kind}`)\n  {}\n",
                    tasks.join(", "),
                    st.doc
                ));
            }
        }
        for q in &st.params {
            let req = if q.required {
                "required".to_string()
            } else {
                match &q.default {
                    Some(d) => format!("default {d}"),
                    None => "optional".to_string(),
                }
            };
            s.push_str(&format!(
                "  param   {:16} {} [{req}]  {}\n",
                q.name, q.ty, q.doc
            ));
        }
    }
    s
}
