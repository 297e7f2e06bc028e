//! Reading: opens an input (a file or standard input), works out its encoding and format from the
//! content, and hands out its text line by line without holding the whole input in memory.

mod encoding;
mod format;
mod lines;

pub use encoding::{declared_charset, detect_encoding, has_bom};
pub use format::{InputFormat, detect_format};
pub use lines::{Line, Lines, MAX_LINE_BYTES};

use crate::error::{Error, Result};
use crate::stop::Stop;
use encoding_rs::Encoding;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::sync::{Arc, Mutex, PoisonError};

/// How many bytes are looked at to tell the encoding and the format.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// The largest input read whole (HTML and Markdown are parsed whole; text streams) unless
/// `--max-input-size` says otherwise: 64 MiB, far beyond any knowledge-base page.
pub const DEFAULT_MAX_WHOLE_BYTES: u64 = 64 << 20;

/// What the user asked for on the command line about reading an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--format`: skip format detection.
    pub format: Option<InputFormat>,
    /// `--encoding`: skip encoding detection (an encoding_rs label such as `windows-1252`).
    pub encoding: Option<&'static Encoding>,
    /// `--max-input-size`: the most bytes of an input read whole; `None` for
    /// [`DEFAULT_MAX_WHOLE_BYTES`].
    pub max_whole_bytes: Option<u64>,
}

/// The sha256 and size of every byte read so far, shared with whoever consumes the input (on
/// another thread, as the ingest does).
#[derive(Clone, Default)]
pub struct Fingerprint(Arc<Mutex<(Sha256, u64)>>);

impl Fingerprint {
    fn state(&self) -> std::sync::MutexGuard<'_, (Sha256, u64)> {
        // The state stays whole whatever panicked while holding it: a hash update cannot half-apply.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, bytes: &[u8]) {
        let mut state = self.state();
        state.0.update(bytes);
        state.1 += bytes.len() as u64;
    }

    /// How many bytes have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.state().1
    }

    /// The lowercase hex sha256 and the byte count of what has been read.
    pub fn finish(&self) -> (String, u64) {
        let state = self.state();
        let digest = state.0.clone().finalize();
        let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
        (hex, state.1)
    }
}

/// The sha256 and size of a whole file, read apart from any parsing: lets an ingest see that a
/// source is unchanged without parsing it.
/// A large file takes a while: `stop` is asked between chunks.
pub fn fingerprint_file(path: &str, stop: Stop) -> Result<(String, u64)> {
    let fingerprint = Fingerprint::default();
    let file = File::open(path).map_err(Error::io("read input", path))?;
    let mut reader = Fingerprinted { inner: file, fingerprint: fingerprint.clone() };
    let mut chunk = vec![0; 1 << 20];
    loop {
        stop.check()?;
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(fingerprint.finish()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read input", path)(e)),
        }
    }
}

/// A reader that feeds every byte it passes on into a [`Fingerprint`].
struct Fingerprinted<R> {
    inner: R,
    fingerprint: Fingerprint,
}

impl<R: Read> Read for Fingerprinted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.fingerprint.update(&buf[..n]);
        Ok(n)
    }
}

/// A size as people say it: `64 MiB`.
fn size_words(bytes: u64) -> String {
    if bytes >= 1 << 20 { format!("{} MiB", bytes >> 20) } else { format!("{bytes} bytes") }
}

/// A file's bytes, refused if there turn out to be fewer or more than its size when it was opened:
/// a file truncated or appended to while kbingest reads it would otherwise load in part.
struct SizeChecked<R> {
    inner: R,
    expected: u64,
    seen: u64,
}

impl<R: Read> Read for SizeChecked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen += n as u64;
        if (n == 0 && !buf.is_empty() && self.seen != self.expected) || self.seen > self.expected {
            let verb = if self.seen > self.expected { "grew" } else { "shrank" };
            return Err(io::Error::other(format!(
                "it {verb} while being read ({} bytes when opened, {}{} read): load it once nothing writes to it",
                self.expected,
                if verb == "grew" { "more than " } else { "" },
                self.seen
            )));
        }
        Ok(n)
    }
}

/// The byte stream of an input, after its first bytes have been looked at.
pub type ByteStream = Box<dyn Read + Send>;

/// An opened input whose encoding and format are known.
pub struct Input {
    /// The name the input is known by in messages (its path as given, `-` for standard input).
    pub path: String,
    /// The encoding the text is decoded from.
    pub encoding: &'static Encoding,
    /// The document format.
    pub format: InputFormat,
    /// Whether the input is a regular file (and could be read again).
    pub is_file: bool,
    /// The input's size in bytes, where known (a regular file).
    pub size: Option<u64>,
    /// sha256 and size of the bytes read so far.
    pub fingerprint: Fingerprint,
    bytes: ByteStream,
}

