//! Windows Firewall rules, from the PowerShell export (JSON, see docs/review.md) or from `netsh`
//! ([`super::netsh`]), as one chain: Windows applies every matching block rule before any allow
//! rule, whatever their order, and blocks what no rule allows (the default inbound action, which
//! the export does not include; Block unless an administrator changed it).

use super::json_lines::{element_lines, syntax_error};
use super::model::{Action, Base, Chain, Condition, Families, Hook, Origin, Rule, RuleSet, RulesetFormat};
use super::names::{icmp_type, protocol_number};
use super::ports::PortSet;
use super::{Unreadable, trace_words};
use serde_json::Value;

/// One Windows Firewall rule as an export gives it, every field as Windows words it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowsRule {
    /// 1-based line where the rule begins.
    pub line: u32,
    /// `Name` (the rule's identifier) or, from netsh, `Rule Name`.
    pub name: String,
    /// `DisplayName`, where the export has it.
    pub display_name: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Enabled`: `True`, `Yes`, `1`...
    pub enabled: String,
    /// `Direction`: `Inbound`, `In`, `1`...
    pub direction: String,
    /// `Action`: `Allow`, `Block`, `2`, `4`...
    pub action: String,
    /// `Profile`: `Any`, `Domain, Private`, `1`...
    pub profile: String,
    /// `Protocol`: `TCP`, `UDP`, `Any`, `ICMPv4`, `47`.
    pub protocol: String,
    /// `LocalPort`: `Any`, `53`, `5000-5010`, `RPC`...
    pub local_ports: Vec<String>,
    /// `RemotePort`.
    pub remote_ports: Vec<String>,
    /// `IcmpType`: `Any`, `8`, `8:0`.
    pub icmp_types: Vec<String>,
    /// `LocalAddress`.
    pub local_addresses: Vec<String>,
    /// `RemoteAddress`.
    pub remote_addresses: Vec<String>,
    /// `Program`: `Any`, `System`, a path; empty where the export does not say.
    pub program: String,
    /// `Service`: `Any`, a service's short name; empty where the export does not say.
    pub service: String,
}

/// A Windows Firewall network profile: the one the host's network is in decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// A network with a domain controller of the host's domain.
    Domain,
    /// A network the administrator marked private.
    Private,
    /// Any other network.
    Public,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::Domain, Profile::Private, Profile::Public];

    /// The name on the command line and in Windows' words, lower case.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Domain => "domain",
            Profile::Private => "private",
            Profile::Public => "public",
        }
    }

    /// Its bit in Windows' profile flags (Domain 1, Private 2, Public 4).
    fn bit(self) -> u32 {
        match self {
            Profile::Domain => 1,
            Profile::Private => 2,
            Profile::Public => 4,
        }
    }
}

/// Reads the PowerShell export: a JSON array of rules (or one rule, as ConvertTo-Json writes a
/// single object). Rules of other profiles than `profile` are left out; without a profile, a rule
/// of some profiles only is undecided.
pub fn read_json(text: &str, profile: Option<Profile>) -> Result<RuleSet, Unreadable> {
    let root: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let (items, lines): (Vec<&Value>, Vec<u32>) = match &root {
        Value::Array(items) => (items.iter().collect(), element_lines(text, &[]).unwrap_or_default()),
        Value::Object(o) if o.get("value").is_some_and(Value::is_array) => (
            root["value"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
            element_lines(text, &["value"]).unwrap_or_default(),
        ),
        Value::Object(_) => (vec![&root], vec![1]),
        _ => return Err(Unreadable::at(1, "JSON that is neither a list of firewall rules nor one rule")),
    };
    let mut rules = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let field = |key: &str| -> String { scalar(&item[key]) };
        let list = |key: &str| -> Vec<String> {
            match &item[key] {
                Value::Array(values) => values.iter().map(scalar).collect(),
                Value::Null => vec!["Any".into()],
                other => scalar(other).split(',').map(|s| s.trim().to_string()).collect(),
            }
        };
        if !item.is_object() || (item.get("Name").is_none() && item.get("DisplayName").is_none()) {
            return Err(Unreadable::at(
                line,
                format!("a rule without Name or DisplayName: {}", trace_words(&item.to_string())),
            ));
        }
        rules.push(WindowsRule {
            line,
            name: field("Name"),
            display_name: item["DisplayName"].as_str().map(str::to_string),
            description: item["Description"].as_str().filter(|d| !d.is_empty()).map(str::to_string),
            enabled: field("Enabled"),
            direction: field("Direction"),
            action: field("Action"),
            profile: field("Profile"),
            protocol: field("Protocol"),
            local_ports: list("LocalPort"),
            remote_ports: list("RemotePort"),
            icmp_types: list("IcmpType"),
            local_addresses: list("LocalAddress"),
            remote_addresses: list("RemoteAddress"),
            program: field("Program"),
            service: field("Service"),
        });
    }
    ruleset(&rules, RulesetFormat::WindowsJson, profile)
}

/// A JSON value as the text Windows would show: strings as they are, numbers as digits, `null`
/// as nothing.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        other => other.to_string(),
    }
}

/// The rules as one inbound chain: block rules first, then allow rules, then Block.
pub fn ruleset(rules: &[WindowsRule], format: RulesetFormat, profile: Option<Profile>) -> Result<RuleSet, Unreadable> {
    let mut blocks = Vec::new();
    let mut allows = Vec::new();
    let mut for_programs = Vec::new();
    for rule in rules {
        let at = |problem: String| Unreadable::at(rule.line, format!("rule {:?}: {problem}", title(rule)));
        let enabled = word(
            &rule.enabled,
            &[("true", true), ("yes", true), ("1", true), ("false", false), ("no", false), ("2", false)],
        )
        .ok_or_else(|| at(format!("Enabled is {:?}, not True or False", rule.enabled)))?;
        let inbound = word(
            &rule.direction,
            &[("inbound", true), ("in", true), ("1", true), ("outbound", false), ("out", false), ("2", false)],
        )
        .ok_or_else(|| at(format!("Direction is {:?}, not Inbound or Outbound", rule.direction)))?;
        let allow = word(
            &rule.action,
            &[("allow", true), ("2", true), ("block", false), ("4", false), ("bypass", true), ("3", true)],
        )
        .ok_or_else(|| at(format!("Action is {:?}, not Allow or Block", rule.action)))?;
        let profiles = profiles(&rule.profile)
            .ok_or_else(|| at(format!("Profile is {:?}, not Domain, Private, Public or Any", rule.profile)))?;
        if !enabled || !inbound || profile.is_some_and(|p| profiles & p.bit() == 0) {
            continue;
        }
        let mut conditions = conditions(rule).map_err(at)?;
        // A program's (or service's) rule on any port opens whatever port it listens on, which
        // the export does not say: left out, and said so.
        let any_port = !conditions.iter().any(|c| matches!(c, Condition::DestPort { .. } | Condition::PortKeyword(_)));
        let scoped = [&rule.program, &rule.service].iter().any(|v| !v.is_empty() && !v.eq_ignore_ascii_case("any"));
        let ported = conditions.iter().all(|c| match c {
            Condition::Protocol { protocols, .. } => protocols.iter().all(|p| matches!(p, 6 | 17)),
            _ => true,
        });
        if any_port && scoped && ported {
            for_programs.push(title(rule));
            continue;
        }
        if profile.is_none() && profiles != 7 {
            conditions.push(Condition::Unknown(format!("profile {}", profile_words(profiles))));
        }
        let origin = Origin {
            line: rule.line,
            place: format!("rule {:?}", title(rule)),
            comment: rule.description.as_deref().map(trace_words),
        };
        let action = if allow { Action::Accept } else { Action::Drop };
        let target = if allow { &mut allows } else { &mut blocks };
        target.push(Rule { origin, conditions, action });
    }
    let name = "Windows Firewall inbound".to_string();
    let base = Base { hook: Hook::Input, priority: 0, filter: true, accepts: false };
    let origin = Origin { line: 1, place: name.clone(), comment: Some("the default inbound action, Block".into()) };
    blocks.extend(allows);
    let chain = Chain { name, families: Families::BOTH, base: Some(base), origin, rules: blocks };
    let mut notes = Vec::new();
    if !for_programs.is_empty() {
        let shown: Vec<String> = for_programs.iter().take(3).map(|t| format!("{t:?}")).collect();
        let more = if for_programs.len() > 3 { format!(" and {} more", for_programs.len() - 3) } else { String::new() };
        notes.push(format!(
            "{} for a program or service on any port not reviewed (they open whatever port it listens on): {}{more}",
            if for_programs.len() == 1 { "1 rule".to_string() } else { format!("{} rules", for_programs.len()) },
            shown.join(", ")
        ));
    }
    Ok(RuleSet { format, chains: vec![chain], notes })
}

/// The rule's name for people: its display name, else its name.
fn title(rule: &WindowsRule) -> String {
    trace_words(rule.display_name.as_deref().filter(|d| !d.is_empty()).unwrap_or(&rule.name))
}

fn word(text: &str, meanings: &[(&str, bool)]) -> Option<bool> {
    let lower = text.trim().to_ascii_lowercase();
    meanings.iter().find(|(w, _)| *w == lower).map(|&(_, m)| m)
}

fn is_any(values: &[String]) -> bool {
    values.is_empty() || values.iter().any(|v| v.eq_ignore_ascii_case("any") || v == "*" || v.is_empty())
}

/// What a rule requires, as conditions.
fn conditions(rule: &WindowsRule) -> Result<Vec<Condition>, String> {
    let mut out = Vec::new();
    let protocol = rule.protocol.trim();
    let number = match protocol.to_ascii_lowercase().as_str() {
        "" | "any" | "256" => None,
        other => Some(protocol_number(other).ok_or_else(|| format!("Protocol {protocol:?} is not an IP protocol"))?),
    };
    out.extend(number.map(|n| Condition::Protocol { protocols: vec![n], negated: false }));
    if !is_any(&rule.local_ports) {
        out.push(local_ports(&rule.local_ports)?);
    }
    if matches!(number, Some(1 | 58)) && !is_any(&rule.icmp_types) {
        let mut types = Vec::new();
        for t in &rule.icmp_types {
            let n = icmp_type(t.split(':').next().unwrap_or_default(), number == Some(58))
                .ok_or_else(|| format!("IcmpType {t:?} is not an ICMP type"))?;
            types.push((u16::from(n), u16::from(n)));
        }
        out.push(Condition::IcmpType { types: PortSet::of(types), negated: false });
    }
    for (what, values) in [
        ("RemotePort", &rule.remote_ports),
        ("LocalAddress", &rule.local_addresses),
        ("RemoteAddress", &rule.remote_addresses),
    ] {
        if !is_any(values) {
            out.push(Condition::Unknown(trace_words(&format!("{what} {}", values.join(", ")))));
        }
    }
    Ok(out)
}

/// The profiles a rule applies to, as Windows' flags: `Any` (or `0`) is all three; names may be
/// separated by commas (`Domain, Private` as PowerShell writes them, `Domain,Private` as netsh).
fn profiles(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u32>() {
        return Some(if n & 7 == 0 { 7 } else { n & 7 });
    }
    let mut bits = 0;
    for word in text.split(',').map(str::trim) {
        bits |= match word.to_ascii_lowercase().as_str() {
            "" | "any" | "all" => 7,
            "domain" => 1,
            "private" => 2,
            "public" => 4,
            _ => return None,
        };
    }
    Some(bits)
}

/// `Domain, Private`.
fn profile_words(bits: u32) -> String {
    let names: Vec<&str> =
        [(1, "Domain"), (2, "Private"), (4, "Public")].iter().filter(|(b, _)| bits & b != 0).map(|(_, n)| *n).collect();
    names.join(", ")
}

/// `LocalPort`: numbers and ranges, and the keywords: `RPC`, `Teredo` and `PlayToDiscovery`
/// (ports a service allocates as it runs), `RPCEPMap` (the RPC endpoint mapper, TCP 135),
/// `IPHTTPSIn` (443), `mDNS` (5353); other keywords name ports kbingest cannot know.
fn local_ports(values: &[String]) -> Result<Condition, String> {
    let mut ranges = Vec::new();
    for value in values {
        let value = value.trim();
        let number = |t: &str| t.trim().parse::<u16>().map_err(|_| format!("LocalPort {value:?} is not a port"));
        match value.to_ascii_lowercase().as_str() {
            "rpc" if values.len() == 1 => return Ok(Condition::PortKeyword("RPC")),
            "teredo" if values.len() == 1 => return Ok(Condition::PortKeyword("Teredo")),
            "playtodiscovery" | "ply2disc" if values.len() == 1 => {
                return Ok(Condition::PortKeyword("PlayToDiscovery"));
            }
            "rpcepmap" => ranges.push((135, 135)),
            "iphttps" | "iphttpsin" | "iphttpsout" => ranges.push((443, 443)),
            "mdns" => ranges.push((5353, 5353)),
            v if v.starts_with(|c: char| c.is_ascii_digit()) => match value.split_once('-') {
                Some((low, high)) => ranges.push((number(low)?, number(high)?)),
                None => ranges.push((number(value)?, number(value)?)),
            },
            _ => return Ok(Condition::Unknown(trace_words(&format!("LocalPort {}", values.join(", "))))),
        }
    }
    Ok(Condition::DestPort { ports: PortSet::of(ranges), negated: false })
}
