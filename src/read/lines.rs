//! Decodes a byte stream chunk by chunk and splits it into lines (LF, CRLF or CR), numbered from 1.
//! Memory stays bounded by the chunk size and the longest line.

use crate::error::{Error, Result};
use encoding_rs::{DecoderResult, Encoding};
use std::io::Read;

/// The longest line accepted; a longer one is an input error, not a reason to run out of memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

const CHUNK_BYTES: usize = 64 * 1024;

/// One decoded line of the input, without its line terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the original input.
    pub number: u32,
    /// The line's text.
    pub text: String,
}

/// An iterator over the decoded lines of a byte stream.
pub struct Lines<R> {
    reader: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    path: String,
    chunk: Vec<u8>,
    text: String,
    pos: usize,
    next_number: u32,
    eof: bool,
    failed: bool,
    /// Where the encoding was guessed as windows-1252 from a byte that is not UTF-8: that byte and
    /// its line. UTF-8 found later then refuses the input (it mixes two encodings).
    guessed_from: Option<(u8, u32)>,
    /// The last bytes of the chunk before, where a UTF-8 sequence may begin.
    carry: Vec<u8>,
}

impl<R: Read> Lines<R> {
    /// Lines of `reader`, decoded from `encoding` (a byte-order mark of that encoding is dropped).
    pub fn new(reader: R, encoding: &'static Encoding, path: String) -> Lines<R> {
        Lines {
            reader,
            decoder: encoding.new_decoder_with_bom_removal(),
            encoding,
            path,
            chunk: vec![0; CHUNK_BYTES],
            text: String::new(),
            pos: 0,
            next_number: 1,
            eof: false,
            failed: false,
            guessed_from: None,
            carry: Vec::new(),
        }
    }

    /// Refuses UTF-8 in an input read as windows-1252 because of the byte `byte` on line `line`.
    pub fn refusing_utf8(mut self, byte: u8, line: u32) -> Lines<R> {
        self.guessed_from = Some((byte, line));
        self
    }

    /// The error for UTF-8 in an input whose encoding was guessed from a byte that is not.
    fn check_mixed(&mut self, n: usize) -> Result<()> {
        let Some((byte, stray_line)) = self.guessed_from else { return Ok(()) };
        let carried = self.carry.len();
        self.carry.extend_from_slice(&self.chunk[..n]);
        if let Some((offset, sequence)) = super::encoding::utf8_evidence(&self.carry) {
            let newlines = self.carry[carried.min(offset)..offset].iter().filter(|&&b| b == b'\n').count();
            let line = self.line_at(self.text.len()).saturating_add(newlines as u32);
            return Err(Error::input_at(
                &self.path,
                line,
                format!(
                    "the document mixes two encodings: this line holds UTF-8 (`{sequence}`), line {stray_line} a byte \
                     that is not UTF-8 (0x{byte:02X}), for which it was read as windows-1252"
                ),
                "convert it to one encoding (UTF-8), or name the one to read it as with --encoding",
            ));
        }
        let keep = self.carry.len().saturating_sub(3);
        self.carry.drain(..keep);
        Ok(())
    }

    /// The line number the next unread text starts on, counting newlines before `offset`.
    fn line_at(&self, offset: usize) -> u32 {
        let newlines = self.text[self.pos..offset.min(self.text.len())].matches('\n').count();
        self.next_number.saturating_add(newlines as u32)
    }

    /// Reads and decodes one more chunk into `text`.
    fn fill(&mut self) -> Result<()> {
        if self.pos > 0 {
            self.text.drain(..self.pos);
            self.pos = 0;
        }
        let n = loop {
            match self.reader.read(&mut self.chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io("read input", &self.path)(e)),
            }
        };
        self.eof = n == 0;
        self.check_mixed(n)?;
        let mut input = &self.chunk[..n];
        loop {
            let need =
                self.decoder.max_utf8_buffer_length_without_replacement(input.len()).unwrap_or(input.len() * 3 + 16);
            self.text.reserve(need);
            let (result, read) = self.decoder.decode_to_string_without_replacement(input, &mut self.text, self.eof);
            let at = n - input.len() + read;
            input = &input[read..];
            match result {
                DecoderResult::InputEmpty => return Ok(()),
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(bad, after) => {
                    // A sequence begun in the previous chunk has its first byte there.
                    let byte = at.checked_sub(usize::from(bad) + usize::from(after)).map(|start| self.chunk[start]);
                    return Err(self.malformed(byte));
                }
            }
        }
    }

    /// The error for the first byte that is not valid in the encoding, at the end of `text`.
    fn malformed(&self, byte: Option<u8>) -> Error {
        let line = self.line_at(self.text.len());
        let line_text = &self.text[self.pos..];
        let line_start = line_text.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let column = line_text[line_start..].chars().count() + 1;
        let hint = if self.encoding == encoding_rs::UTF_8 {
            "if the document is in another encoding, name it with --encoding (e.g. --encoding windows-1252); \
             if it is UTF-8, that byte is damage to fix"
        } else {
            "name the document's real encoding with --encoding"
        };
        Error::input_at(
            &self.path,
            line,
            match byte {
                Some(byte) => format!("byte 0x{byte:02X} at column {column} is not valid {}", self.encoding.name()),
                None => format!("the bytes at column {column} are not valid {}", self.encoding.name()),
            },
            hint,
        )
    }

    fn take_line(&mut self, end: usize, terminator: usize) -> Result<Line> {
        let number = self.next_number;
        let text = self.text[self.pos..end].to_string();
        self.pos = end + terminator;
        self.next_number = self.next_number.saturating_add(1);
        if text.len() > MAX_LINE_BYTES {
            return Err(too_long(&self.path, number, &format!("{} bytes", text.len())));
        }
        if text.contains('\0') {
            return Err(Error::input_at(
                &self.path,
                number,
                "binary data: expected text, found a NUL byte",
                "name a text, HTML or Markdown document; for UTF-16 without a byte-order mark pass \
                 --encoding utf-16le or utf-16be",
            ));
        }
        Ok(Line { number, text })
    }

    fn next_line(&mut self) -> Result<Option<Line>> {
        loop {
            let rest = &self.text.as_bytes()[self.pos..];
            if let Some(i) = memchr_newline(rest) {
                let end = self.pos + i;
                if rest[i] == b'\n' {
                    return self.take_line(end, 1).map(Some);
                }
                // A CR: part of CRLF, or a line ending of its own. At the end of the buffer the
                // next chunk decides.
                if i + 1 < rest.len() {
                    let terminator = if rest[i + 1] == b'\n' { 2 } else { 1 };
                    return self.take_line(end, terminator).map(Some);
                }
                if self.eof {
                    return self.take_line(end, 1).map(Some);
                }
            } else if self.eof {
                if self.pos < self.text.len() {
                    let end = self.text.len();
                    return self.take_line(end, 0).map(Some);
                }
                return Ok(None);
            } else if rest.len() > MAX_LINE_BYTES {
                let number = self.next_number;
                return Err(too_long(&self.path, number, &format!("more than {MAX_LINE_BYTES} bytes")));
            }
            self.fill()?;
        }
    }
}

