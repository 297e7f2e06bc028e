//! End to end: `kbingest sources`, `remove` and `tables` list and manage what a database holds,
//! and the full-text search indexes follow every load, replacement and removal.

use crate::common::*;
use std::path::Path;

/// `raw/ports.txt` as `ports` and a one-service document as `extra`, in `ports.db`.
fn two_sources() -> tempfile::TempDir {
    let dir = ports_db_named("ports");
    std::fs::write(dir.path().join("extra.txt"), service_doc("RPC Extra", &[("RPC", "TCP", "135")])).unwrap();
    kbingest(dir.path(), &["extra.txt", "-o", "ports.db", "--source-name", "extra", "-q"]).success();
    dir
}

fn ports_db_named(name: &str) -> tempfile::TempDir {
    let dir = workdir();
    ingest(dir.path(), "raw/ports.txt", "ports.db", &["--source-name", name]);
    dir
}

fn matches(dir: &Path, sql: &str) -> i64 {
    scalar(&open(&dir.join("ports.db")), sql)
}

#[test]
fn sources_lists_each_source_with_what_it_holds() {
    let dir = two_sources();
    let run = kbingest(dir.path(), &["sources", "ports.db", "--format", "csv"]);
    let out = run.success().stdout();
    let lines: Vec<&str> = out.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert_eq!(
        lines[0],
        "name,format,encoding,sha256,size_bytes,ingested_at,services,rules,anomalies,registry_records"
    );
    let extra: Vec<&str> = lines[1].split(',').collect();
    assert_eq!((extra[0], extra[1], extra[2]), ("extra", "text", "UTF-8"));
    assert_eq!(&extra[6..], ["1", "1", "0", "0"]);
    let ports: Vec<&str> = lines[2].split(',').collect();
    assert_eq!(ports[0], "ports");
    assert_eq!(ports[3], "da5178ef46f37c6cbe201de3261302d662e250280696eee7b97158c43d32d5e4");
    assert_eq!(ports[4], std::fs::metadata(repo_file("raw/ports.txt")).unwrap().len().to_string());
    assert_eq!(&ports[6..], ["62", "172", "46", "0"]);
    assert_eq!(lines.len(), 3);
}

#[test]
fn remove_takes_a_source_and_everything_loaded_from_it() {
    let dir = two_sources();
    let rpc = "SELECT count(*) FROM services_fts WHERE services_fts MATCH 'RPC'";
    let before = matches(dir.path(), rpc);
    kbingest(dir.path(), &["remove", "ports.db", "extra"])
        .success()
        .stderr_has("kbingest: removed extra (1 service, 1 port rule, 0 anomalies) from ports.db");
    assert_eq!(matches(dir.path(), "SELECT count(*) FROM port_rules"), 172);
    assert_eq!(matches(dir.path(), "SELECT count(*) FROM sources"), 1);
    assert_eq!(matches(dir.path(), rpc), before - 1, "the search index lost the removed service");
    let orphans = "SELECT count(*) FROM application_protocols WHERE id NOT IN (SELECT application_protocol_id FROM service_ports)";
    assert_eq!(matches(dir.path(), orphans), 0);
    kbingest(dir.path(), &["remove", "ports.db", "ports"]).success();
    for table in ["services", "service_ports", "anomaly_log", "services_fts", "anomaly_log_fts"] {
        assert_eq!(matches(dir.path(), &format!("SELECT count(*) FROM {table}")), 0, "{table}");
    }
}

#[test]
fn an_unknown_source_removes_nothing_and_lists_the_sources() {
    let dir = two_sources();
    let before = db_bytes(&dir.path().join("ports.db"));
    kbingest(dir.path(), &["remove", "ports.db", "extra", "port"])
        .expect(1)
        .stderr_has("ports.db: has no source named `port`; its sources are `extra`, `ports`")
        .stderr_has("nothing was removed");
    drop(inspect(&dir.path().join("ports.db")));
    assert!(db_bytes(&dir.path().join("ports.db")) == before, "the database is as it was");
    kbingest(dir.path(), &["remove", "ports.db"]).expect(2).stderr_has("kbingest remove --help");
    kbingest(dir.path(), &["remove", "missing.db", "x"]).expect(1).stderr_has("missing.db: does not exist");
    assert!(!dir.path().join("missing.db").exists());
}

