//! End to end: `kbingest raw/ports.txt -o ports.db` gives the figures counted by hand.

use crate::common::*;

fn ingest_ports() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = workdir();
    let db = ingest(dir.path(), "raw/ports.txt", "ports.db", &[]);
    (dir, db)
}

#[test]
fn the_summary_gives_the_counts() {
    let dir = workdir();
    let input = repo_file("raw/ports.txt");
    kbingest(dir.path(), &[input.to_str().unwrap(), "-o", "ports.db"])
        .success()
        .stderr_has("62 services, 172 port rules, 46 anomalies");
}

#[test]
fn services_rules_and_dynamic_ports() {
    let (_dir, db) = ingest_ports();
    assert_eq!(scalar::<i64>(&db, "SELECT count(DISTINCT service) FROM port_rules"), 62);
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules"), 172);
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules WHERE port_raw = 'RANDOM'"), 16);
    assert_eq!(
        rows(
            &db,
            "SELECT DISTINCT port_kind, port_low, port_high, transport FROM port_rules WHERE port_raw = 'RANDOM'"
        ),
        [["dynamic", "1025", "5000", "TCP"]]
    );
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules WHERE port_kind = 'dynamic'"), 16);
}

#[test]
fn the_upd_typo_is_udp() {
    let (_dir, db) = ingest_ports();
    assert_eq!(
        rows(
            &db,
            "SELECT service, transport, ip_protocol, port_low, transport_raw FROM port_rules
             WHERE application_protocol = 'SMS Remote Chat' ORDER BY transport"
        ),
        [
            ["SMS Remote Control Agent", "TCP", "6", "2703", "TCP"],
            ["SMS Remote Control Agent", "UDP", "17", "2703", "UPD"]
        ]
    );
}

#[test]
fn gre_esp_ah_have_protocol_numbers_and_no_ports() {
    let (_dir, db) = ingest_ports();
    assert_eq!(
        rows(
            &db,
            "SELECT transport, ip_protocol, port_low, port_high, port_kind, port_raw FROM port_rules
             WHERE transport IN ('GRE', 'ESP', 'AH') ORDER BY ip_protocol"
        ),
        [
            ["GRE", "47", "NULL", "NULL", "none", "n/a"],
            ["ESP", "50", "NULL", "NULL", "none", "n/a"],
            ["AH", "51", "NULL", "NULL", "none", "n/a"]
        ]
    );
}

#[test]
fn system_service_names_glued_and_missing() {
    let (_dir, db) = ingest_ports();
    let name = |service: &str| {
        rows_with(&db, "SELECT DISTINCT system_service_name FROM port_rules WHERE service = ?1", [service])[0][0]
            .clone()
    };
    assert_eq!(name("Server"), "lanmanserver");
    assert_eq!(name("Terminal Services Licensing"), "TermServLicensing");
    assert_eq!(name("DNS Server"), "DNS");
    assert_eq!(name("Exchange Server"), "NULL");
    assert_eq!(
        scalar::<i64>(&db, "SELECT count(DISTINCT service) FROM port_rules WHERE system_service_name IS NULL"),
        7
    );
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules WHERE service LIKE 'Default Ports%'"), 0);
    assert_eq!(
        scalar::<i64>(
            &db,
            "SELECT count(*) FROM port_rules WHERE service = 'SQL Server: Downlevel OLAP Client Support'"
        ),
        2
    );
}

#[test]
fn every_source_line_points_at_its_rows_first_line() {
    let (_dir, db) = ingest_ports();
    let text = std::fs::read_to_string(repo_file("raw/ports.txt")).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let all = rows(&db, "SELECT application_protocol, transport_raw, port_raw, source_line FROM port_rules");
    assert_eq!(all.len(), 172);
    for row in all {
        let at: usize = row[3].parse().unwrap();
        assert_eq!(
            [lines[at - 1], lines[at], lines[at + 1]],
            [row[0].as_str(), row[1].as_str(), row[2].as_str()],
            "row at line {at}"
        );
    }
}

