use super::*;

/// What a test looks at in a rule.
type Summary<'a> = (&'a str, Protocol, Vec<(u16, u16)>, Vec<u32>);

fn row(service: &str, transport: Option<u8>, ports: Option<(u16, u16)>, line: u32) -> PortRule {
    PortRule {
        source: "doc.txt".into(),
        service: service.into(),
        system_service_name: Some("Svc".into()),
        transport: transport.map(|p| Protocol::of(p, None).name()),
        ip_protocol: transport,
        ports,
        dynamic: false,
        direction: None,
        icmp_type: None,
        source_line: line,
    }
}

#[test]
fn one_rule_per_service_and_transport_with_ports_joined() {
    let mut dynamic = row("LSA", Some(6), Some((1025, 5000)), 12);
    dynamic.dynamic = true;
    let rows = vec![
        row("LSA", Some(6), Some((135, 135)), 10),
        dynamic,
        row("LSA", Some(6), Some((3269, 3269)), 14),
        row("LSA", Some(17), Some((389, 389)), 16),
        row("LSA", Some(6), Some((3268, 3268)), 18),
        row("DNS", Some(17), Some((53, 53)), 30),
        row("LSA", Some(6), Some((6000, 6000)), 20),
    ];
    let merged = merge(&rows, Direction::Inbound, None).unwrap();
    assert!(merged.notes.is_empty());
    let summary: Vec<Summary> =
        merged.rules.iter().map(|r| (r.service.as_str(), r.protocol, r.ranges(None), r.lines.clone())).collect();
    assert_eq!(
        summary,
        vec![
            ("LSA", Protocol::Tcp, vec![(135, 135), (1025, 5000), (6000, 6000)], vec![10, 12, 14, 18, 20]),
            ("LSA", Protocol::Udp, vec![(389, 389)], vec![16]),
            ("DNS", Protocol::Udp, vec![(53, 53)], vec![30]),
        ]
    );
    let lsa = &merged.rules[0];
    assert_eq!(lsa.ranges(Some(false)), vec![(135, 135), (3268, 3269), (6000, 6000)]);
    assert_eq!(lsa.ranges(Some(true)), vec![(1025, 5000)]);
    assert_eq!(lsa.lines_of(true), vec![12]);
}

#[test]
fn portless_transports_and_icmp_by_type() {
    let mut echo = row("VPN", Some(1), None, 9);
    echo.icmp_type = Some(8);
    let rows = vec![row("VPN", Some(47), None, 3), row("VPN", Some(50), None, 5), echo, row("VPN", Some(51), None, 7)];
    let merged = merge(&rows, Direction::Inbound, None).unwrap();
    let protocols: Vec<Protocol> = merged.rules.iter().map(|r| r.protocol).collect();
    assert_eq!(protocols, vec![Protocol::Icmp(Some(8)), Protocol::Other(47), Protocol::Other(50), Protocol::Other(51)]);
    assert!(merged.rules.iter().all(|r| r.spans.is_empty()));
}

#[test]
fn rows_without_transport_are_refused_unless_assumed() {
    let rows = vec![row("Web", None, Some((8080, 8080)), 4), row("Web", Some(6), Some((80, 80)), 6)];
    let e = merge(&rows, Direction::Inbound, None).unwrap_err();
    assert_eq!(
        e,
        "doc.txt:4: Web: the document gives no transport for this port; pass --assume-transport tcp, udp or both"
    );
    let merged = merge(&rows, Direction::Inbound, Some(AssumeTransport::Both)).unwrap();
    let summary: Vec<Summary> =
        merged.rules.iter().map(|r| (r.service.as_str(), r.protocol, r.ranges(None), r.assumed.clone())).collect();
    assert_eq!(
        summary,
        vec![
            ("Web", Protocol::Tcp, vec![(80, 80), (8080, 8080)], vec![4]),
            ("Web", Protocol::Udp, vec![(8080, 8080)], vec![4])
        ]
    );
}

#[test]
fn outbound_rows_only_when_asked() {
    let mut out = row("Time", Some(17), Some((123, 123)), 5);
    out.direction = Some("outbound".into());
    let mut both = row("Time", Some(6), Some((80, 80)), 7);
    both.direction = Some("both".into());
    let rows = vec![out, both];
    let inbound = merge(&rows, Direction::Inbound, None).unwrap();
    assert_eq!(inbound.rules.len(), 1);
    assert_eq!(inbound.rules[0].protocol, Protocol::Tcp);
    assert_eq!(
        inbound.notes,
        vec![
            "1 row is for the other direction only, so no rule was written for them; pass --direction both to include them"
        ]
    );
    let all = merge(&rows, Direction::Both, None).unwrap();
    let flows: Vec<(Flow, Protocol)> = all.rules.iter().map(|r| (r.flow, r.protocol)).collect();
    assert_eq!(
        flows,
        vec![(Flow::Inbound, Protocol::Tcp), (Flow::Outbound, Protocol::Tcp), (Flow::Outbound, Protocol::Udp)]
    );
}

#[test]
fn a_port_transport_without_a_port_is_noted_not_opened() {
    let rows = vec![row("Odd", Some(6), None, 8)];
    let merged = merge(&rows, Direction::Inbound, None).unwrap();
    assert!(merged.rules.is_empty());
    assert_eq!(
        merged.notes,
        vec!["doc.txt:8: Odd: TCP without a port: no rule written, since it would open every port"]
    );
}
