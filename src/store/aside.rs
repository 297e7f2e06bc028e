//! A new database built aside: a load into a database that does not exist yet writes a temporary
//! file beside it (`.NAME.kbingest-PID-XXXX.tmp`) without a journal and without syncing, checks
//! its foreign keys once, switches it to WAL, syncs it once and renames it onto the name asked
//! for, never over a file that appeared meanwhile. Nothing is visible under that name before all
//! of it is on disk; a crash leaves only the temporary file, held by an exclusive lock while its
//! run lives, which a later run removes once nobody holds it.

use super::claim::names_this_file;
use super::{Database, image, migrate, stop_on_request};
use crate::error::{Error, Result};
use crate::stop::Stop;
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// How often to pick another name when the chosen one is taken or removed under us.
const ATTEMPTS: u32 = 20;

/// The temporary file a new database is built in, and where it goes at the end.
pub(super) struct Aside {
    /// The temporary file itself, locked exclusively for as long as this run builds it.
    lock: File,
    temp: PathBuf,
    target: PathBuf,
    /// The busy timeout of an ordinary load, for falling back to one.
    pub(super) busy_timeout: Duration,
}

/// The directory of `target` and the start of the names of its temporary files.
fn temp_prefix(target: &Path) -> (PathBuf, String) {
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    (dir, format!(".{name}.kbingest-"))
}

/// Removes the temporary files that runs building `target` left behind (killed, or the machine
/// stopped): those whose lock nobody holds. Best effort.
pub(super) fn remove_left_behind(target: &Path) {
    let (dir, prefix) = temp_prefix(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(&prefix) || !name.ends_with(".tmp") {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else { continue };
        if file.try_lock().is_ok() && names_this_file(&path.to_string_lossy(), &file) {
            remove_with_companions(&path);
        }
    }
}

fn remove_with_companions(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

impl Aside {
    /// Creates and locks a temporary file beside `target`, first removing any left behind.
    fn take(target: &str, busy_timeout: Duration) -> Result<Aside> {
        let target_path = PathBuf::from(target);
        let (dir, prefix) = temp_prefix(&target_path);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        for attempt in 0..ATTEMPTS {
            let unique = (nanos as u64).wrapping_add(u64::from(attempt)) & 0xffff_ffff;
            let temp = dir.join(format!("{prefix}{}-{unique:08x}.tmp", std::process::id()));
            let file = match OpenOptions::new().read(true).write(true).create_new(true).open(&temp) {
                Ok(file) => file,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::PermissionDenied) => {
                    return Err(Error::database(
                        target,
                        "cannot be created",
                        "check that its directory exists and is writable",
                    ));
                }
                Err(e) => return Err(Error::io("create a temporary file for the database", target)(e)),
            };
            // Blocks only while another run, finding the file unlocked, removes it: a moment.
            file.lock().map_err(Error::io("lock the temporary file of the database", target))?;
            if names_this_file(&temp.to_string_lossy(), &file) {
                return Ok(Aside { lock: file, temp, target: target_path, busy_timeout });
            }
        }
        Err(Error::database(
            target,
            "could not get a temporary file beside it",
            "check what else creates or removes files in its directory, and try again",
        ))
    }

    /// Removes the temporary file (and what SQLite put beside it), then lets go of it.
    pub(super) fn remove(self) {
        remove_with_companions(&self.temp);
    }

    /// Puts the finished (and closed) temporary file on disk and under the target's name.
    /// Returns false, removing it, when the target cannot be made that way: a file of that name
    /// appeared meanwhile, or the file system renames no other way than over it.
    fn publish(self) -> Result<bool> {
        let target = self.target.to_string_lossy().into_owned();
        if let Err(e) = self.lock.sync_all() {
            self.remove();
            return Err(Error::io("sync the new database", &target)(e));
        }
        if rename_without_replacing(&self.temp, &self.target).is_err() {
            self.remove();
            return Ok(false);
        }
        // The new name on disk too. A directory that cannot be synced (some file systems) is
        // as durable as the file system makes it.
        let (dir, _) = temp_prefix(&self.target);
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(true)
    }
}

/// Renames `from` to `to` unless `to` exists: atomically with `renameat2(RENAME_NOREPLACE)`, or
/// by a hard link and an unlink where the file system lacks it.
fn rename_without_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
        let (f, t) = (c(from)?, c(to)?);
        // SAFETY: two valid NUL-terminated paths, relative to the working directory.
        let rc =
            unsafe { libc::renameat2(libc::AT_FDCWD, f.as_ptr(), libc::AT_FDCWD, t.as_ptr(), libc::RENAME_NOREPLACE) };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(e);
        }
    }
    std::fs::hard_link(from, to)?;
    // Were this to fail, the file would stay under both names; the next run removes the other.
    let _ = std::fs::remove_file(from);
    Ok(())
}

