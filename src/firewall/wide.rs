//! Wide ranges are never silent: a rule whose ports cover most of the port space (see
//! [`crate::normalize::wide`]) is refused unless `--allow-wide` names a range holding it, and so is
//! a ruleset whose many small ranges add up to the same.

use super::merge::At;
use super::{DynamicRange, FirewallRule, trace};
use crate::normalize::wide::{LAST_SYSTEM_PORT, WIDE_THRESHOLD, documented_ranges, is_wide, ports_outside};

/// How many ports outside the documented dynamic ranges (and the ranges allowed) all the rules
/// of one transport may open together.
pub const TOTAL_THRESHOLD: u32 = 5 * WIDE_THRESHOLD;

/// The page's alternatives for a dynamic range that `--dynamic-range legacy` chose for `rule`
/// and that hold no system port: documented dynamic ranges, opened however wide.
fn documented_alternatives(rule: &FirewallRule) -> impl Iterator<Item = (u16, u16)> + '_ {
    rule.chosen_alternatives.iter().copied().filter(|&(low, _)| low > LAST_SYSTEM_PORT)
}

/// A wide range a ruleset opens, and why: for the file's header and standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Opened {
    protocol: String,
    range: (u16, u16),
    why: String,
    services: Vec<String>,
}

/// Refuses the wide ranges no `--allow-wide` range holds (one line each), unless they are the
/// page's own alternatives for a dynamic range that `--dynamic-range legacy` chose; marks the
/// opened ones in their rules' comments, and gives one line per wide range opened, saying how wide
/// it is and why it was opened, for the header and standard error.
pub fn check(rules: &mut [FirewallRule], allowed: &[(u16, u16)], dynamic: DynamicRange) -> Result<Vec<String>, String> {
    let also: Vec<(u16, u16)> = match dynamic {
        DynamicRange::Range(low, high) => vec![(low, high)],
        _ => Vec::new(),
    };
    let mut refused = Vec::new();
    let mut opened: Vec<Opened> = Vec::new();
    for rule in rules.iter_mut() {
        let documented: Vec<(u16, u16)> = also.iter().copied().chain(documented_alternatives(rule)).collect();
        for (low, high) in rule.ranges() {
            if !is_wide((low, high), &also) {
                continue;
            }
            let mut places: Vec<At> =
                rule.spans.iter().filter(|s| s.low <= high && low <= s.high).map(|s| s.at.clone()).collect();
            places.sort_unstable();
            places.dedup();
            let size = u32::from(high) - u32::from(low) + 1;
            let (remark, why) = if !is_wide((low, high), &documented) {
                (
                    format!("wide range {low}-{high} ({size} ports) opened as the page's own dynamic range"),
                    "the page's own alternative for a dynamic range, chosen by --dynamic-range legacy".to_string(),
                )
            } else if let Some(&(l, h)) = allowed.iter().find(|&&(l, h)| l <= low && high <= h) {
                (
                    format!("wide range {low}-{high} allowed by --allow-wide {l}-{h}"),
                    format!("allowed by --allow-wide {l}-{h}"),
                )
            } else {
                refused.push(trace::one_line(&format!(
                    "{}: {}: {} {low}-{high} covers {size} ports, {} of them outside the dynamic ranges {}{}: refused, \
                     since it would open most of the port space; pass --allow-wide {low}-{high} to open it anyway",
                    trace::places(&places),
                    rule.service,
                    rule.protocol.name(),
                    ports_outside((low, high), &also),
                    documented_ranges(),
                    if rule.chosen_alternatives.iter().any(|&(l, h)| l <= LAST_SYSTEM_PORT && l <= high && low <= h) {
                        " (the page gives it as a dynamic range, but no system allocates the system ports 0-1023 at \
                         random: --dynamic-range LOW-HIGH opens the hosts' own range instead)"
                    } else if rule.dynamic {
                        " (a dynamic range: --dynamic-range LOW-HIGH opens the hosts' own range instead)"
                    } else {
                        ""
                    },
                )));
                continue;
            };
            for at in &places {
                rule.remark(remark.clone(), at);
            }
            let (protocol, service) = (rule.protocol.name(), trace::one_line(&rule.service));
            match opened.iter_mut().find(|o| o.protocol == protocol && o.range == (low, high) && o.why == why) {
                Some(o) if o.services.contains(&service) => {}
                Some(o) => o.services.push(service),
                None => opened.push(Opened { protocol, range: (low, high), why, services: vec![service] }),
            }
        }
    }
    for protocol in [super::Protocol::Tcp, super::Protocol::Udp] {
        let mut ranges: Vec<(u16, u16)> =
            rules.iter().filter(|r| r.protocol == protocol).flat_map(|r| r.ranges()).collect();
        ranges.sort_unstable();
        let mut also = also.clone();
        also.extend_from_slice(allowed);
        also.extend(rules.iter().filter(|r| r.protocol == protocol).flat_map(documented_alternatives));
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
    if !refused.is_empty() {
        return Err(refused.join("\n"));
    }
    Ok(opened.iter().map(|o| describe(o, &also)).collect())
}

/// `Wide range opened: TCP 1024-65535, 64512 ports, 41384 of them outside the dynamic ranges ...,
/// for File Replication and Net Logon: the page's own alternative ...`.
fn describe(opened: &Opened, also: &[(u16, u16)]) -> String {
    let (low, high) = opened.range;
    let services = match opened.services.as_slice() {
        [one] => one.clone(),
        [first @ .., last] if first.len() < 5 => format!("{} and {last}", first.join(", ")),
        many => format!("{} and {} more services", many[..4].join(", "), many.len() - 4),
    };
    format!(
        "Wide range opened: {} {low}-{high}, {} ports, {} of them outside the dynamic ranges {}, for {services}: {}.",
        opened.protocol,
        u32::from(high) - u32::from(low) + 1,
        ports_outside(opened.range, also),
        documented_ranges(),
        opened.why
    )
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
            chosen_alternatives: Vec::new(),
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

    /// A dynamic rule of `spans`, the page's alternatives among them chosen by `--dynamic-range legacy`.
    fn chosen(spans: &[(u16, u16)], alternatives: &[(u16, u16)]) -> FirewallRule {
        FirewallRule { dynamic: true, chosen_alternatives: alternatives.to_vec(), ..rule(spans) }
    }

    #[test]
    fn the_pages_own_alternative_chosen_by_legacy_opens_saying_how_wide() {
        let mut rules = vec![chosen(&[(1024, 65535)], &[(1024, 65535)])];
        let opened = check(&mut rules, &[], DynamicRange::Legacy).unwrap();
        assert_eq!(
            opened,
            ["Wide range opened: TCP 1024-65535, 64512 ports, 41384 of them outside the dynamic ranges 1025-5000, \
              30000-32767 and 49152-65535, for DNS Server: the page's own alternative for a dynamic range, chosen by \
              --dynamic-range legacy."]
        );
        assert_eq!(rules[0].remarks[0].0, "wide range 1024-65535 (64512 ports) opened as the page's own dynamic range");
        // --allow-wide is not needed, and not what the comment credits.
        let mut rules = vec![chosen(&[(1024, 65535)], &[(1024, 65535)])];
        check(&mut rules, &[(1024, 65535)], DynamicRange::Legacy).unwrap();
        assert!(rules[0].remarks[0].0.ends_with("opened as the page's own dynamic range"));
    }

    #[test]
    fn what_the_page_does_not_give_as_its_dynamic_range_stays_refused() {
        // A fixed range as wide, or a dynamic one no user's choice picked among alternatives.
        for mut rule in [rule(&[(1024, 65535)]), chosen(&[(1024, 65535)], &[])] {
            let e = check(std::slice::from_mut(&mut rule), &[], DynamicRange::Legacy).unwrap_err();
            assert!(e.contains("TCP 1024-65535 covers 64512 ports"), "{e}");
        }
        // The alternative plus a wide range of another row in the same rule.
        let e =
            check(&mut [chosen(&[(2, 2000), (1024, 65535)], &[(1024, 65535)])], &[], DynamicRange::Legacy).unwrap_err();
        assert!(e.contains("TCP 2-65535 covers 65534 ports"), "{e}");
        // System ports are never allocated at random, whatever the page says.
        for system in [(1, 65535), (2, 65535), (1000, 65535)] {
            let e = check(&mut [chosen(&[system], &[system])], &[], DynamicRange::Legacy).unwrap_err();
            assert!(
                e.contains("the page gives it as a dynamic range, but no system allocates the system ports"),
                "{e}"
            );
        }
    }
}
