//! nftables JSON expressions (`nft -j`) as conditions and actions. What is not understood is
//! never guessed: an unknown match becomes a condition kbingest cannot decide, in nft's words.

use super::model::{Action, Condition, CtState, Family};
use super::names::protocol_number;
use super::nft_values::{elements, named, networks, number, port_set, protocols, text};
use serde_json::Value;
use std::collections::HashMap;

/// What an expression needs to know of the rest of the listing: the table it is in, its named
/// sets and maps, and its chains.
pub struct Context<'a> {
    /// `inet`, `ip`, `ip6`...
    pub family: &'a str,
    /// The table's name.
    pub table: &'a str,
    /// Named sets and maps, by (family, table, name).
    pub named: &'a HashMap<(String, String, String), &'a Value>,
    /// Chains' indexes, by (family, table, name).
    pub chains: &'a HashMap<(String, String, String), usize>,
}

/// A rule's expressions as one or more (conditions, action) pairs, in order: a verdict map
/// (`vmap`) gives one per element. An `Err` says what cannot be read.
pub fn translate(expr: &[Value], ctx: &Context<'_>) -> Result<Vec<(Vec<Condition>, Action)>, String> {
    let mut conditions = Vec::new();
    let mut action = Action::Continue;
    for statement in expr {
        let Some((kind, body)) = statement.as_object().and_then(|o| o.iter().next()) else {
            return Err(format!("an expression that is not an object: {}", short(statement)));
        };
        match kind.as_str() {
            "match" => conditions.extend(match_conditions(body, ctx)),
            "vmap" => {
                let elements = match &body["data"] {
                    Value::String(name) => named(ctx, name).map(|m| m["elem"].clone()),
                    other => other.get("set").cloned(),
                };
                let Some(Value::Array(elements)) = elements else {
                    return Ok(vec![(conditions, Action::Unknown(format!("verdict map {}", short(&body["data"]))))]);
                };
                let mut rules = Vec::new();
                for element in &elements {
                    let (Some(key), Some(verdict)) = (element.get(0), element.get(1)) else {
                        return Err(format!("a verdict map element that is not [key, verdict]: {}", short(element)));
                    };
                    let key_match = serde_json::json!({"op": "==", "left": body["key"], "right": key});
                    let mut these = conditions.clone();
                    these.extend(match_conditions(&key_match, ctx));
                    rules.push((these, verdict_of(verdict, ctx)?.unwrap_or(Action::Continue)));
                }
                return Ok(rules);
            }
            "limit" | "quota" | "meter" => conditions.push(Condition::Unknown(format!("{kind} {}", short(body)))),
            // A comment restricts nothing.
            "xt" if body["type"] == "match" && body["name"] == "comment" => {}
            "xt" if body["type"] == "match" => {
                conditions.push(Condition::Unknown(format!("iptables match {}", body["name"])));
            }
            "xt" if body["type"] == "target" => action = xt_target(body["name"].as_str().unwrap_or_default()),
            _ => {
                if let Some(verdict) = verdict_of(statement, ctx)? {
                    action = verdict;
                }
            }
        }
    }
    Ok(vec![(conditions, action)])
}

/// The verdict a statement gives, if it gives one.
fn verdict_of(statement: &Value, ctx: &Context<'_>) -> Result<Option<Action>, String> {
    let Some((kind, body)) = statement.as_object().and_then(|o| o.iter().next()) else {
        return Err(format!("a verdict that is not an object: {}", short(statement)));
    };
    let target = |body: &Value| -> Result<usize, String> {
        let name = body["target"].as_str().ok_or_else(|| format!("a {kind} without a target chain"))?;
        let key = (ctx.family.to_string(), ctx.table.to_string(), name.to_string());
        ctx.chains
            .get(&key)
            .copied()
            .ok_or_else(|| format!("{kind} to chain `{name}`, which table {} {} does not have", ctx.family, ctx.table))
    };
    Ok(Some(match kind.as_str() {
        "accept" => Action::Accept,
        "drop" => Action::Drop,
        "reject" => Action::Reject,
        "return" => Action::Return,
        "continue" => Action::Continue,
        "jump" => Action::Jump(target(body)?),
        "goto" => Action::Goto(target(body)?),
        "queue" => Action::Unknown("queue to a program".into()),
        _ => return Ok(None),
    }))
}

