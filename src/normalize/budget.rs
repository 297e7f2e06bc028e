//! The limit on port rules from one document (`--max-rules`): the rows that would take the
//! document beyond it cannot be read, like any unreadable row (by default each such row is skipped
//! and ledgered; `--strict` refuses the document). Rows are kept or refused whole, and the rules of
//! a refused row are dropped as soon as it is normalized: a section never holds more
//! rules than the limit and one row's.

use super::NormalizedSection;
use crate::error::Problem;
use crate::parse::limits::thousands;

/// The rules a document has made so far, against its limit.
#[derive(Debug, Clone, Copy)]
pub struct RuleBudget {
    max: u64,
    made: u64,
}

impl RuleBudget {
    /// A document's count, none made yet, of at most `max` rules.
    pub fn new(max: u64) -> RuleBudget {
        RuleBudget { max, made: 0 }
    }

    /// A budget that never runs out (library use and tests).
    pub fn unlimited() -> RuleBudget {
        RuleBudget::new(u64::MAX)
    }

    /// Whether the limit has been reached: every further row that makes rules is refused.
    pub(super) fn spent(&self) -> bool {
        self.made >= self.max
    }

    /// Spends the rules `section` gained from its row at `line` (those from index `from` on), or,
    /// beyond the limit, drops them and refuses the row.
    pub(super) fn spend_row(&mut self, section: &mut NormalizedSection, from: usize, line: u32) {
        let added = section.rules.len().saturating_sub(from) as u64;
        if added == 0 {
            return;
        }
        if self.made.saturating_add(added) <= self.max {
            self.made += added;
            return;
        }
        let raw = section.rules[from].application_protocol.clone();
        section.rules.truncate(from);
        section.problems.push(self.refusal(line, raw));
        // Nothing after the first refused row loads, so that what loads is a prefix of the document.
        self.made = self.max;
    }

    fn refusal(&self, line: u32, raw: String) -> Problem {
        Problem {
            line,
            raw,
            message: format!(
                "the document makes more than {} port rules, the limit to a document, by this row; if the \
                 document is one you trust, raise the limit with --max-rules",
                thousands(self.max)
            ),
        }
    }

    /// Keeps the rows of `section` whose rules fit under the limit; each row beyond it becomes
    /// a problem at its line (for sections made otherwise than row by row).
    pub fn keep(&mut self, section: &mut NormalizedSection) {
        let fits = self.max.saturating_sub(self.made);
        if (section.rules.len() as u64) <= fits {
            self.made += section.rules.len() as u64;
            return;
        }
        // Rules come in row order: the rows that fit are a prefix, cut at a row's first rule.
        let mut kept = fits as usize;
        if let (Some(cut), Some(before)) = (section.rules.get(kept), kept.checked_sub(1)) {
            let line = cut.line;
            if section.rules[before].line == line {
                kept = section.rules[..kept].iter().rposition(|r| r.line != line).map_or(0, |i| i + 1);
            }
        }
        self.made += kept as u64;
        let mut refused = section.rules.split_off(kept);
        refused.dedup_by_key(|r| r.line);
        let problems: Vec<Problem> =
            refused.into_iter().map(|r| self.refusal(r.line, r.application_protocol)).collect();
        section.problems.extend(problems);
        // Nothing after the first refused row loads, so that what loads is a prefix of the document.
        self.made = self.max;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{PortRule, PortSpec, RuleContext};

    fn section(lines: &[u32]) -> NormalizedSection {
        let rule = |line: u32| PortRule {
            application_protocol: format!("app{line}"),
            transport: None,
            port: PortSpec::NONE,
            port_raw: "80".into(),
            transport_raw: String::new(),
            line,
            icmp_type: None,
            note: None,
            awaits_document_range: false,
            context: RuleContext::default(),
        };
        NormalizedSection { rules: lines.iter().map(|&l| rule(l)).collect(), ..Default::default() }
    }

    #[test]
    fn rows_beyond_the_limit_are_refused_whole() {
        let mut cap = RuleBudget::new(5);
        let mut first = section(&[1, 1, 2, 2]);
        cap.keep(&mut first);
        assert_eq!((first.rules.len(), first.problems.len()), (4, 0));
        let mut second = section(&[3, 4, 4, 5]);
        cap.keep(&mut second);
        assert_eq!(second.rules.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
        assert_eq!(second.problems.iter().map(|p| p.line).collect::<Vec<_>>(), [4, 5]);
        assert!(second.problems[0].message.contains("more than 5 port rules"), "{:?}", second.problems);
        let mut third = section(&[6]);
        cap.keep(&mut third);
        assert_eq!((third.rules.len(), third.problems.len()), (0, 1));
    }
}
