//! Port registries: IANA's service name and port number registry (CSV), a services file
//! (`/etc/services`) and nmap's `nmap-services`, each read into plain [`RegistryRecord`]s that carry
//! their source line. Nothing here touches SQL.

pub mod iana;
pub mod services;

use crate::error::Problem;
use crate::read::InputFormat;

/// One record of a port registry: a service name registered for a transport and port (or range),
/// or a name registered without a port.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryRecord {
    /// 1-based line where the record begins.
    pub line: u32,
    /// The registered name, e.g. `ms-wbt-server`; `None` where the registry gives none (IANA's
    /// reserved and unassigned ports).
    pub service_name: Option<String>,
    /// The transport in upper case (`TCP`, `UDP`, `SCTP`, `DCCP`); `None` where none is given.
    pub transport: Option<String>,
    /// The port or range; `None` for a name registered without a port.
    pub ports: Option<(u16, u16)>,
    /// Other names for the service, space-separated (services files).
    pub aliases: Option<String>,
    /// The registry's description or comment.
    pub description: Option<String>,
    /// The registry's reference, e.g. `[RFC864]` (IANA).
    pub reference: Option<String>,
    /// How often the port was found open (nmap).
    pub frequency: Option<f64>,
}

/// What a registry reader found: its records, and the lines it could not read.
#[derive(Debug, Default)]
pub struct RegistryRead {
    /// The records, in order.
    pub records: Vec<RegistryRecord>,
    /// Lines that cannot be read as a record.
    pub problems: Vec<Problem>,
}

/// Reads the registry `text` of the given format (`None` if `format` is not a registry's).
pub fn read_registry(format: InputFormat, text: &str) -> Option<RegistryRead> {
    match format {
        InputFormat::IanaCsv => Some(iana::read(text)),
        InputFormat::Services => Some(services::read(text, false)),
        InputFormat::NmapServices => Some(services::read(text, true)),
        InputFormat::Text
        | InputFormat::Html
        | InputFormat::Markdown
        | InputFormat::Rst
        | InputFormat::AsciiDoc
        | InputFormat::Mdx => None,
    }
}

/// A port (`80`) or range (`6000-6063`) as a registry writes it.
pub fn port_range(text: &str) -> Option<(u16, u16)> {
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let (low, high) = (low.trim().parse::<u16>().ok()?, high.trim().parse::<u16>().ok()?);
    (low <= high).then_some((low, high))
}

/// `None` for an empty text; otherwise the text with its runs of white space collapsed (a quoted
/// IANA cell may span lines).
fn non_empty(text: &str) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_ranges() {
        assert_eq!(port_range("80"), Some((80, 80)));
        assert_eq!(port_range("6000-6063"), Some((6000, 6063)));
        assert_eq!(port_range("9-1"), None);
        assert_eq!(port_range("70000"), None);
        assert_eq!(port_range(""), None);
    }
}
