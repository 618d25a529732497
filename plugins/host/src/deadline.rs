//! `--stage-timeout` for calls into a plugin loaded in this process.
//!
//! Native code cannot be interrupted, so a call that must end by a deadline runs on a thread
//! of its own; when the deadline passes, the host stops waiting and fails the stage. The
//! abandoned thread keeps running inside the plugin until it returns or aimass exits (the
//! library is never unloaded, so that is safe). Without a deadline the call runs on the
//! caller's thread. With `--isolate-plugins` the child process is killed instead.

use std::sync::mpsc;
use std::time::Duration;

use crate::outcome::{CallFailure, CallResult, FailureKind};

pub fn within<T: Send + 'static>(
    timeout: Option<Duration>,
    call: impl FnOnce() -> CallResult<T> + Send + 'static,
) -> CallResult<T> {
    let Some(limit) = timeout else {
        return call();
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("aimass-plugin-call".into())
        .spawn(move || {
            let _ = tx.send(call());
        });
    if let Err(e) = spawned {
        return Err(CallFailure::new(
            FailureKind::Error,
            format!("cannot start a thread for the call: {e}"),
        ));
    }
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(timed_out(limit)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(CallFailure::new(
            FailureKind::Panic,
            "the call ended without an answer (a panic while reading its results)",
        )),
    }
}

pub fn timed_out(limit: Duration) -> CallFailure {
    CallFailure::new(
        FailureKind::Timeout,
        format!(
            "it did not return within {} (--stage-timeout), so aimass stopped waiting for it",
            humanise(limit)
        ),
    )
}

fn humanise(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 && s.fract() == 0.0 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_call_times_out_and_a_fast_one_does_not() {
        let fast = within(Some(Duration::from_secs(5)), || Ok(7));
        assert_eq!(fast, Ok(7));
        let slow = within(Some(Duration::from_millis(50)), || {
            std::thread::sleep(Duration::from_secs(3));
            Ok(1)
        });
        let e = slow.unwrap_err();
        assert_eq!(e.kind, FailureKind::Timeout);
        assert!(e.message.contains("within 50ms"), "{}", e.message);
        assert_eq!(within(None, || Ok::<_, CallFailure>(3)), Ok(3));
    }
}
