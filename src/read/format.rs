//! Format detection from the content: HTML, Markdown, or the plain text of the knowledge-base article.

use std::fmt;
use std::str::FromStr;

/// The formats kbingest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The plain-text article: titles, paragraphs and three-line table rows.
    Text,
    /// A saved web page, clean or exported from Word.
    Html,
    /// Markdown with pipe tables, as Microsoft publishes KB 832017.
    Markdown,
}

impl Format {
    /// The name used on the command line and in the `sources` table.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "html" | "htm" => Ok(Format::Html),
            "markdown" | "md" => Ok(Format::Markdown),
            _ => Err(format!("unknown format `{s}`: expected text, html or markdown")),
        }
    }
}

/// Tells the format of a document from the start of its text.
pub fn detect_format(head: &str) -> Format {
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let lower: String = start.chars().take(4096).collect::<String>().to_ascii_lowercase();
    // Saved pages may open with a comment (`<!-- saved from url=... -->`) or an XML declaration;
    // Word's exports open with `<html xmlns:...>` and a long head.
    const TAGS: &[&str] = &["<html", "<head", "<meta", "<body", "<table", "<p", "<h1", "<h2", "<h3", "<div"];
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || (lower.starts_with('<') && TAGS.iter().any(|t| lower.contains(t)))
    {
        return Format::Html;
    }
    let markdown_table = head.lines().any(|l| {
        let t = l.trim();
        t.starts_with('|') && t.contains("---")
    });
    let markdown_heading = head.lines().any(|l| {
        let hashes = l.chars().take_while(|&c| c == '#').count();
        (1..=6).contains(&hashes) && l[hashes..].starts_with(' ')
    });
    if start.starts_with("---\n") || start.starts_with("---\r\n") || markdown_table || markdown_heading {
        return Format::Markdown;
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        assert_eq!(detect_format("<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(detect_format("\n  <html><body><table>"), Format::Html);
        assert_eq!(detect_format("<!-- saved from url=(0040)http://x/ -->\n<html>"), Format::Html);
        assert_eq!(detect_format("<?xml version=\"1.0\"?>\n<html xmlns:o=\"urn:x\">"), Format::Html);
        assert_eq!(detect_format("# Title\n\n|a|b|c|\n|---|---|---|\n"), Format::Markdown);
        assert_eq!(detect_format("---\ntitle: x\n---\n"), Format::Markdown);
        assert_eq!(detect_format("DNS Server\n\nApplication protocol Protocol Port\nDNS\nUDP\n53\n"), Format::Text);
    }

    #[test]
    fn names_round_trip() {
        for f in [Format::Text, Format::Html, Format::Markdown] {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert!("pdf".parse::<Format>().is_err());
    }
}
