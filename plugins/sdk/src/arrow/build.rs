//! Building output columns from Rust values.
//!
//! Each constructor moves its `Vec` into the column (no copy for the non-null variants) and
//! produces the layout the host reads best: strings as `large_utf8` (`U`), the format every
//! host reads whether or not it reads views.

use super::bitmap::Bitmap;
use super::column::{Column, Values};
use super::dtype::{DataType, NativeType, TimeUnit};
use super::memory::Bytes;

impl Column {
    /// A Float64 column without nulls.
    pub fn from_f64(values: Vec<f64>) -> Column {
        Column::from_native(values)
    }

    /// A Float64 column; `None` is null.
    pub fn from_opt_f64(values: Vec<Option<f64>>) -> Column {
        Column::from_opt_native(values)
    }

    /// An Int64 column without nulls.
    pub fn from_i64(values: Vec<i64>) -> Column {
        Column::from_native(values)
    }

    /// An Int64 column; `None` is null.
    pub fn from_opt_i64(values: Vec<Option<i64>>) -> Column {
        Column::from_opt_native(values)
    }

    /// A column of any fixed-width type (`Vec<i32>` gives Int32, `Vec<u8>` UInt8, ...).
    pub fn from_native<T: NativeType>(values: Vec<T>) -> Column {
        Column::fixed(T::dtype(), values, None)
    }

    /// As [`Column::from_native`], with nulls.
    pub fn from_opt_native<T: NativeType + Default>(values: Vec<Option<T>>) -> Column {
        let (values, mask) = split(values);
        Column::fixed(T::dtype(), values, Some(mask))
    }

    /// A Date32 column: days since 1970-01-01; `None` is null.
    pub fn from_dates(days: Vec<Option<i32>>) -> Column {
        let (values, mask) = split(days);
        Column::fixed(DataType::Date32, values, Some(mask))
    }

    /// A timestamp column: `unit`s since the epoch, in time zone `tz` (none: naive).
    pub fn from_timestamps(values: Vec<Option<i64>>, unit: TimeUnit, tz: Option<&str>) -> Column {
        let (values, mask) = split(values);
        let dtype = DataType::Timestamp(unit, tz.map(str::to_owned));
        Column::fixed(dtype, values, Some(mask))
    }

    /// A Boolean column without nulls.
    pub fn from_bool(values: impl IntoIterator<Item = bool>) -> Column {
        let bits = Bitmap::from_bools(values);
        Column::new_native(DataType::Boolean, bits.len(), None, Values::Bits(bits))
    }

    /// A Boolean column; `None` is null.
    pub fn from_opt_bool(values: impl IntoIterator<Item = Option<bool>>) -> Column {
        let values: Vec<Option<bool>> = values.into_iter().collect();
        let bits = Bitmap::from_bools(values.iter().map(|v| v.unwrap_or(false)));
        let mask = Bitmap::from_bools(values.iter().map(Option::is_some));
        Column::new_native(
            DataType::Boolean,
            bits.len(),
            Some(mask),
            Values::Bits(bits),
        )
    }

    /// A string column (exported as `large_utf8`) without nulls.
    pub fn from_strings(values: impl IntoIterator<Item = impl AsRef<str>>) -> Column {
        Column::from_opt_strings(values.into_iter().map(Some))
    }

    /// A string column (exported as `large_utf8`); `None` is null.
    pub fn from_opt_strings(values: impl IntoIterator<Item = Option<impl AsRef<str>>>) -> Column {
        let mut offsets = vec![0i64];
        let mut data = Vec::new();
        let mut valid = Vec::new();
        for value in values {
            if let Some(value) = &value {
                data.extend_from_slice(value.as_ref().as_bytes());
            }
            valid.push(value.is_some());
            // A Vec never holds more than isize::MAX bytes, so its length fits in i64.
            offsets.push(i64::try_from(data.len()).unwrap_or(i64::MAX));
        }
        let len = valid.len();
        let values = Values::Offsets {
            offsets: Bytes::from_vec(offsets),
            data: Bytes::from_vec(data),
        };
        let column = Column::new_native(
            DataType::LargeUtf8,
            len,
            Some(Bitmap::from_bools(valid)),
            values,
        );
        // Built from &str: offsets increase and every value is UTF-8 by construction.
        let _ = column.strings_checked.set(Ok(()));
        column
    }

    fn fixed<T: NativeType>(dtype: DataType, values: Vec<T>, mask: Option<Bitmap>) -> Column {
        let len = values.len();
        Column::new_native(dtype, len, mask, Values::Fixed(Bytes::from_vec(values)))
    }
}

fn split<T: Default + Copy>(values: Vec<Option<T>>) -> (Vec<T>, Bitmap) {
    let mask = Bitmap::from_bools(values.iter().map(Option::is_some));
    let values = values.into_iter().map(Option::unwrap_or_default).collect();
    (values, mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_read_back() {
        let floats = Column::from_opt_f64(vec![Some(1.0), None, Some(3.0)]);
        assert_eq!(floats.null_count(), 1);
        assert!(floats.is_null(1));
        assert_eq!(floats.f64_values(), None);
        assert_eq!(floats.to_f64_vec(), Ok(vec![Some(1.0), None, Some(3.0)]));

        let dense = Column::from_opt_i64(vec![Some(4), Some(5)]);
        assert_eq!(dense.null_count(), 0);
        assert_eq!(dense.i64_values(), Some(&[4, 5][..]));

        let bools = Column::from_opt_bool([Some(true), None, Some(false)]);
        assert_eq!(bools.to_bool_vec(), Ok(vec![Some(true), None, Some(false)]));

        let strings = Column::from_opt_strings([Some("a"), None, Some("ccc"), Some("")]);
        assert_eq!(strings.dtype(), &DataType::LargeUtf8);
        assert_eq!(strings.str_value(2), Some("ccc"));
        assert_eq!(strings.str_value(1), None);
        assert_eq!(strings.str_value(3), Some(""));
        assert_eq!(strings.str_value(9), None);
    }

    #[test]
    fn wrong_type_errors_name_the_type() {
        let strings = Column::from_strings(["x"]);
        let error = strings.to_f64_vec().expect_err("not numeric");
        assert!(error.message().contains("LargeUtf8"), "{error}");
        let error = Column::from_f64(vec![1.0])
            .values::<i64>()
            .expect_err("not i64");
        assert!(error.message().contains("Float64"), "{error}");
        assert!(Column::from_bool([true]).strs().is_err());
    }
}
