//! `kbingest firewall` against the real tools: rulesets are loaded into the kernel inside a
//! private network namespace only (`unshare --net`; never the host's ruleset), read back
//! (`nft -j list ruleset`, `iptables-save`) and compared with `port_rules`; and a default-deny
//! ruleset is tried with real TCP connections. Where `unshare`, `nft` or `iptables` are missing
//! or not permitted, each test says SKIP on standard error and returns.

mod common;

use common::{kbingest, repo_file, workdir};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What a ruleset allows: per rule label (`DNS Server (DNS) TCP`), the ports (or the ICMP type)
/// as joined ranges; empty for a transport without ports.
type Allowed = BTreeMap<String, Vec<(u32, u32)>>;

/// The two languages that load here: (format, the tool that loads it).
const TOOLS: [(&str, &str); 2] = [("nftables", "nft"), ("iptables", "iptables-restore")];

fn skip(test: &str, reason: &str) {
    eprintln!("SKIP {test}: {reason}");
}

/// Why `tool` cannot load rules into a private network namespace here, if it cannot.
fn cannot_load(tool: &str) -> Option<String> {
    if Command::new(tool).arg("--version").output().is_err() {
        return Some(format!("{tool} is not installed (apt-get install nftables iptables)"));
    }
    let probe = if tool == "nft" { "nft add table inet kbingest_probe" } else { "iptables -N KBINGEST_PROBE" };
    match Command::new("unshare").args(["--net", "sh", "-c", probe]).output() {
        Err(e) => Some(format!("unshare cannot run: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "`unshare --net {probe}` is not permitted here: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// `raw/ports.txt` loaded into `ports.db` as `ports.txt`.
fn ports_db(dir: &Path) {
    let input = repo_file("raw/ports.txt");
    kbingest(dir, &[input.to_str().unwrap(), "-o", "ports.db", "--source-name", "ports.txt", "-q"]).success();
}

/// Writes the ruleset for `args` into `dir/rules` and returns its path.
fn generate(dir: &Path, format: &str, args: &[&str]) -> std::path::PathBuf {
    let mut all = vec!["firewall", "ports.db", "--format", format, "-o", "rules", "-q"];
    all.extend_from_slice(args);
    kbingest(dir, &all).success();
    dir.join("rules")
}

/// Loads `rules` with `format`'s tool in a fresh network namespace and returns what the kernel
/// holds afterwards, as the tool lists it.
fn load_and_list(format: &str, rules: &Path) -> String {
    let script = match format {
        "nftables" => "nft -f \"$1\" && nft -j list ruleset",
        _ => "iptables-restore --noflush \"$1\" && iptables-save",
    };
    let out =
        Command::new("unshare").args(["--net", "sh", "-c", script, "sh"]).arg(rules).output().expect("unshare runs");
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{format} refused the ruleset:\n{}\n--- ruleset ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(rules).unwrap_or_default()
    );
    listed
}

/// What a listing allows, in either language, and how many rules allow it; the kbingest rules
/// of the policy itself (comments starting `kbingest:`) are left out.
fn allowed(format: &str, listed: &str) -> (Allowed, usize) {
    let rules = match format {
        "nftables" => nft_rules(listed, "kbingest"),
        _ => iptables_rules(listed, "KBINGEST"),
    };
    let mut allowed = Allowed::new();
    let mut count = 0;
    for (comment, transport, ranges) in rules {
        if comment.starts_with("kbingest:") {
            continue;
        }
        count += 1;
        let label = comment.rsplit_once(": ").map(|(label, _)| label.to_string()).unwrap_or(comment.clone());
        assert!(label.ends_with(&format!(" {transport}")), "rule `{comment}` matches {transport}");
        allowed.entry(label).or_default().extend(ranges);
    }
    (allowed.into_iter().map(|(label, ranges)| (label, joined(ranges))).collect(), count)
}

/// Each accept rule of `table` as (comment, transport, ranges).
fn nft_rules(json: &str, table: &str) -> Vec<(String, String, Vec<(u32, u32)>)> {
    let listing: serde_json::Value = serde_json::from_str(json).expect("nft -j gives JSON");
    let mut rules = Vec::new();
    for item in listing["nftables"].as_array().expect("an nftables array") {
        let Some(rule) = item.get("rule") else { continue };
        if rule["table"] != table {
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
fn iptables_rules(save: &str, chain: &str) -> Vec<(String, String, Vec<(u32, u32)>)> {
    let mut rules = Vec::new();
    for line in save.lines() {
        let Some(rest) = line.strip_prefix(&format!("-A {chain}")) else { continue };
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
fn joined(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
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

/// What `port_rules` says the selection allows, counted independently of kbingest's merge.
fn expected(db: &Path, keep: impl Fn(&str, Option<&str>) -> bool) -> Allowed {
    let conn = common::open(db);
    let mut stmt = conn
        .prepare("SELECT service, system_service_name, transport, port_low, port_high, icmp_type FROM port_rules")
        .unwrap();
    let mut allowed = Allowed::new();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<u32>>(3)?,
                r.get::<_, Option<u32>>(4)?,
                r.get::<_, Option<u32>>(5)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (service, name, transport, low, high, icmp) = row.unwrap();
        if !keep(&service, name.as_deref()) {
            continue;
        }
        let name = name.map(|n| format!(" ({n})")).unwrap_or_default();
        let entry = allowed.entry(format!("{service}{name} {transport}")).or_default();
        entry.extend(low.zip(high).or(icmp.map(|t| (t, t))));
    }
    allowed.into_iter().map(|(label, ranges)| (label, joined(ranges))).collect()
}

/// What was loaded in one language: rules in the kernel, distinct TCP and UDP ports allowed,
/// and the transports without ports.
struct Figures {
    format: &'static str,
    rules: usize,
    tcp_ports: u32,
    udp_ports: u32,
    portless: Vec<String>,
}

/// Loads the selection in both languages and checks the kernel allows exactly `port_rules`.
fn check_selection(test: &str, args: &[&str], keep: impl Fn(&str, Option<&str>) -> bool) -> Vec<Figures> {
    let dir = workdir();
    ports_db(dir.path());
    let want = expected(&dir.path().join("ports.db"), keep);
    assert!(!want.is_empty(), "the selection selects something");
    let mut figures = Vec::new();
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        let rules = generate(dir.path(), format, args);
        let (got, count) = allowed(format, &load_and_list(format, &rules));
        assert_eq!(got, want, "{format}: the kernel's rules differ from port_rules");
        let distinct = |transport: &str| -> u32 {
            let ranges = got.iter().filter(|(l, _)| l.ends_with(transport)).flat_map(|(_, r)| r.iter().copied());
            joined(ranges.collect()).iter().map(|(l, h)| h - l + 1).sum()
        };
        let portless = got.iter().filter(|(_, r)| r.is_empty()).map(|(l, _)| l.clone()).collect();
        figures.push(Figures {
            format,
            rules: count,
            tcp_ports: distinct(" TCP"),
            udp_ports: distinct(" UDP"),
            portless,
        });
    }
    figures
}

#[test]
fn the_whole_database_loads_with_exactly_its_ports() {
    let figures = check_selection("the_whole_database_loads_with_exactly_its_ports", &[], |_, _| true);
    for f in figures {
        eprintln!(
            "raw/ports.txt as {}: {} rules in the kernel; {} distinct TCP ports, {} UDP ports; without ports: {}",
            f.format,
            f.rules,
            f.tcp_ports,
            f.udp_ports,
            f.portless.join(", ")
        );
    }
}

#[test]
fn one_service_with_a_default_deny_policy() {
    let args = ["--service", "dns server", "--policy", "drop", "--allow-loopback"];
    check_selection("one_service_with_a_default_deny_policy", &args, |service, _| service == "DNS Server");
}

#[test]
fn gre_esp_and_ah_by_protocol_number() {
    let figures = check_selection("gre_esp_and_ah_by_protocol_number", &["--name", "RemoteAccess"], |_, name| {
        name == Some("RemoteAccess")
    });
    for f in figures {
        let want = ["GRE", "ESP", "AH"].map(|t| format!("Routing and Remote Access (RemoteAccess) {t}"));
        assert_eq!(f.portless.len(), 3, "{}: {:?}", f.format, f.portless);
        assert!(want.iter().all(|w| f.portless.contains(w)), "{}: {:?}", f.format, f.portless);
    }
}

#[test]
fn a_dynamic_range_as_the_database_holds_it() {
    check_selection("a_dynamic_range_as_the_database_holds_it", &["--name", "LSASS", "--name", "NtFrs"], |_, name| {
        matches!(name, Some("LSASS" | "NtFrs"))
    });
}
