//! Format detection from the content: HTML, Markdown, the plain text of the knowledge-base article,
//! or a port registry (IANA's CSV, `/etc/services`, nmap's `nmap-services`).

use std::fmt;

/// The formats kbingest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// The plain-text article: titles, paragraphs and three-line table rows.
    Text,
    /// A saved web page, clean or exported from Word.
    Html,
    /// Markdown with pipe tables, as Microsoft publishes KB 832017.
    Markdown,
    /// IANA's service name and port number registry, as CSV.
    IanaCsv,
    /// A services file as netbase installs it in `/etc/services`: `name port/proto [aliases] [# comment]`.
    Services,
    /// nmap's `nmap-services`: `name port/proto frequency [# comment]`.
    NmapServices,
}

impl InputFormat {
    /// Every input format, in the order the command line lists them.
    pub const ALL: [InputFormat; 6] = [
        InputFormat::Text,
        InputFormat::Html,
        InputFormat::Markdown,
        InputFormat::IanaCsv,
        InputFormat::Services,
        InputFormat::NmapServices,
    ];

    /// The name used on the command line and in the `sources` table.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Html => "html",
            InputFormat::Markdown => "markdown",
            InputFormat::IanaCsv => "iana-csv",
            InputFormat::Services => "services",
            InputFormat::NmapServices => "nmap-services",
        }
    }

    /// Whether the format is a port registry rather than a document with port tables.
    pub fn is_registry(self) -> bool {
        matches!(self, InputFormat::IanaCsv | InputFormat::Services | InputFormat::NmapServices)
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Tells the format of a document from the start of its text.
pub fn detect_format(head: &str) -> InputFormat {
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let lower: String = start.chars().take(4096).collect::<String>().to_ascii_lowercase();
    // Saved pages may open with a comment (`<!-- saved from url=... -->`) or an XML declaration;
    // Word's exports open with `<html xmlns:...>` and a long head.
    const TAGS: &[&str] = &["<html", "<head", "<meta", "<body", "<table", "<p", "<h1", "<h2", "<h3", "<div"];
    if lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || (lower.starts_with('<') && TAGS.iter().any(|t| lower.contains(t)))
    {
        return InputFormat::Html;
    }
    // Before Markdown: a services file opens with `# comment` lines, which look like headings.
    if let Some(registry) = detect_registry(start) {
        return registry;
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
        return InputFormat::Markdown;
    }
    InputFormat::Text
}

/// How many entry lines of a services file are looked at, and the share that must have its shape.
const REGISTRY_SAMPLE: usize = 50;

/// Tells a port registry from the start of its text: IANA's CSV by its header; a services file by
/// lines of the shape `name port/proto ...` (comments aside), nmap's when each has a frequency.
fn detect_registry(start: &str) -> Option<InputFormat> {
    if start.starts_with("Service Name,Port Number,Transport Protocol") {
        return Some(InputFormat::IanaCsv);
    }
    let entries: Vec<Vec<&str>> = start
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").split_whitespace().collect::<Vec<_>>())
        .filter(|fields| !fields.is_empty())
        .take(REGISTRY_SAMPLE)
        .collect();
    let shaped = |fields: &&Vec<&str>| {
        fields.get(1).and_then(|f| f.split_once('/')).is_some_and(|(port, proto)| {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && !proto.is_empty()
                && proto.bytes().all(|b| b.is_ascii_alphabetic())
        })
    };
    // Nine in ten must fit (the sample may end in half a line, cut off at the end of the bytes sniffed).
    let fitting = entries.iter().filter(shaped).count();
    if fitting < 2 || fitting * 10 < entries.len() * 9 {
        return None;
    }
    let frequency = |fields: &Vec<&str>| fields.get(2).is_some_and(|f| f.contains('.') && f.parse::<f64>().is_ok());
    if entries.iter().filter(shaped).all(frequency) {
        Some(InputFormat::NmapServices)
    } else {
        Some(InputFormat::Services)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        assert_eq!(detect_format("<!DOCTYPE html><html>"), InputFormat::Html);
        assert_eq!(detect_format("\n  <html><body><table>"), InputFormat::Html);
        assert_eq!(detect_format("<!-- saved from url=(0040)http://x/ -->\n<html>"), InputFormat::Html);
        assert_eq!(detect_format("<?xml version=\"1.0\"?>\n<html xmlns:o=\"urn:x\">"), InputFormat::Html);
        assert_eq!(detect_format("# Title\n\n|a|b|c|\n|---|---|---|\n"), InputFormat::Markdown);
        assert_eq!(detect_format("---\ntitle: x\n---\n"), InputFormat::Markdown);
        assert_eq!(
            detect_format("DNS Server\n\nApplication protocol Protocol Port\nDNS\nUDP\n53\n"),
            InputFormat::Text
        );
    }

    #[test]
    fn detects_each_registry() {
        let iana = "Service Name,Port Number,Transport Protocol,Description\n,0,tcp,Reserved\n";
        assert_eq!(detect_format(iana), InputFormat::IanaCsv);
        let services = "# Network services, Internet style\n#\n\ntcpmux\t\t1/tcp\t\t# TCP port service multiplexer\n\
                        echo\t\t7/tcp\ndiscard\t\t9/tcp\t\tsink null\n";
        assert_eq!(detect_format(services), InputFormat::Services);
        let nmap = "# Fields in this file are: Service name, portnum/protocol, open-frequency\n\
                    tcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer\ncompressnet\t2/tcp\t0.000013\n";
        assert_eq!(detect_format(nmap), InputFormat::NmapServices);
        // A Markdown document with a heading and a line that happens to look like an entry.
        assert_eq!(detect_format("# Ports\n\nDNS 53/udp is used\n\nMore text here.\n"), InputFormat::Markdown);
    }
}
