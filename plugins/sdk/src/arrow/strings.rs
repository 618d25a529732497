//! Reading string columns (`u`, `U`, `vu`) in place.
//!
//! Import checks a string column's structure in O(1); the O(rows) checks (offsets monotonic,
//! views inside their buffers, values valid UTF-8) run here, once per column, on its first
//! string read. A column that is only passed through is therefore never scanned, which is
//! what keeps an identity transform as cheap as a built-in one.

use super::column::{Column, Values};
use super::dtype::DataType;
use super::memory::Bytes;
use crate::error::Result;

/// Row access to a string column, from [`Column::strs`].
#[derive(Clone, Copy)]
pub struct Strs<'a> {
    column: &'a Column,
}

impl Column {
    /// The rows of a string column (`u`, `U` or `vu`); an error for any other type, or when
    /// the column's offsets, views or UTF-8 are malformed.
    pub fn strs(&self) -> Result<Strs<'_>> {
        if !self.dtype.is_string() {
            return Err(self.error(format!("is {}, not a string column", self.dtype)));
        }
        self.strings_checked
            .get_or_init(|| check(self))
            .clone()
            .map(|()| Strs { column: self })
    }

    /// Row `i` of a string column: `None` for a null, past the end, or when the column is
    /// not a (well-formed) string column. Use [`Column::strs`] to tell these apart.
    pub fn str_value(&self, i: usize) -> Option<&str> {
        self.strs().ok()?.get(i)
    }

    /// A string column's rows as owned strings (`None` for nulls).
    pub fn to_string_vec(&self) -> Result<Vec<Option<String>>> {
        Ok(self.strs()?.iter().map(|s| s.map(str::to_owned)).collect())
    }
}

impl<'a> Strs<'a> {
    pub fn len(&self) -> usize {
        self.column.len
    }

    pub fn is_empty(&self) -> bool {
        self.column.len == 0
    }

    /// Row `i`: `None` for a null or past the end.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        if i >= self.column.len || self.column.is_null(i) {
            return None;
        }
        // Checked on creation: the bytes exist and are UTF-8.
        std::str::from_utf8(raw(self.column, i)?).ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&'a str>> + 'a {
        let strs = *self;
        (0..strs.len()).map(move |i| strs.get(i))
    }
}

impl<'a> IntoIterator for Strs<'a> {
    type Item = Option<&'a str>;
    type IntoIter = Box<dyn Iterator<Item = Option<&'a str>> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// The bytes of row `i`, `None` when they lie outside the buffers.
fn raw(column: &Column, i: usize) -> Option<&[u8]> {
    match &column.values {
        Values::Offsets { offsets, data } => {
            let (start, end) = if column.dtype == DataType::Utf8 {
                let offsets = offsets.typed::<i32>()?;
                (
                    usize::try_from(offsets[i]).ok()?,
                    usize::try_from(offsets[i + 1]).ok()?,
                )
            } else {
                let offsets = offsets.typed::<i64>()?;
                (
                    usize::try_from(offsets[i]).ok()?,
                    usize::try_from(offsets[i + 1]).ok()?,
                )
            };
            data.as_slice().get(start..end)
        }
        Values::Views { views, buffers } => {
            let view = views.as_slice().get(i * 16..i * 16 + 16)?;
            view_bytes(view, buffers)
        }
        _ => None,
    }
}

fn view_bytes<'a>(view: &'a [u8], buffers: &'a [Bytes]) -> Option<&'a [u8]> {
    let word = |at: usize| -> Option<i32> {
        Some(i32::from_ne_bytes(view.get(at..at + 4)?.try_into().ok()?))
    };
    let len = usize::try_from(word(0)?).ok()?;
    if len <= 12 {
        return view.get(4..4 + len);
    }
    let buffer = buffers.get(usize::try_from(word(8)?).ok()?)?;
    let offset = usize::try_from(word(12)?).ok()?;
    buffer.as_slice().get(offset..offset.checked_add(len)?)
}

/// The O(rows) checks: every non-null row's bytes exist and are UTF-8, and offsets never
/// decrease.
fn check(column: &Column) -> Result<()> {
    if let Values::Offsets { offsets, .. } = &column.values {
        let monotonic = if column.dtype == DataType::Utf8 {
            offsets
                .typed::<i32>()
                .is_some_and(|o| o.windows(2).all(|w| w[0] <= w[1]))
        } else {
            offsets
                .typed::<i64>()
                .is_some_and(|o| o.windows(2).all(|w| w[0] <= w[1]))
        };
        if !monotonic {
            return Err(column.error("string offsets decrease"));
        }
    }
    for i in 0..column.len {
        if column.is_null(i) {
            continue;
        }
        let bytes = raw(column, i).ok_or_else(|| match column.values {
            Values::Views { .. } => column.error(format!(
                "row {i}: string view points outside its data buffers"
            )),
            _ => column.error(format!("row {i}: string offsets outside the data")),
        })?;
        if std::str::from_utf8(bytes).is_err() {
            return Err(column.error(format!("row {i}: string is not valid UTF-8")));
        }
    }
    Ok(())
}
