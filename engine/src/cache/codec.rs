//! Artifacts to bytes and back.
//!
//! An artifact is stored as one or more parts (objects): a Frame as its Parquet data and its
//! recipe (JSON); a Model as its bytes and a small JSON header; Metrics as JSON. The
//! artifact's content hash combines its type and its parts' hashes, so it changes exactly
//! when a stored byte changes.

use std::io::Cursor;

use polars::prelude::{
    ParquetCompression, ParquetReader, ParquetWriter, SerReader, StatisticsOptions,
};
use serde_json::{json, Value as Json};

use crate::artifact::{Artifact, Frame, Model};
use crate::signature::ArtifactType;

/// An artifact as bytes: named parts and the content hash of the whole.
pub struct Encoded {
    pub ty: ArtifactType,
    pub parts: Vec<(String, Vec<u8>)>,
    pub hash: String,
}

pub fn encode(artifact: &Artifact) -> Result<Encoded, String> {
    let parts = match artifact {
        Artifact::Frame(f) => {
            let mut data = Vec::new();
            let mut df = f.data.clone();
            // LZ4 and no column statistics: cache objects are written on every run's critical
            // path and read back whole, never filtered by statistics. With the parallel
            // encoding of a stage's outputs this took the flights preparation benchmark
            // (benches/prep) from 1.67 s to 1.27 s per run.
            ParquetWriter::new(&mut data)
                .with_compression(ParquetCompression::Lz4Raw)
                .with_statistics(StatisticsOptions::empty())
                .finish(&mut df)
                .map_err(|e| format!("cannot write Parquet: {e}"))?;
            vec![
                ("data".to_string(), data),
                ("recipe".to_string(), json_bytes(&f.recipe)),
            ]
        }
        Artifact::Model(m) => vec![
            (
                "header".to_string(),
                json_bytes(&json!({ "format": m.format, "summary": m.summary })),
            ),
            ("bytes".to_string(), m.bytes.clone()),
        ],
        Artifact::Metrics(j) => vec![("json".to_string(), json_bytes(j))],
    };
    let ty = artifact.ty();
    let part_hashes: Vec<(String, String)> = parts
        .iter()
        .map(|(n, b)| (n.clone(), blake3::hash(b).to_hex().to_string()))
        .collect();
    let hash = artifact_hash(ty, &part_hashes);
    Ok(Encoded { ty, parts, hash })
}

/// The content hash of an artifact from its type and its parts' hashes.
pub fn artifact_hash(ty: ArtifactType, parts: &[(String, String)]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(ty.name().as_bytes());
    for (name, hash) in parts {
        h.update(b"\0");
        h.update(name.as_bytes());
        h.update(b"=");
        h.update(hash.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// Rebuilds an artifact from its parts (in the order `encode` wrote them).
pub fn decode(ty: ArtifactType, parts: &[(String, Vec<u8>)]) -> Result<Artifact, String> {
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| format!("missing part `{name}`"))
    };
    Ok(match ty {
        ArtifactType::Frame => {
            let data = ParquetReader::new(Cursor::new(part("data")?.to_vec()))
                .finish()
                .map_err(|e| format!("cannot read Parquet: {e}"))?;
            let recipe: Json =
                serde_json::from_slice(part("recipe")?).map_err(|e| e.to_string())?;
            Artifact::Frame(Frame { data, recipe })
        }
        ArtifactType::Model => {
            let header: Json =
                serde_json::from_slice(part("header")?).map_err(|e| e.to_string())?;
            Artifact::Model(Model {
                format: header["format"].as_str().unwrap_or_default().to_string(),
                summary: header["summary"].as_str().unwrap_or_default().to_string(),
                bytes: part("bytes")?.to_vec(),
            })
        }
        ArtifactType::Metrics => {
            Artifact::Metrics(serde_json::from_slice(part("json")?).map_err(|e| e.to_string())?)
        }
    })
}

fn json_bytes(j: &Json) -> Vec<u8> {
    serde_json::to_vec(j).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use polars::prelude::*;

    #[test]
    fn frame_round_trips_and_hash_is_deterministic() {
        let df =
            df!("a" => [1i64, 2, 3], "b" => ["x", "y", "z"], "c" => [Some(1.5), None, Some(2.0)])
                .unwrap();
        let art = Artifact::Frame(Frame::with_recipe(df.clone(), json!({ "steps": [1, 2] })));
        let e1 = encode(&art).unwrap();
        let e2 = encode(&art).unwrap();
        assert_eq!(
            e1.hash, e2.hash,
            "encoding the same frame twice must give the same bytes"
        );
        let back = decode(e1.ty, &e1.parts).unwrap();
        let f = back.as_frame().unwrap();
        assert!(f.data.equals_missing(&df));
        assert_eq!(f.recipe, json!({ "steps": [1, 2] }));
    }

    #[test]
    fn hash_changes_with_content() {
        let a = encode(&Artifact::Metrics(json!({ "auc": 0.8 }))).unwrap();
        let b = encode(&Artifact::Metrics(json!({ "auc": 0.81 }))).unwrap();
        assert_ne!(a.hash, b.hash);
    }
}
