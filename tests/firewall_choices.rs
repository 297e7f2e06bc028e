//! What `kbingest firewall` chooses where a page leaves a choice (issue 22), end to end: which
//! dynamic range, RPC or an explicit range for Windows, which ICMP types, which source, a gateway's
//! servers, and what it says about client ports. Loading into the kernel is in
//! `firewall_kernel.rs` and `firewall_behaviour.rs`.

use crate::common::{ingest, kbingest, workdir};
use std::path::Path;

const KB: &str = "tests/fixtures/kb832017-2020-09.md";

/// The domain controller's system service names.
const DOMAIN_CONTROLLER: [&str; 6] = ["LSASS", "Kdc", "DNS", "Netlogon", "NtFrs", "W32Time"];

/// KB 832017 of 2020 in `kb.db`, as `kb.md`.
fn kb_db(dir: &Path) {
    ingest(dir, KB, "kb.db", &["--source-name", "kb.md"]);
}

/// `raw/ports.txt` in `ports.db`, as `ports.txt`.
fn ports_db() -> tempfile::TempDir {
    let dir = workdir();
    ingest(dir.path(), "raw/ports.txt", "ports.db", &["--source-name", "ports.txt"]);
    dir
}

/// `kbingest firewall DB --name ...` for the domain controller, with `more`; its standard output.
fn domain_controller(dir: &Path, db: &str, more: &[&str]) -> String {
    let mut args = vec!["firewall", db, "-q"];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name", name]);
    }
    args.extend_from_slice(more);
    kbingest(dir, &args).success().stdout()
}

/// The rule lines (not comments, not the policy's own) of an nftables file.
fn rule_lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| l.contains(" accept comment ") && !l.contains("\"kbingest:")).collect()
}

#[test]
fn a_2020_domain_controller_opens_the_modern_range_by_default_and_names_the_one_left_out() {
    let dir = workdir();
    kb_db(dir.path());
    let out = domain_controller(dir.path(), "kb.db", &[]);
    let dynamic: Vec<&str> = rule_lines(&out).into_iter().filter(|l| l.contains(" dynamic: ")).collect();
    assert_eq!(dynamic.len(), 3, "LSASS, NtFrs, Netlogon: {dynamic:#?}");
    for rule in &dynamic {
        assert!(rule.starts_with("tcp dport 49152-65535 accept comment "), "{rule}");
    }
    let matches: Vec<&str> = rule_lines(&out).into_iter().map(|l| l.split(" accept").next().unwrap()).collect();
    assert!(!matches.iter().any(|l| l.contains("1024")), "no older range opened\n{out}");
    assert!(out.contains(
        "tcp dport 49152-65535 accept comment \"Net Logon (Netlogon) TCP dynamic: kb.md line 595; 49152-65535 by \
         --dynamic-range modern, 1024-65535 left out\"\n"
    ));
    assert!(
        out.contains("LSASS) TCP dynamic: kb.md line 115; 49152-65535 by --dynamic-range modern, 1024-5000 left out")
    );
}

