//! The ports `who` is asked about (`135`, `53/udp`), and the registry records of its answer as rows
//! with the columns of its documented rules.

use crate::normalize::Transport;
use crate::store::lookup::RegisteredPort;
use rusqlite::types::Value;

/// A port asked about, of one transport or of any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortQuery {
    /// The port.
    pub port: u16,
    /// `TCP` or `UDP`, or `None` for both.
    pub transport: Option<Transport>,
}

impl PortQuery {
    /// Reads `135`, `135/tcp`, `53/UDP` (also `tcp/135`).
    pub fn parse(text: &str) -> Result<PortQuery, String> {
        let bad = || {
            format!(
                "`{text}` is not a port: give a number from 0 to 65535, with /tcp or /udp for one transport, e.g. 135 or 53/udp"
            )
        };
        let text = text.trim();
        let (port, transport) = match text.split_once('/') {
            None => (text, None),
            Some((a, b)) if a.chars().all(|c| c.is_ascii_digit()) => (a, Some(b)),
            Some((a, b)) => (b, Some(a)),
        };
        let port: u16 = port.trim().parse().map_err(|_| bad())?;
        let transport = match transport {
            None => None,
            Some(name) => Some(Transport::from_name(name.trim()).filter(|t| t.has_ports()).ok_or_else(bad)?),
        };
        Ok(PortQuery { port, transport })
    }

    /// `135` or `53/UDP`.
    pub fn label(&self) -> String {
        match self.transport {
            Some(t) => format!("{}/{}", self.port, t.name()),
            None => self.port.to_string(),
        }
    }
}

/// Registry records as rows of `columns` (those of `port_rules_registered`): the registry is the
/// source, its name the service and application protocol, its description the note, its line the
/// source line; the columns a registry has no word for are NULL.
pub fn registry_rows(columns: &[String], records: &[RegisteredPort]) -> Vec<Vec<Value>> {
    records
        .iter()
        .map(|r| {
            let name = r.service_name.clone().or_else(|| r.description.clone()).unwrap_or_default();
            let transport = r.transport.clone();
            let ip_protocol = transport.as_deref().and_then(ip_protocol_of);
            let port_raw = if r.port_low == r.port_high {
                r.port_low.to_string()
            } else {
                format!("{}-{}", r.port_low, r.port_high)
            };
            columns
                .iter()
                .map(|c| match c.as_str() {
                    "source" => Value::Text(r.source.clone()),
                    "service" | "application_protocol" => Value::Text(name.clone()),
                    "transport" => transport.clone().map_or(Value::Null, Value::Text),
                    "ip_protocol" => ip_protocol.map_or(Value::Null, |p| Value::Integer(p.into())),
                    "port_low" => Value::Integer(r.port_low),
                    "port_high" => Value::Integer(r.port_high),
                    "port_kind" => Value::Text(if r.port_low == r.port_high { "fixed" } else { "range" }.into()),
                    "port_raw" => Value::Text(port_raw.clone()),
                    "transport_raw" => Value::Text(transport.clone().unwrap_or_default().to_lowercase()),
                    "source_line" => Value::Integer(r.line),
                    "note" => r.description.clone().map_or(Value::Null, Value::Text),
                    "registered_names" => r.service_name.clone().map_or(Value::Null, Value::Text),
                    _ => Value::Null,
                })
                .collect()
        })
        .collect()
}

/// The IANA protocol numbers of the transports registries name.
fn ip_protocol_of(transport: &str) -> Option<u8> {
    match transport {
        "SCTP" => Some(132),
        "DCCP" => Some(33),
        other => Transport::from_name(other).map(Transport::ip_protocol),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_with_and_without_a_transport() {
        assert_eq!(PortQuery::parse("135"), Ok(PortQuery { port: 135, transport: None }));
        assert_eq!(PortQuery::parse("53/udp"), Ok(PortQuery { port: 53, transport: Some(Transport::Udp) }));
        assert_eq!(PortQuery::parse("TCP/3389"), Ok(PortQuery { port: 3389, transport: Some(Transport::Tcp) }));
        assert_eq!(PortQuery::parse("53/UDP").unwrap().label(), "53/UDP");
        for bad in ["", "http", "70000", "-1", "53/gre", "53/", "/53", "1.5"] {
            assert!(PortQuery::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_registry_record_as_a_row() {
        let columns: Vec<String> =
            ["source", "service", "transport", "ip_protocol", "port_kind", "note", "direction", "registered_names"]
                .map(String::from)
                .to_vec();
        let record = RegisteredPort {
            source: "services".into(),
            service_name: Some("epmap".into()),
            transport: Some("SCTP".into()),
            port_low: 135,
            port_high: 135,
            description: Some("DCE endpoint resolution".into()),
            line: 7,
        };
        let rows = registry_rows(&columns, &[record]);
        assert_eq!(
            rows[0],
            [
                Value::Text("services".into()),
                Value::Text("epmap".into()),
                Value::Text("SCTP".into()),
                Value::Integer(132),
                Value::Text("fixed".into()),
                Value::Text("DCE endpoint resolution".into()),
                Value::Null,
                Value::Text("epmap".into()),
            ]
        );
    }
}
