//! The role of each column of a table, from what its header says (in any order and wording), and,
//! where a header names no port, from what its cells hold.

use crate::parse::TableRow;

/// What a column of a port table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The row's application protocol, service, purpose or feature (`Application protocol`,
    /// `Service`, `Purpose`, `Description`, `Rule name`, ...).
    Application,
    /// The transport (`Protocol`, `Transport`).
    Transport,
    /// The port or ports (`Port`, `Ports`, `Port Range`, `Server Port`, `Destination port`, `Start Port`).
    Port,
    /// The last port of a range whose first is in the [`Role::Port`] column (`End Port`).
    PortEnd,
    /// Ports of the transport the header names (`Description|UDP|TCP`).
    TransportPort,
    /// Client (source) ports (`Client Port(s)`, `Source port`).
    ClientPort,
    /// A further column of ports of the same kind as the [`Role::Port`] column (`Internal port`
    /// beside `External port`): its ports are rules of their own.
    MorePorts,
    /// Which way the traffic flows (`Direction`).
    Direction,
    /// Where the traffic comes from (`From`, `Source`, `Used By`).
    From,
    /// Where it goes (`To`, `Destination`, `Target`, `Server role`).
    To,
    /// A remark on the row (`Notes`, `Comments`, a question such as `Can the ports be changed?`).
    Note,
    /// The remote address, host name or URL the row is about (`Address`, `FQDN`, `URL`, `Endpoint`).
    Address,
    /// The system service name of a summary table.
    SystemServiceName,
    /// Anything else: kept in the row's cells only.
    Other,
}

/// A header cell's words: lower case, markup stars and underscores gone, `(s)` folded, spaces collapsed.
/// One pass, one allocation: every table's header is read this way, several times.
pub(crate) fn header_words(header: &str) -> String {
    let mut words = String::with_capacity(header.len());
    let mut space = false;
    let mut rest = header;
    while let Some(c) = rest.chars().next() {
        let c = if let Some(after) = rest.strip_prefix("(s)") {
            rest = after;
            's'
        } else {
            rest = &rest[c.len_utf8()..];
            if matches!(c, '*' | '_' | ':' | '\u{a0}') { ' ' } else { c.to_ascii_lowercase() }
        };
        if c.is_whitespace() {
            space = !words.is_empty();
        } else {
            if space {
                words.push(' ');
                space = false;
            }
            words.push(c);
        }
    }
    words
}

/// Whether a header names only transports, whose ports its cells hold: `UDP`, `TCP ports`,
/// `TCP/UDP`, `UDP and TCP port`.
pub(crate) fn names_transports_only(words: &str) -> bool {
    let words = ["port numbers", "port number", "ports", "port"]
        .iter()
        .find_map(|suffix| words.strip_suffix(suffix))
        .unwrap_or(words)
        .trim();
    let mut names = words.split(['/', ',', ' ']).filter(|w| !w.is_empty() && *w != "and" && *w != "or").peekable();
    names.peek().is_some() && names.all(|w| matches!(w, "tcp" | "udp" | "sctp"))
}

/// How strongly a header names the row's application: lower is stronger.
fn application_rank(words: &str) -> Option<u8> {
    Some(match words {
        "application protocol" | "application protocols" | "application" => 0,
        "service name" | "service" | "services" => 1,
        "purpose" | "feature" | "scenario" | "function" | "usage" | "used for" => 2,
        "rule name" | "rule" | "name" | "port name" => 3,
        "component" | "components" | "role" | "traffic" | "communication" => 4,
        "description" => 5,
        _ => return None,
    })
}

/// The role of a header cell, ignoring its neighbours (`Protocol` is settled later: `None`).
fn role_of(words: &str) -> Option<Role> {
    // The words that decide the last arms, found in one pass rather than one per question.
    let (mut client_or_source, mut port) = (false, false);
    for word in words.split(|c: char| !c.is_alphanumeric()) {
        client_or_source |= matches!(word, "client" | "source");
        port |= matches!(word, "port" | "ports");
    }
    let role = match words {
        "system service name" | "system service" | "system service names" => Role::SystemServiceName,
        "protocol" | "protocols" | "protocol type" => return None,
        "transport" | "transport protocol" | "transport protocols" | "ip protocol" | "layer 4 protocol" => {
            Role::Transport
        }
        "direction" | "traffic direction" | "inbound/outbound" => Role::Direction,
        "from" | "source" | "source ip" | "source address" | "source computer" | "client" | "initiator" | "used by"
        | "origin" => Role::From,
        "to"
        | "destination"
        | "destination ip"
        | "destination address"
        | "destination computer"
        | "target"
        | "server"
        | "server role"
        | "to/from"
        | "listener" => Role::To,
        "notes" | "note" | "comments" | "comment" | "remarks" | "remark" | "details" | "more information"
        | "considerations" => Role::Note,
        // A question about the ports is a remark on them, not a port column.
        w if w.ends_with('?') => Role::Note,
        "address" | "addresses" | "ip address" | "ip addresses" | "remote address" | "remote addresses" | "fqdn"
        | "fqdns" | "url" | "urls" | "endpoint" | "endpoints" | "host name" | "host names" | "hostname"
        | "hostnames" | "domain" | "domains" | "domain name" | "destination fqdn" | "destination url"
        | "remote host" | "target url" => Role::Address,
        w if names_transports_only(w) => Role::TransportPort,
        // A port's name (`Port Name`: `rest_port`) names the row's application, not its ports.
        "port name" | "port names" => Role::Other,
        _ if client_or_source && port => Role::ClientPort,
        "end port" | "port end" | "last port" | "to port" | "high port" | "end" => Role::PortEnd,
        _ if port => Role::Port,
        _ => Role::Other,
    };
    Some(role)
}

