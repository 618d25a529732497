//! Importing a frame from the Arrow C Data Interface, without copying.
//!
//! The imported schema and array move into one [`Imported`], shared (`Arc`) by every column
//! and buffer view taken from it; dropping the last one calls both release callbacks, once.
//! Ownership is taken before anything is checked, so a frame that fails validation is
//! released too.
//!
//! Validation is structural and O(1) per column (formats, counts, lengths, offsets, null and
//! misaligned pointers): whatever would make a later read go out of bounds or misread is an
//! [`Error`] here. The producer's null count is trusted for a whole array (a wrong one gives
//! wrong answers, never a bad read) and counted for a window. The O(rows) string checks wait for the first string read (`strings`).
//! Buffer *sizes* cannot be checked: the C interface does not carry them, so a producer that
//! lies about them is outside what any consumer can detect.

use std::ffi::CStr;
use std::sync::Arc;

use aimass_plugin_api as api;

use super::buffers::{self, count};
use super::column::{Column, Origin};
use super::dtype::DataType;
use super::frame::Frame;
use crate::error::{Error, Result};

/// An imported frame, released when the last view of it is dropped.
pub(crate) struct Imported {
    frame: api::Frame,
}

// SAFETY: the Arrow specification lets a consumer read an imported array from any thread and
// release it from another; nothing here mutates the structs or their buffers except `drop`,
// which runs once, when no other reference exists.
unsafe impl Send for Imported {}
// SAFETY: as above: shared references only read.
unsafe impl Sync for Imported {}

impl Drop for Imported {
    fn drop(&mut self) {
        if let Some(release) = self.frame.array.release {
            // SAFETY: the array is live (its release is set) and owned by us alone.
            unsafe { release(&mut self.frame.array) };
        }
        if let Some(release) = self.frame.schema.release {
            // SAFETY: as above, for the schema.
            unsafe { release(&mut self.frame.schema) };
        }
    }
}

/// A column's place in an imported frame: what export needs to share the foreign array.
#[derive(Clone)]
pub(crate) struct ForeignColumn {
    pub(crate) frame: Arc<Imported>,
    pub(crate) index: usize,
}

impl ForeignColumn {
    /// The parent's window (`offset`, `length`) and the child's schema and array.
    pub(crate) fn parts(&self) -> (i64, i64, &api::ArrowSchema, &api::ArrowArray) {
        let top = &self.frame.frame;
        // SAFETY: a ForeignColumn is only made for an index that `import_frame` checked to be
        // below n_children, with non-null children arrays and non-null child pointers; the
        // structs live as long as `self.frame`.
        let (schema, array) = unsafe {
            (
                &**top.schema.children.add(self.index),
                &**top.array.children.add(self.index),
            )
        };
        (top.array.offset, top.array.length, schema, array)
    }
}

/// Takes ownership of the frame behind `ptr`, leaving it marked released (a move, in the
/// specification's terms). A null pointer gives a released frame.
///
/// # Safety
/// `ptr` must be null or point to a frame the caller may give away.
pub(crate) unsafe fn take(ptr: *mut api::Frame) -> api::Frame {
    if ptr.is_null() {
        return api::Frame::empty();
    }
    // SAFETY: the caller gives us the frame; we copy it out and mark the source released, so
    // exactly one owner (ours) will release it.
    unsafe {
        let frame = std::ptr::read(ptr);
        (*ptr).schema.release = None;
        (*ptr).array.release = None;
        frame
    }
}

/// Imports `frame`, taking ownership of it.
///
/// # Safety
/// `frame` must follow the Arrow C Data Interface: released, or with valid pointers and
/// buffers as large as its format, offset and length say.
pub(crate) unsafe fn import_frame(frame: api::Frame) -> Result<Frame> {
    let imported = Arc::new(Imported { frame });
    let top = &imported.frame;
    if top.schema.release.is_none() || top.array.release.is_none() {
        return Err(Error::new("frame was already released"));
    }
    // SAFETY: a live schema's format is null or a NUL-terminated string.
    let format = unsafe { c_str(top.schema.format, "frame format") }?;
    if format != "+s" {
        return Err(Error::new(format!(
            "a frame must be a struct array (`+s`), not `{format}`"
        )));
    }
    let n = top.schema.n_children;
    if n != top.array.n_children {
        return Err(Error::new(format!(
            "frame schema has {n} children but its array {}",
            top.array.n_children
        )));
    }
    let n = count(n, "frame n_children")?;
    let offset = count(top.array.offset, "frame offset")?;
    let len = count(top.array.length, "frame length")?;
    if top.array.n_buffers != 1 {
        return Err(Error::new(format!(
            "a struct array has 1 buffer, the frame {}",
            top.array.n_buffers
        )));
    }
    // SAFETY: n_buffers is 1 and the pointers come from a live array.
    let buffers = unsafe { buffers::read(&imported, &top.array) }?;
    if top.array.null_count != 0 {
        if let Some(mask) = buffers::validity(&buffers, 0, offset, len)? {
            if mask.count_zeros() > 0 {
                return Err(Error::new("frame has null rows"));
            }
        }
    }
    if n > 0 && (top.schema.children.is_null() || top.array.children.is_null()) {
        return Err(Error::new("frame children pointers are null"));
    }
    let mut out = Frame::with_len(len);
    for index in 0..n {
        // SAFETY: index < n_children and both children arrays are non-null.
        let (schema, array) = unsafe {
            (
                *top.schema.children.add(index),
                *top.array.children.add(index),
            )
        };
        if schema.is_null() || array.is_null() {
            return Err(Error::new(format!("column {index} is a null pointer")));
        }
        // SAFETY: non-null children of a live struct are live structs.
        let (schema, array) = unsafe { (&*schema, &*array) };
        // SAFETY: a live schema's name is null or a NUL-terminated string.
        let name = unsafe { c_str(schema.name, "name") }
            .map_err(|e| e.context(format!("column {index}")))?;
        let foreign = ForeignColumn {
            frame: imported.clone(),
            index,
        };
        // SAFETY: the child structs are live, as the caller promised for the whole tree.
        let column = unsafe { import_column(foreign, schema, array, offset, len) }
            .map_err(|e| e.context(format!("column `{name}`")))?;
        out.push(name, column)?;
    }
    Ok(out)
}

