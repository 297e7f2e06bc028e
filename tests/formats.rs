//! reStructuredText, AsciiDoc and MDX pages, and Markdown pages with template lines in or around
//! their tables (`tests/fixtures/formats/`, see its README): each loads by default and gives exactly
//! the rules it states, as (service, transport, ports); `-` is no transport or no port.

use crate::common::*;
use std::collections::BTreeSet;

const DIR: &str = "tests/fixtures/formats";

/// The distinct (service, transport, ports) of a page loaded with `extra` options.
fn loaded(page: &str, extra: &[&str]) -> (BTreeSet<String>, rusqlite::Connection) {
    let dir = workdir();
    let db = ingest(dir.path(), &format!("{DIR}/{page}"), "f.db", extra);
    let rules = rows(
        &db,
        "SELECT DISTINCT service, coalesce(transport, '-'), \
         CASE WHEN port_low IS NULL THEN '-' WHEN port_low = port_high THEN port_low \
         ELSE port_low || '-' || port_high END FROM port_rules",
    );
    (rules.into_iter().map(|r| r.join(" | ")).collect(), db)
}

fn check_with(page: &str, extra: &[&str], want: &[&str]) -> rusqlite::Connection {
    let (found, db) = loaded(page, extra);
    let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, want, "{page}: missing {:?}, extra {:?}", want.difference(&found), found.difference(&want));
    db
}

fn check(page: &str, want: &[&str]) -> rusqlite::Connection {
    check_with(page, &[], want)
}

