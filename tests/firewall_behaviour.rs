//! Default-deny rulesets from `kbingest firewall`, tried with real traffic between network
//! namespaces joined by veth pairs (`common::namespaces`; never the machine's network): every
//! documented port answers over IPv4 and IPv6, a sample of the others (every range's edges and a
//! spread over the port space) is dropped over both -- the kernel's full listing is compared with
//! `port_rules` in `firewall_kernel.rs` --, loopback works, a reply to the server's own connection
//! comes back, neighbour discovery works, ping passes where the page allows it and only there, and
//! rules that were there before stay effective. Also: sessions opened before connection tracking
//! are cut unless kept (`--keep-port`), and a gateway passes the documented ports only. Where
//! namespaces or the tools are missing the tests say SKIP (and fail when `CI` is set).

use crate::common::namespaces::{CLIENT, GATEWAY, Lab, ROUTED_SERVER, Routed, SERVER, both};
use crate::common::netns::{TOOLS, cannot_load, load_here, ports_db, skip};
use crate::common::probe::{self, Reach};
use crate::common::{ingest, kbingest, workdir};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The domain controller of the README: these system service names.
const DOMAIN_CONTROLLER: [&str; 6] = ["LSASS", "Kdc", "DNS", "Netlogon", "NtFrs", "W32Time"];

/// How long a dropped probe is waited for; answered ones come back in well under a millisecond.
const SILENCE: Duration = Duration::from_millis(600);

/// How long an answer may take: a namespace's first packets wait for neighbour discovery, and a
/// SYN lost on a busy machine is sent again after 1 s, then 3 s.
const ANSWER: Duration = Duration::from_secs(10);

/// Probes sent at once: fewer than a veth's queue (1000 packets), so that none is lost to it.
const BATCH: usize = 250;

/// The ports a selection documents, read from `port_rules` without kbingest's merge.
struct Documented {
    tcp: Vec<(u16, u16)>,
    udp: Vec<(u16, u16)>,
    ping: bool,
}

