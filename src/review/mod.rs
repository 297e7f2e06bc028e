//! `kbingest review`: a live rule set against the documents. Each reader (`nft_json`,
//! `iptables`, `windows`, `netsh`, chosen by [`detect`] from the content) turns one format into
//! the same plain [`model`]: chains of rules, each carrying its line. [`evaluate`] is a pure
//! function from that model and a packet to its fate; [`findings`] checks every selected port
//! rule of the documents, and `undocumented` every opening no rule asks for, each traced (`trace`)
//! to the rule set's own rules; [`report`] writes the lines through the export writer.

pub mod detect;
pub mod evaluate;
pub mod findings;
mod iptables;
mod iptables_rule;
mod json_lines;
pub mod model;
mod names;
mod netsh;
mod network;
mod nft_expr;
mod nft_json;
mod nft_values;
pub mod ports;
pub mod report;
mod trace;
mod undocumented;
pub mod windows;

#[cfg(test)]
mod evaluate_tests;
#[cfg(test)]
mod findings_tests;
#[cfg(test)]
mod nft_json_tests;
#[cfg(test)]
mod windows_tests;

pub use detect::read_ruleset;
pub use evaluate::{Decider, Outcome, Packet, Traffic, evaluate, evaluate_ports};
pub use findings::{Finding, Review, Verdict, review};
pub use model::{Family, RuleSet, RulesetFormat};
pub use windows::Profile;

use model::Action;

/// Why a rule set cannot be read: the line, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// 1-based line of the rule set file.
    pub line: u32,
    /// What was expected and what was found.
    pub problem: String,
}

impl Unreadable {
    /// A problem at `line`.
    pub fn at(line: u32, problem: impl Into<String>) -> Unreadable {
        Unreadable { line, problem: problem.into() }
    }
}

/// Text from a rule set on one line without control characters, cut to 200 bytes: rule sets
/// come from elsewhere, and their words end up in reports and messages.
pub fn trace_words(text: &str) -> String {
    crate::firewall::trace::truncate(&crate::firewall::trace::one_line(text), 200)
}

/// Refuses a rule set whose chains jump in a circle (the kernel refuses to load one, so a file
/// holding one was not dumped from a kernel): names the line of a jump that closes the circle.
pub fn check_loops(set: &RuleSet) -> Result<(), Unreadable> {
    // 0 not visited, 1 on the current path, 2 done; the path is a stack of (chain, next rule).
    let mut state = vec![0u8; set.chains.len()];
    for start in 0..set.chains.len() {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut path = vec![(start, 0usize)];
        while let Some(&mut (chain, ref mut next)) = path.last_mut() {
            let Some(rule) = set.chains[chain].rules.get(*next) else {
                state[chain] = 2;
                path.pop();
                continue;
            };
            *next += 1;
            if let Action::Jump(target) | Action::Goto(target) = rule.action {
                match state[target] {
                    1 => {
                        return Err(Unreadable::at(
                            rule.origin.line,
                            format!(
                                "{} jumps to chain {}, which leads back to it: a loop the kernel would refuse to load",
                                rule.origin.place, set.chains[target].name
                            ),
                        ));
                    }
                    0 => {
                        state[target] = 1;
                        path.push((target, 0));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
