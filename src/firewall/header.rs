//! The header every file starts with, as comment lines without their comment marker: what was
//! selected, the policy and what it keeps working, what it cannot do, and how to load the file.

use super::{Chain, FirewallFormat, Policy, Ruleset, count};

/// Why client (source) ports are not matched, for the header and standard error.
pub const CLIENT_PORTS: &str = "a client picks its port at random (the page's client ports are a range, not one port), so each rule opens its \
     ports to any client port";

/// What `--policy drop` does to sessions already open, for the header and standard error.
pub const SESSIONS_CUT: &str = "sessions opened before connection tracking was active (an SSH session open now, \
     on a host whose firewall tracked no connections before) will be cut: their next packet is new to the kernel \
     and no rule allows it; --keep-port PORT/PROTO (e.g. 22/tcp) keeps a management port open";

/// The header's lines for `format`, ending with how to load the file (`load`).
pub fn lines(ruleset: &Ruleset, format: FirewallFormat, load: &str) -> Vec<String> {
    let settings = &ruleset.settings;
    let services: std::collections::BTreeSet<(&str, Option<&str>)> =
        ruleset.rules.iter().map(|r| (r.service.as_str(), r.system_service_name.as_deref())).collect();
    let mut lines = vec![format!(
        "kbingest firewall: {} for {} ({})",
        count(ruleset.rules.len(), "rule"),
        count(services.len(), "service"),
        ruleset.selection
    )];
    let windows = format == FirewallFormat::Powershell;
    lines.push(match (settings.policy, settings.chain) {
        (Policy::Accept, _) => "policy accept: the rules allow, other traffic is left to the rest of the firewall.".into(),
        (Policy::Drop, _) if windows => {
            "policy drop: the profiles are enabled with inbound traffic blocked; then the rules allow (Windows Firewall \
             is stateful and never filters loopback)."
                .into()
        }
        (Policy::Drop, Chain::Input) => format!(
            "policy drop: replies and related traffic, {}{}the rules, then everything else is dropped.",
            if settings.loopback { "loopback, " } else { "(not loopback: --drop-loopback) " },
            if format == FirewallFormat::Iptables { "" } else { "the ICMPv6 messages IPv6 needs (RFC 4890), " }
        ),
        (Policy::Drop, Chain::Forward) => format!(
            "policy drop: replies and related traffic, {}the rules, then everything else the gateway forwards is \
             dropped.",
            if format == FirewallFormat::Iptables { "" } else { "ICMPv6 errors (RFC 4890), " }
        ),
    });
    lines.extend(ruleset.choices.iter().cloned());
    if settings.policy == Policy::Drop && !windows {
        lines.push(format!("Under drop, {SESSIONS_CUT}."));
    }
    if !settings.keep.is_empty() {
        let kept: Vec<String> = settings.keep.iter().map(|k| k.name()).collect();
        lines.push(format!("Kept open, the user's choice (--keep-port): {}.", kept.join(", ")));
    }
    if settings.policy == Policy::Drop && format == FirewallFormat::Nftables {
        lines.push(
            "nftables: an accept in another table does not overrule this table's drop, so ports other tables open \
             are dropped here unless listed or kept (--keep-port); a drop in another table still drops."
                .into(),
        );
    }
    if settings.chain == Chain::Forward {
        let to: Vec<String> = settings.to.iter().map(ToString::to_string).collect();
        lines.push(format!(
            "For a Linux gateway: traffic it forwards to {} (from it, for outbound rules); enable forwarding \
             (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding).",
            to.join(", ")
        ));
    }
    match format {
        FirewallFormat::Iptables => lines.push(
            "IPv4 only: IPv6 needs the ip6tables file (kbingest firewall --format ip6tables, same options); without \
             it IPv6 is left as it was."
                .into(),
        ),
        FirewallFormat::Ip6tables => lines.push(
            "IPv6 only: IPv4 needs the iptables file (kbingest firewall --format iptables, same options).".into(),
        ),
        _ => {}
    }
    lines.push(format!("Client (source) ports are not matched: {CLIENT_PORTS}."));
    lines.push(
        "Every rule names its service, source document and source line(s); \"dynamic\" marks ports allocated at \
         random, with the range chosen."
            .into(),
    );
    lines.push(super::trace::one_line(load));
    lines
}
