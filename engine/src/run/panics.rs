//! Reading a caught panic's payload as text.

use std::any::Any;

/// The message a `panic!` carried (`&str` or `String`), or a placeholder.
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}
