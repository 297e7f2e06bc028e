//! Ports in running text, the last way a port cell is read: `TCP port 80 for CLEAR_PORT traffic and
//! 443 for SSL_PORT traffic`, `UDP port 137 and 138, and TCP port 139`, `Often TCP 443 or 8443`,
//! `If you have set it to Dual mode 5066 and 5068 are also used`, `ICMP for echo request`.
//!
//! A number in a port cell is a port unless its words say it is something else: a version or a
//! product (`Windows Server 2012`, `Windows 7`), a quantity (`100 ports`, `3 seconds`, `100 MB`), a
//! reference (`Note 2`, `RFC 1350`, `KB 832017`), or a year where no port word stands beside it. A
//! transport named before numbers is theirs until another is named (`UDP port 137 and 138, and TCP
//! port 139`); numbers before any transport take the first one named after them (`5065 and 5067
//! for TCP`); a transport right after a number (`8301 (UDP)`, `1434/UDP`) is that number's alone.

use super::port::{PortKind, PortSpec, PortValue};
use super::transport::Transport;

/// One token of the text.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(u32),
    Word(String),
    Mark(char),
}

/// The tokens of a text, each with where it is (character offsets, first and past the last).
fn tokens(chars: &[char]) -> (Vec<Token>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let glued_before = start > 0 && (chars[start - 1].is_alphabetic() || chars[start - 1] == '.');
            let glued_after = chars.get(i).is_some_and(|c| c.is_alphabetic())
                || (chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit));
            let digits: String = chars[start..i].iter().collect();
            match digits.parse::<u32>() {
                Ok(n) if digits.len() <= 5 && !glued_before && !glued_after => out.push(Token::Number(n)),
                _ => out.push(Token::Word(digits)),
            }
            spans.push((start, i));
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect::<String>().to_lowercase()));
            spans.push((start, i));
        } else {
            if !c.is_whitespace() {
                out.push(Token::Mark(c));
                spans.push((i, i + 1));
            }
            i += 1;
        }
    }
    (out, spans)
}

/// Words after which a number is no port: products and versions, references, quantities.
fn names_no_port_before(word: &str) -> bool {
    matches!(
        word,
        "windows"
            | "server"
            | "vista"
            | "xp"
            | "version"
            | "versions"
            | "v"
            | "sp"
            | "kb"
            | "rfc"
            | "note"
            | "notes"
            | "step"
            | "level"
            | "ipv"
            | "sql"
            | "office"
            | "exchange"
            | "sharepoint"
            | "lync"
            | "skype"
            | "iis"
            | "net"
            | "minimum"
            | "maximum"
            | "least"
            | "than"
            | "figure"
            | "table"
            | "section"
            | "chapter"
            | "page"
            | "line"
            | "event"
            | "error"
            | "id"
            | "code"
            | "build"
            | "release"
            | "update"
    )
}

/// Words after a number that make it a quantity, not a port.
fn names_quantity_after(word: &str) -> bool {
    matches!(
        word,
        "ports"
            | "mb"
            | "gb"
            | "kb"
            | "tb"
            | "ms"
            | "second"
            | "seconds"
            | "minute"
            | "minutes"
            | "hour"
            | "hours"
            | "day"
            | "days"
            | "percent"
            | "bits"
            | "bytes"
            | "characters"
            | "times"
            | "os"
            | "r2"
            | "users"
            | "servers"
            | "computers"
            | "nodes"
            | "instances"
            | "mbps"
            | "gbps"
    )
}

/// The transport a word names, or that the layer it names rides on (`TLS`: TCP).
fn transport_word(word: &str) -> Option<Transport> {
    match word {
        "tls" | "ssl" | "mtls" => Some(Transport::Tcp),
        "dtls" => Some(Transport::Udp),
        _ => Transport::from_name(word).filter(|t| *t != Transport::IpIp || word.eq_ignore_ascii_case("ipip")),
    }
}

