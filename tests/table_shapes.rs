//! One small page per table shape the readers know (`tests/fixtures/shapes/<shape>.*`), each
//! named after its shape: the columns are found by what their headers (or cells) say, and each
//! row's cells reach its rules by role.

use crate::common::*;

/// Loads a shape's page; its rules as `service|application|transport|low|high|line`, and the
/// database for more.
fn shape(file: &str) -> (Vec<String>, tempfile::TempDir) {
    let dir = workdir();
    let db = ingest(dir.path(), &format!("tests/fixtures/shapes/{file}"), "s.db", &[]);
    let rules = rows(
        &db,
        "SELECT service, application_protocol, transport, port_low, port_high, source_line FROM port_rules
         ORDER BY source_line, transport",
    );
    (rules.into_iter().map(|r| r.join("|")).collect(), dir)
}

fn db(dir: &tempfile::TempDir) -> rusqlite::Connection {
    open(&dir.path().join("s.db"))
}

#[test]
fn columns_by_their_cells() {
    // A `Service` column of transports is the transport; a question is a remark; of two port
    // headers the one of numbers is the port column (`Port name` holds names), a further one of
    // numbers gives rules of its own; a `TCP/UDP` column of transports is the transport; an
    // `Endpoint` column is the address, so rows that differ only there are no repeats.
    let (rules, dir) = shape("columns_by_their_cells.md");
    assert_eq!(
        rules,
        [
            "Required ports|Allow SMB|TCP|445|445|5",
            "Required ports|Allow cluster service|UDP|3343|3343|6",
            "Gossip|LAN Serf|TCP|8301|8301|12",
            "Gossip|LAN Serf|UDP|8301|8301|12",
            "Gossip|Server RPC|TCP|8300|8300|13",
            "Printer sharing|Printing requests|TCP|631|631|19",
            "Printer sharing|Service discovery|UDP|5353|5353|20",
            "Gateways|Web|NULL|443|443|26",
            "Gateways|Web|NULL|8443|8443|26",
            "Update endpoints|Update endpoints|TCP|443|443|32",
            "Update endpoints|Update endpoints|TCP|443|443|33"
        ]
    );
    let db = db(&dir);
    assert_eq!(rows(&db, "SELECT note FROM port_rules WHERE source_line = 5"), [["No"]]);
    assert_eq!(rows(&db, "SELECT note FROM port_rules WHERE port_low = 8443"), [["from the Internal port column"]]);
    assert_eq!(
        rows(&db, "SELECT address FROM port_rules WHERE source_line >= 32 ORDER BY source_line"),
        [["download.example.com"], ["updates.example.com"]]
    );
    assert_eq!(rows(&db, "SELECT direction FROM port_rules WHERE source_line = 20"), [["both"]]);
}

#[test]
fn transport_columns() {
    // `Description|UDP|TCP`: the column names the transport, the cell holds the port, `--` none.
    let (rules, _dir) = shape("transport_columns.md");
    assert_eq!(
        rules,
        [
            "Client --> Distribution point|HTTP|TCP|80|80|7",
            "Client --> Distribution point|DNS|TCP|53|53|8",
            "Client --> Distribution point|DNS|UDP|53|53|8"
        ]
    );
}

#[test]
fn start_and_end_ports() {
    // A range in two columns; a row without its End Port is one port. The page's
    // `#` heading is the service.
    let (rules, _dir) = shape("start_and_end_ports.md");
    assert_eq!(rules, ["Port requirements|etcd|TCP|2379|2380|5", "Port requirements|ssh|TCP|22|22|6"]);
}

#[test]
fn protocol_and_transport() {
    // `Protocol` beside `Transport` is the application protocol; From and To are the endpoints.
    let (rules, dir) = shape("protocol_and_transport.md");
    assert_eq!(
        rules,
        ["Required ports|DNS|TCP|53|53|7", "Required ports|DNS|UDP|53|53|7", "Required ports|RADIUS|UDP|1813|1813|8"]
    );
    assert_eq!(
        rows(&db(&dir), "SELECT DISTINCT from_endpoint, to_endpoint FROM port_rules WHERE source_line = 8"),
        [["RADIUS", "Sensor"]]
    );
}

#[test]
fn ports_with_their_transport() {
    // No transport column: the port cell names it (`25/TCP (SMTP)`); Source and Destination are the
    // endpoints, Comments the note.
    let (rules, dir) = shape("ports_with_their_transport.md");
    assert_eq!(
        rules,
        [
            "Network ports for mail flow|Inbound mail|TCP|25|25|5",
            "Network ports for mail flow|IMAP4 clients|TCP|143|143|6",
            "Network ports for mail flow|IMAP4 clients|TCP|993|993|6"
        ]
    );
    let context = rows(&db(&dir), "SELECT from_endpoint, to_endpoint, note FROM port_rules WHERE source_line = 5");
    assert_eq!(context[0][..2], ["Internet (any)", "Mailbox server"]);
    assert!(context[0][2].contains("Anonymous mail."), "{context:?}");
}

