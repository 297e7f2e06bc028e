//! `kbingest review` on rule sets as the kernel holds them: the rules `kbingest firewall` writes
//! are loaded into a private network namespace (`unshare --net`; never the host's ruleset),
//! changed there with nft's and iptables' own commands where a test wants a gap, and dumped with
//! `nft -j list ruleset` or `iptables-save` and `ip6tables-save`; the dump is what is reviewed.
//! Where that cannot be done here, each test says SKIP on standard error, and fails when the `CI`
//! environment variable is set (`.ci/run` installs the tools).

use crate::common::netns::{TOOLS, cannot_load, generate, ports_db, skip};
use crate::common::{ingest, kbingest, workdir};
use std::path::Path;
use std::process::Command;

/// The README's domain controller.
const DC: [&str; 12] =
    ["--name", "LSASS", "--name", "Kdc", "--name", "DNS", "--name", "Netlogon", "--name", "NtFrs", "--name", "W32Time"];

/// Loads `rules` into a fresh namespace, runs `edit` there (a shell snippet that can call `h
/// TEXT`, the nft handle, or `n TEXT`, the rule number in chain KBINGEST, of the first rule whose
/// comment holds TEXT, and `$IPT`, iptables or ip6tables as the format is), and returns the dump.
fn dump(format: &str, rules: &Path, edit: &str) -> String {
    let script = match format {
        "nftables" => format!(
            "h() {{ nft -a list chain inet kbingest input | grep -F -- \"$1\" | head -1 | sed 's/.*# handle //'; }}
             nft -f \"$1\" && {edit} && nft -j list ruleset"
        ),
        _ => format!(
            "IPT={format}
             n() {{ $IPT -S KBINGEST | tail -n +2 | grep -n -F -- \"$1\" | head -1 | cut -d: -f1; }}
             $IPT-restore --noflush \"$1\" && {edit} && iptables-save && ip6tables-save"
        ),
    };
    let out =
        Command::new("unshare").args(["--net", "sh", "-c", &script, "sh"]).arg(rules).output().expect("unshare runs");
    assert!(out.status.success(), "{format}: {}\n--- script ---\n{script}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("the dump is UTF-8")
}

/// One line of the review, as its JSON has it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Line {
    finding: String,
    service: String,
    transport: String,
    ports: String,
    ip: String,
    rule: String,
    detail: String,
    registered: String,
}

/// Reviews `listing` for `selection`: the lines that are not `allowed`, how many are, and the
/// exit status with `--exit-code`.
fn review(dir: &Path, listing: &str, selection: &[&str]) -> (Vec<Line>, usize, i32) {
    std::fs::write(dir.join("dump"), listing).unwrap();
    let mut args = vec!["review", "ports.db", "dump", "--format", "json", "--exit-code", "-q"];
    args.extend_from_slice(selection);
    let run = kbingest(dir, &args);
    assert!(matches!(run.code(), 0 | 1), "review failed: {}\n{listing}", run.stderr());
    let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout()).expect("JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut lines: Vec<Line> = rows
        .iter()
        .filter(|r| r["finding"] != "allowed")
        .map(|r| Line {
            finding: text(&r["finding"]),
            service: text(&r["service"]),
            transport: text(&r["transport"]),
            ports: text(&r["ports"]),
            ip: text(&r["ip"]),
            rule: text(&r["ruleset_rule"]),
            detail: text(&r["detail"]),
            registered: text(&r["registered_names"]),
        })
        .collect();
    lines.sort();
    let allowed = rows.iter().filter(|r| r["finding"] == "allowed").count();
    (lines, allowed, run.code())
}

/// The families a format's dump covers: nftables' `inet` table both, iptables-save IPv4,
/// ip6tables-save IPv6.
fn families(format: &str) -> &'static str {
    match format {
        "nftables" => "IPv4, IPv6",
        "iptables" => "IPv4",
        _ => "IPv6",
    }
}

#[test]
fn the_rules_kbingest_writes_review_as_all_allowed_and_nothing_else() {
    let test = "the_rules_kbingest_writes_review_as_all_allowed_and_nothing_else";
    let dir = workdir();
    ports_db(dir.path());
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        for (selection, rows) in [(&DC[..], 22), (&[][..], 172)] {
            let mut args = vec!["--policy", "drop"];
            args.extend_from_slice(selection);
            let rules = generate(dir.path(), format, &args);
            let (lines, allowed, code) = review(dir.path(), &dump(format, &rules, "true"), selection);
            assert_eq!(lines, [], "{format} {selection:?}: nothing but allowed");
            assert_eq!(allowed, rows, "{format} {selection:?}");
            assert_eq!(code, 0, "{format}: --exit-code finds nothing");
        }
        if format == "ip6tables" && cannot_load("iptables-restore").is_none() {
            // A dual-stack host: the iptables file and the ip6tables file loaded, one dump of
            // both tools, each family reviewed, and the lines alike made one.
            let args = [&["--policy", "drop"][..], &DC[..]].concat();
            let v4 = dir.path().join("rules4");
            std::fs::rename(generate(dir.path(), "iptables", &args), &v4).unwrap();
            let v6 = generate(dir.path(), "ip6tables", &args);
            let listing = dump("iptables", &v4, &format!("ip6tables-restore --noflush {}", v6.display()));
            assert!(listing.contains("# Generated by ip6tables-save"), "{listing}");
            std::fs::write(dir.path().join("dump"), &listing).unwrap();
            let args = [&["review", "ports.db", "dump", "--format", "json", "-q"][..], &DC[..]].concat();
            let rows: Vec<serde_json::Value> =
                serde_json::from_str(&kbingest(dir.path(), &args).success().stdout()).unwrap();
            assert_eq!(rows.len(), 22);
            assert!(rows.iter().all(|r| r["finding"] == "allowed" && r["ip"] == "IPv4, IPv6"), "{rows:#?}");
            let rule = rows[0]["ruleset_rule"].as_str().unwrap();
            assert!(
                rule.starts_with("filter KBINGEST line ") && rule.contains("; ip6 filter KBINGEST line "),
                "{rule}"
            );
        }
    }
}

