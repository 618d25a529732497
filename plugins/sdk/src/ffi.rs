//! The C side of a plugin: the table and the functions it points to.
//!
//! `export_plugin!` names a [`PluginCell`] and a builder ([`Exported`]); everything else is
//! here, generic over that type, so the macro stays a few lines. Each function:
//!
//! - takes ownership of every input frame first, so each is released exactly once whatever
//!   happens next;
//! - runs its body under `catch_unwind` (a panic unwinding out of `extern "C"` aborts the
//!   host), turning a panic into [`api::STATUS_PANIC`] with `plugin panicked: <payload>`;
//! - hands the host buffers as `Box<[u8]>` of exact length, which only [`free_buffer`] takes
//!   back.

use std::any::Any;
use std::ffi::CString;
use std::panic::catch_unwind;
use std::sync::OnceLock;

use aimass_plugin_api as api;

use crate::arrow::{take_frame, Frame};
use crate::error::{Error, Result};
use crate::plugin::Plugin;
use crate::transform::OutputValue;

/// The plugin and its table, built on the first call of the entry point.
pub struct PluginCell {
    loaded: OnceLock<Option<Loaded>>,
}

struct Loaded {
    plugin: Plugin,
    table: api::PluginTable,
    _strings: [CString; 3],
}

// SAFETY: the table's pointers point into `_strings`, owned alongside and never mutated, and
// to functions; `Plugin` holds only Send + Sync transforms and estimators.
unsafe impl Send for Loaded {}
// SAFETY: as above: after construction everything is read-only.
unsafe impl Sync for Loaded {}

impl PluginCell {
    pub const fn new() -> PluginCell {
        PluginCell {
            loaded: OnceLock::new(),
        }
    }
}

impl Default for PluginCell {
    fn default() -> PluginCell {
        PluginCell::new()
    }
}

/// What `export_plugin!` implements for its plugin: where the cell is and how to build it.
pub trait Exported: 'static {
    fn cell() -> &'static PluginCell;
    fn build() -> Plugin;
}

/// The body of `aimass_plugin_v1`: the table, or null when building the plugin failed or
/// panicked (the reason goes to stderr, the only channel there is at that point). The host
/// checks the versions; the table is the same whatever `host_abi_version` is.
pub fn entry<E: Exported>(_host_abi_version: u32) -> *const api::PluginTable {
    crate::panics::install();
    let loaded = E::cell()
        .loaded
        .get_or_init(|| match catch_unwind(load::<E>) {
            Ok(Ok(loaded)) => Some(loaded),
            Ok(Err(error)) => {
                eprintln!("aimass plugin: {error}");
                None
            }
            Err(payload) => {
                eprintln!("aimass plugin: {}", panic_message(payload.as_ref()));
                None
            }
        });
    loaded
        .as_ref()
        .map_or(std::ptr::null(), |loaded| &loaded.table)
}

fn load<E: Exported>() -> Result<Loaded> {
    let plugin = E::build();
    let descriptor = plugin.descriptor()?;
    let cstring = |text: &str| {
        CString::new(text).map_err(|_| Error::new("plugin strings must not contain NUL"))
    };
    let strings = [
        cstring(plugin.name())?,
        cstring(plugin.version())?,
        cstring(&descriptor)?,
    ];
    let table = api::PluginTable {
        abi_version: api::ABI_VERSION,
        table_size: u32::try_from(std::mem::size_of::<api::PluginTable>()).unwrap_or(u32::MAX),
        flags: api::FLAG_STRING_VIEWS,
        name: strings[0].as_ptr(),
        version: strings[1].as_ptr(),
        descriptor: strings[2].as_ptr(),
        free_buffer: Some(free_buffer),
        transform: plugin
            .has_transforms()
            .then_some(transform::<E> as api::TransformFn),
        fit: plugin.has_estimators().then_some(fit::<E> as api::FitFn),
        predict: plugin
            .has_estimators()
            .then_some(predict::<E> as api::PredictFn),
    };
    Ok(Loaded {
        plugin,
        table,
        _strings: strings,
    })
}

fn plugin<E: Exported>() -> Result<&'static Plugin> {
    match E::cell().loaded.get() {
        Some(Some(loaded)) => Ok(&loaded.plugin),
        _ => Err(Error::new("plugin called before its entry point succeeded")),
    }
}