/// An iptables target nft could not translate: a log or a mark goes on, anything else decides
/// in a way kbingest cannot follow.
pub fn xt_target(name: &str) -> Action {
    const GOES_ON: [&str; 14] = [
        "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "AUDIT", "CLASSIFY", "DSCP", "TCPMSS",
        "SET", "TOS",
    ];
    if GOES_ON.contains(&name) { Action::Continue } else { Action::Unknown(format!("target {name}")) }
}

/// The conditions of one `match` (`{"op", "left", "right"}`).
fn match_conditions(m: &Value, ctx: &Context<'_>) -> Vec<Condition> {
    let op = m["op"].as_str().unwrap_or("==");
    let (left, right) = (&m["left"], &m["right"]);
    let negated = op == "!=";
    let comparison = matches!(op, "==" | "!=" | "in");
    let unknown = || vec![Condition::Unknown(format!("{} {op} {}", describe(left), describe(right)))];
    let Some(values) = elements(right, ctx) else { return unknown() };
    let payload = |key: &str| left["payload"][key].as_str().unwrap_or_default().to_string();
    let meta = left["meta"]["key"].as_str().unwrap_or_default();
    let mut out = Vec::new();
    if left.get("payload").is_some() {
        let (protocol, field) = (payload("protocol"), payload("field"));
        let number = protocol_number(&protocol).filter(|n| matches!(n, 1 | 6 | 17 | 33 | 58 | 132 | 136));
        match (protocol.as_str(), field.as_str(), number) {
            ("th", "dport", _) | (_, "dport", Some(_)) => {
                let Some(ports) = port_set(op, &values, None) else { return unknown() };
                out.extend(number.map(|n| Condition::Protocol { protocols: vec![n], negated: false }));
                out.push(Condition::DestPort { ports, negated });
            }
            ("icmp" | "icmpv6", "type", Some(n)) if comparison || op.starts_with(['<', '>']) => {
                let Some(types) = port_set(op, &values, Some(n == 58)) else { return unknown() };
                out.push(Condition::Protocol { protocols: vec![n], negated: false });
                out.push(Condition::IcmpType { types, negated });
            }
            (_, _, Some(n)) => {
                out.push(Condition::Protocol { protocols: vec![n], negated: false });
                out.extend(unknown());
            }
            ("ip" | "ip6", field, _) => {
                out.push(Condition::Family(if protocol == "ip" { Family::V4 } else { Family::V6 }));
                match field {
                    "protocol" | "nexthdr" if comparison => match protocols(&values) {
                        Some(protocols) => out.push(Condition::Protocol { protocols, negated }),
                        None => out.extend(unknown()),
                    },
                    "daddr" if comparison => match networks(&values) {
                        Some(networks) => {
                            let text = format!("{} {op} {}", describe(left), describe(right));
                            out.push(Condition::DestAddress { networks, negated, text });
                        }
                        None => out.extend(unknown()),
                    },
                    _ => out.extend(unknown()),
                }
            }
            _ => return unknown(),
        }
        return out;
    }
    if !comparison {
        return unknown();
    }
    let texts: Option<Vec<&str>> = values.iter().map(text).collect();
    match (left.get("meta").is_some(), meta, left["ct"]["key"].as_str()) {
        (true, "l4proto", _) => match protocols(&values) {
            Some(protocols) => vec![Condition::Protocol { protocols, negated }],
            None => unknown(),
        },
        (true, "nfproto", _) => {
            let families: Vec<Family> = values
                .iter()
                .filter_map(|v| match (text(v), number(v)) {
                    (Some("ipv4"), _) | (_, Some(2)) => Some(Family::V4),
                    (Some("ipv6"), _) | (_, Some(10)) => Some(Family::V6),
                    _ => None,
                })
                .collect();
            match (families.as_slice(), negated) {
                ([f], false) => vec![Condition::Family(*f)],
                ([Family::V4], true) => vec![Condition::Family(Family::V6)],
                ([Family::V6], true) => vec![Condition::Family(Family::V4)],
                _ => unknown(),
            }
        }
        (true, "iif" | "iifname", _) => match texts.as_deref() {
            Some(["lo"]) => vec![Condition::Loopback { negated }],
            _ => unknown(),
        },
        (true, "iiftype", _) => match texts.as_deref() {
            Some(["loopback"]) => vec![Condition::Loopback { negated }],
            _ => unknown(),
        },
        (true, "pkttype", _) => match texts {
            Some(t) => vec![Condition::Always { holds: t.contains(&"host") != negated, text: describe(right) }],
            None => unknown(),
        },
        (_, _, Some("state")) => match texts {
            Some(t) => {
                let states = t.iter().map(|s| if *s == "new" { CtState::New } else { CtState::Other }).collect();
                vec![Condition::State { states, negated }]
            }
            None => unknown(),
        },
        // A new connection that no rule translated has none of the status bits (dnat, snat, ...).
        (_, _, Some("status")) => vec![Condition::Always { holds: negated, text: describe(right) }],
        _ if left.get("fib").is_some() => fib(&left["fib"], texts.as_deref(), negated).unwrap_or_else(unknown),
        _ => unknown(),
    }
}

