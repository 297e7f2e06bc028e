//! The one error type of kbingest. Library code returns `Error` values; only `main` turns one into a
//! message on standard error and an exit status.
//!
//! Convention: line numbers start at 1 and count the lines of the original input file.

use std::fmt;
use std::io;

/// A structural problem in one place of a document: a row that cannot be read as a port rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line where the offending row begins.
    pub line: u32,
    /// What the document holds there.
    pub raw: String,
    /// What was expected and what was found, as one sentence.
    pub message: String,
}

/// Everything that can go wrong in kbingest.
#[derive(Debug)]
pub enum Error {
    /// The command line asks for something that cannot be done (exit status 2).
    Usage(String),
    /// A file or stream could not be read or written.
    Io {
        /// What kbingest was doing, e.g. "read input".
        action: &'static str,
        /// The path involved (`-` for standard input/output).
        path: String,
        /// The operating system's error.
        source: io::Error,
    },
    /// The input is not something kbingest can read.
    Input {
        /// The input as named on the command line.
        path: String,
        /// Where the problem is, when it is at a line.
        line: Option<u32>,
        /// What went wrong.
        problem: String,
        /// What the user can do about it.
        hint: String,
    },
    /// The document has rows that cannot be read; every one is listed.
    Invalid {
        /// The input as named on the command line.
        path: String,
        /// Every structural problem found, in line order.
        problems: Vec<Problem>,
    },
    /// The database cannot be used as asked.
    Database {
        /// The database path.
        path: String,
        /// What went wrong.
        problem: String,
        /// What the user can do about it.
        hint: String,
    },
    /// SQLite reported an error.
    Sqlite {
        /// The database path.
        path: String,
        /// What kbingest was doing, or the SQL that failed.
        context: String,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// `diff --exit-code` found differences: exit status 1 with nothing more to say, like
    /// `git diff --exit-code`.
    Differences,
    /// An error under `--exit-code` (`diff`, `review`), where status 1 says "differences" or
    /// "findings": exit status 2, as diff(1) has it; the message is the error's own.
    Trouble(Box<Error>),
    /// Output went to a reader that has gone away (`kbingest export db | head`): not a failure.
    BrokenPipe,
    /// SIGINT or SIGTERM asked kbingest to stop before the ingest finished.
    Interrupted {
        /// The signal's number (2 for SIGINT, 15 for SIGTERM).
        signal: i32,
    },
    /// SIGINT or SIGTERM asked kbingest to stop before an export finished.
    ExportInterrupted {
        /// The signal's number.
        signal: i32,
        /// The output file or folder (`-` for standard output).
        output: String,
    },
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit status for this error: 2 for usage, 0 for a closed pipe, 128 + the
    /// signal's number for a stop by signal (as a shell reports it: 130 for Ctrl-C), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Trouble(_) => 2,
            Error::BrokenPipe => 0,
            Error::Interrupted { signal } | Error::ExportInterrupted { signal, .. } => 128 + signal,
            _ => 1,
        }
    }

    /// With `--exit-code`, where 1 means findings: an error that would exit 1 exits 2 instead.
    pub fn as_trouble(self) -> Error {
        if self.exit_code() == 1 && !matches!(self, Error::Differences) { Error::Trouble(Box::new(self)) } else { self }
    }

    /// An input problem at a line.
    pub fn input_at(path: &str, line: u32, problem: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Input { path: path.to_string(), line: Some(line), problem: problem.into(), hint: hint.into() }
    }

    /// An input problem with the whole input rather than a line of it.
    pub fn input(path: &str, problem: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Input { path: path.to_string(), line: None, problem: problem.into(), hint: hint.into() }
    }

    /// A database problem with a hint.
    pub fn database(path: &str, problem: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Database { path: path.to_string(), problem: problem.into(), hint: hint.into() }
    }

    /// Wraps an SQLite error with the database path and what was being done.
    pub fn sqlite(path: &str, context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
        let (path, context) = (path.to_string(), context.into());
        move |source| Error::Sqlite { path, context, source }
    }

    /// Wraps an I/O error; a broken pipe becomes [`Error::BrokenPipe`].
    pub fn io(action: &'static str, path: &str) -> impl FnOnce(io::Error) -> Error {
        let path = path.to_string();
        move |source| {
            if source.kind() == io::ErrorKind::BrokenPipe {
                Error::BrokenPipe
            } else {
                Error::Io { action, path, source }
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `main` adds where to look for usage: the help of the subcommand that was run.
            Error::Usage(message) => write!(f, "{message}"),
            Error::Io { action, path, source } => {
                let (what, hint) = match source.kind() {
                    io::ErrorKind::NotFound => ("no such file or directory".to_string(), "check the path"),
                    io::ErrorKind::PermissionDenied => {
                        ("permission denied".to_string(), "check the file's permissions")
                    }
                    io::ErrorKind::IsADirectory => ("it is a directory".to_string(), "name a file, not a directory"),
                    _ => (os_message(source), "check the file and the disk"),
                };
                write!(f, "{path}: cannot {action}: {what}; {hint}")
            }
            Error::Input { path, line: Some(line), problem, hint } => {
                write!(f, "{path}:{line}: {problem}; {hint}")
            }
            Error::Input { path, line: None, problem, hint } => write!(f, "{path}: {problem}; {hint}"),
            Error::Invalid { path, problems } => {
                for p in problems {
                    writeln!(f, "{path}:{}: {}", p.line, p.message)?;
                }
                let rows = match problems.len() {
                    1 => "1 row cannot be read".to_string(),
                    n => format!("{n} rows cannot be read"),
                };
                write!(
                    f,
                    "{path}: refused (--strict): {rows}, so nothing was loaded and the database is as it was; fix \
                     the document, or leave out --strict to load the rest and record each unreadable row in \
                     `anomalies`"
                )
            }
            Error::Database { path, problem, hint } => write!(f, "{path}: {problem}; {hint}"),
            // Not SQLite's input error as such: it quotes the whole SQL, a migration's 150 lines.
            Error::Sqlite { path, context, source: rusqlite::Error::SqlInputError { msg, .. } } => {
                write!(f, "{path}: database error while {context}: {msg}")
            }
            Error::Sqlite { path, context, source } => {
                write!(f, "{path}: database error while {context}: {source}")
            }
            Error::BrokenPipe => write!(f, "output closed"),
            Error::Differences => Ok(()),
            Error::Trouble(error) => error.fmt(f),
            Error::Interrupted { signal } => write!(
                f,
                "stopped by {} before the ingest finished: nothing was loaded and the database is as it was before",
                signal_name(*signal)
            ),
            Error::ExportInterrupted { signal, output } if output == "-" => {
                write!(f, "stopped by {} before the export finished", signal_name(*signal))
            }
            Error::ExportInterrupted { signal, output } => write!(
                f,
                "stopped by {} before the export finished: {output} was left as it was, with no partial file",
                signal_name(*signal)
            ),
        }
    }
}