#[test]
fn legacy_opens_the_pages_older_alternative_without_allow_wide_and_says_how_wide() {
    let dir = workdir();
    kb_db(dir.path());
    let mut args = vec!["firewall", "kb.db", "--dynamic-range", "legacy"];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name", name]);
    }
    let run = kbingest(dir.path(), &args);
    let out = run.success().stdout();
    let wide = "Wide range opened: TCP 1024-65535, 64512 ports, 41384 of them outside the dynamic ranges 1025-5000, \
                30000-32767 and 49152-65535, for File Replication and Net Logon: the page's own alternative for a \
                dynamic range, chosen by --dynamic-range legacy";
    assert!(out.contains(&format!("\n# {wide}.\n")), "the header says how wide\n{out}");
    run.stderr_has(&format!("kbingest: {wide}\n"));
    assert!(out.contains(
        "# Net Logon (Netlogon) TCP dynamic: kb.md line 595; 1024-65535 by --dynamic-range legacy, 49152-65535 left out; \
         wide range 1024-65535 (64512 ports) opened as the page's own dynamic range\n\t\ttcp dport 1024-65535 accept"
    ), "{out}");
    assert!(out.contains(
        "\t\ttcp dport 1024-5000 accept comment \"Active Directory (local security authority) (LSASS) TCP dynamic"
    ));
    assert!(!out.contains("49152-65535 accept"), "{out}");
    // The same output as before this was allowed, except the remark.
    let allowed = domain_controller(dir.path(), "kb.db", &["--dynamic-range", "legacy", "--allow-wide", "1024-65535"]);
    assert_eq!(rule_lines(&allowed), rule_lines(&out));
    // The whole 2020 edition: what the page does not give as a dynamic range stays refused (ISA's
    // "Firewall Client Application" 1025-65535, and a plain 1024-65535 row), and only that.
    let all = kbingest(dir.path(), &["firewall", "kb.db", "--dynamic-range", "legacy"]);
    let stderr = all.expect(1).stderr();
    let refused: Vec<&str> = stderr.lines().filter(|l| l.contains(": refused, since")).collect();
    assert_eq!(refused.len(), 3, "{refused:#?}");
    assert!(refused[0].contains("kb.md lines 489, 490, 491, 492, 493, 494, 497, 498: ISA/TMG Server: TCP 1025-65535"));
    assert!(refused[1].contains("kb.md lines 492, 493: ISA/TMG Server: UDP 1025-65535"));
    assert!(refused[2].contains("kb.md line 1243: Randomly allocated high TCP ports: TCP 1024-65535"));
    let all = kbingest(dir.path(), &["firewall", "kb.db", "--dynamic-range", "legacy", "--allow-wide", "1024-65535"]);
    let all = all.success().stdout();
    let opened: Vec<&str> = all.lines().filter(|l| l.starts_with("# Wide range opened: ")).collect();
    assert_eq!(opened.len(), 5, "TCP and UDP alternatives; ISA's TCP and UDP range and the plain row: {opened:#?}");
    assert!(
        opened[0].starts_with("# Wide range opened: TCP 1024-65535, 64512 ports,")
            && opened[0].ends_with(
                "for Certificate Services, Distributed File System Namespaces, Distributed File System Replication, \
         Distributed Link Tracking Server and 11 more services: the page's own alternative for a dynamic range, \
         chosen by --dynamic-range legacy."
            ),
        "{opened:#?}"
    );
    assert!(opened[4].ends_with("for Randomly allocated high TCP ports: allowed by --allow-wide 1024-65535."));
    let own = domain_controller(dir.path(), "kb.db", &["--dynamic-range", "50000-50999"]);
    let dynamic: Vec<&str> = rule_lines(&own).into_iter().filter(|l| l.contains(" dynamic: ")).collect();
    assert!(dynamic.iter().all(|l| l.starts_with("tcp dport 50000-50999 accept")), "{dynamic:#?}");
    assert!(
        own.contains("50000-50999 by --dynamic-range 50000-50999 instead of the document's 1024-65535 or 49152-65535")
    );
}

#[test]
fn the_ftp_passive_range_is_explicit_in_powershell_and_rpc_rules_carry_their_service() {
    let dir = ports_db();
    let out = kbingest(dir.path(), &["firewall", "ports.db", "--format", "powershell", "-q"]).success().stdout();
    let ftp: Vec<&str> =
        out.lines().filter(|l| l.contains("'FTP Publishing Service (MSFtpsvc) TCP dynamic'")).collect();
    assert_eq!(ftp.len(), 1, "{out}");
    assert!(ftp[0].contains(" -Protocol TCP -LocalPort '1025-5000' -Description "), "{}", ftp[0]);
    let rpc: Vec<&str> = out.lines().filter(|l| l.contains(" -LocalPort RPC")).collect();
    assert!(rpc.len() >= 10, "{rpc:#?}");
    for line in rpc.iter().filter(|l| l.contains(") TCP dynamic'")) {
        assert!(line.contains(" -LocalPort RPC -Service '") || line.contains(" -LocalPort RPC -Program '"), "{line}");
    }
    assert!(
        rpc.iter().any(|l| l.starts_with("New-NetFirewallRule -DisplayName 'Exchange Server TCP dynamic' ")),
        "no name, no -Service"
    );
    assert!(out.contains("-DisplayName 'File Replication (NtFrs) TCP dynamic' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol TCP -LocalPort RPC -Service 'NtFrs' "));
    // The 2020 edition's FTP: the modern range, written out.
    let kb = workdir();
    kb_db(kb.path());
    let out =
        kbingest(kb.path(), &["firewall", "kb.db", "--format", "powershell", "--service", "FTP Publishing Service"]);
    assert!(out.success().stdout().contains(
        " -Protocol TCP -LocalPort '49152-65535' -Description 'FTP Publishing Service (MSFTPSVC) TCP dynamic"
    ));
}

