//! The ports a paragraph of prose mentions: "TCP port 135", "port 9", "(TCP on port 4500)",
//! "UDP 123", "ports 137-139", "a port in the 3000-5000 range", with the name of the protocol where
//! the prose gives one ("NAT-T (TCP on port 4500)", a list item "Echo, port 7, RFC 862").

use crate::parse::Located;
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// One port (or range) that the prose mentions, for one transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseMention {
    /// 1-based line of the mention.
    pub line: u32,
    /// The words of the mention, e.g. `NAT-T (TCP on port 4500)`.
    pub words: String,
    /// The protocol's name where the prose gives one, e.g. `NAT-T`.
    pub name: Option<String>,
    /// `TCP` or `UDP` where the prose says which.
    pub transport: Option<&'static str>,
    /// First port.
    pub low: u16,
    /// Last port; equal to `low` for one port.
    pub high: u16,
}

// Ports are ASCII digits: `[0-9]`, not `\d`, whose Unicode digits made these patterns cost about
// 11 million instructions to compile instead of 4.5 (most of the regex work of a small load), and
// which `port_range` could not read anyway.
const NUMBER: &str = r"[0-9]{1,5}(?:\s*(?:[-–]|\bto\b|\bthrough\b)\s*[0-9]{1,5})?";

/// "TCP port 135", "port 9", "ports 137, 138 and 139", "port in the 3000-5000 range".
static WITH_PORT: LazyLock<Regex> = LazyLock::new(|| {
    let list = format!(r"{NUMBER}(?:(?:\s*,\s*|\s*,?\s+(?:and|or)\s+){NUMBER})*");
    Regex::new(&format!(
        r"(?i)\b(?:(?P<t>(?:TCP|UDP)(?:\s*(?:/|\band\b|\bor\b)\s*(?:TCP|UDP))?)\s+(?:on\s+)?)?ports?\s+(?:numbers?\s+)?(?:(?:in|of)\s+the\s+(?:range\s+)?)?(?P<between>between\s+)?(?P<list>{list})(?:\s+range)?\b"
    ))
    .expect("a valid pattern")
});

/// "UDP 123": a transport and a number, without the word port.
static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?P<t>TCP|UDP)\s+(?P<list>[0-9]{1,5})\b").expect("a valid pattern"));

static PIECE: LazyLock<Regex> = LazyLock::new(|| Regex::new(NUMBER).expect("a valid pattern"));

/// Every port that a paragraph mentions, in order.
pub fn prose_mentions(paragraph: &Located) -> Vec<ProseMention> {
    let text = paragraph.text.as_str();
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    // Each pattern is compiled, and run, only for a text holding its literal words (`port` in any
    // case: no other letter folds to p, o, r or t; `TCP` or `UDP` as written).
    let says_port = text.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"port"));
    let says_transport = memchr::memmem::find(text.as_bytes(), b"TCP").is_some()
        || memchr::memmem::find(text.as_bytes(), b"UDP").is_some();
    let with_port = says_port.then(|| WITH_PORT.captures_iter(text)).into_iter().flatten();
    let bare = says_transport.then(|| BARE.captures_iter(text)).into_iter().flatten();
    let mut found: Vec<(usize, usize, Vec<ProseMention>)> = Vec::new();
    for caps in with_port.chain(bare) {
        let whole = caps.get(0).expect("a whole match");
        if found.iter().any(|&(s, e, _)| whole.start() < e && s < whole.end()) {
            continue;
        }
        found.push((whole.start(), whole.end(), mentions_of(paragraph, &caps)));
    }
    found.sort_by_key(|&(start, _, _)| start);
    found.into_iter().flat_map(|(_, _, m)| m).collect()
}