/// The conventional name of a stop signal, for messages.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        signal_hook::consts::SIGINT => "SIGINT (Ctrl-C)",
        signal_hook::consts::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// The operating system's message without Rust's ` (os error N)` suffix, which tells a reader
/// nothing.
fn os_message(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Sqlite { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_lists_every_problem_with_path_and_line() {
        let e = Error::Invalid {
            path: "doc.txt".into(),
            problems: vec![
                Problem { line: 3, raw: "x".into(), message: "port `x` is not a number".into() },
                Problem { line: 9, raw: "y".into(), message: "row cut short".into() },
            ],
        };
        let text = e.to_string();
        assert!(text.starts_with("doc.txt:3: port `x` is not a number\ndoc.txt:9: row cut short\n"));
        assert!(text.ends_with("doc.txt: refused (--strict): 2 rows cannot be read, so nothing was loaded and the database is as it was; fix the document, or leave out --strict to load the rest and record each unreadable row in `anomalies`"), "{text}");
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn broken_pipe_is_success() {
        let e = Error::io("write", "-")(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(matches!(e, Error::BrokenPipe));
        assert_eq!(e.exit_code(), 0);
    }

    #[test]
    fn io_errors_read_without_os_error_numbers() {
        let e = Error::io("open input", "gone.txt")(io::Error::from(io::ErrorKind::NotFound));
        assert_eq!(e.to_string(), "gone.txt: cannot open input: no such file or directory; check the path");
        let e = Error::io("read input", "x")(io::Error::from_raw_os_error(5));
        assert_eq!(e.to_string(), "x: cannot read input: Input/output error; check the file and the disk");
    }

    #[test]
    fn differences_exit_one_without_a_message() {
        assert_eq!(Error::Differences.exit_code(), 1);
        assert_eq!(Error::Differences.to_string(), "");
        let trouble = Error::database("x.db", "gone", "look").as_trouble();
        assert_eq!((trouble.exit_code(), trouble.to_string()), (2, "x.db: gone; look".to_string()));
        assert!(matches!(Error::Differences.as_trouble(), Error::Differences));
        assert!(matches!(Error::BrokenPipe.as_trouble(), Error::BrokenPipe));
        let trouble = Error::Trouble(Box::new(Error::database("x.db", "does not exist", "check the path")));
        assert_eq!((trouble.exit_code(), trouble.to_string()), (2, "x.db: does not exist; check the path".into()));
    }

    #[test]
    fn usage_exits_two() {
        assert_eq!(Error::Usage("bad".into()).exit_code(), 2);
    }
}
