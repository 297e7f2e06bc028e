//! IANA's Service Name and Transport Protocol Port Number Registry as CSV
//! (`service-names-port-numbers.csv`): a header row, then one record per service name and transport,
//! with quoted cells that may span lines, ranges such as `6000-6063`, and names without a port.

use super::{RegistryRead, RegistryRecord, non_empty, port_range};
use crate::error::Problem;

/// Reads IANA's CSV. Columns are found by their header names.
pub fn read(text: &str) -> RegistryRead {
    let mut read = RegistryRead::default();
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = match csv.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            read.problems.push(Problem { line: 1, raw: String::new(), message: format!("unreadable header: {e}") });
            return read;
        }
    };
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(name), Some(port), Some(transport)) =
        (column("Service Name"), column("Port Number"), column("Transport Protocol"))
    else {
        let message = "the header lacks Service Name, Port Number or Transport Protocol".to_string();
        read.problems.push(Problem { line: 1, raw: header.join(","), message });
        return read;
    };
    let (description, reference) = (column("Description"), column("Reference"));
    for result in csv.records() {
        let record = match result {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line());
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                read.problems.push(Problem { line, raw: String::new(), message: format!("unreadable CSV: {e}") });
                continue;
            }
        };
        let line = u32::try_from(record.position().map_or(1, |p| p.line())).unwrap_or(u32::MAX);
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).and_then(non_empty);
        let port_text = cell(Some(port));
        let ports = match &port_text {
            None => None,
            Some(text) => match port_range(text) {
                Some(range) => Some(range),
                None => {
                    let message = format!("`{text}` is not a port or a range of ports such as 6000-6063");
                    read.problems.push(Problem { line, raw: record.iter().collect::<Vec<_>>().join(","), message });
                    continue;
                }
            },
        };
        read.records.push(RegistryRecord {
            line,
            service_name: cell(Some(name)),
            transport: cell(Some(transport)).map(|t| t.to_ascii_uppercase()),
            ports,
            aliases: None,
            description: cell(description),
            reference: cell(reference),
            frequency: None,
        });
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_ranges_names_without_ports_and_quoted_lines() {
        let text = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,\
                    Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n\
                    ,0,tcp,Reserved,[Jon_Postel],[Jon_Postel],,,,,,\n\
                    chargen,19,udp,Character Generator,,,,,[RFC864],,,\n\
                    x11,6000-6063,tcp,\"X Window\nSystem\",,,,,,,,\n\
                    argus,,,ARGUS Protocol,,,,,,,,\n";
        let read = read(text);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let lines: Vec<u32> = read.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert_eq!(read.records[0].service_name, None);
        let chargen = &read.records[1];
        assert_eq!(
            (chargen.transport.as_deref(), chargen.ports, chargen.reference.as_deref()),
            (Some("UDP"), Some((19, 19)), Some("[RFC864]"))
        );
        assert_eq!(read.records[2].ports, Some((6000, 6063)));
        assert_eq!(read.records[2].description.as_deref(), Some("X Window System"));
        assert_eq!((read.records[3].ports, read.records[3].transport.as_deref()), (None, None));
    }

    #[test]
    fn a_bad_port_is_a_problem_at_its_line() {
        let read = read("Service Name,Port Number,Transport Protocol\nx,eighty,tcp\ny,81,tcp\n");
        assert_eq!(read.records.len(), 1);
        assert_eq!(read.problems[0].line, 2);
    }
}
