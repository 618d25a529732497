//! The C ABI between aimass and a stage plugin. Types only: no I/O, no allocation, no
//! dependency. `aimass_plugin.h` in this directory declares the same ABI for C; a test keeps
//! the two in sync (sizes, field offsets, constants).
//!
//! # The handshake
//!
//! A plugin is a shared library exporting one symbol, [`ENTRY_SYMBOL`]
//! (`aimass_plugin_v1`), of type [`EntryFn`]. The host calls it with its own ABI version and
//! gets a pointer to a static [`PluginTable`]. Before anything else it reads the table's first
//! two fields, `abi_version` and `table_size`, which every ABI version keeps where they are,
//! and refuses a table whose version it does not read ([`MIN_ABI_VERSION`] ..=
//! [`ABI_VERSION`]) or whose size is smaller than that version's layout.
//!
//! # Growth
//!
//! The table only grows: a new ABI version appends fields at the end and never moves,
//! removes or retypes an old one (DuckDB's C extension API works the same way). A host reads
//! only the fields the plugin's `abi_version` declares, so a plugin built for ABI 1 keeps
//! loading in a host that knows ABI 2.
//!
//! # What crosses
//!
//! - Frames: the Arrow C Data Interface. A frame is a record batch exported as a struct array
//!   ([`Frame`]: its schema and array), freed through its `release` callbacks by the library
//!   that allocated it. Frames the host passes in stay the host's unless the plugin *moves*
//!   them, as the Arrow specification describes: it copies the structs and sets the
//!   originals' `release` to null. After the call the host releases whatever is still
//!   unreleased, so a plugin that ignores an input leaks nothing. Frames and buffers the
//!   plugin leaves in outputs become the host's, whatever the call's status. String columns arrive as `large_utf8` (`U`) unless the plugin
//!   sets [`FLAG_STRING_VIEWS`], in which case they may arrive as `utf8_view` (`vu`).
//! - Params, descriptors, errors and metrics: UTF-8 JSON.
//! - Bytes the plugin allocates and hands to the host ([`Buffer`]: error messages, metrics,
//!   estimator state) are freed by the host calling the plugin's `free_buffer`. Neither side
//!   ever assumes a shared allocator.
//! - Every call returns a status ([`STATUS_OK`], [`STATUS_ERROR`], [`STATUS_PANIC`]); on an
//!   error the plugin leaves `{"message": "...", "param": "name"}` (`param` optional) in the
//!   call's `error` buffer.
//!
//! # Descriptor JSON
//!
//! `PluginTable::descriptor` is a NUL-terminated JSON document:
//!
//! ```json
//! {"stages": [
//!   {"kind": "segment", "role": "transform", "doc": "...",
//!    "inputs":  [{"name": "input", "doc": "...", "list": false}],
//!    "outputs": [{"name": "scores", "type": "Frame", "doc": "..."},
//!                {"name": "summary", "type": "Metrics", "doc": "..."}],
//!    "params":  [{"name": "bins", "type": "int", "default": 5, "min": 2, "max": 10,
//!                 "required": false, "doc": "..."}]},
//!   {"kind": "knn", "role": "estimator", "doc": "...",
//!    "tasks": ["classification", "regression"], "params": [...]}
//! ]}
//! ```
//!
//! Parameter types: `"string"`, `"int"`, `"float"`, `"fraction"`, `"bool"`, `"column"`,
//! `"columns"` (one name or a list), `{"words": ["a", "b"]}`, `{"list": TYPE}`.

#![no_std]

use core::ffi::{c_char, c_void};

/// The ABI this crate describes.
pub const ABI_VERSION: u32 = 1;
/// The oldest ABI a host of this version still reads.
pub const MIN_ABI_VERSION: u32 = 1;

/// The exported entry point, as a symbol name (without the trailing NUL).
pub const ENTRY_SYMBOL: &str = "aimass_plugin_v1";

/// The call succeeded; the outputs are filled.
pub const STATUS_OK: i32 = 0;
/// The plugin refused or failed; `error` holds a JSON message.
pub const STATUS_ERROR: i32 = 1;
/// The plugin panicked (caught at its edge); `error` holds a JSON message.
pub const STATUS_PANIC: i32 = 2;

/// `PluginTable::flags`: the plugin reads `utf8_view` / `binary_view` columns, so the host
/// may pass string columns without converting them.
pub const FLAG_STRING_VIEWS: u32 = 1;

