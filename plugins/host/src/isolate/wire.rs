//! The files an isolated call travels in: a JSON header and a list of byte blobs, each
//! length-prefixed (u64, little-endian). Frames are Arrow IPC streams, metrics JSON, state
//! raw bytes. Files rather than pipes: a plugin that prints to stdout cannot corrupt them,
//! and neither side can block the other on a full pipe.

use std::io::{Read, Write};
use std::path::Path;

use polars::prelude::{
    CompatLevel, DataFrame, IpcStreamReader, IpcStreamWriter, SerReader, SerWriter,
};
use serde_json::Value as Json;

pub fn write(path: &Path, header: &Json, blobs: &[Vec<u8>]) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let head = header.to_string();
    f.write_all(&(head.len() as u64).to_le_bytes())?;
    f.write_all(head.as_bytes())?;
    f.write_all(&(blobs.len() as u64).to_le_bytes())?;
    for b in blobs {
        f.write_all(&(b.len() as u64).to_le_bytes())?;
        f.write_all(b)?;
    }
    f.flush()
}

fn read_len(r: &mut impl Read) -> std::io::Result<usize> {
    let mut n = [0u8; 8];
    r.read_exact(&mut n)?;
    usize::try_from(u64::from_le_bytes(n)).map_err(|_| bad("a length does not fit in memory"))
}

fn bad(why: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string())
}

pub fn read(path: &Path) -> std::io::Result<(Json, Vec<Vec<u8>>)> {
    let bytes = std::fs::read(path)?;
    let total = bytes.len();
    let mut r = std::io::Cursor::new(bytes);
    let take = |r: &mut std::io::Cursor<Vec<u8>>| -> std::io::Result<Vec<u8>> {
        let n = read_len(r)?;
        if n > total {
            return Err(bad("a length runs past the end of the file"));
        }
        let mut v = vec![0u8; n];
        r.read_exact(&mut v)?;
        Ok(v)
    };
    let head = take(&mut r)?;
    let header: Json = serde_json::from_slice(&head).map_err(|_| bad("the header is not JSON"))?;
    let count = read_len(&mut r)?;
    let mut blobs = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        blobs.push(take(&mut r)?);
    }
    Ok((header, blobs))
}

pub fn frame_to_bytes(df: &DataFrame) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut df = df.clone();
    IpcStreamWriter::new(&mut out)
        .with_compat_level(CompatLevel::newest())
        .finish(&mut df)
        .map_err(|e| format!("cannot encode a frame: {e}"))?;
    Ok(out)
}

pub fn frame_from_bytes(bytes: Vec<u8>) -> Result<DataFrame, String> {
    IpcStreamReader::new(std::io::Cursor::new(bytes))
        .finish()
        .map_err(|e| format!("cannot decode a frame: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;
    use serde_json::json;

    #[test]
    fn files_and_frames_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("req");
        let df = df! { "a" => [1i64, 2], "s" => [Some("x"), None] }.unwrap();
        let blobs = vec![frame_to_bytes(&df).unwrap(), b"{}".to_vec(), Vec::new()];
        write(&p, &json!({"op": "transform"}), &blobs).unwrap();
        let (h, b) = read(&p).unwrap();
        assert_eq!(h["op"], "transform");
        assert_eq!(b.len(), 3);
        assert!(b[2].is_empty());
        let back = frame_from_bytes(b[0].clone()).unwrap();
        assert!(back.equals_missing(&df));
    }

    #[test]
    fn truncated_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("req");
        write(&p, &json!({}), &[vec![1, 2, 3]]).unwrap();
        let mut bytes = std::fs::read(&p).unwrap();
        bytes.truncate(bytes.len() - 2);
        std::fs::write(&p, bytes).unwrap();
        assert!(read(&p).is_err());
    }
}
