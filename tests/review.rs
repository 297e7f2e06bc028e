//! `kbingest review` end to end, without the kernel (`review_kernel.rs` has the dumps of real
//! nft and iptables): the Windows Firewall export, refusals that name the line, standard input,
//! forwarded traffic (`--to`), the output formats and the exit status.

use crate::common::{ingest, kbingest, kbingest_with_input, repo_file, workdir};
use std::path::Path;

/// The README's domain controller.
const DC: [&str; 12] =
    ["--name", "LSASS", "--name", "Kdc", "--name", "DNS", "--name", "Netlogon", "--name", "NtFrs", "--name", "W32Time"];

/// `raw/ports.txt` in `ports.db`.
fn database(dir: &Path) {
    ingest(dir, "raw/ports.txt", "ports.db", &[]);
}

/// The review's JSON lines as (finding, service, transport, ports, ip, ruleset_rule, detail).
fn lines(json: &str) -> Vec<[String; 7]> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(json).expect("JSON");
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    rows.iter()
        .map(|r| ["finding", "service", "transport", "ports", "ip", "ruleset_rule", "detail"].map(|k| text(&r[k])))
        .collect()
}

fn review_json(dir: &Path, ruleset: &str, extra: &[&str]) -> Vec<[String; 7]> {
    let mut args = vec!["review", "ports.db", ruleset, "--format", "json", "-q"];
    args.extend_from_slice(extra);
    lines(&kbingest(dir, &args).success().stdout())
}

/// The lines that are not `allowed`, as (finding, service, transport, ports, detail).
fn findings(all: &[[String; 7]]) -> Vec<(String, String, String, String, String)> {
    all.iter()
        .filter(|l| l[0] != "allowed")
        .map(|l| (l[0].clone(), l[1].clone(), l[2].clone(), l[3].clone(), l[6].clone()))
        .collect()
}

fn finding(
    f: &str,
    service: &str,
    transport: &str,
    ports: &str,
    detail: &str,
) -> (String, String, String, String, String) {
    (f.into(), service.into(), transport.into(), ports.into(), detail.into())
}

/// `tests/fixtures/review/windows-dc.json` is written in the shape the PowerShell line of
/// docs/review.md gives: `ConvertTo-Json` of Windows PowerShell 5.1 (enums as numbers, four-space
/// indents, two spaces after each colon, one port as a string and several as an array), saved
/// by `Out-File -Encoding utf8` (UTF-8 with a byte-order mark, CRLF). It holds the rules
/// `kbingest firewall --format powershell` writes for the README's domain controller, and some
/// of Windows' own: Remote Desktop (3389, inside the documented range 1025-5000), WinRM (5985),
/// ping for the Domain profile, Teredo, one disabled rule, a program's rule on any port for the
/// Public profile, and a block rule for SMB from the Internet.
#[test]
fn a_windows_firewall_export_reviews_correctly() {
    let dir = workdir();
    database(dir.path());
    let fixture = repo_file("tests/fixtures/review/windows-dc.json");
    let fixture = fixture.to_str().unwrap();
    let all = review_json(dir.path(), fixture, &[&DC[..], &["--profile", "domain"]].concat());
    assert_eq!(all.iter().filter(|l| l[0] == "allowed").count(), 21, "{all:#?}");
    assert_eq!(
        findings(&all),
        [
            finding("depends", "Net Logon", "TCP", "445", "depends on RemoteAddress Internet"),
            finding(
                "undocumented",
                "",
                "TCP",
                "5985",
                "Inbound rule for Windows Remote Management via WS-Management. [TCP 5985]"
            ),
            finding(
                "undocumented",
                "",
                "UDP",
                "Teredo (Windows keyword)",
                "Inbound UDP rule to allow Teredo edge traversal."
            ),
            finding(
                "undocumented",
                "",
                "ICMP",
                "type 8",
                "Echo Request messages are sent as ping requests to other nodes."
            ),
        ]
    );
    // The documented dynamic range is what Windows' RPC keyword opens.
    let rpc: Vec<&[String; 7]> = all.iter().filter(|l| l[3] == "1025-5000").collect();
    assert_eq!(rpc.len(), 2);
    assert!(rpc.iter().all(|l| l[0] == "allowed" && l[5].contains("RPC dynamic ports")), "{rpc:#?}");
    assert!(all.iter().filter(|l| l[2] != "ICMP").all(|l| l[4] == "IPv4, IPv6"));
    assert_eq!(all.iter().find(|l| l[2] == "ICMP").unwrap()[4], "IPv4");
    // Without a profile, a rule of the Domain profile only is undecided; for Public it is not there.
    let any = findings(&review_json(dir.path(), fixture, &DC));
    assert!(any.contains(&finding("undocumented", "", "ICMP", "type 8", "depends on profile Domain")), "{any:#?}");
    let public = findings(&review_json(dir.path(), fixture, &[&DC[..], &["--profile", "public"]].concat()));
    assert!(!public.iter().any(|f| f.2 == "ICMP"), "{public:#?}");
    // A program's rule on any port opens what the program listens on: not reviewed, and said so.
    kbingest(dir.path(), &[&["review", "ports.db", fixture, "--profile", "public"][..], &DC[..]].concat()).success().stderr_has(
        "kbingest: 1 rule for a program or service on any port not reviewed (they open whatever port it listens on): \"contoso agent\"",
    );
    // Windows PowerShell 5.1's `>` writes UTF-16 LE with a byte-order mark: read the same.
    let text = std::fs::read_to_string(fixture).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.trim_start_matches('\u{feff}').encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join("utf16.json"), utf16).unwrap();
    assert_eq!(review_json(dir.path(), "utf16.json", &[&DC[..], &["--profile", "domain"]].concat()), all);
}

