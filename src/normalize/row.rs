//! One table row to its rules, in three steps: reading the cells (here), building rules per value
//! and removing repeats ([`super::rules`]). A row that cannot be read becomes a problem and leaves
//! no anomalies: the problem says it all.

use super::ledger::Ledger;
use super::port::{self, PortContext};
use super::rules::{SeenRules, add_unrepeated, build_rules};
use super::text;
use super::transport::Transport;
use super::words::{Direction, read_direction};
use super::{NormalizeOptions, NormalizedSection};
use crate::anomaly::AnomalyKind;
use crate::error::Problem;
use crate::parse::table::RowCells;
use crate::parse::{Located, TableRow};

/// A row that cannot be read: the line of the cell at fault and what was expected.
pub(super) type Unreadable = (u32, String);

/// One cell holding ports: the port column, or a column named after a transport.
pub(super) struct PortCell {
    /// The cell's words, cleaned.
    pub text: String,
    /// Its line.
    pub line: u32,
    /// The transports the column is named after (`Description|UDP|TCP`, `TCP/UDP ports`); empty
    /// for the port column.
    pub transports: Vec<Transport>,
    /// The header of a further port column (`Internal port`), kept in the rules' note; `None` for
    /// the port column and the transport columns.
    pub column: Option<String>,
    /// Whether the cell carried a footnote mark (`DYNAMIC [Note 6]`): its note, not the document,
    /// says what a dynamic word in it means.
    pub marked: bool,
}

/// What a row says besides its ports and transports, the same for each of its rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleContext {
    /// Which way the traffic flows, where the row says.
    pub direction: Option<Direction>,
    /// The page's words for the `From` end.
    pub from_endpoint: Option<String>,
    /// The page's words for the `To` end.
    pub to_endpoint: Option<String>,
    /// Client (source) ports, first and last.
    pub source_ports: Option<(u16, u16)>,
    /// The row's remarks: its label row, note and comment cells, footnotes below the table.
    pub notes: Vec<String>,
    /// Every cell of the row as a JSON object, header -> cell text.
    pub row_cells: Option<String>,
    /// The remote address, host name or URL the row names (an `Address`, `FQDN` or `URL` column).
    pub address: Option<String>,
}

/// One range of a client port cell, with the transports it names (none: every transport).
pub(super) struct ClientPorts {
    pub range: (u16, u16),
    pub transports: Vec<Transport>,
}

/// The cells of a row, cleaned (and ledgered where cleaning changed them).
pub(super) struct RowText {
    /// The client port ranges; each rule is loaded once per range of its transport.
    pub client_ports: Vec<ClientPorts>,
    pub line: u32,
    pub application: String,
    /// The protocol cell (line breaks kept) and its line; `None` where the table has no protocol
    /// column.
    pub protocol: Option<(String, u32)>,
    pub ports: Vec<PortCell>,
    /// Where the row has no port cell: its words, and the problem if it turns out to need one.
    pub cut_short: Option<(String, Unreadable)>,
    pub context: RuleContext,
}

/// The words a row's problems quote: its cells, joined.
fn row_raw(row: &TableRow) -> String {
    let cells: Vec<&str> = row.cells.iter().map(|c| c.text.trim()).collect();
    if cells.iter().all(|c| c.is_empty()) {
        return format!("|{}|", cells.join("|"));
    }
    cells.join(" / ").replace('\n', " ")
}

/// Normalizes one table row into zero or more rules, ledgering as it goes. `title` is the
/// section's, for a row that names no application protocol.
pub(super) fn normalize_row(
    cells: &RowCells<'_>,
    options: &NormalizeOptions,
    title: &str,
    seen: &mut SeenRules,
    out: &mut NormalizedSection,
) {
    let row = cells.row;
    let mut ledger = Ledger::new(cells.line);
    if row.cells.iter().all(|c| c.text.trim().is_empty()) {
        ledger.note(AnomalyKind::EmptyRow, row_raw(row), None, "A table row with every cell empty; nothing to load.");
        out.anomalies.extend(ledger.into_entries());
        return;
    }
    let rules =
        read_cells(cells, options, title, &mut ledger).and_then(|text| build_rules(&text, options, &mut ledger));
    match rules {
        Ok(rules) => {
            out.anomalies.extend(ledger.into_entries());
            add_unrepeated(rules, seen, out);
        }
        Err((line, message)) => out.problems.push(Problem { line, raw: row_raw(row), message }),
    }
}