/// `fib daddr type local` and the reverse-path check `fib saddr . iif oif missing`.
fn fib(fib: &Value, texts: Option<&[&str]>, negated: bool) -> Option<Vec<Condition>> {
    let flags: Vec<&str> = fib["flags"].as_array()?.iter().filter_map(Value::as_str).collect();
    match (fib["result"].as_str()?, texts?) {
        ("type", types) if flags.contains(&"daddr") => Some(vec![Condition::DestType {
            local: types.contains(&"local"),
            unicast: types.contains(&"unicast"),
            negated,
        }]),
        // nft lists `missing` as false.
        ("oif" | "oifname", ["missing" | "false"]) if flags.contains(&"saddr") => {
            Some(vec![Condition::Always { holds: negated, text: "fib saddr oif missing".into() }])
        }
        _ => None,
    }
}

/// An expression in nft's words, roughly: `iifname`, `ip saddr`, `{ 22, 80 }`.
pub fn describe(value: &Value) -> String {
    let words = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(describe).collect::<Vec<_>>().join(", "),
        Value::Object(o) => match o.iter().next().map(|(k, v)| (k.as_str(), v)) {
            Some(("payload", p)) if p.get("protocol").is_some() => {
                format!("{} {}", p["protocol"].as_str().unwrap_or("?"), p["field"].as_str().unwrap_or("?"))
            }
            Some(("meta", m)) => m["key"].as_str().unwrap_or("meta").to_string(),
            Some(("ct", c)) => format!("ct {}", c["key"].as_str().unwrap_or("?")),
            Some(("set", Value::Array(items))) => {
                format!("{{ {} }}", items.iter().map(describe).collect::<Vec<_>>().join(", "))
            }
            Some(("range", Value::Array(r))) if r.len() == 2 => format!("{}-{}", describe(&r[0]), describe(&r[1])),
            Some(("prefix", p)) => format!("{}/{}", p["addr"].as_str().unwrap_or("?"), p["len"]),
            Some(("elem", e)) => describe(&e["val"]),
            Some(("concat", Value::Array(items))) => items.iter().map(describe).collect::<Vec<_>>().join(" . "),
            Some((key, _)) => key.to_string(),
            None => "{}".into(),
        },
        other => other.to_string(),
    };
    super::trace_words(&words)
}

/// A value as JSON, cut short for a message.
fn short(value: &Value) -> String {
    super::trace_words(&value.to_string())
}