impl Database {
    /// Opens a new database in a temporary file beside `path` (see the module's documentation).
    pub(super) fn open_aside(path: &str, busy_timeout: Duration, stop: Stop) -> Result<Database> {
        let aside = Aside::take(path, busy_timeout)?;
        // The new file starts as the empty database with the whole schema: no migration to run.
        if let Err(e) = image::write_empty(&aside.lock) {
            aside.remove();
            return Err(Error::io("write the new database", path)(e));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(&aside.temp, flags) {
            Ok(conn) => conn,
            Err(e) => {
                aside.remove();
                return Err(Error::sqlite(path, "opening the database")(e));
            }
        };
        let interruptible = Arc::new(AtomicBool::new(false));
        let mut db = Database {
            conn,
            path: path.to_string(),
            created: true,
            claim: None,
            aside: Some(aside),
            stop,
            interruptible,
            foreign_wal: false,
        };
        match db.prepare_aside() {
            Ok(()) => Ok(db),
            Err(e) => {
                db.discard();
                Err(e)
            }
        }
    }

    /// No journal (nothing is visible before the rename, and a failed load removes the file), no
    /// syncing (one sync at the end), foreign keys checked once at the end rather than row by row.
    fn prepare_aside(&mut self) -> Result<()> {
        let path = self.path.clone();
        stop_on_request(&mut self.conn, &path, self.stop, Arc::clone(&self.interruptible))?;
        self.conn
            .query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))
            .map_err(Error::sqlite(&path, "turning off the journal of the new database"))?;
        for (pragma, what) in [("synchronous", "turning off syncing"), ("foreign_keys", "turning off foreign keys")] {
            self.conn.pragma_update(None, pragma, "OFF").map_err(Error::sqlite(&path, what))?;
        }
        migrate::migrate(&self.conn, &path)
    }

    /// Whether this database is being built aside.
    pub(super) fn is_aside(&self) -> bool {
        self.aside.is_some()
    }

    /// After the commit of a database built aside: checks its references, switches it to WAL,
    /// closes it and renames it onto its name. Returns false when a file of that name appeared
    /// meanwhile (the temporary file is gone then): load into that one the ordinary way.
    pub(super) fn publish(&mut self) -> Result<bool> {
        let Some(aside) = self.aside.take() else { return Ok(true) };
        let path = self.path.clone();
        let broken: rusqlite::Result<i64> =
            self.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0));
        let ready = match broken {
            Ok(0) => self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .map_err(Error::sqlite(&path, "switching to WAL mode")),
            Ok(broken) => Err(Error::database(
                &path,
                format!("would have {broken} broken reference(s) after the load; nothing was written"),
                "report this as a kbingest bug, with the documents if you can share them",
            )),
            Err(e) => Err(Error::sqlite(&path, "checking foreign keys after the load")(e)),
        };
        let closed = ready.and_then(|()| {
            let conn = Connection::open_in_memory().map_err(Error::sqlite(&path, "closing the new database"))?;
            std::mem::replace(&mut self.conn, conn)
                .close()
                .map_err(|(_, e)| Error::sqlite(&path, "closing the new database")(e))
        });
        if let Err(e) = closed {
            aside.remove();
            return Err(e);
        }
        aside.publish()
    }

    /// Closes a database built aside after a failure and removes its temporary file.
    pub(super) fn discard_aside(self) {
        let Database { conn, aside, .. } = self;
        drop(conn);
        if let Some(aside) = aside {
            aside.remove();
        }
    }
}
