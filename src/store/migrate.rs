//! Schema migrations: the plain `.sql` files of `migrations/`, applied in order inside a
//! transaction, the version kept in `PRAGMA user_version`.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// Every migration, in order: (file name, SQL). Version N is the N-th entry.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../migrations/0001_init.sql")),
    ("0002_bi_views.sql", include_str!("../../migrations/0002_bi_views.sql")),
    ("0003_search.sql", include_str!("../../migrations/0003_search.sql")),
];

/// The schema version this kbingest creates.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies the migrations `conn` lacks, all in one write transaction: a database is never left
/// between two versions, and a new file is set up with one commit. Safe against a second process
/// doing the same: the version is read again inside the transaction.
pub fn migrate(conn: &Connection, path: &str) -> Result<()> {
    let version = |conn: &Connection| -> Result<i64> {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(Error::sqlite(path, "reading the schema version"))
    };
    if version(conn)? >= latest_version() {
        return Ok(());
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(Error::sqlite(path, "starting the migrations"))?;
    let current = version(&tx)?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        if (index as i64) < current {
            continue;
        }
        tx.execute_batch(sql).map_err(Error::sqlite(path, format!("applying migration {name}")))?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(Error::sqlite(path, format!("recording migration {name}")))?;
    }
    tx.commit().map_err(Error::sqlite(path, "committing the migrations"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_migrations_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(files, listed);
        for (i, name) in listed.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name} is out of sequence");
        }
    }

    #[test]
    fn all_migrations_apply_to_an_empty_database() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, ":memory:").unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest_version());
        let views: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'view' AND name IN ('port_rules', 'anomalies') ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(views, ["anomalies", "port_rules"]);
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('port_rules')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            columns,
            [
                "source",
                "service",
                "system_service_name",
                "application_protocol",
                "transport",
                "ip_protocol",
                "port_low",
                "port_high",
                "port_kind",
                "port_raw",
                "transport_raw",
                "source_line"
            ]
        );
        // Running again changes nothing.
        migrate(&conn, ":memory:").unwrap();
    }

    #[test]
    fn an_older_database_gets_its_rows_into_the_search_indexes() {
        let conn = Connection::open_in_memory().unwrap();
        let search = MIGRATIONS.iter().position(|(name, _)| name.ends_with("_search.sql")).unwrap();
        for (version, (_, sql)) in MIGRATIONS[..search].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", version as i64 + 1).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO sources VALUES (1, 's', printf('%064d', 0), 0, 'text', 'UTF-8', '', 'now', 'v');
             INSERT INTO services VALUES (1, 1, 'Remote Procedure Call', 'RpcSs', 'RPC things', 1, 1);
             INSERT INTO anomaly_kinds VALUES ('transport_typo', 'x');
             INSERT INTO anomaly_log VALUES (1, 1, 1, 1, 'transport_typo', 'UPD', 'UDP', 'UPD read as UDP');",
        )
        .unwrap();
        migrate(&conn, ":memory:").unwrap();
        let found = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(found("SELECT rowid FROM services_fts WHERE services_fts MATCH 'rpcss'"), 1);
        assert_eq!(found("SELECT rowid FROM anomaly_log_fts WHERE anomaly_log_fts MATCH 'UPD'"), 1);
    }

    #[test]
    fn constraints_hold_the_contract() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrate(&conn, ":memory:").unwrap();
        conn.execute_batch(
            "INSERT INTO sources VALUES (1, 's', printf('%064d', 0), 0, 'text', 'UTF-8', '', 'now', 'v');
             INSERT INTO services VALUES (1, 1, 'T', NULL, '', 1, 1);
             INSERT INTO application_protocols VALUES (1, 'A');",
        )
        .unwrap();
        let insert = |low: &str, high: &str, kind: &str, proto: i64| {
            conn.execute(
                &format!("INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high, port_kind, port_raw, transport_raw, source_line) VALUES (1, 1, {proto}, {low}, {high}, '{kind}', '', '', 1)"),
                [],
            )
        };
        assert!(insert("80", "80", "fixed", 6).is_ok());
        assert!(insert("65536", "65536", "fixed", 6).is_err(), "port above 65535");
        assert!(insert("90", "80", "range", 6).is_err(), "low above high");
        assert!(insert("80", "81", "fixed", 6).is_err(), "fixed with a range");
        assert!(insert("NULL", "NULL", "fixed", 6).is_err(), "fixed without a port");
        assert!(insert("80", "80", "fixed", 99).is_err(), "unknown transport");
        assert!(insert("NULL", "NULL", "none", 47).is_ok());
    }
}
