//! `nft -j list ruleset`: tables, chains, named sets and rules as nftables lists them in JSON.

use super::json_lines::{element_lines, syntax_error};
use super::model::{Base, Chain, Condition, Families, Hook, Origin, Rule, RuleSet, RulesetFormat};
use super::nft_expr::{Context, translate};
use super::{Unreadable, trace_words};
use serde_json::Value;
use std::collections::HashMap;

/// Reads the listing.
pub fn read(text: &str) -> Result<RuleSet, Unreadable> {
    let root: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let Some(items) = root.get("nftables").and_then(Value::as_array) else {
        return Err(Unreadable::at(1, "JSON without the `nftables` list that `nft -j list ruleset` writes"));
    };
    let lines = element_lines(text, &["nftables"]).unwrap_or_default();
    let line_of = |i: usize| lines.get(i).copied().unwrap_or(1);
    let mut set = RuleSet { format: RulesetFormat::NftJson, chains: Vec::new(), notes: Vec::new() };
    let mut chains: HashMap<(String, String, String), usize> = HashMap::new();
    let mut named: HashMap<(String, String, String), &Value> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(chain) = item.get("chain") {
            let key = key_of(chain).ok_or_else(|| Unreadable::at(line_of(i), missing("chain", chain)))?;
            if chains.contains_key(&key) {
                continue;
            }
            chains.insert(key.clone(), set.chains.len());
            set.chains.push(chain_of(&key, chain, line_of(i)));
        } else if let Some(named_set) = item.get("set").or_else(|| item.get("map")) {
            let key = key_of(named_set).ok_or_else(|| Unreadable::at(line_of(i), missing("set", named_set)))?;
            named.insert(key, named_set);
        }
    }
    for (i, item) in items.iter().enumerate() {
        let Some(rule) = item.get("rule") else { continue };
        let line = line_of(i);
        let key = key_of_rule(rule).ok_or_else(|| Unreadable::at(line, missing("rule", rule)))?;
        let Some(&chain) = chains.get(&key) else {
            return Err(Unreadable::at(
                line,
                format!("a rule of chain {} {} {}, which the listing does not declare", key.0, key.1, key.2),
            ));
        };
        let Some(expr) = rule["expr"].as_array() else {
            return Err(Unreadable::at(
                line,
                format!("a rule without expressions (`expr`): {}", trace_words(&rule.to_string())),
            ));
        };
        let ctx = Context { family: &key.0, table: &key.1, named: &named, chains: &chains };
        let translated = translate(expr, &ctx).map_err(|problem| Unreadable::at(line, problem))?;
        let handle = rule["handle"].as_u64().map(|h| format!(" handle {h}")).unwrap_or_default();
        let origin = Origin {
            line,
            place: format!("{} {} {}{handle}", key.0, key.1, key.2),
            comment: rule["comment"].as_str().map(trace_words),
        };
        for (conditions, action) in translated {
            set.chains[chain].rules.push(Rule { origin: origin.clone(), conditions, action });
        }
    }
    let opaque: std::collections::BTreeSet<&str> = set
        .rules()
        .flat_map(|(c, r)| r.conditions.iter().map(move |x| (c, x)))
        .filter_map(|(c, x)| match x {
            Condition::Unknown(text) if text.starts_with("iptables match ") => Some(set.chains[c].name.as_str()),
            _ => None,
        })
        .collect();
    if !opaque.is_empty() {
        let chains: Vec<&str> = opaque.into_iter().collect();
        set.notes.push(format!(
            "{}: rules written by iptables-nft, whose matches nft lists as opaque `xt` expressions and kbingest cannot \
             decide; review `iptables-save` (and `ip6tables-save`) output for them instead",
            chains.join(", ")
        ));
    }
    super::check_loops(&set)?;
    Ok(set)
}

fn key_of(object: &Value) -> Option<(String, String, String)> {
    Some((object["family"].as_str()?.into(), object["table"].as_str()?.into(), object["name"].as_str()?.into()))
}

fn key_of_rule(rule: &Value) -> Option<(String, String, String)> {
    Some((rule["family"].as_str()?.into(), rule["table"].as_str()?.into(), rule["chain"].as_str()?.into()))
}

fn missing(what: &str, object: &Value) -> String {
    format!("a {what} without its family, table or name: {}", trace_words(&object.to_string()))
}

fn chain_of(key: &(String, String, String), chain: &Value, line: u32) -> Chain {
    let families = match key.0.as_str() {
        "inet" => Families::BOTH,
        "ip" => Families { v4: true, v6: false },
        "ip6" => Families { v4: false, v6: true },
        // arp, bridge and netdev chains see no IP packet on its way to this host's sockets.
        _ => Families { v4: false, v6: false },
    };
    let base = chain["hook"].as_str().map(|hook| Base {
        hook: match hook {
            "prerouting" => Hook::Prerouting,
            "input" => Hook::Input,
            "forward" => Hook::Forward,
            _ => Hook::Other,
        },
        priority: priority(&chain["prio"]),
        filter: chain["type"].as_str().is_none_or(|t| t == "filter"),
        accepts: chain["policy"].as_str() != Some("drop"),
    });
    let name = format!("{} {} {}", key.0, key.1, key.2);
    Chain { name: name.clone(), families, base, origin: Origin { line, place: name, comment: None }, rules: Vec::new() }
}

/// A chain's priority: a number, or one of nft's names for the standard ones.
fn priority(prio: &Value) -> i32 {
    if let Some(n) = prio.as_i64() {
        return i32::try_from(n).unwrap_or(0);
    }
    match prio.as_str().unwrap_or("filter") {
        "raw" => -300,
        "mangle" => -150,
        "dstnat" => -100,
        "security" => 50,
        "srcnat" => 100,
        _ => 0,
    }
}
