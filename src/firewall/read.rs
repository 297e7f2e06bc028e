//! The rows of `port_rules` a firewall is made of, read in a fixed order, each checked: a
//! database from elsewhere may hold values kbingest never writes, and none of them is rendered.

use super::PortRule;
use crate::error::{Error, Result};
use crate::normalize::Transport;
use crate::store::Database;

/// Every row of `port_rules`, ordered so that the same database always gives the same rules.
/// A database from elsewhere may hold values kbingest never writes (IP protocol 0, which iptables
/// reads as every protocol; port 70000); such rows are refused, each named, rather than rendered.
pub fn read_port_rules(db: &Database) -> Result<Vec<PortRule>> {
    let sql = "SELECT source, service, system_service_name, application_protocol, transport, ip_protocol, \
               port_low, port_high, port_kind, port_raw, direction, icmp_type, source_port_low, source_port_high, \
               source_line FROM port_rules \
               ORDER BY source, source_line, service, ip_protocol, port_low, port_high, direction, icmp_type";
    let mut stmt = db.conn.prepare(sql).map_err(Error::sqlite(&db.path, "reading port_rules"))?;
    let mut refused = Vec::new();
    let mut rules = Vec::new();
    let mut rows = stmt.query([]).map_err(Error::sqlite(&db.path, "reading port_rules"))?;
    while let Some(r) = rows.next().map_err(Error::sqlite(&db.path, "reading port_rules"))? {
        let stored = Stored {
            source: r.get(0),
            service: r.get(1),
            system_service_name: r.get(2),
            application_protocol: r.get::<_, Option<String>>(3).map(Option::unwrap_or_default),
            transport: r.get(4),
            ip_protocol: r.get(5),
            ports: (r.get(6), r.get(7)),
            port_kind: r.get::<_, Option<String>>(8).map(Option::unwrap_or_default),
            port_raw: r.get::<_, Option<String>>(9).map(Option::unwrap_or_default),
            direction: r.get(10),
            icmp_type: r.get(11),
            source_ports: (r.get(12), r.get(13)),
            source_line: r.get(14),
        };
        match checked(stored) {
            Ok(rule) => rules.push(rule),
            Err(why) if refused.len() < 10 => refused.push(why),
            Err(_) => refused.push(String::new()),
        }
    }
    if refused.is_empty() {
        return Ok(rules);
    }
    let more = refused.iter().filter(|r| r.is_empty()).count();
    let mut lines: Vec<String> = refused.into_iter().filter(|r| !r.is_empty()).collect();
    if more > 0 {
        lines.push(format!("and {more} more such rows"));
    }
    Err(Error::database(
        &db.path,
        lines.join(&format!("\n{}: ", db.path)),
        "kbingest writes no such values: the database was changed by something else; nothing was written",
    ))
}

/// A row of `port_rules` as SQLite gives it, before any of it is trusted.
struct Stored {
    source: rusqlite::Result<String>,
    service: rusqlite::Result<String>,
    system_service_name: rusqlite::Result<Option<String>>,
    application_protocol: rusqlite::Result<String>,
    transport: rusqlite::Result<Option<String>>,
    ip_protocol: rusqlite::Result<Option<i64>>,
    ports: (rusqlite::Result<Option<i64>>, rusqlite::Result<Option<i64>>),
    port_kind: rusqlite::Result<String>,
    port_raw: rusqlite::Result<String>,
    direction: rusqlite::Result<Option<String>>,
    icmp_type: rusqlite::Result<Option<i64>>,
    source_ports: (rusqlite::Result<Option<i64>>, rusqlite::Result<Option<i64>>),
    source_line: rusqlite::Result<i64>,
}

/// The row as a [`PortRule`], or why it cannot be one (one line, naming the row).
fn checked(row: Stored) -> std::result::Result<PortRule, String> {
    let shown = |value: &rusqlite::Result<String>| value.as_ref().map_or("?".to_string(), Clone::clone);
    let line = row.source_line.as_ref().map_or("?".to_string(), i64::to_string);
    let at = format!("port_rules row at {}:{line} ({})", shown(&row.source), shown(&row.service));
    let at = super::trace::one_line(&at);
    let bad = |what: String| format!("{at}: {what}");
    let text = |value: rusqlite::Result<String>, column: &str| value.map_err(|_| bad(format!("{column} is not text")));
    let optional =
        |value: rusqlite::Result<Option<String>>, column: &str| value.map_err(|_| bad(format!("{column} is not text")));
    let number = |value: rusqlite::Result<Option<i64>>, column: &str| {
        value.map_err(|_| bad(format!("{column} is not an integer")))
    };
    let port = |value: Option<i64>, column: &str| match value {
        None => Ok(None),
        Some(p) => u16::try_from(p).map(Some).map_err(|_| bad(format!("{column} {p} is not a port (0-65535)"))),
    };
    let range = |(low, high): (Option<u16>, Option<u16>), what: &str| match (low, high) {
        (None, None) => Ok(None),
        (Some(l), Some(h)) if l <= h => Ok(Some((l, h))),
        (Some(l), Some(h)) => Err(bad(format!("{what} {l}-{h} ends before it starts"))),
        _ => Err(bad(format!("{what}: only one end of the range is given"))),
    };
    let transport = optional(row.transport, "transport")?;
    let ip_protocol = match number(row.ip_protocol, "ip_protocol")? {
        None => None,
        Some(n) => {
            let known = Transport::ALL.into_iter().find(|t| i64::from(t.ip_protocol()) == n);
            let Some(known) = known else {
                let list: Vec<String> =
                    Transport::ALL.iter().map(|t| format!("{} {}", t.ip_protocol(), t.name())).collect();
                return Err(bad(format!(
                    "IP protocol {n} is not one kbingest knows ({}); it is not rendered",
                    list.join(", ")
                )));
            };
            if transport.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case(known.name())) {
                return Err(bad(format!(
                    "transport {:?} does not match IP protocol {n} ({})",
                    super::trace::one_line(transport.as_deref().unwrap_or_default()),
                    known.name()
                )));
            }
            Some(known.ip_protocol())
        }
    };
    let ports =
        (port(number(row.ports.0, "port_low")?, "port_low")?, port(number(row.ports.1, "port_high")?, "port_high")?);
    let ports = range(ports, "ports")?;
    let source_ports = (
        port(number(row.source_ports.0, "source_port_low")?, "source_port_low")?,
        port(number(row.source_ports.1, "source_port_high")?, "source_port_high")?,
    );
    let icmp_type = match number(row.icmp_type, "icmp_type")? {
        None => None,
        Some(t) => Some(u8::try_from(t).map_err(|_| bad(format!("ICMP type {t} is not one (0-255)")))?),
    };
    let source_line = match row.source_line {
        Ok(l) => {
            u32::try_from(l).ok().filter(|l| *l >= 1).ok_or_else(|| bad(format!("source_line {l} is not a line")))?
        }
        Err(_) => return Err(bad("source_line is not an integer".into())),
    };
    Ok(PortRule {
        source: text(row.source, "source")?,
        service: text(row.service, "service")?,
        system_service_name: optional(row.system_service_name, "system_service_name")?,
        application_protocol: text(row.application_protocol, "application_protocol")?,
        transport,
        ip_protocol,
        ports,
        dynamic: text(row.port_kind, "port_kind")? == "dynamic",
        port_raw: text(row.port_raw, "port_raw")?,
        direction: optional(row.direction, "direction")?,
        icmp_type,
        source_ports: range(source_ports, "client ports")?,
        source_line,
    })
}
