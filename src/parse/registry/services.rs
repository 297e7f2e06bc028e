//! Services files: `/etc/services` (`name port/proto [aliases...] [# comment]`, as netbase installs
//! it) and nmap's `nmap-services` (`name port/proto frequency [# comment]`). Blank and comment lines
//! hold no record.

use super::{RegistryRead, RegistryRecord, non_empty, port_range};
use crate::error::Problem;

/// Reads a services file; `nmap` for nmap's, whose third field is the open frequency.
pub fn read(text: &str, nmap: bool) -> RegistryRead {
    let mut read = RegistryRead::default();
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let (entry, comment) = raw.split_once('#').unwrap_or((raw, ""));
        let fields: Vec<&str> = entry.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        match record(&fields, comment, nmap, line) {
            Ok(record) => read.records.push(record),
            Err(message) => read.problems.push(Problem { line, raw: raw.trim().to_string(), message }),
        }
    }
    read
}

fn record(fields: &[&str], comment: &str, nmap: bool, line: u32) -> Result<RegistryRecord, String> {
    let [name, port_proto, rest @ ..] = fields else {
        return Err("a services entry without its port: expected `name port/protocol`".into());
    };
    let Some((port, proto)) = port_proto.split_once('/') else {
        return Err(format!("`{port_proto}` is not port/protocol, e.g. 80/tcp"));
    };
    let ports = port_range(port).ok_or_else(|| format!("`{port}` is not a port number from 0 to 65535"))?;
    if proto.is_empty() || !proto.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("`{proto}` is not a protocol name such as tcp or udp"));
    }
    let (frequency, aliases) = if nmap {
        let Some(frequency) = rest.first().and_then(|f| f.parse::<f64>().ok()).filter(|f| (0.0..=1.0).contains(f))
        else {
            return Err("an nmap-services entry without its open frequency: expected a number from 0 to 1".into());
        };
        (Some(frequency), &rest[1..])
    } else {
        (None, rest)
    };
    Ok(RegistryRecord {
        line,
        service_name: Some(name.to_string()),
        transport: Some(proto.to_ascii_uppercase()),
        ports: Some(ports),
        aliases: non_empty(&aliases.join(" ")),
        description: non_empty(comment),
        reference: None,
        frequency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netbase_entries_with_aliases_and_comments() {
        let text = "# Network services\n\ntcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n\
                    discard\t\t9/udp\t\tsink null\nbad\t\tx/tcp\n";
        let read = read(text, false);
        assert_eq!(read.records.len(), 2);
        let discard = &read.records[1];
        assert_eq!(discard.line, 4);
        assert_eq!(discard.service_name.as_deref(), Some("discard"));
        assert_eq!(discard.transport.as_deref(), Some("UDP"));
        assert_eq!(discard.ports, Some((9, 9)));
        assert_eq!(discard.aliases.as_deref(), Some("sink null"));
        assert_eq!(read.records[0].description.as_deref(), Some("TCP port service multiplexer"));
        assert_eq!(read.problems.len(), 1);
        assert_eq!(read.problems[0].line, 5);
    }

    #[test]
    fn nmap_entries_with_frequencies() {
        let text = "# comment\ntcpmux\t1/tcp\t0.001995\t# TCP Port Service Multiplexer [rfc-1078]\n\
                    unknown\t3/udp\t0.001236\nnofreq\t4/tcp\n";
        let read = read(text, true);
        assert_eq!(read.records.len(), 2);
        assert_eq!(read.records[0].frequency, Some(0.001995));
        assert_eq!(read.records[1].service_name.as_deref(), Some("unknown"));
        assert_eq!(read.problems[0].line, 4);
    }
}
