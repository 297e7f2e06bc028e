//! How an ingest reports its progress while it runs: the library says what it is doing; the
//! command line decides whether and how to show it.

/// Receives an ingest's progress. Every method does nothing by default.
pub trait Progress {
    /// Reading of an input starts; `total` is its size in bytes where known (a regular file).
    fn reading(&self, _input: &str, _total: Option<u64>) {}
    /// `bytes` of the current input have been read.
    fn read(&self, _bytes: u64) {}
    /// Every input is read; indexes are being built and the load committed.
    fn finishing(&self) {}
    /// A stage of the end of the load starts: `indexing`, `search index`, `committing`.
    fn stage(&self, _name: &str) {}
    /// The ingest is committed.
    fn done(&self) {}
}

/// Shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
