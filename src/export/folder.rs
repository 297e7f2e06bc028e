//! A set of files written into a folder as one: `export --all` (a file per table and view) and
//! `man --output-dir` (a page per command). Every file is first written whole into a hidden
//! staging folder; only once all of them are complete do they take their places. A new folder is
//! the staging folder renamed (it appears whole, or not at all); into an existing folder the
//! files are renamed one by one, a matter of microseconds, and a failure then names exactly which
//! files were replaced. An error or a stop before that leaves the folder as it was, with no
//! staging folder.

use super::file::{check_output, random, write_complete};
use crate::error::{Error, Result};
use crate::stop::Stop;
use std::ffi::CString;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Writes one file per name of `names` into `dir`, with what `write` writes for the name at that
/// index; returns what each call returned. `command` names the command in messages.
pub fn write_folder<T>(
    dir: &Path,
    names: &[String],
    command: &str,
    stop: Stop,
    mut write: impl FnMut(usize, &mut dyn Write) -> Result<T>,
) -> Result<Vec<T>> {
    let shown = dir.display().to_string();
    let exists = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => {
            return Err(Error::Usage(format!("{shown} is not a folder; {command} writes its files into a folder")));
        }
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io("look at the output folder", &shown)(e)),
    };
    for name in names {
        check_output(&dir.join(name), command)?;
    }
    let staging = Staging::create(dir, exists).map_err(Error::io("create a folder beside the output", &shown))?;
    let mut values = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let value = staging.write(name, stop, |out| write(i, out));
        values.push(value.inspect_err(|_| staging.remove(names))?);
    }
    if let Err(e) = stop.check() {
        staging.remove(names);
        return Err(e);
    }
    // From here on the files take their places; a first Ctrl-C no longer stops that.
    if !exists {
        if rename_new_folder(&staging.path, dir).is_ok() {
            return Ok(values);
        }
        // Another run made the folder meanwhile, or the file system cannot rename so: the files
        // go in one by one.
        let _ = std::fs::create_dir(dir);
    }
    staging.move_into(dir, names, command)?;
    Ok(values)
}

/// The hidden folder the files are written in first.
struct Staging {
    path: PathBuf,
}

impl Staging {
    /// Beside a new folder (`.NAME.RANDOM.partial`, to be renamed into it), or inside an
    /// existing one (`.kbingest.RANDOM.partial`), so that every rename stays on one file system.
    fn create(dir: &Path, exists: bool) -> std::io::Result<Staging> {
        if !exists && let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut last = std::io::Error::from(ErrorKind::AlreadyExists);
        for _ in 0..64 {
            let path = if exists {
                dir.join(format!(".kbingest.{:016x}.partial", random()))
            } else {
                dir.with_file_name(format!(".{name}.{:016x}.partial", random()))
            };
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Staging { path }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => last = e,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    /// Writes the file `name` in the staging folder, whole.
    fn write<T>(&self, name: &str, stop: Stop, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
        let path = self.path.join(name);
        let shown = path.display().to_string();
        // Inside a folder this run just made: a new file, no one else's.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .map_err(Error::io("create the output file", &shown))?;
        write_complete(file, &shown, stop, write)
    }

    /// Removes the staging folder and what this run wrote in it.
    fn remove(&self, names: &[String]) {
        for name in names {
            let _ = std::fs::remove_file(self.path.join(name));
        }
        let _ = std::fs::remove_dir(&self.path);
    }

    /// Renames each file from the staging folder onto its name in `dir`.
    fn move_into(self, dir: &Path, names: &[String], command: &str) -> Result<()> {
        let shown = dir.display().to_string();
        for (done, name) in names.iter().enumerate() {
            let target = dir.join(name);
            let moved = check_output(&target, command).and_then(|()| {
                std::fs::rename(self.path.join(name), &target).map_err(Error::io("write the output file", &shown))
            });
            if let Err(e) = moved {
                let replaced = if done == 0 { "none".to_string() } else { names[..done].join(", ") };
                let hint = format!(
                    "replaced so far: {replaced}; not replaced: {}; the new files not yet in place are in {}",
                    names[done..].join(", "),
                    self.path.display()
                );
                return Err(Error::Output { path: target.display().to_string(), problem: e.to_string(), hint });
            }
        }
        let _ = std::fs::remove_dir(&self.path);
        Ok(())
    }
}

/// Renames the staging folder onto a folder's name, unless something took that name meanwhile.
fn rename_new_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    let c =
        |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(ErrorKind::InvalidInput));
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: both are NUL-terminated paths that live across the call.
    let done =
        unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_NOREPLACE) };
    if done == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|n| n.to_string()).collect()
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        found.sort();
        found
    }

    #[test]
    fn a_new_folder_appears_whole() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("bi");
        let written = write_folder(&dir, &names(&["a.csv", "b.csv"]), "export", Stop::NEVER, |i, out| {
            writeln!(out, "file {i}").map_err(Error::io("write", "x"))?;
            Ok(i)
        })
        .unwrap();
        assert_eq!(written, [0, 1]);
        assert_eq!(files(top.path()), ["bi"]);
        assert_eq!(std::fs::read_to_string(dir.join("b.csv")).unwrap(), "file 1\n");
    }

    #[test]
    fn a_failure_leaves_an_existing_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old a\n").unwrap();
        std::fs::write(dir.path().join("b.csv"), "old b\n").unwrap();
        let result = write_folder(dir.path(), &names(&["a.csv", "b.csv"]), "export", Stop::NEVER, |i, out| {
            writeln!(out, "new").map_err(Error::io("write", "x"))?;
            if i == 1 { Err(Error::Usage("failed".into())) } else { Ok(()) }
        });
        assert!(result.is_err());
        assert_eq!(files(dir.path()), ["a.csv", "b.csv"], "no staging folder is left");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.csv")).unwrap(), "old a\n");
        let ok = write_folder(dir.path(), &names(&["a.csv"]), "export", Stop::NEVER, |_, out| {
            out.write_all(b"new a\n").map_err(Error::io("write", "x"))
        });
        assert!(ok.is_ok());
        assert_eq!(std::fs::read_to_string(dir.path().join("a.csv")).unwrap(), "new a\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.csv")).unwrap(), "old b\n");
    }

    #[test]
    fn a_symbolic_link_in_the_folder_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("victim"), "mine\n").unwrap();
        std::os::unix::fs::symlink("victim", dir.path().join("kbingest.1")).unwrap();
        let err = write_folder(dir.path(), &names(&["kbingest.1"]), "man", Stop::NEVER, |_, out| {
            out.write_all(b"page").map_err(Error::io("write", "x"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("is a symbolic link, not a regular file; man writes only regular files"));
        assert_eq!(std::fs::read_to_string(dir.path().join("victim")).unwrap(), "mine\n");
    }
}
