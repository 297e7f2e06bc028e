//! Output files that are whole or absent: written beside their final name and renamed into place
//! only once complete, so that a failed export never leaves half a CSV for a BI tool to import.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Creates (or replaces) the file `path` with what `write` writes into it. If `write` fails, the
/// file is left as it was.
pub fn write_file<T>(path: &Path, write: impl FnOnce(&mut BufWriter<File>) -> Result<T>) -> Result<T> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(Error::Usage(format!("{shown} is a folder; name a file with -o, or pass --all to fill a folder")));
    }
    let partial = partial_path(path);
    let file = File::create(&partial).map_err(Error::io("create the output file", &shown))?;
    let mut out = BufWriter::new(file);
    let result = write(&mut out).and_then(|value| {
        let file = out.into_inner().map_err(|e| Error::io("write the output file", &shown)(e.into_error()))?;
        file.sync_all().map_err(Error::io("write the output file", &shown))?;
        std::fs::rename(&partial, path).map_err(Error::io("write the output file", &shown))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// `dir/.name.partial`: hidden, in the same folder so that the rename cannot cross file systems.
fn partial_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_failed_write_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let result: Result<()> = write_file(&path, |out| {
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
        write_file(&path, |out| out.write_all(b"new\n").map_err(Error::io("write", "out.csv"))).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
