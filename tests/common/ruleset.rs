//! Rulesets as the kernel lists them (`nft -j list ruleset`, `iptables-save`), read back into
//! plain (comment, transport, port ranges) triples for the firewall tests.

/// One accept rule as listed: its comment, its transport (`TCP`, `GRE`...) and its port ranges
/// (or ICMP type), empty for a transport without ports.
pub type ListedRule = (String, String, Vec<(u32, u32)>);

/// Each accept rule of `table`'s `chain` as (comment, transport, ranges).
pub fn nft_rules(json: &str, table: &str, chain: &str) -> Vec<ListedRule> {
    let listing: serde_json::Value = serde_json::from_str(json).expect("nft -j gives JSON");
    let mut rules = Vec::new();
    for item in listing["nftables"].as_array().expect("an nftables array") {
        let Some(rule) = item.get("rule") else { continue };
        if rule["table"] != table || rule["chain"] != chain {
            continue;
        }
        let comment = rule["comment"].as_str().unwrap_or_default().to_string();
        let expr = rule["expr"].as_array().expect("expressions");
        assert_eq!(expr.last(), Some(&serde_json::json!({"accept": null})), "{rule}");
        let m = &expr[0]["match"];
        let (left, right) = (&m["left"], &m["right"]);
        let (transport, ranges) = if let Some(protocol) = left["payload"]["protocol"].as_str() {
            match (protocol, left["payload"]["field"].as_str()) {
                ("tcp" | "udp", Some("dport")) => (protocol.to_uppercase(), nft_ports(right)),
                ("icmp", Some("type")) => ("ICMP".into(), vec![(icmp_type(right), icmp_type(right))]),
                _ => (format!("{protocol} (policy)"), Vec::new()),
            }
        } else if left["meta"]["key"] == "l4proto" {
            (right.as_str().map(str::to_uppercase).unwrap_or_else(|| right.to_string()), Vec::new())
        } else {
            (format!("{left} (policy)"), Vec::new())
        };
        rules.push((comment, transport, ranges));
    }
    rules
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

fn icmp_type(right: &serde_json::Value) -> u32 {
    match right.as_str() {
        Some("echo-request") => 8,
        Some(other) => panic!("ICMP type {other}"),
        None => right.as_u64().expect("an ICMP type") as u32,
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
        let transport = value("-p").expect("a protocol").to_uppercase();
        let ranges = match (value("--dport").or(value("--dports")), value("--icmp-type")) {
            (Some(ports), _) => ports
                .split(',')
                .map(|p| match p.split_once(':') {
                    Some((l, h)) => (l.parse().unwrap(), h.parse().unwrap()),
                    None => (p.parse().unwrap(), p.parse().unwrap()),
                })
                .collect(),
            (None, Some(t)) => vec![(t.parse().unwrap(), t.parse().unwrap())],
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
