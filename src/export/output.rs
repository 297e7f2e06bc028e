//! The one output sink of every command that writes: standard output, or a file replaced whole
//! (see `file.rs`), chosen once from `-o`. A path that is not a regular file is refused when the
//! sink is made, before any work. A stop asked for (Ctrl-C, SIGTERM) ends the writing at its next
//! buffer's worth and becomes [`Error::OutputInterrupted`]; a file is then left as it was, with no
//! partial file beside it.

use super::file::{Stoppable, check_output, write_file};
use crate::error::{Error, Result};
use crate::stop::Stop;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

/// Where a command's output goes.
#[derive(Debug)]
pub struct Output {
    /// The command writing, as messages name it (`export`, `diff`, ...).
    command: &'static str,
    /// The file; `None` for standard output.
    file: Option<PathBuf>,
    stop: Stop,
}

impl Output {
    /// The sink for `-o PATH` (`None` or `-`: standard output) of `command`. A path naming a
    /// folder, a FIFO, a device, a socket or a symbolic link is refused now.
    pub fn new(command: &'static str, path: Option<&str>, stop: Stop) -> Result<Output> {
        let file = path.filter(|p| *p != "-").map(PathBuf::from);
        if let Some(file) = &file {
            check_output(file, command)?;
        }
        Ok(Output { command, file, stop })
    }

    /// The file written, as given; `None` for standard output.
    pub fn file(&self) -> Option<String> {
        self.file.as_ref().map(|f| f.display().to_string())
    }

    /// The output as messages name it: its path, or `-` for standard output.
    pub fn shown(&self) -> String {
        self.file().unwrap_or_else(|| "-".to_string())
    }

    /// Whether the output is a terminal, where text from documents must not pass as control
    /// sequences.
    pub fn is_terminal(&self) -> bool {
        self.file.is_none() && std::io::stdout().is_terminal()
    }

    /// Writes what `write` writes: to standard output as it comes, or into the file, which is
    /// replaced only once `write` has succeeded.
    pub fn write<T>(&self, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
        let result = match &self.file {
            None => {
                let stdout = std::io::stdout();
                let mut out = BufWriter::new(Stoppable { inner: stdout.lock(), stop: self.stop });
                write(&mut out).and_then(|value| {
                    out.flush().map_err(Error::io("write output", "-"))?;
                    Ok(value)
                })
            }
            Some(path) => write_file(path, self.command, self.stop, write),
        };
        result.map_err(|e| self.stopped_or(e))
    }

    /// `e`, or the stop that caused it: whatever failed after a stop was asked for failed because
    /// of it (a statement SQLite interrupted, a write refused).
    pub fn stopped_or(&self, e: Error) -> Error {
        match (self.stop.requested(), e) {
            (_, e @ (Error::OutputInterrupted { .. } | Error::Usage(_))) => e,
            (Some(signal), _) => Error::OutputInterrupted { signal, command: self.command, output: self.file() },
            (None, e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    static STOP: AtomicBool = AtomicBool::new(false);

    fn requested() -> Option<i32> {
        STOP.load(Ordering::Relaxed).then_some(libc::SIGINT)
    }

    #[test]
    fn a_stop_while_writing_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        std::fs::write(&path, "old\n").unwrap();
        let output = Output::new("diff", path.to_str(), Stop::new(requested)).unwrap();
        let err = output
            .write(|out| {
                for n in 0..100_000 {
                    if n == 1000 {
                        STOP.store(true, Ordering::Relaxed);
                    }
                    writeln!(out, "row {n}").map_err(Error::io("write output", "out.md"))?;
                }
                Ok(())
            })
            .unwrap_err();
        STOP.store(false, Ordering::Relaxed);
        assert_eq!(err.exit_code(), 130);
        assert!(err.to_string().contains("before the diff finished: "), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no partial file is left");
    }

    #[test]
    fn refusals_name_the_command() {
        let err = Output::new("metadata", Some("/dev/null"), Stop::NEVER).unwrap_err().to_string();
        assert!(err.contains("is a device, not a regular file; metadata writes only regular files"), "{err}");
        assert!(Output::new("query", Some("-"), Stop::NEVER).unwrap().file().is_none());
    }
}
