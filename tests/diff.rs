//! End to end: `kbingest diff DB OLD NEW` on the 2003 article and KB 832017 (2020), a source
//! against a copy of itself, both directions, every format, the table for a terminal, the exit
//! statuses, and the Markdown report (golden file `tests/fixtures/diff/2003-to-2020.md`;
//! `KBINGEST_BLESS=1` rewrites it).

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

/// The one row with these values (`null` for NULL).
fn the_row<'a>(rows: &'a [Value], wanted: &[(&str, Value)]) -> &'a Value {
    let found: Vec<&Value> = rows.iter().filter(|r| wanted.iter().all(|(k, v)| &r[*k] == v)).collect();
    assert_eq!(found.len(), 1, "one row with {wanted:?}: {found:#?}");
    found[0]
}

#[test]
fn the_changes_between_2003_and_2020() {
    let dir = both_db();
    let rows = diff_json(dir.path(), "2003", "2020", &[]);
    // The nine changes the README's hand-written query used to list (UDP 636 moved: below).
    let expected = [
        ("ClusSvc", "TCP", 3343, "added"),
        ("ClusSvc", "UDP", 137, "added"),
        ("DHCPServer", "TCP", 647, "added"),
        ("LSASS", "TCP", 445, "added"),
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
    assert_eq!(
        (text(lsass, "service_change"), text(lsass, "paired_by")),
        ("renamed".into(), "system_service_name".into())
    );
}

#[test]
fn renamed_services_and_protocols_and_a_moved_port_without_match() {
    let dir = both_db();
    let rows = diff_json(dir.path(), "2003", "2020", &[]);
    // The three renames that share no system service name pair by likeness of title and ports.
    let renames = [
        ("Microsoft Exchange MTA Stacks", "Microsoft Exchange Message Transfer Agent (MTA) stacks"),
        ("SSDP Discovery Service", "Simple Service Discovery Protocol (SSDP) Discovery Service"),
        ("SQL Analysis Server", "SQL Server Analysis Services"),
    ];
    for (old, new) in renames {
        let of_it: Vec<&Value> = rows.iter().filter(|r| r["old_service"] == old || r["service"] == new).collect();
        assert!(!of_it.is_empty(), "{old}");
        for row in of_it {
            let said = ["change", "service", "old_service", "service_change", "paired_by"].map(|k| text(row, k));
            assert_eq!(said, ["unchanged", new, old, "renamed", "likeness"], "{row:#}");
        }
    }
    // LSASS's dynamic range changed as the other services' did, under a renamed application
    // protocol: one changed row, not removed + added.
    let lsass = the_row(&rows, &[("system_service_name", "LSASS".into()), ("change", "changed".into())]);
    assert_eq!((&lsass["old_port_low"], &lsass["new_port_low"]), (&Value::from(1025), &Value::from(49152)));
    assert_eq!(text(lsass, "application_protocol"), "RPC randomly allocated high TCP ports");
    // UDP 636 went from LSASS to the summary's "Local Security Authority".
    let moved = the_row(&rows, &[("change", "moved".into())]);
    let said = ["service", "system_service_name", "old_service", "old_system_service_name", "transport"];
    assert_eq!(
        said.map(|k| text(moved, k)),
        ["Local Security Authority", "NULL", "Local Security Authority", "LSASS", "UDP"]
    );
    assert_eq!((&moved["old_port_low"], &moved["new_port_low"]), (&Value::from(636), &Value::from(636)));
    assert_eq!((&moved["old_line"], &moved["new_line"]), (&Value::from(386), &Value::from(1181)));
    assert_eq!((text(moved, "service_change"), text(moved, "paired_by")), ("NULL".into(), "NULL".into()));
}

/// The Exchange Server and Systems Management Server rules that KB 832017 (2020) lists only in
/// its closing summary are loaded under their services (the readers' half of issue 24), so they
/// are no longer removed.
#[test]
fn summary_only_services_lose_no_rules() {
    let dir = both_db();
    let rows = diff_json(dir.path(), "2003", "2020", &[]);
    let removed = |title: &str| -> Vec<i64> {
        let mut ports: Vec<i64> = rows
            .iter()
            .filter(|r| r["change"] == "removed" && text(r, "old_service") == title)
            .filter_map(|r| r["old_port_low"].as_i64())
            .collect();
        ports.sort();
        ports
    };
    assert_eq!(removed("Exchange Server"), vec![25, 1025], "UDP 25 and the dynamic range only");
    assert_eq!(removed("Systems Management Server"), vec![1025], "the dynamic range only");
}

/// The summary's first line for 2003 -> 2020.
const SUMMARY: &str = "kbingest: 2003 -> 2020: 101 added, 9 removed, 12 changed, 1 moved, 150 unchanged (port rules)";

#[test]
fn summary_and_changes_only() {
    let dir = both_db();
    let run = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--format", "csv"]);
    run.success().stderr_has(SUMMARY).stderr_has(
        "kbingest: services: 12 added, 2 removed, 19 renamed (4 paired by likeness of title and ports), 41 kept",
    );
    let changes = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--changes-only", "--format", "csv"]);
    let lines: Vec<String> = changes.success().stdout().lines().map(String::from).collect();
    assert_eq!(lines.len(), 1 + 101 + 9 + 12 + 1, "a header and the changed rows");
    assert!(lines[1..].iter().all(|l| !l.starts_with("unchanged,")));
    assert_eq!(changes.stderr(), run.stderr(), "the summary counts every rule");
}

#[test]
fn exit_code_is_0_for_the_same_1_for_differences_and_2_for_trouble() {
    let dir = both_db();
    for name in ["2003 again", "2003 once more"] {
        ingest(dir.path(), "raw/ports.txt", "both.db", &["--source-name", name]);
    }
    let diff = |args: &[&str]| kbingest(dir.path(), &[&["diff"], args, &["--exit-code", "-q"]].concat());
    diff(&["both.db", "2003 again", "2003 once more"]).expect(0);
    diff(&["both.db", "2003", "2020"]).expect(1);
    diff(&["missing.db", "2003", "2020"]).expect(2).stderr_has("missing.db: does not exist");
    diff(&["both.db", "2003", "2021"]).expect(2).stderr_has("has no source named `2021`");
    diff(&["both.db", "2003", "2020", "--match", "SSDP=Telnet"]).expect(2).stderr_has("no service titled `SSDP`");
    diff(&["both.db", "2003"]).expect(2);
    // Without --exit-code, trouble is status 1 as for every command.
    kbingest(dir.path(), &["diff", "missing.db", "2003", "2020"]).expect(1);
    kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "-q"]).expect(0);
}

