//! What `kbingest sources` and `kbingest tables` list, as SQL whose rows go out through the one
//! writer like any query's.

use super::Relation;

/// One row per source: its name, how it was read, its fingerprint, when it was loaded, and how
/// many services, port rules, anomalies and port registry records it holds.
pub const SOURCES_SQL: &str = "
SELECT so.name, so.format, so.encoding, so.sha256, so.size_bytes, so.ingested_at,
       (SELECT count(*) FROM services se WHERE se.source_id = so.id) AS services,
       (SELECT count(*) FROM service_ports sp JOIN services se ON se.id = sp.service_id
         WHERE se.source_id = so.id) AS rules,
       (SELECT count(*) FROM anomaly_log al WHERE al.source_id = so.id) AS anomalies,
       (SELECT count(*) FROM registry_ports rp WHERE rp.source_id = so.id) AS registry_records
FROM sources so
ORDER BY so.name";

/// One row per table and view: its name and type, and with `counts` how many rows it holds.
pub fn tables_sql(relations: &[Relation], counts: bool) -> String {
    let rows: Vec<String> = relations
        .iter()
        .map(|r| {
            let kind = if r.is_view { "view" } else { "table" };
            let name = r.name.replace('\'', "''");
            let count = if counts {
                format!(", (SELECT count(*) FROM \"{}\")", r.name.replace('"', "\"\""))
            } else {
                String::new()
            };
            format!("SELECT '{name}', '{kind}'{count}")
        })
        .collect();
    let columns = if counts { "name, type, count" } else { "name, type" };
    if rows.is_empty() {
        // No tables: the header alone.
        let nothing = if counts { "NULL, NULL, NULL" } else { "NULL, NULL" };
        return format!("WITH t ({columns}) AS (SELECT {nothing}) SELECT * FROM t WHERE 0");
    }
    format!("WITH t ({columns}) AS ({}) SELECT * FROM t", rows.join(" UNION ALL "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sql_lists_names_and_counts_with_quotes_escaped() {
        let relations = [
            Relation { name: "port_rules".into(), is_view: true },
            Relation { name: "odd'na\"me".into(), is_view: false },
        ];
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE \"odd'na\"\"me\" (x); INSERT INTO \"odd'na\"\"me\" VALUES (1), (2); CREATE VIEW port_rules AS SELECT 1;").unwrap();
        let mut stmt = conn.prepare(&tables_sql(&relations, true)).unwrap();
        let names: Vec<String> = stmt.column_names().map(String::from).collect();
        assert_eq!(names, ["name", "type", "count"]);
        let rows: Vec<(String, String, i64)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(rows, [("port_rules".into(), "view".into(), 1), ("odd'na\"me".into(), "table".into(), 2)]);
    }
}
