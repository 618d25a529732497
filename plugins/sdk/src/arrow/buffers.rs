//! Reading an imported array's buffer pointers into regions, one format at a time.
//!
//! The C Data Interface gives buffers as bare pointers: their sizes follow from the format,
//! the offset and the length, and this is where they are computed (with overflow checks),
//! null pointers refused where rows need them, alignment checked, and string offsets and
//! view sizes read. A region made here is a `Bytes` owned by the imported frame.

use std::ffi::c_void;
use std::sync::Arc;

use aimass_plugin_api as api;

use super::bitmap::Bitmap;
use super::column::Values;
use super::dtype::DataType;
use super::import::Imported;
use super::memory::{Bytes, Owner};
use crate::error::{Error, Result};

/// The values of a column of `dtype` (`Opaque` for `Other`), windowed to rows `[start, start + len)`.
pub(super) fn values(
    buffers: &Buffers,
    dtype: &DataType,
    start: usize,
    len: usize,
) -> Result<Values> {
    Ok(match dtype {
        DataType::Other(_) => Values::Opaque,
        DataType::Boolean => {
            let bytes = region(
                buffers,
                1,
                start.checked_add(len).map(|b| b.div_ceil(8)),
                len,
            )?;
            Values::Bits(Bitmap::new(bytes, start, len).ok_or_else(overflow)?)
        }
        DataType::Utf8 => offsets::<i32>(buffers, start, len)?,
        DataType::LargeUtf8 => offsets::<i64>(buffers, start, len)?,
        DataType::Utf8View => views(buffers, start, len)?,
        fixed => {
            let width = fixed.width().ok_or_else(overflow)?;
            let bytes = region(
                buffers,
                1,
                start.checked_add(len).and_then(|e| e.checked_mul(width)),
                len,
            )?;
            let bytes = bytes
                .slice(start * width, len * width)
                .ok_or_else(overflow)?;
            if bytes.as_ptr().align_offset(width) != 0 && len > 0 {
                return Err(Error::new("values buffer is misaligned"));
            }
            Values::Fixed(bytes)
        }
    })
}

/// An imported array's buffer pointers, each a region of unknown size for now.
pub(super) struct Buffers {
    pointers: Vec<*const c_void>,
    owner: Owner,
}

/// # Safety
/// `array` must be a live array owned by `owner`.
pub(super) unsafe fn read(owner: &Arc<Imported>, array: &api::ArrowArray) -> Result<Buffers> {
    let n = count(array.n_buffers, "n_buffers")?;
    if n > 0 && array.buffers.is_null() {
        return Err(Error::new("buffers pointer is null"));
    }
    let pointers = if n == 0 {
        Vec::new()
    } else {
        // SAFETY: a live array's `buffers` points to n_buffers pointers.
        unsafe { std::slice::from_raw_parts(array.buffers, n) }.to_vec()
    };
    Ok(Buffers {
        pointers,
        owner: owner.clone(),
    })
}

/// Buffer `index` as a region of `bytes` bytes; an error when it is null but rows need it.
/// A null buffer of an empty column is an empty region.
fn region(buffers: &Buffers, index: usize, bytes: Option<usize>, len: usize) -> Result<Bytes> {
    let bytes = bytes.ok_or_else(overflow)?;
    let ptr = buffers
        .pointers
        .get(index)
        .copied()
        .unwrap_or(std::ptr::null());
    if ptr.is_null() {
        if len > 0 && bytes > 0 {
            return Err(Error::new(format!("buffer {index} is null")));
        }
        return Ok(Bytes::from_vec(Vec::<u8>::new()));
    }
    // SAFETY: per the C Data Interface the buffer holds at least what the format, offset and
    // length require, which is how every caller computes `bytes`; the owner keeps it alive.
    Ok(unsafe { Bytes::foreign(ptr.cast(), bytes, buffers.owner.clone()) })
}

