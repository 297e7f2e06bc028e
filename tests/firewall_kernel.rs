//! `kbingest firewall` against the real tools: rulesets are loaded into the kernel inside a
//! private network namespace only (`unshare --net`; never the host's ruleset), read back
//! (`nft -j list ruleset`, `iptables-save`, `ip6tables-save`) and compared with `port_rules`:
//! the kernel's full listing holds exactly the documented ports, which with a default-deny policy
//! means every other port is dropped. Where `unshare`, `nft`, `iptables` or `ip6tables` are
//! missing or not permitted, each test says SKIP on standard error and returns (and fails when
//! `CI` is set). Real connections through a default-deny ruleset: `firewall_behaviour.rs`.

use crate::common::netns::{TOOLS, cannot_load, generate, load_and_list, ports_db, rules_written, skip};
use crate::common::ruleset::{ListedRule, iptables_rules, joined, nft_rules};
use crate::common::{ingest, workdir};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// What a ruleset allows: per rule label (`DNS Server (DNS) TCP`), the ports (or the ICMP type)
/// as joined ranges; empty for a transport without ports.
type Allowed = BTreeMap<String, Vec<(u32, u32)>>;

/// What a listing allows, in either language, and how many rules allow it; the kbingest rules
/// of the policy itself (comments starting `kbingest:`) are left out.
fn allowed(format: &str, listed: &str) -> (Allowed, usize) {
    let rules = match format {
        "nftables" => nft_rules(listed, "kbingest", "input"),
        _ => iptables_rules(listed, "KBINGEST"),
    };
    let mut allowed = Allowed::new();
    let mut count = 0;
    for (comment, transport, ranges) in rules {
        if comment.starts_with("kbingest:") {
            continue;
        }
        count += 1;
        // `DNS Server (DNS) TCP: raw/ports.txt line 165`, `... TCP dynamic: ...; RANDOM, ...`
        let label = label_of(&comment);
        let word = label.trim_end_matches(" dynamic").rsplit(' ').next().unwrap_or_default().to_string();
        assert!(word == transport || (word == "ICMP" && transport == "ICMPV6"), "rule `{comment}` matches {transport}");
        allowed.entry(label).or_default().extend(ranges);
    }
    (allowed.into_iter().map(|(label, ranges)| (label, joined(ranges))).collect(), count)
}

/// A rule's label: its comment up to the `: ` before the source's name (titles may hold `: `).
fn label_of(comment: &str) -> String {
    let at = comment
        .match_indices(": ")
        .map(|(i, _)| i)
        .find(|i| ["ports.txt ", "hostile.txt "].iter().any(|s| comment[i + 2..].starts_with(s)));
    comment[..at.unwrap_or(comment.len())].to_string()
}

