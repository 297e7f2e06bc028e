use super::*;
use crate::firewall::sample::{HOSTILE, ruleset};

#[test]
fn one_rule_per_service_and_transport_with_sets_and_ranges() {
    let text = render(&ruleset(Policy::Accept, false));
    let rules: Vec<&str> = text.lines().filter(|l| l.contains(" accept comment ")).map(str::trim).collect();
    assert_eq!(rules[0], "tcp dport 53 accept comment \"DNS Server (DNS) TCP: kb.txt line 165\"");
    assert_eq!(rules[1], "udp dport 53 accept comment \"DNS Server (DNS) UDP: kb.txt line 162\"");
    assert!(rules[2].starts_with("tcp dport { 135, 1025-5000, 20000, 20002, "), "{}", rules[2]);
    assert_eq!(
        rules[3],
        "icmp type 8 accept comment \"Routing and Remote Access (RemoteAccess) ICMP: kb.txt line 660\""
    );
    assert_eq!(
        rules[4],
        "meta l4proto 47 accept comment \"Routing and Remote Access (RemoteAccess) GRE: kb.txt line 650\""
    );
    assert!(rules[5].starts_with("tcp dport 4444 accept comment \"'; Remove-Item"), "{}", rules[5]);
    assert_eq!(rules.len(), 6);
    assert!(text.contains("table inet kbingest\ndelete table inet kbingest\ntable inet kbingest {\n"));
    assert!(text.contains("policy accept;"));
    assert!(!text.contains("ct state"));
}

#[test]
fn drop_policy_allows_replies_first_and_loopback_only_when_asked() {
    let text = render(&ruleset(Policy::Drop, false));
    assert!(text.contains("policy drop;\n\t\tct state established,related accept"));
    assert!(!text.contains("iif \"lo\""));
    let text = render(&ruleset(Policy::Drop, true));
    assert!(text.contains("\t\tiif \"lo\" accept"));
}

#[test]
fn hostile_text_stays_inside_one_comment_string() {
    let text = render(&ruleset(Policy::Accept, false));
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        assert!(line.matches('"').count() % 2 == 0, "unbalanced quotes: {line:?}");
        assert!(!line.chars().any(|c| c.is_control() && c != '\t'), "control character: {line:?}");
    }
    let hostile = text.lines().find(|l| l.contains("Remove-Item") && !l.trim_start().starts_with('#')).unwrap();
    let comment = hostile.split_once(" accept comment \"").unwrap().1;
    assert_eq!(comment.matches('"').count(), 1, "only the closing quote: {hostile:?}");
    assert!(comment.len() <= COMMENT_MAX + 1);
    // The comment was cut to nftables's limit, so the whole trace is on the comment line above.
    let full = text.lines().find(|l| l.trim_start().starts_with("# '; Remove-Item")).unwrap();
    assert!(full.ends_with(": kb.txt line 900"), "{full}");
    assert!(full.contains(&crate::firewall::trace::one_line(HOSTILE)));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(render(&ruleset(Policy::Drop, true)), render(&ruleset(Policy::Drop, true)));
}
