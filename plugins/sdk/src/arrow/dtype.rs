//! Arrow format strings and the types the layer reads.
//!
//! The C Data Interface names a column's type by a short format string (`g`, `U`, `tsu:UTC`).
//! [`DataType`] is that string parsed: the types the layer reads with typed accessors, and
//! [`DataType::Other`] for everything else, which still imports, keeps its format and passes
//! through unchanged.

use std::fmt;

/// The resolution of a timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl TimeUnit {
    fn letter(self) -> char {
        match self {
            TimeUnit::Second => 's',
            TimeUnit::Millisecond => 'm',
            TimeUnit::Microsecond => 'u',
            TimeUnit::Nanosecond => 'n',
        }
    }
}

/// A column's type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    /// `u`: strings with i32 offsets.
    Utf8,
    /// `U`: strings with i64 offsets (what the SDK exports).
    LargeUtf8,
    /// `vu`: 16-byte string views.
    Utf8View,
    /// `tdD`: days since the epoch, i32.
    Date32,
    /// `ts?:tz`: i64 since the epoch in `unit`, with an optional time zone.
    Timestamp(TimeUnit, Option<String>),
    /// Any other Arrow type (dictionary, nested, decimal, ...), by its format string. It
    /// imports and passes through unchanged; typed access on it is an error.
    Other(String),
}

impl DataType {
    /// Parses a format string. Never fails: what the layer does not read is `Other`.
    pub fn from_format(format: &str) -> DataType {
        match format {
            "b" => DataType::Boolean,
            "c" => DataType::Int8,
            "s" => DataType::Int16,
            "i" => DataType::Int32,
            "l" => DataType::Int64,
            "C" => DataType::UInt8,
            "S" => DataType::UInt16,
            "I" => DataType::UInt32,
            "L" => DataType::UInt64,
            "f" => DataType::Float32,
            "g" => DataType::Float64,
            "u" => DataType::Utf8,
            "U" => DataType::LargeUtf8,
            "vu" => DataType::Utf8View,
            "tdD" => DataType::Date32,
            _ => parse_timestamp(format).unwrap_or_else(|| DataType::Other(format.to_owned())),
        }
    }

    /// The format string the C Data Interface uses for this type.
    pub fn format(&self) -> String {
        let fixed = match self {
            DataType::Boolean => "b",
            DataType::Int8 => "c",
            DataType::Int16 => "s",
            DataType::Int32 => "i",
            DataType::Int64 => "l",
            DataType::UInt8 => "C",
            DataType::UInt16 => "S",
            DataType::UInt32 => "I",
            DataType::UInt64 => "L",
            DataType::Float32 => "f",
            DataType::Float64 => "g",
            DataType::Utf8 => "u",
            DataType::LargeUtf8 => "U",
            DataType::Utf8View => "vu",
            DataType::Date32 => "tdD",
            DataType::Timestamp(unit, tz) => {
                return format!("ts{}:{}", unit.letter(), tz.as_deref().unwrap_or(""))
            }
            DataType::Other(format) => return format.clone(),
        };
        fixed.to_owned()
    }

    /// Integers and floats (not booleans, dates or timestamps).
    pub fn is_numeric(&self) -> bool {
        self.is_integer() || matches!(self, DataType::Float32 | DataType::Float64)
    }