/// Whether a header cell names a port column or a transport's ports.
pub(crate) fn names_ports(header: &str) -> bool {
    matches!(role_of(&header_words(header)), Some(Role::Port | Role::TransportPort))
}

/// Whether a header cell names a role (anything but [`Role::Other`]).
pub(crate) fn names_a_role(header: &str) -> bool {
    let words = header_words(header);
    role_of(&words) != Some(Role::Other) || application_rank(&words).is_some()
}

/// Whether a cell reads as transport words (`TCP`, `UDP and TCP`, `TCP (TLS)`), or is empty.
fn names_transport(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "tcp" | "udp" | "icmp" | "gre" | "esp" | "ah"))
}

/// Whether a cell holds a port as people write one with its transport: `TCP 80`, `443/TCP`, `UDP/53`.
pub(crate) fn holds_port(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).any(|w| {
        let transport = |x: &str| matches!(x, "tcp" | "udp");
        let port = |x: &str| x.parse::<u32>().is_ok_and(|n| n <= 65535);
        (transport(w[0]) && port(w[1])) || (port(w[0]) && transport(w[1]))
    })
}

/// Whether a cell holds a number that can be a port (a run of 1 to 5 digits, at most 65535, not
/// part of a word or a decimal such as `2.0`).
pub fn holds_port_number(cell: &str) -> bool {
    let bytes = cell.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let glued = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphabetic() || *b == b'.' || *b == b'_');
        let before = start.checked_sub(1).and_then(|j| bytes.get(j));
        let decimal = bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if i - start <= 5 && !glued(before) && !decimal && cell[start..i].parse::<u32>().is_ok_and(|n| n <= 65535) {
            return true;
        }
    }
    false
}

/// Whether a cell says nothing is meant (`n/a`, `--`).
fn says_none(cell: &str) -> bool {
    let lower = cell.trim().to_ascii_lowercase();
    let head = lower.split('(').next().unwrap_or("").trim();
    matches!(head, "n/a" | "na" | "--" | "-" | "—" | "none" | "not applicable")
}

/// Whether most of a column's cells that say something name only transports (`TCP`, `TCP/UDP`,
/// `UDP and TCP`, `TCP (TLS)`): a transport column. Cells that say nothing is meant (`n/a`) count
/// neither way.
fn holds_transports(rows: &[TableRow], column: usize) -> bool {
    let cells: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.cells.get(column))
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty() && !says_none(t))
        .collect();
    let yes = cells.iter().filter(|c| is_transport_cell(c)).count();
    yes > 0 && yes * 2 >= cells.len()
}

/// Whether a cell names only transports (`TCP`, `TCP/UDP`, `UDP and TCP`, `TCP (TLS)`).
fn is_transport_cell(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    let head = lower.split('(').next().unwrap_or("").trim();
    let mut words =
        head.split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | '&' | '+')).filter(|w| !w.is_empty());
    let mut any = false;
    words.all(|w| {
        any |= matches!(w, "tcp" | "udp" | "icmp" | "gre" | "esp" | "ah" | "sctp" | "icmpv6" | "icmpv4");
        matches!(
            w,
            "tcp" | "udp" | "icmp" | "gre" | "esp" | "ah" | "sctp" | "icmpv6" | "icmpv4" | "and" | "or" | "only"
        )
    }) && any
}

/// Whether a cell lists at least three ports as people write them with their transport (`TCP 80,
/// TCP 443 (SSL) ... TCP 808`): a cell about ports, whatever its column's header says.
fn lists_ports(cell: &str) -> bool {
    let lower = cell.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let transport = |x: &str| matches!(x, "tcp" | "udp");
    let port = |x: &str| x.parse::<u32>().is_ok_and(|n| n <= 65535);
    words.windows(2).filter(|w| (transport(w[0]) && port(w[1])) || (port(w[0]) && transport(w[1]))).count() >= 3
}

