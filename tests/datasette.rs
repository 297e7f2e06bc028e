//! End to end with the real Datasette: `kbingest metadata` output is accepted, the tables show
//! their descriptions, credit and facets, and the search box finds services and anomalies.
//!
//! Datasette is found at `$KBINGEST_DATASETTE` (`.ci/run` installs it in a virtual environment
//! and sets it) or in `target/datasette-venv`. Without it the test says SKIP on standard error
//! and does nothing -- unless `CI` is set (`.ci/run` installs it): then it fails.

use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn datasette() -> Option<PathBuf> {
    tool_or_skip(
        find_tool("KBINGEST_DATASETTE", &["target/datasette-venv/bin/datasette"]),
        "datasette end-to-end test",
        "Datasette not found (set KBINGEST_DATASETTE, or run .ci/run, which installs it with python3 -m venv \
         target/datasette-venv && target/datasette-venv/bin/pip install datasette)",
    )
}

/// `datasette ports.db -m metadata.json --get PATH`: the response body, after checking the
/// status was 200 (Datasette exits 1 otherwise).
fn get(datasette: &Path, dir: &Path, path: &str) -> String {
    let output = Command::new(datasette)
        .args(["ports.db", "-m", "metadata.json", "--get", path])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", datasette.display()));
    let body = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "datasette --get {path}: {:?}\n{body}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    body
}

fn json(datasette: &Path, dir: &Path, path: &str) -> Value {
    let body = get(datasette, dir, path);
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"))
}

#[test]
fn datasette_serves_the_database_with_its_metadata_and_search() {
    let Some(datasette) = datasette() else { return };
    let dir = workdir();
    std::fs::copy(repo_file("tests/fixtures/kb832017-2020-09.md"), dir.path().join("kb832017.md")).unwrap();
    copy_ports(dir.path());
    kbingest(dir.path(), &["ports.txt", "kb832017.md", "-o", "ports.db", "-q"]).success();
    kbingest(dir.path(), &["metadata", "ports.db", "-o", "metadata.json"]).success();

    // Counted by SQLite itself, not by what the readers happen to load today.
    let stored: i64 = scalar(&open(&dir.path().join("ports.db")), "SELECT count(*) FROM port_rules");
    assert!(stored > 396, "both sources loaded: {stored} rules");
    let rules = json(&datasette, dir.path(), "/ports/port_rules.json?_shape=objects&_size=max");
    let rows = rules["rows"].as_array().expect("rows");
    assert_eq!(rows.len() as i64, stored, "every rule of both sources");
    assert_eq!(rules["filtered_table_rows_count"], stored);
    assert!(rows.iter().any(|r| r["transport"] == "GRE" && r["port_low"].is_null()));
    let facets = rules["facet_results"].as_object().expect("facets from the metadata");
    for facet in ["source", "service", "transport", "port_kind"] {
        assert!(facets.contains_key(facet), "facet {facet}: {facets:?}");
    }
    assert_eq!(facets["source"]["results"].as_array().map(Vec::len), Some(2), "{:?}", facets["source"]);

    // Search on port_rules: the rules of the services whose words match, through their index.
    let searched = json(&datasette, dir.path(), "/ports/port_rules.json?_search=Kerberos&_shape=objects&_size=max");
    let searched_rules = searched["rows"].as_array().expect("rows");
    let n = searched_rules.len();
    assert!(n >= 4 && n < rows.len(), "search filters: {n} of {}", rows.len());
    assert!(
        searched_rules.iter().any(|r| r["service"] == "Kerberos Key Distribution Center" && r["port_low"] == 88),
        "{searched}"
    );

    // The canned queries, with their one field each.
    let for_service =
        json(&datasette, dir.path(), "/ports/ports_for_service.json?service=Terminal+Services&_shape=objects");
    let for_service = for_service["rows"].as_array().expect("rows");
    assert_eq!(for_service[0]["service"], "Terminal Services", "{for_service:?}");
    assert!(for_service.iter().any(|r| r["port_low"] == 3389));
    let on_port = json(&datasette, dir.path(), "/ports/services_on_port.json?port=135&_shape=objects&_size=max");
    let on_port = on_port["rows"].as_array().expect("rows");
    let services: std::collections::BTreeSet<&str> = on_port.iter().filter_map(|r| r["service"].as_str()).collect();
    assert!(services.contains("Local Security Authority") && services.len() >= 17, "{services:?}");
    assert!(on_port.iter().all(|r| r["port_low"].as_i64() <= Some(135) && r["port_high"].as_i64() >= Some(135)));

    let page = get(&datasette, dir.path(), "/ports/port_rules");
    assert!(page.contains("first port; NULL where the transport has no ports"), "column descriptions shown");
    assert!(page.contains("CC BY 4.0") && page.contains("Port rules"), "credit and title shown");
    assert!(page.contains("name=\"_search\""), "the search box on port_rules");

    let found = json(&datasette, dir.path(), "/ports/services.json?_search=RPC&_shape=objects");
    let services = found["rows"].as_array().expect("rows");
    assert!(services.len() >= 5, "{found}");
    for s in services {
        let text = format!("{} {} {}", s["title"], s["system_service_name"], s["description"]).to_lowercase();
        assert!(text.contains("rpc"), "{s}");
    }
    let services_page = get(&datasette, dir.path(), "/ports/services");
    assert!(services_page.contains("name=\"_search\""), "Datasette shows the search box");

    let typos = json(&datasette, dir.path(), "/ports/anomaly_log.json?_search=UPD&_shape=objects");
    assert!(typos["rows"].as_array().is_some_and(|r| r.iter().any(|a| a["kind"] == "transport_typo")), "{typos}");

    let anomalies = json(&datasette, dir.path(), "/ports/anomalies.json?_shape=objects&_facet=kind");
    let kinds = anomalies["facet_results"]["kind"]["results"].as_array().map_or(0, Vec::len);
    assert!(kinds > 0, "{anomalies}");

    // Said on standard error past the harness's capture, so that a CI log shows the check ran.
    let version = Command::new(&datasette).arg("--version").output().map(|o| o.stdout).unwrap_or_default();
    let _ = writeln!(
        std::io::stderr(),
        "datasette check ({}): /ports/port_rules.json 200, {} rows, facets {}; /ports/port_rules 200 with column \
         descriptions and CC BY 4.0; /ports/services.json?_search=RPC 200, {} services; \
         /ports/anomaly_log.json?_search=UPD 200, {} anomaly rows; /ports/anomalies.json?_facet=kind 200, {} kinds; \
         port_rules ?_search=Kerberos {} rules; ports_for_service {} rules; services_on_port 135 {} services",
        String::from_utf8_lossy(&version).trim(),
        rows.len(),
        facets.keys().cloned().collect::<Vec<_>>().join(", "),
        services.len(),
        typos["rows"].as_array().map_or(0, Vec::len),
        kinds,
        n,
        for_service.len(),
        services.len()
    );
}