/// `Output::tag`: the plugin left nothing in this slot.
pub const OUTPUT_EMPTY: u32 = 0;
/// `Output::tag`: `Output::frame` holds a frame.
pub const OUTPUT_FRAME: u32 = 1;
/// `Output::tag`: `Output::json` holds a JSON document (a Metrics output).
pub const OUTPUT_JSON: u32 = 2;

/// `extern "C" const AimassPluginTable *aimass_plugin_v1(uint32_t host_abi_version)`.
/// Returns null when the plugin cannot describe itself.
pub type EntryFn = unsafe extern "C" fn(host_abi_version: u32) -> *const PluginTable;

/// Bytes borrowed for the duration of one call (UTF-8 text or opaque bytes). Not
/// NUL-terminated; `ptr` may be null when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Str {
    pub ptr: *const u8,
    pub len: usize,
}

/// Bytes allocated by the plugin and handed to the host, which gives them back to the
/// plugin's `free_buffer` when done. `{null, 0}` is an empty buffer and needs no freeing.
#[repr(C)]
#[derive(Debug)]
pub struct Buffer {
    pub ptr: *mut u8,
    pub len: usize,
}

/// The Arrow C Data Interface schema (arrow.apache.org/docs/format/CDataInterface.html).
#[repr(C)]
#[derive(Debug)]
pub struct ArrowSchema {
    pub format: *const c_char,
    pub name: *const c_char,
    pub metadata: *const c_char,
    pub flags: i64,
    pub n_children: i64,
    pub children: *mut *mut ArrowSchema,
    pub dictionary: *mut ArrowSchema,
    pub release: Option<unsafe extern "C" fn(schema: *mut ArrowSchema)>,
    pub private_data: *mut c_void,
}

/// The Arrow C Data Interface array.
#[repr(C)]
#[derive(Debug)]
pub struct ArrowArray {
    pub length: i64,
    pub null_count: i64,
    pub offset: i64,
    pub n_buffers: i64,
    pub n_children: i64,
    pub buffers: *mut *const c_void,
    pub children: *mut *mut ArrowArray,
    pub dictionary: *mut ArrowArray,
    pub release: Option<unsafe extern "C" fn(array: *mut ArrowArray)>,
    pub private_data: *mut c_void,
}

/// A record batch: a struct array (format `+s`) whose children are the columns.
/// Released (both halves) by whoever holds it last.
#[repr(C)]
#[derive(Debug)]
pub struct Frame {
    pub schema: ArrowSchema,
    pub array: ArrowArray,
}

/// One input frame of a transform. `name` is the input parameter it was given for; a list
/// parameter gives several inputs of one name, in the order written. The plugin reads
/// `frame` during the call, or moves it out to keep it (see the crate docs).
#[repr(C)]
#[derive(Debug)]
pub struct Input {
    pub name: Str,
    pub frame: Frame,
}

/// One output slot of a transform, zeroed by the host (`tag` = [`OUTPUT_EMPTY`]). The host
/// passes one slot per output port of the stage's descriptor, in its order; the plugin sets
/// `tag` and fills `frame` (a Frame port) or `json` (a Metrics port). The host takes
/// ownership of whatever the plugin leaves there, success or not.
#[repr(C)]
#[derive(Debug)]
pub struct Output {
    pub tag: u32,
    pub frame: Frame,
    pub json: Buffer,
}

/// `transform(kind, call, inputs, n_inputs, outputs, n_outputs, error)`.
///
/// `kind` is the stage kind's name as the descriptor gives it (`segment`); `call` is JSON:
/// `{"stage": "seg", "seed": 42, "params": {...}}` with every declared parameter that has a
/// value (defaults applied).
pub type TransformFn = unsafe extern "C" fn(
    kind: Str,
    call: Str,
    inputs: *mut Input,
    n_inputs: usize,
    outputs: *mut Output,
    n_outputs: usize,
    error: *mut Buffer,
) -> i32;

/// `fit(kind, call, x, y, state, error)`: learn from features `x` (Float64 columns, no
/// nulls) and target `y` (one column: Int64 class indices for classification, Float64 for
/// regression); leave the fitted state, opaque bytes, in `state`. `call` is JSON:
/// `{"stage", "seed", "params", "task": "classification" | "regression", "n_classes",
/// "features": [...]}`. `x` and `y` are read during the call or moved (see the crate docs).
pub type FitFn = unsafe extern "C" fn(
    kind: Str,
    call: Str,
    x: *mut Frame,
    y: *mut Frame,
    state: *mut Buffer,
    error: *mut Buffer,
) -> i32;

