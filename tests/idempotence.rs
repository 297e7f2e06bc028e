//! End to end: a source is identified by its name; the same content with the same options again
//! changes nothing (the file keeps its bytes), changed content replaces that source's rows in one
//! transaction, and several sources live side by side.

use crate::common::*;
use std::path::Path;

/// Every `port_rules` and `anomalies` row of one source, in a stable order.
fn source_rows(db: &Path, source: &str) -> Vec<Vec<String>> {
    let conn = inspect(db);
    let mut all =
        rows_with(&conn, "SELECT * FROM port_rules WHERE source = ?1 ORDER BY source_line, transport", [source]);
    all.extend(rows_with(&conn, "SELECT * FROM anomalies WHERE source = ?1 ORDER BY source_line, kind", [source]));
    all
}

#[test]
fn the_same_content_again_is_unchanged_and_the_file_keeps_its_bytes() {
    let dir = workdir();
    copy_ports(dir.path());
    kbingest(dir.path(), &["ports.txt", "-o", "p.db", "-q"]).success();
    let db = dir.path().join("p.db");
    let before = db_bytes(&db);
    kbingest(dir.path(), &["ports.txt", "-o", "p.db"])
        .success()
        .stderr_has("ports.txt: unchanged (same content and options as loaded before)")
        .stderr_has("nothing to load; p.db was left as it was");
    assert_eq!(db_bytes(&db), before);
    // The same bytes from standard input under the same name are read through, and still unchanged.
    let bytes = std::fs::read(dir.path().join("ports.txt")).unwrap();
    kbingest_with_input(dir.path(), &["-", "-o", "p.db", "--source-name", "ports.txt"], &bytes)
        .success()
        .stderr_has("ports.txt: unchanged");
    assert_eq!(db_bytes(&db), before);
    // The same file touched (new modification time) but not changed is unchanged too.
    std::fs::write(dir.path().join("ports.txt"), &bytes).unwrap();
    kbingest(dir.path(), &["ports.txt", "-o", "p.db"]).success().stderr_has("unchanged");
    assert_eq!(db_bytes(&db), before);
}

#[test]
fn other_options_or_another_encoding_reload_the_same_content() {
    let dir = workdir();
    copy_ports(dir.path());
    kbingest(dir.path(), &["ports.txt", "-o", "p.db", "-q"]).success();
    kbingest(dir.path(), &["ports.txt", "-o", "p.db", "--dynamic-range", "49152-65535"])
        .success()
        .stderr_has("ports.txt: replaced 62 services, 172 port rules");
    let db = open(&dir.path().join("p.db"));
    assert_eq!(rows(&db, "SELECT DISTINCT port_low FROM port_rules WHERE port_kind = 'dynamic'"), [["49152"]]);
    // ASCII reads the same in every encoding; the encoding is still part of what was loaded.
    std::fs::write(dir.path().join("a.txt"), service_doc("A", &[("HTTP", "TCP", "80")])).unwrap();
    kbingest(dir.path(), &["a.txt", "-o", "p.db", "-q"]).success();
    kbingest(dir.path(), &["a.txt", "-o", "p.db", "--encoding", "windows-1252"])
        .success()
        .stderr_has("a.txt: replaced");
    assert_eq!(scalar::<String>(&db, "SELECT encoding FROM sources WHERE name = 'a.txt'"), "windows-1252");
    kbingest(dir.path(), &["a.txt", "-o", "p.db", "--encoding", "windows-1252"])
        .success()
        .stderr_has("a.txt: unchanged");
}

#[test]
fn changed_content_replaces_that_sources_rows_and_no_other() {
    let dir = workdir();
    copy_ports(dir.path());
    let svc = dir.path().join("svc.txt");
    std::fs::write(&svc, service_doc("Svc", &[("HTTP", "TCP", "80"), ("DNS", "UPD", "53")])).unwrap();
    kbingest(dir.path(), &["ports.txt", "svc.txt", "-o", "s.db", "-q"]).success();
    let db = dir.path().join("s.db");
    let ports_before = source_rows(&db, "ports.txt");
    assert_eq!(ports_before.len(), 172 + 46);
    std::fs::write(&svc, service_doc("Svc", &[("HTTPS", "TCP", "443")])).unwrap();
    kbingest(dir.path(), &["svc.txt", "-o", "s.db"])
        .success()
        .stderr_has("svc.txt: replaced 1 service, 1 port rule, 0 anomalies");
    let conn = inspect(&db);
    assert_eq!(
        rows(&conn, "SELECT application_protocol, transport, port_low FROM port_rules WHERE source = 'svc.txt'"),
        [["HTTPS", "TCP", "443"]]
    );
    // Nothing of the old version is left: no rule, anomaly, service or orphan.
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM anomalies WHERE source = 'svc.txt'"), 0);
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM services"), 63);
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM sources"), 2);
    assert_eq!(source_rows(&db, "ports.txt"), ports_before);
    // A broken third version is refused and the second stays in full.
    drop(conn);
    let before = db_bytes(&db);
    std::fs::write(&svc, service_doc("Svc", &[("HTTPS", "TCP", "443"), ("X", "TCP", "port")])).unwrap();
    kbingest(dir.path(), &["svc.txt", "-o", "s.db", "--strict"]).expect(1);
    assert_eq!(db_bytes(&db), before);
}

#[test]
fn several_sources_live_side_by_side_and_one_unchanged_among_changed_ones_is_kept() {
    let dir = workdir();
    copy_ports(dir.path());
    std::fs::write(dir.path().join("a.txt"), service_doc("A", &[("HTTP", "TCP", "80")])).unwrap();
    std::fs::write(dir.path().join("b.txt"), service_doc("B", &[("DNS", "UDP", "53"), ("DNS", "TCP", "53")])).unwrap();
    kbingest(dir.path(), &["ports.txt", "a.txt", "-o", "m.db", "-q"]).success();
    let doc = service_doc("C", &[("LDAP", "TCP", "389")]);
    kbingest_with_input(dir.path(), &["-", "-o", "m.db", "--source-name", "from-stdin"], doc.as_bytes()).success();
    let db = dir.path().join("m.db");
    let ports_before = source_rows(&db, "ports.txt");
    std::fs::write(dir.path().join("a.txt"), service_doc("A", &[("HTTP", "TCP", "8080")])).unwrap();
    kbingest(dir.path(), &["ports.txt", "a.txt", "b.txt", "-o", "m.db"])
        .success()
        .stderr_has("ports.txt: unchanged")
        .stderr_has("a.txt: replaced 1 service, 1 port rule")
        .stderr_has("b.txt: loaded 1 service, 2 port rules")
        .stderr_has("kbingest: 2 sources, 2 services, 3 port rules, 0 anomalies -> m.db");
    let conn = inspect(&db);
    assert_eq!(
        rows(&conn, "SELECT source, count(*) FROM port_rules GROUP BY source ORDER BY source"),
        [["a.txt", "1"], ["b.txt", "2"], ["from-stdin", "1"], ["ports.txt", "172"]]
    );
    assert_eq!(scalar::<i64>(&conn, "SELECT port_low FROM port_rules WHERE source = 'a.txt'"), 8080);
    assert_eq!(source_rows(&db, "ports.txt"), ports_before);
    assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check"), "ok");
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}
