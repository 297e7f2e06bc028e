//! Characters lost or garbled in an encoding conversion: a `?` standing between spaces where a
//! character could not be converted, U+FFFD where one could not be decoded, and UTF-8 read as
//! windows-1252 (`â€”` for `—`, `Ã©` for `é`). The text keeps the document's words; the anomaly says
//! what it probably was.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::Located;

/// The encoding artifacts in a located text, each at its own line.
pub fn encoding_artifacts(text: &Located) -> Vec<Anomaly> {
    // Every text of every document passes through here: most have no character to look at.
    let suspect = |c: char| c == '?' || c == '\u{fffd}' || ('\u{c2}'..='\u{f4}').contains(&c);
    // Bytes first, without decoding: `?` is 0x3F, U+FFFD is EF BF BD and U+00C2..=U+00F4 are C3 xx
    // in UTF-8, so a text without one of those three bytes holds no suspect character.
    if memchr::memchr3(b'?', 0xC3, 0xEF, text.text.as_bytes()).is_none() || !text.text.contains(suspect) {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if !suspect(c) {
            i += 1;
            continue;
        }
        let line = text.line.saturating_add(text.text[..offset].matches('\n').count() as u32);
        let mut skip = 1;
        if c == '?' && lost_between_spaces(&chars, i) {
            let raw = context(&chars, i, i + 1);
            let message = format!(
                "A character was lost in an encoding conversion: `?` stands between spaces in \"{raw}\", probably \
                 for a dash (– or —); the text is kept as it is."
            );
            found.push(Anomaly::new(line, AnomalyKind::EncodingArtifact, raw, None, message));
        } else if c == '\u{fffd}' {
            let raw = context(&chars, i, i + 1);
            let message = format!(
                "A character could not be decoded (U+FFFD) in \"{raw}\"; the original is unknown and the text is \
                 kept as it is."
            );
            found.push(Anomaly::new(line, AnomalyKind::EncodingArtifact, raw, None, message));
        } else if let Some((len, original)) = utf8_read_as_windows_1252(&chars[i..]) {
            let garbled: String = chars[i..i + len].iter().map(|&(_, c)| c).collect();
            let message =
                format!("`{garbled}` is UTF-8 read as windows-1252: probably `{original}`; the text is kept as it is.");
            found.push(Anomaly::new(line, AnomalyKind::EncodingArtifact, garbled, None, message));
            skip = len;
        }
        i += skip;
    }
    found
}

/// Whether the `?` at `i` stands alone between two words (`network ? either`), as no question
/// mark does.
fn lost_between_spaces(chars: &[(usize, char)], i: usize) -> bool {
    let at = |k: Option<usize>| k.and_then(|k| chars.get(k)).map(|&(_, c)| c);
    let space = |c: Option<char>| matches!(c, Some(' ' | '\u{a0}'));
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '(' | '"' | ','));
    space(at(i.checked_sub(1))) && space(at(Some(i + 1))) && word(at(i.checked_sub(2))) && word(at(Some(i + 2)))
}

/// The words around `start..end`: the word before, the artifact, the word after.
fn context(chars: &[(usize, char)], start: usize, end: usize) -> String {
    let is_break = |c: char| c == '\n';
    let mut from = start;
    let mut spaces = 0;
    while from > 0 && !is_break(chars[from - 1].1) {
        if chars[from - 1].1 == ' ' {
            spaces += 1;
            if spaces == 2 {
                break;
            }
        }
        from -= 1;
    }
    let mut to = end;
    spaces = 0;
    while to < chars.len() && !is_break(chars[to].1) {
        if chars[to].1 == ' ' {
            spaces += 1;
            if spaces == 2 {
                break;
            }
        }
        to += 1;
    }
    chars[from..to].iter().map(|&(_, c)| c).collect::<String>().trim().to_string()
}

/// If the text starts with a UTF-8 sequence of two to four bytes decoded as windows-1252 (`Ã©`,
/// `â€”`), how many characters it takes and the character it stood for.
fn utf8_read_as_windows_1252(chars: &[(usize, char)]) -> Option<(usize, char)> {
    let lead = windows_1252_byte(chars.first()?.1)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut bytes = vec![lead];
    for &(_, c) in chars.get(1..len)? {
        bytes.push(windows_1252_byte(c).filter(|b| (0x80..=0xBF).contains(b))?);
    }
    let original = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    Some((len, original))
}

/// The windows-1252 byte a character is decoded from, for the characters of bytes 0x80 to 0xFF.
fn windows_1252_byte(c: char) -> Option<u8> {
    if ('\u{a0}'..='\u{ff}').contains(&c) {
        return u8::try_from(c as u32).ok();
    }
    // 0x80-0x9F: windows-1252's own characters (and the five bytes it leaves undefined, which
    // decoders pass through as C1 controls).
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    HIGH.iter().position(|&h| h == c).map(|p| 0x80 + p as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(u32, String, String)> {
        encoding_artifacts(&Located::new(7, text)).into_iter().map(|a| (a.line, a.raw, a.message)).collect()
    }

    #[test]
    fn a_question_mark_between_spaces_is_a_lost_dash() {
        let f = found("connecting to a network ? either LAN or remote ? using VPN");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].1, "network ? either");
        assert_eq!(f[1].1, "remote ? using");
        assert!(f[0].2.contains("probably for a dash"), "{}", f[0].2);
    }

    #[test]
    fn real_question_marks_are_not() {
        assert!(found("What is a port? A number. Is it open ?").is_empty());
        assert!(found("see https://x/?view=1 and a?b").is_empty());
    }

    #[test]
    fn mojibake_and_replacement_characters() {
        let f = found("the ALG FTP plugâ€”in\nis cafÃ© or caf\u{fffd}");
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].0, f[0].1.as_str()), (7, "â€”"));
        assert!(f[0].2.contains("probably `—`"), "{}", f[0].2);
        assert_eq!((f[1].0, f[1].1.as_str()), (8, "Ã©"));
        assert!(f[1].2.contains("probably `é`"));
        assert_eq!(f[2].0, 8);
        assert!(f[2].2.contains("U+FFFD"));
    }

    #[test]
    fn plain_accents_are_not_mojibake() {
        assert!(found("Outlook® Café naïve — Größe").is_empty());
    }
}
