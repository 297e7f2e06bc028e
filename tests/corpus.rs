//! End to end on the synthetic corpus: kbingest loads exactly the rows the generator says it should.

use crate::common::*;

#[test]
fn a_synthetic_corpus_loads_exactly_its_expected_rows() {
    let dir = workdir();
    let (mut text, mut expected) = (String::new(), Vec::new());
    corpus::generate(400, |t| text.push_str(t), |rule| expected.push(corpus::csv_record("corpus.txt", rule)));
    std::fs::write(dir.path().join("corpus.txt"), &text).unwrap();
    kbingest(dir.path(), &["corpus.txt", "-o", "c.db"]).success().stderr_has("400 services");
    let db = open(&dir.path().join("c.db"));
    let loaded: Vec<String> = rows(
        &db,
        "SELECT source, service, system_service_name, application_protocol, transport, ip_protocol, port_low,
                port_high, port_kind, port_raw, transport_raw, source_line FROM port_rules",
    )
    .into_iter()
    .map(|r| r.into_iter().map(|v| if v == "NULL" { String::new() } else { v }).collect::<Vec<_>>().join(","))
    .collect();
    assert_eq!(loaded.len(), expected.len());
    for (got, want) in loaded.iter().zip(&expected) {
        assert_eq!(got, want);
    }
    // The sprinkled anomalies are all there.
    let kinds: Vec<String> =
        rows(&db, "SELECT DISTINCT kind FROM anomalies ORDER BY kind").into_iter().map(|r| r[0].clone()).collect();
    for kind in [
        "duplicate_row",
        "dynamic_port",
        "glued_system_service_name",
        "missing_system_service_name",
        "no_port",
        "table_caption",
        "transport_typo",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
}
