use super::*;
use crate::parse::Table;
use crate::parse::TableRow;
use crate::parse::sections::{Event, Sections};
use crate::parse::table::{port_table_of, table_of_cells};
use crate::parse::text::TextBlocks;
use crate::read::Line;

fn normalize(doc: &str) -> Vec<NormalizedSection> {
    let lines = doc.split('\n').enumerate().map(|(i, t)| Ok(Line { number: i as u32 + 1, text: t.to_string() }));
    Sections::new(TextBlocks::new(lines))
        .filter_map(|e| match e.unwrap() {
            Event::Section(s) => Some(normalize_section(&s, &NormalizeOptions::default())),
            _ => None,
        })
        .collect()
}

fn kinds(n: &NormalizedSection) -> Vec<AnomalyKind> {
    n.anomalies.iter().map(|a| a.kind).collect()
}

#[test]
fn a_regular_section_has_no_anomalies() {
    let got = normalize(
        "DNS Server\n\nAnswers.\n\nSystem Service Name DNS\n\nApplication protocol Protocol Port\nDNS\nUDP\n53",
    );
    let n = &got[0];
    assert_eq!(kinds(n), vec![]);
    let service = n.service.as_ref().unwrap();
    assert_eq!((service.title.as_str(), service.system_service_name.as_deref()), ("DNS Server", Some("DNS")));
    assert_eq!((service.first_line, service.last_line), (1, 10));
    assert_eq!(
        n.rules,
        vec![PortRule {
            awaits_document_range: false,
            application_protocol: "DNS".into(),
            transport: Some(Transport::Udp),
            port: PortSpec { kind: PortKind::Fixed, range: Some((53, 53)) },
            port_raw: "53".into(),
            transport_raw: "UDP".into(),
            line: 8,
            icmp_type: None,
            note: None,
            context: RuleContext::default(),
        }]
    );
}

#[test]
fn a_repeated_row_is_loaded_once_and_ledgered() {
    let got = normalize(
        "Dfs\n\nShares.\n\nSystem Service Name Dfs\n\nApplication protocol Protocol Port\nNetBIOS Datagram Service\nUDP\n138\nSMB\nTCP\n445\nNetBIOS Datagram Service\nUDP\n138",
    );
    assert_eq!(got[0].rules.len(), 2);
    let dup = &got[0].anomalies[0];
    assert_eq!((dup.kind, dup.line, dup.normalized.as_deref()), (AnomalyKind::DuplicateRow, 14, None));
    assert!(dup.message.contains("line 8"), "{}", dup.message);
}

#[test]
fn a_repeat_in_a_long_section_is_found_by_the_index() {
    let rows: String = (1..=40).map(|p| format!("\nSMB\nTCP\n{p}")).collect();
    let doc = format!(
        "Big\n\nMany ports.\n\nSystem Service Name Big\n\nApplication protocol Protocol Port{rows}\nSMB\nTCP\n3\nSMB\nTCP\n41"
    );
    let got = normalize(&doc);
    assert_eq!(got[0].rules.len(), 41);
    let dup = &got[0].anomalies[0];
    assert_eq!((dup.kind, dup.line), (AnomalyKind::DuplicateRow, 128));
    assert!(dup.message.contains("line 14"), "{}", dup.message);
}

#[test]
fn gre_with_na_has_no_port() {
    let got = normalize(
        "RRAS\n\nRoutes.\n\nSystem Service Name RemoteAccess\n\nApplication protocol Protocol Port\nGRE (IP protocol 47)\nGRE\nn/a",
    );
    let rule = &got[0].rules[0];
    assert_eq!((rule.transport, rule.port, rule.port_raw.as_str()), (Some(Transport::Gre), PortSpec::NONE, "n/a"));
    assert_eq!(kinds(&got[0]), vec![AnomalyKind::NoPort]);
}

