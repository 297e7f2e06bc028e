//! Schema migrations: the plain `.sql` files of `migrations/`, applied in order inside a
//! transaction, the version kept in `PRAGMA user_version`.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// Every migration, in order: (file name, SQL). Version N is the N-th entry.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../migrations/0001_init.sql")),
    ("0002_bi_views.sql", include_str!("../../migrations/0002_bi_views.sql")),
    ("0003_rule_context.sql", include_str!("../../migrations/0003_rule_context.sql")),
    ("0004_cross_checks.sql", include_str!("../../migrations/0004_cross_checks.sql")),
    ("0005_search.sql", include_str!("../../migrations/0005_search.sql")),
    ("0006_ip_in_ip.sql", include_str!("../../migrations/0006_ip_in_ip.sql")),
    ("0007_unseen_pages.sql", include_str!("../../migrations/0007_unseen_pages.sql")),
    ("0008_portable_views.sql", include_str!("../../migrations/0008_portable_views.sql")),
    ("0009_document_formats.sql", include_str!("../../migrations/0009_document_formats.sql")),
];

/// The schema version this kbingest creates.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Applies the migrations `conn` lacks, all in one write transaction: a database is never left
/// between two versions, and a new file is set up with one commit. Safe against a second process
/// doing the same: the version is read again inside the transaction.
///
/// Foreign keys are off while the migrations run (and back as they were after), so that a migration
/// may rebuild a table that others reference (SQLite's way to change a constraint) without its
/// `DROP TABLE` cascading into them; `PRAGMA foreign_key_check` must find nothing before the commit.
/// The pragma is a no-op inside a transaction, so it is set around it.
pub fn migrate(conn: &Connection, path: &str) -> Result<()> {
    let version = |conn: &Connection| -> Result<i64> {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(Error::sqlite(path, "reading the schema version"))
    };
    if version(conn)? >= latest_version() {
        return Ok(());
    }
    let foreign_keys: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(Error::sqlite(path, "reading the foreign keys setting"))?;
    conn.pragma_update(None, "foreign_keys", false).map_err(Error::sqlite(path, "turning off foreign keys"))?;
    let applied = apply(conn, path, version);
    let restored = conn
        .pragma_update(None, "foreign_keys", foreign_keys)
        .map_err(Error::sqlite(path, "turning foreign keys back on"));
    applied.and(restored)
}