/// An iptables-save dump that forwards DNS over TCP to one host.
const FORWARD: &str = "# Generated by iptables-save v1.8.9\n*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n\
                       :OUTPUT ACCEPT [0:0]\n-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 53 -j ACCEPT\nCOMMIT\n";

#[test]
fn forwarded_traffic_is_reviewed_for_its_destination() {
    let dir = workdir();
    database(dir.path());
    std::fs::write(dir.path().join("gateway"), FORWARD).unwrap();
    let to = |address: &str| -> Vec<(String, String)> {
        let all = review_json(dir.path(), "gateway", &["--name", "DNS", "--to", address, "--findings-only"]);
        all.iter().map(|l| (l[0].clone(), format!("{} {}", l[2], l[3]))).collect()
    };
    assert_eq!(to("192.0.2.10"), [("blocked".to_string(), "UDP 53".to_string())]);
    assert_eq!(
        to("192.0.2.11"),
        [("blocked".to_string(), "UDP 53".to_string()), ("blocked".to_string(), "TCP 53".to_string())]
    );
    // To this host, the INPUT policy accepts everything: every other port is open, undocumented.
    let inbound = review_json(dir.path(), "gateway", &["--name", "DNS"]);
    assert!(inbound.iter().any(|l| l[0] == "undocumented" && l[2] == "TCP" && l[3] == "1-52"), "{inbound:#?}");
    assert!(inbound.iter().any(|l| l[0] == "undocumented" && l[2] == "other IP protocols"), "{inbound:#?}");
}

