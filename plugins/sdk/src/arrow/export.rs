//! Exporting a frame to the Arrow C Data Interface, without copying.
//!
//! Each exported struct's `private_data` owns what it points to (format and name strings,
//! pointer arrays) plus a clone of the column, which keeps the data alive: a `Vec` for a
//! column the SDK built, the imported frame for a column the host sent. An imported column
//! is exported by sharing the foreign array's buffers, children and dictionary (only the
//! window is adjusted), so a passed-through column costs no copy, and the imported frame is
//! released when the host releases the last exported child that shares it.
//!
//! Release callbacks may run on any thread (every private part is `Send`), free exactly
//! what they own, release children the host did not move out, and mark themselves released.

use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use aimass_plugin_api as api;

use super::buffers::has_validity;
use super::column::{Column, Origin, Values};
use super::frame::Frame;

/// `ARROW_FLAG_NULLABLE`.
const NULLABLE: i64 = 2;

struct SchemaPrivate {
    _format: CString,
    _name: CString,
    children: Box<[*mut api::ArrowSchema]>,
    _keep: Option<Column>,
}

struct ArrayPrivate {
    _buffers: Box<[*const c_void]>,
    children: Box<[*mut api::ArrowArray]>,
    _sizes: Vec<i64>,
    _keep: Option<Column>,
}

/// Exports `frame` as a struct array; the receiver owns the result and releases it.
pub(crate) fn export_frame(frame: Frame) -> api::Frame {
    let len = i64::try_from(frame.len()).unwrap_or(i64::MAX);
    let mut schemas = Vec::with_capacity(frame.width());
    let mut arrays = Vec::with_capacity(frame.width());
    for (name, column) in frame.into_columns() {
        schemas.push(Box::into_raw(Box::new(column_schema(&name, &column))));
        arrays.push(Box::into_raw(Box::new(column_array(column))));
    }
    let schema = schema("+s".into(), "", 0, schemas.into_boxed_slice(), None, None);
    let array = array(
        Layout {
            length: len,
            null_count: 0,
            offset: 0,
            buffers: vec![ptr::null()],
            sizes: Vec::new(),
        },
        arrays.into_boxed_slice(),
        None,
    );
    api::Frame { schema, array }
}

fn column_schema(name: &str, column: &Column) -> api::ArrowSchema {
    let format = match column.values {
        Values::Opaque if !column.is_foreign() => "n".to_owned(),
        _ => column.dtype.format(),
    };
    match &column.origin {
        Origin::Foreign(foreign) => {
            let (_, _, original, _) = foreign.parts();
            let keep = Some(column.clone());
            schema(
                format,
                name,
                original.flags,
                Box::new([]),
                keep,
                Some(original),
            )
        }
        Origin::Native => schema(format, name, NULLABLE, Box::new([]), None, None),
    }
}

fn column_array(column: Column) -> api::ArrowArray {
    let null_count = i64::try_from(column.null_count).unwrap_or(-1);
    let foreign = match &column.origin {
        Origin::Foreign(foreign) => Some(foreign.clone()),
        Origin::Native => None,
    };
    if let Some(foreign) = foreign {
        let (offset, length, _, original) = foreign.parts();
        let whole = offset == 0 && original.length == length;
        // A window of a type without a validity bitmap (null, unions, run-end encoded) has
        // a null count the layer cannot compute: -1 is the specification's "unknown".
        let counted =
            !matches!(column.values, Values::Opaque) || has_validity(&column.dtype.format());
        let layout = api::ArrowArray {
            length,
            null_count: match (whole, counted) {
                (true, _) => original.null_count,
                (false, true) => null_count,
                (false, false) => -1,
            },
            offset: original.offset + offset,
            n_buffers: original.n_buffers,
            n_children: original.n_children,
            buffers: original.buffers,
            children: original.children,
            dictionary: original.dictionary,
            release: Some(release_array),
            private_data: ptr::null_mut(),
        };
        return with_private(
            layout,
            ArrayPrivate {
                _buffers: Box::new([]),
                children: Box::new([]),
                _sizes: Vec::new(),
                _keep: Some(column),
            },
        );
    }
    // A native column starts at bit and row 0 (only imports are windowed).
    debug_assert!(column
        .validity
        .as_ref()
        .is_none_or(|mask| mask.offset() == 0));
    let mask = column
        .validity
        .as_ref()
        .map_or(ptr::null(), |mask| mask.bytes().as_ptr().cast::<c_void>());
    let mut layout = Layout {
        length: i64::try_from(column.len).unwrap_or(i64::MAX),
        null_count,
        offset: 0,
        buffers: vec![mask],
        sizes: Vec::new(),
    };
    match &column.values {
        Values::Bits(bits) => layout.push(bits.bytes().as_ptr()),
        Values::Fixed(bytes) => layout.push(bytes.as_ptr()),
        Values::Offsets { offsets, data } => {
            layout.push(offsets.as_ptr());
            layout.push(data.as_ptr());
        }
        Values::Views { views, buffers } => {
            layout.push(views.as_ptr());
            for buffer in buffers.iter() {
                layout.push(buffer.as_ptr());
                layout
                    .sizes
                    .push(i64::try_from(buffer.len()).unwrap_or(i64::MAX));
            }
        }
        Values::Opaque => layout.buffers.clear(),
    }
    if !layout.sizes.is_empty() || matches!(column.values, Values::Views { .. }) {
        let sizes = layout.sizes.as_ptr().cast::<c_void>();
        layout.buffers.push(sizes);
    }
    array(layout, Box::new([]), Some(column))
}

