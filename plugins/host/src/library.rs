//! Opening a plugin library in this process and reading its table.
//!
//! The order is what keeps a wrong file from hurting: the file must exist and look like a
//! shared library before it is opened; the entry symbol must exist before it is called; the
//! table's ABI version and size are checked before any other field is read; the descriptor is
//! decoded and checked before any stage function is called. Libraries stay loaded for the
//! life of the process (never `dlclose`d): a plugin may have started threads or registered
//! thread-local destructors, and an abandoned call (`--stage-timeout`) may still be running
//! inside it.

use std::ffi::{c_char, CStr};
use std::path::{Path, PathBuf};

use aimass_plugin_api as api;

use crate::descriptor::Descriptor;
use crate::failure::LoadFailure;
use crate::identity::Identity;

/// The function pointers of a table, copied out once the ABI version has been checked.
#[derive(Clone, Copy)]
pub struct Functions {
    pub free_buffer: api::FreeBufferFn,
    pub transform: Option<api::TransformFn>,
    pub fit: Option<api::FitFn>,
    pub predict: Option<api::PredictFn>,
}

/// A plugin library opened in this process.
pub struct Library {
    pub identity: Identity,
    pub flags: u32,
    pub descriptor: Descriptor,
    /// The descriptor as the plugin wrote it (what an isolated host sends its parent).
    pub descriptor_json: String,
    pub functions: Functions,
}

/// What the first bytes of a shared library look like on the platforms aimass runs on.
fn looks_like_a_library(head: &[u8]) -> Result<(), String> {
    const MACHO: [[u8; 4]; 4] = [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
    ];
    if head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") {
        return Ok(());
    }
    if head.len() >= 4
        && (MACHO.iter().any(|m| head.starts_with(m))
            || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe]))
    {
        return Ok(());
    }
    if head.is_empty() {
        return Err("the file is empty".to_string());
    }
    let text = head
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    Err(if text {
        "it is a text file, not a compiled shared library".to_string()
    } else {
        "it does not start like a shared library (ELF, Mach-O or PE)".to_string()
    })
}

/// Reads a NUL-terminated UTF-8 string field of the table.
///
/// # Safety
/// `ptr` must be null or point to a NUL-terminated string that lives as long as the library.
unsafe fn text_field(ptr: *const c_char, field: &str) -> Result<String, LoadFailure> {
    if ptr.is_null() {
        return Err(LoadFailure::BadTable(format!("its `{field}` is null")));
    }
    // SAFETY: non-null, and the ABI says the plugin's string fields are NUL-terminated and
    // static for the library's lifetime, which is the process's.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| LoadFailure::BadTable(format!("its `{field}` is not UTF-8")))
}

/// The content hash of the file: it enters the cache key of every stage the plugin runs.
pub fn file_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