/// Whether most of a column's non-empty cells satisfy `test` (and at least one does).
fn mostly(rows: &[TableRow], column: usize, test: impl Fn(&str) -> bool) -> bool {
    let cells: Vec<&str> =
        rows.iter().filter_map(|r| r.cells.get(column)).map(|c| c.text.trim()).filter(|t| !t.is_empty()).collect();
    let yes = cells.iter().filter(|c| test(c)).count();
    yes > 0 && yes * 2 >= cells.len()
}

/// Settles by their cells what headers leave open: a column named after a transport whose cells
/// are transports (`TCP/UDP` over `TCP`, `UDP`) is the transport column, as is, where no header
/// names one, a column whose cells are all transports (a `Service` column of `TCP`s); of several
/// columns whose headers say "port", the one whose cells hold port numbers is the port column,
/// others holding numbers are further port columns, and the rest (a column of port names) are not.
fn settle_by_cells(roles: &mut [Option<Role>], rows: &[TableRow]) {
    for (i, role) in roles.iter_mut().enumerate() {
        if *role == Some(Role::TransportPort) && holds_transports(rows, i) {
            *role = Some(Role::Transport);
        }
    }
    if !roles.iter().any(|r| matches!(r, Some(Role::Transport) | None)) {
        let column = (0..roles.len()).find(|&i| {
            matches!(roles[i], Some(Role::Other | Role::Note)) && holds_transports(rows, i) && all_filled(rows, i)
        });
        if let Some(i) = column {
            roles[i] = Some(Role::Transport);
        }
    }
    let ports: Vec<usize> = (0..roles.len()).filter(|&i| roles[i] == Some(Role::Port)).collect();
    if ports.len() < 2 {
        return;
    }
    let numbered: Vec<usize> = ports.iter().copied().filter(|&i| mostly(rows, i, holds_port_number)).collect();
    let Some(&first) = numbered.first().or(ports.first()) else { return };
    for i in ports {
        if i != first {
            roles[i] = Some(if numbered.contains(&i) { Role::MorePorts } else { Role::Other });
        }
    }
}

/// Whether every row has a non-empty cell in the column.
fn all_filled(rows: &[TableRow], column: usize) -> bool {
    rows.iter().all(|r| r.cells.get(column).is_some_and(|c| !c.text.trim().is_empty()))
}

/// The role of every column, or `None` where the table holds no ports by header or by cells.
pub(crate) fn roles(header: &[String], rows: &[TableRow]) -> Option<Vec<Role>> {
    let words: Vec<String> = header.iter().map(|h| header_words(h)).collect();
    let mut roles: Vec<Option<Role>> = words.iter().map(|w| role_of(w)).collect();
    settle_by_cells(&mut roles, rows);
    // Only the first column of a role that can be had once keeps it.
    for i in 0..roles.len() {
        let once = matches!(
            roles[i],
            Some(
                Role::Port
                    | Role::PortEnd
                    | Role::Transport
                    | Role::ClientPort
                    | Role::Direction
                    | Role::From
                    | Role::To
            )
        );
        if once && roles[..i].contains(&roles[i]) {
            roles[i] = Some(Role::Other);
        }
    }
    // The application: the header that names it most strongly.
    let application = (0..words.len())
        .filter(|&i| roles[i] == Some(Role::Other))
        .filter_map(|i| application_rank(&words[i]).map(|rank| (rank, i)))
        .min();
    let has_transport = roles.contains(&Some(Role::Transport));
    for (i, role) in roles.iter_mut().enumerate() {
        if role.is_none() {
            // `Protocol`: the application protocol beside a `Transport` column, or where its cells
            // are not transports and nothing else names the application; else the transport.
            let strong_application = application.is_some_and(|(rank, _)| rank < 5);
            // The cells are looked at only where the headers leave it open.
            let is_application = has_transport
                || (!strong_application && !mostly(rows, i, names_transport) && mostly(rows, i, |_| true));
            *role = Some(if is_application { Role::Application } else { Role::Transport });
        }
    }
    let mut roles: Vec<Role> = roles.into_iter().map(|r| r.unwrap_or(Role::Other)).collect();
    if !roles.contains(&Role::Application) {
        match application {
            Some((_, i)) => roles[i] = Role::Application,
            None => {
                if let Some(i) = roles.iter().position(|&r| r == Role::Other) {
                    roles[i] = Role::Application;
                }
            }
        }
    }
    for (i, w) in words.iter().enumerate() {
        if w == "description" && roles[i] == Role::Other {
            roles[i] = Role::Note;
        }
    }
    let has_ports = roles.iter().any(|r| matches!(r, Role::Port | Role::TransportPort));
    if !has_ports {
        // A header that names no port: a column whose cells say they hold ports (most of them, or
        // one listing several, as a table of settings may).
        let column = (0..roles.len()).find(|&i| {
            matches!(roles[i], Role::Other | Role::Note | Role::Application)
                && (mostly(rows, i, holds_port)
                    || rows.iter().any(|r| r.cells.get(i).is_some_and(|c| lists_ports(&c.text))))
        })?;
        roles[column] = Role::Port;
    }
    Some(roles)
}