#[test]
fn a_source_against_a_copy_of_itself_is_unchanged() {
    let dir = workdir();
    for name in ["a", "b"] {
        ingest(dir.path(), "raw/ports.txt", "both.db", &["--source-name", name]);
    }
    let rows = diff_json(dir.path(), "a", "b", &["--exit-code"]);
    assert_eq!(rows.len(), 172);
    assert!(rows.iter().all(|r| r["service_change"] == "kept"));
    assert!(rows.iter().all(|r| r["change"] == "unchanged" && r["old_line"] == r["new_line"]));
    assert!(diff_json(dir.path(), "a", "b", &["--changes-only"]).is_empty());
    let run = kbingest(dir.path(), &["diff", "both.db", "a", "b", "--format", "markdown", "--changes-only"]);
    run.success().stderr_has("0 added, 0 removed, 0 changed, 0 moved, 172 unchanged");
    assert!(run.stdout().contains("| unchanged | 172 |"), "{}", run.stdout());
}

/// A rule on one side of a row: transport, ports, port kind and line (what identifies it in
/// its source).
fn rule(row: &Value, which: &str) -> String {
    let mut parts = vec![text(row, "transport")];
    parts.extend(["port_low", "port_high", "port_kind", "line"].iter().map(|k| text(row, &format!("{which}_{k}"))));
    parts.join("|")
}