#[test]
fn unreadable_rows_are_problems_and_leave_no_anomalies() {
    let got = normalize(
        "X\n\nDoes.\n\nSystem Service Name X\n\nApplication protocol Protocol Port\nA\nTCP\neighty\nB\nXTP\n1\nC\nTCP",
    );
    let lines: Vec<u32> = got[0].problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [10, 12, 14]);
    assert!(got[0].problems[0].message.starts_with("unreadable port \"eighty\": expected a port number"));
    assert!(got[0].problems[1].message.starts_with("unknown protocol \"XTP\": expected TCP"));
    assert_eq!(
        got[0].problems[2].message,
        "table row cut short: expected 3 cells (application protocol, protocol, port), found 2: \"C\", \"TCP\""
    );
    assert!(got[0].rules.is_empty());
    assert_eq!(kinds(&got[0]), vec![]);
}

#[test]
fn tcp_with_a_no_port_word_loads_with_no_port_and_an_empty_cell_is_a_problem() {
    let got = normalize("X\n\nDoes.\n\nSystem Service Name X\n\nApplication protocol Protocol Port\nA\nTCP\nn/a");
    assert_eq!((got[0].rules[0].port, got[0].rules[0].transport), (PortSpec::NONE, Some(Transport::Tcp)));
    assert_eq!(kinds(&got[0]), vec![AnomalyKind::PortNotGiven]);
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let cells = ["SMB", "TCP", " "].map(|c| Located::new(9, c)).to_vec();
    let n = normalize_section(
        &section_of(Table::new(7, header, vec![TableRow { line: 9, cells }])),
        &NormalizeOptions::default(),
    );
    assert_eq!(n.problems[0].message, "TCP needs a port number, found nothing");
}

#[test]
fn cells_beyond_the_header_are_ledgered_not_loaded() {
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let cells = ["SMB", "TCP", "445", "Windows 2000 and later", ""].map(|c| Located::new(9, c)).to_vec();
    let n = normalize_section(
        &section_of(Table::new(7, header, vec![TableRow { line: 9, cells }])),
        &NormalizeOptions::default(),
    );
    assert_eq!(n.rules.len(), 1);
    let a = &n.anomalies[0];
    assert_eq!((a.line, a.kind, a.raw.as_str()), (9, AnomalyKind::ExtraCell, "Windows 2000 and later / "));
    assert!(a.message.contains("2 cell(s) more"), "{}", a.message);
}

#[test]
fn skipped_rows_keep_line_and_raw() {
    let a = Problem { line: 4, raw: "A / TCP / x".into(), message: "port \"x\" is not a number".into() }.into_skipped();
    assert_eq!((a.line, a.kind, a.raw.as_str()), (4, AnomalyKind::SkippedRow, "A / TCP / x"));
}

/// A section titled `Server` holding `table`.
fn section_of(table: Table) -> Section {
    Section {
        title: Located::new(1, "Server"),
        heading_level: Some(3),
        description: vec![],
        system_service_lines: vec![Located::new(3, "System service name: lanmanserver")],
        captions: vec![],
        tables: vec![port_table_of(table)],
        anomalies: vec![],
    }
}

/// The rules of a one-table section whose header and rows are given as cell texts, rows from line 9.
fn rules_of(header: &[&str], rows: &[&[&str]]) -> NormalizedSection {
    normalize_section(&section_of(table_of_cells(header, rows)), &NormalizeOptions::default())
}

#[test]
fn every_role_of_a_row_reaches_its_rule() {
    let n = rules_of(
        &["Service", "Client Port(s)", "Server Port", "From", "To", "Direction", "Notes"],
        &[&["LDAP", "1024-65535/TCP", "389/TCP/UDP", "Client", "Domain controller", "--->", "See below"]],
    );
    assert_eq!(n.problems, vec![]);
    let got: Vec<_> = n.rules.iter().map(|r| (r.transport, r.port.range)).collect();
    assert_eq!(got, [(Some(Transport::Tcp), Some((389, 389))), (Some(Transport::Udp), Some((389, 389)))]);
    let rule = &n.rules[0];
    let c = &rule.context;
    assert_eq!((c.direction, c.source_ports), (Some(Direction::Outbound), Some((1024, 65535))));
    assert_eq!((c.from_endpoint.as_deref(), c.to_endpoint.as_deref()), (Some("Client"), Some("Domain controller")));
    assert_eq!(rule.note.as_deref(), Some("See below"));
    let cells: serde_json::Value = serde_json::from_str(c.row_cells.as_deref().unwrap()).unwrap();
    assert_eq!(cells["Client Port(s)"], "1024-65535/TCP");
    assert_eq!(cells.as_object().unwrap().len(), 7);
}