/// The values a stretch of prose names; none where it names no port. Its ranges are dynamic where
/// its words say so (`High port range`, `dynamic ports`).
pub fn ports_in_prose(text: &str) -> Vec<PortValue> {
    let chars: Vec<char> = text.chars().collect();
    let (tokens, spans) = tokens(&chars);
    // The words a value was read from: its transport and `port` before it, its numbers, the
    // transport right after it (`TCP port 1433`, `1434/UDP`).
    let words_of = |first: usize, past: usize| -> String {
        let (start, end) = (spans[first].0, spans[past - 1].1);
        chars[start..end].iter().collect()
    };
    let lower = text.to_ascii_lowercase();
    let dynamic = ["random", "dynamic", "ephemeral", "high port"].iter().any(|w| lower.contains(w));
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let mark = |i: usize| match tokens.get(i) {
        Some(Token::Mark(c)) => Some(*c),
        _ => None,
    };
    // Each value with the transports named right after it, or `None` (it takes the text's).
    let mut found: Vec<(PortValue, Option<Vec<Transport>>, usize)> = Vec::new();
    // Where each transport is named, in order.
    let mut named: Vec<(usize, Vec<Transport>)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Word(w) if transport_word(w).is_some() => {
                let mut ts = vec![transport_word(w).unwrap_or(Transport::Tcp)];
                // `TCP/UDP`, `TCP and UDP`, `TCP & UDP`
                loop {
                    let joined = matches!(mark(i + 1), Some('/' | '&' | '+')) || word(i + 1) == Some("and");
                    match word(i + 2).and_then(transport_word).filter(|_| joined) {
                        Some(t) => {
                            if !ts.contains(&t) {
                                ts.push(t);
                            }
                            i += 2;
                        }
                        None => break,
                    }
                }
                if ts.contains(&Transport::Icmp) && lower.contains("echo") {
                    let mut value = PortValue::new(&words_of(i, i + 1), PortSpec::NONE);
                    value.transports = vec![Transport::Icmp];
                    value.icmp_type = Some(8);
                    found.push((value, Some(vec![Transport::Icmp]), i));
                }
                named.push((i, ts));
            }
            Token::Number(n) => {
                let n = *n;
                let before = i.checked_sub(1).and_then(word);
                let after = word(i + 1);
                let port_word_before =
                    matches!(before, Some("port" | "ports")) || before.and_then(transport_word).is_some();
                let excluded = before.is_some_and(names_no_port_before)
                    || after.is_some_and(names_quantity_after)
                    || n > 65535
                    || ((1990..2040).contains(&n) && !port_word_before);
                if excluded {
                    i += 1;
                    continue;
                }
                // A range: `49152-65535`, `1025 through 5000`, `between 1024 and 65535`.
                let between = before == Some("between") || i >= 2 && word(i - 2) == Some("between");
                let joined = mark(i + 1).filter(|c| matches!(c, '-' | '–' | '—')).is_some()
                    || matches!(after, Some("to" | "through" | "thru"))
                    || (between && after == Some("and"));
                let high = match tokens.get(i + 2) {
                    Some(Token::Number(m)) if joined && *m >= n && *m <= 65535 => Some(*m),
                    _ => None,
                };
                let (low, high, next) = match high {
                    Some(m) => (n, m, i + 3),
                    None => (n, n, i + 1),
                };
                let (Ok(low), Ok(high)) = (u16::try_from(low), u16::try_from(high)) else {
                    i += 1;
                    continue;
                };
                let kind = match (low == high, dynamic) {
                    (true, _) => PortKind::Fixed,
                    (false, true) => PortKind::Dynamic,
                    (false, false) => PortKind::Range,
                };
                // A transport right after the number is its own: `1434/UDP`, `8301 (UDP)`.
                let (own, next) = match (mark(next), word(next + 1), mark(next + 2)) {
                    (Some('/'), Some(w), _) if transport_word(w).is_some() => {
                        (transport_word(w).map(|t| vec![t]), next + 2)
                    }
                    (Some('('), Some(w), Some(')')) if transport_word(w).is_some() => {
                        (transport_word(w).map(|t| vec![t]), next + 3)
                    }
                    _ => (None, next),
                };
                let mut first = i;
                if first > 0 && matches!(word(first - 1), Some("port" | "ports")) {
                    first -= 1;
                }
                if first > 0 && word(first - 1).and_then(transport_word).is_some() {
                    first -= 1;
                }
                let raw = words_of(first, next);
                found.push((PortValue::new(&raw, PortSpec { kind, range: Some((low, high)) }), own, i));
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
        .into_iter()
        .map(|(mut value, own, at)| {
            if value.transports.is_empty() {
                let before = named.iter().rev().find(|(j, _)| *j < at).map(|(_, t)| t.clone());
                let after = named.iter().find(|(j, _)| *j > at).map(|(_, t)| t.clone());
                value.transports = own.or(before).or(after).unwrap_or_default();
            }
            value
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: Transport = Transport::Tcp;
    const UDP: Transport = Transport::Udp;

    fn read(text: &str) -> Vec<(Vec<Transport>, u16, u16)> {
        ports_in_prose(text)
            .into_iter()
            .map(|v| (v.transports, v.spec.range.map_or(0, |r| r.0), v.spec.range.map_or(0, |r| r.1)))
            .collect()
    }

    #[test]
    fn a_transport_is_the_numbers_after_it_until_another_is_named() {
        assert_eq!(
            read("The default is TCP port 80 for CLEAR_PORT traffic and 443 for SSL_PORT traffic."),
            [(vec![TCP], 80, 80), (vec![TCP], 443, 443)]
        );
        assert_eq!(
            read("File sharing uses UDP port 137 and 138, and TCP port 139 if it using NetBIOS."),
            [(vec![UDP], 137, 137), (vec![UDP], 138, 138), (vec![TCP], 139, 139)]
        );
        assert_eq!(read("Often TCP 443 or 8443"), [(vec![TCP], 443, 443), (vec![TCP], 8443, 8443)]);
    }

    #[test]
    fn numbers_before_any_transport_take_the_next_one_named() {
        assert_eq!(read("5065 and 5067 for TCP (unsecured)"), [(vec![TCP], 5065, 5065), (vec![TCP], 5067, 5067)]);
        assert_eq!(
            read("If you have set it to Dual mode 5066 and 5068 are also used."),
            [(vec![], 5066, 5066), (vec![], 5068, 5068)]
        );
    }

    #[test]
    fn a_transport_right_after_a_number_is_its_own() {
        assert_eq!(
            read("8300, 8301 (UDP), 8500 over TCP"),
            [(vec![TCP], 8300, 8300), (vec![UDP], 8301, 8301), (vec![TCP], 8500, 8500)]
        );
        assert_eq!(read("1433/TCP and 1434/UDP"), [(vec![TCP], 1433, 1433), (vec![UDP], 1434, 1434)]);
    }

    #[test]
    fn ranges_in_words() {
        assert_eq!(
            read("Ports used by the search index component — TCP 16500-16519 (intra-farm only)"),
            [(vec![TCP], 16500, 16519)]
        );
        assert_eq!(read("High port range 49152 through 65535"), [(vec![], 49152, 65535)]);
        assert_eq!(ports_in_prose("High port range 49152 through 65535")[0].spec.kind, PortKind::Dynamic);
        assert_eq!(read("random port between 1024 and 5000"), [(vec![], 1024, 5000)]);
    }

    #[test]
    fn versions_quantities_references_and_years_are_no_ports() {
        assert_eq!(
            read("If your network uses Windows Server 2012, Windows Server 2008 R2, Windows 7 or Windows Vista"),
            []
        );
        assert_eq!(read("Minimum of 100 ports; uploads over 100 MB; 3 seconds; see Note 2 and RFC 1350"), []);
        assert_eq!(read("(2008 OS and later)"), []);
        assert_eq!(read("WinRM 2.0 over HTTP"), []);
        assert_eq!(read("TCP port 2000"), [(vec![TCP], 2000, 2000)]);
    }

    #[test]
    fn icmp_echo_in_words() {
        let got = ports_in_prose("ICMP for echo request – each Distributed Cache server ...");
        assert_eq!(
            (got[0].transports.clone(), got[0].icmp_type, got[0].spec),
            (vec![Transport::Icmp], Some(8), PortSpec::NONE)
        );
    }
}