/// What a diff says, as sorted lists: added rules (new sides, with the application protocol,
/// which is then the new source's), removed ones (old sides, likewise), changed and unchanged
/// ones (old side -> new side), moved ones (old service and side -> new service and side), and
/// renamed services (old title -> new title, and how they were paired).
fn changes(rows: &[Value], swap: bool) -> [Vec<String>; 6] {
    let (old, new) = if swap { ("new", "old") } else { ("old", "new") };
    let one = |r: &Value, which: &str| format!("{}|{}", text(r, "application_protocol"), rule(r, which));
    let of = |change: &str, f: &dyn Fn(&Value) -> String| {
        let mut list: Vec<String> = rows.iter().filter(|r| r["change"] == change).map(f).collect();
        list.sort();
        list
    };
    let pair = |r: &Value| format!("{} -> {}", rule(r, old), rule(r, new));
    let service = |r: &Value, which: &str| match which {
        "old" => format!("{}|{}", text(r, "old_service"), text(r, "old_system_service_name")),
        _ => format!("{}|{}", text(r, "service"), text(r, "system_service_name")),
    };
    let moved = |r: &Value| format!("{} {} -> {} {}", service(r, old), rule(r, old), service(r, new), rule(r, new));
    let title = |r: &Value, which: &str| text(r, if which == "old" { "old_service" } else { "service" });
    let mut renamed: Vec<String> = rows
        .iter()
        .filter(|r| r["service_change"] == "renamed")
        .map(|r| format!("{} -> {} by {}", title(r, old), title(r, new), text(r, "paired_by")))
        .collect();
    renamed.sort();
    renamed.dedup();
    [
        of("added", &|r| one(r, "new")),
        of("removed", &|r| one(r, "old")),
        of("changed", &pair),
        of("unchanged", &pair),
        of("moved", &moved),
        renamed,
    ]
}

/// `diff A B` and `diff B A` say the same with old and new swapped.
fn assert_symmetric(dir: &Path, a: &str, b: &str) {
    let [added, removed, changed, unchanged, moved, renamed] = changes(&diff_json(dir, a, b, &[]), false);
    let [b_added, b_removed, b_changed, b_unchanged, b_moved, b_renamed] = changes(&diff_json(dir, b, a, &[]), true);
    assert_eq!(added, b_removed, "diff {a} {b} added = diff {b} {a} removed");
    assert_eq!(removed, b_added, "diff {a} {b} removed = diff {b} {a} added");
    assert_eq!(changed, b_changed, "the same rules pair up as changed");
    assert_eq!(unchanged, b_unchanged, "the same rules pair up as unchanged");
    assert_eq!(moved, b_moved, "the same rules move between the same services");
    assert_eq!(renamed, b_renamed, "the same services pair up as renamed");
}

#[test]
fn comparing_the_other_way_round_swaps_added_and_removed() {
    let dir = both_db();
    assert_symmetric(dir.path(), "2003", "2020");
    let [.., moved, renamed] = changes(&diff_json(dir.path(), "2003", "2020", &[]), false);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(renamed.iter().filter(|r| r.ends_with("by likeness")).count(), 4, "{renamed:#?}");
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
    run.success().stderr_has(SUMMARY);
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
    assert!(report.contains("| added | 101 |\n| removed | 9 |\n| changed | 12 |\n| moved | 1 |\n| unchanged | 150 |"));
    assert!(report.contains("## Renamed services\n"), "{report}");
    assert!(report.contains("## Port rules moved between services\n"), "{report}");
}