fn kinds(db: &rusqlite::Connection) -> BTreeSet<String> {
    rows(db, "SELECT DISTINCT kind FROM anomalies").into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn rst_list_table() {
    let db = check(
        "own/list-table.rst",
        &[
            "LDAP | TCP | 389",
            "LDAP | TCP | 636",
            "LDAP | TCP | 3268-3269",
            "Kerberos | UDP | 88",
            "Kerberos | TCP | 464",
        ],
    );
    // The item over two lines is one cell; ``636`` is ledgered as markup.
    let names = rows(&db, "SELECT application_protocol FROM port_rules WHERE port_low = 636");
    assert_eq!(names, [["LDAP over SSL"]]);
    assert!(kinds(&db).contains("inline_markup"));
}

#[test]
fn rst_csv_table() {
    check("own/csv-table.rst", &["SMTP | TCP | 25", "SMTP | TCP | 587", "IMAP | TCP | 143", "IMAP | TCP | 993"]);
}

#[test]
fn rst_grid_table() {
    let db = check(
        "own/grid-table.rst",
        &["DNS Server | UDP | 53", "DNS Server | TCP | 53", "DHCP Server | UDP | 67", "DHCP Server | TCP | 647"],
    );
    // The cell spanning two rows stands in both; its two lines are one name.
    let spanned = rows(&db, "SELECT DISTINCT application_protocol FROM port_rules WHERE port_low = 53 ORDER BY 1");
    assert_eq!(spanned, [["DNS queries"], ["Zone transfer"]]);
}

#[test]
fn rst_simple_table() {
    check(
        "own/simple-table.rst",
        &[
            "HTTP | TCP | 80",
            "HTTP | TCP | 443",
            "HTTP | UDP | 443",
            "Remote management | TCP | 5985",
            "Remote management | TCP | 5986",
        ],
    );
}

#[test]
fn rst_definition_list_terms_title_their_tables() {
    // Each term over a table is a section of its own: LDAP 389 is stated by both, not repeated.
    let db = check(
        "own/definition-list.rst",
        &[
            "Ports required to use the manager | TCP | 8080",
            "Ports required to use the manager | UDP | 389",
            "Ports needed to authenticate | UDP | 389",
            "Ports needed to authenticate | TCP | 88",
        ],
    );
    assert!(!kinds(&db).contains("duplicate_row"));
}

#[test]
fn asciidoc_tables() {
    let db = check(
        "own/ports.adoc",
        &[
            "Kafka broker | TCP | 9092",
            "Kafka broker | TCP | 9093",
            "Kafka broker | TCP | 2181",
            "Kafka broker | TCP | 9999",
            "Kafka broker | UDP | 9998",
            "Schema registry | TCP | 8081",
            "Schema registry | TCP | 8082",
        ],
    );
    let found = kinds(&db);
    assert!(
        ["template_line", "unresolved_attribute", "label_row", "table_caption"].iter().all(|k| found.contains(*k)),
        "{found:?}"
    );
    // The row span: JMX names both of its rows.
    assert_eq!(
        rows(&db, "SELECT DISTINCT application_protocol FROM port_rules WHERE port_low IN (9998, 9999)"),
        [["JMX"]]
    );
}

#[test]
fn mdx_with_imports_exports_and_jsx() {
    let db = check(
        "own/ports.mdx",
        &["Collector | TCP | 4317", "Collector | TCP | 4318", "Collector | UDP | 8125", "Dashboard | TCP | 3000"],
    );
    let template: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'template_line'");
    assert_eq!(template, 2, "one entry for the import/export lines, one for the JSX lines");
}

#[test]
fn markdown_with_kramdown_attribute_lines() {
    check("own/kramdown.md", &["Print Spooler | TCP | 445", "Print Spooler | TCP | 135"]);
}

#[test]
fn markdown_with_liquid_and_jinja_lines() {
    check("own/liquid.md", &["Server service | TCP | 445", "Server service | TCP | 139", "Server service | UDP | 138"]);
}

#[test]
fn markdown_with_hugo_shortcodes() {
    check("own/hugo.md", &["Windows Time | UDP | 123", "Windows Time | TCP | 135"]);
}

#[test]
fn markdown_with_docusaurus_admonitions() {
    check(
        "own/docusaurus.md",
        &["Remote Desktop | TCP | 3389", "Remote Desktop | UDP | 3389", "Remote Desktop | TCP | 443"],
    );
}

#[test]
fn template_lines_never_make_short_rows() {
    for page in ["own/kramdown.md", "own/liquid.md", "own/hugo.md", "own/docusaurus.md", "own/ports.mdx"] {
        let (_, db) = loaded(page, &[]);
        let found = kinds(&db);
        assert!(found.contains("template_line"), "{page}: {found:?}");
        assert!(!found.contains("missing_cell") && !found.contains("skipped_row"), "{page}: {found:?}");
    }
}

#[test]
fn real_openstack_firewalls_default_ports() {
    let mut want: Vec<String> = [
        8082, 9090, 8386, 8776, 8777, 8774, 6080, 6081, 9511, 9517, 8779, 9001, 15868, 5000, 9292, 9311, 9876, 9696,
        9890, 6000, 6001, 6002, 8004, 8000, 8778, 8003, 6082, 8889, 5050, 1234, 8999, 8786, 8042, 8977, 8989, 873,
        3260, 4420, 3306, 5672,
    ]
    .iter()
    .map(|p| format!("Firewalls and default ports | - | {p}"))
    .collect();
    want.push("Firewalls and default ports | - | 5900-5999".into());
    for port in [80, 8080, 443] {
        want.push(format!("Firewalls and default ports | TCP | {port}"));
    }
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    check("real/openstack-firewalls-default-ports.rst", &want);
}

#[test]
fn real_cilium_firewall_rules() {
    // Loads with default options. `ICMP 8/0` (ICMP type 8, code 0) is a cell form the cell readers do
    // not read yet: its eight rows are skipped and ledgered, the rest of the page loaded.
    let mut want = vec![
        "Firewall Rules | TCP | 2379-2380".to_string(),
        "Firewall Rules | UDP | 8472".into(),
        "Firewall Rules | UDP | 51871".into(),
    ];
    for port in [4240, 4244, 4245, 4250, 4251, 6060, 6061, 6062, 9878, 9879, 9890, 9891, 9893, 9901, 9962, 9963, 9964] {
        want.push(format!("Firewall Rules | TCP | {port}"));
    }
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    let db = check("real/cilium-firewall-rules.rst", &want);
    let skipped: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'skipped_row'");
    assert_eq!(skipped, 8, "the eight ICMP 8/0 rows");
    // The routing table IDs are not ports.
    let unrecognized: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'unrecognized_table'");
    assert_eq!(unrecognized, 1);
}

#[test]
fn real_openshift_network_user_infra() {
    let s = "Network connectivity requirements";
    let want: Vec<String> = [
        "ICMP | -",
        "TCP | 1936",
        "TCP | 9000-9999",
        "TCP | 10250-10259",
        "TCP | 10256",
        "UDP | 4789",
        "UDP | 6081",
        "UDP | 9000-9999",
        "UDP | 500",
        "UDP | 4500",
        "TCP | 30000-32767",
        "UDP | 30000-32767",
        "ESP | -",
        "TCP | 6443",
        "TCP | 2379-2380",
    ]
    .iter()
    .map(|r| format!("{s} | {r}"))
    .collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    let db = check("real/openshift-network-user-infra.adoc", &want);
    assert!(kinds(&db).contains("template_line") && kinds(&db).contains("unresolved_attribute"));
}

#[test]
fn real_infinispan_jgroups_ports() {
    let s = "TCP and UDP ports for cluster traffic";
    check(
        "real/infinispan-jgroups-ports.adoc",
        &[
            &format!("{s} | TCP | 7800"),
            &format!("{s} | UDP | 7800"),
            &format!("{s} | UDP | 46655"),
            &format!("{s} | TCP | 57800"),
        ],
    );
}

#[test]
fn real_infinispan_server_ports() {
    // `{brandname}` is defined in another file of the book: kept as written, and ledgered.
    let s = "{brandname} Server Ports and Protocols";
    let db =
        check("real/infinispan-server-ports.adoc", &[&format!("{s} | TCP | 11222"), &format!("{s} | TCP | 11221")]);
    assert!(kinds(&db).contains("unresolved_attribute"));
}

#[test]
fn real_firezone_security_considerations() {
    // Two tables, one in each `<TabsItem>` of a `<TabsGroup>`, ports written `443/tcp` in backticks.
    let s = "List of services and ports";
    let want: Vec<String> = ["TCP | 443", "TCP | 80", "UDP | 51820", "TCP | 5432", "TCP | 13000", "TCP | 15432"]
        .iter()
        .map(|r| format!("{s} | {r}"))
        .collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    let db = check("real/firezone-security-considerations.mdx", &want);
    // Both tables are read whole: ten rows, the second table's one repeat of the first ledgered
    // (Phoenix's 13000/tcp listens on `-` in one table and on `127.0.0.1` in the other: two rules).
    let rows: i64 = scalar(&db, "SELECT count(*) FROM port_rules");
    let repeats: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'duplicate_row'");
    assert_eq!((rows, repeats), (9, 1));
}

#[test]
fn real_firezone_deploy_gateways() {
    // Loads with default options. `HTTPS/WebSocket` names two application protocols where a
    // transport is expected: a cell form the cell readers do not read yet, so its two rows are
    // skipped and ledgered (TCP 443 is still stated, by the `HTTPS` row). The commented-out sizing
    // table (`{/* ... */}`) is not read.
    let want = ["Firewall ports | - | 3478", "Firewall ports | - | 49152-65535", "Firewall ports | TCP | 443"];
    let db = check("real/firezone-deploy-gateways.mdx", &want);
    let skipped: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'skipped_row'");
    assert_eq!(skipped, 2);
    let comments: String =
        scalar(&db, "SELECT message FROM anomalies WHERE kind = 'template_line' AND raw LIKE '{/*%'");
    assert!(comments.contains("MDX expression line (and 23 more"), "{comments}");
}

#[test]
fn formats_are_detected_by_extension_and_by_content() {
    let dir = workdir();
    for (page, format) in [("own/grid-table.rst", "rst"), ("own/ports.adoc", "asciidoc"), ("own/ports.mdx", "mdx")] {
        let text = std::fs::read(repo_file(&format!("{DIR}/{page}"))).unwrap();
        let run = kbingest_with_input(dir.path(), &["-", "-o", "stdin.db", "--source-name", page], &text);
        run.success();
        let db = open(&dir.path().join("stdin.db"));
        let recorded: String = scalar_with(&db, "SELECT format FROM sources WHERE name = ?1", [page]);
        assert_eq!(recorded, format, "{page}");
    }
    // `--format` names them; a wrong one is refused as holding no port table.
    let run = kbingest(
        dir.path(),
        &[&repo_file(&format!("{DIR}/own/ports.adoc")).to_string_lossy(), "-o", "x.db", "--format", "rst"],
    );
    run.expect(1).stderr_has("read as rst");
}