fn mentions_of(paragraph: &Located, caps: &Captures<'_>) -> Vec<ProseMention> {
    let text = paragraph.text.as_str();
    let whole = caps.get(0).expect("a whole match");
    let line = paragraph.line.saturating_add(text[..whole.start()].matches('\n').count() as u32);
    let transports: Vec<&'static str> = match caps.name("t").map(|t| t.as_str().to_ascii_uppercase()) {
        None => vec![],
        Some(t) if t.contains("TCP") && t.contains("UDP") => vec!["TCP", "UDP"],
        Some(t) if t == "TCP" => vec!["TCP"],
        Some(_) => vec!["UDP"],
    };
    let before = &text[..whole.start()];
    let (name, words) = match name_before(before, &text[whole.end()..], text) {
        Some((name, from)) => {
            let to = if text[whole.end()..].starts_with(')') { whole.end() + 1 } else { whole.end() };
            (Some(name), text[from..to].to_string())
        }
        None => (None, whole.as_str().to_string()),
    };
    let list = caps.name("list").map_or("", |l| l.as_str());
    let mut ranges: Vec<(u16, u16)> = PIECE.find_iter(list).filter_map(|p| port_range(p.as_str())).collect();
    if caps.name("between").is_some() && ranges.len() == 2 && ranges.iter().all(|(l, h)| l == h) {
        ranges = vec![(ranges[0].0.min(ranges[1].0), ranges[0].0.max(ranges[1].0))];
    }
    let transports: Vec<Option<&'static str>> =
        if transports.is_empty() { vec![None] } else { transports.into_iter().map(Some).collect() };
    let mut out = Vec::new();
    for &(low, high) in &ranges {
        for &transport in &transports {
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push(ProseMention { line, words, name: name.clone(), transport, low, high });
        }
    }
    out
}

/// `80` or `3000-5000` as a range of valid ports.
fn port_range(piece: &str) -> Option<(u16, u16)> {
    let piece = piece.replace("through", "-").replace("to", "-");
    let mut ends = piece.split(['-', '–']).map(|n| n.trim().parse::<u16>().ok());
    let low = ends.next()??;
    let high = ends.next().map_or(Some(low), |h| h)?;
    (low <= high).then_some((low, high))
}

