use super::*;
use crate::firewall::dynamic::resolve;
use crate::firewall::{DynamicRange, PortRule, Settings};

/// A rule's transport, ports and the lines whose transport was assumed.
type Assumed = (Protocol, Vec<(u16, u16)>, Vec<u32>);

/// What a test looks at in a rule.
type Summary<'a> = (&'a str, Protocol, bool, Vec<(u16, u16)>, Vec<u32>);

fn row(service: &str, transport: Option<u8>, ports: Option<(u16, u16)>, line: u32) -> PortRule {
    PortRule {
        source: "doc.txt".into(),
        service: service.into(),
        system_service_name: Some("Svc".into()),
        application_protocol: "Something".into(),
        transport: transport.map(|p| if p == 6 { "TCP".into() } else { "UDP".into() }),
        ip_protocol: transport,
        ports,
        dynamic: false,
        port_raw: String::new(),
        direction: None,
        icmp_type: None,
        source_ports: None,
        source_line: line,
    }
}

fn request() -> Request {
    Request::new(Settings::new("kbingest"))
}

fn merged(rows: Vec<PortRule>, request: &Request) -> Result<Merged, String> {
    merge(&resolve(rows, DynamicRange::Modern), request)
}

fn summary(merged: &Merged) -> Vec<Summary<'_>> {
    merged
        .rules
        .iter()
        .map(|r| (r.service.as_str(), r.protocol, r.dynamic, r.ranges(), r.places.iter().map(|a| a.line).collect()))
        .collect()
}

#[test]
fn one_rule_per_service_transport_and_kind_with_ports_joined() {
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
    let merged = merged(rows, &request()).unwrap();
    assert!(merged.notes.is_empty());
    assert_eq!(
        summary(&merged),
        vec![
            ("LSA", Protocol::Tcp, false, vec![(135, 135), (3268, 3269), (6000, 6000)], vec![10, 14, 18, 20]),
            ("LSA", Protocol::Tcp, true, vec![(1025, 5000)], vec![12]),
            ("LSA", Protocol::Udp, false, vec![(389, 389)], vec![16]),
            ("DNS", Protocol::Udp, false, vec![(53, 53)], vec![30]),
        ]
    );
    assert!(!merged.rules[1].rpc, "nothing says RPC");
}

#[test]
fn rpc_is_what_the_row_says_or_its_section_pairs_with_the_endpoint_mapper() {
    let mut mapper = row("Fax", Some(6), Some((135, 135)), 1);
    mapper.application_protocol = "RPC".into();
    let mut fax = row("Fax", Some(6), Some((1025, 5000)), 2);
    fax.dynamic = true;
    let mut ftp = row("FTP", Some(6), Some((1025, 5000)), 3);
    ftp.dynamic = true;
    let mut dcom = row("GP", Some(6), Some((49152, 65535)), 4);
    dcom.dynamic = true;
    dcom.application_protocol = "DCOM".into();
    let merged = merged(vec![mapper, fax, ftp, dcom], &request()).unwrap();
    let rpc: Vec<(&str, bool)> =
        merged.rules.iter().filter(|r| r.dynamic).map(|r| (r.service.as_str(), r.rpc)).collect();
    assert_eq!(rpc, [("Fax", true), ("FTP", false), ("GP", true)]);
    assert!(says_rpc("DCE/RPC") && says_rpc("RPC randomly allocated high TCP ports") && !says_rpc("RPCs-like"));
}

#[test]
fn portless_transports_and_icmp_by_type() {
    let mut echo = row("VPN", Some(1), None, 9);
    echo.icmp_type = Some(8);
    let bare = row("VPN", Some(1), None, 11);
    let rows =
        vec![row("VPN", Some(47), None, 3), row("VPN", Some(50), None, 5), echo, row("VPN", Some(51), None, 7), bare];
    let merged = merged(rows, &request()).unwrap();
    let protocols: Vec<Protocol> = merged.rules.iter().map(|r| r.protocol).collect();
    assert_eq!(protocols, vec![Protocol::Icmp(Some(8)), Protocol::Other(47), Protocol::Other(50), Protocol::Other(51)]);
    assert!(merged.rules.iter().all(|r| r.spans.is_empty()));
    let icmp = &merged.rules[0];
    assert_eq!(icmp.places.iter().map(|a| a.line).collect::<Vec<_>>(), [9, 11], "the bare row opens echo too");
    assert_eq!(icmp.remarks[0].0, "the row names no ICMP type: echo request only (--icmp all opens every type)");
    assert_eq!(icmp.remarks[0].1.len(), 1);
    assert_eq!(Protocol::Other(4).name(), "IPIP");
    let mut timestamp = row("VPN", Some(1), None, 13);
    timestamp.icmp_type = Some(13);
    let only = self::merged(vec![timestamp], &request()).unwrap();
    assert_eq!(only.rules[0].remarks[0].0, "ICMP type 13 has no ICMPv6 counterpart: IPv4 only");
}

