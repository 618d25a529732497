//! `aimass cache status` and `aimass cache gc`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aimass_engine::cache::Cache;
use aimass_engine::run::LockFile;

use crate::cli::CacheCommand;
use crate::load;

pub fn run(command: CacheCommand) -> i32 {
    match command {
        CacheCommand::Status { file, cache_dir } => {
            let dir = cache_dir.unwrap_or_else(|| match &file {
                Some(f) => load::project_dir(f).join(".aimass").join("cache"),
                None => PathBuf::from(".aimass").join("cache"),
            });
            let (entries, objects, bytes) = Cache::new(&dir).status();
            println!("cache: {}", dir.display());
            println!("entries: {entries}");
            println!("objects: {objects}");
            println!("size: {}", human_bytes(bytes));
            0
        }
        CacheCommand::Gc {
            files,
            older_than,
            cache_dir,
        } => {
            let age = match older_than.as_deref().map(parse_age) {
                Some(Ok(a)) => Some(a),
                Some(Err(e)) => {
                    eprintln!("error: --older-than: {e}");
                    return load::INVALID;
                }
                None => None,
            };
            if files.is_empty() && age.is_none() {
                eprintln!("error: give the pipeline files whose results to keep, or --older-than");
                return load::INVALID;
            }
            let dir = cache_dir.unwrap_or_else(|| match files.first() {
                Some(f) => load::project_dir(f).join(".aimass").join("cache"),
                None => PathBuf::from(".aimass").join("cache"),
            });
            let mut keep = BTreeSet::new();
            for file in &files {
                // A corrupt lock must not make gc think the pipeline keeps nothing.
                let lock = match LockFile::load(&LockFile::path_for(file)) {
                    Ok(lock) => lock,
                    Err(e) => {
                        eprintln!("error: {e}; cache gc keeps everything rather than guess (run the pipeline to rewrite it)");
                        return load::INVALID;
                    }
                };
                keep.extend(lock.stages.values().map(|s| s.key.clone()));
                let (_, _, workflow) = match load::checked_read_only(file) {
                    Ok(w) => w,
                    Err(code) => return code,
                };
                let mut opts = aimass_engine::run::RunOptions::new(load::project_dir(file));
                opts.cache_dir = dir.clone();
                keep.extend(
                    aimass_engine::run::plan(&workflow, &opts, &lock)
                        .into_iter()
                        .filter_map(|l| l.key),
                );
            }
            match Cache::new(&dir).gc(&keep, age) {
                Ok((entries, objects, bytes)) => {
                    println!(
                        "removed {entries} entries and {objects} objects, freed {}",
                        human_bytes(bytes)
                    );
                    0
                }
                Err(e) => {
                    eprintln!("error: cache gc in {}: {e}", dir.display());
                    1
                }
            }
        }
    }
}

/// `30s`, `15m`, `12h`, `7d` -> seconds.
fn parse_age(text: &str) -> Result<u64, String> {
    crate::duration::parse(text).map(|d| d.as_secs())
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}
