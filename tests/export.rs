//! End to end: `kbingest export` writes what `SELECT * FROM port_rules` holds, in every format.

use crate::common::*;
use rusqlite::types::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every row of `SELECT * FROM port_rules`, typed, with the column names.
fn port_rules(dir: &Path) -> (Vec<String>, Vec<Vec<Value>>) {
    let db = open(&dir.join("ports.db"));
    let mut stmt = db.prepare("SELECT * FROM port_rules").unwrap();
    let columns: Vec<String> = stmt.column_names().map(String::from).collect();
    let rows = stmt
        .query_map([], |r| (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<Vec<Vec<Value>>>>()
        .unwrap();
    (columns, rows)
}

/// A value as CSV has it: NULL empty.
fn as_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Integer(v) => v.to_string(),
        Value::Text(t) => t.clone(),
        other => panic!("unexpected value {other:?} in port_rules"),
    }
}

/// A value as JSON has it: numbers as numbers, NULL as null.
fn as_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(v) => serde_json::Value::from(*v),
        Value::Text(t) => serde_json::Value::from(t.as_str()),
        other => panic!("unexpected value {other:?} in port_rules"),
    }
}

fn read_delimited(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let records = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, records)
}

#[test]
fn csv_and_tsv_read_back_equal_port_rules_row_for_row() {
    let dir = ports_db();
    let (columns, rows) = port_rules(dir.path());
    let expected: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(as_text).collect()).collect();
    assert_eq!(expected.len(), 172);
    assert!(expected.iter().any(|r| r[6].is_empty()), "some rows have NULL ports");

    let csv = kbingest(dir.path(), &["export", "ports.db"]);
    csv.success();
    assert!(csv.stderr().is_empty(), "{}", csv.stderr());
    assert_eq!(read_delimited(&csv.output.stdout, b','), (columns.clone(), expected.clone()));

    kbingest(dir.path(), &["export", "ports.db", "port_rules", "--format", "tsv", "-o", "rules.tsv"])
        .success()
        .stderr_has("port_rules: 172 rows -> rules.tsv");
    let tsv = std::fs::read(dir.path().join("rules.tsv")).unwrap();
    assert_eq!(read_delimited(&tsv, b'\t'), (columns, expected));
}

#[test]
fn json_and_jsonl_hold_the_same_values_with_numbers_as_numbers() {
    let dir = ports_db();
    let (columns, rows) = port_rules(dir.path());
    let expected: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| serde_json::Value::Object(columns.iter().cloned().zip(r.iter().map(as_json)).collect()))
        .collect();

    let json = kbingest(dir.path(), &["export", "ports.db", "--format", "json"]);
    json.success();
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(&json.output.stdout).unwrap();
    assert_eq!(parsed, expected);
    assert!(parsed[0]["port_low"].is_i64() && parsed[0]["ip_protocol"].is_i64());
    assert!(parsed.iter().any(|r| r["port_low"].is_null()), "NULL is null");
    // Keys keep the column order.
    let first_line = json.stdout().lines().nth(1).unwrap().to_string();
    assert!(first_line.starts_with("{\"source\":"), "{first_line}");

    let jsonl = kbingest(dir.path(), &["export", "ports.db", "--format", "jsonl"]);
    jsonl.success();
    let lines: Vec<serde_json::Value> = jsonl.stdout().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, expected);
}

#[test]
fn bom_adds_exactly_the_three_bom_bytes() {
    let dir = ports_db();
    let plain = kbingest(dir.path(), &["export", "ports.db"]).success().output.stdout.clone();
    let with_bom = kbingest(dir.path(), &["export", "ports.db", "--bom"]).success().output.stdout.clone();
    assert_eq!(with_bom.len(), plain.len() + 3);
    assert_eq!(&with_bom[..3], b"\xEF\xBB\xBF");
    assert_eq!(&with_bom[3..], &plain[..]);
    // JSON has no byte-order mark and no formulas: asking for one is a usage error.
    kbingest(dir.path(), &["export", "ports.db", "--format", "json", "--bom"]).expect(2).stderr_has("--bom");
}

