//! Output files that are whole or absent, and that never land anywhere but where they were asked
//! for. A file is written under a new, random, hidden name in its own folder (created with
//! `O_CREAT|O_EXCL|O_NOFOLLOW`: never through a symbolic link someone planted) and renamed into
//! place only once complete, so that a failed or stopped command never leaves half a CSV for a BI
//! tool to import. `-o` must name a regular file or nothing: a FIFO, a device, a symbolic link or
//! a folder is refused before any work, so that nothing is ever renamed over one.

use crate::error::{Error, Result};
use crate::stop::Stop;
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, ErrorKind, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

/// The longest file name made from a table name, in bytes (file systems allow 255).
const MAX_NAME_BYTES: usize = 200;

/// Refuses an output path that names something other than a regular file (or nothing); `command`
/// is the command writing it, as messages name it.
pub fn check_output(path: &Path, command: &str) -> Result<()> {
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("look at the output file", &shown)(e)),
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        let all = if command == "export" { ", or pass --all to fill a folder" } else { "" };
        return Err(Error::Usage(format!("{shown} is a folder; name a file with -o{all}")));
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "a socket"
    };
    Err(Error::Usage(format!(
        "{shown} is {what}, not a regular file; {command} writes only regular files (it replaces them whole): \
         name a new or regular file with -o, or write to standard output with -o - (or no -o)"
    )))
}

/// Creates (or replaces) the file `path` with what `write` writes into it. If `write` fails, or
/// `stop` asks to stop before the file is complete, the file is left as it was and the temporary
/// file is removed.
pub fn write_file<T>(
    path: &Path,
    command: &str,
    stop: Stop,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let shown = path.display().to_string();
    check_output(path, command)?;
    let (partial, file) = create_partial(path).map_err(Error::io("create the output file", &shown))?;
    let result = write_complete(file, &shown, stop, write).and_then(|value| {
        stop.check()?;
        // Whatever took the name meanwhile is not replaced unless it is a regular file.
        check_output(path, command)?;
        std::fs::rename(&partial, path).map_err(Error::io("write the output file", &shown))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Writes a new file whole: buffered, asking `stop` at every buffer's worth, synced at the end.
pub(super) fn write_complete<T>(
    file: File,
    shown: &str,
    stop: Stop,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let mut out = BufWriter::new(Stoppable { inner: file, stop });
    let value = write(&mut out)?;
    let file = out.into_inner().map_err(|e| Error::io("write the output file", shown)(e.into_error()))?;
    file.inner.sync_all().map_err(Error::io("write the output file", shown))?;
    Ok(value)
}

/// A writer that fails once a stop has been asked for: a long export ends at its next buffer's
/// worth of output, not at its end. (The error is no `Interrupted`, which `write_all` retries.)
pub(super) struct Stoppable<W> {
    pub(super) inner: W,
    pub(super) stop: Stop,
}

impl<W: Write> Write for Stoppable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stop.requested().is_some() {
            return Err(io::Error::other("stopped"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `dir/.name.RANDOM.partial`, created new: hidden, in the same folder so that the rename cannot
/// cross file systems, and never an existing file or a symbolic link.
fn create_partial(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut last = std::io::Error::from(ErrorKind::AlreadyExists);
    for _ in 0..64 {
        let partial = path.with_file_name(format!(".{name}.{:016x}.partial", random()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(0o666)
            .open(&partial)
        {
            Ok(file) => return Ok((partial, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// A number no one can guess in advance: the standard library seeds each hasher at random.
pub(super) fn random() -> u64 {
    use std::hash::BuildHasher;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    std::collections::hash_map::RandomState::new().hash_one((std::process::id(), now.as_nanos()))
}

/// The file names of `export --all`: one per table or view, each a single safe path component
/// (no `/`, `\`, NUL, control characters, leading dot), distinct even where the file system
/// ignores case.
#[derive(Debug, Default)]
pub struct FileNames {
    taken: HashSet<String>,
}

impl FileNames {
    /// The path in `dir` for the relation `name` with extension `extension`. The result is
    /// checked to lie directly inside `dir`.
    pub fn path_for(&mut self, dir: &Path, name: &str, extension: &str) -> Result<PathBuf> {
        let stem = safe_stem(name);
        let mut file = format!("{stem}.{extension}");
        let mut n = 2;
        while !self.taken.insert(file.to_lowercase()) {
            file = format!("{stem}-{n}.{extension}");
            n += 1;
        }
        let mut components = Path::new(&file).components();
        let single = matches!((components.next(), components.next()), (Some(Component::Normal(_)), None));
        let path = dir.join(&file);
        if !single || path.parent() != Some(dir) {
            return Err(Error::Usage(format!("cannot make a safe file name for the table `{name}`")));
        }
        Ok(path)
    }
}

/// A table name made into a file name's stem.
fn safe_stem(name: &str) -> String {
    let mut stem: String =
        name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    if stem.starts_with('.') || stem.is_empty() {
        stem.insert(0, '_');
    }
    if stem.len() > MAX_NAME_BYTES {
        let mut end = MAX_NAME_BYTES;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let result: Result<()> = write_file(&path, "export", Stop::NEVER, |out| {
            out.write_all(b"half").map_err(Error::io("write", "out.csv"))?;
            Err(Error::Usage("stop".into()))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "the partial file is removed");
    }

    #[test]
    fn a_successful_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        write_file(&path, "export", Stop::NEVER, |out| out.write_all(b"new\n").map_err(Error::io("write", "out.csv")))
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn hostile_table_names_become_single_safe_components() {
        let dir = Path::new("/tmp/out");
        let mut names = FileNames::default();
        let mut file = |name: &str| names.path_for(dir, name, "csv").unwrap();
        assert_eq!(file("port_rules"), dir.join("port_rules.csv"));
        assert_eq!(file("../../escaped"), dir.join("_.._.._escaped.csv"));
        assert_eq!(file("/tmp/x/abs"), dir.join("_tmp_x_abs.csv"));
        assert_eq!(file(".."), dir.join("_...csv"));
        assert_eq!(file("a\\b\u{1b}[2J"), dir.join("a_b_[2J.csv"));
        assert_eq!(file("Port_Rules"), dir.join("Port_Rules-2.csv"), "names differing in case do not collide");
        assert_eq!(file(""), dir.join("_.csv"));
        assert!(file(&"x".repeat(300)).file_name().unwrap().len() <= MAX_NAME_BYTES + 4);
    }
}
