//! Checks a record batch a plugin produced before polars reads it.
//!
//! polars-arrow's import trusts the C structs completely; a plugin with a bug (a wrong buffer
//! count, a null pointer, offsets that run backwards) would make it read out of bounds. These
//! checks turn every such mistake that the C Data Interface lets us see into an error naming
//! the column. What the interface cannot show (a buffer shorter than its length implies) stays
//! the plugin's responsibility; `--isolate-plugins` contains the damage of such a plugin.

use std::ffi::{c_char, CStr};

use aimass_plugin_api as api;

/// Why a plugin's frame was refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Invalid(message.into())
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Arrow formats a column of an aimass frame may have.
const ACCEPTED: &str = "b (bool), c s i l (int8..64), C S I L (uint8..64), f g (float32/64), \
                        u U vu (strings), tdD (date32), ts?:tz (timestamps)";

/// The buffers a flat column of `format` has, or `None` when aimass does not take it.
/// String views have a variable count: returned as the minimum.
fn buffers_for(format: &str) -> Option<Layout> {
    Some(match format {
        "b" | "c" | "s" | "i" | "l" | "C" | "S" | "I" | "L" | "f" | "g" | "tdD" => Layout::Fixed,
        "u" => Layout::Offsets32,
        "U" => Layout::Offsets64,
        "vu" => Layout::Views,
        f if f.starts_with("ts")
            && f.len() >= 4
            && f.as_bytes()[3] == b':'
            && "smun".contains(&f[2..3]) =>
        {
            Layout::Fixed
        }
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Fixed,
    Offsets32,
    Offsets64,
    Views,
}

/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn text(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's contract.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .ok()
        .map(str::to_string)
}

/// Checks `frame`: a struct array of flat columns whose structure is consistent.
///
/// # Safety
/// `frame` holds Arrow C structs as the ABI defines them: every non-null pointer points where
/// the specification says it does.
pub unsafe fn check(frame: &api::Frame) -> Result<(), Invalid> {
    let (s, a) = (&frame.schema, &frame.array);
    if s.release.is_none() || a.release.is_none() {
        return Err(Invalid::new(
            "the frame is empty (released, or never filled)",
        ));
    }
    // SAFETY: a live schema's format is a NUL-terminated string.
    let format = unsafe { text(s.format) }.unwrap_or_default();
    if format != "+s" {
        return Err(Invalid::new(format!(
            "it is not a record batch: a frame is a struct array (format `+s`), not `{format}`"
        )));
    }
    if s.n_children != a.n_children || s.n_children < 0 {
        return Err(Invalid::new(format!(
            "its schema has {} columns but its array has {}",
            s.n_children, a.n_children
        )));
    }
    if a.length < 0 || a.offset != 0 {
        return Err(Invalid::new(
            "a record batch must start at offset 0 with a length of at least 0",
        ));
    }
    if a.null_count != 0 && a.null_count != -1 {
        return Err(Invalid::new(
            "a record batch has no null rows (its struct null_count must be 0)",
        ));
    }
    let n = usize::try_from(s.n_children).unwrap_or(0);
    if n > 0 && (s.children.is_null() || a.children.is_null()) {
        return Err(Invalid::new(
            "it declares columns but its children pointers are null",
        ));
    }
    let mut names = std::collections::BTreeSet::new();
    for i in 0..n {
        // SAFETY: `children` holds `n_children` pointers (checked non-null above).
        let (cs, ca) = unsafe { (*s.children.add(i), *a.children.add(i)) };
        if cs.is_null() || ca.is_null() {
            return Err(Invalid::new(format!("column {i} is a null pointer")));
        }
        // SAFETY: non-null child pointers of live structs point at live structs.
        let (cs, ca) = unsafe { (&*cs, &*ca) };
        // SAFETY: a live schema's name is null or a NUL-terminated string.
        let name = unsafe { text(cs.name) }.ok_or_else(|| {
            Invalid::new(format!(
                "column {i} has no name (or a name that is not UTF-8)"
            ))
        })?;
        if !names.insert(name.clone()) {
            return Err(Invalid::new(format!("two columns are named `{name}`")));
        }
        // SAFETY: as for the struct's format.
        let format = unsafe { text(cs.format) }.unwrap_or_default();
        // SAFETY: the child is a live ArrowArray of that format, per the caller's contract.
        unsafe { check_column(&name, &format, ca, a.length) }?;
    }
    Ok(())
}

/// # Safety
/// `a` is a live ArrowArray.
unsafe fn check_column(
    name: &str,
    format: &str,
    a: &api::ArrowArray,
    rows: i64,
) -> Result<(), Invalid> {
    let bad = |why: String| Invalid::new(format!("column `{name}`: {why}"));
    let layout = buffers_for(format).ok_or_else(|| {
        bad(format!(
            "Arrow type `{format}` is not one an aimass frame takes ({ACCEPTED})"
        ))
    })?;
    if a.release.is_none() {
        return Err(bad("its array is released".into()));
    }
    if a.length < rows || a.offset < 0 {
        return Err(bad(format!("it has {} rows, the frame {rows}", a.length)));
    }
    if a.n_children != 0 || !a.dictionary.is_null() {
        return Err(bad("a flat column has no children or dictionary".into()));
    }
    let expected = match layout {
        Layout::Fixed => 2,
        Layout::Offsets32 | Layout::Offsets64 => 3,
        Layout::Views => 3,
    };
    let count_ok = match layout {
        Layout::Views => a.n_buffers >= expected,
        _ => a.n_buffers == expected,
    };
    if !count_ok || a.buffers.is_null() {
        return Err(bad(format!(
            "type `{format}` has {expected} buffers, the array declares {}",
            a.n_buffers
        )));
    }
    let len = usize::try_from(a.length).unwrap_or(0);
    let offset = usize::try_from(a.offset).unwrap_or(0);
    // SAFETY: `buffers` holds `n_buffers` (>= 2) pointers.
    let (validity, values) = unsafe { (*a.buffers, *a.buffers.add(1)) };
    if validity.is_null() && a.null_count > 0 {
        return Err(bad(format!(
            "it counts {} nulls but has no validity bitmap",
            a.null_count
        )));
    }
    if len > 0 && values.is_null() {
        return Err(bad("its values buffer is null".into()));
    }
    match layout {
        Layout::Offsets32 | Layout::Offsets64 if len > 0 => {
            // SAFETY: string arrays have three buffers (checked above).
            let data = unsafe { *a.buffers.add(2) };
            // SAFETY: an offsets buffer of a string array of this length holds
            // `offset + length + 1` offsets of the layout's width.
            let (first, last, monotonic) = unsafe {
                if layout == Layout::Offsets32 {
                    let o = std::slice::from_raw_parts(values.cast::<i32>().add(offset), len + 1);
                    (
                        i64::from(o[0]),
                        i64::from(o[len]),
                        o.windows(2).all(|w| w[0] <= w[1]),
                    )
                } else {
                    let o = std::slice::from_raw_parts(values.cast::<i64>().add(offset), len + 1);
                    (o[0], o[len], o.windows(2).all(|w| w[0] <= w[1]))
                }
            };
            if first < 0 || !monotonic {
                return Err(bad("its string offsets are negative or decrease".into()));
            }
            if last > first && data.is_null() {
                return Err(bad("its string data buffer is null".into()));
            }
        }
        Layout::Views => {
            let n_data = usize::try_from(a.n_buffers - 3).unwrap_or(0);
            for k in 0..=n_data {
                // SAFETY: `n_buffers` pointers: validity, views, `n_data` data, sizes.
                let b = unsafe { *a.buffers.add(2 + k) };
                if b.is_null() && (k < n_data || n_data > 0) {
                    return Err(bad("a string-view buffer is null".into()));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frames::{export, release};
    use polars::prelude::*;

    fn frame() -> api::Frame {
        let df = df! { "a" => [1i64, 2], "s" => ["x", "yz"] }.unwrap();
        export(&df, CompatLevel::oldest()).unwrap()
    }

    fn check_owned(f: &api::Frame) -> Result<(), Invalid> {
        // SAFETY: frames built by this module's tests from real exports.
        unsafe { check(f) }
    }

    #[test]
    fn an_exported_frame_is_valid() {
        let mut f = frame();
        assert_eq!(check_owned(&f), Ok(()));
        release(&mut f);
        assert!(check_owned(&f).unwrap_err().0.contains("released"));
    }

    #[test]
    fn structural_mistakes_are_named() {
        let mut f = frame();
        f.array.n_children = 1;
        assert!(check_owned(&f)
            .unwrap_err()
            .0
            .contains("schema has 2 columns but its array has 1"));
        f.array.n_children = 2;
        // SAFETY: children of a frame exported above.
        unsafe {
            let child = &mut **f.array.children.add(0);
            child.n_buffers = 3;
        }
        assert!(check_owned(&f)
            .unwrap_err()
            .0
            .contains("column `a`: type `l` has 2 buffers"));
        // SAFETY: as above.
        unsafe {
            let child = &mut **f.array.children.add(0);
            child.n_buffers = 2;
            child.length = 1;
        }
        assert!(check_owned(&f)
            .unwrap_err()
            .0
            .contains("column `a`: it has 1 rows, the frame 2"));
        // SAFETY: as above.
        unsafe {
            (**f.array.children.add(0)).length = 2;
            (**f.array.children.add(0)).null_count = 1;
            let bufs = (**f.array.children.add(0)).buffers;
            let saved = *bufs;
            *bufs = std::ptr::null();
            let e = check_owned(&f).unwrap_err().0;
            *bufs = saved;
            (**f.array.children.add(0)).null_count = 0;
            assert!(e.contains("no validity bitmap"), "{e}");
        }
        assert_eq!(check_owned(&f), Ok(()));
        release(&mut f);
    }

    #[test]
    fn unsupported_types_are_refused_with_the_list() {
        let df =
            df! { "l" => [Series::new("x".into(), [1i64, 2]), Series::new("y".into(), [3i64])] }
                .unwrap();
        let mut f = export(&df, CompatLevel::oldest()).unwrap();
        let e = check_owned(&f).unwrap_err().0;
        assert!(
            e.contains("column `l`: Arrow type `+L` is not one an aimass frame takes"),
            "{e}"
        );
        release(&mut f);
    }

    #[test]
    fn timestamp_formats() {
        assert!(buffers_for("tsu:").is_some());
        assert!(buffers_for("tsn:UTC").is_some());
        assert!(buffers_for("tsx:").is_none());
        assert!(buffers_for("+s").is_none());
    }
}