impl Library {
    /// Opens the library at `path` (already resolved) and reads its table.
    pub fn open(path: &Path) -> Result<Library, LoadFailure> {
        let bytes = std::fs::read(path).map_err(|e| LoadFailure::Unreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        looks_like_a_library(&bytes[..bytes.len().min(64)]).map_err(|why| {
            LoadFailure::NotALibrary {
                path: path.to_path_buf(),
                why,
            }
        })?;
        let hash = file_hash(&bytes);
        drop(bytes);
        // SAFETY: opening a library runs its initialisers: that is the trust a user gives a
        // plugin by declaring it (see the trust model in docs/plugins.md). The file has been
        // checked to be a shared library.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| LoadFailure::Open {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        // Never unloaded: see the module docs.
        let lib: &'static libloading::Library = Box::leak(Box::new(lib));
        let symbol = format!("{}\0", api::ENTRY_SYMBOL);
        // SAFETY: the symbol's type is the ABI's entry type; a library exporting the name with
        // another type is outside what any loader can detect.
        let entry = unsafe { lib.get::<api::EntryFn>(symbol.as_bytes()) }.map_err(|_| {
            LoadFailure::NoEntry {
                path: path.to_path_buf(),
            }
        })?;
        let entry: api::EntryFn = *entry;
        // SAFETY: calling the plugin's entry point as the ABI defines it.
        let table = unsafe { entry(api::ABI_VERSION) };
        if table.is_null() {
            return Err(LoadFailure::BadTable(
                "its entry point returned no table (the plugin failed to describe itself)".into(),
            ));
        }
        // SAFETY: the first two fields are the same in every ABI version, so they can be read
        // before the version is known.
        let (abi_version, table_size) = unsafe { ((*table).abi_version, (*table).table_size) };
        if abi_version > api::ABI_VERSION {
            return Err(LoadFailure::AbiTooNew { found: abi_version });
        }
        if abi_version < api::MIN_ABI_VERSION {
            return Err(LoadFailure::AbiTooOld { found: abi_version });
        }
        let needed = api::table_size_of(abi_version);
        if (table_size as usize) < needed {
            return Err(LoadFailure::BadTable(format!(
                "its table is {table_size} bytes, smaller than the {needed} of ABI {abi_version}"
            )));
        }
        // SAFETY: version and size checked: every ABI 1 field is there.
        let t: &api::PluginTable = unsafe { &*table };
        // SAFETY: string fields of a checked table (see `text_field`).
        let (name, version, descriptor) = unsafe {
            (
                text_field(t.name, "name")?,
                text_field(t.version, "version")?,
                text_field(t.descriptor, "descriptor")?,
            )
        };
        let Some(free_buffer) = t.free_buffer else {
            return Err(LoadFailure::BadTable("its `free_buffer` is null".into()));
        };
        let descriptor_json = descriptor;
        let descriptor = Descriptor::parse(&descriptor_json).map_err(LoadFailure::BadDescriptor)?;
        let functions = Functions {
            free_buffer,
            transform: t.transform,
            fit: t.fit,
            predict: t.predict,
        };
        check_functions(&descriptor, &functions)?;
        Ok(Library {
            identity: Identity {
                name,
                version,
                hash,
                path: path.to_path_buf(),
                abi_version,
            },
            flags: t.flags,
            descriptor,
            descriptor_json,
            functions,
        })
    }
}

/// A descriptor promising a role whose functions are missing would fail on first use.
fn check_functions(d: &Descriptor, f: &Functions) -> Result<(), LoadFailure> {
    use crate::descriptor::Role;
    let mut problems = Vec::new();
    for s in &d.stages {
        match s.role {
            Role::Transform { .. } if f.transform.is_none() => problems.push(format!(
                "`{}` is a transform, but the table's `transform` is null",
                s.kind
            )),
            Role::Estimator { .. } if f.fit.is_none() || f.predict.is_none() => {
                problems.push(format!(
                    "`{}` is an estimator, but the table's `fit` or `predict` is null",
                    s.kind
                ))
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(LoadFailure::BadDescriptor(problems))
    }
}

/// `path` with the platform's library prefix and suffix: `rfm` -> `librfm.so`.
pub fn platform_file_name(name: &str) -> PathBuf {
    PathBuf::from(format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_libraries_and_explains_other_files() {
        assert!(looks_like_a_library(b"\x7fELF\x02\x01").is_ok());
        assert!(looks_like_a_library(&[0xcf, 0xfa, 0xed, 0xfe, 7]).is_ok());
        assert!(looks_like_a_library(b"MZ\x90\x00").is_ok());
        assert_eq!(
            looks_like_a_library(b"name,age\n").unwrap_err(),
            "it is a text file, not a compiled shared library"
        );
        assert_eq!(looks_like_a_library(b"").unwrap_err(), "the file is empty");
        assert!(looks_like_a_library(&[0, 1, 2, 3, 200])
            .unwrap_err()
            .contains("does not start like"));
    }

    #[test]
    fn platform_names() {
        let n = platform_file_name("rfm");
        assert!(n.to_string_lossy().contains("rfm"));
        if cfg!(target_os = "linux") {
            assert_eq!(n, PathBuf::from("librfm.so"));
        }
    }
}
