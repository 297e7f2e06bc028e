//! Where a dynamic port's range comes from when its cell states none (`RANDOM`, `DYNAMIC`): the
//! user (`--dynamic-range`), else the row's own notes, else the document's prose, else nowhere
//! (NULL ports). Never a built-in default: a rule the document does not state ends up in a
//! firewall.
//!
//! A sentence states a dynamic range when it says the ports are allocated at random (`random`,
//! `dynamic`, `ephemeral`, `high ... port`) and gives a range of high ports (from 1024 up):
//! "the FTP server assigns a high TCP port between 1025 and 5000". A document that states one
//! such range gives it to its dynamic ports; one that states several (Windows' old and new ranges)
//! or none gives them none. A cell that points to a footnote for its meaning (`DYNAMIC [Note 6]`)
//! takes its range from that note alone.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::parse::Located;
use regex::Regex;
use std::sync::LazyLock;

static RANGE_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbetween\s+(?:ports?\s+)?(\d{1,5})\s+and\s+(\d{1,5})\b|\b(\d{1,5})\s*(?:-|–|—|\bto\b|\bthrough\b)\s*(\d{1,5})\b")
        .expect("valid regex")
});

/// Whether a sentence says its ports are allocated at random.
fn says_dynamic(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    ["random", "dynamic", "ephemeral"].iter().any(|w| lower.contains(w))
        || lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "high") && lower.contains("port")
}

/// The dynamic ranges a text states, sentence by sentence, in order.
pub fn stated_dynamic_ranges(text: &str) -> Vec<(u16, u16)> {
    let mut found = Vec::new();
    // A quick look first: every paragraph of a document passes through here.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return found;
    }
    for sentence in text.split(". ") {
        if !says_dynamic(sentence) {
            continue;
        }
        for caps in RANGE_IN_TEXT.captures_iter(sentence) {
            let (low, high) = match (caps.get(1).or(caps.get(3)), caps.get(2).or(caps.get(4))) {
                (Some(low), Some(high)) => (low.as_str().parse::<u32>(), high.as_str().parse::<u32>()),
                _ => continue,
            };
            if let (Ok(low), Ok(high)) = (low, high)
                && (1024..high).contains(&low)
                && high <= 65535
            {
                let range = (low as u16, high as u16);
                if !found.contains(&range) {
                    found.push(range);
                }
            }
        }
    }
    found
}

/// What the document's prose says about the dynamic range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatedRange {
    /// No sentence states one.
    None,
    /// Every sentence that states one states this one; first at `line`, in `words`.
    One {
        /// The range.
        range: (u16, u16),
        /// The line of the first sentence stating it.
        line: u32,
        /// That paragraph's words.
        words: String,
    },
    /// Sentences state different ranges (each with the line it is first stated on).
    Several(Vec<((u16, u16), u32)>),
}

/// The dynamic ranges a document's prose states, gathered paragraph by paragraph as it is read.
#[derive(Debug, Clone, Default)]
pub struct DocumentRanges {
    found: Vec<((u16, u16), u32, String)>,
}

impl DocumentRanges {
    /// Reads one paragraph (or note) of prose.
    pub fn see(&mut self, text: &Located) {
        for range in stated_dynamic_ranges(&text.text) {
            if !self.found.iter().any(|(r, _, _)| *r == range) {
                self.found.push((range, text.line, text.text.clone()));
            }
        }
    }

    /// What the document states, all read.
    pub fn stated(&self) -> StatedRange {
        match &self.found[..] {
            [] => StatedRange::None,
            [(range, line, words)] => StatedRange::One { range: *range, line: *line, words: words.clone() },
            several => StatedRange::Several(several.iter().map(|(range, line, _)| (*range, *line)).collect()),
        }
    }
}

impl StatedRange {
    /// The range to give the dynamic ports that await one, if the document states exactly one.
    pub fn range(&self) -> Option<(u16, u16)> {
        match self {
            StatedRange::One { range, .. } => Some(*range),
            _ => None,
        }
    }