/// The problem of a row with fewer cells than its table has columns.
fn cut_short(row: &TableRow, width: usize) -> Unreadable {
    let found: Vec<String> = row.cells.iter().map(|c| format!("\"{}\"", c.text.trim())).collect();
    let message = format!(
        "table row cut short: expected {width} cells (application protocol, protocol, port), found {}{}",
        row.cells.len(),
        if found.is_empty() { String::new() } else { format!(": {}", found.join(", ")) }
    );
    (row.line, message)
}

/// One cell cleaned: markup the reader removed is ledgered before what `clean` removes (footnote
/// marks), in the order the two were removed.
fn read_cell(located: &Located, what: &str, ledger: &mut Ledger) -> String {
    read_cell_keeping_marks(located, what, ledger).0
}

/// [`read_cell`], returning the footnote marks removed too.
fn read_cell_keeping_marks(located: &Located, what: &str, ledger: &mut Ledger) -> (String, Vec<String>) {
    let mut marks = Ledger::new(ledger.line());
    let (cleaned, removed) = text::clean_keeping_marks(&located.text, what, &mut marks);
    text::ledger_markup(located, &cleaned, what, ledger);
    ledger.append(&mut marks);
    (cleaned, removed)
}

/// A cell's words on one line, `None` where it is empty.
fn words_of(cell: Option<&Located>, what: &str, ledger: &mut Ledger) -> Option<String> {
    let words = text::one_line(read_cell(cell?, what, ledger));
    (!words.is_empty()).then_some(words)
}

/// Step one: the row's cells, each cleaned, and cells beyond the header ledgered.
fn read_cells(
    cells: &RowCells<'_>,
    options: &NormalizeOptions,
    title: &str,
    ledger: &mut Ledger,
) -> Result<RowText, Unreadable> {
    let row = cells.row;
    let mut marks = Vec::new();
    let application = application_of(cells, title, &mut marks, ledger);
    // Line breaks stay: they separate the cell's values (`HTTPS<br/>TCP`).
    let protocol = cells.transport.map(|c| (read_cell(c, "protocol cell", ledger), c.line));
    let ports = port_cells_of(cells, &mut marks, ledger);
    let short = (cells.port.is_none() && cells.transport_ports.is_empty())
        .then(|| (row_raw(row), cut_short(row, cells.header_len)));
    let extra: Vec<&str> = row.cells.iter().skip(cells.header_len).map(|c| c.text.trim()).collect();
    if extra.iter().any(|c| !c.is_empty()) {
        ledger.note(
            AnomalyKind::ExtraCell,
            extra.join(" / ").replace('\n', " "),
            None,
            format!("The row has {} cell(s) more than its header; they were not loaded.", extra.len()),
        );
    }
    let client_ports = match words_of(cells.client_port, "client port cell", ledger) {
        Some(words) => client_ports(&words, options, ledger),
        None => Vec::new(),
    };
    let mut context = rule_context(cells, ledger);
    // Footnote marks removed from the application and port cells stay with the rule, in its note
    // (unless a footnote below the table that opens with the mark says more).
    marks.retain(|mark| !context.notes.iter().any(|note| note.starts_with(mark.as_str())));
    context.notes.splice(0..0, marks);
    Ok(RowText { client_ports, line: cells.line, application, protocol, ports, cut_short: short, context })
}

/// The row's application protocol, a footnote mark after it moved to `marks`; the section title
/// where the row names none.
fn application_of(cells: &RowCells<'_>, title: &str, marks: &mut Vec<String>, ledger: &mut Ledger) -> String {
    let Some(words) = words_of(cells.application, "application protocol", ledger) else {
        let raw = cells.application.map_or(String::new(), |c| c.text.trim().to_string());
        let message = format!("The row names no application protocol; loaded under the section title \"{title}\".");
        ledger.note(AnomalyKind::ApplicationFromTitle, raw, Some(title.to_string()), message);
        return title.to_string();
    };
    let Some((name, mark)) = text::trailing_mark(&words) else { return words };
    let message = format!("Footnote mark(s) {mark} removed from the application protocol and kept in the note.");
    ledger.note(AnomalyKind::FootnoteMark, words.clone(), Some(name.to_string()), message);
    marks.push(mark.to_string());
    name.to_string()
}