/// The validity bitmap in buffer `index`, windowed; `None` when the pointer is null.
pub(super) fn validity(
    buffers: &Buffers,
    index: usize,
    start: usize,
    len: usize,
) -> Result<Option<Bitmap>> {
    match buffers.pointers.get(index) {
        Some(ptr) if !ptr.is_null() => {
            let bits = start.checked_add(len).ok_or_else(overflow)?;
            let bytes = region(buffers, index, Some(bits.div_ceil(8)), len)?;
            Ok(Some(Bitmap::new(bytes, start, len).ok_or_else(overflow)?))
        }
        _ => Ok(None),
    }
}

trait Offset: super::dtype::NativeType + TryInto<usize> + Default {
    const WIDTH: usize;
}
impl Offset for i32 {
    const WIDTH: usize = 4;
}
impl Offset for i64 {
    const WIDTH: usize = 8;
}

/// `u` / `U`: rows `[start, start + len)` read `len + 1` offsets; the data region ends at the
/// last one, which must not be below the first.
fn offsets<O: Offset>(buffers: &Buffers, start: usize, len: usize) -> Result<Values> {
    let end = start
        .checked_add(len)
        .and_then(|e| e.checked_add(1))
        .ok_or_else(overflow)?;
    let all = region(buffers, 1, end.checked_mul(O::WIDTH), len)?;
    if all.len() == 0 {
        // An empty column may leave the offsets null.
        return Ok(Values::Offsets {
            offsets: Bytes::from_vec(vec![O::default()]),
            data: Bytes::from_vec(Vec::<u8>::new()),
        });
    }
    if !all.is_aligned_for::<O>() {
        return Err(Error::new("offsets buffer is misaligned"));
    }
    let offsets = all
        .slice(start * O::WIDTH, (len + 1) * O::WIDTH)
        .ok_or_else(overflow)?;
    let values = offsets.typed::<O>().ok_or_else(overflow)?;
    let first = values.first().and_then(|v| (*v).try_into().ok());
    let last = values.last().and_then(|v| (*v).try_into().ok());
    let (Some(first), Some(last)) = (first, last) else {
        return Err(Error::new("string offsets are negative"));
    };
    if last < first {
        return Err(Error::new(format!(
            "last string offset {last} is below the first {first}"
        )));
    }
    let data = region(buffers, 2, Some(last), last)?;
    Ok(Values::Offsets { offsets, data })
}

/// `vu`: buffers are validity, views, the variadic data buffers, then their sizes (int64).
fn views(buffers: &Buffers, start: usize, len: usize) -> Result<Values> {
    let n = buffers.pointers.len();
    let variadic = n - 3;
    let all = region(
        buffers,
        1,
        start.checked_add(len).and_then(|e| e.checked_mul(16)),
        len,
    )?;
    let views = if all.len() == 0 {
        all
    } else {
        all.slice(start * 16, len * 16).ok_or_else(overflow)?
    };
    let sizes = region(buffers, n - 1, variadic.checked_mul(8), variadic)?;
    if !sizes.is_aligned_for::<i64>() {
        return Err(Error::new("variadic sizes buffer is misaligned"));
    }
    let sizes = sizes.typed::<i64>().ok_or_else(overflow)?;
    let mut data = Vec::with_capacity(variadic);
    for (i, size) in sizes.iter().enumerate() {
        let size = usize::try_from(*size)
            .map_err(|_| Error::new(format!("variadic buffer {i} has size {size}")))?;
        data.push(region(buffers, 2 + i, Some(size), size)?);
    }
    Ok(Values::Views {
        views,
        buffers: data.into(),
    })
}

/// Formats whose buffer 0 is a validity bitmap (all but null, unions and run-end encoded).
pub(crate) fn has_validity(format: &str) -> bool {
    !(format == "n" || format.starts_with("+u") || format.starts_with("+r"))
}

pub(super) fn count(value: i64, what: &str) -> Result<usize> {
    usize::try_from(value).map_err(|_| Error::new(format!("{what} is {value}")))
}

pub(super) fn overflow() -> Error {
    Error::new("sizes overflow")
}
