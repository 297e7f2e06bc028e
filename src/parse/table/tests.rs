use super::*;
use crate::parse::Located;

fn table(header: &[&str]) -> Table {
    Table::new(7, header.iter().map(|h| h.to_string()).collect(), vec![])
}

fn with_rows(header: &[&str], rows: &[&[&str]]) -> Table {
    super::table_of_cells(header, rows)
}

fn roles(t: &Table) -> Vec<Role> {
    match t.clone().classify() {
        TableKind::Ports(t) | TableKind::Summary(t) => t.columns.roles,
        TableKind::Unrecognized(_) => vec![],
    }
}

use super::port_table_of as port_table;

use Role::*;

#[test]
fn port_headers_in_their_variants() {
    assert_eq!(roles(&table(&["Application protocol", "Protocol", "Port"])), [Application, Transport, Port]);
    assert_eq!(roles(&table(&["Application", "Protocol", " Ports"])), [Application, Transport, Port]);
    assert_eq!(roles(&table(&[" Application\u{a0}protocol", " Protocol", " Ports "])), [Application, Transport, Port]);
    assert_eq!(roles(&table(&["Port", "Protocol", "Application protocol"])), [Port, Transport, Application]);
}

#[test]
fn real_page_headers() {
    assert_eq!(roles(&table(&["Description", "UDP", "TCP"])), [Application, TransportPort, TransportPort]);
    assert_eq!(roles(&table(&["Service", "TCP/UDP ports"])), [Application, TransportPort]);
    assert_eq!(roles(&table(&["Service", "UDP and TCP port"])), [Application, TransportPort]);
    assert_eq!(roles(&table(&["Service", "TCP Port", "Notes"])), [Application, TransportPort, Note]);
    assert_eq!(roles(&table(&["**Purpose**", "**Ports**", "**Comments**"])), [Application, Port, Note]);
    assert_eq!(
        roles(&table(&["Protocol", "Direction", "Port Range", "Purpose", "Used By"])),
        [Transport, Direction, Port, Application, From]
    );
    assert_eq!(
        roles(&table(&["Service", "Protocol", "Action", "Start Port", "End Port", "Notes"])),
        [Application, Transport, Other, Port, PortEnd, Note]
    );
    assert_eq!(
        roles(&table(&["**Protocol**", "**Transport**", "**Port**", "**From**", "**To**"])),
        [Application, Transport, Port, From, To]
    );
    assert_eq!(roles(&table(&["Client Port(s)", "Server Port", "Service"])), [ClientPort, Port, Application]);
    // Couchbase's table: the port's name, then its numbers.
    assert_eq!(
        roles(&table(&["Port Name", "Default Port Number Un / Encrypted", "Description", "Node-to-node"])),
        [Application, Port, Note, Other]
    );
    assert_eq!(roles(&table(&["**Load Balancer**", "**Port**", "**Protocol**"])), [Application, Port, Transport]);
    assert_eq!(
        roles(&table(&["Rule name", "Source IP", "Destination IP", "Protocol", "Source port", "Destination port"])),
        [Application, From, To, Transport, ClientPort, Port]
    );
}

#[test]
fn protocol_is_the_application_where_its_cells_are_not_transports() {
    let t = with_rows(
        &["Protocol", "Ports", "Description"],
        &[&["DNS", "53 (TCP/UDP)", "Name lookup"], &["Kerberos", "88", "Auth"]],
    );
    assert_eq!(roles(&t), [Application, Port, Note]);
}

#[test]
fn a_header_without_ports_is_read_by_its_cells() {
    let t = with_rows(&["Server", "Needs"], &[&["Web", "TCP 80, TCP 443 (SSL)"], &["Mail", "TCP 25"]]);
    assert_eq!(roles(&t), [To, Port]);
    let prose = with_rows(&["Setting", "Value"], &[&["Timeout", "30 seconds"]]);
    let prose = prose.classify();
    assert_eq!(prose, TableKind::Unrecognized(with_rows(&["Setting", "Value"], &[&["Timeout", "30 seconds"]])));
    assert_eq!(prose.not_loaded().unwrap().kind, AnomalyKind::UnrecognizedTable);
}

#[test]
fn summary_tables() {
    let summary = table(&["Port", "Protocol", "Application protocol", "System service name"]);
    let summary = summary.classify();
    assert!(matches!(summary, TableKind::Summary(_)));
    let a = summary.not_loaded().unwrap();
    assert_eq!((a.line, a.kind), (7, AnomalyKind::SummaryTable));
    assert_eq!(a.raw, "Port | Protocol | Application protocol | System service name");
    assert!(table(&["Application protocol", "Protocol", "Port"]).classify().not_loaded().is_none());
}

#[test]
fn label_and_continuation_rows() {
    let t = with_rows(
        &["Protocol", "Transport", "Port"],
        &[&["Internet ports", "", ""], &["SSL", "TCP", "443"], &["", "UDP", "443"], &["DNS", "UDP", "53"]],
    );
    let t = port_table(t);
    let rows = t.rows();
    let kinds: Vec<_> = rows.anomalies.iter().map(|a| (a.line, a.kind)).collect();
    assert_eq!(kinds, [(9, AnomalyKind::LabelRow), (11, AnomalyKind::ContinuationRow)]);
    let read: Vec<_> = rows
        .rows
        .iter()
        .map(|r| (r.line, r.application.unwrap().text.as_str(), r.group.map(|g| g.text.as_str()), r.continues))
        .collect();
    assert_eq!(
        read,
        [
            (10, "SSL", Some("Internet ports"), None),
            (11, "SSL", Some("Internet ports"), Some(10)),
            (12, "DNS", Some("Internet ports"), None)
        ]
    );
}