/// `TransformFn`.
///
/// # Safety
/// The host's side of the ABI: `kind` and `call` readable for the call, `inputs` and
/// `outputs` arrays of `n_inputs` / `n_outputs` entries (outputs zeroed), `error` writable.
pub unsafe extern "C" fn transform<E: Exported>(
    kind: api::Str,
    call: api::Str,
    inputs: *mut api::Input,
    n_inputs: usize,
    outputs: *mut api::Output,
    n_outputs: usize,
    error: *mut api::Buffer,
) -> i32 {
    guard(error, || {
        // Ownership of every input first: each is released once, whatever fails below.
        let mut frames = Vec::with_capacity(n_inputs);
        for i in 0..if inputs.is_null() { 0 } else { n_inputs } {
            // SAFETY: `inputs` holds `n_inputs` entries the host gives us.
            let input = unsafe { &mut *inputs.add(i) };
            // SAFETY: the frame is the host's to give away, and we take it once.
            let frame = unsafe { take_frame(&mut input.frame) };
            // SAFETY: the name is readable for the duration of the call.
            let name = String::from_utf8_lossy(unsafe { input.name.as_bytes() }).into_owned();
            // SAFETY: the host exports frames per the C Data Interface.
            frames.push((name, unsafe { Frame::from_ffi(frame) }));
        }
        if n_inputs > 0 && inputs.is_null() {
            return Err(Error::new("host passed a null inputs array"));
        }
        if n_outputs > 0 && outputs.is_null() {
            return Err(Error::new("host passed a null outputs array"));
        }
        // SAFETY: both are readable for the duration of the call.
        let (kind, call) = unsafe { (text(kind)?, call.as_bytes()) };
        let values = plugin::<E>()?.run_transform(kind, call, frames, n_outputs)?;
        for (i, value) in values.into_iter().enumerate() {
            // SAFETY: `i < n_outputs` (run_transform checked the count); the slot is zeroed,
            // so overwriting it leaks nothing.
            let slot = unsafe { &mut *outputs.add(i) };
            match value {
                OutputValue::Frame(frame) => {
                    slot.frame = frame.into_ffi();
                    slot.tag = api::OUTPUT_FRAME;
                }
                OutputValue::Metrics(json) => {
                    slot.json = buffer(json.to_string().into_bytes());
                    slot.tag = api::OUTPUT_JSON;
                }
            }
        }
        Ok(())
    })
}

/// `FitFn`.
///
/// # Safety
/// The host's side of the ABI: `kind` and `call` readable for the call, `x` and `y` frames
/// given to the plugin, `state` and `error` writable.
pub unsafe extern "C" fn fit<E: Exported>(
    kind: api::Str,
    call: api::Str,
    x: *mut api::Frame,
    y: *mut api::Frame,
    state: *mut api::Buffer,
    error: *mut api::Buffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the frames are the host's to give away; taken (and so released) first.
        let (x, y) = unsafe {
            (
                Frame::from_ffi(take_frame(x)),
                Frame::from_ffi(take_frame(y)),
            )
        };
        if state.is_null() {
            return Err(Error::new("host passed a null state buffer"));
        }
        // SAFETY: both are readable for the duration of the call.
        let (kind, call) = unsafe { (text(kind)?, call.as_bytes()) };
        let bytes = plugin::<E>()?.fit(kind, call, x, y)?;
        // SAFETY: `state` is non-null and writable; the host frees what we leave there.
        unsafe { state.write(buffer(bytes)) };
        Ok(())
    })
}

/// `PredictFn`.
///
/// # Safety
/// The host's side of the ABI: `kind`, `call` and `state` readable for the call, `x` given to
/// the plugin, `out` and `error` writable.
pub unsafe extern "C" fn predict<E: Exported>(
    kind: api::Str,
    call: api::Str,
    state: api::Str,
    x: *mut api::Frame,
    out: *mut api::Frame,
    error: *mut api::Buffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the frame is the host's to give away; taken (and so released) first.
        let x = unsafe { Frame::from_ffi(take_frame(x)) };
        if out.is_null() {
            return Err(Error::new("host passed a null output frame"));
        }
        // SAFETY: all three are readable for the duration of the call.
        let (kind, call, state) = unsafe { (text(kind)?, call.as_bytes(), state.as_bytes()) };
        let frame = plugin::<E>()?.predict(kind, call, state, x)?;
        // SAFETY: `out` is non-null and writable; the host releases what we leave there.
        unsafe { out.write(frame.into_ffi()) };
        Ok(())
    })
}

/// `FreeBufferFn`: takes back a buffer this plugin handed out.
///
/// # Safety
/// `buffer` must be one this SDK returned (or `{null, 0}`), given back once.
pub unsafe extern "C" fn free_buffer(buffer: api::Buffer) {
    let _ = catch_unwind(|| {
        if buffer.ptr.is_null() {
            return;
        }
        let slice = std::ptr::slice_from_raw_parts_mut(buffer.ptr, buffer.len);
        // SAFETY: `buffer` was made by `buffer()` from a Box<[u8]> of exactly `len` bytes.
        drop(unsafe { Box::from_raw(slice) });
    });
}

/// Hands `bytes` to the host as a Box<[u8]> of exact length (`free_buffer` rebuilds it).
fn buffer(bytes: Vec<u8>) -> api::Buffer {
    if bytes.is_empty() {
        return api::Buffer::EMPTY;
    }
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    api::Buffer {
        ptr: Box::into_raw(boxed).cast::<u8>(),
        len,
    }
}

/// Runs `body`, turning its error or panic into a status and the JSON error in `error`.
fn guard(error: *mut api::Buffer, body: impl FnOnce() -> Result<()>) -> i32 {
    let (status, failure) = match crate::panics::catch(body) {
        Ok(Ok(())) => return api::STATUS_OK,
        Ok(Err(failure)) => (api::STATUS_ERROR, failure),
        Err(message) => (api::STATUS_PANIC, Error::new(message)),
    };
    if !error.is_null() {
        // SAFETY: the host passes a writable error slot (checked non-null).
        unsafe { error.write(buffer(failure.to_json().into_bytes())) };
    }
    status
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a payload that is not a string)");
    format!("plugin panicked: {text}")
}

/// # Safety
/// `text` must be readable for `'a`.
unsafe fn text<'a>(text: api::Str) -> Result<&'a str> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { text.as_bytes() };
    std::str::from_utf8(bytes).map_err(|_| Error::new("kind is not UTF-8"))
}
