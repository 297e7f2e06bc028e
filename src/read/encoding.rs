//! Encoding detection: a byte-order mark wins; otherwise UTF-8 if the bytes are valid UTF-8,
//! windows-1252 if they are not.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Picks the encoding of a document from its first bytes. `complete` says whether `sniff` is the
/// whole input (so a UTF-8 sequence cut at its end is a real error, not a chunk boundary).
pub fn detect_encoding(sniff: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _bom_len)) = Encoding::for_bom(sniff) {
        return encoding;
    }
    match std::str::from_utf8(sniff) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() && !complete => UTF_8,
        Err(_) => WINDOWS_1252,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16BE, UTF_16LE};

    #[test]
    fn bom_decides() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFabc", true), UTF_8);
        assert_eq!(detect_encoding(b"\xFF\xFEa\0", true), UTF_16LE);
        assert_eq!(detect_encoding(b"\xFE\xFF\0a", true), UTF_16BE);
    }

    #[test]
    fn invalid_utf8_means_windows_1252() {
        assert_eq!(detect_encoding("caf\u{e9}".as_bytes(), true), UTF_8);
        assert_eq!(detect_encoding(b"caf\xE9 au lait", true), WINDOWS_1252);
    }

    #[test]
    fn a_sequence_cut_at_the_sniff_boundary_is_still_utf8() {
        let bytes = "ab\u{e9}".as_bytes();
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(detect_encoding(cut, false), UTF_8);
        assert_eq!(detect_encoding(cut, true), WINDOWS_1252);
    }
}