#[test]
fn rows_without_transport_are_refused_unless_assumed() {
    let rows = vec![row("Web", None, Some((8080, 8080)), 4), row("Web", Some(6), Some((80, 80)), 6)];
    let e = merged(rows.clone(), &request()).unwrap_err();
    assert_eq!(
        e,
        "doc.txt:4: Web: the document gives no transport for this port; pass --assume-transport tcp, udp or both"
    );
    let mut assume = request();
    assume.assume = Some(AssumeTransport::Both);
    let merged = merged(rows, &assume).unwrap();
    let assumed: Vec<Assumed> =
        merged.rules.iter().map(|r| (r.protocol, r.ranges(), r.assumed.iter().map(|a| a.line).collect())).collect();
    assert_eq!(
        assumed,
        vec![(Protocol::Tcp, vec![(80, 80), (8080, 8080)], vec![4]), (Protocol::Udp, vec![(8080, 8080)], vec![4])]
    );
}

#[test]
fn outbound_rows_only_when_asked() {
    let mut out = row("Time", Some(17), Some((123, 123)), 5);
    out.direction = Some("outbound".into());
    let mut both = row("Time", Some(6), Some((80, 80)), 7);
    both.direction = Some("both".into());
    let rows = vec![out, both];
    let inbound = merged(rows.clone(), &request()).unwrap();
    assert_eq!(inbound.rules.len(), 1);
    assert_eq!(inbound.rules[0].protocol, Protocol::Tcp);
    assert_eq!(
        inbound.notes,
        vec![
            "1 row is for the other direction only, so no rule was written for them; pass --direction both to include them"
        ]
    );
    let mut all = request();
    all.settings.direction = Direction::Both;
    let all = merged(rows, &all).unwrap();
    let flows: Vec<(Flow, Protocol)> = all.rules.iter().map(|r| (r.flow, r.protocol)).collect();
    assert_eq!(
        flows,
        vec![(Flow::Inbound, Protocol::Tcp), (Flow::Outbound, Protocol::Tcp), (Flow::Outbound, Protocol::Udp)]
    );
}

#[test]
fn a_port_transport_without_a_port_is_noted_not_opened_unless_dynamic() {
    let mut dynamic = row("Odd", Some(6), None, 9);
    dynamic.dynamic = true;
    let merged = merged(vec![row("Odd", Some(6), None, 8), dynamic], &request()).unwrap();
    assert_eq!(
        merged.notes,
        vec!["doc.txt:8: Odd: TCP without a port: no rule written, since it would open every port"]
    );
    assert_eq!(merged.rules.len(), 1);
    assert_eq!(merged.rules[0].ranges(), [(49152, 65535)]);
    assert_eq!(merged.rules[0].remarks[0].0, "no range stated, 49152-65535 by --dynamic-range modern");
}

#[test]
fn several_sources_merge_by_system_service_name_with_every_place() {
    let mut old = row("Local Security Authority", Some(6), Some((389, 389)), 368);
    old.source = "2003.txt".into();
    let mut new = row("Active Directory (local security authority)", Some(6), Some((389, 389)), 109);
    new.source = "2020.md".into();
    let mut all = request();
    all.all_sources = true;
    let merged = merged(vec![old, new], &all).unwrap();
    assert_eq!(merged.rules.len(), 1, "{:?}", merged.rules);
    assert_eq!(merged.rules[0].ranges(), [(389, 389)]);
    assert_eq!(
        crate::firewall::trace::trace(&merged.rules[0]),
        "Local Security Authority (Svc) TCP: 2003.txt line 368; 2020.md line 109"
    );
}