    /// Signed and unsigned integers.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::UInt8
                | DataType::UInt16
                | DataType::UInt32
                | DataType::UInt64
        )
    }

    /// `u`, `U` and `vu`.
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
    }

    /// The byte width of one value of a fixed-width type (`None` for booleans, which are
    /// bits, strings and `Other`).
    pub(crate) fn width(&self) -> Option<usize> {
        Some(match self {
            DataType::Int8 | DataType::UInt8 => 1,
            DataType::Int16 | DataType::UInt16 => 2,
            DataType::Int32 | DataType::UInt32 | DataType::Float32 | DataType::Date32 => 4,
            DataType::Int64 | DataType::UInt64 | DataType::Float64 | DataType::Timestamp(..) => 8,
            _ => return None,
        })
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            DataType::Boolean => "Boolean",
            DataType::Int8 => "Int8",
            DataType::Int16 => "Int16",
            DataType::Int32 => "Int32",
            DataType::Int64 => "Int64",
            DataType::UInt8 => "UInt8",
            DataType::UInt16 => "UInt16",
            DataType::UInt32 => "UInt32",
            DataType::UInt64 => "UInt64",
            DataType::Float32 => "Float32",
            DataType::Float64 => "Float64",
            DataType::Utf8 => "Utf8",
            DataType::LargeUtf8 => "LargeUtf8",
            DataType::Utf8View => "Utf8View",
            DataType::Date32 => "Date32",
            DataType::Timestamp(..) => return write!(f, "Timestamp (`{}`)", self.format()),
            DataType::Other(format) => return write!(f, "Arrow format `{format}`"),
        };
        f.write_str(name)
    }
}

fn parse_timestamp(format: &str) -> Option<DataType> {
    let rest = format.strip_prefix("ts")?;
    let mut chars = rest.chars();
    let unit = match chars.next()? {
        's' => TimeUnit::Second,
        'm' => TimeUnit::Millisecond,
        'u' => TimeUnit::Microsecond,
        'n' => TimeUnit::Nanosecond,
        _ => return None,
    };
    let tz = chars.as_str().strip_prefix(':')?;
    Some(DataType::Timestamp(
        unit,
        (!tz.is_empty()).then(|| tz.to_owned()),
    ))
}

/// A fixed-width value type the layer reads as a slice (`values::<T>()`).
///
/// Sealed: implemented only for the primitive integers and floats, types for which every bit
/// pattern is a valid value, which is what lets a foreign buffer be read as `&[T]`.
pub trait NativeType: Copy + Send + Sync + 'static + sealed::Sealed {
    /// Whether a column of `dtype` stores its values as `Self`.
    fn stores(dtype: &DataType) -> bool;
    /// The value as f64 (exact for every integer below 2^53).
    fn to_f64(self) -> f64;
    /// The type of a column built from `Vec<Self>`.
    fn dtype() -> DataType;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! native {
    ($($t:ty => $dtype:ident $(| $also:pat)?),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl NativeType for $t {
            fn stores(dtype: &DataType) -> bool {
                matches!(dtype, DataType::$dtype $(| $also)?)
            }
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn dtype() -> DataType {
                DataType::$dtype
            }
        }
    )*};
}

native! {
    i8 => Int8,
    i16 => Int16,
    i32 => Int32 | DataType::Date32,
    i64 => Int64 | DataType::Timestamp(..),
    u8 => UInt8,
    u16 => UInt16,
    u32 => UInt32,
    u64 => UInt64,
    f32 => Float32,
    f64 => Float64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        for format in [
            "b",
            "c",
            "s",
            "i",
            "l",
            "C",
            "S",
            "I",
            "L",
            "f",
            "g",
            "u",
            "U",
            "vu",
            "tdD",
            "tss:",
            "tsm:",
            "tsu:UTC",
            "tsn:Europe/Paris",
        ] {
            let dtype = DataType::from_format(format);
            assert!(!matches!(dtype, DataType::Other(_)), "{format}");
            assert_eq!(dtype.format(), format);
        }
    }

    #[test]
    fn unknown_formats_are_other() {
        for format in ["+l", "d:10,2", "tdm", "tsx:", "ts", "tsu", "z", "vz", "+s"] {
            assert_eq!(
                DataType::from_format(format),
                DataType::Other(format.into())
            );
        }
    }

    #[test]
    fn timestamp_time_zone() {
        assert_eq!(
            DataType::from_format("tsu:UTC"),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(
            DataType::from_format("tsn:"),
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        );
    }
}