/// One child, windowed to the parent's rows `[offset, offset + len)`.
///
/// # Safety
/// `schema` and `array` must be live C Data Interface structs owned by `foreign.frame`.
unsafe fn import_column(
    foreign: ForeignColumn,
    schema: &api::ArrowSchema,
    array: &api::ArrowArray,
    parent_offset: usize,
    len: usize,
) -> Result<Column> {
    if schema.release.is_none() || array.release.is_none() {
        return Err(Error::new("column was released"));
    }
    // SAFETY: a live schema's format is null or a NUL-terminated string.
    let format = unsafe { c_str(schema.format, "format") }?;
    let length = count(array.length, "length")?;
    let own_offset = count(array.offset, "offset")?;
    if array.null_count < -1 || array.null_count > array.length {
        return Err(Error::new(format!(
            "null_count {} is invalid",
            array.null_count
        )));
    }
    if length < parent_offset.saturating_add(len) {
        return Err(Error::new(format!(
            "has {length} rows, the frame needs {}",
            parent_offset.saturating_add(len)
        )));
    }
    if schema.n_children != array.n_children {
        return Err(Error::new(format!(
            "schema has {} children but the array {}",
            schema.n_children, array.n_children
        )));
    }
    if schema.dictionary.is_null() != array.dictionary.is_null() {
        return Err(Error::new("schema and array disagree on a dictionary"));
    }
    let start = own_offset
        .checked_add(parent_offset)
        .ok_or_else(|| Error::new("offset overflows"))?;
    let dtype = if schema.dictionary.is_null() && schema.n_children == 0 {
        DataType::from_format(format)
    } else {
        DataType::Other(format.to_owned())
    };
    let expected = match dtype {
        DataType::Other(_) => None,
        DataType::Utf8 | DataType::LargeUtf8 => Some(3),
        DataType::Utf8View => None,
        _ => Some(2),
    };
    if let Some(expected) = expected {
        if array.n_buffers != expected {
            return Err(Error::new(format!(
                "format `{format}` has {expected} buffers, the array {}",
                array.n_buffers
            )));
        }
    }
    if dtype == DataType::Utf8View && array.n_buffers < 3 {
        return Err(Error::new(format!(
            "format `vu` has at least 3 buffers, the array {}",
            array.n_buffers
        )));
    }
    // SAFETY: the array is live; `buffers` checks its pointer array against n_buffers.
    let buffers = unsafe { buffers::read(&foreign.frame, array) }?;
    let opaque = matches!(dtype, DataType::Other(_));
    let has_mask = !opaque || buffers::has_validity(format);
    let mask = match (array.null_count, has_mask) {
        (0, _) | (_, false) => None,
        _ => buffers::validity(&buffers, 0, start, len)?,
    };
    if array.null_count > 0 && mask.is_none() && has_mask && len > 0 {
        return Err(Error::new(format!(
            "null_count is {} but the validity buffer is null",
            array.null_count
        )));
    }
    // The producer's count is trusted for the whole array (a wrong count gives wrong
    // answers, never an out-of-bounds read); a window is counted, O(rows / 64).
    let whole = own_offset == 0 && parent_offset == 0 && length == len;
    let null_count = match (mask.as_ref(), usize::try_from(array.null_count)) {
        (None, _) => 0,
        (Some(_), Ok(known)) if whole => known,
        (Some(mask), _) => mask.count_zeros(),
    };
    let values = buffers::values(&buffers, &dtype, start, len)?;
    let mut column = Column::with_null_count(dtype, len, mask, null_count, values);
    column.origin = Origin::Foreign(foreign);
    Ok(column)
}

/// # Safety
/// `ptr` must be null or point to a NUL-terminated string that outlives `'a`.
unsafe fn c_str<'a>(ptr: *const std::ffi::c_char, what: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::new(format!("{what} is a null pointer")));
    }
    // SAFETY: non-null, and NUL-terminated by the caller's promise.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Error::new(format!("{what} is not UTF-8")))
}