#[test]
fn footnotes_reach_the_rows_they_mark() {
    let mut t = with_rows(
        &["Protocol", "Port Range", "Purpose"],
        &[&["TCP", "30000-32767", "NodePort Services†"], &["TCP", "10250", "Kubelet API"]],
    );
    t.footnotes.push(Located::new(20, "† Default port range for NodePort Services."));
    let t = port_table(t);
    let rows = t.rows();
    assert_eq!(rows.rows[0].notes.iter().map(|n| n.line).collect::<Vec<_>>(), [20]);
    assert!(rows.rows[1].notes.is_empty());
    let ports: Vec<_> = rows.rows.iter().map(|r| r.port.unwrap().text.as_str()).collect();
    assert_eq!(ports, ["30000-32767", "10250"]);
}

#[test]
fn markdown_footnotes_reach_the_rows_that_reference_them() {
    assert_eq!(footnote_mark("[^1]: The web port."), Some("[^1]"));
    assert_eq!(footnote_mark("[^note-2]: Alternate."), Some("[^note-2]"));
    assert_eq!(footnote_mark("[^ not one]: x"), None);
    let mut t = with_rows(&["Service", "Protocol", "Port"], &[&["HTTPS", "TCP", "443[^1]"], &["HTTP", "TCP", "80"]]);
    t.footnotes.push(Located::new(20, "[^1]: The web port."));
    let t = port_table(t);
    let rows = t.rows();
    assert_eq!(rows.rows[0].notes.iter().map(|n| n.line).collect::<Vec<_>>(), [20]);
    assert!(rows.rows[1].notes.is_empty());
}

#[test]
fn columns_settled_by_their_cells() {
    let t = with_rows(
        &["Rule", "Service", "Ports", "Can the ports be changed?"],
        &[&["Allow SMB", "TCP", "445", "No"], &["Allow cluster", "UDP", "3343", "Yes"]],
    );
    assert_eq!(roles(&t), [Application, Transport, Port, Note]);
    let t = with_rows(
        &["Port name", "Default port", "Protocol"],
        &[&["LAN Serf", "8301", "TCP/UDP"], &["Server RPC", "8300", "TCP"]],
    );
    assert_eq!(roles(&t), [Application, Port, Transport]);
    let t = with_rows(
        &["(Destination) Port", "TCP/UDP", "Direction"],
        &[&["631 (IPP)", "TCP", "IN"], &["5353 (mDNS)", "UDP", "IN+OUT"]],
    );
    assert_eq!(roles(&t), [Port, Transport, Direction]);
    let t = with_rows(&["Service", "External port", "Internal port"], &[&["Web", "443", "8443"]]);
    assert_eq!(roles(&t), [Application, Port, MorePorts]);
    let t = with_rows(&["FQDN", "Port", "Protocol"], &[&["updates.example.com", "443", "TCP"]]);
    assert_eq!(roles(&t), [Address, Port, Transport]);
}

#[test]
fn numbers_that_can_be_ports() {
    for cell in ["443", "Port 80", "TCP 8080.", "(5723)"] {
        assert!(holds_port_number(cell), "{cell}");
    }
    for cell in ["WinRM 2.0", "IPv6", "70000", "SMB", "KB832017"] {
        assert!(!holds_port_number(cell), "{cell}");
    }
}

#[test]
fn footnotes_split_per_mark_and_reach_only_their_rows() {
    let parts = split_footnotes(&Located::new(30, "(*) Customize this port. (**) Not needed for trusts."));
    assert_eq!(
        parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        ["(*) Customize this port.", "(**) Not needed for trusts."]
    );
    assert_eq!(split_footnotes(&Located::new(1, "SSL (*.atp.azure.com) only")).len(), 1);
    let mut t = with_rows(
        &["Client Port(s)", "Server Port", "Service"],
        &[&["1024-65535/TCP", "135/TCP", "RPC (*)"], &["1024-65535/TCP", "445/TCP", "SMB (**)"]],
    );
    t.footnotes = parts;
    let t = port_table(t);
    let rows = t.rows();
    let notes: Vec<Vec<&str>> = rows.rows.iter().map(|r| r.notes.iter().map(|n| n.text.as_str()).collect()).collect();
    assert_eq!(notes, [vec!["(*) Customize this port."], vec!["(**) Not needed for trusts."]]);
}

#[test]
fn header_words_reads_as_the_replace_lowercase_collapse_it_stands_for() {
    let slow = |h: &str| {
        let cleaned: String = h
            .replace("(s)", "s")
            .chars()
            .map(|c| if c == '*' || c == '_' || c == ':' || c == '\u{a0}' { ' ' } else { c.to_ascii_lowercase() })
            .collect();
        cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let headers = [
        "",
        "  ",
        "Port(s)",
        "**Client Port(s):**",
        "Server\u{a0}Port",
        " _Application_  protocol ",
        "Ports(s)(s)",
        "((s)s)",
        "Zugriff über\u{2003}Port",
        "(s",
        "ÉTAT (s)",
    ];
    for h in headers {
        assert_eq!(roles::header_words(h), slow(h), "{h:?}");
    }
    assert_eq!(roles::header_words("**Client Port(s):**"), "client ports");
}
