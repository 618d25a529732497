//! The built-in stage kinds, one file each.

pub mod clean;
pub mod collect;
pub mod common;
mod declared;
pub mod deploy;
pub mod evaluate;
pub mod fuse;
pub mod join;
pub mod model;
pub mod resample;
pub mod split;
pub mod tune;

use std::sync::Arc;

use aimass_engine::Registry;

use declared::Declared;

/// Registers every built-in kind.
pub fn register(registry: &mut Registry) {
    for sig in [
        collect::signature(),
        clean::signature(),
        split::signature(),
        join::signature(),
        resample::signature(),
        model::signature(),
        tune::signature(),
        fuse::signature(),
        evaluate::signature(),
        deploy::signature(),
    ] {
        registry.register(Arc::new(Declared::new(sig)));
    }
}

/// A registry with every built-in kind.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    register(&mut r);
    r
}
