//! The firewall findings of the second hostile campaign (issue 23), one test each, named after
//! the finding: a page cannot open every port, a database cannot make iptables accept every
//! protocol, a default deny with nothing to allow is refused, the cut sessions are said (the
//! kernel half is in `firewall_behaviour.rs`), and text that hides or reorders itself is shown.

use crate::common::{kbingest, ports_db, scalar, workdir};
use std::path::Path;

/// A Markdown page with DNS on TCP and UDP 53 and one more row, `port` in its port cell.
fn dns_page(dir: &Path, port: &str) {
    let page = format!(
        "### DNS Server\n\nThe DNS server answers queries.\n\nSystem service name: DNS\n\n\
         |Application protocol|Protocol|Port|\n|---|---|---|\n|DNS|TCP|53|\n|DNS|UDP|53|\n|Zone transfer|TCP|{port}|\n"
    );
    std::fs::write(dir.join("dns.md"), page).unwrap();
}

#[test]
fn finding_1_a_page_cannot_open_every_port_through_a_default_deny() {
    for port in [
        "1-65535",
        "0-65535",
        "0 to 65535",
        "Ports between 0 and 65535",
        "1–65535",
        "Random port number between 1 and 65535",
        "1024-65535",
    ] {
        let dir = workdir();
        dns_page(dir.path(), port);
        kbingest(dir.path(), &["dns.md", "-o", "dns.db", "-q"]).success();
        let db = dir.path().join("dns.db");
        let ledgered: i64 =
            scalar(&crate::common::open(&db), "SELECT count(*) FROM anomalies WHERE kind = 'wide_port_range'");
        assert_eq!(ledgered, 1, "{port}: ingest ledgers the wide range");
        let (low, high): (i64, i64) = {
            let conn = crate::common::open(&db);
            conn.query_row("SELECT port_low, port_high FROM port_rules WHERE source_line = 11", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
        };
        for format in ["nftables", "iptables", "ip6tables", "powershell"] {
            let run =
                kbingest(dir.path(), &["firewall", "dns.db", "--policy", "drop", "--format", format, "-o", "rules"]);
            run.expect(1)
                .stderr_has(&format!(": DNS Server: TCP {low}-{high} covers "))
                .stderr_has("kbingest: dns.db: dns.md line")
                .stderr_has(&format!("pass --allow-wide {low}-{high} to open it anyway; nothing was written"));
            assert!(!dir.path().join("rules").exists(), "{port}: nothing written");
        }
        let wide = format!("{low}-{high}");
        let run = kbingest(dir.path(), &["firewall", "dns.db", "--policy", "drop", "--allow-wide", &wide]);
        let out = run.success().stdout();
        assert!(out.contains(&format!("allowed by --allow-wide {wide}")), "{port}: the comment says so\n{out}");
    }
}

#[test]
fn finding_1_legacy_opens_only_a_dynamic_range_the_page_gives_as_an_alternative() {
    let refused = [
        ("1024-65535", "TCP 1024-65535 covers 64512 ports"),
        ("Random port number between 1024 and 65535", "TCP 1024-65535 covers 64512 ports"),
        ("random port number between 2 - 65535<br/>random port number between 49152 - 65535", "system ports 0-1023"),
        ("random port number between 1 - 65535<br/>random port number between 49152 - 65535", "system ports 0-1023"),
    ];
    for (port, says) in refused {
        let dir = workdir();
        dns_page(dir.path(), port);
        kbingest(dir.path(), &["dns.md", "-o", "dns.db", "-q"]).success();
        let ledgered: String = scalar(
            &crate::common::open(&dir.path().join("dns.db")),
            "SELECT group_concat(message, ' | ') FROM anomalies WHERE kind = 'wide_port_range'",
        );
        assert!(!ledgered.contains("--dynamic-range legacy"), "{port}: the ledger promises nothing\n{ledgered}");
        for format in ["nftables", "iptables", "ip6tables", "powershell"] {
            let args = ["firewall", "dns.db", "--policy", "drop", "--dynamic-range", "legacy", "--format", format];
            kbingest(dir.path(), &args).expect(1).stderr_has(says).stderr_has("nothing was written");
        }
    }
    let dir = workdir();
    dns_page(dir.path(), "random port number between 1024 - 65535<br/>random port number between 49152 - 65535");
    kbingest(dir.path(), &["dns.md", "-o", "dns.db", "-q"]).success();
    let ledgered: String = scalar(
        &crate::common::open(&dir.path().join("dns.db")),
        "SELECT message FROM anomalies WHERE kind = 'wide_port_range'",
    );
    assert!(
        ledgered.ends_with(
            "names it or --dynamic-range legacy chooses it among the page's alternatives for this dynamic range."
        ),
        "{ledgered}"
    );
    let run = kbingest(dir.path(), &["firewall", "dns.db", "--policy", "drop", "--dynamic-range", "legacy"]);
    let out = run.success().stdout();
    assert!(out.contains("\n# Wide range opened: TCP 1024-65535, 64512 ports, 41384 of them outside"), "{out}");
    assert!(out.contains("\t\ttcp dport 1024-65535 accept comment \"DNS Server (DNS) TCP dynamic: dns.md line 11;"));
    let modern = kbingest(dir.path(), &["firewall", "dns.db", "--policy", "drop"]).success().stdout();
    assert!(!modern.contains("1024-65535 accept") && !modern.contains("Wide range"), "{modern}");
}

#[test]
fn finding_1_a_wide_range_in_small_pieces_is_refused_too() {
    let dir = workdir();
    let rows: String =
        (0..12).map(|i| format!("|Piece|TCP|{}-{}|\n", 6000 + i * 1002, 6000 + i * 1002 + 999)).collect();
    let page = format!(
        "### Pieces\n\nA service of many ranges.\n\nSystem service name: Pieces\n\n\
         |Application protocol|Protocol|Port|\n|---|---|---|\n{rows}"
    );
    std::fs::write(dir.path().join("pieces.md"), page).unwrap();
    kbingest(dir.path(), &["pieces.md", "-o", "p.db", "-q"]).success();
    kbingest(dir.path(), &["firewall", "p.db", "--policy", "drop"])
        .expect(1)
        .stderr_has("the rules open 12000 TCP ports outside the dynamic ranges");
}

#[test]
fn finding_2_an_ip_protocol_kbingest_does_not_know_is_refused_not_rendered() {
    let dir = ports_db();
    // A database from elsewhere: written with foreign keys off, as SQLite's default is.
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF; UPDATE service_ports SET ip_protocol = 0 WHERE source_line = 165")
        .unwrap();
    drop(conn);
    for format in ["nftables", "iptables", "ip6tables", "powershell"] {
        let run = kbingest(dir.path(), &["firewall", "ports.db", "--name", "DNS", "--format", format]);
        run.expect(1)
            .stderr_has("ports.txt:165 (DNS Server): IP protocol 0 is not one kbingest knows (6 TCP, 17 UDP, 47 GRE")
            .stderr_has("nothing was written");
        assert!(!run.stdout().contains("-p 0") && !run.stdout().contains("-Protocol 0"), "{}", run.stdout());
    }
    for (update, says) in [
        ("ip_protocol = 300", "IP protocol 300 is not one kbingest knows"),
        ("port_low = 70000, port_high = 70000", "port_low 70000 is not a port (0-65535)"),
        ("port_low = 60, port_high = 50", "ports 60-50 ends before it starts"),
        ("icmp_type = 999", "ICMP type 999 is not one (0-255)"),
    ] {
        let dir = ports_db();
        let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;
             UPDATE service_ports SET {update} WHERE source_line = 165"
        ))
        .unwrap();
        drop(conn);
        kbingest(dir.path(), &["firewall", "ports.db", "--name", "DNS"]).expect(1).stderr_has(says);
    }
}

