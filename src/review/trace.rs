//! How a finding traces to the rule set: the rule (or policy) that decides, as the rule set names
//! it, its comment, and what an undecided answer depends on, in the rule set's own words.

use super::evaluate::{Decider, Outcome};
use super::model::{Action, Condition, RuleSet};
use super::ports::range_words;

/// An outcome in words: an accepting rule's comment; `dropped` or `rejected` and a blocking
/// rule's comment; what an undecided outcome depends on. A policy, or the empty hook, is named by
/// the rule column alone.
pub fn outcome_words(set: &RuleSet, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Accepted(d) => comment(set, *d).unwrap_or_default(),
        Outcome::Blocked(d @ Decider::Rule { chain, rule }) => {
            let action = match &set.chains[*chain].rules[*rule].action {
                Action::Reject => "rejected",
                _ => "dropped",
            };
            match comment(set, *d) {
                Some(c) => format!("{action}: {c}"),
                None => action.to_string(),
            }
        }
        Outcome::Blocked(_) => String::new(),
        Outcome::Depends(on) => {
            let mut conditions: Vec<String> = Vec::new();
            for text in on.iter().flat_map(|&d| undecided(set, d)) {
                if !conditions.contains(&text) {
                    conditions.push(text);
                }
            }
            format!(
                "depends on {}",
                if conditions.is_empty() { "the rules named".into() } else { conditions.join("; ") }
            )
        }
    }
}

/// What kbingest could not decide about a rule, in the rule set's words.
fn undecided(set: &RuleSet, decider: Decider) -> Vec<String> {
    let Decider::Rule { chain, rule } = decider else { return Vec::new() };
    let rule = &set.chains[chain].rules[rule];
    let mut out: Vec<String> = rule
        .conditions
        .iter()
        .filter_map(|c| match c {
            Condition::Unknown(text) | Condition::DestAddress { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    if let Action::Unknown(what) = &rule.action {
        out.push(what.clone());
    }
    out
}

/// The comment a deciding rule carries.
pub fn comment(set: &RuleSet, decider: Decider) -> Option<String> {
    match decider {
        Decider::Rule { chain, rule } => set.chains[chain].rules[rule].origin.comment.clone(),
        Decider::Policy { .. } => None,
        Decider::Unfiltered => None,
    }
}

/// How the rule set names a deciding rule: `inet kbingest input handle 5`, `filter INPUT line 12`,
/// `policy drop of filter INPUT`.
pub fn place(set: &RuleSet, decider: Decider) -> String {
    match decider {
        Decider::Rule { chain, rule } => set.chains[chain].rules[rule].origin.place.clone(),
        Decider::Policy { chain } => {
            let c = &set.chains[chain];
            let policy = if c.base.as_ref().is_some_and(|b| b.accepts) { "accept" } else { "drop" };
            format!("policy {policy} of {}", c.origin.place)
        }
        Decider::Unfiltered => "no chain".into(),
    }
}

/// `53`, `1025-5000`; ICMP `type 8`, `types 0-255`.
pub fn port_words(protocol: u8, low: u16, high: u16) -> String {
    match protocol {
        1 | 58 if low == high => format!("type {low}"),
        1 | 58 => format!("types {}", range_words(low, high)),
        _ => range_words(low, high),
    }
}
