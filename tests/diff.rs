//! End to end: `kbingest diff DB OLD NEW` on the 2003 article and KB 832017 (2020), a source
//! against a copy of itself, both directions, every format, and the Markdown report (golden file
//! `tests/fixtures/diff/2003-to-2020.md`; `KBINGEST_BLESS=1` rewrites it).

use crate::common::*;
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

const KB2020: &str = "tests/fixtures/kb832017-2020-09.md";
const GOLDEN: &str = "tests/fixtures/diff/2003-to-2020.md";

/// A database holding raw/ports.txt as `2003` and KB 832017 as `2020`.
fn both_db() -> tempfile::TempDir {
    let dir = workdir();
    for (input, name) in [("raw/ports.txt", "2003"), (KB2020, "2020")] {
        ingest(dir.path(), input, "both.db", &["--source-name", name]);
    }
    dir
}

/// The rows of a diff in JSON.
fn diff_json(dir: &Path, old: &str, new: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["diff", "both.db", old, new, "--format", "json", "-q"];
    args.extend_from_slice(extra);
    let run = kbingest(dir, &args);
    run.success();
    serde_json::from_str::<Vec<Value>>(&run.stdout()).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout()))
}

fn text(row: &Value, key: &str) -> String {
    match &row[key] {
        Value::String(s) => s.clone(),
        Value::Null => "NULL".to_string(),
        other => other.to_string(),
    }
}

/// The change of the one row of a service (by system service name) with this transport and port.
fn change_of(rows: &[Value], name: &str, transport: &str, port: i64) -> Vec<String> {
    rows.iter()
        .filter(|r| r["system_service_name"] == name && r["transport"] == transport)
        .filter(|r| r["old_port_low"] == port || r["new_port_low"] == port)
        .map(|r| text(r, "change"))
        .collect()
}

#[test]
fn the_changes_between_2003_and_2020() {
    let dir = both_db();
    let rows = diff_json(dir.path(), "2003", "2020", &[]);
    // The nine changes the README's hand-written query used to list.
    let expected = [
        ("ClusSvc", "TCP", 3343, "added"),
        ("ClusSvc", "UDP", 137, "added"),
        ("DHCPServer", "TCP", 647, "added"),
        ("LSASS", "TCP", 445, "added"),
        ("LSASS", "UDP", 636, "removed"),
        ("Netlogon", "TCP", 135, "added"),
        ("Netlogon", "UDP", 389, "added"),
        ("SMTPSVC", "UDP", 25, "removed"),
    ];
    for (name, transport, port, change) in expected {
        assert_eq!(change_of(&rows, name, transport, port), vec![change], "{name} {transport} {port}");
    }
    // TCP 9389 is in two rows of KB 832017 (ADWS and the Management Gateway Service).
    assert_eq!(change_of(&rows, "LSASS", "TCP", 9389), vec!["added", "added"]);
    assert_eq!(change_of(&rows, "DNS", "TCP", 53), vec!["unchanged"]);
    assert_eq!(change_of(&rows, "DNS", "UDP", 53), vec!["unchanged"]);

    let frs: Vec<&Value> = rows.iter().filter(|r| r["system_service_name"] == "NtFrs").collect();
    let moved: Vec<&&Value> = frs.iter().filter(|r| r["change"] == "changed").collect();
    assert_eq!(moved.len(), 1, "{frs:#?}");
    let moved = moved[0];
    assert_eq!((&moved["old_port_low"], &moved["old_port_high"]), (&Value::from(1025), &Value::from(5000)));
    assert_eq!((&moved["new_port_low"], &moved["new_port_high"]), (&Value::from(49152), &Value::from(65535)));
    assert_eq!((text(moved, "old_port_kind"), text(moved, "new_port_kind")), ("dynamic".into(), "dynamic".into()));
    assert_eq!((&moved["old_line"], &moved["new_line"]), (&Value::from(246), &Value::from(366)));
    assert_eq!(text(moved, "service"), "File Replication");

    // Renamed services keep their old title beside the new one.
    let lsass = rows.iter().find(|r| r["system_service_name"] == "LSASS").unwrap();
    assert_eq!(text(lsass, "service"), "Active Directory (local security authority)");
    assert_eq!(text(lsass, "old_service"), "Local Security Authority");
}

#[test]
fn summary_exit_code_and_changes_only() {
    let dir = both_db();
    let run = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--format", "csv"]);
    run.success().stderr_has("kbingest: 2003 -> 2020: 103 added, 24 removed, 11 changed, 137 unchanged (port rules)");
    kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--exit-code", "-q"]).expect(1);
    let changes = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--changes-only", "--format", "csv"]);
    let lines: Vec<String> = changes.success().stdout().lines().map(String::from).collect();
    assert_eq!(lines.len(), 1 + 103 + 24 + 11, "a header and the changed rows");
    assert!(lines[1..].iter().all(|l| !l.starts_with("unchanged,")));
    assert_eq!(changes.stderr(), run.stderr(), "the summary counts every rule");
}