#[test]
fn excel_safe_neutralizes_formula_cells_of_a_crafted_document() {
    let dir = workdir();
    let fixture = repo_file("tests/fixtures/export/formula_cells.txt");
    kbingest(dir.path(), &[fixture.to_str().unwrap(), "-o", "f.db", "--source-name", "formula_cells.txt"]).success();
    let protocols = |args: &[&str]| -> Vec<String> {
        let run = kbingest(dir.path(), args);
        run.success();
        read_delimited(&run.output.stdout, b',').1.into_iter().map(|r| r[3].clone()).collect()
    };
    let formula = r#"=HYPERLINK("http://example.invalid","click me")"#;
    assert_eq!(protocols(&["export", "f.db"]), [formula, "@SUM(1+1)", "-2+3", "Plain Protocol"]);
    let safe = protocols(&["export", "f.db", "--excel-safe"]);
    assert_eq!(safe, [format!("'{formula}").as_str(), "'@SUM(1+1)", "'-2+3", "Plain Protocol"]);
    // Numbers are not text cells and stay as they are.
    let run = kbingest(dir.path(), &["export", "f.db", "--excel-safe", "--format", "tsv"]);
    run.success();
    let (_, records) = read_delimited(&run.output.stdout, b'\t');
    assert_eq!(records[0][6], "8080");
    assert_eq!(records[0][3], format!("'{formula}"));
}

#[test]
fn export_into_a_closed_pipe_is_quiet_success() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(2000, |t| text.push_str(t), |_| {});
    std::fs::write(dir.path().join("corpus.txt"), &text).unwrap();
    kbingest(dir.path(), &["corpus.txt", "-o", "c.db", "-q"]).success();
    let rules: i64 = scalar(&open(&dir.path().join("c.db")), "SELECT count(*) FROM port_rules");
    assert!(rules > 2000, "enough rows to fill a pipe's buffer many times over: {rules}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(["export", "c.db"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 64];
    stdout.read_exact(&mut head).unwrap();
    assert!(head.starts_with(b"source,service,"));
    drop(stdout); // `| head` exits
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "nothing on standard error");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_unknown_table_names_the_ones_that_exist() {
    let dir = ports_db();
    kbingest(dir.path(), &["export", "ports.db", "port_rule"])
        .expect(1)
        .stderr_has("no table or view named `port_rule`")
        .stderr_has(
            "views: anomalies, port_rules, port_rules_registered, ports_by_service, prose_ports, \
             prose_registry_conflicts, registered_ports, services_by_port",
        )
        .stderr_has("service_ports");
    // Names are matched as SQLite matches them, ignoring case.
    kbingest(dir.path(), &["export", "ports.db", "ANOMALIES"]).success();
}

#[test]
fn all_writes_one_csv_per_table_and_view() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["export", "ports.db", "--all", "-o", "bi"]);
    run.success().stderr_has("tables and views -> bi");
    let names: Vec<String> = rows(
        &open(&dir.path().join("ports.db")),
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view') AND name NOT LIKE 'sqlite%' ORDER BY name",
    )
    .into_iter()
    .map(|r| format!("{}.csv", r[0]))
    .collect();
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("bi"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, names);
    assert!(!files.iter().any(|f| f.contains("_fts")), "search indexes are not exported: {files:?}");
    assert!(files.contains(&"port_rules.csv".to_string()) && files.contains(&"services_by_port.csv".to_string()));
    let rules = std::fs::read(dir.path().join("bi/port_rules.csv")).unwrap();
    assert_eq!(read_delimited(&rules, b',').1.len(), 172);
    // --all needs a folder and no table name.
    kbingest(dir.path(), &["export", "ports.db", "--all"]).expect(2);
    kbingest(dir.path(), &["export", "ports.db", "anomalies", "--all", "-o", "bi"]).expect(2);
}

#[test]
fn a_missing_or_foreign_database_is_an_error_that_creates_nothing() {
    let dir = workdir();
    kbingest(dir.path(), &["export", "missing.db"]).expect(1).stderr_has("missing.db: does not exist");
    assert!(!dir.path().join("missing.db").exists());
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    kbingest(dir.path(), &["export", "other.db", "t"]).expect(1).stderr_has("not a kbingest database");
}