#[test]
fn a_database_with_two_editions_refuses_a_mixed_selection_and_names_source() {
    let dir = ports_db();
    ingest(dir.path(), KB, "ports.db", &["--source-name", "kb.md"]);
    kbingest(dir.path(), &["firewall", "ports.db", "--service", "DNS Server"])
        .expect(1)
        .stderr_has("the selection (--service \"DNS Server\") takes rows from 2 sources: ")
        .stderr_has("\"kb.md\" (2 rows)")
        .stderr_has("choose one with --source NAME, or pass --all-sources");
    kbingest(dir.path(), &["firewall", "ports.db"]).expect(1).stderr_has("takes rows from 2 sources");
    let out = kbingest(dir.path(), &["firewall", "ports.db", "--service", "DNS Server", "--source", "kb.md"])
        .success()
        .stdout();
    assert_eq!(
        rule_lines(&out),
        [
            "tcp dport 53 accept comment \"DNS Server (DNS) TCP: kb.md line 319\"",
            "udp dport 53 accept comment \"DNS Server (DNS) UDP: kb.md line 318\""
        ]
    );
    let out =
        kbingest(dir.path(), &["firewall", "ports.db", "--service", "DNS Server", "--all-sources"]).success().stdout();
    let rules = rule_lines(&out);
    assert_eq!(rules.len(), 2, "53 once per transport: {rules:#?}");
    assert!(rules[0].starts_with("tcp dport 53 accept comment \"DNS Server (DNS) TCP: "), "{}", rules[0]);
    assert!(rules[0].contains("kb.md line 319") && rules[0].contains("ports.txt line 165"), "{}", rules[0]);
}

#[test]
fn a_bare_icmp_row_opens_echo_for_both_families_and_icmp_all_every_type() {
    let dir = workdir();
    kb_db(dir.path());
    let out =
        kbingest(dir.path(), &["firewall", "kb.db", "--name", "LSASS", "--service", "Group Policy"]).success().stdout();
    let icmp: Vec<&str> = rule_lines(&out).into_iter().filter(|l| l.starts_with("icmp")).collect();
    assert_eq!(
        icmp,
        [
            "icmp type 8 accept comment \"Active Directory (local security authority) (LSASS) ICMP: kb.md line 108; the row names no \
         ICMP type: echo request only (--ic...\"",
            "icmpv6 type 128 accept comment \"Active Directory (local security authority) (LSASS) ICMP: kb.md line 108; the row names \
         no ICMP type: echo request only (--ic...\"",
            "icmp type 8 accept comment \"Group Policy (Group Policy) ICMP: kb.md line 399; ping: echo request\"",
            "icmpv6 type 128 accept comment \"Group Policy (Group Policy) ICMP: kb.md line 399; ping: echo request\"",
        ]
    );
    assert!(out.contains("line 108; the row names no ICMP type: echo request only (--icmp all opens every type)\n"));
    let all =
        kbingest(dir.path(), &["firewall", "kb.db", "--name", "LSASS", "--service", "Group Policy", "--icmp", "all"]);
    let all = all.success().stdout();
    let icmp: Vec<&str> = rule_lines(&all)
        .into_iter()
        .filter(|l| l.contains("ICMP:"))
        .map(|l| l.split(" accept").next().unwrap())
        .collect();
    assert_eq!(
        icmp,
        ["meta l4proto icmp", "meta l4proto ipv6-icmp", "icmp type 8", "icmpv6 type 128"],
        "ping stays echo"
    );
    let ps = kbingest(dir.path(), &["firewall", "kb.db", "--name", "LSASS", "--format", "powershell", "-q"])
        .success()
        .stdout();
    assert!(ps.contains("-Protocol ICMPv4 -IcmpType 8 -Description"), "{ps}");
    assert!(
        ps.contains(
            "ICMP (ICMPv6)' -Group 'kbingest' -Direction Inbound -Action Allow -Protocol ICMPv6 -IcmpType 128 "
        ),
        "{ps}"
    );
}

