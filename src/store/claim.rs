//! The claim a writing kbingest holds on its database file: a shared advisory lock (`flock`) on the
//! file itself, taken before SQLite opens the file and let go after SQLite has closed it.
//!
//! It settles two races between kbingest processes pointed at the same new file: which of them
//! created it (exactly one, by `create_new`), and whether the creator, when its own ingest fails,
//! may remove the file (only if it can make its claim exclusive, i.e. nobody else holds one).
//! SQLite's own locks are `fcntl` byte ranges, a separate mechanism on Linux, so the two do not
//! meet; the claim's file descriptor must simply outlive SQLite's connection, since closing any
//! descriptor of a file drops the process's `fcntl` locks on it.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;

/// How often to start over when the file vanishes between opening and locking it.
const ATTEMPTS: usize = 20;

/// A held claim on a database file.
#[derive(Debug)]
pub struct Claim {
    file: File,
    /// Whether this claim created the file (empty).
    pub created: bool,
    /// Whether the file was empty when claimed (created, or an empty file named with `-o`).
    pub was_empty: bool,
}

impl Claim {
    /// Claims `path`, creating it empty if it does not exist. Of several processes racing to
    /// create the same file, exactly one is told it created it.
    pub fn take(path: &str) -> Result<Claim> {
        for _ in 0..ATTEMPTS {
            let (file, created) = match OpenOptions::new().read(true).write(true).create_new(true).open(path) {
                Ok(file) => (file, true),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => match File::open(path) {
                    Ok(file) => (file, false),
                    Err(e) if e.kind() == ErrorKind::NotFound && std::fs::read_link(path).is_ok() => {
                        return Err(Error::database(
                            path,
                            "is a symbolic link to a file that does not exist",
                            "name the database itself with -o",
                        ));
                    }
                    Err(e) if e.kind() == ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::io("open the database", path)(e)),
                },
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::PermissionDenied) => {
                    return Err(Error::database(
                        path,
                        "cannot be created",
                        "check that its directory exists and is writable",
                    ));
                }
                Err(e) => return Err(Error::io("create the database", path)(e)),
            };
            // Blocks only while a creator that gave up is removing the file, a moment.
            file.lock_shared().map_err(Error::io("lock the database", path))?;
            // That creator may have removed the file while we waited: then start over.
            if names_this_file(path, &file) {
                let was_empty = created || file.metadata().is_ok_and(|m| m.len() == 0);
                return Ok(Claim { file, created, was_empty });
            }
        }
        Err(Error::database(
            path,
            "kept disappearing while kbingest opened it",
            "check what else removes or replaces this file, and try again",
        ))
    }

    /// Makes the claim exclusive if no other process holds one, without waiting. False means
    /// another kbingest has the file open.
    pub fn try_exclusive(&self) -> bool {
        self.file.try_lock().is_ok()
    }
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
pub(super) fn names_this_file(path: &str, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(named), Ok(open)) => named.dev() == open.dev() && named.ino() == open.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(super) fn names_this_file(path: &str, _file: &File) -> bool {
    std::path::Path::new(path).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_creator_and_exclusive_only_when_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let p = path.to_str().unwrap();
        let first = Claim::take(p).unwrap();
        let second = Claim::take(p).unwrap();
        assert!(first.created && !second.created);
        assert!(!first.try_exclusive(), "another claim is held");
        drop(second);
        assert!(first.try_exclusive());
    }

    #[test]
    fn a_broken_symbolic_link_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(dir.path().join("gone.db"), &link).unwrap();
        let err = Claim::take(link.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link to a file that does not exist"), "{err}");
    }

    #[test]
    fn a_missing_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/x.db");
        let err = Claim::take(path.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("check that its directory exists"), "{err}");
    }
}