/// The buffers of an array the SDK lays out itself (offset 0 for a native column).
struct Layout {
    length: i64,
    null_count: i64,
    offset: i64,
    buffers: Vec<*const c_void>,
    sizes: Vec<i64>,
}

impl Layout {
    fn push(&mut self, buffer: *const u8) {
        self.buffers.push(buffer.cast());
    }
}

/// A schema owning `children` (the frame's columns), or sharing `original`'s metadata,
/// children and dictionary (a passed-through column).
fn schema(
    format: String,
    name: &str,
    flags: i64,
    children: Box<[*mut api::ArrowSchema]>,
    keep: Option<Column>,
    original: Option<&api::ArrowSchema>,
) -> api::ArrowSchema {
    let private = Box::new(SchemaPrivate {
        _format: cstring(&format),
        _name: cstring(name),
        children,
        _keep: keep,
    });
    let (metadata, n_children, children, dictionary) = match original {
        Some(original) => (
            original.metadata,
            original.n_children,
            original.children,
            original.dictionary,
        ),
        None if private.children.is_empty() => (ptr::null(), 0, ptr::null_mut(), ptr::null_mut()),
        None => (
            ptr::null(),
            len_i64(private.children.len()),
            private.children.as_ptr().cast_mut(),
            ptr::null_mut(),
        ),
    };
    api::ArrowSchema {
        format: private._format.as_ptr(),
        name: private._name.as_ptr(),
        metadata,
        flags,
        n_children,
        children,
        dictionary,
        release: Some(release_schema),
        private_data: Box::into_raw(private).cast(),
    }
}

fn array(
    layout: Layout,
    children: Box<[*mut api::ArrowArray]>,
    keep: Option<Column>,
) -> api::ArrowArray {
    let buffers = layout.buffers.into_boxed_slice();
    let template = api::ArrowArray {
        length: layout.length,
        null_count: layout.null_count,
        offset: layout.offset,
        n_buffers: len_i64(buffers.len()),
        n_children: len_i64(children.len()),
        buffers: buffers.as_ptr().cast_mut(),
        children: if children.is_empty() {
            ptr::null_mut()
        } else {
            children.as_ptr().cast_mut()
        },
        dictionary: ptr::null_mut(),
        release: Some(release_array),
        private_data: ptr::null_mut(),
    };
    with_private(
        template,
        ArrayPrivate {
            _buffers: buffers,
            children,
            _sizes: layout.sizes,
            _keep: keep,
        },
    )
}

fn with_private(mut array: api::ArrowArray, private: ArrayPrivate) -> api::ArrowArray {
    array.private_data = Box::into_raw(Box::new(private)).cast();
    array
}

fn cstring(text: &str) -> CString {
    CString::new(text.replace('\0', "")).unwrap_or_default()
}

fn len_i64(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}

unsafe extern "C" fn release_schema(schema: *mut api::ArrowSchema) {
    // A panic must not unwind into the host; there is nothing to report it to here.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if schema.is_null() {
            return;
        }
        // SAFETY: the host passes a schema this module exported (or moved), still live.
        let schema = unsafe { &mut *schema };
        if schema.release.is_none() || schema.private_data.is_null() {
            return;
        }
        // SAFETY: private_data was made by Box::into_raw of a SchemaPrivate in `schema`, and
        // is taken back once: release is cleared below.
        let private = unsafe { Box::from_raw(schema.private_data.cast::<SchemaPrivate>()) };
        for &child in private.children.iter() {
            // SAFETY: each child was made by Box::into_raw in `export_frame` and is freed
            // here only; a child the host moved out has its release cleared and is only
            // freed, not released.
            unsafe {
                if let Some(release) = (*child).release {
                    release(child);
                }
                drop(Box::from_raw(child));
            }
        }
        drop(private);
        schema.private_data = ptr::null_mut();
        schema.release = None;
    }));
}

unsafe extern "C" fn release_array(array: *mut api::ArrowArray) {
    // A panic must not unwind into the host; there is nothing to report it to here.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if array.is_null() {
            return;
        }
        // SAFETY: the host passes an array this module exported (or moved), still live.
        let array = unsafe { &mut *array };
        if array.release.is_none() || array.private_data.is_null() {
            return;
        }
        // SAFETY: private_data was made by Box::into_raw of an ArrayPrivate in
        // `with_private`, and is taken back once: release is cleared below.
        let private = unsafe { Box::from_raw(array.private_data.cast::<ArrayPrivate>()) };
        for &child in private.children.iter() {
            // SAFETY: as for schemas: our own boxes, released unless moved, freed once.
            unsafe {
                if let Some(release) = (*child).release {
                    release(child);
                }
                drop(Box::from_raw(child));
            }
        }
        drop(private);
        array.private_data = ptr::null_mut();
        array.release = None;
    }));
}
