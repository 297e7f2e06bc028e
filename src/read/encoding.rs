//! Encoding detection: a byte-order mark wins; then an HTML page's declared charset; otherwise
//! UTF-8 if the bytes are valid UTF-8 or hold any UTF-8 sequence beyond ASCII (a few stray bytes
//! in a UTF-8 file are then refused at the first, rather than the whole file misread), and
//! windows-1252 if they are neither.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// `<meta charset="x">` or `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)"#).expect("valid regex"));

/// Picks the encoding of a document from its first bytes. `complete` says whether `sniff` is the
/// whole input (so a UTF-8 sequence cut at its end is a real error, not a chunk boundary).
pub fn detect_encoding(sniff: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _bom_len)) = Encoding::for_bom(sniff) {
        return encoding;
    }
    match std::str::from_utf8(sniff) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() && !complete => UTF_8,
        Err(_) if has_utf8_beyond_ascii(sniff) => UTF_8,
        Err(_) => WINDOWS_1252,
    }
}

/// Whether the bytes hold a valid UTF-8 sequence of more than one byte (`—` as E2 80 94): in
/// windows-1252 text such pairs and triples (`â€”`) are next to unheard of.
fn has_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// Where the bytes hold UTF-8 that windows-1252 text next to never holds: a sequence of three or
/// four bytes (`—` as E2 80 94, read as `â€”`), or of two with the lead byte C2 or C3 (`é` as C3 A9,
/// read as `Ã©`). Two-byte sequences with other lead bytes are left alone: an accented capital
/// before a curly quote (`É”`) makes one in honest windows-1252. Returns the offset and the
/// sequence.
pub fn utf8_evidence(bytes: &[u8]) -> Option<(usize, &str)> {
    let mut offset = 0;
    for chunk in bytes.utf8_chunks() {
        for (i, c) in chunk.valid().char_indices() {
            let len = c.len_utf8();
            if len >= 3 || (len == 2 && matches!(chunk.valid().as_bytes()[i], 0xC2 | 0xC3)) {
                return Some((offset + i, &chunk.valid()[i..i + len]));
            }
        }
        offset += chunk.valid().len() + chunk.invalid().len();
    }
    None
}

/// Whether the bytes open with a byte-order mark.
pub fn has_bom(sniff: &[u8]) -> bool {
    Encoding::for_bom(sniff).is_some()
}

/// The charset an HTML page declares in a `<meta>` tag among its first bytes, if encoding_rs knows
/// it. As the HTML standard says, a page that can be read this far in ASCII is not UTF-16 (read
/// such a declaration as UTF-8), and `x-user-defined` means windows-1252.
pub fn declared_charset(sniff: &[u8]) -> Option<&'static Encoding> {
    let label = META_CHARSET.captures(sniff)?.get(1)?.as_bytes();
    let encoding = Encoding::for_label(label)?;
    Some(match encoding {
        e if e == UTF_16LE || e == UTF_16BE => UTF_8,
        e if e == X_USER_DEFINED => WINDOWS_1252,
        e => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Mostly UTF-8 with one stray byte: UTF-8, which refuses the byte, not windows-1252.
        assert_eq!(detect_encoding(b"caf\xC3\xA9 \xE2\x80\x94 \xE9", true), UTF_8);
    }

    #[test]
    fn utf8_in_windows_1252_text_is_found() {
        assert_eq!(utf8_evidence(b"caf\xE9 \xE2\x80\x94 x"), Some((5, "\u{2014}")));
        assert_eq!(utf8_evidence(b"caf\xC3\xA9"), Some((3, "\u{e9}")));
        assert_eq!(utf8_evidence(b"\x93\xC9T\xC9\x94 caf\xE9"), None, "honest windows-1252");
    }

    #[test]
    fn a_sequence_cut_at_the_sniff_boundary_is_still_utf8() {
        let bytes = "ab\u{e9}".as_bytes();
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(detect_encoding(cut, false), UTF_8);
        assert_eq!(detect_encoding(cut, true), WINDOWS_1252);
    }

    #[test]
    fn an_html_page_declares_its_charset() {
        let word = b"<html><head>\n<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">";
        assert_eq!(declared_charset(word), Some(WINDOWS_1252));
        assert_eq!(declared_charset(b"<meta charset='ISO-8859-1'>"), Some(WINDOWS_1252));
        assert_eq!(declared_charset(b"<META CHARSET=utf-8>"), Some(UTF_8));
        assert_eq!(declared_charset(b"<meta charset=\"utf-16\">"), Some(UTF_8));
        assert_eq!(declared_charset(b"<meta charset=\"koi8-r\">"), Some(encoding_rs::KOI8_R));
        assert_eq!(declared_charset(b"<meta charset=\"no-such\">"), None);
        assert_eq!(declared_charset(b"<p>charset=windows-1252</p>"), None);
        assert!(has_bom(b"\xEF\xBB\xBF<html>") && !has_bom(b"<html>"));
    }
}
