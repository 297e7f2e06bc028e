//! Port registries as sources: IANA's CSV, `/etc/services` and nmap's `nmap-services`, detected
//! from their content, loaded into `registered_ports` (never into `port_rules`), replaced and left
//! unchanged like any source, and joined to the documents' rules and prose.

use crate::common::*;

const DIR: &str = "tests/fixtures/registries";

fn registry(name: &str) -> String {
    repo_file(&format!("{DIR}/{name}")).to_str().unwrap().to_string()
}

#[test]
fn each_registry_format_is_detected_and_loaded() {
    let dir = workdir();
    for (file, format, records, with_port) in [
        ("iana-excerpt.csv", "iana-csv", 54, 53),
        ("services-excerpt", "services", 56, 56),
        ("nmap-services-excerpt", "nmap-services", 42, 42),
    ] {
        let db = format!("{format}.db");
        kbingest(dir.path(), &[&registry(file), "-o", &db])
            .success()
            .stderr_has(&format!("loaded {records} registry records, 0 anomalies ({format}, UTF-8)"));
        let conn = open(&dir.path().join(&db));
        assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM registered_ports"), records, "{file}");
        assert_eq!(scalar::<i64>(&conn, "SELECT count(port_low) FROM registered_ports"), with_port, "{file}");
        assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM port_rules"), 0, "{file}");
        assert_eq!(scalar::<String>(&conn, "SELECT format FROM sources"), format);
    }
}

#[test]
fn records_keep_their_lines_aliases_comments_and_frequencies() {
    let dir = workdir();
    let (iana, services, nmap) =
        (registry("iana-excerpt.csv"), registry("services-excerpt"), registry("nmap-services-excerpt"));
    kbingest(dir.path(), &[&iana, &services, &nmap, "-o", "r.db", "-q"]).success();
    let conn = open(&dir.path().join("r.db"));
    let record = |source: &str, line: u32| {
        rows(
            &conn,
            &format!(
                "SELECT service_name, transport, port_low, port_high, aliases, description, reference, frequency
                 FROM registered_ports WHERE source = '{source}' AND source_line = {line}"
            ),
        )
    };
    assert_eq!(record(&iana, 22), [["discard", "SCTP", "9", "9", "NULL", "Discard", "[RFC9260]", "NULL"]]);
    assert_eq!(record(&iana, 55), [["x11", "TCP", "6000", "6063", "NULL", "X Window System", "NULL", "NULL"]]);
    // A name without a port is kept; a quoted cell spanning lines is one record at its first line.
    assert_eq!(record(&iana, 57), [["argus", "NULL", "NULL", "NULL", "NULL", "ARGUS Protocol", "NULL", "NULL"]]);
    assert_eq!(record(&iana, 45)[0][..3], ["whois++", "TCP", "63"]);
    assert_eq!(record(&services, 64), [["x11", "TCP", "6000", "6000", "x11-0", "X Window System", "NULL", "NULL"]]);
    assert_eq!(record(&services, 19), [["chargen", "TCP", "19", "19", "ttytst source", "NULL", "NULL", "NULL"]]);
    assert_eq!(
        record(&nmap, 54),
        [["chargen", "UDP", "19", "19", "NULL", "ttytst source Character Generator", "NULL", "0.015865"]]
    );
}

#[test]
fn the_whole_iana_registry() {
    let dir = workdir();
    kbingest(dir.path(), &[&registry("iana-service-names-port-numbers.csv"), "-o", "i.db", "-q"]).success();
    let conn = open(&dir.path().join("i.db"));
    let count = |filter: &str| scalar::<i64>(&conn, &format!("SELECT count(*) FROM registered_ports WHERE {filter}"));
    assert_eq!(count("1"), 14_447);
    assert_eq!(count("port_low IS NOT NULL"), 13_408);
    // 756 ports are written as ranges, six of them of one port (`4748-4748`): an oracle reads the
    // file apart from kbingest's reader (a record starts on a line that opens outside quotes; its
    // second field is the port), and every range is in the database at its line.
    let file = std::fs::read_to_string(repo_file(&format!("{DIR}/iana-service-names-port-numbers.csv"))).unwrap();
    let mut ranges = Vec::new();
    let mut quoted = false;
    for (index, line) in file.lines().enumerate().skip(1) {
        if !quoted && let Some((low, high)) = line.split(',').nth(1).and_then(|port| port.split_once('-')) {
            ranges.push((index as u64 + 1, low.to_string(), high.to_string()));
        }
        quoted ^= line.matches('"').count() % 2 == 1;
    }
    assert_eq!(ranges.len(), 756);
    let stored: std::collections::HashSet<(u64, String, String)> =
        rows(&conn, "SELECT source_line, port_low, port_high FROM registered_ports WHERE port_low IS NOT NULL")
            .into_iter()
            .map(|r| (r[0].parse().unwrap(), r[1].clone(), r[2].clone()))
            .collect();
    let missing: Vec<_> = ranges.iter().filter(|r| !stored.contains(r)).collect();
    assert!(missing.is_empty(), "ranges missing: {missing:?}");
    assert_eq!(count("port_low < port_high"), 750);
    assert_eq!(
        rows(&conn, "SELECT DISTINCT transport FROM registered_ports ORDER BY 1"),
        [["NULL"], ["DCCP"], ["SCTP"], ["TCP"], ["UDP"]]
    );
    assert_eq!(scalar::<i64>(&conn, "SELECT max(source_line) FROM registered_ports"), 15_097);
}

