//! A small Arrow layer: the columns and frames that cross the plugin boundary.
//!
//! Why not an Arrow crate: a plugin built with the SDK should compile in seconds, and what
//! a stage needs is narrow: read the host's columns in place, build a few output columns, and
//! hand unchanged columns back without copying them. Everything here is built for that:
//!
//! - [`Column`] is one array, [`Frame`] ordered, uniquely named columns of one length.
//! - Import (`Frame::from_ffi`) takes ownership of the host's struct array and views its
//!   buffers; the release callbacks run once, when the last view is dropped.
//! - Export (`Frame::into_ffi`) hands the host Rust memory with release callbacks that free
//!   it, or, for an imported column, the host's own buffers back (zero-copy passthrough).
//! - Typed reads cover booleans, integers, floats, strings (`u`, `U`, `vu`), dates and
//!   timestamps; any other Arrow type is carried as an opaque column that passes through.
//!
//! `memory`, `import`, `buffers` and `export` hold all the unsafe code; the other modules
//! deny it.

#[deny(unsafe_code)]
mod bitmap;
mod buffers;
#[deny(unsafe_code)]
mod build;
#[deny(unsafe_code)]
mod column;
#[deny(unsafe_code)]
mod dtype;
mod export;
#[deny(unsafe_code)]
mod frame;
mod import;
mod memory;
#[deny(unsafe_code)]
mod strings;

pub use column::Column;
pub use dtype::{DataType, NativeType, TimeUnit};
pub use frame::Frame;
pub use strings::Strs;

use aimass_plugin_api as api;

use crate::error::Result;

impl Frame {
    /// Exports the frame as an Arrow C struct array (`+s`). The receiver owns it and calls
    /// the release callbacks; imported columns are handed back without copying.
    pub fn into_ffi(self) -> api::Frame {
        export::export_frame(self)
    }

    /// Imports an Arrow C struct array, taking ownership of it (released once, when the last
    /// column viewing it is dropped, even when this returns an error).
    ///
    /// # Safety
    /// `frame` must follow the Arrow C Data Interface: released, or with valid pointers and
    /// buffers as large as its formats, offsets and lengths require.
    pub unsafe fn from_ffi(frame: api::Frame) -> Result<Frame> {
        // SAFETY: forwarded from the caller.
        unsafe { import::import_frame(frame) }
    }
}

/// Takes the frame behind `ptr` (which is left marked released): a move, in the Arrow
/// specification's terms.
///
/// # Safety
/// `ptr` must be null or point to a frame the caller may give away.
pub(crate) unsafe fn take_frame(ptr: *mut api::Frame) -> api::Frame {
    // SAFETY: forwarded from the caller.
    unsafe { import::take(ptr) }
}