fn apply(conn: &Connection, path: &str, version: impl Fn(&Connection) -> Result<i64>) -> Result<()> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(Error::sqlite(path, "starting the migrations"))?;
    let current = version(&tx)?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        if (index as i64) < current {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| {
            let cause = match &e {
                rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                e => e.to_string(),
            };
            Error::database(
                path,
                format!("cannot be upgraded from schema version {current}: migration {name} failed: {cause}"),
                "its tables do not match its version (`PRAGMA user_version`), which was changed by something other \
                 than kbingest; load the documents into a new database; this one was left as it was",
            )
        })?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(Error::sqlite(path, format!("recording migration {name}")))?;
    }
    let broken: i64 = tx
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .map_err(Error::sqlite(path, "checking foreign keys after the migrations"))?;
    if broken > 0 {
        return Err(Error::database(
            path,
            format!("would have {broken} broken reference(s) after upgrading its schema; nothing was changed"),
            "report this as a kbingest bug, with the database if you can share it",
        ));
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
        // The version is the count applied, in this order: migration N is the N-th file.
        let numbers: Vec<usize> = listed.iter().map(|n| n[..4].parse().unwrap()).collect();
        assert_eq!(numbers, (1..=listed.len()).collect::<Vec<_>>(), "{listed:?} is not numbered 1, 2, 3, ...");
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
                "source_line",
                "direction",
                "from_endpoint",
                "to_endpoint",
                "source_port_low",
                "source_port_high",
                "icmp_type",
                "note",
                "row_cells",
                "address",
                "service_id"
            ]
        );
        // Running again changes nothing.
        migrate(&conn, ":memory:").unwrap();
    }

    #[test]
    fn upgrading_a_loaded_version_2_database_keeps_every_row_and_reference() {
        let conn = Connection::open_in_memory().unwrap();
        // As kbingest opens a database: foreign keys on.
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for (_, sql) in &MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO sources VALUES (7, 'ports.txt', printf('%064d', 0), 10, 'text', 'UTF-8', '', 'now', 'v');
             INSERT INTO services VALUES (3, 7, 'DNS Server', 'DNS', '', 1, 9);
             INSERT INTO application_protocols VALUES (1, 'DNS');
             INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high, port_kind, port_raw, transport_raw, source_line)
                 VALUES (3, 1, 17, 53, 53, 'fixed', '53', 'UDP', 8);
             INSERT INTO anomaly_kinds VALUES ('transport_typo', 'x');
             INSERT INTO anomaly_log (source_id, service_id, source_line, kind, raw, normalized, message)
                 VALUES (7, 3, 8, 'transport_typo', 'UPD', 'UDP', 'm');",
        )
        .unwrap();
        migrate(&conn, ":memory:").unwrap();
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("PRAGMA user_version"), latest_version());
        assert_eq!(count("SELECT count(*) FROM port_rules WHERE source = 'ports.txt' AND port_low = 53"), 1);
        assert_eq!(count("SELECT count(*) FROM anomalies WHERE source = 'ports.txt'"), 1);
        assert_eq!(count("SELECT count(*) FROM ports_by_service"), 1);
        assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
        assert_eq!(count("PRAGMA foreign_keys"), 1, "foreign keys are back on");
        // The rebuilt sources table takes the registry formats, and is still every row's parent.
        conn.execute_batch(
            "INSERT INTO sources VALUES (8, 'services', printf('%064d', 0), 10, 'services', 'UTF-8', '', 'now', 'v');
             INSERT INTO registry_ports (source_id, service_name, transport, port_low, port_high, source_line)
                 VALUES (8, 'domain', 'UDP', 53, 53, 1);",
        )
        .unwrap();
        assert!(conn.execute("INSERT INTO services VALUES (4, 99, 'T', NULL, '', 1, 1)", []).is_err());
        let names = "SELECT registered_names FROM port_rules_registered";
        assert_eq!(conn.query_row(names, [], |r| r.get::<_, String>(0)).unwrap(), "domain");
        conn.execute_batch("DELETE FROM sources").unwrap();
        for table in ["services", "service_ports", "anomaly_log", "registry_ports"] {
            assert_eq!(count(&format!("SELECT count(*) FROM {table}")), 0, "{table} cascades");
        }
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
        let insert = |low: &str, high: &str, kind: &str, proto: &dyn std::fmt::Display| {
            conn.execute(
                &format!("INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high, port_kind, port_raw, transport_raw, source_line) VALUES (1, 1, {proto}, {low}, {high}, '{kind}', '', '', 1)"),
                [],
            )
        };
        assert!(insert("80", "80", "fixed", &6).is_ok());
        assert!(insert("65536", "65536", "fixed", &6).is_err(), "port above 65535");
        assert!(insert("90", "80", "range", &6).is_err(), "low above high");
        assert!(insert("80", "81", "fixed", &6).is_err(), "fixed with a range");
        assert!(insert("NULL", "NULL", "fixed", &6).is_err(), "fixed without a port");
        assert!(insert("80", "80", "fixed", &99).is_err(), "unknown transport");
        assert!(insert("NULL", "NULL", "none", &47).is_ok());
        assert!(insert("443", "443", "fixed", &-1).is_err(), "unknown transport number");
        assert!(insert("443", "443", "fixed", &"NULL").is_ok(), "a port without a transport");
        let context = |column: &str, value: &str| {
            conn.execute(
                &format!("UPDATE service_ports SET {column} = {value} WHERE id = (SELECT max(id) FROM service_ports)"),
                [],
            )
        };
        assert!(context("direction", "'inbound'").is_ok());
        assert!(context("direction", "'sideways'").is_err(), "unknown direction");
        assert!(context("row_cells", "'{\"Port\": \"443\"}'").is_ok());
        assert!(context("row_cells", "'not json'").is_err(), "row_cells must be JSON");
        assert!(context("icmp_type", "256").is_err(), "ICMP type above 255");
        assert!(context("source_port_low", "1024").is_err(), "a client port range needs both ends");
        let transport: Option<String> =
            conn.query_row("SELECT transport FROM port_rules WHERE port_low = 443", [], |r| r.get(0)).unwrap();
        assert_eq!(transport, None, "port_rules keeps a rule whose transport is not given");
    }

    #[test]
    fn version_3_keeps_the_rules_of_a_version_2_database() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        for (index, (_, sql)) in MIGRATIONS.iter().take(2).enumerate() {
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", index as i64 + 1).unwrap();
        }
        tx.execute_batch(
            "INSERT INTO sources VALUES (1, 's', printf('%064d', 0), 0, 'text', 'UTF-8', '', 'now', 'v');
             INSERT INTO services VALUES (1, 1, 'DNS Server', 'DNS', '', 1, 1);
             INSERT INTO application_protocols VALUES (1, 'DNS');
             INSERT INTO service_ports (service_id, application_protocol_id, ip_protocol, port_low, port_high,
                                        port_kind, port_raw, transport_raw, source_line)
             VALUES (1, 1, 17, 53, 53, 'fixed', '53', 'UDP', 7), (1, 1, 6, 53, 53, 'fixed', '53', 'TCP', 8);",
        )
        .unwrap();
        tx.commit().unwrap();
        migrate(&conn, ":memory:").unwrap();
        let rows: Vec<(String, i64, i64, Option<String>)> = conn
            .prepare("SELECT transport, port_low, source_line, direction FROM port_rules ORDER BY source_line")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, [("UDP".into(), 53, 7, None), ("TCP".into(), 53, 8, None)]);
        let by_service: (Option<String>, Option<String>) = conn
            .query_row("SELECT tcp_ports, udp_ports FROM ports_by_service", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(by_service, (Some("53".into()), Some("53".into())));
        let check: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, 0);
    }
}

#[cfg(test)]
#[path = "migrate_formats_tests.rs"]
mod formats_tests;
