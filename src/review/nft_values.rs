//! The right side of an nftables JSON match (`53`, `{"set": [...]}`, `{"range": [a, b]}`,
//! `"@name"`) as plain elements, and those as ports, protocols or networks.

use super::model::Network;
use super::names::{icmp_type, protocol_number};
use super::nft_expr::Context;
use super::ports::PortSet;
use serde_json::Value;

/// One element of a set or a value on the right of a match.
pub enum Element {
    Number(u64),
    Text(String),
    Range(Box<Element>, Box<Element>),
    Prefix(String, u8),
}

/// The right side of a match as elements; `None` where they cannot be known (a dynamic set, an
/// expression).
pub fn elements(right: &Value, ctx: &Context<'_>) -> Option<Vec<Element>> {
    match right {
        Value::String(name) if name.starts_with('@') => {
            let set = named(ctx, name)?;
            let flags = set["flags"].as_array().cloned().unwrap_or_default();
            if flags.iter().any(|f| f == "dynamic") || set.get("timeout").is_some() {
                return None;
            }
            match &set["elem"] {
                Value::Null => Some(Vec::new()),
                Value::Array(items) => items.iter().map(element).collect(),
                _ => None,
            }
        }
        Value::Object(o) if o.contains_key("set") => o["set"].as_array()?.iter().map(element).collect(),
        Value::Array(items) => items.iter().map(element).collect(),
        other => Some(vec![element(other)?]),
    }
}

fn element(value: &Value) -> Option<Element> {
    match value {
        Value::Number(n) => Some(Element::Number(n.as_u64()?)),
        Value::String(s) => Some(Element::Text(s.clone())),
        Value::Bool(b) => Some(Element::Text(b.to_string())),
        Value::Object(o) if o.contains_key("elem") => element(&o["elem"]["val"]),
        Value::Object(o) if o.contains_key("range") => {
            let r = o["range"].as_array()?;
            Some(Element::Range(Box::new(element(r.first()?)?), Box::new(element(r.get(1)?)?)))
        }
        Value::Object(o) if o.contains_key("prefix") => {
            let p = &o["prefix"];
            Some(Element::Prefix(p["addr"].as_str()?.to_string(), u8::try_from(p["len"].as_u64()?).ok()?))
        }
        _ => None,
    }
}

pub fn named<'a>(ctx: &Context<'a>, reference: &str) -> Option<&'a Value> {
    let name = reference.trim_start_matches('@');
    ctx.named.get(&(ctx.family.to_string(), ctx.table.to_string(), name.to_string())).copied()
}

pub fn number(e: &Element) -> Option<u64> {
    match e {
        Element::Number(n) => Some(*n),
        Element::Text(t) => t.parse().ok(),
        _ => None,
    }
}

pub fn text(e: &Element) -> Option<&str> {
    match e {
        Element::Text(t) => Some(t),
        _ => None,
    }
}

/// The ports (or types) the elements and the comparison give; `None` where one is not a number.
pub fn port_set(op: &str, elements: &[Element], icmp: Option<bool>) -> Option<PortSet> {
    let value = |e: &Element| -> Option<u16> {
        match (icmp, e) {
            (Some(v6), Element::Text(t)) => icmp_type(t, v6).map(u16::from),
            _ => u16::try_from(number(e)?).ok(),
        }
    };
    let max = if icmp.is_some() { 255 } else { 65535 };
    if let [single] = elements
        && matches!(op, "<" | "<=" | ">" | ">=")
    {
        let v = value(single)?;
        return Some(match op {
            "<" if v == 0 => PortSet::new(),
            "<" => PortSet::range(0, v - 1),
            "<=" => PortSet::range(0, v),
            ">" if v >= max => PortSet::new(),
            ">" => PortSet::range(v + 1, max),
            _ => PortSet::range(v, max),
        });
    }
    let mut ranges = Vec::new();
    for e in elements {
        ranges.push(match e {
            Element::Range(low, high) => (value(low)?, value(high)?),
            other => (value(other)?, value(other)?),
        });
    }
    Some(PortSet::of(ranges))
}

pub fn protocols(values: &[Element]) -> Option<Vec<u8>> {
    values
        .iter()
        .map(|v| match v {
            Element::Number(n) => u8::try_from(*n).ok(),
            Element::Text(t) => protocol_number(t),
            _ => None,
        })
        .collect()
}

pub fn networks(values: &[Element]) -> Option<Vec<Network>> {
    values
        .iter()
        .map(|v| match v {
            Element::Text(t) => Network::parse(t),
            Element::Prefix(a, len) => Network::parse(&format!("{a}/{len}")),
            _ => None,
        })
        .collect()
}
