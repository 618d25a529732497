//! `Frame` <-> polars `DataFrame` (feature `polars`), without copying.
//!
//! Both directions go through the Arrow C Data Interface, which the SDK and polars-arrow both
//! speak: a frame exports to polars as a struct array whose buffers polars then views, and a
//! `DataFrame` exports its (rechunked) columns to the SDK the same way. Release callbacks keep
//! each side's memory alive as long as the other uses it. The two crates' `ArrowSchema` and
//! `ArrowArray` are the same `repr(C)` structs (polars-arrow's fields are private), so a value
//! moves from one to the other with `transmute`; the sizes are asserted at compile time.
//!
//! Copies happen only where polars needs another layout: a multi-chunk column is rechunked,
//! and the SDK's `large_utf8` strings become polars string views.

use std::mem::{align_of, size_of, transmute};

use aimass_plugin_api as api;
use polars::prelude::{CompatLevel, DataFrame, IntoColumn, Series};
use polars_arrow::array::StructArray;
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::ffi;

use crate::arrow::Frame;
use crate::error::{Error, Result};

const _: () = assert!(size_of::<api::ArrowSchema>() == size_of::<ffi::ArrowSchema>());
const _: () = assert!(align_of::<api::ArrowSchema>() == align_of::<ffi::ArrowSchema>());
const _: () = assert!(size_of::<api::ArrowArray>() == size_of::<ffi::ArrowArray>());
const _: () = assert!(align_of::<api::ArrowArray>() == align_of::<ffi::ArrowArray>());

impl Frame {
    /// The frame as a polars `DataFrame`, sharing its buffers (imported columns included).
    /// A column polars cannot read (a type its enabled features leave out) is an error.
    pub fn to_polars(self) -> Result<DataFrame> {
        let height = self.len();
        if self.width() == 0 {
            return DataFrame::new(height, Vec::new()).map_err(polars_error);
        }
        let api::Frame { schema, array } = self.into_ffi();
        // SAFETY: both are the C Data Interface structs, repr(C) with the same fields in the
        // same order (sizes and alignments asserted above); polars-arrow's Drop releases them.
        let (schema, array) = unsafe {
            (
                transmute::<api::ArrowSchema, ffi::ArrowSchema>(schema),
                transmute::<api::ArrowArray, ffi::ArrowArray>(array),
            )
        };
        // SAFETY: the SDK just exported both, valid per the C Data Interface.
        let field = unsafe { ffi::import_field_from_c(&schema) }.map_err(polars_error)?;
        // SAFETY: as above; `field.dtype` is the array's own type.
        let imported = unsafe { ffi::import_array_from_c(array, field.dtype.clone()) }
            .map_err(polars_error)?;
        let batch = imported
            .as_any()
            .downcast_ref::<StructArray>()
            .ok_or_else(|| Error::new("polars did not import the frame as a struct"))?;
        let columns = batch
            .fields()
            .iter()
            .zip(batch.values())
            .map(|(field, values)| {
                Series::from_arrow(field.name.clone(), values.clone())
                    .map(IntoColumn::into_column)
                    .map_err(|e| polars_error(e).context(format!("column `{}`", field.name)))
            })
            .collect::<Result<Vec<_>>>()?;
        DataFrame::new(height, columns).map_err(polars_error)
    }

    /// A frame sharing the `DataFrame`'s buffers (a column in several chunks is rechunked
    /// first). Column types the SDK does not read pass through as opaque columns.
    pub fn from_polars(frame: &DataFrame) -> Result<Frame> {
        let height = frame.height();
        let mut fields = Vec::with_capacity(frame.width());
        let mut arrays = Vec::with_capacity(frame.width());
        for column in frame.columns() {
            let series = column.as_materialized_series().rechunk();
            if series.n_chunks() != 1 {
                return Err(Error::new(format!(
                    "column `{}` has {} chunks after rechunking",
                    series.name(),
                    series.n_chunks()
                )));
            }
            let values = series.to_arrow(0, CompatLevel::newest());
            fields.push(Field::new(
                series.name().clone(),
                values.dtype().clone(),
                true,
            ));
            arrays.push(values);
        }
        if fields.is_empty() {
            return Ok(Frame::with_len(height));
        }
        let dtype = ArrowDataType::Struct(fields);
        let batch =
            StructArray::try_new(dtype.clone(), height, arrays, None).map_err(polars_error)?;
        let schema = ffi::export_field_to_c(&Field::new("".into(), dtype, false));
        let array = ffi::export_array_to_c(Box::new(batch));
        // SAFETY: the same structs in the other direction (see `to_polars`); from here on the
        // SDK owns them and calls their release callbacks.
        let (schema, array) = unsafe {
            (
                transmute::<ffi::ArrowSchema, api::ArrowSchema>(schema),
                transmute::<ffi::ArrowArray, api::ArrowArray>(array),
            )
        };
        // SAFETY: polars-arrow exported both per the C Data Interface.
        unsafe { Frame::from_ffi(api::Frame { schema, array }) }
    }
}

fn polars_error(error: polars::prelude::PolarsError) -> Error {
    Error::new(format!("polars: {error}"))
}