/// What `port_rules` documents for these system service names (all, if none), leaving out the
/// older systems' alternatives of a dynamic range (`--dynamic-range modern`, the default).
fn documented(db: &Path, names: &[&str]) -> Documented {
    let conn = crate::common::open(db);
    let filter = if names.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        format!("AND system_service_name COLLATE NOCASE IN ({})", quoted.join(", "))
    };
    let ranges = |transport: &str| -> Vec<(u16, u16)> {
        let sql = format!(
            "SELECT port_low, port_high FROM port_rules WHERE transport = '{transport}' AND port_low IS NOT NULL {filter}
             AND NOT (port_kind = 'dynamic' AND port_low < 49152 AND EXISTS (SELECT 1 FROM port_rules o
                 WHERE o.source = port_rules.source AND o.source_line = port_rules.source_line
                 AND o.transport = port_rules.transport AND o.port_kind = 'dynamic' AND o.port_low = 49152))"
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, u16>(0)?, r.get::<_, u16>(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let ping: i64 = conn
        .query_row(&format!("SELECT count(*) FROM port_rules WHERE transport = 'ICMP' {filter}"), [], |r| r.get(0))
        .unwrap();
    Documented { tcp: ranges("TCP"), udp: ranges("UDP"), ping: ping > 0 }
}

fn inside(port: u16, ranges: &[(u16, u16)]) -> bool {
    ranges.iter().any(|&(l, h)| l <= port && port <= h)
}

/// Ports no documented range holds, to try: every range's edges, the usual suspects and a
/// spread over the whole port space.
fn closed(ranges: &[(u16, u16)], also_not: &[u16]) -> Vec<u16> {
    let mut ports: Vec<u16> = vec![1, 7, 22, 80, 443, 1024, 3389, 5001, 5985, 8080, 49151, 49152, 65535];
    for &(low, high) in ranges {
        ports.extend([low.wrapping_sub(1), high.wrapping_add(1)]);
    }
    ports.extend((0..24u32).map(|i| ((i * 2731 + 17) % 65536) as u16));
    ports.sort_unstable();
    ports.dedup();
    ports.retain(|p| *p != 0 && !inside(*p, ranges) && !also_not.contains(p));
    ports
}

/// Every port of the ranges, at each address.
fn targets(ranges: &[(u16, u16)], addresses: &[IpAddr], except: &[u16]) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    for &(low, high) in ranges {
        for port in low..=high {
            if !except.contains(&port) {
                out.extend(addresses.iter().map(|a| SocketAddr::new(*a, port)));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Asserts every probe came out as `want`, naming those that did not.
fn expect(what: &str, targets: &[SocketAddr], got: &[Reach], want: Reach) {
    let wrong: Vec<String> =
        targets.iter().zip(got).filter(|(_, g)| **g != want).map(|(t, g)| format!("{t} {g:?}")).collect();
    assert!(wrong.is_empty(), "{what}: {} of {} not {want:?}: {}", wrong.len(), targets.len(), wrong.join(", "));
}

fn tcp(what: &str, targets: &[SocketAddr], want: Reach) {
    for batch in targets.chunks(BATCH) {
        let wait = if want == Reach::Silent { SILENCE } else { ANSWER };
        expect(&format!("{what} (TCP)"), batch, &probe::tcp(batch, wait), want);
    }
}

fn udp(what: &str, targets: &[SocketAddr], want: Reach) {
    for batch in targets.chunks(BATCH) {
        let wait = if want == Reach::Silent { SILENCE } else { ANSWER };
        expect(&format!("{what} (UDP)"), batch, &probe::udp(batch, wait), want);
    }
}

/// Writes the rules for `format` (for iptables, the iptables and the ip6tables file) from `db`.
fn rules(dir: &Path, db: &str, format: &str, args: &[&str]) -> Vec<PathBuf> {
    let formats: &[&str] = if format == "iptables" { &["iptables", "ip6tables"] } else { &[format] };
    formats
        .iter()
        .map(|f| {
            let file = format!("rules.{f}");
            let mut all = vec!["firewall", db, "--format", f, "-o", &file, "-q"];
            all.extend_from_slice(args);
            kbingest(dir, &all).success();
            dir.join(file)
        })
        .collect()
}

/// Whether the tools and namespaces are here for `format`; says SKIP where not.
fn can_load(test: &str, format: &str) -> bool {
    let tools: &[&str] = match format {
        "nftables" => &["nft"],
        _ => &["iptables-restore", "ip6tables-restore"],
    };
    for tool in tools {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            return false;
        }
    }
    if std::process::Command::new("ip").arg("-V").output().is_err() {
        skip(test, "ip (iproute2) is not installed, so no veth pair can be made");
        return false;
    }
    true
}

/// Runs `body` on a thread of its own (it moves between namespaces); its `Err` is a reason to skip.
fn on_own_thread(test: &str, body: impl FnOnce() -> Result<(), String> + Send + 'static) {
    match std::thread::spawn(body).join() {
        Ok(Ok(())) => {}
        Ok(Err(reason)) => skip(test, &reason),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// The rules that were there before: in iptables an accept of TCP 9 and a drop of `dropped`; in
/// nftables (where another table's accept cannot overrule a drop) a drop of `dropped`.
fn rules_already_there(format: &str, dropped: u16) -> String {
    match format {
        "nftables" => format!(
            "nft add table inet user && nft add chain inet user c '{{ type filter hook input priority -10; }}' \
             && nft add rule inet user c tcp dport {dropped} drop"
        ),
        _ => ["iptables", "ip6tables"]
            .map(|t| {
                format!("{t} -A INPUT -p tcp --dport 9 -j ACCEPT && {t} -A INPUT -p tcp --dport {dropped} -j DROP")
            })
            .join(" && "),
    }
}

/// Waits until the client reaches the server over both families: a new veth pair may lose the
/// first neighbour solicitations while its carrier comes up, which ends in host unreachable.
fn wait_for_link(addresses: [IpAddr; 2]) {
    let targets: Vec<SocketAddr> = addresses.iter().map(|a| SocketAddr::new(*a, 1)).collect();
    let deadline = std::time::Instant::now() + 3 * ANSWER;
    loop {
        let got = probe::tcp(&targets, ANSWER);
        if got.iter().all(|g| *g == Reach::Answered) || std::time::Instant::now() > deadline {
            return expect("the link before any rule", &targets, &got, Reach::Answered);
        }
    }
}

/// The default-deny checks for one format and selection, in a client and server of their own.
fn default_deny(test: &str, format: &'static str, files: Vec<PathBuf>, want: Documented, dropped: u16) {
    on_own_thread(test, move || {
        let lab = Lab::new()?;
        lab.server.sh(&rules_already_there(format, dropped))?;
        let listener = std::net::TcpListener::bind("[::]:7777").map_err(|e| format!("bind in the client: {e}"))?;
        wait_for_link(both(SERVER));
        lab.server.enter();
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        load_here(format, &paths);
        lab.client.enter();
        let server = both(SERVER);
        let user_accepts: &[u16] = if format == "nftables" { &[] } else { &[9] };
        let mut not_closed = vec![dropped];
        not_closed.extend_from_slice(user_accepts);
        tcp("every documented port", &targets(&want.tcp, &server, &[dropped]), Reach::Answered);
        udp("every documented port", &targets(&want.udp, &server, &[]), Reach::Answered);
        let shut: Vec<(u16, u16)> = closed(&want.tcp, &not_closed).into_iter().map(|p| (p, p)).collect();
        let shut_udp: Vec<(u16, u16)> = closed(&want.udp, &[]).into_iter().map(|p| (p, p)).collect();
        // The silent ones at once, each on a thread (threads start in this thread's namespace).
        std::thread::scope(|s| {
            s.spawn(|| tcp("a sample of the other ports", &targets(&shut, &server, &[]), Reach::Silent));
            s.spawn(|| udp("a sample of the other ports", &targets(&shut_udp, &server, &[]), Reach::Silent));
            s.spawn(|| {
                tcp("a port a rule already there drops", &targets(&[(dropped, dropped)], &server, &[]), Reach::Silent)
            });
            for address in server {
                let want_ping = want.ping;
                s.spawn(move || {
                    let (reach, wait) = if want_ping { (Reach::Answered, ANSWER) } else { (Reach::Silent, SILENCE) };
                    assert_eq!(
                        probe::ping(address, wait),
                        reach,
                        "{format}: ping {address} (the page allows it: {want_ping})"
                    );
                });
            }
        });
        if !user_accepts.is_empty() {
            tcp("a port a rule already there accepts", &targets(&[(9, 9)], &server, &[]), Reach::Answered);
        }
        // Neighbour discovery: both ends forget each other, then IPv6 must find its way again.
        lab.server.sh("ip neigh flush all")?;
        lab.client.sh("ip neigh flush all")?;
        lab.client.enter();
        let (low, _) = want.tcp.iter().copied().find(|r| !inside(dropped, &[*r])).expect("a documented TCP port");
        tcp("IPv6 after the neighbours are forgotten", &[SocketAddr::new(server[1], low)], Reach::Answered);
        lab.server.enter();
        let loopback: Vec<SocketAddr> =
            ["127.0.0.1", "::1"].iter().map(|a| SocketAddr::new(a.parse().unwrap(), shut[0].0)).collect();
        tcp("loopback on the server", &loopback, Reach::Answered);
        let client: Vec<SocketAddr> = both(CLIENT).iter().map(|a| SocketAddr::new(*a, 7777)).collect();
        let replies = probe::tcp(&client, ANSWER);
        expect("the reply to the server's own connection", &client, &replies, Reach::Answered);
        drop(listener);
        Ok(())
    });
}

#[test]
fn the_seeds_domain_controller_under_drop_keeps_the_host_working_over_both_families() {
    let test = "the_seeds_domain_controller_under_drop_keeps_the_host_working_over_both_families";
    let dir = workdir();
    ports_db(dir.path());
    let want = documented(&dir.path().join("ports.db"), &DOMAIN_CONTROLLER);
    assert!(!want.ping, "KB 832017's 2003 domain controller names no ICMP");
    let mut args: Vec<&str> = vec!["--policy", "drop"];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name", name]);
    }
    for (format, _) in TOOLS.iter().take(2) {
        if can_load(test, format) {
            let files = rules(dir.path(), "ports.db", format, &args);
            default_deny(test, format, files, documented(&dir.path().join("ports.db"), &DOMAIN_CONTROLLER), 445);
        }
    }
    assert!(want.tcp.contains(&(1025, 5000)), "RANDOM, as the database holds it");
}

#[test]
fn the_whole_seed_under_drop_keeps_the_host_working_over_both_families() {
    let test = "the_whole_seed_under_drop_keeps_the_host_working_over_both_families";
    let dir = workdir();
    ports_db(dir.path());
    for (format, _) in TOOLS.iter().take(2) {
        if can_load(test, format) {
            let files = rules(dir.path(), "ports.db", format, &["--policy", "drop"]);
            default_deny(test, format, files, documented(&dir.path().join("ports.db"), &[]), 445);
        }
    }
}

#[test]
fn a_2020_domain_controller_answers_ping_and_its_modern_dynamic_range_only() {
    let test = "a_2020_domain_controller_answers_ping_and_its_modern_dynamic_range_only";
    let dir = workdir();
    ingest(dir.path(), "tests/fixtures/kb832017-2020-09.md", "kb.db", &["--source-name", "kb832017-2020-09.md"]);
    let want = documented(&dir.path().join("kb.db"), &DOMAIN_CONTROLLER);
    assert!(want.ping, "the 2020 edition's LSASS names ICMP");
    assert!(inside(49152, &want.tcp) && !inside(1024, &want.tcp), "{:?}", want.tcp);
    let mut args: Vec<&str> = vec!["--policy", "drop"];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name", name]);
    }
    for (format, _) in TOOLS.iter().take(2) {
        if can_load(test, format) {
            let files = rules(dir.path(), "kb.db", format, &args);
            default_deny(test, format, files, documented(&dir.path().join("kb.db"), &DOMAIN_CONTROLLER), 445);
        }
    }
}

/// Whether a TCP session the client opened before the rules were loaded still carries data after.
fn session_survives(format: &'static str, files: Vec<PathBuf>) -> Result<bool, String> {
    use std::io::{Read, Write};
    let lab = Lab::new()?;
    wait_for_link(both(SERVER));
    lab.server.enter();
    let listener = std::net::TcpListener::bind("10.0.9.2:2222").map_err(|e| format!("bind: {e}"))?;
    lab.client.enter();
    let mut session = std::net::TcpStream::connect_timeout(&"10.0.9.2:2222".parse().unwrap(), ANSWER)
        .map_err(|e| format!("the session before the rules: {e}"))?;
    lab.server.enter();
    let (mut accepted, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
    accepted.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    load_here(format, &paths);
    session.write_all(b"still there?").map_err(|e| format!("write: {e}"))?;
    let mut buf = [0u8; 32];
    Ok(matches!(accepted.read(&mut buf), Ok(n) if n > 0))
}

#[test]
fn finding_4_sessions_opened_before_connection_tracking_are_cut_unless_kept() {
    let test = "finding_4_sessions_opened_before_connection_tracking_are_cut_unless_kept";
    let dir = workdir();
    ports_db(dir.path());
    for (format, _) in TOOLS.iter().take(2) {
        if !can_load(test, format) {
            continue;
        }
        let cut = rules(dir.path(), "ports.db", format, &["--name", "DNS", "--policy", "drop"]);
        let header = std::fs::read_to_string(&cut[0]).unwrap();
        assert!(header.contains("sessions opened before connection tracking was active"), "{header}");
        let (tx, rx) = std::sync::mpsc::channel();
        on_own_thread(test, move || {
            tx.send(session_survives(format, cut)?).unwrap();
            Ok(())
        });
        if let Ok(survived) = rx.try_recv() {
            assert!(!survived, "{format}: the warning says such a session is cut, and it was not");
        }
        let kept =
            rules(dir.path(), "ports.db", format, &["--name", "DNS", "--policy", "drop", "--keep-port", "2222/tcp"]);
        let (tx, rx) = std::sync::mpsc::channel();
        on_own_thread(test, move || {
            tx.send(session_survives(format, kept)?).unwrap();
            Ok(())
        });
        if let Ok(survived) = rx.try_recv() {
            assert!(survived, "{format}: --keep-port 2222/tcp kept the session");
        }
    }
}

#[test]
fn a_gateway_passes_the_documented_ports_only() {
    let test = "a_gateway_passes_the_documented_ports_only";
    let dir = workdir();
    ports_db(dir.path());
    let want = documented(&dir.path().join("ports.db"), &DOMAIN_CONTROLLER);
    let mut args: Vec<&str> =
        vec!["--policy", "drop", "--chain", "forward", "--to", "10.0.2.0/24", "--to", "fd00:2::/64"];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name", name]);
    }
    for (format, _) in TOOLS.iter().take(2) {
        if !can_load(test, format) {
            continue;
        }
        let files = rules(dir.path(), "ports.db", format, &args);
        let (tcp_ports, udp_ports) = (want.tcp.clone(), want.udp.clone());
        on_own_thread(test, move || {
            let net = Routed::new()?;
            wait_for_link(both(ROUTED_SERVER));
            net.gateway.enter();
            let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            load_here(format, &paths);
            net.client.enter();
            let server = both(ROUTED_SERVER);
            tcp("through the gateway, every documented port", &targets(&tcp_ports, &server, &[]), Reach::Answered);
            udp("through the gateway, every documented port", &targets(&udp_ports, &server, &[]), Reach::Answered);
            let shut: Vec<(u16, u16)> = closed(&tcp_ports, &[]).into_iter().map(|p| (p, p)).collect();
            let shut_udp: Vec<(u16, u16)> = closed(&udp_ports, &[]).into_iter().map(|p| (p, p)).collect();
            std::thread::scope(|s| {
                s.spawn(|| {
                    tcp("through the gateway, a sample of the others", &targets(&shut, &server, &[]), Reach::Silent)
                });
                s.spawn(|| {
                    udp("through the gateway, a sample of the others", &targets(&shut_udp, &server, &[]), Reach::Silent)
                });
            });
            tcp(
                "the gateway itself, whose input is not touched",
                &targets(&[(9, 9)], &both(GATEWAY), &[]),
                Reach::Answered,
            );
            Ok(())
        });
    }
}
