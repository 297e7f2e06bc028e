use super::*;
use crate::parse::Table;
use crate::parse::TableRow;
use crate::parse::sections::{Event, Sections};
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
            application_protocol: "DNS".into(),
            transport: Transport::Udp,
            port: PortSpec { kind: PortKind::Fixed, range: Some((53, 53)) },
            port_raw: "53".into(),
            transport_raw: "UDP".into(),
            line: 8,
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
    assert_eq!((rule.transport, rule.port, rule.port_raw.as_str()), (Transport::Gre, PortSpec::NONE, "n/a"));
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
fn tcp_without_a_port_is_a_problem() {
    let got = normalize("X\n\nDoes.\n\nSystem Service Name X\n\nApplication protocol Protocol Port\nA\nTCP\nn/a");
    assert!(got[0].problems[0].message.contains("TCP needs a port number"));
}

#[test]
fn summary_and_unknown_tables_are_not_loaded() {
    let section = Section {
        title: Located::new(1, "Ports and protocols"),
        heading_level: Some(2),
        description: vec![],
        system_service_lines: vec![],
        captions: vec![],
        tables: vec![Table {
            line: 3,
            header: vec!["Port".into(), "Protocol".into(), "Application protocol".into(), "System service name".into()],
            rows: vec![],
        }],
        anomalies: vec![],
    };
    let n = normalize_section(&section, &NormalizeOptions::default());
    assert_eq!(n.service, None);
    assert_eq!(kinds(&n), vec![AnomalyKind::SummaryTable]);
}

#[test]
fn cells_beyond_the_header_are_ledgered_not_loaded() {
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let cells = ["SMB", "TCP", "445", "Windows 2000 and later", ""].map(|c| Located::new(9, c)).to_vec();
    let section = Section {
        title: Located::new(1, "Server"),
        heading_level: Some(3),
        description: vec![],
        system_service_lines: vec![Located::new(3, "System service name: lanmanserver")],
        captions: vec![],
        tables: vec![Table { line: 7, header, rows: vec![TableRow { line: 9, cells }] }],
        anomalies: vec![],
    };
    let n = normalize_section(&section, &NormalizeOptions::default());
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
