//! End to end: `kbingest query` reads, in every format, and can never change the database.

use crate::common::*;
use std::path::Path;

/// The bytes of `ports.db` and of its write-ahead log (None when there is none).
fn snapshot(dir: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    (std::fs::read(dir.join("ports.db")).unwrap(), std::fs::read(dir.join("ports.db-wal")).ok())
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn every_refused_query_leaves_the_database_byte_identical() {
    let dir = ports_db();
    let (db_before, wal_before) = snapshot(dir.path());
    assert_eq!(wal_before, None, "ingest leaves no write-ahead log behind");
    let refused = [
        ("DELETE FROM service_ports", "refused: the query would delete rows from `service_ports`"),
        ("DELETE FROM port_rules", "cannot modify port_rules because it is a view"),
        ("UPDATE services SET title = 'x'", "refused: the query would update rows of `services`"),
        ("INSERT INTO sources SELECT * FROM sources", "refused: the query would insert rows into `sources`"),
        ("DROP TABLE anomaly_log", "refused: the query would change the schema"),
        ("DROP VIEW port_rules", "refused: the query would change the schema"),
        ("CREATE TABLE notes (x)", "refused: the query would change the schema"),
        ("CREATE TEMP VIEW v AS SELECT 1", "refused: the query would change the schema"),
        ("ALTER TABLE sources ADD COLUMN x", "refused: the query would alter the table `sources`"),
        ("ATTACH 'other.db' AS other", "refused: the query would attach the file `other.db`"),
        ("PRAGMA user_version = 99", "refused: the query would set PRAGMA user_version to 99"),
        ("PRAGMA journal_mode = DELETE", "refused: the query would set PRAGMA journal_mode"),
        ("PRAGMA application_id = 0", "refused: the query would set PRAGMA application_id"),
        ("PRAGMA wal_checkpoint(TRUNCATE)", "refused: the query would set PRAGMA wal_checkpoint"),
        ("VACUUM INTO 'copy.db'", "refused: the query would write to the database or to another file"),
        ("VACUUM", "refused: the query would write"),
        ("BEGIN IMMEDIATE", "refused: the query would begin or end a transaction"),
        ("SELECT 1; DELETE FROM sources", "refused: the query would delete rows from `sources`"),
        ("SELECT 1; SELECT 2", "refused: the query holds more than one SQL statement"),
        ("SELECT load_extension('/tmp/x.so')", "refused: the query calls something SQLite is not allowed to run"),
    ];
    for (sql, message) in refused {
        kbingest(dir.path(), &["query", "ports.db", sql]).expect(1).stderr_has(message);
        let (db_after, wal_after) = snapshot(dir.path());
        assert!(db_after == db_before, "{sql} changed ports.db");
        // Opening a WAL database read-only can leave an empty log (and its index) behind; never content.
        assert!(wal_after.is_none_or(|w| w.is_empty()), "{sql} wrote to the write-ahead log");
    }
    let left = file_names(dir.path());
    assert!(
        left.iter().all(|n| ["ports.db", "ports.db-wal", "ports.db-shm"].contains(&n.as_str())),
        "no other file was created: {left:?}"
    );
    assert_eq!(scalar::<i64>(&open(&dir.path().join("ports.db")), "SELECT count(*) FROM port_rules"), 172);
}

#[test]
fn reads_and_reading_pragmas_run() {
    let dir = ports_db();
    let csv = kbingest(dir.path(), &["query", "ports.db", "SELECT count(*) FROM port_rules", "--format", "csv"]);
    // CSV lines end in CRLF (RFC 4180), TSV lines in LF.
    assert_eq!(csv.success().stdout(), "count(*)\r\n172\r\n");
    let table = kbingest(dir.path(), &["query", "ports.db", "PRAGMA table_info(port_rules)"]);
    assert!(table.success().stdout().contains("port_low"), "{}", table.stdout());
    let version = kbingest(dir.path(), &["query", "ports.db", "PRAGMA user_version", "--format", "csv"]);
    assert_eq!(version.success().stdout(), format!("user_version\r\n{}\r\n", kbingest::store::latest_version()));
    let cte = kbingest(
        dir.path(),
        &[
            "query",
            "ports.db",
            "WITH t AS (SELECT DISTINCT transport FROM port_rules) SELECT count(*) FROM t",
            "--format",
            "tsv",
        ],
    );
    let transports: i64 =
        scalar(&open(&dir.path().join("ports.db")), "SELECT count(DISTINCT transport) FROM port_rules");
    assert_eq!(cte.success().stdout(), format!("count(*)\n{transports}\n"));
}

#[test]
fn table_is_the_default_format_and_aligns_columns() {
    let dir = ports_db();
    let sql = "SELECT transport, port_low, port_high, port_raw FROM port_rules
               WHERE service = 'Routing and Remote Access' AND transport IN ('GRE', 'UDP') ORDER BY port_low";
    let run = kbingest(dir.path(), &["query", "ports.db", sql]);
    let out = run.success().stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "transport  port_low  port_high  port_raw");
    assert_eq!(lines[1], "---------  --------  ---------  --------");
    assert_eq!(lines[2], format!("GRE{}n/a", " ".repeat(6 + 2 + 8 + 2 + 9 + 2)), "NULL is blank: {out}");
    assert_eq!(lines[3], "UDP            1701       1701  1701", "numbers align right: {out}");
}

#[test]
fn json_keeps_numbers_and_nulls() {
    let dir = ports_db();
    let sql = "SELECT transport, ip_protocol, port_low FROM port_rules WHERE transport = 'ESP'";
    let run = kbingest(dir.path(), &["query", "ports.db", sql, "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&run.success().stdout()).unwrap();
    assert_eq!(parsed, serde_json::json!([{"transport": "ESP", "ip_protocol": 50, "port_low": null}]));
    let run = kbingest(dir.path(), &["query", "ports.db", sql, "--format", "jsonl"]);
    assert_eq!(run.success().stdout(), "{\"transport\":\"ESP\",\"ip_protocol\":50,\"port_low\":null}\n");
}

#[test]
fn a_missing_database_is_an_error_and_nothing_is_created() {
    let dir = workdir();
    kbingest(dir.path(), &["query", "missing.db", "SELECT 1"]).expect(1).stderr_has("missing.db: does not exist");
    assert!(file_names(dir.path()).is_empty());
}

#[test]
fn bad_sql_and_foreign_databases_say_so() {
    let dir = ports_db();
    kbingest(dir.path(), &["query", "ports.db", "SELEC 1"]).expect(1).stderr_has("syntax error");
    kbingest(dir.path(), &["query", "ports.db", "SELECT * FROM nope"]).expect(1).stderr_has("no such table: nope");
    // An empty statement is bad usage, and the hint is the query command's own help.
    for empty in ["", "  -- nothing"] {
        kbingest(dir.path(), &["query", "ports.db", empty])
            .expect(2)
            .stderr_has("the query is empty")
            .stderr_has("Run `kbingest query --help` for usage.");
    }
    rusqlite::Connection::open(dir.path().join("other.db")).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    kbingest(dir.path(), &["query", "other.db", "SELECT * FROM t"]).expect(1).stderr_has("not a kbingest database");
}
