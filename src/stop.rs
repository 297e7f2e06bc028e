//! A stop request as the code that does long work sees it: a check to call now and then. The
//! command line backs it with the signal flag of [`crate::interrupt`]; the store and the export
//! only ever call the check, so they can be run (and tested) without any signal handling.

use crate::error::{Error, Result};
use std::fmt;

/// Tells whether the user has asked to stop, and by which signal.
#[derive(Clone, Copy)]
pub struct Stop(fn() -> Option<i32>);

fn never() -> Option<i32> {
    None
}

impl Stop {
    /// A stop that is never requested (library use and tests).
    pub const NEVER: Stop = Stop(never);

    /// A stop backed by `check`, which returns the signal that asked to stop, if any.
    pub const fn new(check: fn() -> Option<i32>) -> Stop {
        Stop(check)
    }

    /// The signal that asked to stop, if one has.
    pub fn requested(self) -> Option<i32> {
        (self.0)()
    }

    /// `Err(Error::Interrupted)` once a stop has been asked for.
    pub fn check(self) -> Result<()> {
        match self.requested() {
            Some(signal) => Err(Error::Interrupted { signal }),
            None => Ok(()),
        }
    }
}

impl Default for Stop {
    fn default() -> Stop {
        Stop::NEVER
    }
}

impl fmt::Debug for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stop(requested: {:?})", self.requested())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requested_stop_is_an_interruption() {
        assert!(Stop::NEVER.check().is_ok());
        let stopped = Stop::new(|| Some(15)).check().unwrap_err();
        assert_eq!(stopped.exit_code(), 143);
    }
}