#[test]
fn standard_input_markdown_and_the_exit_status() {
    let dir = workdir();
    database(dir.path());
    let dump = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p udp --dport 53 -j ACCEPT\n-A INPUT -p tcp --dport 53 -j ACCEPT\nCOMMIT\n";
    let run = kbingest_with_input(
        dir.path(),
        &["review", "ports.db", "-", "--name", "DNS", "--format", "markdown"],
        dump.as_bytes(),
    );
    run.success();
    let out = run.stdout();
    let header = r"| finding | service | system\_service\_name | transport | ports | ip | source | source\_line | ruleset\_rule | detail | registered\_names |";
    assert!(out.starts_with(&format!("{header}\n| --- |")), "{out}");
    assert!(out.contains("| allowed | DNS Server | DNS | TCP | 53 | IPv4 | "), "{out}");
    assert!(
        run.stderr().contains(
            "standard input (iptables-save, IPv4): 2 allowed, 0 blocked, 0 partly, 0 depends; 0 open but not documented"
        ),
        "{}",
        run.stderr()
    );
    let args = ["review", "ports.db", "-", "--name", "DNS", "--exit-code", "-q"];
    kbingest_with_input(dir.path(), &args, dump.as_bytes()).expect(0);
    let without_tcp = dump.replace("-A INPUT -p tcp --dport 53 -j ACCEPT\n", "");
    kbingest_with_input(dir.path(), &args, without_tcp.as_bytes()).expect(1);
    // Trouble with --exit-code is 2, not 1 (which means findings).
    kbingest_with_input(dir.path(), &args, b"hello\n").expect(2).stderr_has("-:1: `hello` does not start a rule set");
}

#[test]
fn what_cannot_be_read_is_refused_at_its_line_and_nothing_is_written() {
    let dir = workdir();
    database(dir.path());
    let cases: [(&str, &str); 5] = [
        ("hello\n", "rules:1: `hello` does not start a rule set kbingest reads"),
        (
            "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport http -j ACCEPT\nCOMMIT\n",
            "rules:3: `--dport http`: not ports (in a rule of chain INPUT); it was read as iptables-save",
        ),
        (
            "*filter\n-A NOWHERE -j ACCEPT\nCOMMIT\n",
            "rules:2: a rule of chain NOWHERE, which table filter does not declare",
        ),
        ("*filter\n:INPUT ACCEPT [0:0]\n", "rules:1: table filter is never committed (no COMMIT line after it)"),
        (
            "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t}\n}\n",
            "rules:1: this is `nft list ruleset` text, which kbingest does not read",
        ),
    ];
    for (text, message) in cases {
        std::fs::write(dir.path().join("rules"), text).unwrap();
        kbingest(dir.path(), &["review", "ports.db", "rules", "-o", "out.csv", "--format", "csv"])
            .expect(1)
            .stderr_has(message);
        assert!(!dir.path().join("out.csv").exists(), "{message}: nothing written");
    }
    let json = "[\n  {\"Name\": \"x\", \"Enabled\": \"True\", \"Direction\": \"Inbound\", \"Action\": \"Allow\", \"Protocol\": \"TCP\"},\n  {\"Name\": \"y\", \"Enabled\": \"True\", \"Direction\": \"Sideways\", \"Action\": \"Allow\"}\n]\n";
    std::fs::write(dir.path().join("rules"), json).unwrap();
    kbingest(dir.path(), &["review", "ports.db", "rules"]).expect(1).stderr_has(
        "rules:3: rule \"y\": Direction is \"Sideways\", not Inbound or Outbound; it was read as Windows Firewall JSON",
    );
    let windows = repo_file("tests/fixtures/review/windows-dc.json");
    kbingest(dir.path(), &["review", "ports.db", windows.to_str().unwrap(), "--to", "192.0.2.1"])
        .expect(2)
        .stderr_has("--to: Windows Firewall filters traffic to this host only");
    std::fs::write(dir.path().join("rules"), FORWARD).unwrap();
    kbingest(dir.path(), &["review", "ports.db", "rules", "--profile", "domain"])
        .expect(2)
        .stderr_has("--profile is for Windows Firewall");
    kbingest(dir.path(), &["review", "ports.db", "rules", "--service", "kerberos"]).expect(1).stderr_has(
        "no service \"kerberos\" in port_rules (by title, system service name or role); the nearest names: \
         \"Kerberos Key Distribution Center\"",
    );
    kbingest(dir.path(), &["review", "ports.db", "missing-file"])
        .expect(1)
        .stderr_has("missing-file: cannot read the rule set");
}
