//! One iptables rule's options (`-p tcp -m multiport --dports 135,1025:5000 -j ACCEPT`) as
//! conditions, a target and a comment. Matches kbingest does not know become conditions it
//! cannot decide, in iptables' words; a malformed value is an error.

use super::model::{Condition, CtState, Family, Network};
use super::names::{icmp_type, protocol_number};
use super::ports::PortSet;

/// A word of an iptables-save line, and whether it was quoted (a quoted word is always a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, quotes removed and escapes undone.
    pub text: String,
    /// Whether it was in quotes.
    pub quoted: bool,
}

/// Splits a line into words as iptables-save quotes them: `"..."` with `\"` and `\\` inside,
/// or `'...'`.
pub fn words(line: &str) -> Result<Vec<Word>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '"' | '\'' => {
                    quoted = true;
                    loop {
                        match chars.next() {
                            None => return Err(format!("a quotation mark ({c}) that is never closed")),
                            Some(q) if q == c => break,
                            Some('\\') if c == '"' => text.extend(chars.next()),
                            Some(other) => text.push(other),
                        }
                    }
                }
                other => text.push(other),
            }
        }
        out.push(Word { text, quoted });
    }
    Ok(out)
}

/// What a rule's options say.
#[derive(Debug, Default)]
pub struct Options {
    /// What the rule requires.
    pub conditions: Vec<Condition>,
    /// `-j TARGET` (with whether it was `-g`, goto), if any.
    pub target: Option<(String, bool)>,
    /// `-m comment --comment`.
    pub comment: Option<String>,
}

