//! The progress bar of `kbingest ingest`: on standard error, for large inputs, only when standard
//! error is a terminal and `--quiet` is not given.

use crate::ingest::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Inputs smaller than this load too fast for a bar to help.
const LARGE_INPUT_BYTES: u64 = 8 << 20;

/// A progress bar that shows itself for large inputs (and inputs of unknown size).
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A bar on standard error, or `None` when nothing should be drawn.
    pub fn on_stderr(quiet: bool) -> Option<Bar> {
        if quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(Bar { bar })
    }
}

impl Progress for Bar {
    fn reading(&self, input: &str, total: Option<u64>) {
        self.bar.set_message(input.to_string());
        self.bar.set_position(0);
        match total {
            Some(len) if len < LARGE_INPUT_BYTES => self.bar.set_draw_target(ProgressDrawTarget::hidden()),
            _ => {
                self.bar.set_length(total.unwrap_or(0));
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }

    fn read(&self, bytes: u64) {
        self.bar.set_position(bytes);
    }

    fn finishing(&self) {
        self.bar.set_message("building indexes and committing");
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        // An error or a stop leaves no half-drawn bar before the message.
        self.bar.finish_and_clear();
    }
}
