use super::*;
use crate::firewall::sample::{HOSTILE, ruleset};

fn rules(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.contains(" accept comment ") && !l.contains("\"kbingest:")).map(str::trim).collect()
}

#[test]
fn one_rule_per_service_transport_and_kind_with_sets_and_ranges() {
    let text = render(&ruleset(Policy::Accept));
    let rules = rules(&text);
    assert_eq!(rules[0], "tcp dport 53 accept comment \"DNS Server (DNS) TCP: kb.txt line 165\"");
    assert_eq!(rules[1], "udp dport 53 accept comment \"DNS Server (DNS) UDP: kb.txt line 162\"");
    assert!(rules[2].starts_with("tcp dport { 135, 3268, 20000, 20002, "), "{}", rules[2]);
    assert!(rules[2].contains(": kb.txt lines 368, 374, 380, "), "the fixed port inside the range keeps its line");
    assert_eq!(
        rules[3],
        "tcp dport 1025-5000 accept comment \"Local Security Authority (LSASS) TCP dynamic: kb.txt line 371; RANDOM, \
         1025-5000 as the database holds it\""
    );
    assert_eq!(
        rules[4],
        "icmp type 8 accept comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\""
    );
    assert_eq!(
        rules[5],
        "icmpv6 type 128 accept comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\""
    );
    assert_eq!(
        rules[6],
        "meta l4proto 47 accept comment \"Routing and Remote Access (RemoteAccess) GRE: kb.txt line 650\""
    );
    assert!(rules[7].starts_with("tcp dport 4444 accept comment \"'; Remove-Item"), "{}", rules[7]);
    assert_eq!(rules.len(), 8);
    assert!(text.contains("table inet kbingest\ndelete table inet kbingest\ntable inet kbingest {\n"));
    assert!(text.contains("policy accept;"));
    assert!(!text.contains("ct state"));
    assert!(text.contains("\n# Client (source) ports are not matched: a client picks its port at random"));
}

#[test]
fn drop_policy_keeps_the_host_working_and_says_what_it_cuts() {
    let text = render(&ruleset(Policy::Drop));
    assert!(text.contains(
        "policy drop;\n\t\tct state established,related accept comment \"kbingest: replies and related traffic\"\n\
         \t\tiif \"lo\" accept comment \"kbingest: loopback (--drop-loopback drops it)\"\n\
         \t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept"
    ));
    assert!(text.contains("\t\tip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert,"));
    assert!(text.contains("# Under drop, sessions opened before connection tracking was active"));
    assert!(text.contains("# nftables: an accept in another table does not overrule this table's drop"));
    let mut set = ruleset(Policy::Drop);
    set.settings.loopback = false;
    set.settings.keep = vec!["22/tcp".parse().unwrap()];
    let text = render(&set);
    assert!(!text.contains("iif \"lo\""));
    assert!(text.contains(
        "\t\ttcp dport 22 accept comment \"kbingest: --keep-port 22/tcp, the user's choice, not a document's\"\n"
    ));
    assert!(text.contains("# Kept open, the user's choice (--keep-port): 22/tcp.\n"));
}

#[test]
fn a_gateway_forwards_only_to_its_servers() {
    let mut set = ruleset(Policy::Drop);
    set.settings.chain = crate::firewall::Chain::Forward;
    set.settings.to = vec!["10.0.2.0/24".parse().unwrap(), "fd00:2::10".parse().unwrap()];
    let text = render(&set);
    assert!(text.contains("\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n"));
    assert!(!text.contains("chain input"));
    assert!(!text.contains("iif \"lo\""), "loopback is no gateway's business");
    assert!(!text.contains("nd-neighbor-solicit"), "neighbour discovery is never forwarded");
    assert!(
        text.contains(
            "\t\tip daddr 10.0.2.0/24 tcp dport 53 accept comment \"DNS Server (DNS) TCP: kb.txt line 165\"\n"
        )
    );
    assert!(text.contains("\t\tip6 daddr fd00:2::10 tcp dport 53 accept comment"));
    assert!(text.contains("\t\tip6 daddr fd00:2::10 icmpv6 type 128 accept"));
    assert!(text.contains("# For a Linux gateway: traffic it forwards to 10.0.2.0/24, fd00:2::10"));
}

#[test]
fn hostile_text_stays_inside_one_comment_string() {
    let text = render(&ruleset(Policy::Accept));
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        assert!(line.matches('"').count() % 2 == 0, "unbalanced quotes: {line:?}");
        assert!(!line.chars().any(|c| c.is_control() && c != '\t'), "control character: {line:?}");
        assert!(!line.contains('\u{202E}'), "a bidi override: {line:?}");
    }
    let hostile = text.lines().find(|l| l.contains("Remove-Item") && !l.trim_start().starts_with('#')).unwrap();
    let comment = hostile.split_once(" accept comment \"").unwrap().1;
    assert_eq!(comment.matches('"').count(), 1, "only the closing quote: {hostile:?}");
    assert!(comment.len() <= COMMENT_MAX + 1);
    // The comment was cut to nftables's limit, so the whole trace is on the comment line above.
    let full = text.lines().find(|l| l.trim_start().starts_with("# '; Remove-Item")).unwrap();
    assert!(full.ends_with(": kb.txt line 900"), "{full}");
    assert!(full.contains(&crate::firewall::trace::one_line(HOSTILE)));
    assert!(full.contains("<U+202E>exe.txt"), "{full}");
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&ruleset(Policy::Drop)), render(&ruleset(Policy::Drop)));
}
