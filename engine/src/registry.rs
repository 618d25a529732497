//! The table of stage kinds a pipeline may use.
//!
//! The engine registers no kind itself: the stdlib and (later) plugins add theirs. This keeps
//! the engine free of any stage's name and lets tests register kinds of their own.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::signature::Signature;
use crate::stage::StageKind;

#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<String, Arc<dyn StageKind>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a kind under its signature's name, replacing any kind of that name.
    pub fn register(&mut self, kind: Arc<dyn StageKind>) {
        self.kinds.insert(kind.signature().kind.clone(), kind);
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn StageKind>> {
        self.kinds.get(name)
    }

    pub fn signature(&self, name: &str) -> Option<&Signature> {
        self.kinds.get(name).map(|k| k.signature())
    }

    /// All kinds, sorted by name.
    pub fn kinds(&self) -> impl Iterator<Item = &Arc<dyn StageKind>> {
        self.kinds.values()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.kinds.keys().map(String::as_str)
    }
}
