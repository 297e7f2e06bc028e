//! Network namespaces joined by veth pairs, for the firewall's behaviour tests: hosts of their own
//! (never the machine's network), between which the calling thread moves with setns(2). Sockets
//! keep the namespace they were made in; commands run from a namespace run in it. Each lab lives
//! on a thread of its own, which the test spawns, so that no other test's thread is moved.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::process::Command;

/// One network namespace, held open by a file descriptor.
pub struct Namespace {
    file: File,
}

impl Namespace {
    /// A new namespace, which the calling thread is left in: loopback up, no duplicate address
    /// detection (addresses are usable at once) and no ICMP rate limits (so that every closed
    /// UDP port answers), ping sockets allowed. `Err` is why it cannot be made here.
    pub fn create() -> Result<Namespace, String> {
        // SAFETY: unshare(CLONE_NEWNET) only moves the calling thread into a new network
        // namespace; it touches no memory.
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            return Err(format!("unshare(CLONE_NEWNET) is not permitted: {}", std::io::Error::last_os_error()));
        }
        let file = File::open("/proc/thread-self/ns/net").map_err(|e| format!("/proc/thread-self/ns/net: {e}"))?;
        let ns = Namespace { file };
        ns.sh("ip link set lo up && echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad \
             && echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad && echo 0 > /proc/sys/net/ipv4/icmp_ratelimit \
             && echo 0 > /proc/sys/net/ipv6/icmp/ratelimit && echo 100000 > /proc/sys/net/ipv4/icmp_msgs_per_sec \
             && echo 100000 > /proc/sys/net/ipv4/icmp_msgs_burst \
             && echo '0 2147483647' > /proc/sys/net/ipv4/ping_group_range")?;
        Ok(ns)
    }

    /// Moves the calling thread into this namespace.
    pub fn enter(&self) {
        // SAFETY: setns(2) on a namespace file descriptor this value owns.
        let r = unsafe { libc::setns(self.file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
    }

    /// Runs a shell script in this namespace; its standard output, or `Err` with its standard error.
    pub fn sh(&self, script: &str) -> Result<String, String> {
        self.enter();
        let out = Command::new("sh").args(["-c", script]).output().map_err(|e| format!("sh: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!("`{script}`: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// A path to this namespace that `ip link ... netns` takes.
    fn path(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.file.as_raw_fd())
    }
}

/// Joins two namespaces with a veth pair (`a_if` in `a`, `b_if` in `b`), gives each end its
/// addresses (`10.0.9.1/24`, `fd00:9::1/64`) and brings both up.
pub fn link(
    a: &Namespace,
    a_if: &str,
    a_addresses: &[&str],
    b: &Namespace,
    b_if: &str,
    b_addresses: &[&str],
) -> Result<(), String> {
    a.sh(&format!("ip link add {a_if} type veth peer name {b_if} netns {}", b.path()))?;
    for (ns, interface, addresses) in [(a, a_if, a_addresses), (b, b_if, b_addresses)] {
        let mut script = String::new();
        for address in addresses {
            let nodad = if address.contains(':') { " nodad" } else { "" };
            script.push_str(&format!("ip addr add {address} dev {interface}{nodad} && "));
        }
        script.push_str(&format!("ip link set {interface} up"));
        ns.sh(&script)?;
    }
    Ok(())
}

/// The client's and the server's addresses on the pair between them.
pub const CLIENT: (Ipv4Addr, Ipv6Addr) = (Ipv4Addr::new(10, 0, 9, 1), Ipv6Addr::new(0xfd00, 9, 0, 0, 0, 0, 0, 1));
/// The server's.
pub const SERVER: (Ipv4Addr, Ipv6Addr) = (Ipv4Addr::new(10, 0, 9, 2), Ipv6Addr::new(0xfd00, 9, 0, 0, 0, 0, 0, 2));

/// Both addresses of a pair, IPv4 first.
pub fn both(pair: (Ipv4Addr, Ipv6Addr)) -> [IpAddr; 2] {
    [IpAddr::V4(pair.0), IpAddr::V6(pair.1)]
}

/// A client and a server on one link.
pub struct Lab {
    /// The client's namespace, `10.0.9.1`, `fd00:9::1`.
    pub client: Namespace,
    /// The server's, `10.0.9.2`, `fd00:9::2`.
    pub server: Namespace,
}

impl Lab {
    /// The two hosts, linked; the calling thread is left in the client.
    pub fn new() -> Result<Lab, String> {
        let server = Namespace::create()?;
        let client = Namespace::create()?;
        link(&client, "kbc", &["10.0.9.1/24", "fd00:9::1/64"], &server, "kbs", &["10.0.9.2/24", "fd00:9::2/64"])?;
        client.enter();
        Ok(Lab { client, server })
    }
}

/// A client, a Linux gateway and a server behind it: `10.0.1.0/24`, `fd00:1::/64` on the
/// client's side, `10.0.2.0/24`, `fd00:2::/64` on the server's, the gateway `.254`/`::fe` on both.
pub struct Routed {
    /// The client, `10.0.1.1`, `fd00:1::1`.
    pub client: Namespace,
    /// The gateway, forwarding both families.
    pub gateway: Namespace,
    /// The server, `10.0.2.1`, `fd00:2::1`.
    pub server: Namespace,
}

/// The server's addresses behind the gateway.
pub const ROUTED_SERVER: (Ipv4Addr, Ipv6Addr) =
    (Ipv4Addr::new(10, 0, 2, 1), Ipv6Addr::new(0xfd00, 2, 0, 0, 0, 0, 0, 1));
/// The gateway's addresses on the client's side.
pub const GATEWAY: (Ipv4Addr, Ipv6Addr) = (Ipv4Addr::new(10, 0, 1, 254), Ipv6Addr::new(0xfd00, 1, 0, 0, 0, 0, 0, 0xfe));

impl Routed {
    /// The three hosts, linked and routed; the calling thread is left in the client.
    pub fn new() -> Result<Routed, String> {
        let (client, gateway, server) = (Namespace::create()?, Namespace::create()?, Namespace::create()?);
        link(&client, "kbc", &["10.0.1.1/24", "fd00:1::1/64"], &gateway, "kbg1", &["10.0.1.254/24", "fd00:1::fe/64"])?;
        link(&gateway, "kbg2", &["10.0.2.254/24", "fd00:2::fe/64"], &server, "kbs", &["10.0.2.1/24", "fd00:2::1/64"])?;
        gateway.sh("echo 1 > /proc/sys/net/ipv4/ip_forward && echo 1 > /proc/sys/net/ipv6/conf/all/forwarding")?;
        client.sh("ip route add default via 10.0.1.254 && ip -6 route add default via fd00:1::fe")?;
        server.sh("ip route add default via 10.0.2.254 && ip -6 route add default via fd00:2::fe")?;
        client.enter();
        Ok(Routed { client, gateway, server })
    }
}
