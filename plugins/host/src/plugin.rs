//! A loaded plugin as the rest of aimass sees it: its identity and descriptor, and calls that
//! run in this process or in an isolated child, bounded by `--stage-timeout`.

use std::sync::Arc;
use std::time::Duration;

use polars::prelude::DataFrame;

use crate::deadline::within;
use crate::descriptor::{Descriptor, OutputDesc};
use crate::identity::Identity;
use crate::isolate::Child;
use crate::library::Library;
use crate::outcome::{CallResult, PortValue};

/// How plugins are loaded and called.
#[derive(Clone, Debug, Default)]
pub struct HostOptions {
    /// Run every plugin call in a child process (`--isolate-plugins`).
    pub isolate: bool,
    /// Give up on a call after this long (`--stage-timeout`).
    pub timeout: Option<Duration>,
}

enum Backend {
    InProcess(&'static Library),
    Isolated(Child),
}

pub struct Plugin {
    /// The name the pipeline gives it (`plugin rfm = ...`): its kinds are `rfm.KIND`.
    pub alias: String,
    pub identity: Identity,
    pub descriptor: Descriptor,
    pub flags: u32,
    timeout: Option<Duration>,
    backend: Backend,
}

impl Plugin {
    pub fn in_process(
        alias: &str,
        lib: &'static Library,
        timeout: Option<Duration>,
    ) -> Arc<Plugin> {
        Arc::new(Plugin {
            alias: alias.to_string(),
            identity: lib.identity.clone(),
            descriptor: lib.descriptor.clone(),
            flags: lib.flags,
            timeout,
            backend: Backend::InProcess(lib),
        })
    }

    pub fn isolated(alias: &str, child: Child, timeout: Option<Duration>) -> Arc<Plugin> {
        Arc::new(Plugin {
            alias: alias.to_string(),
            identity: child.identity.clone(),
            descriptor: child.descriptor.clone(),
            flags: child.flags,
            timeout,
            backend: Backend::Isolated(child),
        })
    }

    pub fn is_isolated(&self) -> bool {
        matches!(self.backend, Backend::Isolated(_))
    }

    /// `rfm (librfm.so)`: how diagnostics name the library.
    pub fn library_name(&self) -> String {
        self.identity
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.identity.path.display().to_string())
    }

    pub fn transform(
        &self,
        kind: &str,
        call: String,
        inputs: Vec<(String, DataFrame)>,
        outputs: Vec<OutputDesc>,
    ) -> CallResult<Vec<PortValue>> {
        match &self.backend {
            Backend::InProcess(lib) => {
                let (lib, kind) = (*lib, kind.to_string());
                within(self.timeout, move || {
                    lib.transform(&kind, &call, &inputs, &outputs)
                })
            }
            Backend::Isolated(child) => {
                child.transform(kind, &call, inputs, &outputs, self.timeout)
            }
        }
    }

    pub fn fit(&self, kind: &str, call: String, x: DataFrame, y: DataFrame) -> CallResult<Vec<u8>> {
        match &self.backend {
            Backend::InProcess(lib) => {
                let (lib, kind) = (*lib, kind.to_string());
                within(self.timeout, move || lib.fit(&kind, &call, &x, &y))
            }
            Backend::Isolated(child) => child.fit(kind, &call, x, y, self.timeout),
        }
    }

    pub fn predict(
        &self,
        kind: &str,
        call: String,
        state: Arc<[u8]>,
        x: DataFrame,
    ) -> CallResult<DataFrame> {
        match &self.backend {
            Backend::InProcess(lib) => {
                let (lib, kind) = (*lib, kind.to_string());
                within(self.timeout, move || lib.predict(&kind, &call, &state, &x))
            }
            Backend::Isolated(child) => child.predict(kind, &call, &state, x, self.timeout),
        }
    }
}
