//! Rules for the renderers' unit tests: a domain controller's few, and a service whose title is
//! written to break out of every quoting there is.

use super::{Policy, PortRule, Request, Ruleset, Settings, build};

/// A title that ends quotes in PowerShell (straight and typographic), nftables and iptables,
/// starts new commands on new lines, carries terminal control characters and turns text around
/// (U+202E).
pub const HOSTILE: &str = "'; Remove-Item -Recurse C:\\ ; $(x) \"\nNew-NetFirewallRule -Action Allow\r\u{1b}[2J\u{2019}; \
     `calc` # \\\" <#\u{202E}exe.txt";

/// A row of `kb.txt` with nothing but its service, protocol, ports and line.
pub fn row(service: &str, name: Option<&str>, ip_protocol: u8, ports: Option<(u16, u16)>, line: u32) -> PortRule {
    PortRule {
        source: "kb.txt".into(),
        service: service.into(),
        system_service_name: name.map(Into::into),
        application_protocol: "Some protocol".into(),
        transport: None,
        ip_protocol: Some(ip_protocol),
        ports,
        dynamic: false,
        port_raw: String::new(),
        direction: None,
        icmp_type: None,
        source_ports: None,
        source_line: line,
    }
}

/// DNS (TCP and UDP 53), LSASS (RPC on 135, the dynamic range, 3268 inside it and 17 more ports,
/// to split iptables's multiport), GRE and ICMP echo, and the hostile service on TCP 4444.
pub fn rows() -> Vec<PortRule> {
    let mut rows = vec![
        row("DNS Server", Some("DNS"), 17, Some((53, 53)), 162),
        row("DNS Server", Some("DNS"), 6, Some((53, 53)), 165),
    ];
    let mut rpc = row("Local Security Authority", Some("LSASS"), 6, Some((135, 135)), 368);
    rpc.application_protocol = "RPC".into();
    rows.push(rpc);
    let mut dynamic = row("Local Security Authority", Some("LSASS"), 6, Some((1025, 5000)), 371);
    dynamic.dynamic = true;
    dynamic.port_raw = "RANDOM".into();
    rows.push(dynamic);
    rows.push(row("Local Security Authority", Some("LSASS"), 6, Some((3268, 3268)), 374));
    for i in 0..17u16 {
        let port = 20000 + 2 * i;
        rows.push(row("Local Security Authority", Some("LSASS"), 6, Some((port, port)), 380 + u32::from(i)));
    }
    rows.push(row("Routing and Remote Access", Some("RemoteAccess"), 47, None, 650));
    let mut echo = row("Routing and Remote Access", Some("RemoteAccess"), 1, None, 660);
    echo.icmp_type = Some(8);
    rows.push(echo);
    rows.push(row(HOSTILE, Some(HOSTILE), 6, Some((4444, 4444)), 900));
    rows
}

/// The sample rows as a ruleset.
pub fn ruleset(policy: Policy) -> Ruleset {
    let mut settings = Settings::new("kbingest");
    settings.policy = policy;
    build(rows(), &Request::new(settings)).expect("the sample builds").ruleset
}