#[test]
fn tables_lists_views_then_tables_with_counts() {
    let dir = ports_db();
    let out = kbingest(dir.path(), &["tables", "ports.db", "--counts", "--format", "tsv"]).success().stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "name\ttype\tcount");
    assert!(lines.contains(&"port_rules\tview\t172"), "{out}");
    assert!(lines.contains(&"sources\ttable\t1"), "{out}");
    assert!(!out.contains("_fts"), "search indexes are not listed: {out}");
    let views = lines[1..].iter().take_while(|l| l.contains("\tview\t")).count();
    assert!(views >= 4 && lines[1..].iter().skip(views).all(|l| l.contains("\ttable\t")), "{out}");
    let plain = kbingest(dir.path(), &["tables", "ports.db"]).success().stdout();
    assert!(plain.starts_with("name  ") && !plain.contains("count"), "{plain}");
}

#[test]
fn search_follows_a_replaced_source() {
    let dir = workdir();
    std::fs::write(dir.path().join("doc.txt"), service_doc("Alpha Widget", &[("W", "TCP", "1")])).unwrap();
    kbingest(dir.path(), &["doc.txt", "-o", "ports.db", "-q"]).success();
    let count = |word: &str| {
        let sql = "SELECT count(*) FROM services_fts WHERE services_fts MATCH ?1";
        scalar_with::<i64>(&open(&dir.path().join("ports.db")), sql, [word])
    };
    assert_eq!((count("alpha"), count("beta")), (1, 0));
    std::fs::write(dir.path().join("doc.txt"), service_doc("Beta Widget", &[("W", "TCP", "1")])).unwrap();
    kbingest(dir.path(), &["doc.txt", "-o", "ports.db", "-q"]).success();
    assert_eq!((count("alpha"), count("beta")), (0, 1));
    // The index agrees with the table it indexes.
    assert_eq!(matches(dir.path(), "SELECT count(*) FROM services_fts WHERE services_fts MATCH 'svc'"), 1);
    let check = "INSERT INTO services_fts (services_fts, rank) VALUES ('integrity-check', 1)";
    inspect(&dir.path().join("ports.db")).execute(check, []).expect("services_fts is in step with services");
}

#[test]
fn anomaly_messages_are_searchable() {
    let dir = ports_db();
    let typos = matches(dir.path(), "SELECT count(*) FROM anomaly_log WHERE kind = 'transport_typo'");
    let found = matches(
        dir.path(),
        "SELECT count(*) FROM anomaly_log WHERE id IN (SELECT rowid FROM anomaly_log_fts WHERE anomaly_log_fts MATCH 'UPD')",
    );
    assert!(typos > 0 && found >= typos, "typos {typos}, found {found}");
    let out = kbingest(
        dir.path(),
        &[
            "query",
            "ports.db",
            "SELECT title FROM services_fts WHERE services_fts MATCH :q ORDER BY rank LIMIT 1",
            "-p",
            "q",
            "DNS",
        ],
    );
    assert!(out.success().stdout().contains("DNS"), "{}", out.stdout());
}

#[test]
fn a_registry_is_counted_in_sources_and_remove() {
    let dir = workdir();
    ingest(dir.path(), "tests/fixtures/registries/services-excerpt", "r.db", &["--source-name", "services"]);
    let stored: i64 = scalar(&open(&dir.path().join("r.db")), "SELECT count(*) FROM registered_ports");
    assert!(stored > 50, "{stored}");
    let run = kbingest(dir.path(), &["sources", "r.db", "--format", "csv"]);
    let out = run.success().stdout();
    let row: Vec<&str> = out.lines().nth(1).unwrap().trim_end().split(',').collect();
    assert_eq!(&row[6..], ["0", "0", "0", &stored.to_string()]);
    kbingest(dir.path(), &["remove", "r.db", "services"])
        .success()
        .stderr_has(&format!("kbingest: removed services ({stored} registry records, 0 anomalies) from r.db"));
}
