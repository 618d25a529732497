//! Frames across the boundary: a polars `DataFrame` as an Arrow C Data Interface record batch
//! (a struct array whose children are the columns), and back.
//!
//! Export is zero-copy for single-chunk columns: the C arrays point into polars' buffers and
//! their release callbacks drop polars' reference. Import validates the foreign structs first
//! ([`crate::validate`]) and only then hands them to polars-arrow, which takes ownership and
//! calls the plugin's release callbacks when the last column referencing them is dropped.

use aimass_plugin_api as api;
use polars::prelude::{Column, CompatLevel, DataFrame, PlSmallStr, Series};
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field};
use polars_arrow::ffi;

use crate::validate::{self, Invalid};

/// How strings are exported: `large_utf8` unless the plugin reads string views.
pub fn compat_for(flags: u32) -> CompatLevel {
    if flags & api::FLAG_STRING_VIEWS != 0 {
        CompatLevel::newest()
    } else {
        CompatLevel::oldest()
    }
}

fn to_api_schema(s: ffi::ArrowSchema) -> api::ArrowSchema {
    const _: () =
        assert!(std::mem::size_of::<ffi::ArrowSchema>() == std::mem::size_of::<api::ArrowSchema>());
    // SAFETY: both are `#[repr(C)]` definitions of the Arrow C Data Interface's ArrowSchema,
    // field for field (the api crate's header test pins its layout to the specification's);
    // the sizes are asserted equal above. Ownership moves with the value.
    unsafe { std::mem::transmute::<ffi::ArrowSchema, api::ArrowSchema>(s) }
}

fn to_api_array(a: ffi::ArrowArray) -> api::ArrowArray {
    const _: () =
        assert!(std::mem::size_of::<ffi::ArrowArray>() == std::mem::size_of::<api::ArrowArray>());
    // SAFETY: as in `to_api_schema`, for ArrowArray.
    unsafe { std::mem::transmute::<ffi::ArrowArray, api::ArrowArray>(a) }
}

fn from_api_schema(s: api::ArrowSchema) -> ffi::ArrowSchema {
    // SAFETY: as in `to_api_schema`, the other way.
    unsafe { std::mem::transmute::<api::ArrowSchema, ffi::ArrowSchema>(s) }
}

fn from_api_array(a: api::ArrowArray) -> ffi::ArrowArray {
    // SAFETY: as in `to_api_schema`, the other way.
    unsafe { std::mem::transmute::<api::ArrowArray, ffi::ArrowArray>(a) }
}

/// Exports `df` as a record batch. Columns of several chunks are rechunked (copied) first:
/// a record batch holds one array per column.
pub fn export(df: &DataFrame, compat: CompatLevel) -> Result<api::Frame, String> {
    let mut fields = Vec::with_capacity(df.width());
    let mut arrays: Vec<Box<dyn Array>> = Vec::with_capacity(df.width());
    for col in df.columns() {
        let series = col.as_materialized_series().rechunk();
        let array = series.to_arrow(0, compat);
        fields.push(Field::new(col.name().clone(), array.dtype().clone(), true));
        arrays.push(array);
    }
    let dtype = ArrowDataType::Struct(fields);
    let batch = StructArray::try_new(dtype.clone(), df.height(), arrays, None)
        .map_err(|e| format!("cannot export the frame: {e}"))?;
    let schema = ffi::export_field_to_c(&Field::new(PlSmallStr::EMPTY, dtype, false));
    let array = ffi::export_array_to_c(Box::new(batch));
    Ok(api::Frame {
        schema: to_api_schema(schema),
        array: to_api_array(array),
    })
}

/// Releases whatever a frame still owns (an unused or rejected output).
pub fn release(frame: &mut api::Frame) {
    if let Some(release) = frame.array.release {
        // SAFETY: the Arrow specification: a consumer releases an array it will not use by
        // calling its own release callback once; the callback marks it released.
        unsafe { release(&mut frame.array) };
        frame.array.release = None;
    }
    if let Some(release) = frame.schema.release {
        // SAFETY: as above, for the schema.
        unsafe { release(&mut frame.schema) };
        frame.schema.release = None;
    }
}

/// Imports a record batch a plugin produced: checked, then owned by polars.
pub fn import(mut frame: api::Frame) -> Result<DataFrame, Invalid> {
    // SAFETY: the frame came from the plugin through the ABI, which makes it a (possibly
    // wrong) Arrow C struct; `check` reads only what the specification says is there, in an
    // order that never follows a pointer it has not checked.
    if let Err(e) = unsafe { validate::check(&frame) } {
        release(&mut frame);
        return Err(e);
    }
    let schema = from_api_schema(std::mem::replace(
        &mut frame.schema,
        api::ArrowSchema::empty(),
    ));
    let array = from_api_array(std::mem::replace(
        &mut frame.array,
        api::ArrowArray::empty(),
    ));
    // SAFETY: the schema was validated above; polars reads it without taking ownership, and
    // its `ArrowSchema` drop calls the release callback.
    let field = unsafe { ffi::import_field_from_c(&schema) }
        .map_err(|e| Invalid::new(format!("its schema cannot be read: {e}")))?;
    drop(schema);
    // SAFETY: the array was validated against the schema above; polars takes ownership and
    // calls its release callback when the last column referencing it is dropped.
    let imported = unsafe { ffi::import_array_from_c(array, field.dtype.clone()) }
        .map_err(|e| Invalid::new(format!("its arrays cannot be read: {e}")))?;
    let Some(batch) = imported.as_any().downcast_ref::<StructArray>() else {
        return Err(Invalid::new("it is not a record batch (a struct array)"));
    };
    let ArrowDataType::Struct(fields) = batch.dtype().to_storage() else {
        return Err(Invalid::new("it is not a record batch (a struct array)"));
    };
    let mut columns = Vec::with_capacity(fields.len());
    for (f, values) in fields.iter().zip(batch.values()) {
        // A child may be longer than the batch (validate checks it is not shorter).
        let values = if values.len() == batch.len() {
            values.clone()
        } else {
            values.sliced(0, batch.len())
        };
        let series = Series::from_arrow(f.name.clone(), values)
            .map_err(|e| Invalid::new(format!("column `{}` cannot be read: {e}", f.name)))?;
        columns.push(Column::from(series));
    }
    DataFrame::new(batch.len(), columns)
        .map_err(|e| Invalid::new(format!("its columns do not form a frame: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn sample() -> DataFrame {
        df! {
            "id" => [1i64, 2, 3],
            "amount" => [Some(1.5f64), None, Some(-2.0)],
            "name" => [Some("a"), Some("bé"), None],
            "flag" => [true, false, true],
        }
        .unwrap()
    }

    #[test]
    fn frames_round_trip_at_both_compat_levels() {
        for compat in [CompatLevel::oldest(), CompatLevel::newest()] {
            let df = sample();
            let frame = export(&df, compat).unwrap();
            let back = import(frame).unwrap();
            assert!(back.equals_missing(&df), "{back}");
        }
    }

    #[test]
    fn oldest_compat_exports_large_utf8() {
        let mut frame = export(&sample(), CompatLevel::oldest()).unwrap();
        // SAFETY: a frame we just exported: valid children.
        let format = unsafe {
            let child = &**frame.schema.children.add(2);
            std::ffi::CStr::from_ptr(child.format)
                .to_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(format, "U");
        release(&mut frame);
    }
}