#[test]
fn a_source_against_a_copy_of_itself_is_unchanged() {
    let dir = workdir();
    for name in ["a", "b"] {
        ingest(dir.path(), "raw/ports.txt", "both.db", &["--source-name", name]);
    }
    let rows = diff_json(dir.path(), "a", "b", &["--exit-code"]);
    assert_eq!(rows.len(), 172);
    assert!(rows.iter().all(|r| r["change"] == "unchanged" && r["old_line"] == r["new_line"]));
    assert!(diff_json(dir.path(), "a", "b", &["--changes-only"]).is_empty());
    let run = kbingest(dir.path(), &["diff", "both.db", "a", "b", "--format", "markdown", "--changes-only"]);
    run.success().stderr_has("0 added, 0 removed, 0 changed, 172 unchanged");
    assert!(run.stdout().contains("| unchanged | 172 |"), "{}", run.stdout());
}

/// A rule on one side of a row: transport, ports, port kind and line (what identifies it in
/// its source).
fn rule(row: &Value, which: &str) -> String {
    let mut parts = vec![text(row, "transport")];
    parts.extend(["port_low", "port_high", "port_kind", "line"].iter().map(|k| text(row, &format!("{which}_{k}"))));
    parts.join("|")
}

/// What a diff says, as sorted lists of rules: added (new sides, with the application protocol,
/// which is then the new source's), removed (old sides, likewise), and changed and unchanged
/// (old side -> new side).
fn changes(rows: &[Value], swap: bool) -> [Vec<String>; 4] {
    let (old, new) = if swap { ("new", "old") } else { ("old", "new") };
    let one = |r: &Value, which: &str| format!("{}|{}", text(r, "application_protocol"), rule(r, which));
    let of = |change: &str, f: &dyn Fn(&Value) -> String| {
        let mut list: Vec<String> = rows.iter().filter(|r| r["change"] == change).map(f).collect();
        list.sort();
        list
    };
    let pair = |r: &Value| format!("{} -> {}", rule(r, old), rule(r, new));
    [of("added", &|r| one(r, "new")), of("removed", &|r| one(r, "old")), of("changed", &pair), of("unchanged", &pair)]
}

/// `diff A B` and `diff B A` say the same with old and new swapped.
fn assert_symmetric(dir: &Path, a: &str, b: &str) {
    let [added, removed, changed, unchanged] = changes(&diff_json(dir, a, b, &[]), false);
    let [b_added, b_removed, b_changed, b_unchanged] = changes(&diff_json(dir, b, a, &[]), true);
    assert_eq!(added, b_removed, "diff {a} {b} added = diff {b} {a} removed");
    assert_eq!(removed, b_added, "diff {a} {b} removed = diff {b} {a} added");
    assert_eq!(changed, b_changed, "the same rules pair up as changed");
    assert_eq!(unchanged, b_unchanged, "the same rules pair up as unchanged");
}

#[test]
fn comparing_the_other_way_round_swaps_added_and_removed() {
    let dir = both_db();
    assert_symmetric(dir.path(), "2003", "2020");
}

#[test]
fn csv_and_json_hold_the_same_rows() {
    let dir = both_db();
    let json = diff_json(dir.path(), "2003", "2020", &[]);
    let csv = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--format", "csv", "-q"]);
    let bytes = csv.success().stdout().into_bytes();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(records.len(), json.len());
    for (record, object) in records.iter().zip(&json) {
        let object = object.as_object().unwrap();
        let mut keys: Vec<&String> = object.keys().collect();
        let mut columns: Vec<&String> = header.iter().collect();
        keys.sort();
        columns.sort();
        assert_eq!(keys, columns);
        for (cell, key) in record.iter().zip(&header) {
            let expected = match &object[key] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(cell, &expected, "{key} in {object:?}");
        }
    }
}

