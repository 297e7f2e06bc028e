//! Every table and view reads in DuckDB, through its SQLite extension, with the same rows as in
//! SQLite: the BI views use no SQL that only SQLite understands.
//!
//! DuckDB is the `duckdb` Python package with its SQLite extension from the package registry
//! (`duckdb-extension-sqlite-scanner`, a wheel that carries the extension file, loaded by path: no
//! download at run time), in `target/duckdb-venv` as `.ci/run` installs it, or the Python named by
//! `$KBINGEST_DUCKDB_PYTHON`. Without it the test says SKIP, and fails when `CI` is set.

use crate::common::*;
use std::collections::BTreeMap;
use std::process::Command;

/// Reads every relation named on standard input (one a line) from the database `argv[1]` in
/// DuckDB and prints `{name: [row, ...]}` as JSON, each cell as text (or null), rows sorted.
const READ_IN_DUCKDB: &str = r#"
import duckdb, glob, json, os, sys
here = os.path.dirname(os.path.dirname(duckdb.__file__))
version = duckdb.__version__
found = glob.glob(os.path.join(here, "duckdb_extension_sqlite_scanner", "extensions", "v" + version, "sqlite_scanner.duckdb_extension"))
if not found:
    sys.exit("no sqlite_scanner extension for DuckDB " + version + " beside it: pip install duckdb-extension-sqlite-scanner==" + version)
con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
con.execute("LOAD '" + found[0].replace("'", "''") + "'")
con.execute("ATTACH '" + sys.argv[1].replace("'", "''") + "' AS kb (TYPE sqlite, READ_ONLY)")
out = {}
for name in sys.stdin.read().split():
    rows = con.execute('SELECT * FROM kb."' + name.replace('"', '""') + '"').fetchall()
    # SQLite has no booleans: DuckDB reads EXISTS (...) as one, SQLite gives 1 or 0.
    cell = lambda c: None if c is None else str(int(c)) if isinstance(c, bool) else str(c)
    out[name] = [[cell(c) for c in row] for row in rows]
print(json.dumps({"duckdb": version, "relations": out}))
"#;

fn duckdb_python() -> Option<std::path::PathBuf> {
    let python = find_tool("KBINGEST_DUCKDB_PYTHON", &["target/duckdb-venv/bin/python"]);
    // A Python without the duckdb package is no DuckDB.
    let python =
        python.filter(|p| Command::new(p).args(["-c", "import duckdb"]).output().is_ok_and(|o| o.status.success()));
    tool_or_skip(
        python,
        "duckdb test",
        "no Python with the duckdb package (set KBINGEST_DUCKDB_PYTHON, or run .ci/run, which installs it with python3 \
         -m venv target/duckdb-venv && target/duckdb-venv/bin/pip install duckdb duckdb-extension-sqlite-scanner)",
    )
}

/// A cell as DuckDB's Python prints it with `str()`: text alike; numbers in one spelling (Python
/// writes `1.3e-05` and `0.0` where the test's rows say `0.000013` and `0`).
fn as_duckdb_text(cell: &str) -> Option<String> {
    (cell != "NULL").then(|| same_real(cell))
}

fn same_real(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(v) => format!("{v:e}"),
        _ => cell.to_string(),
    }
}

#[test]
fn every_table_and_view_reads_in_duckdb_with_the_same_rows() {
    let Some(python) = duckdb_python() else { return };
    let dir = workdir();
    let inputs = [
        "raw/ports.txt",
        "tests/fixtures/kb832017-2020-09.md",
        "tests/fixtures/registries/iana-excerpt.csv",
        "tests/fixtures/registries/services-excerpt",
        "tests/fixtures/registries/nmap-services-excerpt",
    ];
    let paths: Vec<String> = inputs.iter().map(|i| repo_file(i).display().to_string()).collect();
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.extend(["-o", "all.db", "-q"]);
    kbingest(dir.path(), &args).success();
    // The tables and views as kbingest lists them (its full-text indexes are SQLite's own).
    let listed = kbingest(dir.path(), &["tables", "all.db", "--format", "tsv"]);
    listed.success();
    let relations: Vec<String> =
        listed.stdout().lines().skip(1).map(|l| l.split('\t').next().unwrap().to_string()).collect();
    assert!(relations.len() >= 15 && relations.contains(&"services_by_port".to_string()), "{relations:?}");

    let db = dir.path().join("all.db");
    let mut child = Command::new(&python)
        .args(["-c", READ_IN_DUCKDB, db.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        // No home directory: DuckDB must not need one (nor the network) to load the extension.
        .env("HOME", dir.path().join("no-home"))
        .spawn()
        .expect("python runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(relations.join("\n").as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "DuckDB could not read the database:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let in_duckdb: BTreeMap<String, Vec<Vec<Option<String>>>> =
        serde_json::from_value(read["relations"].clone()).unwrap();

    let conn = open(&db);
    let mut compared = Vec::new();
    for name in &relations {
        let mut got: Vec<Vec<Option<String>>> = in_duckdb
            .get(name)
            .unwrap_or_else(|| panic!("DuckDB did not read {name}"))
            .iter()
            .map(|row| row.iter().map(|c| c.as_deref().map(same_real)).collect())
            .collect();
        let mut expected: Vec<Vec<Option<String>>> = rows(&conn, &format!("SELECT * FROM \"{name}\""))
            .into_iter()
            .map(|row| row.iter().map(|c| as_duckdb_text(c)).collect())
            .collect();
        // Neither engine promises an order: both sorted alike.
        got.sort();
        expected.sort();
        assert_eq!(got.len(), expected.len(), "{name}: DuckDB reads {} rows, SQLite {}", got.len(), expected.len());
        // Text and integers read alike; a real (none in kbingest's relations) would print differently.
        if let Some((i, (g, e))) = got.iter().zip(&expected).enumerate().find(|(_, (g, e))| g != e) {
            panic!(
                "{name}: DuckDB reads other values than SQLite, first in sorted row {i}:\n DuckDB {g:?}\n SQLite {e:?}"
            );
        }
        compared.push(format!("{name} {}", got.len()));
    }
    let _ = writeln!(
        std::io::stderr(),
        "duckdb {} read {} tables and views with SQLite's rows: {}",
        read["duckdb"].as_str().unwrap_or("?"),
        compared.len(),
        compared.join(", ")
    );
}

/// docs/bi.md's pandas example runs as written on `kbingest export --all -o bi/` and prints what
/// the page says: nullable integer ports, and `n/a` kept as the document's words.
#[test]
fn the_pandas_example_of_docs_reads_the_csv_as_it_says() {
    let Some(python) = duckdb_python() else { return };
    if !Command::new(&python).args(["-c", "import pandas"]).output().is_ok_and(|o| o.status.success()) {
        tool_or_skip(None, "pandas example", "no pandas beside duckdb (.ci/run installs it in target/duckdb-venv)");
        return;
    }
    let dir = ports_db();
    kbingest(dir.path(), &["export", "ports.db", "--all", "-o", "bi/", "-q"]).success();
    let page = std::fs::read_to_string(repo_file("docs/bi.md")).unwrap();
    let code = page.split("```python\n").nth(1).and_then(|rest| rest.split("\n```").next()).expect("a python block");
    let output = Command::new(&python).args(["-c", code]).current_dir(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Int64 3 True\n");
}