/// Reads the options after `-A CHAIN`, for a table of `family`.
pub fn options(words: &[Word], family: Family) -> Result<Options, String> {
    let mut out = Options::default();
    let mut module = String::new();
    // A module kbingest does not know, with none of its options seen yet: alone, it still
    // restricts what the rule matches.
    let mut bare: Option<String> = None;
    let mut negated = false;
    let mut at = 0;
    while at < words.len() {
        let word = &words[at];
        at += 1;
        if word.text == "!" && !word.quoted {
            negated = true;
            continue;
        }
        if !word.text.starts_with('-') || word.quoted {
            return Err(format!("`{}` where an option was expected", word.text));
        }
        let option = word.text.as_str();
        let start = at;
        while at < words.len() && (words[at].quoted || !(words[at].text.starts_with('-') || words[at].text == "!")) {
            at += 1;
        }
        // Old iptables wrote `-p ! tcp`: the `!` after the option.
        let mut values: Vec<&str> = words[start..at].iter().map(|w| w.text.as_str()).collect();
        if values.is_empty() && at < words.len() && words[at].text == "!" && !option.starts_with("--") {
            negated = true;
            at += 1;
            let from = at;
            while at < words.len() && (words[at].quoted || !words[at].text.starts_with('-')) {
                at += 1;
            }
            values = words[from..at].iter().map(|w| w.text.as_str()).collect();
        }
        let value = || values.first().copied().ok_or_else(|| format!("`{option}` without its value"));
        let text = || {
            let shown = format!("{}{option} {}", if negated { "! " } else { "" }, values.join(" "));
            let shown = if module.is_empty() { shown } else { format!("-m {module} {shown}") };
            Condition::Unknown(super::trace_words(shown.trim_end()))
        };
        match option {
            "-p" | "--protocol" => {
                let v = value()?;
                if !matches!(v, "all" | "0") {
                    match protocol_number(v) {
                        Some(n) => out.conditions.push(Condition::Protocol { protocols: vec![n], negated }),
                        None => out.conditions.push(text()),
                    }
                }
            }
            "-s" | "--source" | "-o" | "--out-interface" | "-f" | "--fragment" => out.conditions.push(text()),
            "-d" | "--destination" => {
                let networks: Option<Vec<Network>> = value()?.split(',').map(Network::parse).collect();
                match networks {
                    Some(networks) => {
                        let shown = format!("{}-d {}", if negated { "! " } else { "" }, values.join(" "));
                        out.conditions.push(Condition::DestAddress { networks, negated, text: shown });
                    }
                    None => out.conditions.push(text()),
                }
            }
            "-i" | "--in-interface" if value()? == "lo" => out.conditions.push(Condition::Loopback { negated }),
            "-i" | "--in-interface" => out.conditions.push(text()),
            "-m" | "--match" => {
                if let Some(name) = bare.take() {
                    out.conditions.push(Condition::Unknown(format!("-m {name}")));
                }
                module = value()?.to_string();
                match module.as_str() {
                    // IPsec's headers: the match is the protocol (an extension header in IPv6).
                    "ah" => out.conditions.push(Condition::Protocol { protocols: vec![51], negated: false }),
                    "esp" => out.conditions.push(Condition::Protocol { protocols: vec![50], negated: false }),
                    m if KNOWN_MODULES.contains(&m) => {}
                    m => bare = Some(m.to_string()),
                }
            }
            "-j" | "--jump" => {
                out.target = Some((value()?.to_string(), false));
                // The target's own options (--reject-with, --log-prefix) follow: not conditions.
                while at < words.len() && words[at].text != "-m" && words[at].text != "-g" {
                    at += 1;
                }
            }
            "-g" | "--goto" => out.target = Some((value()?.to_string(), true)),
            "-c" | "--set-counters" => {}
            "--comment" => out.comment = Some(super::trace_words(value()?)),
            "--dport" | "--destination-port" | "--dports" | "--destination-ports" => {
                let ports =
                    port_list(value()?).ok_or_else(|| format!("`{option} {}`: not ports", value().unwrap_or("")))?;
                out.conditions.push(Condition::DestPort { ports, negated });
            }
            "--icmp-type" | "--icmpv6-type" => {
                let v = value()?;
                if v != "any" {
                    let v6 = option == "--icmpv6-type" || family == Family::V6;
                    let t = icmp_type(v, v6).ok_or_else(|| format!("`{option} {v}`: not an ICMP type"))?;
                    out.conditions.push(Condition::IcmpType { types: PortSet::range(t.into(), t.into()), negated });
                }
            }
            "--state" | "--ctstate" => {
                let states = value()?
                    .split(',')
                    .map(|s| if s.eq_ignore_ascii_case("NEW") { CtState::New } else { CtState::Other })
                    .collect();
                out.conditions.push(Condition::State { states, negated });
            }
            // A new connection that no rule translated has none of these (DNAT, SNAT, ...).
            "--ctstatus" => out.conditions.push(Condition::Always { holds: negated, text: "--ctstatus".into() }),
            "--dst-type" => {
                let types: Vec<String> = value()?.split(',').map(str::to_ascii_uppercase).collect();
                let local = types.iter().any(|t| t == "LOCAL");
                let unicast = types.iter().any(|t| t == "UNICAST");
                out.conditions.push(Condition::DestType { local, unicast, negated });
            }
            "--limit-iface-in" | "--limit-iface-out" => {}
            "--pkt-type" => {
                let holds = value()?.eq_ignore_ascii_case("host") != negated;
                out.conditions.push(Condition::Always { holds, text: format!("--pkt-type {}", value()?) });
            }
            // The first packet of a new TCP connection is a SYN.
            "--syn" => out.conditions.push(Condition::Always { holds: !negated, text: "--syn".into() }),
            _ if option.starts_with("--") => {
                bare = None;
                out.conditions.push(text());
            }
            _ => return Err(format!("`{option}` is not an iptables option kbingest knows")),
        }
        negated = false;
    }
    if let Some(name) = bare {
        out.conditions.push(Condition::Unknown(format!("-m {name}")));
    }
    Ok(out)
}

/// The modules whose options kbingest reads, or that restrict nothing without options.
const KNOWN_MODULES: [&str; 14] = [
    "tcp",
    "udp",
    "sctp",
    "dccp",
    "udplite",
    "icmp",
    "icmp6",
    "multiport",
    "conntrack",
    "state",
    "comment",
    "addrtype",
    "pkttype",
    "ipv6-icmp",
];

