//! SIGINT and SIGTERM during `aimass run`: the first asks the scheduler to stop (nothing
//! new starts, running stages finish and are cached, the run record says `interrupted`,
//! exit 130); a second one ends the process at once. Abandoning a stage is safe: cache
//! entries and bundles are written to a temporary name and renamed into place, so a stage
//! cut short leaves no half entry, and the next run resumes from what was cached.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first signal; the scheduler polls it.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// The exit code of an interrupted run: 128 + SIGINT, as shells report a Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" fn on_signal(_sig: libc::c_int) {
    // Only async-signal-safe work here: an atomic swap, and `_exit`.
    if STOP.swap(true, Ordering::SeqCst) {
        // SAFETY: `_exit` is async-signal-safe and ends the process without unwinding.
        unsafe { libc::_exit(EXIT_INTERRUPTED) };
    }
}

/// Routes SIGINT and SIGTERM to [`STOP`]. Called by `run` before the scheduler starts.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn install() -> Option<&'static AtomicBool> {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `on_signal` only does async-signal-safe work; `signal` with a valid handler
    // for these two signals has no other precondition.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    Some(&STOP)
}

#[cfg(not(unix))]
pub fn install() -> Option<&'static AtomicBool> {
    None
}