    /// The ledger entry for what `awaiting` dynamic ports (the first on `first_line`) were given;
    /// `None` where none awaited a range.
    pub fn ledger(&self, awaiting: u64, first_line: u32) -> Option<Anomaly> {
        if awaiting == 0 {
            return None;
        }
        let ports = if awaiting == 1 { "1 dynamic port".to_string() } else { format!("{awaiting} dynamic ports") };
        Some(match self {
            StatedRange::One { range: (low, high), line, words } => Anomaly::new(
                *line,
                AnomalyKind::DocumentDynamicRange,
                words.clone(),
                Some(format!("{low}-{high}")),
                format!(
                    "The document states the dynamic range {low}-{high} here; its {ports} that state no range were loaded with it."
                ),
            ),
            StatedRange::Several(_) => Anomaly::new(
                first_line,
                AnomalyKind::DocumentDynamicRange,
                self.describe(),
                None,
                format!(
                    "The document states several dynamic ranges; its {ports} that state none were loaded with NULL ports (--dynamic-range gives one)."
                ),
            ),
            StatedRange::None => Anomaly::new(
                first_line,
                AnomalyKind::DocumentDynamicRange,
                String::new(),
                None,
                format!(
                    "The document states no dynamic range; its {ports} that state none were loaded with NULL ports (--dynamic-range gives one)."
                ),
            ),
        })
    }

    /// How `sources.options` records it, e.g. `1025-5000 stated at line 263`.
    pub fn describe(&self) -> String {
        match self {
            StatedRange::None => "none stated".to_string(),
            StatedRange::One { range: (low, high), line, .. } => format!("{low}-{high} stated at line {line}"),
            StatedRange::Several(ranges) => {
                let all: Vec<String> = ranges.iter().map(|((l, h), line)| format!("{l}-{h} at line {line}")).collect();
                format!("none (several stated: {})", all.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_that_state_a_dynamic_range() {
        let ftp = "Most FTP clients use passive mode. The FTP server assigns a high TCP port between 1025 and 5000; \
                   and the client opens a second connection.";
        assert_eq!(stated_dynamic_ranges(ftp), [(1025, 5000)]);
        assert_eq!(
            stated_dynamic_ranges("a range of ephemeral TCP ports between 1024 to 5000 and 49152 to 65535"),
            [(1024, 5000), (49152, 65535)]
        );
        assert_eq!(stated_dynamic_ranges("Dynamic ports use the range 49152-65535."), [(49152, 65535)]);
    }

    #[test]
    fn ranges_without_dynamic_words_or_below_1024_are_not() {
        assert_eq!(stated_dynamic_ranges("a private listening port in the 3000-5000 range"), []);
        assert_eq!(stated_dynamic_ranges("These ports are defined by Microsoft between 49152 and 65535."), []);
        assert_eq!(stated_dynamic_ranges("This dynamic port can be any from 0 to 65535."), []);
        assert_eq!(stated_dynamic_ranges("random TCP ports greater than 1024"), []);
    }

    #[test]
    fn one_range_is_the_documents_several_are_none() {
        let mut ranges = DocumentRanges::default();
        assert_eq!(ranges.stated(), StatedRange::None);
        ranges.see(&Located::new(263, "the server assigns a high TCP port between 1025 and 5000"));
        ranges.see(&Located::new(300, "again a random port between 1025 and 5000"));
        assert!(matches!(ranges.stated(), StatedRange::One { range: (1025, 5000), line: 263, .. }));
        assert_eq!(ranges.stated().describe(), "1025-5000 stated at line 263");
        ranges.see(&Located::new(400, "the dynamic range is 49152-65535"));
        assert_eq!(ranges.stated(), StatedRange::Several(vec![((1025, 5000), 263), ((49152, 65535), 400)]));
    }
}