/// The cells holding the row's ports: the port column (with its end column: `2379`, `2380`
/// read as `2379 - 2380`), and each column named after a transport.
fn port_cells_of(cells: &RowCells<'_>, marks: &mut Vec<String>, ledger: &mut Ledger) -> Vec<PortCell> {
    let mut ports = Vec::new();
    if let Some(start) = cells.port {
        let (mut text, removed) = read_cell_keeping_marks(start, "port cell", ledger);
        let marked = !removed.is_empty();
        marks.extend(removed);
        if let Some(end) = words_of(cells.port_end, "end port cell", ledger).filter(|end| *end != text) {
            text = format!("{text} - {end}");
        }
        ports.push(PortCell { text, line: start.line, transports: Vec::new(), column: None, marked });
    }
    for (header, cell) in &cells.more_ports {
        let (text, removed) = read_cell_keeping_marks(cell, "port cell", ledger);
        let marked = !removed.is_empty();
        marks.extend(removed);
        let column = Some(text::collapse_whitespace(header));
        ports.push(PortCell { text, line: cell.line, transports: Vec::new(), column, marked });
    }
    for (header, cell) in &cells.transport_ports {
        let (text, removed) = read_cell_keeping_marks(cell, "port cell", ledger);
        let transports = header.split(|c: char| !c.is_ascii_alphanumeric()).filter_map(Transport::from_name).collect();
        ports.push(PortCell { text, line: cell.line, transports, column: None, marked: !removed.is_empty() });
    }
    ports
}

/// What the row says besides its ports: direction, endpoints, client ports, notes, every cell.
fn rule_context(cells: &RowCells<'_>, ledger: &mut Ledger) -> RuleContext {
    let mut context = RuleContext {
        from_endpoint: words_of(cells.from, "from cell", ledger),
        to_endpoint: words_of(cells.to, "to cell", ledger),
        address: words_of(cells.address, "address cell", ledger),
        ..RuleContext::default()
    };
    if let Some(words) = words_of(cells.direction, "direction cell", ledger) {
        context.direction = read_direction(&words);
        if context.direction.is_none() {
            let message = format!("The direction cell \"{words}\" names no direction; loaded as NULL.");
            ledger.note(AnomalyKind::UnreadCell, words, None, message);
        }
    }
    context.notes.extend(cells.group.map(|g| text::collapse_whitespace(&g.text)));
    // Notes are kept as the page words them (footnote marks included), like description
    // paragraphs: white space collapsed, nothing removed, so nothing to ledger.
    let notes = cells.notes.iter().map(|n| text::collapse_whitespace(&n.text)).filter(|n| !n.is_empty());
    context.notes.extend(notes);
    // A table of only the three regular columns loses nothing: its cells are the rule's columns.
    let regular =
        cells.all.len() == 3 && cells.application.is_some() && cells.transport.is_some() && cells.port.is_some();
    context.row_cells = (!regular).then(|| row_cells(&cells.all));
    context
}

/// The client port ranges a client port cell gives, each with the transports it names
/// (`53,1024-65535/TCP/UDP`); none for `Any` or words that are no ports (ledgered).
fn client_ports(words: &str, options: &NormalizeOptions, ledger: &mut Ledger) -> Vec<ClientPorts> {
    let context = PortContext { application: "", dynamic_range: options.dynamic_range };
    let mut inner = Ledger::new(ledger.line());
    match port::parse_ports(words, &context, &mut inner) {
        Ok(values) => {
            ledger.append(&mut inner);
            values
                .into_iter()
                .filter_map(|v| Some(ClientPorts { range: v.spec.range?, transports: v.transports }))
                .collect()
        }
        Err(_) => {
            let message = format!("The client port cell \"{words}\" gives no port or range; loaded as NULL.");
            ledger.note(AnomalyKind::UnreadCell, words, None, message);
            Vec::new()
        }
    }
}

/// Every cell as a JSON object, header -> cell text (white space collapsed); a header seen twice
/// gets its column number, so no cell is lost.
fn row_cells(all: &[(&str, &Located)]) -> String {
    let mut object = serde_json::Map::new();
    for (i, (header, cell)) in all.iter().enumerate() {
        let mut key = text::collapse_whitespace(header);
        if object.contains_key(&key) {
            key = format!("{key} ({})", i + 1);
        }
        object.insert(key, serde_json::Value::String(text::collapse_whitespace(&cell.text)));
    }
    serde_json::Value::Object(object).to_string()
}
