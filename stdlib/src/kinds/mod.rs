//! The built-in stage kinds, one file each.

pub mod clean;
pub mod collect;
pub mod common;
pub mod deploy;
pub mod evaluate;
pub mod export;
pub mod fuse;
pub mod join;
pub mod model;
pub mod resample;
pub mod score;
pub mod split;
pub mod tune;

use aimass_engine::Registry;

/// Registers every built-in kind.
pub fn register(registry: &mut Registry) {
    for kind in [
        collect::kind(),
        clean::kind(),
        split::kind(),
        join::kind(),
        resample::kind(),
        model::kind(),
        tune::kind(),
        fuse::kind(),
        evaluate::kind(),
        score::kind(),
        export::kind(),
        deploy::kind(),
    ] {
        registry.register(kind);
    }
}

/// A registry with every built-in kind.
pub fn registry() -> Registry {
    let mut r = Registry::new();
    register(&mut r);
    r
}
