//! A stand-in for a foreign Arrow producer (the host): builds C Data Interface frames by
//! hand, any shape, well-formed or not, and counts how often their release callbacks run.
#![allow(dead_code, unsafe_code)]

use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aimass_plugin_sdk::api;

/// One hand-made array (and its schema).
#[derive(Clone, Debug)]
pub struct Raw {
    pub name: String,
    pub format: String,
    pub length: i64,
    pub offset: i64,
    pub null_count: i64,
    /// `None`: a null pointer.
    pub buffers: Vec<Option<Vec<u8>>>,
    /// Buffers whose pointer is moved one byte on (to test alignment checks).
    pub misaligned: Vec<usize>,
    /// Overrides n_buffers (default: `buffers.len()`).
    pub n_buffers: Option<i64>,
    /// Overrides the array's n_children (default: `children.len()`, as the schema's).
    pub n_children: Option<i64>,
    pub children: Vec<Raw>,
}

impl Raw {
    pub fn new(name: &str, format: &str, length: i64, buffers: Vec<Option<Vec<u8>>>) -> Raw {
        Raw {
            name: name.into(),
            format: format.into(),
            length,
            offset: 0,
            null_count: 0,
            buffers,
            misaligned: Vec::new(),
            n_buffers: None,
            n_children: None,
            children: Vec::new(),
        }
    }

    pub fn offset(mut self, offset: i64) -> Raw {
        self.offset = offset;
        self
    }

    pub fn nulls(mut self, null_count: i64) -> Raw {
        self.null_count = null_count;
        self
    }

    /// A struct array `+s` of `children`.
    pub fn frame(length: i64, children: Vec<Raw>) -> Raw {
        Raw {
            children,
            ..Raw::new("", "+s", length, vec![None])
        }
    }
}

/// Counts of release callback calls of one produced frame (top-level structs only).
#[derive(Clone, Default)]
pub struct Releases {
    pub arrays: Arc<AtomicUsize>,
    pub schemas: Arc<AtomicUsize>,
}

impl Releases {
    pub fn arrays(&self) -> usize {
        self.arrays.load(Ordering::SeqCst)
    }

    pub fn schemas(&self) -> usize {
        self.schemas.load(Ordering::SeqCst)
    }
}

/// Everything one produced frame owns, freed by the top-level release callbacks.
struct Storage {
    _strings: Vec<CString>,
    _buffers: Vec<Vec<u64>>,
    _pointer_arrays: Vec<Vec<*const c_void>>,
    schemas: Vec<*mut api::ArrowSchema>,
    arrays: Vec<*mut api::ArrowArray>,
    _schema_children: Vec<Vec<*mut api::ArrowSchema>>,
    _array_children: Vec<Vec<*mut api::ArrowArray>>,
    counter: Arc<AtomicUsize>,
}

/// The data pointer of buffer `buffer` of child `child`, as produced (for zero-copy checks).
pub fn buffer_ptr(frame: &api::Frame, child: usize, buffer: usize) -> *const c_void {
    // SAFETY: test frames are well-formed at the indices the tests use.
    unsafe { *(**frame.array.children.add(child)).buffers.add(buffer) }
}

/// Produces `raw` (a `+s` for a frame) with counting release callbacks.
pub fn produce(raw: &Raw) -> (api::Frame, Releases) {
    let releases = Releases::default();
    let mut strings = Vec::new();
    let mut buffers = Vec::new();
    let mut pointer_arrays = Vec::new();
    let mut schema_children = Vec::new();
    let mut array_children = Vec::new();
    let mut children_schemas = Vec::new();
    let mut children_arrays = Vec::new();
    let (schema, array) = build(
        raw,
        &mut strings,
        &mut buffers,
        &mut pointer_arrays,
        &mut schema_children,
        &mut array_children,
        &mut children_schemas,
        &mut children_arrays,
    );
    let mut schema = schema;
    let mut array = array;
    let schema_storage = Box::new(Storage {
        _strings: strings,
        _buffers: Vec::new(),
        _pointer_arrays: Vec::new(),
        schemas: children_schemas,
        arrays: Vec::new(),
        _schema_children: schema_children,
        _array_children: Vec::new(),
        counter: releases.schemas.clone(),
    });
    let array_storage = Box::new(Storage {
        _strings: Vec::new(),
        _buffers: buffers,
        _pointer_arrays: pointer_arrays,
        schemas: Vec::new(),
        arrays: children_arrays,
        _schema_children: Vec::new(),
        _array_children: array_children,
        counter: releases.arrays.clone(),
    });
    schema.release = Some(release_top_schema);
    schema.private_data = Box::into_raw(schema_storage).cast();
    array.release = Some(release_top_array);
    array.private_data = Box::into_raw(array_storage).cast();
    (api::Frame { schema, array }, releases)
}