#[test]
fn finding_3_policy_drop_with_nothing_to_allow_is_refused() {
    let dir = ports_db();
    for args in [
        &["firewall", "ports.db", "--policy", "drop", "--direction", "outbound", "-q"][..],
        &["firewall", "ports.db", "--policy", "drop", "--direction", "outbound", "--format", "iptables", "-o", "r"],
    ] {
        kbingest(dir.path(), args)
            .expect(1)
            .stderr_has("--policy drop: the selection (every rule in the database) gives no rule that allows anything outbound, so the file would drop every connection");
        assert!(!dir.path().join("r").exists());
    }
    // Under accept, an empty file leaves everything as it was.
    kbingest(dir.path(), &["firewall", "ports.db", "--direction", "outbound", "-q"]).success();
}

#[test]
fn finding_4_policy_drop_says_sessions_will_be_cut_and_keep_port_keeps_one_as_the_users_choice() {
    let dir = ports_db();
    for format in ["nftables", "iptables", "ip6tables"] {
        let run =
            kbingest(dir.path(), &["firewall", "ports.db", "--name", "DNS", "--policy", "drop", "--format", format]);
        let out = run.success().stdout();
        assert!(out.contains("# Under drop, sessions opened before connection tracking was active"), "{out}");
        run.stderr_has("kbingest: --policy drop: sessions opened before connection tracking was active")
            .stderr_has("--keep-port PORT/PROTO (e.g. 22/tcp) keeps a management port open");
        let kept = kbingest(
            dir.path(),
            &["firewall", "ports.db", "--name", "DNS", "--policy", "drop", "--format", format, "--keep-port", "22/tcp"],
        );
        let out = kept.success().stdout();
        assert!(out.contains("kbingest: --keep-port 22/tcp, the user's choice, not a document's"), "{out}");
        assert!(out.contains("# Kept open, the user's choice (--keep-port): 22/tcp."), "{out}");
    }
    kbingest(dir.path(), &["firewall", "ports.db", "--keep-port", "22/tcp"])
        .expect(2)
        .stderr_has("--keep-port keeps a port open under --policy drop");
    kbingest(dir.path(), &["firewall", "ports.db", "--policy", "drop", "--keep-port", "22"])
        .expect(2)
        .stderr_has("expected PORT/tcp or PORT/udp");
}

#[test]
fn finding_15_bidi_overrides_and_control_characters_are_shown_in_firewall_output() {
    let dir = ports_db();
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    conn.execute(
        "UPDATE services SET title = 'DNS ' || char(8238) || 'revreS' || char(27) || ']0;owned' || char(7) || char(8297),
                system_service_name = 'DNS' || char(8206) WHERE title = 'DNS Server'",
        [],
    )
    .unwrap();
    drop(conn);
    for format in ["nftables", "iptables", "ip6tables", "powershell"] {
        let run = kbingest(
            dir.path(),
            &["firewall", "ports.db", "--format", format, "--service", "DNS \u{202E}revreS\u{1b}]0;owned\u{7}\u{2069}"],
        );
        let out = run.success().stdout();
        assert!(
            !out.chars().any(|c| (c.is_control() && c != '\n' && c != '\t')
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || c == '\u{200E}'),
            "{format}: a hiding character came through\n{out:?}"
        );
        assert!(
            out.contains("DNS <U+202E>revreS<U+001B>]0;owned<U+0007><U+2069> (DNS<U+200E>) TCP"),
            "{format}\n{out}"
        );
    }
}