/// The protocol name the prose gives right before a mention, and the byte where it starts: the
/// capitalized words before a parenthesis (`NAT-T (TCP on port 4500)`), or a list item's opening
/// clause (`●   Character Generator, port 9, RFC 864`; not "For example, port 80 is ...").
fn name_before(before: &str, after: &str, text: &str) -> Option<(String, usize)> {
    // `before` and every slice of it start inside `text`.
    let offset = |sub: &str| sub.as_ptr() as usize - text.as_ptr() as usize;
    let capitalized = |word: &str| word.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let trimmed = before.trim_end();
    if let Some(head) = trimmed.strip_suffix('(') {
        let mut rest = head.trim_end();
        // The name, and the word its words start with.
        let mut name: Option<(&str, &str)> = None;
        for _ in 0..5 {
            let word_start =
                rest.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
            let word = &rest[word_start..];
            // An acronym in parentheses names the protocol: `... Protocol (ISAKMP) (UDP port 500)`.
            let acronym = word.strip_prefix('(').and_then(|w| w.strip_suffix(')'));
            if let Some(acronym) = acronym.filter(|a| name.is_none() && capitalized(a) && !a.contains(' ')) {
                name = Some((acronym, word));
                break;
            }
            if word.is_empty() || !capitalized(word) || word.ends_with([',', ';', ':', '.', ')']) {
                break;
            }
            name = Some((&head[word_start..head.trim_end().len()], word));
            rest = rest[..word_start].trim_end();
        }
        return name.map(|(n, first)| (n.to_string(), offset(first)));
    }
    let head = trimmed.strip_suffix(',')?;
    let item = head.trim_start_matches(|c: char| c.is_whitespace() || "●•·▪-*–—".contains(c)).trim_end();
    let bulleted = item.len() < head.trim_end().len();
    let rest = after.trim_start_matches(|c: char| c == ',' || c == '.' || c.is_whitespace());
    let listed = bulleted || rest.is_empty() || rest.starts_with("RFC");
    let plain = !item.contains([',', '.', ';', ':', '(', ')']) && (1..=6).contains(&item.split_whitespace().count());
    (listed && capitalized(item) && plain).then(|| (item.to_string(), offset(item)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions(text: &str) -> Vec<String> {
        prose_mentions(&Located::new(10, text))
            .into_iter()
            .map(|m| {
                format!(
                    "{}|{}|{}|{}|{}-{}",
                    m.line,
                    m.words,
                    m.name.unwrap_or_default(),
                    m.transport.unwrap_or("-"),
                    m.low,
                    m.high
                )
            })
            .collect()
    }

    #[test]
    fn ports_with_and_without_transport() {
        assert_eq!(
            mentions("the client connects on TCP port 135. NTP runs on UDP 123, also\nports 137-139 and 445."),
            [
                "10|TCP port 135||TCP|135-135",
                "10|UDP 123||UDP|123-123",
                "11|ports 137-139 and 445||-|137-139",
                "11|ports 137-139 and 445||-|445-445"
            ]
        );
        assert_eq!(
            mentions("destined for port 21 to a private listening port in the 3000-5000 range on the loopback"),
            ["10|port 21||-|21-21", "10|port in the 3000-5000 range||-|3000-5000"]
        );
        assert_eq!(
            mentions("a port number between 1024 and 65535"),
            ["10|port number between 1024 and 65535||-|1024-65535"]
        );
        assert_eq!(
            mentions("ephemeral TCP ports between 1024 to 5000 and 49152 to 65535 are required"),
            [
                "10|TCP ports between 1024 to 5000 and 49152 to 65535||TCP|1024-5000",
                "10|TCP ports between 1024 to 5000 and 49152 to 65535||TCP|49152-65535"
            ]
        );
        assert_eq!(
            mentions("RPC endpoint mapper using UDP and TCP port 135"),
            ["10|UDP and TCP port 135||TCP|135-135", "10|UDP and TCP port 135||UDP|135-135"]
        );
        assert_eq!(mentions("TCP/UDP port 53"), ["10|TCP/UDP port 53||TCP|53-53", "10|TCP/UDP port 53||UDP|53-53"]);
    }

    #[test]
    fn names_before_a_parenthesis_and_in_list_items() {
        assert_eq!(
            mentions(
                "you must allow IPSec ESP (IP protocol 50), NAT-T (TCP on port 4500), and IPSec ISAKMP (TCP on port 500) through"
            ),
            [
                "10|NAT-T (TCP on port 4500)|NAT-T|TCP|4500-4500",
                "10|IPSec ISAKMP (TCP on port 500)|IPSec ISAKMP|TCP|500-500"
            ]
        );
        assert_eq!(
            mentions("- IPsec Key Management Protocol (ISAKMP) (UDP port 500)"),
            ["10|(ISAKMP) (UDP port 500)|ISAKMP|UDP|500-500"]
        );
        assert_eq!(
            mentions("●   Character Generator, port 9, RFC 864"),
            ["10|Character Generator, port 9|Character Generator|-|9-9"]
        );
        assert_eq!(mentions("- Echo, port 7, RFC 862"), ["10|Echo, port 7|Echo|-|7-7"]);
        assert_eq!(mentions("Echo, port 7, RFC 862"), ["10|Echo, port 7|Echo|-|7-7"]);
        assert_eq!(mentions("For example, port 80 is open."), ["10|port 80||-|80-80"]);
    }

    #[test]
    fn the_word_port_in_any_case_and_transports_as_written() {
        assert_eq!(
            mentions("open PORTS 137 AND 139"),
            ["10|PORTS 137 AND 139||-|137-137", "10|PORTS 137 AND 139||-|139-139"]
        );
        assert_eq!(mentions("Tcp Port 8080"), ["10|Tcp Port 8080||TCP|8080-8080"]);
        assert!(mentions("udp 53 and tcp 80, written small").is_empty());
        assert!(mentions("port ١٣٥ in Arabic-Indic digits, and 7").is_empty());
    }

    #[test]
    fn numbers_that_are_not_ports() {
        assert!(mentions("IPSec ESP (IP protocol 50) on Windows Server 2003, Service Pack 2, report 5").is_empty());
        assert!(mentions("port 70000 and transport 5").is_empty());
    }
}
