//! Loading a port registry (IANA's CSV, a services file, nmap-services): read -> parse
//! ([`crate::parse::registry`]) -> store, inside the ingest's transaction like any other source.

use crate::error::{Error, Result};
use crate::parse::registry::read_registry;
use crate::read::Input;
use crate::stop::Stop;
use crate::store::SourceLoad;

/// Records stored between two checks for a stop asked for.
const CHUNK: usize = 1024;

/// Reads the registry `input` and stores its records into `source`. An unreadable line is ledgered
/// as a skipped row, or under `strict` refuses the registry.
pub(super) fn load_registry(
    source: &mut SourceLoad<'_, '_>,
    input: Input,
    strict: bool,
    max_whole_bytes: u64,
    stop: Stop,
) -> Result<()> {
    let (path, format) = (input.path.clone(), input.format);
    let text = input.into_text(max_whole_bytes, stop)?;
    let Some(read) = read_registry(format, &text) else {
        return Err(Error::input(&path, format!("is not a port registry (read as {format})"), "pass --format"));
    };
    if !read.problems.is_empty() {
        if strict {
            return Err(Error::Invalid { path, problems: read.problems });
        }
        for problem in read.problems {
            source.anomaly(None, &problem.into_skipped())?;
        }
    }
    if read.records.is_empty() {
        return Err(Error::input(
            &path,
            format!("holds no registry record (read as {format})"),
            "check that this is the right file, or pass --format if the detection was wrong",
        ));
    }
    for chunk in read.records.chunks(CHUNK) {
        stop.check()?;
        source.registry_records(chunk)?;
    }
    Ok(())
}