#[allow(clippy::too_many_arguments)]
fn build(
    raw: &Raw,
    strings: &mut Vec<CString>,
    buffers: &mut Vec<Vec<u64>>,
    pointer_arrays: &mut Vec<Vec<*const c_void>>,
    schema_children: &mut Vec<Vec<*mut api::ArrowSchema>>,
    array_children: &mut Vec<Vec<*mut api::ArrowArray>>,
    all_schemas: &mut Vec<*mut api::ArrowSchema>,
    all_arrays: &mut Vec<*mut api::ArrowArray>,
) -> (api::ArrowSchema, api::ArrowArray) {
    let format = CString::new(raw.format.clone()).expect("format");
    let name = CString::new(raw.name.clone()).expect("name");
    let mut pointers = Vec::new();
    for (i, buffer) in raw.buffers.iter().enumerate() {
        match buffer {
            None => pointers.push(std::ptr::null()),
            Some(bytes) => {
                // u64 storage: 8-byte aligned, plus one spare word for misaligned pointers.
                let mut words = vec![0u64; bytes.len().div_ceil(8) + 1];
                let shift = usize::from(raw.misaligned.contains(&i));
                // SAFETY: the words hold at least bytes.len() + shift bytes.
                unsafe {
                    let dst = words.as_mut_ptr().cast::<u8>().add(shift);
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
                }
                // SAFETY: within the allocation (shift <= 1 spare byte).
                let ptr = unsafe { words.as_ptr().cast::<u8>().add(shift) };
                pointers.push(ptr.cast());
                buffers.push(words);
            }
        }
    }
    let mut child_schemas = Vec::new();
    let mut child_arrays = Vec::new();
    for child in &raw.children {
        let (mut schema, mut array) = build(
            child,
            strings,
            buffers,
            pointer_arrays,
            schema_children,
            array_children,
            all_schemas,
            all_arrays,
        );
        schema.release = Some(release_child_schema);
        array.release = Some(release_child_array);
        let schema = Box::into_raw(Box::new(schema));
        let array = Box::into_raw(Box::new(array));
        all_schemas.push(schema);
        all_arrays.push(array);
        child_schemas.push(schema);
        child_arrays.push(array);
    }
    let schema = api::ArrowSchema {
        format: format.as_ptr(),
        name: name.as_ptr(),
        metadata: std::ptr::null(),
        flags: 2,
        n_children: raw.children.len() as i64,
        children: if child_schemas.is_empty() {
            std::ptr::null_mut()
        } else {
            child_schemas.as_mut_ptr()
        },
        dictionary: std::ptr::null_mut(),
        release: None,
        private_data: std::ptr::null_mut(),
    };
    let array = api::ArrowArray {
        length: raw.length,
        null_count: raw.null_count,
        offset: raw.offset,
        n_buffers: raw.n_buffers.unwrap_or(pointers.len() as i64),
        n_children: raw.n_children.unwrap_or(raw.children.len() as i64),
        buffers: if pointers.is_empty() {
            std::ptr::null_mut()
        } else {
            pointers.as_mut_ptr()
        },
        children: if child_arrays.is_empty() {
            std::ptr::null_mut()
        } else {
            child_arrays.as_mut_ptr()
        },
        dictionary: std::ptr::null_mut(),
        release: None,
        private_data: std::ptr::null_mut(),
    };
    strings.push(format);
    strings.push(name);
    pointer_arrays.push(pointers);
    schema_children.push(child_schemas);
    array_children.push(child_arrays);
    (schema, array)
}

unsafe extern "C" fn release_child_schema(schema: *mut api::ArrowSchema) {
    // SAFETY: called on a live child this module made.
    unsafe { (*schema).release = None };
}

unsafe extern "C" fn release_child_array(array: *mut api::ArrowArray) {
    // SAFETY: called on a live child this module made.
    unsafe { (*array).release = None };
}

unsafe extern "C" fn release_top_schema(schema: *mut api::ArrowSchema) {
    // SAFETY: the storage was boxed by `produce`; release runs once (asserted by the counter).
    unsafe {
        let storage = Box::from_raw((*schema).private_data.cast::<Storage>());
        for &child in &storage.schemas {
            if let Some(release) = (*child).release {
                release(child);
            }
            drop(Box::from_raw(child));
        }
        storage.counter.fetch_add(1, Ordering::SeqCst);
        (*schema).release = None;
    }
}

unsafe extern "C" fn release_top_array(array: *mut api::ArrowArray) {
    // SAFETY: as for the schema.
    unsafe {
        let storage = Box::from_raw((*array).private_data.cast::<Storage>());
        for &child in &storage.arrays {
            if let Some(release) = (*child).release {
                release(child);
            }
            drop(Box::from_raw(child));
        }
        storage.counter.fetch_add(1, Ordering::SeqCst);
        (*array).release = None;
    }
}

pub fn i32s(values: &[i32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

pub fn i64s(values: &[i64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

pub fn f64s(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

/// LSB-first bits.
pub fn bits(values: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; values.len().div_ceil(8)];
    for (i, bit) in values.iter().enumerate() {
        if *bit {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    out
}

/// A 16-byte string view: inline when `data.len() <= 12`, else into `buffer` at `offset`.
pub fn view(data: &[u8], buffer: i32, offset: i32) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    out.extend_from_slice(&(data.len() as i32).to_ne_bytes());
    if data.len() <= 12 {
        let mut inline = [0u8; 12];
        inline[..data.len()].copy_from_slice(data);
        out.extend_from_slice(&inline);
    } else {
        out.extend_from_slice(&data[..4]);
        out.extend_from_slice(&buffer.to_ne_bytes());
        out.extend_from_slice(&offset.to_ne_bytes());
    }
    out
}
