//! `netsh advfirewall firewall show rule name=all verbose` (English): one block of `Key: value`
//! lines per rule, each starting with `Rule Name:` and a line of dashes; ICMP rules list their
//! types in a `Type Code` table under `Protocol:`.

use super::Unreadable;
use super::model::{RuleSet, RulesetFormat};
use super::windows::{Profile, WindowsRule, ruleset};

/// Reads the listing.
pub fn read(text: &str, profile: Option<Profile>) -> Result<RuleSet, Unreadable> {
    let mut rules: Vec<WindowsRule> = Vec::new();
    let mut in_icmp_table = false;
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().all(|c| c == '-') {
            continue;
        }
        if matches!(trimmed, "Ok." | "No rules match the specified criteria.") {
            continue;
        }
        // The ICMP table: indented lines under `Protocol:`, a header then `8  Any` rows.
        if raw.starts_with(char::is_whitespace) && in_icmp_table {
            let first = trimmed.split_whitespace().next().unwrap_or_default();
            if first != "Type"
                && let Some(rule) = rules.last_mut()
            {
                rule.icmp_types.push(first.to_string());
            }
            continue;
        }
        in_icmp_table = false;
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err(Unreadable::at(
                line,
                format!("`{}` is not a `Key: value` line of netsh's listing", super::trace_words(trimmed)),
            ));
        };
        let value = value.trim().to_string();
        if key == "Rule Name" {
            rules.push(WindowsRule { line, name: value, ..WindowsRule::default() });
            continue;
        }
        let Some(rule) = rules.last_mut() else {
            return Err(Unreadable::at(line, format!("`{key}:` before the first `Rule Name:` line")));
        };
        let list = |v: &str| v.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>();
        match key.trim() {
            "Description" => rule.description = Some(value).filter(|d| !d.is_empty()),
            "Enabled" => rule.enabled = value,
            "Direction" => rule.direction = value,
            "Profiles" => rule.profile = value,
            "LocalIP" => rule.local_addresses = list(&value),
            "RemoteIP" => rule.remote_addresses = list(&value),
            "Protocol" => {
                in_icmp_table = value.to_ascii_lowercase().starts_with("icmp");
                rule.protocol = value;
            }
            "LocalPort" => rule.local_ports = list(&value),
            "RemotePort" => rule.remote_ports = list(&value),
            "Action" => rule.action = value,
            "Program" => rule.program = value,
            "Service" => rule.service = value,
            _ => {}
        }
    }
    for rule in &mut rules {
        for field in
            [&mut rule.local_ports, &mut rule.remote_ports, &mut rule.local_addresses, &mut rule.remote_addresses]
        {
            if field.is_empty() {
                field.push("Any".into());
            }
        }
        if rule.icmp_types.is_empty() {
            rule.icmp_types.push("Any".into());
        }
        if rule.profile.is_empty() {
            rule.profile = "Any".into();
        }
    }
    ruleset(&rules, RulesetFormat::Netsh, profile)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::model::{Action, Condition};
    use crate::review::ports::PortSet;

    const LISTING: &str = "
Rule Name:                            DNS Server (DNS) TCP
----------------------------------------------------------------------
Description:                          DNS Server (DNS) TCP: raw/ports.txt line 165
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private,Public
Grouping:                             kbingest
LocalIP:                              Any
RemoteIP:                             Any
Protocol:                             TCP
LocalPort:                            53
RemotePort:                           Any
Edge traversal:                       No
Action:                               Allow

Rule Name:                            Block ping
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Profiles:                             Public
LocalIP:                              Any
RemoteIP:                             Any
Protocol:                             ICMPv4
                                      Type    Code
                                      8       Any
Edge traversal:                       No
Action:                               Block

Rule Name:                            Off
----------------------------------------------------------------------
Enabled:                              No
Direction:                            In
Protocol:                             UDP
LocalPort:                            9
Action:                               Allow
Ok.
";

    #[test]
    fn blocks_come_first_and_disabled_rules_are_left_out() {
        let set = read(LISTING, None).unwrap();
        let rules = &set.chains[0].rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].origin.place, "rule \"Block ping\"");
        assert_eq!(rules[0].origin.line, 17);
        assert_eq!(rules[0].action, Action::Drop);
        assert_eq!(
            rules[0].conditions,
            [
                Condition::Protocol { protocols: vec![1], negated: false },
                Condition::IcmpType { types: PortSet::range(8, 8), negated: false },
                Condition::Unknown("profile Public".into()),
            ]
        );
        assert_eq!(rules[1].action, Action::Accept);
        assert_eq!(rules[1].origin.comment.as_deref(), Some("DNS Server (DNS) TCP: raw/ports.txt line 165"));
        assert_eq!(rules[1].conditions[1], Condition::DestPort { ports: PortSet::range(53, 53), negated: false });
    }

    #[test]
    fn what_is_not_a_listing_is_refused_at_its_line() {
        let e = read("Rule Name: x\n-----\nEnabled: Yes\nthis is not netsh\n", None).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(read("Enabled: Yes\n", None).unwrap_err().problem.contains("before the first `Rule Name:`"));
        let e = read("Rule Name: x\nEnabled: Maybe\nDirection: In\nAction: Allow\n", None).unwrap_err();
        assert_eq!((e.line, e.problem.as_str()), (1, "rule \"x\": Enabled is \"Maybe\", not True or False"));
    }
}