/// The error for a line longer than [`MAX_LINE_BYTES`]; `found` says how long it is.
fn too_long(path: &str, line: u32, found: &str) -> Error {
    Error::input_at(
        path,
        line,
        format!("line too long: expected at most {MAX_LINE_BYTES} bytes (1 MiB) to a line, found {found}"),
        "check that this is the right file (knowledge-base documents have short lines)",
    )
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n' || b == b'\r')
}

impl<R: Read> Iterator for Lines<R> {
    type Item = Result<Line>;

    fn next(&mut self) -> Option<Result<Line>> {
        if self.failed {
            return None;
        }
        match self.next_line() {
            Ok(line) => line.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_8, UTF_16LE, WINDOWS_1252};

    fn lines(bytes: &[u8], encoding: &'static Encoding) -> Vec<(u32, String)> {
        Lines::new(bytes, encoding, "t".into()).map(|l| l.map(|l| (l.number, l.text))).collect::<Result<_>>().unwrap()
    }

    #[test]
    fn splits_lf_crlf_and_cr() {
        let got = lines(b"a\nb\r\nc\rd", UTF_8);
        let want: Vec<_> = [(1, "a"), (2, "b"), (3, "c"), (4, "d")].iter().map(|&(n, s)| (n, s.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn keeps_empty_lines_and_drops_the_bom() {
        assert_eq!(lines(b"\xEF\xBB\xBFx\n\ny\n", UTF_8), vec![(1, "x".into()), (2, "".into()), (3, "y".into())]);
    }

    #[test]
    fn decodes_utf16_and_windows_1252() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "UPD\r\n2703".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(lines(&utf16, UTF_16LE), vec![(1, "UPD".into()), (2, "2703".into())]);
        assert_eq!(lines(b"Outlook\xAE\n", WINDOWS_1252), vec![(1, "Outlook\u{ae}".into())]);
    }

    #[test]
    fn crlf_split_across_chunks_is_one_terminator() {
        let mut doc = "x".repeat(CHUNK_BYTES - 1);
        doc.push_str("\r\nnext\n");
        let got = lines(doc.as_bytes(), UTF_8);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], (2, "next".into()));
    }

    #[test]
    fn invalid_utf8_is_an_error_at_its_line() {
        let err = Lines::new(&b"ok\nbad \xFF\n"[..], UTF_8, "doc.txt".into()).collect::<Result<Vec<_>>>().unwrap_err();
        assert!(err.to_string().starts_with("doc.txt:2: byte 0xFF at column 5 is not valid UTF-8; "), "{err}");
    }

    #[test]
    fn utf8_after_a_guess_of_windows_1252_is_refused_at_its_line() {
        let mut doc = b"caf\xE9\n".to_vec();
        doc.extend(std::iter::repeat_n(b'x', CHUNK_BYTES - 1));
        doc.extend_from_slice("\nok\nLate \u{2014} caf\u{e9}\n".as_bytes());
        let lines = Lines::new(&doc[..], WINDOWS_1252, "mixed.txt".into()).refusing_utf8(0xE9, 1);
        let err = lines.collect::<Result<Vec<_>>>().unwrap_err().to_string();
        assert!(
            err.starts_with(
                "mixed.txt:4: the document mixes two encodings: this line holds UTF-8 (`\u{2014}`), line 1"
            ),
            "{err}"
        );
    }

    #[test]
    fn nul_is_binary_data() {
        let err = Lines::new(&b"a\nb\0c\n"[..], UTF_8, "x".into()).collect::<Result<Vec<_>>>().unwrap_err();
        assert!(err.to_string().contains("x:2: binary data: expected text, found a NUL byte"), "{err}");
    }

    #[test]
    fn an_endless_line_is_refused() {
        let doc = vec![b'a'; MAX_LINE_BYTES + CHUNK_BYTES * 2];
        let err = Lines::new(&doc[..], UTF_8, "big".into()).collect::<Result<Vec<_>>>().unwrap_err();
        assert!(err.to_string().starts_with("big:1: line too long: expected at most 1048576 bytes"), "{err}");
    }
}