#[test]
fn match_overrides_the_pairs_found() {
    let dir = both_db();
    let ssdp = "SSDP Discovery Service=Simple Service Discovery Protocol (SSDP) Discovery Service";
    let pairing = |rows: &[Value], service: &str| -> Vec<String> {
        let mut all: Vec<String> =
            rows.iter().filter(|r| text(r, "service") == service).map(|r| text(r, "paired_by")).collect();
        all.dedup();
        all
    };
    let found = diff_json(dir.path(), "2003", "2020", &[]);
    let asked = diff_json(dir.path(), "2003", "2020", &["--match", ssdp]);
    let new_ssdp = "Simple Service Discovery Protocol (SSDP) Discovery Service";
    assert_eq!(pairing(&found, new_ssdp), vec!["likeness"]);
    assert_eq!(pairing(&asked, new_ssdp), vec!["match"]);
    // Pairing SQL Analysis Server with another service leaves its port to move to the service
    // that likeness would have paired it with.
    let forced = diff_json(dir.path(), "2003", "2020", &["--match", "SQL Analysis Server=Hyper-V service"]);
    assert_eq!(pairing(&forced, "Hyper-V service"), vec!["match"]);
    let moved = the_row(&forced, &[("change", "moved".into()), ("old_port_low", 2725.into())]);
    assert_eq!(
        (text(moved, "old_service"), text(moved, "service")),
        ("SQL Analysis Server".into(), "SQL Server Analysis Services".into())
    );
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

/// `diff` in the table format, for a terminal `columns` wide.
fn table(dir: &Path, columns: &str, extra: &[&str]) -> String {
    let mut args = vec!["diff", "both.db", "2003", "2020", "-q"];
    args.extend_from_slice(extra);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(&args)
        .current_dir(dir)
        .env("COLUMNS", columns)
        .output()
        .expect("kbingest runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn the_table_shows_the_changes_and_fits_the_terminal() {
    let dir = both_db();
    for width in [80, 120] {
        let shown = table(dir.path(), &width.to_string(), &[]);
        let widest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= width, "a line of {widest} characters in {width}:\n{shown}");
        assert!(!shown.lines().any(|l| l.trim_start().starts_with("unchanged ")), "{shown}");
        assert!(shown.ends_with("\n150 unchanged port rules not listed (--all lists them)\n"), "{shown}");
        assert!(shown.contains(
            "\nActive Directory (local security authority) [LSASS]\n  renamed from Local Security Authority [LSASS]\n"
        ));
        assert!(
            shown.contains("\nSQL Server Analysis Services\n  renamed from SQL Analysis Server (paired by"),
            "{shown}"
        );
        assert!(shown.contains("\nMoved between services\n  moved    UDP 636 "), "{shown}");
        assert!(shown.contains(
            "\n    from Local Security Authority [LSASS] in 2003\n    to Local Security Authority in 2020\n"
        ));
        // The widest title wraps rather than being cut.
        assert!(shown.contains("Primary Computer"), "{shown}");
    }
    let narrow = table(dir.path(), "80", &[]);
    assert!(
        narrow.contains("  changed  TCP 1025-5000 dyn   371  TCP 49152-65535 dyn   115  RPC randomly all…\n"),
        "{narrow}"
    );
    let wide = table(dir.path(), "120", &[]);
    assert!(wide.contains(
        "  added                             TCP 9389              105  Active Directory Management Gateway Service\n"
    ));

    let all = table(dir.path(), "100", &["--all"]);
    let unchanged = all.lines().filter(|l| l.starts_with("  unchanged ")).count();
    assert_eq!(unchanged, 150, "{all}");
    assert!(all.contains("\nWindows Time [W32Time]\n"), "unchanged services too");
    assert!(!all.contains("not listed"));
    let csv_only = kbingest(dir.path(), &["diff", "both.db", "2003", "2020", "--all", "--changes-only"]);
    csv_only.expect(2).stderr_has("cannot be used with");
}

#[test]
fn the_table_says_when_nothing_changed() {
    let dir = workdir();
    for name in ["a", "b"] {
        ingest(dir.path(), "raw/ports.txt", "both.db", &["--source-name", name]);
    }
    let run = kbingest(dir.path(), &["diff", "both.db", "a", "b", "-q"]);
    assert_eq!(
        run.success().stdout(),
        "No changes from a to b.\n\n172 unchanged port rules not listed (--all lists them)\n"
    );
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
            ("Net Logon Service", "NetlogonX"),
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
    let shown = &section[section.find("```\nActive Directory").expect("the table excerpt") + 4..];
    let shown = &shown[..shown.find("```").expect("the excerpt's end")];
    assert!(table(dir.path(), "80", &[]).contains(shown), "the table holds the excerpt\n{shown}");
    let sql = "SELECT source, port_low || '-' || port_high AS ports, count(*) AS rules FROM port_rules \
               WHERE port_kind = 'dynamic' GROUP BY 1, 2 ORDER BY 1, 2";
    let query = kbingest(dir.path(), &["query", "both.db", sql]);
    assert!(section.contains(&format!("$ kbingest query both.db \"{sql}\"\n{}", query.success().stdout())));
}
