//! Stopping cleanly on Ctrl-C (SIGINT) and SIGTERM, installed once for every command. The signal
//! handler only raises a flag; the ingest checks it between lines and inside every long loop of
//! the readers, and hands it as a [`Stop`] to the store (which asks it while waiting for another
//! writer, during every statement and before the commit) and to the output sink; a stop becomes
//! [`Error::Interrupted`] (or [`Error::OutputInterrupted`]), so it rolls back like any other error.
//! A second signal ends the process at once (for a read that is stuck waiting on a terminal);
//! SQLite still rolls back the unfinished transaction the next time the database is opened.

use crate::error::{Error, Result};
use crate::stop::Stop;
use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The signal that asked us to stop; 0 while none has.
static RECEIVED: AtomicUsize = AtomicUsize::new(0);
/// Arms the immediate exit on a second signal.
static ARMED: AtomicBool = AtomicBool::new(false);

/// Whether the handlers are installed: installed twice, the second handler would see the first's
/// flag raised and end the process on the first signal.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the handlers for SIGINT and SIGTERM, once (a second call does nothing). Until this is
/// called the signals have their default effect (the process ends at once).
pub fn install() -> Result<()> {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    for signal in [SIGINT, SIGTERM] {
        let failed = |e| Error::Io { action: "install the signal handler", path: "-".into(), source: e };
        // Order matters: the shutdown must see the flag still lowered on the first signal.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, &ARMED).map_err(failed)?;
        signal_hook::flag::register(signal, &ARMED).map_err(failed)?;
        signal_hook::flag::register_usize(signal, &RECEIVED, signal as usize).map_err(failed)?;
    }
    Ok(())
}

/// The signal received so far, if any.
pub fn requested() -> Option<i32> {
    signal_of(RECEIVED.load(Ordering::Relaxed))
}

fn signal_of(received: usize) -> Option<i32> {
    match received {
        0 => None,
        signal => i32::try_from(signal).ok(),
    }
}

/// `Err(Error::Interrupted)` once a stop has been asked for.
pub fn check() -> Result<()> {
    stopped(requested())
}

fn stopped(signal: Option<i32>) -> Result<()> {
    match signal {
        Some(signal) => Err(Error::Interrupted { signal }),
        None => Ok(()),
    }
}

/// `e`, or the stop that caused it: whatever failed after a stop was asked for (an abandoned
/// wait for another writer, a statement SQLite interrupted) failed because of it. `command` is
/// the command that was running.
pub fn stopped_or(e: Error, command: &'static str) -> Error {
    match (requested(), e) {
        (_, e @ (Error::OutputInterrupted { .. } | Error::Usage(_))) => e,
        (_, e @ Error::Interrupted { .. }) if command == "ingest" => e,
        (_, Error::Interrupted { signal }) => Error::OutputInterrupted { signal, command, output: None },
        (Some(signal), _) if command == "ingest" => Error::Interrupted { signal },
        (Some(signal), _) => Error::OutputInterrupted { signal, command, output: None },
        (None, e) => e,
    }
}

/// The stop check the store and the export are given: this process's signal flag.
pub fn stop() -> Stop {
    Stop::new(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raised_flag_is_an_interruption_with_the_shells_exit_status() {
        // The global flag is left alone: other tests of this binary run alongside.
        assert!(stopped(signal_of(0)).is_ok());
        let err = stopped(signal_of(SIGTERM as usize)).unwrap_err();
        assert_eq!(err.exit_code(), 143);
        assert!(err.to_string().contains("SIGTERM"), "{err}");
        assert_eq!(Error::Interrupted { signal: SIGINT }.exit_code(), 130);
    }
}