#[test]
fn an_icmp_type_without_an_icmpv6_counterpart_says_it_is_ipv4_only() {
    let dir = workdir();
    kb_db(dir.path());
    // Timestamp (13), which ICMPv6 has no message for, as a database from elsewhere may hold it.
    let conn = rusqlite::Connection::open(dir.path().join("kb.db")).unwrap();
    conn.execute("UPDATE service_ports SET icmp_type = 13 WHERE source_line = 108", []).unwrap();
    drop(conn);
    let said = "Active Directory (local security authority) (LSASS) ICMP: kb.md line 108; ICMP type 13 has no ICMPv6 \
                counterpart: IPv4 only";
    let run = |format: &str| {
        kbingest(dir.path(), &["firewall", "kb.db", "--name", "LSASS", "--format", format, "-q"]).success().stdout()
    };
    let nft = run("nftables");
    assert!(nft.contains(&format!("\t\ticmp type 13 accept comment \"{said}\"\n")), "{nft}");
    assert!(!nft.contains("icmpv6 type"), "no twin\n{nft}");
    let v4 = run("iptables");
    assert!(v4.contains(&format!("-A KBINGEST -p icmp --icmp-type 13 -m comment --comment \"{said}\" -j ACCEPT\n")));
    let v6 = run("ip6tables");
    assert!(v6.contains(&format!("\n# {said} (in the iptables file)\n")), "{v6}");
    assert!(!v6.contains("ipv6-icmp"), "{v6}");
    let ps = run("powershell");
    assert!(ps.contains(&format!("-Protocol ICMPv4 -IcmpType 13 -Description '{said}'\n")), "{ps}");
    assert!(!ps.contains("-Protocol ICMPv6"), "{ps}");
}

#[test]
fn a_dynamic_row_without_a_range_opens_the_chosen_one_and_says_so() {
    let dir = ports_db();
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    // As ingest writes a dynamic row whose page states no range (and a database from elsewhere
    // may hold one under an older schema's check).
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE service_ports SET port_low = NULL, port_high = NULL WHERE source_line = 371",
    )
    .unwrap();
    drop(conn);
    let args = ["firewall", "ports.db", "--name", "LSASS"];
    let out = kbingest(dir.path(), &args).success().stdout();
    assert!(out.contains("tcp dport 49152-65535 accept comment \"Local Security Authority (LSASS) TCP dynamic: ports.txt line 371; no range stated, 49152-65535 by --dynamic-range modern\""), "{out}");
    let out = kbingest(dir.path(), &[&args[..], &["--dynamic-range", "legacy"]].concat()).success().stdout();
    assert!(out.contains("tcp dport 1025-5000 accept comment \"Local Security Authority (LSASS) TCP dynamic: ports.txt line 371; no range stated, 1025-5000 by --dynamic-range legacy\""), "{out}");
}

#[test]
fn client_ports_are_not_matched_and_the_output_says_why() {
    let dir = ports_db();
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    conn.execute(
        "UPDATE service_ports SET source_port_low = 1024, source_port_high = 65535 WHERE source_line = 165",
        [],
    )
    .unwrap();
    drop(conn);
    let run = kbingest(dir.path(), &["firewall", "ports.db", "--name", "DNS"]);
    run.success().stderr_has(
        "kbingest: 1 row gives client (source) ports, which no rule matches: a client picks its port at random",
    );
    assert!(run.stdout().contains("# Client (source) ports are not matched: a client picks its port at random"));
    assert!(!run.stdout().contains("sport"), "{}", run.stdout());
}

