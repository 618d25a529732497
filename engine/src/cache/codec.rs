//! Artifacts to bytes and back.
//!
//! An artifact is stored as one or more parts (objects): a Frame as its Arrow IPC stream and its
//! recipe (JSON); a Model as its bytes and a small JSON header; Metrics as JSON. The
//! artifact's content hash combines its type and its parts' hashes, so it changes exactly
//! when a stored byte changes.

use std::io::Cursor;

use polars::prelude::{
    CompatLevel, DataFrame, IpcCompression, IpcStreamReader, IpcStreamWriter, SerReader, SerWriter,
};
use rayon::prelude::*;
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
        Artifact::Frame(f) => vec![
            ("data".to_string(), encode_frame(&f.data)?),
            ("recipe".to_string(), json_bytes(&f.recipe)),
        ],
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
            let data = decode_frame(part("data")?)?;
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

/// Frame bytes: `AIMF`, the number of row groups (u32 LE), each group's length (u64 LE),
/// then each group as an Arrow IPC stream with LZ4-compressed buffers.
///
/// Frames are written on every run's critical path and read back whole, so the cheapest
/// encoding wins: Parquet's dictionary and RLE encoding was ~30% of the flights preparation
/// benchmark (benches/prep). Row groups are encoded (and decoded) in parallel. Their number
/// depends on the row count only, and each group is one record batch whatever the frame's
/// chunking (which depends on how many threads read a CSV), so equal frames give equal bytes.
fn encode_frame(df: &DataFrame) -> Result<Vec<u8>, String> {
    let n = df.height();
    // A multiple of 64 rows, so bit-packed columns (validity, Booleans) split on byte
    // boundaries and are copied as bytes rather than re-aligned bit by bit.
    let per_group = n
        .div_ceil(MAX_GROUPS)
        .max(MIN_GROUP_ROWS)
        .next_multiple_of(64);
    let groups: Vec<(usize, usize)> = (0..n.div_ceil(per_group).max(1))
        .map(|g| (g * per_group, per_group.min(n - (g * per_group).min(n))))
        .collect();
    let streams: Vec<Vec<u8>> = groups
        .par_iter()
        .map(|&(offset, len)| {
            let mut part = df.slice(offset as i64, len);
            part.rechunk_mut();
            let mut out = Vec::new();
            IpcStreamWriter::new(&mut out)
                .with_compression(Some(IpcCompression::LZ4))
                .with_compat_level(CompatLevel::newest())
                .finish(&mut part)
                .map_err(|e| format!("cannot write Arrow IPC: {e}"))?;
            Ok(out)
        })
        .collect::<Result<_, String>>()?;
    let mut bytes =
        Vec::with_capacity(8 + 8 * streams.len() + streams.iter().map(Vec::len).sum::<usize>());
    bytes.extend_from_slice(FRAME_MAGIC);
    bytes.extend_from_slice(&(streams.len() as u32).to_le_bytes());
    for s in &streams {
        bytes.extend_from_slice(&(s.len() as u64).to_le_bytes());
    }
    for s in &streams {
        bytes.extend_from_slice(s);
    }
    Ok(bytes)
}

const FRAME_MAGIC: &[u8; 4] = b"AIMF";
/// At most this many row groups; fewer for frames under `MIN_GROUP_ROWS` rows per group.
const MAX_GROUPS: usize = 8;
const MIN_GROUP_ROWS: usize = 32_768;

