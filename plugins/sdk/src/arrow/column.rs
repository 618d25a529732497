//! `Column`: one Arrow array, read in place.
//!
//! A column is a typed window over byte regions (see `memory`), so cloning it, reading it
//! and putting it in an output frame never copy its data. An imported column also remembers
//! where it came from (`Origin::Foreign`), which is what lets export hand the host its own
//! buffers back. Typed reads check the type and say what the column is when it is not what
//! the caller asked for.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::bitmap::Bitmap;
use super::dtype::{DataType, NativeType};
use super::import::ForeignColumn;
use super::memory::Bytes;
use crate::error::{Error, Result};

/// One column of a frame: an Arrow array of one [`DataType`], with optional nulls.
///
/// Cheap to clone (its buffers are shared, never copied).
#[derive(Clone)]
pub struct Column {
    pub(crate) dtype: DataType,
    pub(crate) len: usize,
    pub(crate) null_count: usize,
    pub(crate) validity: Option<Bitmap>,
    pub(crate) values: Values,
    pub(crate) origin: Origin,
    /// The column's name in the frame it came from or was put in, for error messages.
    pub(crate) label: Option<Arc<str>>,
    /// The result of the O(rows) string checks, run on the first string read.
    pub(crate) strings_checked: Arc<OnceLock<Result<()>>>,
}

/// How the values are laid out, already windowed to the column's rows.
#[derive(Clone)]
pub(crate) enum Values {
    /// Booleans: one bit per row.
    Bits(Bitmap),
    /// Fixed-width values: exactly `len * width` bytes, aligned for the type.
    Fixed(Bytes),
    /// `u` / `U`: `len + 1` offsets (i32 or i64) into `data`, which ends at the last one.
    Offsets { offsets: Bytes, data: Bytes },
    /// `vu`: `len` 16-byte views and the variadic data buffers they point into.
    Views { views: Bytes, buffers: Arc<[Bytes]> },
    /// A type the layer does not read: only the foreign array knows its layout.
    Opaque,
}

/// Where the column's memory comes from, which decides how it is exported.
#[derive(Clone)]
pub(crate) enum Origin {
    /// Built by the SDK: offset 0, buffers as in `Values`.
    Native,
    /// A child of an imported frame: re-exported by sharing the foreign array.
    Foreign(ForeignColumn),
}

impl Column {
    pub(crate) fn new_native(
        dtype: DataType,
        len: usize,
        validity: Option<Bitmap>,
        values: Values,
    ) -> Column {
        let null_count = validity.as_ref().map_or(0, Bitmap::count_zeros);
        Column::with_null_count(dtype, len, validity, null_count, values)
    }

    /// As `new_native`, with the null count already known (`validity`'s zeros).
    pub(crate) fn with_null_count(
        dtype: DataType,
        len: usize,
        validity: Option<Bitmap>,
        null_count: usize,
        values: Values,
    ) -> Column {
        Column {
            dtype,
            len,
            // A mask without zeros is dropped so that `f64_values` and friends apply.
            validity: validity.filter(|_| null_count > 0),
            null_count,
            values,
            origin: Origin::Native,
            label: None,
            strings_checked: Arc::default(),
        }
    }

