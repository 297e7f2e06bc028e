//! Rulesets as the kernel lists them (`nft -j list ruleset`, `iptables-save`), read back into
//! plain (comment, transport, port ranges) triples for the firewall tests.

/// One accept rule as listed: its comment, its transport (`TCP`, `GRE`...) and its port ranges
/// (or ICMP type), empty for a transport without ports.
pub type ListedRule = (String, String, Vec<(u32, u32)>);

/// Each accept rule of `table`'s `chain` as (comment, transport, ranges). The transport is
/// `TCP`, `UDP`, `ICMP`, `ICMPV6` (its types read as their ICMP counterparts: 128 as 8), or the
/// IP protocol's name (`GRE`, `AH`); anything else a `(policy)` match of the kbingest rules.
pub fn nft_rules(json: &str, table: &str, chain: &str) -> Vec<ListedRule> {
    let listing: serde_json::Value = serde_json::from_str(json).expect("nft -j gives JSON");
    let mut rules = Vec::new();
    for item in listing["nftables"].as_array().expect("an nftables array") {
        let Some(rule) = item.get("rule") else { continue };
        if rule["table"] != table || rule["chain"] != chain {
            continue;
        }
        let comment = rule["comment"].as_str().unwrap_or_default().to_string();
        if comment.starts_with("kbingest:") {
            rules.push((comment, "(policy)".into(), Vec::new()));
            continue;
        }
        let expr = rule["expr"].as_array().expect("expressions");
        assert_eq!(expr.last(), Some(&serde_json::json!({"accept": null})), "{rule}");
        // The last match says what is allowed; those before it (addresses, family) narrow it.
        let m = &expr[expr.len() - 2]["match"];
        let (left, right) = (&m["left"], &m["right"]);
        let (transport, ranges) = if let Some(protocol) = left["payload"]["protocol"].as_str() {
            match (protocol, left["payload"]["field"].as_str()) {
                ("tcp" | "udp", Some("dport")) => (protocol.to_uppercase(), nft_ports(right)),
                ("icmp", Some("type")) => ("ICMP".into(), vec![(icmp_type(right, false), icmp_type(right, false))]),
                ("icmpv6", Some("type")) => ("ICMPV6".into(), vec![(icmp_type(right, true), icmp_type(right, true))]),
                ("ip6", Some("nexthdr")) => (protocol_name(right), Vec::new()),
                _ => (format!("{protocol} (policy)"), Vec::new()),
            }
        } else if left["meta"]["key"] == "l4proto" {
            (protocol_name(right), Vec::new())
        } else {
            (format!("{left} (policy)"), Vec::new())
        };
        rules.push((comment, transport, ranges));
    }
    rules
}

/// An IP protocol as listed (`gre`, `47`, `ipv6-icmp`) by its name in port_rules.
fn protocol_name(right: &serde_json::Value) -> String {
    match right.as_str().map(str::to_uppercase) {
        Some(name) if name == "IPV6-ICMP" => "ICMPV6".into(),
        Some(name) => name,
        None => match right.as_u64() {
            Some(4) => "IPIP".into(),
            Some(47) => "GRE".into(),
            Some(50) => "ESP".into(),
            Some(51) => "AH".into(),
            _ => right.to_string(),
        },
    }
}

fn nft_ports(right: &serde_json::Value) -> Vec<(u32, u32)> {
    let element = |e: &serde_json::Value| match (e.as_u64(), e["range"].as_array()) {
        (Some(p), _) => (p as u32, p as u32),
        (None, Some(r)) => (r[0].as_u64().unwrap() as u32, r[1].as_u64().unwrap() as u32),
        _ => panic!("port element {e}"),
    };
    match right["set"].as_array() {
        Some(set) => set.iter().map(element).collect(),
        None => vec![element(right)],
    }
}

/// An ICMP type as listed, ICMPv6 types as their ICMP counterparts (echo request 128 as 8).
fn icmp_type(right: &serde_json::Value, v6: bool) -> u32 {
    let t = match right.as_str() {
        Some("echo-request") => return 8,
        Some("echo-reply") => return 0,
        Some(other) => panic!("ICMP type {other}"),
        None => right.as_u64().expect("an ICMP type") as u32,
    };
    if v6 { v4_type(t) } else { t }
}

/// The ICMP type an ICMPv6 type stands for in the tests' rules.
fn v4_type(t: u32) -> u32 {
    match t {
        128 => 8,
        129 => 0,
        other => other,
    }
}

/// Each rule of `chain` as (comment, transport, ranges).
pub fn iptables_rules(save: &str, chain: &str) -> Vec<ListedRule> {
    let mut rules = Vec::new();
    for line in save.lines() {
        let Some(rest) = line.strip_prefix(&format!("-A {chain} ")) else { continue };
        let rest = format!(" {rest}");
        let (matches, tail) = rest.split_once(" -m comment --comment ").unwrap_or_else(|| panic!("no comment: {line}"));
        let (comment, verdict) = unquote(tail);
        if comment.starts_with("kbingest:") {
            continue;
        }
        assert_eq!(verdict, " -j ACCEPT", "{line}");
        let tokens: Vec<&str> = matches.split_whitespace().collect();
        let value = |flag: &str| tokens.iter().position(|t| *t == flag).map(|i| tokens[i + 1]);
        let transport = match value("-p") {
            Some("ipv6-icmp") => "ICMPV6".to_string(),
            Some(p) => protocol_name(&p.parse::<u64>().map_or(serde_json::json!(p), |n| serde_json::json!(n))),
            None if tokens.contains(&"ah") => "AH".into(),
            None => panic!("no protocol: {line}"),
        };
        let icmp = value("--icmp-type")
            .map(|t| t.parse::<u32>().unwrap())
            .or(value("--icmpv6-type").map(|t| v4_type(t.parse().unwrap())));
        let ranges = match (value("--dport").or(value("--dports")), icmp) {
            (Some(ports), _) => ports
                .split(',')
                .map(|p| match p.split_once(':') {
                    Some((l, h)) => (l.parse().unwrap(), h.parse().unwrap()),
                    None => (p.parse().unwrap(), p.parse().unwrap()),
                })
                .collect(),
            (None, Some(t)) => vec![(t, t)],
            (None, None) => Vec::new(),
        };
        rules.push((comment, transport, ranges));
    }
    rules
}

/// A double-quoted iptables-save string at the start of `text` (backslash escapes), and the rest.
fn unquote(text: &str) -> (String, &str) {
    let mut chars = text.char_indices();
    assert_eq!(chars.next().map(|c| c.1), Some('"'), "{text}");
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next().expect("an escaped character").1),
            '"' => return (out, &text[i + 1..]),
            _ => out.push(c),
        }
    }
    panic!("unclosed comment: {text}")
}

/// Ranges sorted, overlapping and adjacent ones joined.
pub fn joined(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (low, high) in ranges {
        match out.last_mut() {
            Some(last) if low <= last.1 + 1 => last.1 = last.1.max(high),
            _ => out.push((low, high)),
        }
    }
    out
}
