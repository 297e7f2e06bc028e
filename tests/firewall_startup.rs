//! What a host sends as its link comes up, under `--policy drop --direction both` (an output chain
//! that drops): before its link-local address has passed duplicate address detection, IPv6 joins
//! the address's solicited-node group with a multicast listener report sent from `::` (RFC 3590),
//! which switches that snoop MLD need in order to forward the neighbour solicitations of that
//! detection. RFC 4890 (4.4.1) lists MLD among what must not be dropped; the output chain accepts
//! these reports. Shown in network namespaces (never the machine's network): a chain of nftables
//! at a later priority than kbingest's counts the reports from `::` that got past it. Where
//! namespaces or the tools are missing the test says SKIP (and fails when `CI` is set).

use crate::common::namespaces::{Namespace, link};
use crate::common::netns::{cannot_load, load_here, ports_db, skip};
use crate::common::{kbingest, workdir};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the reports may take: Linux sends the first as the address is added, and repeats it
/// within a second (the unsolicited report interval).
const REPORTS: Duration = Duration::from_secs(5);

/// Counts, after every other output chain (priority 10, kbingest's is 0), the multicast listener
/// reports (MLDv1 131, MLDv2 143) sent from `::`.
const WATCH: &str = "nft add table inet watch \
    && nft add chain inet watch out '{ type filter hook output priority 10; }' \
    && nft add rule inet watch out ip6 saddr :: icmpv6 type '{ mld-listener-report, mld2-listener-report }' counter";

/// The reports from `::` the watch counted.
fn counted(server: &Namespace) -> Result<u64, String> {
    let listed = server.sh("nft list chain inet watch out")?;
    let packets = listed.split("counter packets ").nth(1).and_then(|rest| rest.split(' ').next());
    packets.and_then(|n| n.parse().ok()).ok_or_else(|| format!("no counter in:\n{listed}"))
}

/// In a server of its own, with duplicate address detection on and `files` loaded (none: no
/// firewall), brings up a link to a client and returns how many reports from `::` left the server
/// before the deadline (as soon as there is one).
fn reports_from_unspecified(format: &str, files: &[PathBuf]) -> Result<u64, String> {
    let server = Namespace::create()?;
    server.sh("echo 1 > /proc/sys/net/ipv6/conf/default/accept_dad")?;
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if !paths.is_empty() {
        server.enter();
        load_here(format, &paths);
    }
    server.sh(WATCH)?;
    let client = Namespace::create()?;
    // Made in the server, so that its end takes the server's default: detection on.
    link(&server, "kbs", &["10.0.9.2/24", "fd00:9::2/64"], &client, "kbc", &["10.0.9.1/24", "fd00:9::1/64"])?;
    let deadline = Instant::now() + REPORTS;
    loop {
        let n = counted(&server)?;
        if n > 0 || Instant::now() > deadline {
            return Ok(n);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn under_an_output_drop_the_reports_of_duplicate_address_detection_leave_from_the_unspecified_address() {
    let test = "under_an_output_drop_the_reports_of_duplicate_address_detection_leave_from_the_unspecified_address";
    for (format, tools) in [("nftables", &["nft"][..]), ("iptables", &["nft", "iptables-restore", "ip6tables-restore"])]
    {
        if let Some(reason) = tools.iter().find_map(|t| cannot_load(t)) {
            skip(test, &format!("{format}: {reason}"));
            continue;
        }
        let dir = workdir();
        ports_db(dir.path());
        let files: Vec<PathBuf> = if format == "nftables" { vec!["nftables"] } else { vec!["iptables", "ip6tables"] }
            .into_iter()
            .map(|f| {
                let file = format!("rules.{f}");
                let args = ["firewall", "ports.db", "--format", f, "--policy", "drop", "--direction", "both"];
                kbingest(dir.path(), &[&args[..], &["--name", "DNS", "-o", &file, "-q"]].concat()).success();
                dir.path().join(file)
            })
            .collect();
        let run = move || -> Result<(u64, u64), String> {
            Ok((reports_from_unspecified(format, &[])?, reports_from_unspecified(format, &files)?))
        };
        match std::thread::spawn(run).join() {
            Ok(Ok((without, with))) => {
                assert!(without > 0, "{format}: without a firewall the kernel sends reports from ::");
                assert!(with > 0, "{format}: the output chain dropped the reports from :: of address detection");
            }
            Ok(Err(reason)) => skip(test, &format!("{format}: {reason}")),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
