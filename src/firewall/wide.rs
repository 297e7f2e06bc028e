//! Wide ranges are never silent: a rule whose ports cover most of the port space (see
//! [`crate::normalize::wide`]) is refused unless `--allow-wide` names a range holding it, and so is
//! a ruleset whose many small ranges add up to the same.

use super::merge::At;
use super::{DynamicRange, FirewallRule, trace};
use crate::normalize::wide::{WIDE_THRESHOLD, documented_ranges, is_wide, ports_outside};

/// How many ports outside the documented dynamic ranges (and the ranges allowed) all the rules
/// of one transport may open together.
pub const TOTAL_THRESHOLD: u32 = 5 * WIDE_THRESHOLD;

/// Refuses the wide ranges no `--allow-wide` range holds (one line each) and marks the allowed
/// ones in their rules' comments.
pub fn check(rules: &mut [FirewallRule], allowed: &[(u16, u16)], dynamic: DynamicRange) -> Result<(), String> {
    let also: Vec<(u16, u16)> = match dynamic {
        DynamicRange::Range(low, high) => vec![(low, high)],
        _ => Vec::new(),
    };
    let mut refused = Vec::new();
    for rule in rules.iter_mut() {
        for (low, high) in rule.ranges() {
            if !is_wide((low, high), &also) {
                continue;
            }
            let mut places: Vec<At> =
                rule.spans.iter().filter(|s| s.low <= high && low <= s.high).map(|s| s.at.clone()).collect();
            places.sort_unstable();
            places.dedup();
            if let Some(&(l, h)) = allowed.iter().find(|&&(l, h)| l <= low && high <= h) {
                for at in &places {
                    rule.remark(format!("wide range {low}-{high} allowed by --allow-wide {l}-{h}"), at);
                }
                continue;
            }
            refused.push(trace::one_line(&format!(
                "{}: {}: {} {low}-{high} covers {} ports, {} of them outside the dynamic ranges {}{}: refused, \
                 since it would open most of the port space; pass --allow-wide {low}-{high} to open it anyway",
                trace::places(&places),
                rule.service,
                rule.protocol.name(),
                u32::from(high) - u32::from(low) + 1,
                ports_outside((low, high), &also),
                documented_ranges(),
                if rule.dynamic {
                    " (a dynamic range: --dynamic-range LOW-HIGH opens the hosts' own range instead)"
                } else {
                    ""
                },
            )));
        }
    }
    for protocol in [super::Protocol::Tcp, super::Protocol::Udp] {
        let mut ranges: Vec<(u16, u16)> =
            rules.iter().filter(|r| r.protocol == protocol).flat_map(|r| r.ranges()).collect();
        ranges.sort_unstable();
        let mut also = also.clone();
        also.extend_from_slice(allowed);
        let total: u32 = joined(ranges).into_iter().map(|r| ports_outside(r, &also)).sum();
        if total > TOTAL_THRESHOLD && refused.is_empty() {
            refused.push(format!(
                "the rules open {total} {} ports outside the dynamic ranges {} and the ranges --allow-wide names, more \
                 than {TOTAL_THRESHOLD}: refused, since together they open most of the port space; select fewer \
                 services, or name their ranges with --allow-wide",
                protocol.name(),
                documented_ranges()
            ));
        }
    }
    if refused.is_empty() { Ok(()) } else { Err(refused.join("\n")) }
}

fn joined(ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for (low, high) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(low) <= u32::from(last.1) + 1 => last.1 = last.1.max(high),
            _ => out.push((low, high)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firewall::merge::{Flow, Protocol, Span};

    fn rule(spans: &[(u16, u16)]) -> FirewallRule {
        let at = |i: usize| At { source: "dns.md".into(), line: 10 + i as u32 };
        FirewallRule {
            service: "DNS Server".into(),
            system_service_name: Some("DNS".into()),
            flow: Flow::Inbound,
            protocol: Protocol::Tcp,
            dynamic: false,
            rpc: false,
            spans: spans.iter().enumerate().map(|(i, &(low, high))| Span { low, high, at: at(i) }).collect(),
            places: (0..spans.len()).map(at).collect(),
            assumed: Vec::new(),
            remarks: Vec::new(),
        }
    }

    #[test]
    fn a_wide_range_is_refused_with_the_option_that_allows_it() {
        let mut rules = vec![rule(&[(53, 53), (1, 65535)])];
        let e = check(&mut rules, &[], DynamicRange::Modern).unwrap_err();
        assert_eq!(
            e,
            "dns.md lines 10, 11: DNS Server: TCP 1-65535 covers 65535 ports, 42407 of them outside the dynamic ranges \
             1025-5000, 30000-32767 and 49152-65535: refused, since it would open most of the port space; pass --allow-wide \
             1-65535 to open it anyway"
        );
        check(&mut rules, &[(0, 65535)], DynamicRange::Modern).unwrap();
        assert_eq!(rules[0].remarks[0].0, "wide range 1-65535 allowed by --allow-wide 0-65535");
    }

    #[test]
    fn narrow_and_dynamic_ranges_pass_and_small_pieces_that_add_up_do_not() {
        let mut rules = vec![rule(&[(53, 53), (1025, 5000), (49152, 65535), (3268, 3269)])];
        check(&mut rules, &[], DynamicRange::Modern).unwrap();
        assert!(rules[0].remarks.is_empty());
        let pieces: Vec<(u16, u16)> = (0..10).map(|i| (6000 + i * 1002, 6000 + i * 1002 + 999)).collect();
        let e = check(&mut [rule(&pieces)], &[], DynamicRange::Modern).unwrap_err();
        assert!(e.starts_with("the rules open 10000 TCP ports outside"), "{e}");
        let mut own = vec![rule(&[(10000, 20000)])];
        check(&mut own, &[], DynamicRange::Range(10000, 20000)).unwrap();
    }
}