#[test]
fn columns_named_after_transports() {
    let n = rules_of(&["Description", "UDP", "TCP"], &[&["RPC Endpoint Mapper", "135", "135"], &["HTTP", "--", "80"]]);
    let got: Vec<_> = n.rules.iter().map(|r| (r.line, r.transport, r.port.range)).collect();
    assert_eq!(
        got,
        [
            (9, Some(Transport::Udp), Some((135, 135))),
            (9, Some(Transport::Tcp), Some((135, 135))),
            (10, Some(Transport::Tcp), Some((80, 80)))
        ]
    );
    assert_eq!(kinds(&n), vec![AnomalyKind::PortNotUsed]);
}

#[test]
fn a_column_named_after_two_transports() {
    // Straight through the seam: whether such a header makes a port table is the parse side's call.
    let cells = vec![Located::new(9, "DNS"), Located::new(9, "53")];
    let row = TableRow { line: 9, cells };
    let row_cells = crate::parse::table::RowCells {
        line: 9,
        row: &row,
        header_len: 2,
        application: Some(&row.cells[0]),
        transport: None,
        port: None,
        port_end: None,
        transport_ports: vec![("TCP/UDP", &row.cells[1])],
        more_ports: vec![],
        client_port: None,
        direction: None,
        from: None,
        to: None,
        address: None,
        notes: vec![],
        group: None,
        continues: None,
        all: vec![("Description", &row.cells[0]), ("TCP/UDP", &row.cells[1])],
    };
    let mut n = NormalizedSection::default();
    normalize_row(&row_cells, &NormalizeOptions::default(), "T", &mut SeenRules::default(), &mut n);
    let got: Vec<_> = n.rules.iter().map(|r| (r.transport, r.port.range)).collect();
    assert_eq!(got, [(Some(Transport::Tcp), Some((53, 53))), (Some(Transport::Udp), Some((53, 53)))]);
}

#[test]
fn a_port_without_a_transport_is_loaded_with_none_and_ledgered() {
    let n = rules_of(
        &["Purpose", "Ports", "Comments"],
        &[&["Web", "443", ""], &["Mail", "587/TCP (authenticated SMTP)", ""]],
    );
    let got: Vec<_> = n.rules.iter().map(|r| (r.transport, r.port.range, r.note.clone())).collect();
    assert_eq!(
        got,
        [
            (None, Some((443, 443)), None),
            (Some(Transport::Tcp), Some((587, 587)), Some("authenticated SMTP".to_string()))
        ]
    );
    assert_eq!(
        kinds(&n),
        vec![AnomalyKind::TransportUnspecified, AnomalyKind::PortRemark, AnomalyKind::TransportInPortCell]
    );
}

#[test]
fn start_and_end_port_columns_make_a_range() {
    let n = rules_of(
        &["Service", "Protocol", "Action", "Start Port", "End Port", "Notes"],
        &[&["etcd", "TCP", "allow", "2379", "2380", ""], &["ssh", "TCP", "allow", "22"]],
    );
    let got: Vec<_> = n.rules.iter().map(|r| (r.port.kind, r.port.range)).collect();
    assert_eq!(got, [(PortKind::Range, Some((2379, 2380))), (PortKind::Fixed, Some((22, 22)))]);
}

#[test]
fn the_icmp_echo_row_of_kb_832017_2023() {
    let n = rules_of(
        &["Application protocol", "Protocol", "Ports"],
        &[&["Cluster Service", "ICMP", "Echo port (This port is required during a node join operation.)"]],
    );
    let rule = &n.rules[0];
    assert_eq!((rule.transport, rule.icmp_type, rule.port), (Some(Transport::Icmp), Some(8), PortSpec::NONE));
    assert_eq!(rule.note.as_deref(), Some("This port is required during a node join operation."));
    assert_eq!(kinds(&n), vec![AnomalyKind::IcmpMessage, AnomalyKind::NoPort]);
}
