//! One cell of output: how an SQLite value is written as text or as JSON, and how `--excel-safe`
//! neutralizes text a spreadsheet would execute.

use rusqlite::types::ValueRef;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The first characters that make a spreadsheet treat a cell as a formula (or, for tab and
/// carriage return, that some spreadsheets strip before doing so).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A value as text: NULL is empty, numbers in their usual decimal form, blobs as an SQL literal
/// `X'0A1B'` (kbingest's own tables hold no blobs; an ad-hoc query can).
pub fn text(value: ValueRef<'_>) -> Cow<'_, str> {
    match value {
        ValueRef::Null => Cow::Borrowed(""),
        ValueRef::Integer(v) => Cow::Owned(v.to_string()),
        ValueRef::Real(v) => Cow::Owned(real(v)),
        ValueRef::Text(t) => String::from_utf8_lossy(t),
        ValueRef::Blob(b) => Cow::Owned(blob(b)),
    }
}

/// A cell as text for a spreadsheet: with `excel_safe`, text that would run as a formula gets a
/// leading `'`. Numbers are never changed: a spreadsheet reads `-1` as a number, not a formula.
pub fn spreadsheet_text(value: ValueRef<'_>, excel_safe: bool) -> Cow<'_, str> {
    let text = text(value);
    if excel_safe && matches!(value, ValueRef::Text(_)) { neutralize(text) } else { text }
}

/// Prefixes `'` to text that starts like a formula; other text is returned as it is.
pub fn neutralize(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{text}")) } else { text }
}

/// Whether a character acts on a terminal instead of showing: a control character (an escape
/// sequence starts with one), or an invisible one that reorders the text around it (bidi
/// overrides and isolates, which can make `evil` read as `live`).
fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text made safe to show on a terminal: every character that would act on it is written as an
/// escape, `\x1b` or `\u{202e}`. With `keep_layout`, line breaks and tabs stay as they are (cells
/// of a CSV file shown on a terminal); otherwise they are escaped too (one line of a message).
pub fn escape_for_terminal(text: Cow<'_, str>, keep_layout: bool) -> Cow<'_, str> {
    let escaped = |c: char| acts_on_terminal(c) && !(keep_layout && matches!(c, '\n' | '\t'));
    if !text.chars().any(escaped) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !escaped(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Characters that could start inline markup in GitHub Markdown, or end a table cell (`|`).
const MARKDOWN_SPECIALS: [char; 10] = ['\\', '`', '*', '_', '[', ']', '<', '&', '~', '|'];

/// Text for a Markdown table cell: markup characters escaped with a backslash, so that a cell
/// shows the document's own words, and line breaks and other control characters as spaces, so that
/// a row stays on its line.
pub fn markdown_text(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    for c in text.chars() {
        if MARKDOWN_SPECIALS.contains(&c) {
            cell.push('\\');
            cell.push(c);
        } else if c.is_control() {
            cell.push(' ');
        } else {
            cell.push(c);
        }
    }
    cell
}

/// Writes a value as JSON: NULL as `null`, numbers as numbers (a non-finite real as `null`, which
/// JSON cannot express otherwise), text and blobs as strings.
pub fn write_json(out: &mut impl Write, value: ValueRef<'_>) -> io::Result<()> {
    match value {
        ValueRef::Null => out.write_all(b"null"),
        ValueRef::Integer(v) => write!(out, "{v}"),
        ValueRef::Real(v) if v.is_finite() => out.write_all(real(v).as_bytes()),
        ValueRef::Real(_) => out.write_all(b"null"),
        ValueRef::Text(t) => json_string(out, &String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => json_string(out, &blob(b)),
    }
}

/// Writes a string as a JSON string, escaped; also the characters that act on a terminal which
/// JSON lets through as they are (DEL, C1 controls, bidi overrides) are written as `\uXXXX`: the
/// same string to a JSON reader, and nothing for a terminal to act on.
pub fn json_string(out: &mut impl Write, text: &str) -> io::Result<()> {
    if !text.chars().any(acts_on_terminal) {
        return serde_json::to_writer(out, text).map_err(io::Error::from);
    }
    let json = serde_json::to_string(text).map_err(io::Error::from)?;
    out.write_all(json_without_terminal_controls(json).as_bytes())
}

/// JSON text with the characters that act on a terminal, which can only be inside its strings,
/// written as `\uXXXX` escapes: the same JSON to a reader.
pub fn json_without_terminal_controls(json: String) -> String {
    if !json.chars().any(acts_on_terminal) {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if acts_on_terminal(c) && c != '\n' {
            let _ = write!(safe, "\\u{:04x}", c as u32);
        } else {
            safe.push(c);
        }
    }
    safe
}

/// A real in the shortest form that reads back the same, always with a decimal point or exponent
/// so that it stays a real (`1.0`, not `1`).
fn real(v: f64) -> String {
    format!("{v:?}")
}

fn blob(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2 + 3);
    text.push_str("X'");
    for b in bytes {
        let _ = write!(text, "{b:02X}");
    }
    text.push('\'');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(value: ValueRef<'_>) -> String {
        let mut out = Vec::new();
        write_json(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_as_text() {
        assert_eq!(text(ValueRef::Null), "");
        assert_eq!(text(ValueRef::Integer(-42)), "-42");
        assert_eq!(text(ValueRef::Real(1.0)), "1.0");
        assert_eq!(text(ValueRef::Real(0.25)), "0.25");
        assert_eq!(text(ValueRef::Text("DNS Server".as_bytes())), "DNS Server");
        assert_eq!(text(ValueRef::Blob(&[0x0a, 0xff])), "X'0AFF'");
    }

    #[test]
    fn values_as_json() {
        assert_eq!(json(ValueRef::Null), "null");
        assert_eq!(json(ValueRef::Integer(65535)), "65535");
        assert_eq!(json(ValueRef::Real(2.5)), "2.5");
        assert_eq!(json(ValueRef::Real(f64::INFINITY)), "null");
        assert_eq!(json(ValueRef::Text("say \"hi\"\n".as_bytes())), r#""say \"hi\"\n""#);
    }

    #[test]
    fn terminal_controls_and_reordering_are_escaped() {
        let cell = "a\u{1b}]0;title\u{7}b\u{202e}c\u{9b}\nd\te";
        assert_eq!(escape_for_terminal(cell.into(), true), "a\\x1b]0;title\\x07b\\u{202e}c\\u{9b}\nd\te");
        assert_eq!(escape_for_terminal("x\ny".into(), false), "x\\x0ay");
        assert!(matches!(escape_for_terminal("plain".into(), true), Cow::Borrowed(_)));
        assert_eq!(json(ValueRef::Text("\u{202e}\u{7f}\u{1b}".as_bytes())), r#""\u202e\u007f\u001b""#);
        let back: String = serde_json::from_str(&json(ValueRef::Text("x\u{202e}y".as_bytes()))).unwrap();
        assert_eq!(back, "x\u{202e}y");
    }

    #[test]
    fn markdown_cells_show_markup_characters_as_text() {
        assert_eq!(markdown_text("DNS Server"), "DNS Server");
        assert_eq!(markdown_text("a|b"), "a\\|b");
        assert_eq!(
            markdown_text("**bold** _x_ `c` <b> [l](u) &amp; ~s~ \\"),
            "\\*\\*bold\\*\\* \\_x\\_ \\`c\\` \\<b> \\[l\\](u) \\&amp; \\~s\\~ \\\\"
        );
        assert_eq!(markdown_text("two\nlines\tand tab"), "two lines and tab");
    }

    #[test]
    fn excel_safe_prefixes_formula_text_only() {
        for formula in ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            let cell = spreadsheet_text(ValueRef::Text(formula.as_bytes()), true);
            assert_eq!(cell, format!("'{formula}"));
            assert_eq!(spreadsheet_text(ValueRef::Text(formula.as_bytes()), false), formula);
        }
        assert_eq!(spreadsheet_text(ValueRef::Text(b"DNS = 53"), true), "DNS = 53");
        assert_eq!(spreadsheet_text(ValueRef::Integer(-1), true), "-1");
        assert_eq!(spreadsheet_text(ValueRef::Real(-0.5), true), "-0.5");
    }
}