#[test]
fn rules_get_their_registered_names() {
    let dir = workdir();
    let ports = repo_file("raw/ports.txt");
    let (iana, services) = (registry("iana-excerpt.csv"), registry("services-excerpt"));
    kbingest(dir.path(), &[ports.to_str().unwrap(), &iana, &services, "-o", "p.db", "-q"]).success();
    let conn = open(&dir.path().join("p.db"));
    let names = |service: &str, transport: &str, port: u32| {
        rows(
            &conn,
            &format!(
                "SELECT DISTINCT registered_names FROM port_rules_registered
                 WHERE service = '{service}' AND transport = '{transport}' AND port_low = {port}"
            ),
        )
    };
    assert_eq!(names("Terminal Services", "TCP", 3389), [["ms-wbt-server"]]);
    assert_eq!(names("Simple TCP/IP Services", "UDP", 19), [["chargen"]]);
    // Distinct names from every registry: IANA's and netbase's differ for ISAKMP over TCP.
    assert_eq!(names("Local Security Authority", "UDP", 500), [["isakmp"]]);
    assert_eq!(names("DNS Server", "TCP", 53), [["domain"]]);
    assert_eq!(names("Routing and Remote Access", "UDP", 1701), [["NULL"]]);
    // Every rule once, with port_rules' own columns first.
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM port_rules_registered"), 172);
    let columns = rows(&conn, "SELECT name FROM pragma_table_info('port_rules_registered')");
    let port_rules = rows(&conn, "SELECT name FROM pragma_table_info('port_rules')");
    assert_eq!(columns.len(), port_rules.len() + 1);
    assert_eq!(columns[..port_rules.len()], port_rules[..]);
    assert_eq!(columns[port_rules.len()], ["registered_names"]);
}

#[test]
fn named_prose_is_checked_against_a_registry_loaded_later() {
    let dir = workdir();
    ingest(dir.path(), "raw/ports.txt", "p.db", &[]);
    kbingest(dir.path(), &[&registry("iana-excerpt.csv"), "-o", "p.db", "-q"]).success();
    let conn = open(&dir.path().join("p.db"));
    assert_eq!(
        rows(
            &conn,
            "SELECT source_line, name, port_low, registered_name, registered_transport, registered_port_low, registered_description
             FROM prose_registry_conflicts ORDER BY source_line, registered_transport"
        ),
        [
            ["720", "Character Generator", "9", "chargen", "TCP", "19", "Character Generator"],
            ["720", "Character Generator", "9", "chargen", "UDP", "19", "Character Generator"],
            ["722", "Daytime", "3", "daytime", "TCP", "13", "Daytime"],
            ["722", "Daytime", "3", "daytime", "UDP", "13", "Daytime"],
            ["724", "Quote of the Day", "7", "qotd", "TCP", "17", "Quote of the Day"],
            ["724", "Quote of the Day", "7", "qotd", "UDP", "17", "Quote of the Day"],
        ]
    );
}

#[test]
fn a_registry_is_replaced_or_left_unchanged_like_any_source() {
    let dir = workdir();
    let path = dir.path().join("services");
    std::fs::copy(repo_file(&format!("{DIR}/services-excerpt")), &path).unwrap();
    kbingest(dir.path(), &["services", "-o", "s.db", "-q"]).success();
    kbingest(dir.path(), &["services", "-o", "s.db"]).success().stderr_has("services: unchanged");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("kbingest	9999/tcp		# added\n");
    std::fs::write(&path, text).unwrap();
    kbingest(dir.path(), &["services", "-o", "s.db"]).success().stderr_has("services: replaced 57 registry records");
    let conn = open(&dir.path().join("s.db"));
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM registered_ports"), 57);
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM sources"), 1);
}

#[test]
fn an_unreadable_entry_is_skipped_or_under_strict_refuses_the_registry() {
    let dir = workdir();
    let mut text = std::fs::read_to_string(repo_file(&format!("{DIR}/services-excerpt"))).unwrap();
    text.push_str("broken\teighty/tcp\n");
    std::fs::write(dir.path().join("services"), text).unwrap();
    kbingest(dir.path(), &["services", "-o", "s.db", "--strict"])
        .expect(1)
        .stderr_has("services:65")
        .stderr_has("eighty");
    assert_no_database(&dir.path().join("s.db"));
    kbingest(dir.path(), &["services", "-o", "s.db", "-q"]).success();
    let conn = open(&dir.path().join("s.db"));
    assert_eq!(rows(&conn, "SELECT source_line, kind FROM anomalies"), [["65", "skipped_row"]]);
}