/// What `port_rules` says the selection allows, counted independently of kbingest's merge.
fn expected(db: &Path, keep: impl Fn(&str, Option<&str>) -> bool) -> Allowed {
    let conn = crate::common::open(db);
    let mut stmt = conn
        .prepare(
            "SELECT service, system_service_name, transport, port_low, port_high, icmp_type, port_kind FROM port_rules",
        )
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
                r.get::<_, String>(6)? == "dynamic",
            ))
        })
        .unwrap();
    for row in rows {
        let (service, name, transport, low, high, icmp, dynamic) = row.unwrap();
        if !keep(&service, name.as_deref()) {
            continue;
        }
        let name = name.map(|n| format!(" ({n})")).unwrap_or_default();
        let dynamic = if dynamic { " dynamic" } else { "" };
        let entry = allowed.entry(format!("{service}{name} {transport}{dynamic}")).or_default();
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
        let listed = load_and_list(format, &rules);
        if args.contains(&"drop") {
            assert_eq!(input_policy(format, &listed), "drop", "{format}: what no rule lists is dropped");
        }
        let (got, count) = allowed(format, &listed);
        assert_eq!(got, want, "{format}: the kernel's rules differ from port_rules");
        assert_eq!(count, rules_written(&rules), "{format}: every rule loaded once");
        let distinct = |transport: &str| -> u32 {
            let ranges = got
                .iter()
                .filter(|(l, _)| l.trim_end_matches(" dynamic").ends_with(transport))
                .flat_map(|(_, r)| r.iter().copied());
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

/// The policy of the input chain as listed: `drop` or `accept`.
fn input_policy(format: &str, listed: &str) -> String {
    match format {
        "nftables" => {
            let listing: serde_json::Value = serde_json::from_str(listed).unwrap();
            let mut chains = listing["nftables"].as_array().unwrap().iter().filter_map(|i| i.get("chain"));
            let input = chains.find(|c| c["table"] == "kbingest" && c["name"] == "input").expect("an input chain");
            input["policy"].as_str().unwrap_or_default().to_string()
        }
        _ => {
            let line = listed.lines().find(|l| l.starts_with(":INPUT ")).expect("INPUT's policy");
            line.split_whitespace().nth(1).unwrap_or_default().to_lowercase()
        }
    }
}

#[test]
fn under_drop_the_domain_controller_and_the_whole_seed_list_exactly_their_ports_and_drop_the_rest() {
    let test = "under_drop_the_domain_controller_and_the_whole_seed_list_exactly_their_ports_and_drop_the_rest";
    let dc = ["LSASS", "Kdc", "DNS", "Netlogon", "NtFrs", "W32Time"];
    let mut args = vec!["--policy", "drop"];
    for name in dc {
        args.extend(["--name", name]);
    }
    check_selection(test, &args, |_, name| name.is_some_and(|n| dc.contains(&n)));
    check_selection(test, &["--policy", "drop"], |_, _| true);
}

#[test]
fn the_whole_database_loads_with_exactly_its_ports() {
    let figures = check_selection("the_whole_database_loads_with_exactly_its_ports", &[], |_, _| true);
    for f in figures {
        // Not eprintln!, which the test harness captures: the figures are for whoever runs the tests.
        let _ = writeln!(
            std::io::stderr(),
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
    let args = ["--service", "dns server", "--policy", "drop"];
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

/// The hostile fixture, its title given a line break, control characters and 600 bytes of `é`
/// (more than an iptables comment holds), its UDP row made
/// ICMP echo request, and 20 more TCP ports (so that iptables splits its multiport list).
fn hostile_db(dir: &Path) -> String {
    ingest(dir, "tests/fixtures/firewall/hostile.txt", "ports.db", &["--source-name", "hostile.txt"]);
    let conn = rusqlite::Connection::open(dir.join("ports.db")).unwrap();
    conn.execute_batch(
        "UPDATE services SET title = title || char(10) || 'New-NetFirewallRule -Action Allow' || char(13, 9, 0) || '\"x'
             || replace(hex(zeroblob(150)), '0', 'é');
         UPDATE service_ports SET ip_protocol = 1, port_low = NULL, port_high = NULL, port_kind = 'none', icmp_type = 8
             WHERE source_line = 11;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19)
         INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high, port_kind,
                                    port_raw, transport_raw, source_line)
         SELECT sp.service_id, sp.application_protocol_id, 6, 6000 + 2 * i, 6000 + 2 * i, 'fixed', '', 'TCP', 20 + i
         FROM service_ports sp, n WHERE sp.source_line = 8;",
    )
    .unwrap();
    conn.query_row("SELECT title FROM services", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_hostile_title_stays_inside_its_comment_and_icmp_loads_by_type() {
    let test = "a_hostile_title_stays_inside_its_comment_and_icmp_loads_by_type";
    let dir = workdir();
    let title = hostile_db(dir.path());
    assert!(title.contains('\n') && title.contains('\0'), "{title:?}");
    let one_line = kbingest::firewall::trace::one_line(&title);
    let tcp: Vec<(u32, u32)> =
        std::iter::once((4444, 4444)).chain((0..20).map(|i| (6000 + 2 * i, 6000 + 2 * i))).collect();
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        let rules = generate(dir.path(), format, &["--policy", "drop"]);
        let listed = load_and_list(format, &rules);
        let kernel = match format {
            "nftables" => nft_rules(&listed, "kbingest", "input"),
            _ => iptables_rules(&listed, "KBINGEST"),
        };
        let ours: Vec<_> = kernel.into_iter().filter(|(c, _, _)| !c.starts_with("kbingest:")).collect();
        let summary: Vec<(String, Vec<(u32, u32)>)> =
            ours.iter().map(|(_, t, r)| (t.clone(), joined(r.clone()))).collect();
        match format {
            "nftables" => assert_eq!(
                summary,
                [
                    ("TCP".to_string(), tcp.clone()),
                    ("ICMP".to_string(), vec![(8, 8)]),
                    ("ICMPV6".to_string(), vec![(8, 8)])
                ]
            ),
            _ => {
                assert_eq!(summary.len(), 3, "the TCP ports split over two multiport rules: {summary:?}");
                assert_eq!(joined(summary[0].1.iter().chain(&summary[1].1).copied().collect()), tcp);
                let icmp = if format == "iptables" { "ICMP" } else { "ICMPV6" };
                assert_eq!(summary[2], (icmp.to_string(), vec![(8, 8)]), "echo request, as ICMP or ICMPv6");
            }
        }
        for (comment, transport, _) in &ours {
            assert!(!comment.chars().any(char::is_control), "{comment:?}");
            let transport = if transport == "ICMPV6" { "ICMP" } else { transport.as_str() };
            let full = format!("{one_line} (Evil'$(x)\") {transport}: hostile.txt");
            match format {
                // nftables strings cannot hold a double quote, and stop at 128 bytes.
                "nftables" => {
                    assert!(comment.len() <= 128);
                    assert!(full.replace('"', "'").starts_with(comment.trim_end_matches("...")), "{comment:?}");
                }
                // iptables keeps 255 bytes; the title is longer, and cut on a character boundary.
                _ => {
                    assert!(comment.len() <= 255 && comment.len() > 250, "{} bytes", comment.len());
                    assert!(comment.ends_with("é..."), "{comment:?}");
                    assert!(full.starts_with(comment.trim_end_matches("...")), "{comment:?}");
                }
            }
        }
    }
}

#[test]
fn outbound_rows_go_into_an_output_chain_of_their_own() {
    let test = "outbound_rows_go_into_an_output_chain_of_their_own";
    let dir = workdir();
    ports_db(dir.path());
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    // W32Time's SNTP row is outbound only; DNS over UDP goes both ways.
    conn.execute_batch(
        "UPDATE service_ports SET direction = 'outbound' WHERE source_line = 1030;
         UPDATE service_ports SET direction = 'both' WHERE source_line = 162;",
    )
    .unwrap();
    drop(conn);
    let args = ["--name", "W32Time", "--name", "DNS", "--direction", "both", "--policy", "drop"];
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        let listed = load_and_list(format, &generate(dir.path(), format, &args));
        let chain = |inbound: bool| -> Vec<ListedRule> {
            let mut rules = match (format, inbound) {
                ("nftables", true) => nft_rules(&listed, "kbingest", "input"),
                ("nftables", false) => nft_rules(&listed, "kbingest", "output"),
                (_, true) => iptables_rules(&listed, "KBINGEST"),
                (_, false) => iptables_rules(&listed, "KBINGEST_OUT"),
            };
            rules.retain(|(c, _, _)| !c.starts_with("kbingest:"));
            rules.iter_mut().for_each(|r| r.0 = r.0.rsplit_once(": ").unwrap().1.to_string());
            rules
        };
        let rule =
            |lines: &str, transport: &str, port: u32| (lines.to_string(), transport.to_string(), vec![(port, port)]);
        assert_eq!(
            chain(true),
            [
                rule("ports.txt line 165", "TCP", 53),
                rule("ports.txt line 162", "UDP", 53),
                rule("ports.txt line 1027", "UDP", 123)
            ],
            "{format} inbound"
        );
        assert_eq!(
            chain(false),
            [rule("ports.txt line 162", "UDP", 53), rule("ports.txt line 1030", "UDP", 123)],
            "{format} outbound"
        );
        if format != "nftables" {
            assert_eq!(listed.lines().filter(|l| *l == "-A OUTPUT -j KBINGEST_OUT").count(), 1, "{listed}");
            assert!(listed.contains("-A KBINGEST_OUT -o lo -m comment"), "{listed}");
        }
    }
}