/// `53`, `1025:5000`, `135,1025:5000` (also `1025-5000`, and `:1024` for 0-1024).
fn port_list(text: &str) -> Option<PortSet> {
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let (low, high) = match part.split_once([':', '-']) {
            Some((l, h)) => {
                (if l.is_empty() { 0 } else { l.parse().ok()? }, if h.is_empty() { 65535 } else { h.parse().ok()? })
            }
            None => {
                let p: u16 = part.parse().ok()?;
                (p, p)
            }
        };
        ranges.push((low, high));
    }
    Some(PortSet::of(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Options {
        options(&words(line).unwrap(), Family::V4).unwrap()
    }

    #[test]
    fn words_undo_quotes_and_escapes() {
        let w = words(r#"-m comment --comment "DNS \"x\" a\\b" -j 'ACCEPT'"#).unwrap();
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["-m", "comment", "--comment", "DNS \"x\" a\\b", "-j", "ACCEPT"]);
        assert!(w[3].quoted && !w[2].quoted);
        assert!(words("--comment \"open").is_err());
    }

    #[test]
    fn ports_protocols_and_states() {
        let o = read(
            "-p tcp -m multiport --dports 135,1025:5000 -m conntrack --ctstate NEW -m comment --comment x -j ACCEPT",
        );
        assert_eq!(o.target, Some(("ACCEPT".into(), false)));
        assert_eq!(o.comment.as_deref(), Some("x"));
        assert_eq!(
            o.conditions,
            [
                Condition::Protocol { protocols: vec![6], negated: false },
                Condition::DestPort { ports: PortSet::of([(135, 135), (1025, 5000)]), negated: false },
                Condition::State { states: vec![CtState::New], negated: false },
            ]
        );
        let o = read("! -p udp -m udp ! --dport 53 -j REJECT --reject-with icmp-port-unreachable");
        assert_eq!(o.conditions[0], Condition::Protocol { protocols: vec![17], negated: true });
        assert_eq!(o.conditions[1], Condition::DestPort { ports: PortSet::range(53, 53), negated: true });
        assert_eq!(o.target, Some(("REJECT".into(), false)));
        assert_eq!(read("-p ! tcp").conditions[0], Condition::Protocol { protocols: vec![6], negated: true });
    }

    #[test]
    fn what_cannot_be_decided_is_kept_in_iptables_words() {
        let o = read("-s 10.0.0.0/8 -i eth0 -i lo -p tcp -m tcp --sport 53 -m limit --limit 5/sec -g LOGDROP");
        assert_eq!(o.conditions[0], Condition::Unknown("-s 10.0.0.0/8".into()));
        assert_eq!(o.conditions[1], Condition::Unknown("-i eth0".into()));
        assert_eq!(o.conditions[2], Condition::Loopback { negated: false });
        assert_eq!(o.conditions[4], Condition::Unknown("-m tcp --sport 53".into()));
        assert_eq!(o.conditions[5], Condition::Unknown("-m limit --limit 5/sec".into()));
        assert_eq!(o.target, Some(("LOGDROP".into(), true)));
        let o = read("! -d 192.0.2.0/24 -m icmp --icmp-type 8 -m addrtype --dst-type LOCAL");
        assert!(matches!(&o.conditions[0], Condition::DestAddress { negated: true, .. }));
        assert_eq!(o.conditions[1], Condition::IcmpType { types: PortSet::range(8, 8), negated: false });
        assert_eq!(o.conditions[2], Condition::DestType { local: true, unicast: false, negated: false });
    }

    #[test]
    fn a_module_alone_still_restricts_what_the_rule_matches() {
        assert_eq!(read("-m ah -j ACCEPT").conditions, [Condition::Protocol { protocols: vec![51], negated: false }]);
        assert_eq!(read("-p tcp -m tcp -m comment --comment x").conditions.len(), 1);
        assert_eq!(read("-m physdev -j ACCEPT").conditions, [Condition::Unknown("-m physdev".into())]);
        assert_eq!(read("-m physdev -m tcp -j ACCEPT").conditions, [Condition::Unknown("-m physdev".into())]);
        let o = read("-m recent --rcheck --seconds 60 -j DROP");
        assert_eq!(
            o.conditions,
            [Condition::Unknown("-m recent --rcheck".into()), Condition::Unknown("-m recent --seconds 60".into())]
        );
    }

    #[test]
    fn malformed_options_are_errors() {
        for bad in ["-p tcp --dport http", "-p", "-X foo", "tcp", "-p tcp --dport 99999"] {
            assert!(options(&words(bad).unwrap(), Family::V4).is_err(), "{bad}");
        }
    }
}
