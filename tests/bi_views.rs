//! End to end: the views for BI tools (migration 0002) hold what `port_rules` says, and the README
//! documents each of their columns.

use crate::common::*;

#[test]
fn the_bi_views_list_ports_per_service_and_services_per_port() {
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM ports_by_service"), 62);
    assert_eq!(
        rows(
            &db,
            "SELECT tcp_ports, udp_ports, other_transports, has_dynamic_ports, rule_count FROM ports_by_service
             WHERE service = 'Routing and Remote Access'"
        ),
        [["1723", "1701", "GRE, ESP, AH", "0", "5"]]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT tcp_ports, udp_ports, has_dynamic_ports FROM ports_by_service WHERE service = 'Cluster Service'"
        ),
        [["135, 1025-5000", "3343", "1"]]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT service_count, services, system_service_names FROM services_by_port
             WHERE transport = 'TCP' AND port_low = 21"
        ),
        [["2", "Application Layer Gateway (ALG) Service, FTP Publishing Service", "ALG, MSFtpsvc"]]
    );
    assert_eq!(
        scalar::<i64>(&db, "SELECT service_count FROM services_by_port WHERE transport = 'TCP' AND port_low = 135"),
        17
    );
    // Every port rule's (transport, port, kind) is exactly one row.
    assert_eq!(
        scalar::<i64>(&db, "SELECT count(*) FROM services_by_port"),
        scalar::<i64>(
            &db,
            "SELECT count(*) FROM (SELECT DISTINCT transport, port_low, port_high, port_kind FROM port_rules)"
        )
    );
    assert_eq!(
        scalar::<i64>(&db, "SELECT count(*) FROM services_by_port WHERE transport = 'GRE' AND port_low IS NULL"),
        1
    );
}

#[test]
fn the_readme_documents_every_column_of_the_bi_views() {
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    let readme = documentation();
    for view in ["ports_by_service", "services_by_port"] {
        let section = readme.split(&format!("### `{view}`")).nth(1).unwrap_or_else(|| panic!("README lacks {view}"));
        let section = section.split("\n### ").next().unwrap().split("\n## ").next().unwrap();
        for column in rows_with(&db, "SELECT name FROM pragma_table_info(?1)", [view]) {
            assert!(section.contains(&format!("| `{}` |", column[0])), "README's {view} lacks column {}", column[0]);
        }
    }
}
