//! Standard input that can be read a second time. A load into a new database builds it aside
//! (see `store/aside.rs`); should another run create the database meanwhile, the load runs again,
//! into that one, and needs the same bytes again. They are kept while they are read the first
//! time, in an unnamed temporary file in the database's folder (not in a `/tmp` that may be
//! memory): it takes no name and goes when kbingest ends, however it ends.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::ByteStream;

/// Standard input, with a copy of what has been read of it.
pub struct StdinCopy {
    copy: File,
    read_once: bool,
}

impl StdinCopy {
    /// Makes the (empty) copy in `dir`.
    pub fn create(dir: &Path) -> io::Result<StdinCopy> {
        let unnamed = OpenOptions::new().read(true).write(true).custom_flags(libc::O_TMPFILE).mode(0o600).open(dir);
        let copy = match unnamed {
            Ok(file) => file,
            // A file system without unnamed files: a hidden name, removed at once.
            Err(_) => {
                let path = dir.join(format!(".kbingest-stdin-{}.tmp", std::process::id()));
                let file = OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
                std::fs::remove_file(&path)?;
                file
            }
        };
        Ok(StdinCopy { copy, read_once: false })
    }

    /// Standard input the first time, copied as it is read; the copy, from its start, after.
    pub fn reader(&mut self) -> io::Result<ByteStream> {
        let mut copy = self.copy.try_clone()?;
        if std::mem::replace(&mut self.read_once, true) {
            copy.seek(SeekFrom::Start(0))?;
            return Ok(Box::new(copy));
        }
        Ok(Box::new(Copied { from: io::stdin(), copy }))
    }
}

/// A reader that writes everything it reads into a file too.
struct Copied<R> {
    from: R,
    copy: File,
}

impl<R: Read> Read for Copied<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.from.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_reads_the_same_bytes_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut stdin = StdinCopy::create(dir.path()).unwrap();
        stdin.read_once = true;
        stdin.copy.write_all(b"the same bytes").unwrap();
        for _ in 0..2 {
            let mut again = String::new();
            stdin.reader().unwrap().read_to_string(&mut again).unwrap();
            assert_eq!(again, "the same bytes");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the copy has no name");
    }
}
