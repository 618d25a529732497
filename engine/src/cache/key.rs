//! The record hashed into a stage's cache key (see the table in the module above).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Bump when the key's fields, their canonical forms, the store's layout or the encoding of
/// artifacts (e.g. the frame codec) change: old entries must not be mixed with new ones.
pub const CACHE_FORMAT: u32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub cache_format: u32,
    pub engine: String,
    pub kind: String,
    pub kind_version: String,
    pub params: Json,
    pub seed: u64,
    /// Input parameter -> content hashes of its artifacts, in the order written.
    pub inputs: BTreeMap<String, Vec<String>>,
    /// Path as written (relative to the project) -> content hash.
    pub sources: BTreeMap<String, String>,
    /// Plugin (as the pipeline names it) -> its declared version and library hash, for
    /// every plugin whose code the stage runs. Left out when empty, so the keys of stages
    /// without plugins are those of earlier versions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub plugins: BTreeMap<String, String>,
}

impl KeyRecord {
    /// The key: blake3 of the canonical JSON. serde_json writes maps in key order (no
    /// `preserve_order` feature), so equal records always give equal bytes.
    pub fn key(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        blake3::hash(&bytes).to_hex().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> KeyRecord {
        KeyRecord {
            cache_format: CACHE_FORMAT,
            engine: "0.1.0".into(),
            kind: "model".into(),
            kind_version: "1".into(),
            params: json!({ "max_depth": 6, "algorithm": { "word": "decision_tree" } }),
            seed: 42,
            inputs: BTreeMap::from([("input".to_string(), vec!["abc".to_string()])]),
            sources: BTreeMap::new(),
            plugins: BTreeMap::new(),
        }
    }

    #[test]
    fn key_is_stable_and_sensitive_to_every_field() {
        let base = record();
        assert_eq!(base.key(), record().key());
        assert_eq!(base.key().len(), 64);
        type Change = Box<dyn Fn(&mut KeyRecord)>;
        let variants: Vec<Change> = vec![
            Box::new(|r| r.cache_format += 1),
            Box::new(|r| r.engine = "0.2.0".into()),
            Box::new(|r| r.kind = "tune".into()),
            Box::new(|r| r.kind_version = "2".into()),
            Box::new(|r| {
                r.params = json!({ "max_depth": 7, "algorithm": { "word": "decision_tree" } })
            }),
            Box::new(|r| r.seed = 43),
            Box::new(|r| {
                r.inputs = BTreeMap::from([("input".to_string(), vec!["abd".to_string()])])
            }),
            Box::new(|r| r.sources = BTreeMap::from([("a.csv".to_string(), "h".to_string())])),
            Box::new(|r| {
                r.plugins = BTreeMap::from([("rfm".to_string(), "0.1.0@abc".to_string())])
            }),
        ];
        for change in variants {
            let mut r = record();
            change(&mut r);
            assert_ne!(r.key(), base.key(), "{r:?}");
        }
    }

    #[test]
    fn a_key_without_plugins_is_the_key_of_earlier_versions() {
        // The record as serialised before `plugins` existed: entries cached then stay valid.
        let r = record();
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("plugins"), "{json}");
        let back: KeyRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn key_ignores_map_insertion_order() {
        let a = json!({ "a": 1, "b": 2 });
        let mut m = serde_json::Map::new();
        m.insert("b".into(), json!(2));
        m.insert("a".into(), json!(1));
        let mut r1 = record();
        r1.params = a;
        let mut r2 = record();
        r2.params = Json::Object(m);
        assert_eq!(r1.key(), r2.key());
    }
}