fn decode_frame(bytes: &[u8]) -> Result<DataFrame, String> {
    let bad = || "not an aimass frame (damaged cache object?)".to_string();
    let rest = bytes.strip_prefix(FRAME_MAGIC).ok_or_else(bad)?;
    let (count, mut rest) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
    let count = u32::from_le_bytes(*count) as usize;
    let mut lens = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let (len, r) = rest.split_first_chunk::<8>().ok_or_else(bad)?;
        lens.push(usize::try_from(u64::from_le_bytes(*len)).map_err(|_| bad())?);
        rest = r;
    }
    let mut streams = Vec::with_capacity(count);
    for len in lens {
        if len > rest.len() {
            return Err(bad());
        }
        let (s, r) = rest.split_at(len);
        streams.push(s);
        rest = r;
    }
    if !rest.is_empty() {
        return Err(bad());
    }
    let frames: Vec<DataFrame> = streams
        .par_iter()
        .map(|s| {
            IpcStreamReader::new(Cursor::new(*s))
                .finish()
                .map_err(|e| format!("cannot read Arrow IPC: {e}"))
        })
        .collect::<Result<_, String>>()?;
    let mut frames = frames.into_iter();
    let mut df = frames.next().ok_or_else(bad)?;
    for f in frames {
        df.vstack_mut_owned(f)
            .map_err(|e| format!("cannot join row groups: {e}"))?;
    }
    Ok(df)
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

    /// A frame of `n` rows in `chunks` chunks: equal content whatever the chunking.
    fn long_frame(n: usize, chunks: usize) -> DataFrame {
        let per = n.div_ceil(chunks);
        let mut out: Option<DataFrame> = None;
        for c in 0..chunks {
            let rows = (c * per)..((c + 1) * per).min(n);
            let part = df!(
                "i" => rows.clone().map(|r| r as i64).collect::<Vec<_>>(),
                "x" => rows.clone().map(|r| (r % 7 != 0).then_some(r as f64 / 3.0)).collect::<Vec<_>>(),
                "s" => rows.clone().map(|r| format!("level-{}", r % 13)).collect::<Vec<_>>(),
                "b" => rows.map(|r| r % 3 == 0).collect::<Vec<_>>()
            )
            .unwrap();
            match out.as_mut() {
                None => out = Some(part),
                Some(df) => {
                    df.vstack_mut_owned(part).unwrap();
                }
            }
        }
        out.unwrap()
    }

    #[test]
    fn long_frames_round_trip_in_row_groups_whatever_their_chunking() {
        // 100,003 rows: several row groups, the last one short and not byte-aligned.
        let one = long_frame(100_003, 1);
        let many = long_frame(100_003, 7);
        assert_eq!(many.first_col_n_chunks(), 7);
        let a = encode(&Artifact::Frame(Frame::with_recipe(
            one.clone(),
            json!(null),
        )))
        .unwrap();
        let b = encode(&Artifact::Frame(Frame::with_recipe(many, json!(null)))).unwrap();
        assert_eq!(a.hash, b.hash, "chunking must not change the bytes");
        let data = &a.parts[0].1;
        assert_eq!(&data[..4], FRAME_MAGIC);
        assert!(u32::from_le_bytes(data[4..8].try_into().unwrap()) > 1);
        let back = decode(a.ty, &a.parts).unwrap();
        assert!(back.as_frame().unwrap().data.equals_missing(&one));
    }

    #[test]
    fn empty_frames_round_trip() {
        let df = df!("a" => Vec::<i64>::new(), "s" => Vec::<String>::new()).unwrap();
        let e = encode(&Artifact::Frame(Frame::with_recipe(
            df.clone(),
            json!(null),
        )))
        .unwrap();
        let back = decode(e.ty, &e.parts).unwrap();
        let f = back.as_frame().unwrap();
        assert_eq!(f.data.height(), 0);
        assert_eq!(f.data.schema(), df.schema());
    }

    #[test]
    fn damaged_frame_bytes_are_an_error_not_a_panic() {
        let e = encode(&Artifact::Frame(Frame::with_recipe(
            long_frame(1000, 1),
            json!(null),
        )))
        .unwrap();
        let data = &e.parts[0].1;
        for cut in [0, 3, 6, 10, data.len() / 2, data.len() - 1] {
            let parts = vec![
                ("data".to_string(), data[..cut].to_vec()),
                e.parts[1].clone(),
            ];
            assert!(decode(e.ty, &parts).is_err(), "cut at {cut}");
        }
        let mut huge = data.clone();
        huge[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
        let parts = vec![("data".to_string(), huge), e.parts[1].clone()];
        assert!(decode(e.ty, &parts).is_err());
    }

    #[test]
    fn hash_changes_with_content() {
        let a = encode(&Artifact::Metrics(json!({ "auc": 0.8 }))).unwrap();
        let b = encode(&Artifact::Metrics(json!({ "auc": 0.81 }))).unwrap();
        assert_ne!(a.hash, b.hash);
    }
}
