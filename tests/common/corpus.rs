//! A deterministic synthetic corpus in the text format, with the anomalies of the real document
//! sprinkled in, and the `port_rules` rows kbingest should load from it. Shared by the tests and by
//! `examples/gen_corpus.rs` (the benchmark's input).

use std::collections::HashSet;
use std::fmt::Write as _;

/// A small, fast, deterministic pseudo-random generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

const APPLICATIONS: &[&str] = &[
    "RPC",
    "SMB",
    "LDAP Server",
    "NetBIOS Session Service",
    "NetBIOS Datagram Service",
    "HTTP",
    "HTTPS",
    "DNS",
    "Kerberos",
    "SNMP",
    "MSMQ",
    "Terminal Services",
    "SQL over TCP",
    "Global Catalog Server",
    "WINS Replication",
];
const WORDS: &[&str] =
    &["Directory", "Replication", "Gateway", "Monitor", "Broker", "Agent", "Relay", "Catalog", "Spooler", "Locator"];

/// One expected `port_rules` row (without `source`).
pub struct ExpectedRule {
    pub service: String,
    pub system_service_name: Option<String>,
    pub application_protocol: String,
    pub transport: &'static str,
    pub ip_protocol: u8,
    pub port: Option<(u16, u16)>,
    pub port_kind: &'static str,
    pub port_raw: String,
    pub transport_raw: &'static str,
    pub source_line: u64,
}

/// Text that writes itself line by line, counting lines.
struct Doc {
    text: String,
    line: u64,
}

impl Doc {
    fn push(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.line += 1;
    }
}

/// Generates `sections` sections. Calls `emit` with the document text in pieces and each expected
/// rule, so that a large corpus never has to be held in memory.
pub fn generate(sections: u64, mut emit_text: impl FnMut(&str), mut emit_rule: impl FnMut(&ExpectedRule)) {
    let mut rng = Rng::new(0x6b62_696e_6765_7374);
    let mut doc = Doc { text: String::new(), line: 0 };
    for header in ["Synthetic Software - Knowledge Base", "", "Network Ports Used by Synthetic Products", ""] {
        doc.push(header);
    }
    for i in 0..sections {
        let word = WORDS[(i % WORDS.len() as u64) as usize];
        let title = format!("Synthetic {word} Service {i}");
        let title_line = doc.line + 1;
        doc.push(&title);
        doc.push("");
        let mut description = format!("The Synthetic {word} Service {i} provides {word} features to the network.");
        for _ in 0..rng.below(3) {
            let _ = write!(description, " It uses RPC and SMB to talk to clients in the domain.");
        }
        doc.push(&description);
        // A line of no-break spaces where a blank line belongs, now and then.
        doc.push(if rng.chance(5) { "\u{a0}" } else { "" });
        let name = format!("Svc{i}");
        let system_service_name = match rng.below(100) {
            0..=2 => {
                doc.push(&format!("System Service Name{name}"));
                doc.push("");
                Some(name)
            }
            3..=9 => None,
            _ => {
                doc.push(&format!("System Service Name {name}"));
                doc.push("");
                Some(name)
            }
        };
        if rng.chance(10) {
            doc.push(&format!("Default Ports for Synthetic Service {i}"));
            doc.push("");
        }
        doc.push("Application protocol Protocol Port");
        let _ = title_line;
        let mut seen = HashSet::new();
        let rows = 1 + rng.below(8);
        let mut first: Option<(String, &'static str, String)> = None;
        for _ in 0..rows {
            let application = APPLICATIONS[rng.below(APPLICATIONS.len() as u64) as usize].to_string();
            let roll = rng.below(1000);
            let (transport, transport_raw, ip, port_raw, port, kind) = match roll {
                0..=9 => ("GRE", "GRE", 47, "n/a".to_string(), None, "none"),
                // The corpus states no dynamic range: RANDOM has none (NULL ports).
                10..=59 => ("TCP", "TCP", 6, "RANDOM".to_string(), None, "dynamic"),
                60..=64 => {
                    let p = 1 + rng.below(65535) as u16;
                    ("UDP", "UPD", 17, p.to_string(), Some((p, p)), "fixed")
                }
                _ => {
                    let p = 1 + rng.below(65535) as u16;
                    let (t, ip) = if rng.below(3) == 0 { ("UDP", 17) } else { ("TCP", 6) };
                    (t, t, ip, p.to_string(), Some((p, p)), "fixed")
                }
            };
            if !seen.insert((application.clone(), transport, port)) {
                continue;
            }
            let source_line = doc.line + 1;
            doc.push(&application);
            doc.push(transport_raw);
            doc.push(&port_raw);
            if first.is_none() {
                first = Some((application.clone(), transport_raw, port_raw.clone()));
            }
            emit_rule(&ExpectedRule {
                service: title.clone(),
                system_service_name: system_service_name.clone(),
                application_protocol: application,
                transport,
                ip_protocol: ip,
                port,
                port_kind: kind,
                port_raw,
                transport_raw,
                source_line,
            });
        }
        // A row repeated within its section, now and then: loaded once.
        if rng.chance(10)
            && let Some((application, transport_raw, port_raw)) = first
        {
            doc.push(&application);
            doc.push(transport_raw);
            doc.push(&port_raw);
        }
        doc.push("");
        if doc.text.len() > 1 << 16 {
            emit_text(&doc.text);
            doc.text.clear();
        }
    }
    doc.push("Synthetic Software, Inc.");
    emit_text(&doc.text);
}

/// The CSV header of the expected rows: the columns of `port_rules`.
pub const CSV_HEADER: &str = "source,service,system_service_name,application_protocol,transport,ip_protocol,port_low,port_high,port_kind,port_raw,transport_raw,source_line";

/// The columns of a table row flattened by hand (see `examples/gen_corpus.rs`).
pub const COMPACT_HEADER: &str = "service,system_service_name,application_protocol,protocol,port";

/// A table row as a person flattens it: the cells as written.
pub fn compact_record(rule: &ExpectedRule) -> String {
    format!(
        "{},{},{},{},{}",
        rule.service,
        rule.system_service_name.as_deref().unwrap_or(""),
        rule.application_protocol,
        rule.transport_raw,
        rule.port_raw
    )
}

/// One expected row as a CSV record (no field needs quoting in the synthetic corpus).
pub fn csv_record(source: &str, rule: &ExpectedRule) -> String {
    let (low, high) = rule.port.map_or((String::new(), String::new()), |(l, h)| (l.to_string(), h.to_string()));
    format!(
        "{source},{},{},{},{},{},{low},{high},{},{},{},{}",
        rule.service,
        rule.system_service_name.as_deref().unwrap_or(""),
        rule.application_protocol,
        rule.transport,
        rule.ip_protocol,
        rule.port_kind,
        rule.port_raw,
        rule.transport_raw,
        rule.source_line
    )
}