/// A gap made with each tool's own commands, and the lines the review must give for it (beyond
/// `allowed` ones): (finding, service, transport, ports).
struct Gap {
    name: &'static str,
    selection: &'static [&'static str],
    nft: &'static str,
    iptables: &'static str,
    expect: &'static [(&'static str, &'static str, &'static str, &'static str)],
    allowed: usize,
}

const GAPS: [Gap; 6] = [
    Gap {
        name: "a port removed",
        selection: &DC,
        nft: "nft delete rule inet kbingest input handle $(h '(Kdc) TCP')",
        iptables: "$IPT -D KBINGEST $(n '(Kdc) TCP')",
        expect: &[("blocked", "Kerberos Key Distribution Center", "TCP", "88")],
        allowed: 21,
    },
    Gap {
        name: "a range narrowed",
        selection: &["--name", "NtFrs"],
        // Every rule of the service that holds the range (one, or one of two where the dynamic
        // range has a rule of its own), rewritten with the narrower range: added after the old
        // rule, which is then deleted (nft 1.0.6's `replace` trips over an anonymous interval
        // set, an assertion in interval_set_eval).
        nft: "nft -a list chain inet kbingest input | grep -F '(NtFrs) TCP' | grep -F 1025-5000 | while IFS= read -r l; do \
              H=${l##*# handle }; R=$(echo \"${l% comment*}\" | sed s/1025-5000/1025-3000/); \
              nft add rule inet kbingest input position $H $R && nft delete rule inet kbingest input handle $H; done",
        iptables: "$IPT -S KBINGEST | tail -n +2 | grep -n -F '(NtFrs) TCP' | grep -F 1025:5000 | while IFS= read -r l; do \
                   N=${l%%:*}; S=$(echo \"${l#*:}\" | sed 's/^-A KBINGEST //; s/1025:5000/1025:3000/'); \
                   eval \"$IPT -R KBINGEST $N $S\"; done",
        expect: &[("partly", "File Replication", "TCP", "1025-5000")],
        allowed: 1,
    },
    Gap {
        name: "an extra open port",
        selection: &DC,
        nft: "nft insert rule inet kbingest input tcp dport 6000 accept",
        iptables: "$IPT -I KBINGEST 1 -p tcp --dport 6000 -j ACCEPT",
        expect: &[("undocumented", "", "TCP", "6000")],
        allowed: 22,
    },
    Gap {
        name: "a jump to a user chain",
        selection: &DC,
        nft: "nft add chain inet kbingest screen && nft add rule inet kbingest screen tcp dport 139 return \
              && nft add rule inet kbingest screen tcp dport '{ 139, 445 }' drop && nft insert rule inet kbingest input jump screen",
        iptables: "$IPT -N SCREEN && $IPT -A SCREEN -p tcp --dport 139 -j RETURN \
                   && $IPT -A SCREEN -p tcp -m multiport --dports 139,445 -j DROP && $IPT -I KBINGEST 1 -j SCREEN",
        expect: &[("blocked", "Net Logon", "TCP", "445")],
        allowed: 21,
    },
    Gap {
        name: "a reject before an accept",
        selection: &DC,
        nft: "nft insert rule inet kbingest input udp dport 123 reject",
        iptables: "$IPT -I KBINGEST 1 -p udp --dport 123 -j REJECT",
        expect: &[("blocked", "Windows Time", "UDP", "123"), ("blocked", "Windows Time", "UDP", "123")],
        allowed: 20,
    },
    Gap {
        name: "an interface-scoped rule",
        selection: &DC,
        nft: "nft replace rule inet kbingest input handle $(h '(DNS) TCP') iifname eth0 tcp dport 53 accept",
        iptables: "$IPT -R KBINGEST $(n '(DNS) TCP') -i eth0 -p tcp --dport 53 -j ACCEPT",
        expect: &[("depends", "DNS Server", "TCP", "53")],
        allowed: 21,
    },
];