#[test]
fn a_gateway_forwards_to_its_servers_in_every_linux_format() {
    let dir = ports_db();
    let args = [
        "firewall",
        "ports.db",
        "--name",
        "DNS",
        "--chain",
        "forward",
        "--to",
        "10.0.2.0/24",
        "--to",
        "fd00:2::/64",
        "--policy",
        "drop",
    ];
    let nft = kbingest(dir.path(), &args).success().stdout();
    assert!(nft.contains(
        "\t\tip daddr 10.0.2.0/24 tcp dport 53 accept comment \"DNS Server (DNS) TCP: ports.txt line 165\"\n"
    ));
    assert!(nft.contains(
        "\t\tip6 daddr fd00:2::/64 udp dport 53 accept comment \"DNS Server (DNS) UDP: ports.txt line 162\"\n"
    ));
    let v4 = kbingest(dir.path(), &[&args[..], &["--format", "iptables"]].concat());
    v4.success().stderr_has("--to fd00:2::/64: not IPv4, so not in this file (write the ip6tables file for them)");
    assert!(v4.stdout().contains("\n:FORWARD DROP [0:0]\n:KBINGEST_FWD - [0:0]\n"));
    assert!(v4.stdout().contains("\n-A KBINGEST_FWD -d 10.0.2.0/24 -p tcp --dport 53 -m comment"));
    assert!(v4.stdout().contains("\n-A FORWARD -j KBINGEST_FWD\n"));
    let v6 = kbingest(dir.path(), &[&args[..], &["--format", "ip6tables"]].concat()).success().stdout();
    assert!(v6.contains("\n-A KBINGEST_FWD -d fd00:2::/64 -p udp --dport 53 -m comment"));
    assert!(!v6.contains("--icmpv6-type 135"), "neighbour discovery is not forwarded");
    for (more, says) in [
        (&["--chain", "forward"][..], "--chain forward needs --to ADDRESS|PREFIX"),
        (&["--to", "10.0.2.0/24"], "pass --chain forward with it"),
        (&["--chain", "forward", "--to", "10.0.2.1/24"], "10.0.2.1/24 has host bits set; the network is 10.0.2.0/24"),
        (&["--chain", "forward", "--to", "0.0.0.0/0"], "is every address"),
        (&["--chain", "forward", "--to", "fd00::/64", "--format", "iptables"], "--to names no IPv4 server"),
        (&["--chain", "forward", "--to", "10.0.2.0/24", "--format", "powershell"], "writes a Linux gateway's rules"),
    ] {
        kbingest(dir.path(), &[&["firewall", "ports.db"][..], more].concat()).expect(2).stderr_has(says);
    }
}

/// The services (labels) an nftables file's rules are for, each once, in order.
fn services_of(text: &str) -> Vec<String> {
    let mut services: Vec<String> = Vec::new();
    for rule in rule_lines(text) {
        let comment = rule.split(" comment \"").nth(1).unwrap_or_default();
        let label = comment.split(") ").next().unwrap_or_default().to_string() + ")";
        if !services.contains(&label) {
            services.push(label);
        }
    }
    services
}

#[test]
fn a_role_selects_its_services_as_ports_reads_it_and_says_which() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["firewall", "ports.db", "--service", "Active Directory"]);
    let out = run.success().stdout();
    let said = "--service \"Active Directory\" is the role \"Active Directory\" (as `kbingest ports` reads it): Local \
                Security Authority (LSASS), Kerberos Key Distribution Center (Kdc), DNS Server (DNS), Net Logon \
                (Netlogon), File Replication (NtFrs), Distributed File System (Dfs), Windows Time (W32Time)";
    assert!(out.contains(&format!("\n# {said}.\n")), "the header says which\n{out}");
    run.stderr_has(&format!("kbingest: {said}\n"));
    assert_eq!(
        services_of(&out),
        [
            "Distributed File System (Dfs)",
            "DNS Server (DNS)",
            "File Replication (NtFrs)",
            "Kerberos Key Distribution Center (Kdc)",
            "Local Security Authority (LSASS)",
            "Net Logon (Netlogon)",
            "Windows Time (W32Time)"
        ]
    );
    // The same services `kbingest ports` answers.
    let ports = kbingest(dir.path(), &["ports", "ports.db", "Active Directory"]).success().stdout();
    for service in services_of(&out) {
        assert!(ports.contains(&format!("{service}: ports.txt line ")), "{service}\n{ports}");
    }

    let run = kbingest(dir.path(), &["firewall", "ports.db", "--service", "remote desktop", "--format", "iptables"]);
    let out = run.success().stdout();
    run.stderr_has(
        "kbingest: --service \"remote desktop\" is the role \"Remote Desktop\" (as `kbingest ports` reads it): Terminal \
         Services (TermService), Terminal Services Licensing (TermServLicensing), Terminal Services Session Directory \
         (Tssdis), NetMeeting Remote Desktop Sharing (mnmsrvc)\n",
    );
    assert!(out.contains("-A KBINGEST -p tcp --dport 3389 -m comment --comment \"Terminal Services (TermService) TCP: ports.txt line 904\" -j ACCEPT\n"), "{out}");

    // A name that is no title, system service name or role: the nearest names, roles among them.
    kbingest(dir.path(), &["firewall", "ports.db", "--service", "Actve Directory", "--name", "TermServ"])
        .expect(1)
        .stderr_has(
            "no service \"Actve Directory\" in port_rules (by title, system service name or role); the nearest names: \
             \"Active Directory\", ",
        )
        .stderr_has("no service \"TermServ\" in port_rules (by title, system service name or role); the nearest names: \"TermService\"")
        .stderr_has("find services by words with `kbingest ports ports.db WORDS...`");
}