#[test]
fn client_and_server_ports() {
    // KB 179442: `Client Port(s)|Server Port|Service`, the transport in the cells.
    let (rules, dir) = shape("client_and_server_ports.md");
    assert_eq!(
        rules,
        [
            "Firewall for domains and trusts|RPC Endpoint Mapper|TCP|135|135|5",
            "Firewall for domains and trusts|DNS|TCP|53|53|6",
            "Firewall for domains and trusts|DNS|TCP|53|53|6",
            "Firewall for domains and trusts|DNS|UDP|53|53|6",
            "Firewall for domains and trusts|DNS|UDP|53|53|6"
        ]
    );
    // One rule per client range of its transport: 53, and 1024-65535.
    assert_eq!(
        rows(
            &db(&dir),
            "SELECT transport, source_port_low, source_port_high FROM port_rules WHERE source_line = 6
             ORDER BY transport, source_port_low"
        ),
        [["TCP", "53", "53"], ["TCP", "1024", "65535"], ["UDP", "53", "53"], ["UDP", "1024", "65535"]]
    );
    assert_eq!(
        rows(&db(&dir), "SELECT source_port_low, source_port_high FROM port_rules WHERE source_line = 5"),
        [["1024", "65535"]]
    );
}

#[test]
fn direction_and_used_by() {
    // Kubernetes: `Protocol|Direction|Port Range|Purpose|Used By`; the footnote below the table
    // reaches the row that carries its mark.
    let (rules, dir) = shape("direction_and_used_by.md");
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(rules[1].starts_with("Node(s)|") && rules[1].ends_with("|TCP|30000|32767|8"), "{rules:?}");
    assert_eq!(
        rows(&db(&dir), "SELECT direction, from_endpoint, note FROM port_rules ORDER BY source_line"),
        [["inbound", "Self, Control plane", "NULL"], ["inbound", "All", "† Default port range for NodePort Services."]]
    );
}

#[test]
fn ports_named_only_in_cells() {
    // A header that names no port: the cells say they hold ports (`TCP 80, TCP 443 (SSL)`).
    let (rules, _dir) = shape("ports_named_only_in_cells.md");
    let ports: Vec<&str> = rules.iter().map(|r| r.split_once("|TCP|").unwrap().1).collect();
    assert_eq!(ports, ["80|80|7", "443|443|7", "25|25|8"]);
}

#[test]
fn label_rows() {
    // `**Internet ports**||||` labels the rows below it: ledgered, and kept in their note.
    let (rules, dir) = shape("label_rows.md");
    assert_eq!(
        rules,
        [
            "Required ports|SSL|TCP|443|443|8",
            "Required ports|LDAP|TCP|389|389|10",
            "Required ports|LDAP|UDP|389|389|10"
        ]
    );
    let db = db(&dir);
    assert_eq!(
        rows(&db, "SELECT source_line, raw FROM anomalies WHERE kind = 'label_row' ORDER BY source_line"),
        [["7", "Internet ports"], ["9", "Internal ports"]]
    );
    assert_eq!(scalar::<String>(&db, "SELECT note FROM port_rules WHERE source_line = 8"), "Internet ports");
}

#[test]
fn continuation_rows() {
    // An empty first cell repeats the row above.
    let (rules, dir) = shape("continuation_rows.md");
    assert_eq!(rules, ["DNS Server|DNS|UDP|53|53|5", "DNS Server|DNS|TCP|53|53|6"]);
    assert_eq!(
        rows(&db(&dir), "SELECT source_line, normalized FROM anomalies WHERE kind = 'continuation_row'"),
        [["6", "DNS"]]
    );
}

#[test]
fn table_in_table() {
    // A layout table holding the page: its cells are read as page text, the inner table as a table.
    let (rules, _dir) = shape("table_in_table.html");
    assert_eq!(rules, ["DNS Server|DNS|UDP|53|53|7", "DNS Server|DNS|TCP|53|53|8"]);
}

#[test]
fn html_table_in_markdown() {
    // A Markdown page that writes its table in HTML: the HTML reader reads it, at the file's lines.
    let (rules, dir) = shape("html_table_in_markdown.md");
    assert_eq!(
        rules,
        ["Management server|SDK service|TCP|5724|5724|9", "Management server|Web console|TCP|443|443|10"]
    );
    assert_eq!(scalar::<String>(&db(&dir), "SELECT note FROM port_rules WHERE source_line = 9"), "Console and agents");
}

#[test]
fn spanned_cells() {
    // In a web page, a cell spanning rows stands in each (`rowspan`), a label spans the table
    // (`colspan`).
    let (rules, dir) = shape("spanned_cells.html");
    assert_eq!(rules, ["Required ports|DNS|UDP|53|53|6", "Required ports|DNS|TCP|53|53|7"]);
    assert_eq!(
        rows(&db(&dir), "SELECT source_line, raw FROM anomalies WHERE kind = 'label_row'"),
        [["5", "Internet ports"]]
    );
}

#[test]
fn no_header_row() {
    // A table without a header row: its first row holds ports like the others, so it is a row.
    let (rules, _dir) = shape("no_header_row.html");
    let ports: Vec<&str> = rules.iter().map(|r| r.split_once("|TCP|").unwrap().1).collect();
    assert_eq!(ports, ["80|80|5", "443|443|5", "25|25|6"]);
    assert!(rules[0].starts_with("Web farm|Web front end|"), "{rules:?}");
}

#[test]
fn table_in_a_cell() {
    // A port table with a table inside one of its cells: the port table is read, the inner table
    // as the cell's text (a table of tables that names no port is page layout: `table_in_table`).
    let (rules, dir) = shape("table_in_a_cell.html");
    assert_eq!(rules, ["Management server|SDK service|TCP|5724|5724|5", "Management server|Web console|TCP|443|443|6"]);
    assert_eq!(scalar::<String>(&db(&dir), "SELECT note FROM port_rules WHERE source_line = 5"), "Console Agents");
}