impl Input {
    /// Opens `path` (`-` for standard input) and detects encoding and format from its content,
    /// unless `options` override them.
    pub fn open(path: &str, options: &ReadOptions) -> Result<Input> {
        let (raw, is_file, size): (Box<dyn Read + Send>, bool, Option<u64>) = if path == "-" {
            (Box::new(io::stdin()), false, None)
        } else {
            let meta = std::fs::metadata(path).map_err(Error::io("open input", path))?;
            if meta.is_dir() {
                return Err(Error::input(path, "is a directory, not a document", "name a document file"));
            }
            let file = File::open(path).map_err(Error::io("open input", path))?;
            let size = meta.is_file().then_some(meta.len());
            let raw: Box<dyn Read + Send> = match size {
                Some(expected) => Box::new(SizeChecked { inner: file, expected, seen: 0 }),
                None => Box::new(file),
            };
            (raw, meta.is_file(), size)
        };
        let fingerprint = Fingerprint::default();
        let mut reader = Fingerprinted { inner: raw, fingerprint: fingerprint.clone() };
        let mut sniff = Vec::with_capacity(SNIFF_BYTES);
        (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut sniff).map_err(Error::io("read input", path))?;
        if sniff.is_empty() {
            return Err(Error::input(
                path,
                "is empty: expected a document with port tables, found 0 bytes",
                "check that this is the right file",
            ));
        }
        if sniff.starts_with(SQLITE_HEADER) {
            return Err(Error::input(
                path,
                "this is a database (an SQLite file), not a document",
                format!(
                    "did you mean -o {path}? Name the documents to load first and the database after -o, e.g. \
                     `kbingest raw/ports.txt -o {path}`; to read a database, use `kbingest ports`, `who`, `query` or \
                     `export`"
                ),
            ));
        }
        let complete = sniff.len() < SNIFF_BYTES;
        let mut encoding = options.encoding.unwrap_or_else(|| detect_encoding(&sniff, complete));
        let (sniff_text, _, _) = encoding.decode(&sniff);
        let format =
            options.format.or_else(|| InputFormat::from_extension(path)).unwrap_or_else(|| detect_format(&sniff_text));
        // Without a byte-order mark or --encoding, a web page's own declaration wins.
        if format == InputFormat::Html && options.encoding.is_none() && !has_bom(&sniff) {
            encoding = declared_charset(&sniff).unwrap_or(encoding);
        }
        let bytes: ByteStream = Box::new(Cursor::new(sniff).chain(reader));
        Ok(Input { path: path.to_string(), encoding, format, is_file, size, fingerprint, bytes })
    }

    /// The decoded lines of the input, numbered from 1.
    pub fn lines(self) -> Lines<ByteStream> {
        Lines::new(self.bytes, self.encoding, self.path)
    }

    /// The whole decoded text, for formats that are parsed as a whole (HTML, Markdown), read
    /// while `stop` does not ask to stop, and refused beyond `max_bytes` (before reading, where
    /// the size is known). Line breaks are kept as they are, so the parser can count lines itself.
    pub fn into_text(self, max_bytes: u64, stop: Stop) -> Result<String> {
        let (path, format) = (self.path.clone(), self.format);
        let too_large = |found: &str| {
            Error::input(
                &path,
                format!(
                    "is {found} bytes, more than the {max_bytes} ({}) kbingest reads whole for {}",
                    size_words(max_bytes),
                    format
                ),
                format!("pass --max-input-size {}M (or more) to read it anyway", (max_bytes >> 20).max(1) * 4),
            )
        };
        if let Some(size) = self.size.filter(|&size| size > max_bytes) {
            return Err(too_large(&size.to_string()));
        }
        let mut text = String::new();
        for line in self.lines() {
            stop.check()?;
            let line = line?;
            if (text.len() + line.text.len()) as u64 > max_bytes {
                return Err(too_large(&format!("more than {max_bytes}")));
            }
            text.push_str(&line.text);
            text.push('\n');
        }
        if text.is_empty() {
            return Err(Error::input(&path, "the input is empty", "name a document with port tables"));
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], expected: u64) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        SizeChecked { inner: bytes, expected, seen: 0 }.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn a_file_that_changes_size_while_read_is_an_error() {
        assert_eq!(read_all(b"hello", 5).unwrap(), b"hello");
        let shrank = read_all(b"hello", 10).unwrap_err().to_string();
        assert!(shrank.starts_with("it shrank while being read (10 bytes when opened, 5 read)"), "{shrank}");
        let grew = read_all(b"hello", 3).unwrap_err().to_string();
        assert!(grew.starts_with("it grew while being read (3 bytes when opened, more than"), "{grew}");
    }
}
