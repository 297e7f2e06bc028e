//! A default-deny ruleset from `kbingest firewall`, tried with real TCP connections to
//! 127.0.0.1 inside a private network namespace of this test's own thread: the allowed port
//! answers, another is dropped. Where that cannot be done here, the test says SKIP.

use crate::common::netns::{TOOLS, cannot_load, generate, ports_db, skip};
use crate::common::workdir;
use std::path::Path;
use std::process::Command;

/// Inside this thread's own network namespace: brings loopback up, checks that a port answers,
/// loads the ruleset, and checks that the allowed port still answers and the other is dropped
/// (a timeout, not a refusal). `Err` is a reason to skip.
fn connections_under(format: &str, rules: &Path, allowed: u16, other: u16) -> Result<(), String> {
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::time::Duration;
    // SAFETY: unshare(CLONE_NEWNET) only moves the calling thread into a new network namespace;
    // it touches no memory. Processes this thread starts inherit the namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(format!("unshare(CLONE_NEWNET) is not permitted: {}", std::io::Error::last_os_error()));
    }
    let up = Command::new("ip").args(["link", "set", "lo", "up"]).output().map_err(|e| format!("ip: {e}"))?;
    if !up.status.success() {
        return Err(format!("ip link set lo up: {}", String::from_utf8_lossy(&up.stderr)));
    }
    let _listeners: Vec<TcpListener> =
        [allowed, other].iter().map(|p| TcpListener::bind(("127.0.0.1", *p)).expect("bind in the namespace")).collect();
    let connect = |port: u16, wait: u64| {
        TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_millis(wait))
    };
    connect(other, 2000).expect("before the rules, the other port answers");
    let load = match format {
        "nftables" => Command::new("nft").arg("-f").arg(rules).output(),
        _ => Command::new("iptables-restore").arg("--noflush").arg(rules).output(),
    }
    .expect("the tool runs");
    assert!(load.status.success(), "{format}: {}", String::from_utf8_lossy(&load.stderr));
    connect(allowed, 2000).unwrap_or_else(|e| panic!("{format}: port {allowed} is allowed but: {e}"));
    match connect(other, 500) {
        Ok(_) => panic!("{format}: port {other} is not in the rules but a connection got through"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{format}: dropped, not refused: {e}"),
    }
    Ok(())
}

#[test]
fn a_default_deny_policy_lets_the_service_in_and_drops_the_rest() {
    let test = "a_default_deny_policy_lets_the_service_in_and_drops_the_rest";
    let dir = workdir();
    ports_db(dir.path());
    for (format, tool) in TOOLS {
        if let Some(reason) = cannot_load(tool) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        if Command::new("ip").arg("-V").output().is_err() {
            skip(test, "ip (iproute2) is not installed, so loopback cannot be brought up");
            return;
        }
        let rules = generate(dir.path(), format, &["--service", "Telnet", "--policy", "drop"]);
        let text = std::fs::read_to_string(&rules).unwrap();
        assert!(text.contains("23"), "{text}");
        let worker = std::thread::spawn(move || connections_under(format, &rules, 23, 2323));
        if let Err(reason) = worker.join().expect("the namespace thread finishes") {
            skip(test, &reason);
        }
    }
}
