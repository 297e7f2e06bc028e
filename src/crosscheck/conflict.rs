//! Where the prose contradicts the tables: a mentioned port with another transport than the table
//! gives it, a named protocol that the table lists at another port, or a port that the table gives
//! to a differently named protocol. A named protocol that the section's own table does not list is
//! looked for in the other sections' tables once the whole document has been stored ("NAT-T (TCP on
//! port 4500)" in Routing and Remote Access, whose NAT-T row is Local Security Authority's): the
//! store looks the name up, so that memory does not grow with the document.

use super::mention::ProseMention;
use super::names::same_protocol;
use crate::anomaly::{Anomaly, AnomalyKind};

/// One row of a port table, as the cross-checks see it: a port or range with a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableEntry<'a> {
    /// The application protocol as the table names it.
    pub name: &'a str,
    /// The transport, e.g. `TCP`.
    pub transport: &'static str,
    /// First port.
    pub low: u16,
    /// Last port.
    pub high: u16,
}

impl TableEntry<'_> {
    fn overlaps(&self, m: &ProseMention) -> bool {
        self.low <= m.high && m.low <= self.high
    }
    fn carries(&self, m: &ProseMention) -> bool {
        m.transport.is_none_or(|t| t == self.transport)
    }
}

/// What a section's own table says about a mention.
enum Verdict {
    Agrees,
    Contradicts(String),
    /// The table does not list the port, nor the name.
    Unlisted,
}

/// What the prose of one section says against its table.
#[derive(Debug, Default)]
pub struct SectionFindings {
    /// Its `prose_conflict` anomalies.
    pub conflicts: Vec<Anomaly>,
    /// Named mentions whose name and port its table does not list: to be looked for in the other
    /// sections' tables (see [`conflict_elsewhere`]).
    pub unresolved: Vec<ProseMention>,
}

