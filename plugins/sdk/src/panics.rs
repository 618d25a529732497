//! Panics inside a plugin call: caught, and reported once, by the host.
//!
//! Every exported function catches unwinding panics (`ffi::guard`). Rust's default hook
//! would also print "thread panicked at ..." and, with `RUST_BACKTRACE`, a backtrace to the
//! user's terminal before the host reports the same failure as a diagnostic. So while a plugin
//! call runs, this hook keeps the panic's location for the error message and prints nothing;
//! `AIMASS_PLUGIN_BACKTRACE=1` restores the default output for a plugin author debugging.
//! Outside plugin calls (a plugin's own threads, the SDK's tests) the previous hook runs.
//!
//! A cdylib carries its own copy of std, so the hook is the plugin's alone: the host's
//! panic handling is untouched.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static IN_CALL: Cell<bool> = const { Cell::new(false) };
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the hook (once per library).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_CALL.with(Cell::get) {
                return previous(info);
            }
            let at = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            LOCATION.with(|c| *c.borrow_mut() = at);
            if std::env::var_os("AIMASS_PLUGIN_BACKTRACE").is_some() {
                previous(info);
            }
        }));
    });
}

/// Runs `body` as a plugin call: `Err` holds the panic's message and location.
pub fn catch<R>(body: impl FnOnce() -> R) -> Result<R, String> {
    let was = IN_CALL.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(body));
    IN_CALL.with(|c| c.set(was));
    result.map_err(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(a payload that is not a string)")
            .to_string();
        match LOCATION.with(|c| c.borrow_mut().take()) {
            Some(at) => format!("plugin panicked at {at}: {text}"),
            None => format!("plugin panicked: {text}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_call_becomes_its_message_and_location() {
        install();
        let e = catch(|| -> u8 { panic!("boom {}", 7) }).unwrap_err();
        assert!(e.starts_with("plugin panicked at "), "{e}");
        assert!(e.contains("panics.rs:") && e.ends_with(": boom 7"), "{e}");
        assert_eq!(catch(|| 3), Ok(3));
    }
}
