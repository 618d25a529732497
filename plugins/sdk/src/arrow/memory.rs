//! Byte regions a column reads, whoever allocated them.
//!
//! A [`Bytes`] is a pointer, a length and an owner that keeps the memory alive: either a
//! `Vec` the SDK allocated, or the imported Arrow frame whose release callback frees the
//! foreign buffers once the last `Bytes` (and every other view) of it is dropped. This is
//! the one place where a raw pointer becomes a slice, so the accessors of `Column` stay
//! safe code, and reading imported data never copies it.

use std::any::Any;
use std::sync::Arc;

use super::dtype::NativeType;

/// Whatever keeps a region's memory alive and unchanged.
pub(crate) type Owner = Arc<dyn Any + Send + Sync>;

/// An immutable byte region kept alive by its owner.
#[derive(Clone)]
pub(crate) struct Bytes {
    ptr: *const u8,
    len: usize,
    _owner: Owner,
}

// SAFETY: a Bytes only reads memory that nothing mutates while its owner lives, and the owner
// itself is Send + Sync; sharing or moving the view across threads is therefore sound.
unsafe impl Send for Bytes {}
// SAFETY: as above: the region is never written through a Bytes.
unsafe impl Sync for Bytes {}

impl Bytes {
    /// A region owning `values` (moving a Vec into the owner does not move its heap data).
    pub(crate) fn from_vec<T: NativeType>(values: Vec<T>) -> Bytes {
        let ptr = values.as_ptr().cast::<u8>();
        let len = std::mem::size_of_val(values.as_slice());
        Bytes {
            ptr,
            len,
            _owner: Arc::new(values),
        }
    }

    /// A region of foreign memory.
    ///
    /// # Safety
    /// Unless `len` is 0, `ptr` must point to `len` readable bytes that stay valid and
    /// unchanged for as long as `owner` (or any clone of it) lives.
    pub(crate) unsafe fn foreign(ptr: *const u8, len: usize, owner: Owner) -> Bytes {
        Bytes {
            ptr,
            len,
            _owner: owner,
        }
    }

    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.ptr
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        if self.len == 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: `from_vec` takes pointer and length from a live Vec the owner holds;
        // `foreign`'s caller promised `len` readable bytes alive as long as the owner, which
        // `self` holds.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// The sub-region `[start, start + len)`, or `None` past the end.
    pub(crate) fn slice(&self, start: usize, len: usize) -> Option<Bytes> {
        let end = start.checked_add(len)?;
        if end > self.len {
            return None;
        }
        Some(Bytes {
            // `wrapping_add` keeps this safe code: the result stays within the region (or is
            // the region's own pointer when it is empty) by the check above.
            ptr: self.ptr.wrapping_add(start),
            len,
            _owner: self._owner.clone(),
        })
    }

    /// Whether the region's start is aligned for `T`.
    pub(crate) fn is_aligned_for<T>(&self) -> bool {
        self.len == 0 || self.ptr.align_offset(std::mem::align_of::<T>()) == 0
    }

    /// The region as values, or `None` when it is misaligned or not a whole number of them.
    pub(crate) fn typed<T: NativeType>(&self) -> Option<&[T]> {
        let bytes = self.as_slice();
        // SAFETY: NativeType is sealed and implemented only for primitive integers and
        // floats, for which every bit pattern is a valid value; align_to only yields the
        // aligned middle part, and we accept the result only when nothing is left over.
        let (head, values, tail) = unsafe { bytes.align_to::<T>() };
        (head.is_empty() && tail.is_empty()).then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_views_a_vec_without_copy() {
        let values = vec![1.5f64, 2.5, 3.5];
        let ptr = values.as_ptr();
        let bytes = Bytes::from_vec(values);
        let typed = bytes.typed::<f64>().expect("aligned");
        assert_eq!(typed, &[1.5, 2.5, 3.5]);
        assert_eq!(typed.as_ptr(), ptr);
    }

    #[test]
    fn misaligned_or_partial_is_refused() {
        let bytes = Bytes::from_vec(vec![0u64; 4]);
        let odd = bytes.slice(1, 16).expect("in range");
        assert!(odd.typed::<u64>().is_none());
        let partial = bytes.slice(0, 12).expect("in range");
        assert!(partial.typed::<u64>().is_none());
        assert!(bytes.slice(30, 4).is_none());
        assert_eq!(
            bytes
                .slice(8, 8)
                .and_then(|b| b.typed::<u64>().map(<[u64]>::len)),
            Some(1)
        );
    }

    #[test]
    fn empty_regions_read_as_empty() {
        let empty = Bytes::from_vec(Vec::<i32>::new());
        assert_eq!(empty.typed::<i32>(), Some(&[][..]));
        assert!(empty.as_slice().is_empty());
    }
}
