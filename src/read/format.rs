//! Format detection: by a file's extension for the documentation formats (`.rst`, `.adoc`,
//! `.asciidoc`, `.mdx`), else from the content: HTML, reStructuredText, AsciiDoc, MDX, Markdown, the
//! plain text of the knowledge-base article, or a port registry (IANA's CSV, `/etc/services`,
//! nmap's `nmap-services`).

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
    /// reStructuredText (docutils, Sphinx): grid, simple, list and CSV tables.
    Rst,
    /// AsciiDoc (Asciidoctor): `|===` tables.
    AsciiDoc,
    /// MDX: Markdown with `import`/`export` lines and JSX elements.
    Mdx,
    /// IANA's service name and port number registry, as CSV.
    IanaCsv,
    /// A services file as netbase installs it in `/etc/services`: `name port/proto [aliases] [# comment]`.
    Services,
    /// nmap's `nmap-services`: `name port/proto frequency [# comment]`.
    NmapServices,
}

impl InputFormat {
    /// Every input format, in the order the command line lists them.
    pub const ALL: [InputFormat; 9] = [
        InputFormat::Text,
        InputFormat::Html,
        InputFormat::Markdown,
        InputFormat::Rst,
        InputFormat::AsciiDoc,
        InputFormat::Mdx,
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
            InputFormat::Rst => "rst",
            InputFormat::AsciiDoc => "asciidoc",
            InputFormat::Mdx => "mdx",
            InputFormat::IanaCsv => "iana-csv",
            InputFormat::Services => "services",
            InputFormat::NmapServices => "nmap-services",
        }
    }

    /// The format a file's extension names (`.rst`, `.adoc`, `.asciidoc`, `.mdx`), if any.
    pub fn from_extension(path: &str) -> Option<InputFormat> {
        let extension = std::path::Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "rst" | "rest" => Some(InputFormat::Rst),
            "adoc" | "asciidoc" | "asc" => Some(InputFormat::AsciiDoc),
            "mdx" => Some(InputFormat::Mdx),
            _ => None,
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
    if let Some(format) = detect_documentation(head) {
        return format;
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

/// Tells reStructuredText, AsciiDoc and MDX by lines only they write: a `|===` table, an
/// `ifdef::` or `include::` line or `== Title` beside `:name:` attribute lines (AsciiDoc); a directive
/// (`.. list-table::`), a target (`.. _name:`), a grid or simple table border, or a title between
/// an overline and an underline (reStructuredText); `import ... from` or `export` lines, or JSX
/// component tags, in a Markdown page (MDX).
fn detect_documentation(head: &str) -> Option<InputFormat> {
    let lines: Vec<&str> = head.lines().map(str::trim_end).collect();
    let asciidoc_line =
        |l: &&str| *l == "|===" || l.starts_with("ifdef::") || l.starts_with("ifndef::") || l.starts_with("include::");
    let asciidoc_title = lines.iter().any(|l| l.starts_with("== ") || l.starts_with("= "));
    let attribute = lines.iter().any(|l| {
        l.strip_prefix(':')
            .and_then(|r| r.split_once(": ").or_else(|| r.strip_suffix(':').map(|n| (n, ""))))
            .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || "-_!".contains(c)))
    });
    if lines.iter().any(asciidoc_line) || (asciidoc_title && attribute) {
        return Some(InputFormat::AsciiDoc);
    }
    let directive = |l: &&str| {
        l.strip_prefix(".. ").is_some_and(|rest| {
            rest.starts_with('_')
                || rest.split_once("::").is_some_and(|(name, _)| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        })
    };
    let border = |l: &&str| {
        (l.starts_with("+-") && l.ends_with('+') && l.chars().all(|c| "+-".contains(c)))
            || (l.starts_with("==") && l.contains(" =") && l.chars().all(|c| c == '=' || c == ' '))
    };
    let adorned = lines.windows(3).any(|w| {
        let adornment = |l: &str| l.len() >= 3 && l.chars().all(|c| c == '=' || c == '*' || c == '#');
        adornment(w[0]) && w[0] == w[2] && !w[1].trim().is_empty() && !adornment(w[1])
    });
    if lines.iter().any(directive) || lines.iter().any(border) || adorned {
        return Some(InputFormat::Rst);
    }
    let module = |l: &&str| {
        (l.starts_with("import ") && l.contains(" from "))
            || l.starts_with("export const ")
            || l.starts_with("export default ")
    };
    let jsx = |l: &&str| l.strip_prefix('<').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()));
    if lines.iter().any(module) || lines.iter().filter(|l| jsx(l)).count() >= 2 {
        return Some(InputFormat::Mdx);
    }
    None
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
    fn detects_documentation_formats_by_content_and_extension() {
        assert_eq!(detect_format("= Ports\n:product: X\n\n== DNS\n"), InputFormat::AsciiDoc);
        assert_eq!(detect_format("Ports\n\n[cols=\"1,1\"]\n|===\n|Port |Protocol\n|===\n"), InputFormat::AsciiDoc);
        assert_eq!(detect_format("Ports\n=====\n\n.. list-table::\n"), InputFormat::Rst);
        assert_eq!(detect_format("=====\nPorts\n=====\n\ntext\n"), InputFormat::Rst);
        assert_eq!(detect_format("Ports\n\n====  ====\nPort  Name\n====  ====\n"), InputFormat::Rst);
        assert_eq!(detect_format("+----+----+\n| a  | b  |\n"), InputFormat::Rst);
        assert_eq!(detect_format("import Tabs from '@theme/Tabs';\n\n# Ports\n"), InputFormat::Mdx);
        assert_eq!(detect_format("# Ports\n\nSetext\n======\n\n| a | b |\n|---|---|\n"), InputFormat::Markdown);
        assert_eq!(InputFormat::from_extension("docs/ports.RST"), Some(InputFormat::Rst));
        assert_eq!(InputFormat::from_extension("a.asciidoc"), Some(InputFormat::AsciiDoc));
        assert_eq!(InputFormat::from_extension("a.adoc"), Some(InputFormat::AsciiDoc));
        assert_eq!(InputFormat::from_extension("a.mdx"), Some(InputFormat::Mdx));
        assert_eq!(InputFormat::from_extension("a.md"), None);
        assert_eq!(InputFormat::from_extension("-"), None);
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
