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
    let (mut last_start, mut last_line) = (0usize, 0u32);
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
        (last_start, last_line) = (record.position().map_or(0, |p| p.byte() as usize), line);
        if record.len() != header.len() {
            let message = format!(
                "{} where the header has {}: a line cut short or joined, or another separator than the comma",
                fields(record.len()),
                header.len()
            );
            read.problems.push(Problem { line, raw: record.iter().collect::<Vec<_>>().join(","), message });
            continue;
        }
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
    if last_line > 0 && unclosed_quote(text, last_start) {
        let line = last_line;
        let lines = text.lines().count();
        let message = format!(
            "a quote opened in this record is never closed: lines {line} to {lines}, the rest of the file, read as one cell"
        );
        read.records.retain(|r| r.line != line);
        read.problems.push(Problem { line, raw: String::new(), message });
    }
    read
}

/// Whether a quote opened in the last record, which starts at byte `last_start`, runs to the end
/// of the file: an odd number of quotes from its start, where every closed cell has an even one.
fn unclosed_quote(text: &str, last_start: usize) -> bool {
    text.get(last_start..).is_some_and(|rest| memchr::memchr_iter(b'"', rest.as_bytes()).count() % 2 == 1)
}

fn fields(n: usize) -> String {
    if n == 1 { "1 field".to_string() } else { format!("{n} fields") }
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
    fn short_records_and_an_unclosed_quote_are_problems() {
        let header = "Service Name,Port Number,Transport Protocol,Description\n";
        let short = read(&format!("{header}semi;85;tcp\n,,\nok,80,tcp,Web\n"));
        assert_eq!(short.problems.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3]);
        assert!(short.problems[0].message.starts_with("1 field where the header has 4"), "{:?}", short.problems);
        assert_eq!(short.records.len(), 1);
        let read = read(&format!("{header}x,80,tcp,\"Web\nlost,81,tcp,y\nlost,82,tcp,z\n"));
        assert!(read.records.is_empty(), "{:?}", read.records);
        assert_eq!(read.problems.len(), 1);
        assert!(read.problems[0].message.contains("lines 2 to 4, the rest of the file"), "{:?}", read.problems);
    }

    #[test]
    fn a_bad_port_is_a_problem_at_its_line() {
        let read = read("Service Name,Port Number,Transport Protocol\nx,eighty,tcp\ny,81,tcp\n");
        assert_eq!(read.records.len(), 1);
        assert_eq!(read.problems[0].line, 2);
    }
}
