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

/// The bar of an input of known size: how much of it is read, and how long the rest will take.
const SIZED: &str = "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} {eta}";
/// Standard input (or a pipe) has no size: how much is read so far, and for how long; no total,
/// no bar, no time left.
const UNSIZED: &str = "{spinner} {msg} {bytes} read, {binary_bytes_per_sec}, {elapsed}";
/// The end of a load: what it is doing, and for how long.
const STAGE: &str = "{spinner} {msg} ({elapsed})";

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Bar {
    /// A bar on standard error, or `None` when nothing should be drawn.
    pub fn on_stderr(quiet: bool) -> Option<Bar> {
        if quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(style(SIZED));
        Some(Bar { bar })
    }
}

impl Progress for Bar {
    fn reading(&self, input: &str, total: Option<u64>) {
        self.bar.set_message(if input == "-" { "standard input".to_string() } else { input.to_string() });
        self.bar.set_position(0);
        match total {
            Some(len) if len < LARGE_INPUT_BYTES => self.bar.set_draw_target(ProgressDrawTarget::hidden()),
            Some(len) => {
                self.bar.set_style(style(SIZED));
                self.bar.set_length(len);
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            None => {
                self.bar.set_style(style(UNSIZED));
                self.bar.unset_length();
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
                self.bar.enable_steady_tick(std::time::Duration::from_millis(200));
            }
        }
    }

    fn read(&self, bytes: u64) {
        self.bar.set_position(bytes);
    }

    fn finishing(&self) {
        self.stage("finishing");
    }

    fn stage(&self, name: &str) {
        // A spinner that keeps turning: the stages of a large load's end take seconds each.
        self.bar.set_style(style(STAGE));
        self.bar.reset_elapsed();
        self.bar.set_message(name.to_string());
        self.bar.enable_steady_tick(std::time::Duration::from_millis(100));
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