#[test]
fn every_normalization_has_its_anomaly() {
    let (_dir, db) = ingest_ports();
    assert_eq!(
        rows(&db, "SELECT kind, count(*) FROM anomalies GROUP BY kind ORDER BY kind"),
        [
            // The range of its RANDOM cells, which the document states in its FTP section.
            ["document_dynamic_range", "1"],
            ["duplicate_row", "1"],
            ["dynamic_port", "16"],
            ["encoding_artifact", "2"],
            ["glued_system_service_name", "2"],
            ["missing_system_service_name", "7"],
            ["no_port", "3"],
            ["prose_conflict", "7"],
            ["system_service_name_with_space", "1"],
            ["table_caption", "1"],
            ["transport_typo", "1"],
            // The article's header (line 1) and footer.
            ["unattached_text", "2"],
            ["whitespace_line", "2"]
        ]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT source_line, raw, normalized FROM anomalies WHERE kind IN ('transport_typo', 'duplicate_row', 'table_caption') ORDER BY source_line"
        ),
        [
            ["123", "NetBIOS Datagram Service / UDP / 138", "NULL"],
            ["765", "UPD", "UDP"],
            ["825", "Default Ports for OLAP Services Used by SQL Server 7.0", "NULL"]
        ]
    );
    assert_eq!(
        rows(&db, "SELECT source_line, normalized FROM anomalies WHERE kind = 'document_dynamic_range'"),
        [["263", "1025-5000"]]
    );
    assert_eq!(
        scalar::<String>(&db, "SELECT options FROM sources"),
        "dynamic-range=document strict=false; document dynamic range: 1025-5000 stated at line 263"
    );
    // Every rule that is not a plain number has an anomaly on its line.
    let unledgered = rows(
        &db,
        "SELECT source_line, port_raw FROM port_rules p WHERE (port_kind <> 'fixed' OR transport <> transport_raw)
         AND NOT EXISTS (SELECT 1 FROM anomalies a WHERE a.source_line = p.source_line)",
    );
    assert!(unledgered.is_empty(), "{unledgered:?}");
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM anomalies WHERE message = '' OR source_line < 1"), 0);
}

#[test]
fn the_source_is_recorded_with_its_fingerprint() {
    let (_dir, db) = ingest_ports();
    let source = input_name();
    assert_eq!(
        rows(&db, "SELECT name, sha256, size_bytes, format, encoding FROM sources"),
        [[
            source.as_str(),
            "da5178ef46f37c6cbe201de3261302d662e250280696eee7b97158c43d32d5e4",
            &std::fs::metadata(repo_file("raw/ports.txt")).unwrap().len().to_string(),
            "text",
            "UTF-8"
        ]]
    );
    assert_eq!(scalar::<String>(&db, "SELECT DISTINCT source FROM port_rules"), source);
}

fn input_name() -> String {
    repo_file("raw/ports.txt").to_str().unwrap().to_string()
}

#[test]
fn the_dynamic_range_can_be_overridden() {
    let dir = workdir();
    let db = ingest(dir.path(), "raw/ports.txt", "x.db", &["--dynamic-range", "49152-65535"]);
    assert_eq!(
        rows(&db, "SELECT DISTINCT port_low, port_high FROM port_rules WHERE port_kind = 'dynamic'"),
        [["49152", "65535"]]
    );
    assert_eq!(
        scalar::<String>(&db, "SELECT DISTINCT normalized FROM anomalies WHERE kind = 'dynamic_port'"),
        "49152-65535"
    );
}

#[test]
fn the_subcommand_form_and_stdin_give_the_same_rows() {
    let dir = workdir();
    let bytes = std::fs::read(repo_file("raw/ports.txt")).unwrap();
    kbingest_with_input(dir.path(), &["ingest", "-", "-o", "a.db", "--source-name", "ports"], &bytes).success();
    let db = open(&dir.path().join("a.db"));
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules WHERE source = 'ports'"), 172);
}
