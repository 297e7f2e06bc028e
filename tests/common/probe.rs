//! Probes for the firewall's behaviour tests, run from the calling thread's network namespace:
//! many TCP connects or UDP datagrams at once (non-blocking, one deadline for all), and ping. A
//! port that connects or is refused (a TCP reset, an ICMP port unreachable) got through the
//! firewall; one that stays silent until the deadline was dropped. So no listener is needed.

use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

/// What became of a probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// It got an answer: a connection, a reset, a port unreachable, an echo reply.
    Answered,
    /// Nothing came back before the deadline.
    Silent,
    /// Another error (the errno), such as host unreachable when neighbour discovery failed.
    Failed(i32),
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A socket of this kind, non-blocking.
fn socket(family: i32, kind: i32, protocol: i32) -> OwnedFd {
    // SAFETY: socket(2) with constant arguments; the result is checked before it is owned.
    let fd = unsafe { libc::socket(family, kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, protocol) };
    assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
    // SAFETY: fd is a new descriptor nothing else owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// The address as the kernel reads it, and its length.
fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data for which all zeroes is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr { s_addr: u32::from(*a.ip()).to_be() },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than sockaddr_in and suitably aligned.
            unsafe { std::ptr::write(std::ptr::addr_of_mut!(storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr { s6_addr: a.ip().octets() },
                sin6_scope_id: 0,
            };
            // SAFETY: sockaddr_storage is larger than sockaddr_in6 and suitably aligned.
            unsafe { std::ptr::write(std::ptr::addr_of_mut!(storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

fn family(addr: &SocketAddr) -> i32 {
    if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 }
}

fn connect(fd: &OwnedFd, addr: SocketAddr) -> i32 {
    let (storage, len) = sockaddr(addr);
    // SAFETY: storage holds a valid address of length len.
    let r = unsafe { libc::connect(fd.as_raw_fd(), std::ptr::addr_of!(storage).cast(), len) };
    if r == 0 { 0 } else { errno() }
}

fn socket_error(fd: &OwnedFd) -> i32 {
    let mut error: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: error and len are valid for getsockopt's writes.
    unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            std::ptr::addr_of_mut!(error).cast(),
            &mut len,
        )
    };
    error
}

/// Waits until each socket is ready for `events` or the deadline passes; `decide` reads a ready
/// one. Sockets decided early (`done`) are not waited for.
fn wait(
    fds: &[OwnedFd],
    events: i16,
    mut done: Vec<Option<Reach>>,
    wait: Duration,
    decide: impl Fn(&OwnedFd) -> Reach,
) -> Vec<Reach> {
    let deadline = Instant::now() + wait;
    loop {
        let pending: Vec<usize> = (0..fds.len()).filter(|i| done[*i].is_none()).collect();
        let left = deadline.saturating_duration_since(Instant::now());
        if pending.is_empty() || left.is_zero() {
            break;
        }
        let mut polls: Vec<libc::pollfd> =
            pending.iter().map(|i| libc::pollfd { fd: fds[*i].as_raw_fd(), events, revents: 0 }).collect();
        // SAFETY: polls is a valid array of pollfd of this length.
        let n = unsafe { libc::poll(polls.as_mut_ptr(), polls.len() as libc::nfds_t, left.as_millis().max(1) as i32) };
        assert!(n >= 0 || errno() == libc::EINTR, "poll: {}", std::io::Error::last_os_error());
        for (p, i) in polls.iter().zip(&pending) {
            if p.revents != 0 {
                done[*i] = Some(decide(&fds[*i]));
            }
        }
    }
    done.into_iter().map(|d| d.unwrap_or(Reach::Silent)).collect()
}

/// TCP connects to every target at once: answered if each connected or was reset in time.
pub fn tcp(targets: &[SocketAddr], deadline: Duration) -> Vec<Reach> {
    let fds: Vec<OwnedFd> = targets.iter().map(|t| socket(family(t), libc::SOCK_STREAM, 0)).collect();
    let done: Vec<Option<Reach>> = fds
        .iter()
        .zip(targets)
        .map(|(fd, t)| match connect(fd, *t) {
            0 => Some(Reach::Answered),
            libc::EINPROGRESS => None,
            libc::ECONNREFUSED => Some(Reach::Answered),
            e => Some(Reach::Failed(e)),
        })
        .collect();
    wait(&fds, libc::POLLOUT, done, deadline, |fd| match socket_error(fd) {
        0 | libc::ECONNREFUSED => Reach::Answered,
        e => Reach::Failed(e),
    })
}

/// One UDP datagram to every target at once: answered if each drew a port unreachable (nothing
/// listens) or a reply in time.
pub fn udp(targets: &[SocketAddr], deadline: Duration) -> Vec<Reach> {
    let fds: Vec<OwnedFd> = targets.iter().map(|t| socket(family(t), libc::SOCK_DGRAM, 0)).collect();
    let mut done = Vec::new();
    for (fd, t) in fds.iter().zip(targets) {
        let e = connect(fd, *t);
        // SAFETY: sending one byte from a valid buffer.
        let sent = e == 0 && unsafe { libc::send(fd.as_raw_fd(), b"k".as_ptr().cast(), 1, 0) } == 1;
        done.push(if sent { None } else { Some(Reach::Failed(if e != 0 { e } else { errno() })) });
    }
    wait(&fds, libc::POLLIN, done, deadline, |fd| match socket_error(fd) {
        0 | libc::ECONNREFUSED => Reach::Answered,
        e => Reach::Failed(e),
    })
}

/// One ping (ICMP or ICMPv6 echo request, through a ping socket): answered if the echo reply
/// came back in time.
pub fn ping(target: IpAddr, deadline: Duration) -> Reach {
    let (family, protocol, echo, echo_reply) = match target {
        IpAddr::V4(_) => (libc::AF_INET, libc::IPPROTO_ICMP, 8u8, 0u8),
        IpAddr::V6(_) => (libc::AF_INET6, libc::IPPROTO_ICMPV6, 128, 129),
    };
    let fd = socket(family, libc::SOCK_DGRAM, protocol);
    let addr = SocketAddr::new(target, 0);
    let e = connect(&fd, addr);
    if e != 0 {
        return Reach::Failed(e);
    }
    // Type, code, checksum and identifier (the kernel fills them in), sequence 1.
    let request = [echo, 0, 0, 0, 0, 0, 0, 1];
    // SAFETY: sending from a valid buffer of its length.
    if unsafe { libc::send(fd.as_raw_fd(), request.as_ptr().cast(), request.len(), 0) } < 0 {
        return Reach::Failed(errno());
    }
    wait(std::slice::from_ref(&fd), libc::POLLIN, vec![None], deadline, |fd| {
        let mut reply = [0u8; 64];
        // SAFETY: receiving into a valid buffer of its length.
        let n = unsafe { libc::recv(fd.as_raw_fd(), reply.as_mut_ptr().cast(), reply.len(), 0) };
        if n >= 1 && reply[0] == echo_reply { Reach::Answered } else { Reach::Failed(if n < 0 { errno() } else { -1 }) }
    })[0]
}