#[test]
fn the_markdown_report_matches_its_golden_file() {
    let dir = both_db();
    let run = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--format", "markdown", "-o", "report.md"]);
    run.success().stderr_has("2003 -> 2020: 103 added");
    assert_eq!(run.stdout(), "", "-o writes the file, not standard output");
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    let golden = repo_file(GOLDEN);
    if std::env::var_os("KBINGEST_BLESS").is_some() {
        std::fs::write(&golden, &report).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if report != expected {
        let first = report.lines().zip(expected.lines()).position(|(a, b)| a != b);
        panic!("{GOLDEN} differs (first at line {first:?}); run with KBINGEST_BLESS=1 to rewrite it\n{report}");
    }
    assert!(report.contains("| added | 103 |\n| removed | 24 |\n| changed | 11 |\n| unchanged | 137 |"));
}

#[test]
fn match_pairs_services_the_names_do_not() {
    let dir = both_db();
    let ssdp = "SSDP Discovery Service=Simple Service Discovery Protocol (SSDP) Discovery Service";
    let before = diff_json(dir.path(), "2003", "2020", &[]);
    let after = diff_json(dir.path(), "2003", "2020", &["--match", ssdp]);
    let ssdp_rows = |rows: &[Value]| -> Vec<String> {
        rows.iter().filter(|r| text(r, "service").contains("SSDP")).map(|r| text(r, "change")).collect()
    };
    assert_eq!(ssdp_rows(&before), vec!["added", "added", "added", "removed", "removed", "removed"]);
    assert_eq!(ssdp_rows(&after), vec!["unchanged", "unchanged", "unchanged"]);
    kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--match", "SSDP=Telnet"])
        .expect(1)
        .stderr_has("source `2003` has no service titled `SSDP`");
    kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--match", "no equals sign"])
        .expect(2)
        .stderr_has("OLD TITLE=NEW TITLE");
}

#[test]
fn unknown_sources_and_databases_are_refused() {
    let dir = both_db();
    kbingest(dir.path(), &["diff", "both.db", "2003", "2021"])
        .expect(1)
        .stderr_has("both.db: has no source named `2021`; sources: 2003, 2020");
    kbingest(dir.path(), &["diff", "missing.db", "2003", "2020"]).expect(1).stderr_has("missing.db: does not exist");
    kbingest(dir.path(), &["diff", "both.db", "2003"]).expect(2);
}

/// A table row: application protocol, protocol, port.
type Row = (String, String, String);

/// A small document of the given services (title, system service name, rows), in the 2003 text form.
fn document(services: &[(String, String, Vec<Row>)]) -> String {
    let mut doc = String::new();
    for (title, name, rows) in services {
        doc.push_str(&format!("{title}\n\nThe {title} service.\n\nSystem Service Name {name}\n\n"));
        doc.push_str("Application protocol Protocol Port\n");
        for (application, protocol, port) in rows {
            doc.push_str(&format!("{application}\n{protocol}\n{port}\n"));
        }
        doc.push('\n');
    }
    doc
}

/// A document made of some of a few services, each with some of a few rules.
fn arb_document() -> impl Strategy<Value = String> {
    let row = (
        prop::sample::select(vec!["RPC", "DNS", "Randomly allocated high TCP ports"]),
        prop::sample::select(vec!["TCP", "UDP"]),
        prop::sample::select(vec!["53", "135", "445", "RANDOM", "49152-65535"]),
    )
        .prop_map(|(a, p, n)| (a.to_string(), p.to_string(), n.to_string()));
    let service = (
        prop::sample::select(vec![
            ("DNS Server", "DNS"),
            ("dns server", "Dns"),
            ("Net Logon", "Netlogon"),
            ("Fax Service", "Fax"),
        ]),
        prop::collection::vec(row, 1..4),
    )
        .prop_map(|((title, name), rows)| (title.to_string(), name.to_string(), rows));
    prop::collection::vec(service, 1..4).prop_map(|services| document(&services))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn diff_is_symmetric_on_mutated_documents(a in arb_document(), b in arb_document()) {
        let dir = workdir();
        for (name, doc) in [("a", &a), ("b", &b)] {
            std::fs::write(dir.path().join(format!("{name}.txt")), doc).unwrap();
            kbingest(dir.path(), &[&format!("{name}.txt"), "-o", "both.db", "--source-name", name, "-q"]).success();
        }
        assert_symmetric(dir.path(), "a", "b");
    }
}

#[test]
fn the_readme_shows_what_diff_says() {
    let readme = documentation();
    let section = &readme[readme.find("## Comparing editions").expect("the README's diff section")..];
    let dir = both_db();
    // The excerpt is of the whole report (tests/fixtures/diff/2003-to-2020.md), unchanged rules included.
    let run = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--format", "markdown"]);
    assert!(section.contains(run.success().stderr().trim_end()), "the summary line\n{}", run.stderr());
    let excerpt = &section[section.find("```\n### File Replication").expect("the report excerpt") + 4..];
    let excerpt = &excerpt[..excerpt.find("```").expect("the excerpt's end")];
    assert!(run.stdout().contains(excerpt), "the report holds the excerpt\n{excerpt}");
    let sql = "SELECT source, port_low || '-' || port_high AS ports, count(*) AS rules FROM port_rules \
               WHERE port_kind = 'dynamic' GROUP BY 1, 2 ORDER BY 1, 2";
    let query = kbingest(dir.path(), &["query", "both.db", sql]);
    assert!(section.contains(&format!("$ kbingest query both.db \"{sql}\"\n{}", query.success().stdout())));
}