/// `predict(kind, call, state, x, out, error)`: apply a fitted state to features `x`; leave
/// in `out` one Float64 column per class (probabilities, rows summing to 1) for
/// classification, or one Float64 column for regression, with as many rows as `x`. `call`
/// is the JSON of `fit` without `stage`.
pub type PredictFn = unsafe extern "C" fn(
    kind: Str,
    call: Str,
    state: Str,
    x: *mut Frame,
    out: *mut Frame,
    error: *mut Buffer,
) -> i32;

/// Gives a [`Buffer`] back to the plugin that allocated it.
pub type FreeBufferFn = unsafe extern "C" fn(buffer: Buffer);

/// What the entry point returns: static for the library's lifetime.
///
/// Fields are grouped by the ABI version that introduced them and only ever appended.
#[repr(C)]
#[derive(Debug)]
pub struct PluginTable {
    // --- ABI 1: `abi_version` and `table_size` stay first in every version. ---
    /// The ABI the plugin was built for.
    pub abi_version: u32,
    /// `sizeof` the table as the plugin compiled it.
    pub table_size: u32,
    /// [`FLAG_STRING_VIEWS`] and future capability bits.
    pub flags: u32,
    /// NUL-terminated UTF-8: the plugin's own name (`rfm`).
    pub name: *const c_char,
    /// NUL-terminated UTF-8: the plugin's version (`0.1.0`); it enters the cache key.
    pub version: *const c_char,
    /// NUL-terminated UTF-8 JSON: the stages it provides (see the crate docs).
    pub descriptor: *const c_char,
    pub free_buffer: Option<FreeBufferFn>,
    /// Null when the plugin has no transforms.
    pub transform: Option<TransformFn>,
    /// Null when the plugin has no estimators.
    pub fit: Option<FitFn>,
    pub predict: Option<PredictFn>,
}

/// The size of the table of each ABI version, for the host's size check.
pub const fn table_size_of(abi_version: u32) -> usize {
    match abi_version {
        1 => core::mem::size_of::<PluginTable>(),
        _ => usize::MAX,
    }
}

impl Str {
    pub const EMPTY: Str = Str {
        ptr: core::ptr::null(),
        len: 0,
    };

    pub fn new(bytes: &[u8]) -> Str {
        Str {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// # Safety
    /// `ptr` must point to `len` readable bytes that outlive `'a` (or `len` must be 0).
    pub unsafe fn as_bytes<'a>(self) -> &'a [u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: the caller guarantees `len` readable bytes at `ptr` for `'a`.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl Buffer {
    pub const EMPTY: Buffer = Buffer {
        ptr: core::ptr::null_mut(),
        len: 0,
    };
}

impl ArrowSchema {
    /// A released (empty) schema: what an unused slot holds.
    pub const fn empty() -> Self {
        Self {
            format: core::ptr::null(),
            name: core::ptr::null(),
            metadata: core::ptr::null(),
            flags: 0,
            n_children: 0,
            children: core::ptr::null_mut(),
            dictionary: core::ptr::null_mut(),
            release: None,
            private_data: core::ptr::null_mut(),
        }
    }
}

impl ArrowArray {
    /// A released (empty) array: what an unused slot holds.
    pub const fn empty() -> Self {
        Self {
            length: 0,
            null_count: 0,
            offset: 0,
            n_buffers: 0,
            n_children: 0,
            buffers: core::ptr::null_mut(),
            children: core::ptr::null_mut(),
            dictionary: core::ptr::null_mut(),
            release: None,
            private_data: core::ptr::null_mut(),
        }
    }
}

impl Frame {
    pub const fn empty() -> Self {
        Self {
            schema: ArrowSchema::empty(),
            array: ArrowArray::empty(),
        }
    }
}

impl Output {
    pub const fn empty() -> Self {
        Self {
            tag: OUTPUT_EMPTY,
            frame: Frame::empty(),
            json: Buffer::EMPTY,
        }
    }
}

// SAFETY: these are plain C structs handed between threads of one process; the Arrow
// specification allows an exported array to be consumed (and released) on another thread.
unsafe impl Send for Frame {}
// SAFETY: as above.
unsafe impl Send for Buffer {}
