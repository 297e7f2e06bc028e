//! What scripts need: one value as it is (`--raw`), JSON columns as JSON (`--json-cols`), and
//! `query -o FILE` written whole, as export writes files.

use crate::common::*;
use serde_json::Value;

#[test]
fn raw_prints_one_value_without_quoting_or_cr() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["query", "ports.db", "SELECT count(*) FROM port_rules", "--raw"]);
    assert_eq!(run.success().stdout(), "172\n");
    let names = kbingest(
        dir.path(),
        &["query", "ports.db", "SELECT service FROM port_rules WHERE port_low = 88 ORDER BY transport", "--raw"],
    );
    assert_eq!(names.success().stdout(), "Kerberos Key Distribution Center\nKerberos Key Distribution Center\n");
    kbingest(dir.path(), &["query", "ports.db", "SELECT 1, 2", "--raw"]).expect(2).stderr_has("the query has 2");
    kbingest(dir.path(), &["query", "ports.db", "SELECT 1", "--raw", "--format", "csv"]).expect(2);
}

#[test]
fn json_cols_writes_row_cells_as_objects() {
    let dir = workdir();
    ingest(dir.path(), "tests/fixtures/real/kubernetes-ports.md", "k.db", &[]);
    let sql = "SELECT service, row_cells FROM port_rules WHERE row_cells IS NOT NULL LIMIT 1";
    let plain = kbingest(dir.path(), &["query", "k.db", sql, "--format", "json"]);
    let plain: Value = serde_json::from_str(&plain.success().stdout()).unwrap();
    assert!(plain[0]["row_cells"].is_string(), "{plain}");
    let run = kbingest(dir.path(), &["query", "k.db", sql, "--format", "json", "--json-cols"]);
    let objects: Value = serde_json::from_str(&run.success().stdout()).unwrap();
    assert!(objects[0]["row_cells"].is_object(), "{objects}");
    assert_eq!(
        objects[0]["row_cells"],
        serde_json::from_str::<Value>(plain[0]["row_cells"].as_str().unwrap()).unwrap()
    );
    let export = kbingest(dir.path(), &["export", "k.db", "--format", "jsonl", "--json-cols"]);
    let first: Value =
        serde_json::from_str(export.success().stdout().lines().find(|l| l.contains("row_cells\":{")).unwrap()).unwrap();
    assert!(first["row_cells"].is_object());
    kbingest(dir.path(), &["query", "k.db", sql, "--json-cols"]).expect(2).stderr_has("--json-cols is for");
}

#[test]
fn query_writes_a_file_whole_or_not_at_all() {
    let dir = ports_db();
    let sql = "SELECT service, port_low FROM port_rules WHERE port_low = 53";
    let shown = kbingest(dir.path(), &["query", "ports.db", sql, "--format", "csv"]);
    kbingest(dir.path(), &["query", "ports.db", sql, "--format", "csv", "-o", "dns.csv"]).success();
    assert_eq!(std::fs::read_to_string(dir.path().join("dns.csv")).unwrap(), shown.success().stdout());
    // A statement that fails while it runs leaves the earlier file as it was, and no partial file.
    let failing =
        "SELECT CASE WHEN port_low > 1000 THEN abs(-9223372036854775807 - 1) ELSE port_low END FROM port_rules";
    kbingest(dir.path(), &["query", "ports.db", failing, "-o", "dns.csv"]).expect(1);
    assert_eq!(std::fs::read_to_string(dir.path().join("dns.csv")).unwrap(), shown.stdout());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    kbingest(dir.path(), &["query", "ports.db", sql, "-o", "folder"]).expect(2).stderr_has("is a folder");
}
