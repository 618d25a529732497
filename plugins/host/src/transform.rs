//! A plugin's transform as an engine stage kind (`rfm.segment`): the engine checks, keys,
//! caches and schedules it exactly as a built-in.
//!
//! The stage's output frames carry no recipe: aimass cannot replay a plugin's transform on
//! the raw rows a deployed model is given, so a model trained on a plugin's output scores
//! rows prepared the same way (documented in docs/plugins.md).

use std::collections::BTreeMap;
use std::sync::Arc;

use aimass_engine::{
    Artifact, Frame, Outputs, Params, RunContext, Signature, StageError, StageKind,
};
use serde_json::{json, Map, Value as Json};

use crate::descriptor::{InputDesc, OutputDesc, Role, StageDesc};
use crate::outcome::{CallFailure, FailureKind, PortValue};
use crate::plugin::Plugin;

pub struct PluginTransform {
    sig: Signature,
    plugin: Arc<Plugin>,
    /// The kind's name inside the plugin (`segment`).
    kind: String,
    inputs: Vec<InputDesc>,
    outputs: Vec<OutputDesc>,
}

impl PluginTransform {
    pub fn new(plugin: &Arc<Plugin>, desc: &StageDesc) -> Option<PluginTransform> {
        let Role::Transform { inputs, outputs } = &desc.role else {
            return None;
        };
        Some(PluginTransform {
            sig: desc.signature(&plugin.alias)?,
            plugin: Arc::clone(plugin),
            kind: desc.kind.clone(),
            inputs: inputs.clone(),
            outputs: outputs.clone(),
        })
    }
}

/// The parameters a plugin is given: every declared one with a value, inputs and `seed` left
/// out (the seed travels on its own).
pub fn plain_params(params: &Params, skip: &[&str]) -> Json {
    let mut m = Map::new();
    for (name, v) in params.iter() {
        if name == "seed" || skip.contains(&name) || !v.port_refs().is_empty() {
            continue;
        }
        m.insert(name.to_string(), v.plain());
    }
    Json::Object(m)
}

/// A failed call as the stage's error: the plugin and its library named, pointing at the
/// parameter the plugin blamed.
pub fn stage_error(plugin: &Plugin, kind: &str, f: CallFailure, params: &Params) -> StageError {
    let what = match f.kind {
        FailureKind::Error => "failed",
        FailureKind::Panic => "panicked",
        FailureKind::BadOutput => "returned invalid output",
        FailureKind::Timeout => "timed out",
        FailureKind::Crash => "crashed",
    };
    let mut e = StageError::new(format!(
        "plugin `{}` ({}) {what} in `{kind}`: {}",
        plugin.alias,
        plugin.library_name(),
        f.detail()
    ))
    .code(f.code());
    e = match f.kind {
        FailureKind::Error => e,
        FailureKind::Panic | FailureKind::BadOutput => e.help(
            "this is a bug in the plugin, not in your pipeline: report it to the plugin's authors",
        ),
        FailureKind::Timeout => {
            e.help("raise --stage-timeout if the stage is just slow; otherwise the plugin is stuck")
        }
        FailureKind::Crash => e.help(
            "the plugin crashed its isolated host process; the rest of the run was not affected",
        ),
    };
    if let Some(p) = f.param.as_deref() {
        if let Some(v) = params.get(p) {
            e = e.at(v.span, format!("the plugin rejected `{p}`"));
        } else {
            e = e.help(format!("the plugin blamed its parameter `{p}`"));
        }
    }
    e
}

impl StageKind for PluginTransform {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn plugins(&self, _params: &Params) -> BTreeMap<String, String> {
        BTreeMap::from([(self.plugin.alias.clone(), self.plugin.identity.key())])
    }

    fn run(&self, ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        let mut inputs = Vec::new();
        for desc in &self.inputs {
            for art in ctx.inputs_of(&desc.name) {
                let Some(frame) = art.as_frame() else {
                    return Err(StageError::new(format!(
                        "input `{}` is a {}, not a Frame",
                        desc.name,
                        art.ty()
                    )));
                };
                inputs.push((desc.name.clone(), frame.data.clone()));
            }
        }
        let call = json!({
            "stage": ctx.stage,
            "seed": ctx.seed,
            "params": plain_params(ctx.params, &[]),
        })
        .to_string();
        let values = self
            .plugin
            .transform(&self.kind, call, inputs, self.outputs.clone())
            .map_err(|f| stage_error(&self.plugin, &self.kind, f, ctx.params))?;
        let mut out = Outputs::new();
        for (port, value) in self.outputs.iter().zip(values) {
            let art = match value {
                PortValue::Frame(df) => Artifact::Frame(Frame::new(df)),
                PortValue::Metrics(j) => Artifact::Metrics(j),
            };
            out = out.with(&port.name, art);
        }
        Ok(out)
    }
}