#[test]
fn deliberate_gaps_give_exactly_the_expected_findings() {
    let test = "deliberate_gaps_give_exactly_the_expected_findings";
    let dir = workdir();
    ports_db(dir.path());
    ingest(dir.path(), "tests/fixtures/registries/iana-excerpt.csv", "ports.db", &[]);
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        for gap in &GAPS {
            let mut args = vec!["--policy", "drop"];
            args.extend_from_slice(gap.selection);
            let rules = generate(dir.path(), format, &args);
            let edit = if format == "nftables" { gap.nft } else { gap.iptables };
            let listing = dump(format, &rules, edit);
            let (lines, allowed, code) = review(dir.path(), &listing, gap.selection);
            let found: Vec<(&str, &str, &str, &str)> = lines
                .iter()
                .map(|l| (l.finding.as_str(), l.service.as_str(), l.transport.as_str(), l.ports.as_str()))
                .collect();
            assert_eq!(found, gap.expect, "{format}, {}:\n{lines:#?}\n{listing}", gap.name);
            assert_eq!(allowed, gap.allowed, "{format}, {}", gap.name);
            assert_eq!(code, 1, "{format}, {}: --exit-code says there are findings", gap.name);
            let line = &lines[0];
            assert_eq!(line.ip, families(format), "{format}, {}", gap.name);
            // Each line names the rule that decides, and says why.
            let (rule, detail) = (line.rule.to_lowercase(), line.detail.as_str());
            match gap.name {
                "a port removed" => assert!(rule.starts_with("policy drop of") || rule.contains("kbingest"), "{rule}"),
                "a range narrowed" => {
                    assert_eq!(detail, "open 1025-3000; blocked 3001-5000")
                }
                "an extra open port" => assert_eq!(line.registered, "x11"),
                "a jump to a user chain" => {
                    assert!(rule.contains("screen") && detail.starts_with("dropped"), "{rule}: {detail}")
                }
                "a reject before an accept" => assert!(detail.starts_with("rejected"), "{detail}"),
                _ => assert_eq!(
                    detail,
                    if format == "nftables" { "depends on iifname == eth0" } else { "depends on -i eth0" }
                ),
            }
        }
    }
}

#[test]
fn a_gateway_s_forward_chain_is_reviewed_for_the_server_named() {
    let test = "a_gateway_s_forward_chain_is_reviewed_for_the_server_named";
    let dir = workdir();
    ports_db(dir.path());
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        let (server, other, net) = match format {
            "ip6tables" => ("2001:db8:2::10", "2001:db8:3::10", "2001:db8:2::/64"),
            _ => ("10.0.2.10", "10.0.3.10", "10.0.2.0/24"),
        };
        let rules =
            generate(dir.path(), format, &["--name", "DNS", "--policy", "drop", "--chain", "forward", "--to", net]);
        let listing = dump(format, &rules, "true");
        std::fs::write(dir.path().join("dump"), &listing).unwrap();
        let found = |to: &str| -> Vec<String> {
            let args = ["review", "ports.db", "dump", "--name", "DNS", "--to", to, "--format", "json", "-q"];
            let rows: Vec<serde_json::Value> =
                serde_json::from_str(&kbingest(dir.path(), &args).success().stdout()).unwrap();
            rows.iter()
                .map(|r| format!("{} {} {}", r["finding"].as_str().unwrap(), r["transport"], r["ports"]))
                .collect()
        };
        let allowed = ["allowed \"UDP\" \"53\"", "allowed \"TCP\" \"53\""];
        assert_eq!(found(server), allowed, "{format}: the server behind the gateway\n{listing}");
        let blocked = ["blocked \"UDP\" \"53\"", "blocked \"TCP\" \"53\""];
        assert_eq!(found(other), blocked, "{format}: another host");
    }
}