    /// The column's type.
    pub fn dtype(&self) -> &DataType {
        &self.dtype
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of null rows.
    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// Whether row `i` is null. Panics when `i >= len()`, as slice indexing does.
    pub fn is_null(&self, i: usize) -> bool {
        assert!(
            i < self.len,
            "row {i} out of range for a column of {} rows",
            self.len
        );
        self.validity.as_ref().is_some_and(|mask| !mask.get(i))
    }

    /// Whether the column is an imported one that export will hand back without copying.
    pub fn is_foreign(&self) -> bool {
        matches!(self.origin, Origin::Foreign(_))
    }

    /// The stored values of a fixed-width column whose values are `T` (`i64` for Int64 and
    /// timestamps, `i32` for Int32 and Date32, `f64` for Float64, ...). Null rows hold
    /// unspecified values: check [`Column::is_null`] or use the `to_*_vec` readers.
    pub fn values<T: NativeType>(&self) -> Result<&[T]> {
        match &self.values {
            Values::Fixed(bytes) if T::stores(&self.dtype) => bytes
                .typed::<T>()
                .ok_or_else(|| self.error("values buffer is misaligned")),
            _ => Err(self.error(format!(
                "is {}; reading {} values needs a column of type {}",
                self.dtype,
                std::any::type_name::<T>(),
                T::dtype()
            ))),
        }
    }

    /// The values of a Float64 column without nulls; `None` for any other column.
    pub fn f64_values(&self) -> Option<&[f64]> {
        self.values_without_nulls()
    }

    /// The values of an Int64 column without nulls; `None` for any other column.
    pub fn i64_values(&self) -> Option<&[i64]> {
        self.values_without_nulls()
    }

    fn values_without_nulls<T: NativeType>(&self) -> Option<&[T]> {
        if self.null_count > 0 || self.dtype != T::dtype() {
            return None;
        }
        self.values::<T>().ok()
    }

    /// Any integer or float column as f64 (`None` for nulls).
    pub fn to_f64_vec(&self) -> Result<Vec<Option<f64>>> {
        macro_rules! convert {
            ($($dtype:ident => $t:ty),*) => {
                match self.dtype {
                    $(DataType::$dtype => self.collect(|v: $t| v.to_f64()),)*
                    _ => Err(self.error(format!("is {}, not numeric", self.dtype))),
                }
            };
        }
        convert!(Int8 => i8, Int16 => i16, Int32 => i32, Int64 => i64, UInt8 => u8,
            UInt16 => u16, UInt32 => u32, UInt64 => u64, Float32 => f32, Float64 => f64)
    }

    /// Any integer column as i64 (`None` for nulls); a UInt64 value above `i64::MAX` is an
    /// error.
    pub fn to_i64_vec(&self) -> Result<Vec<Option<i64>>> {
        macro_rules! convert {
            ($($dtype:ident => $t:ty),*) => {
                match self.dtype {
                    $(DataType::$dtype => self.collect(|v: $t| i64::from(v)),)*
                    DataType::UInt64 => {
                        let values = self.collect(|v: u64| i64::try_from(v).ok())?;
                        values
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| match v {
                                Some(None) => Err(self.error(format!(
                                    "row {i}: value does not fit in i64"
                                ))),
                                v => Ok(v.flatten()),
                            })
                            .collect()
                    }
                    _ => Err(self.error(format!("is {}, not an integer column", self.dtype))),
                }
            };
        }
        convert!(Int8 => i8, Int16 => i16, Int32 => i32, Int64 => i64, UInt8 => u8,
            UInt16 => u16, UInt32 => u32)
    }

    fn collect<T: NativeType, U>(&self, f: impl Fn(T) -> U) -> Result<Vec<Option<U>>> {
        let values = self.values::<T>()?;
        Ok(match &self.validity {
            None => values.iter().map(|v| Some(f(*v))).collect(),
            Some(mask) => values
                .iter()
                .enumerate()
                .map(|(i, v)| mask.get(i).then(|| f(*v)))
                .collect(),
        })
    }

    /// Row `i` of a Boolean column (`None` for a null, or past the end).
    pub fn bool_value(&self, i: usize) -> Option<bool> {
        match &self.values {
            Values::Bits(bits) if i < self.len && !self.is_null(i) => Some(bits.get(i)),
            _ => None,
        }
    }

    /// A Boolean column's rows (`None` for nulls).
    pub fn to_bool_vec(&self) -> Result<Vec<Option<bool>>> {
        match &self.values {
            Values::Bits(bits) => Ok((0..self.len)
                .map(|i| (!self.is_null(i)).then(|| bits.get(i)))
                .collect()),
            _ => Err(self.error(format!("is {}, not Boolean", self.dtype))),
        }
    }

    /// `context: message`, where context names the column when it has a name.
    pub(crate) fn error(&self, message: impl fmt::Display) -> Error {
        match &self.label {
            Some(name) => Error::new(format!("column `{name}`: {message}")),
            None => Error::new(format!("column: {message}")),
        }
    }
}

impl fmt::Debug for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Column")
            .field("dtype", &self.dtype)
            .field("len", &self.len)
            .field("null_count", &self.null_count)
            .field("foreign", &self.is_foreign())
            .finish_non_exhaustive()
    }
}