/// Checks a section's mentions against its own table.
pub fn check_section(entries: &[TableEntry<'_>], mentions: &[ProseMention]) -> SectionFindings {
    let verdicts: Vec<Verdict> = mentions.iter().map(|m| verdict(m, entries)).collect();
    // "UDP and TCP port 135" is two mentions, one per transport: one that agrees is enough.
    let agrees = |m: &ProseMention| {
        mentions.iter().zip(&verdicts).any(|(other, v)| {
            matches!(v, Verdict::Agrees)
                && (other.line, &other.words, other.low, other.high) == (m.line, &m.words, m.low, m.high)
        })
    };
    let mut findings = SectionFindings::default();
    for (mention, verdict) in mentions.iter().zip(verdicts.iter()) {
        match verdict {
            Verdict::Agrees => {}
            Verdict::Contradicts(_) if agrees(mention) => {}
            Verdict::Contradicts(table) => findings.conflicts.push(conflict(mention, table)),
            Verdict::Unlisted if mention.name.is_some() => findings.unresolved.push(mention.clone()),
            Verdict::Unlisted => {}
        }
    }
    findings.conflicts = dedup(std::mem::take(&mut findings.conflicts));
    findings
}

/// Checks a named mention that its own section's table does not list against the rows of that
/// name in the other sections of the document (`elsewhere`: each with its section's title, in
/// document order). The first section that lists the name is the one the message cites.
pub fn conflict_elsewhere(mention: &ProseMention, elsewhere: &[(String, TableEntry<'_>)]) -> Option<Anomaly> {
    let (owner, _) = elsewhere.first()?;
    if elsewhere.iter().any(|(_, e)| e.overlaps(mention) && e.carries(mention)) {
        return None;
    }
    let entries: Vec<TableEntry<'_>> = elsewhere.iter().filter(|(s, _)| s == owner).map(|&(_, e)| e).collect();
    Some(conflict(mention, &format!("the table of {owner} gives {}", describe(&entries))))
}

fn verdict(m: &ProseMention, entries: &[TableEntry<'_>]) -> Verdict {
    let at_port: Vec<TableEntry<'_>> = entries.iter().filter(|e| e.overlaps(m)).copied().collect();
    let Some(name) = &m.name else {
        return if at_port.is_empty() {
            Verdict::Unlisted
        } else if at_port.iter().any(|e| e.carries(m)) {
            Verdict::Agrees
        } else {
            Verdict::Contradicts(format!("the table gives {}", describe(&at_port)))
        };
    };
    let named: Vec<TableEntry<'_>> = entries.iter().filter(|e| same_protocol(name, e.name)).copied().collect();
    if named.is_empty() {
        return if at_port.is_empty() {
            Verdict::Unlisted
        } else {
            Verdict::Contradicts(format!("the table gives {} to {}", port_words(m), describe(&at_port)))
        };
    }
    let named_at: Vec<TableEntry<'_>> = named.iter().filter(|e| e.overlaps(m)).copied().collect();
    if named_at.iter().any(|e| e.carries(m)) {
        Verdict::Agrees
    } else if !named_at.is_empty() {
        Verdict::Contradicts(format!("the table gives {}", describe(&named_at)))
    } else if at_port.is_empty() {
        Verdict::Contradicts(format!("the table gives {}", describe(&named)))
    } else {
        Verdict::Contradicts(format!(
            "the table gives {} (and {} to {})",
            describe(&named),
            port_words(m),
            describe(&at_port)
        ))
    }
}

/// `port 9`, `ports 3000-5000`.
fn port_words(m: &ProseMention) -> String {
    if m.low == m.high { format!("port {}", m.low) } else { format!("ports {}-{}", m.low, m.high) }
}

/// Table rows as a person reads them: `Chargen TCP/UDP 19`, one name and port with its transports.
fn describe(entries: &[TableEntry<'_>]) -> String {
    let mut groups: Vec<(&str, u16, u16, Vec<&str>)> = Vec::new();
    for e in entries {
        match groups.iter_mut().find(|g| g.0 == e.name && g.1 == e.low && g.2 == e.high) {
            Some(g) if !g.3.contains(&e.transport) => g.3.push(e.transport),
            Some(_) => {}
            None => groups.push((e.name, e.low, e.high, vec![e.transport])),
        }
    }
    let parts: Vec<String> = groups
        .iter_mut()
        .map(|(name, low, high, transports)| {
            transports.sort_unstable();
            let ports = if low == high { low.to_string() } else { format!("{low}-{high}") };
            format!("{name} {} {ports}", transports.join("/"))
        })
        .collect();
    parts.join(", ")
}

fn conflict(m: &ProseMention, table: &str) -> Anomaly {
    let prose: Vec<&str> = [m.name.as_deref(), m.transport].into_iter().flatten().collect();
    let prose = if prose.is_empty() { port_words(m) } else { format!("{} {}", prose.join(" "), port_words(m)) };
    Anomaly::new(
        m.line,
        AnomalyKind::ProseConflict,
        m.words.clone(),
        None,
        format!("Prose and table disagree: the prose gives {prose}; {table}."),
    )
}

fn dedup(mut found: Vec<Anomaly>) -> Vec<Anomaly> {
    let mut seen = std::collections::HashSet::new();
    found.retain(|a| seen.insert((a.line, a.raw.clone(), a.message.clone())));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &'static str, transport: &'static str, port: u16) -> TableEntry<'static> {
        TableEntry { name, transport, low: port, high: port }
    }

    fn mention(name: Option<&str>, transport: Option<&'static str>, port: u16) -> ProseMention {
        let words = format!("{} port {port}", name.unwrap_or(""));
        ProseMention { line: 5, words, name: name.map(Into::into), transport, low: port, high: port }
    }

    fn simple_tcp_ip() -> Vec<TableEntry<'static>> {
        let mut t = Vec::new();
        for (name, port) in [("Chargen", 19), ("Daytime", 13), ("Discard", 9), ("Echo", 7), ("Quotd", 17)] {
            t.push(entry(name, "TCP", port));
            t.push(entry(name, "UDP", port));
        }
        t
    }

    fn messages(mentions: &[ProseMention], table: &[TableEntry<'_>]) -> Vec<String> {
        check_section(table, mentions).conflicts.into_iter().map(|a| a.message).collect()
    }

    #[test]
    fn a_name_listed_at_another_port() {
        let table = simple_tcp_ip();
        assert_eq!(
            messages(&[mention(Some("Character Generator"), None, 9)], &table),
            [
                "Prose and table disagree: the prose gives Character Generator port 9; the table gives Chargen TCP/UDP 19 (and port 9 to Discard TCP/UDP 9)."
            ]
        );
        assert_eq!(
            messages(&[mention(Some("Daytime"), None, 3)], &table),
            ["Prose and table disagree: the prose gives Daytime port 3; the table gives Daytime TCP/UDP 13."]
        );
        assert!(messages(&[mention(Some("Echo"), None, 7), mention(Some("Discard"), None, 9)], &table).is_empty());
    }

    #[test]
    fn another_transport() {
        let table = [entry("NAT-T", "UDP", 4500), entry("RPC", "TCP", 135)];
        assert_eq!(
            messages(&[mention(Some("NAT-T"), Some("TCP"), 4500)], &table),
            ["Prose and table disagree: the prose gives NAT-T TCP port 4500; the table gives NAT-T UDP 4500."]
        );
        assert_eq!(messages(&[mention(None, Some("UDP"), 135)], &table).len(), 1);
        assert!(messages(&[mention(None, Some("TCP"), 135), mention(None, None, 4500)], &table).is_empty());
        // One mention of both transports, one of which the table gives.
        let mut both = [mention(None, Some("TCP"), 135), mention(None, Some("UDP"), 135)];
        both[1].words = both[0].words.clone();
        assert!(messages(&both, &table).is_empty());
    }

    #[test]
    fn unlisted_ports_are_not_flagged() {
        let table = [entry("FTP control", "TCP", 21)];
        assert!(messages(&[mention(None, None, 3000), mention(Some("Foo"), Some("TCP"), 99)], &table).is_empty());
    }

    #[test]
    fn a_name_another_section_lists() {
        let named = mention(Some("NAT-T"), Some("TCP"), 4500);
        let findings = check_section(&[entry("PPTP", "TCP", 1723)], std::slice::from_ref(&named));
        assert!(findings.conflicts.is_empty());
        assert_eq!(findings.unresolved, std::slice::from_ref(&named));
        let lsa = |e| ("LSA".to_string(), e);
        let found = conflict_elsewhere(&named, &[lsa(entry("NAT-T", "UDP", 4500))]).unwrap();
        assert_eq!(
            found.message,
            "Prose and table disagree: the prose gives NAT-T TCP port 4500; the table of LSA gives NAT-T UDP 4500."
        );
        assert!(
            conflict_elsewhere(&named, &[lsa(entry("NAT-T", "UDP", 4500)), lsa(entry("NAT-T", "TCP", 4500))]).is_none()
        );
        assert!(conflict_elsewhere(&named, &[]).is_none());
    }
}
