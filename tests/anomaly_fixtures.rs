//! One fixture per anomaly kind, named after it (`tests/fixtures/anomalies/<kind>.<txt|md|html>`):
//! loading it records that kind (and only the companions a kind brings by nature).

use crate::common::*;
use kbingest::anomaly::AnomalyKind;
use std::collections::BTreeSet;

const DIR: &str = "tests/fixtures/anomalies";

/// Kinds that by their nature come with another one.
fn companions(kind: &str) -> &'static [&'static str] {
    match kind {
        // A GRE row without its port cell: the missing cell, and GRE's lack of ports.
        "missing_cell" => &["no_port"],
        // An ICMP row whose protocol is taken from its name: ICMP has no ports.
        "transport_inferred" => &["no_port"],
        // An ICMP message named in the port cell: ICMP has no ports.
        "icmp_message" => &["no_port"],
        // A section without a table: its description is text outside any port table's section.
        "section_without_table" => &["unattached_text"],
        // The paragraph that introduces the summary table is in no port table's section.
        "summary_table" => &["unattached_text"],
        // A summary row loaded comes with the summary table's own entry.
        "summary_only_row" => &["summary_table"],
        // A wide range is a range.
        "wide_port_range" => &["port_range"],
        // The range the prose states is given to a dynamic word whose cell states none.
        "document_dynamic_range" => &["dynamic_port"],
        // `443: HTTPS` beside it: a name beside a port, which runs over TCP.
        "protocol_only" => &["port_label", "transport_from_application"],
        _ => &[],
    }
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo_file(DIR)).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn each_fixture_records_its_kind() {
    for path in fixtures() {
        let kind = path.file_stem().unwrap().to_str().unwrap().to_string();
        let dir = workdir();
        let db = ingest(dir.path(), path.to_str().unwrap(), "f.db", &[]);
        let found: BTreeSet<String> =
            rows(&db, "SELECT DISTINCT kind FROM anomalies").into_iter().map(|r| r[0].clone()).collect();
        let mut wanted: BTreeSet<String> = companions(&kind).iter().map(|s| s.to_string()).collect();
        wanted.insert(kind.clone());
        assert_eq!(found, wanted, "{}", path.display());
        let rules: i64 = scalar(&db, "SELECT count(*) FROM port_rules");
        assert!(rules > 0, "{}: nothing loaded", path.display());
        let unlocated: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE source_line < 1 OR message = ''");
        assert_eq!(unlocated, 0);
    }
}

#[test]
fn every_kind_has_a_fixture() {
    let have: BTreeSet<String> =
        fixtures().iter().map(|p| p.file_stem().unwrap().to_str().unwrap().to_string()).collect();
    for kind in AnomalyKind::ALL {
        assert!(have.contains(kind.name()), "no fixture for {} in {DIR}", kind.name());
    }
    for name in &have {
        assert!(AnomalyKind::ALL.iter().any(|k| k.name() == name), "fixture {name} names no anomaly kind");
    }
}

#[test]
fn under_strict_the_skipped_row_fixture_is_refused() {
    let dir = workdir();
    let path = repo_file(&format!("{DIR}/skipped_row.txt"));
    kbingest(dir.path(), &[path.to_str().unwrap(), "-o", "f.db", "--strict"])
        .expect(1)
        .stderr_has("skipped_row.txt:13: unreadable port \"eighty\": expected a port number")
        .stderr_has("--strict");
    assert!(!dir.path().join("f.db").exists(), "a refused ingest left a new database behind");
}
