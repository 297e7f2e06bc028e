//! Cross-checks end to end: the prose of `raw/ports.txt` against its own tables (exactly seven
//! contradictions and one damaged sentence), no false alarms in the other documents, and the
//! ports the prose mentions.

use crate::common::*;

#[test]
fn the_seven_contradictions_and_the_lost_dashes_of_ports_txt() {
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    let found = rows(
        &db,
        "SELECT source_line, raw, message FROM anomalies WHERE kind = 'prose_conflict' ORDER BY source_line, raw",
    );
    let at: Vec<(&str, &str)> = found.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        at,
        [
            ("363", "IPSec ISAKMP (TCP on port 500)"),
            ("363", "NAT-T (TCP on port 4500)"),
            ("645", "IPSec ISAKMP (TCP on port 500)"),
            ("645", "NAT-T (TCP on port 4500)"),
            ("720", "Character Generator, port 9"),
            ("722", "Daytime, port 3"),
            ("724", "Quote of the Day, port 7"),
        ]
    );
    let message = |line: &str, raw: &str| {
        found.iter().find(|r| r[0] == line && r[1] == raw).map(|r| r[2].clone()).unwrap_or_default()
    };
    for (line, raw, both_sides) in [
        (
            "720",
            "Character Generator, port 9",
            "the prose gives Character Generator port 9; the table gives Chargen TCP/UDP 19",
        ),
        ("722", "Daytime, port 3", "the prose gives Daytime port 3; the table gives Daytime TCP/UDP 13"),
        (
            "724",
            "Quote of the Day, port 7",
            "the prose gives Quote of the Day port 7; the table gives Quotd TCP/UDP 17",
        ),
        ("363", "NAT-T (TCP on port 4500)", "the prose gives NAT-T TCP port 4500; the table gives NAT-T UDP 4500"),
        (
            "645",
            "IPSec ISAKMP (TCP on port 500)",
            "the prose gives IPSec ISAKMP TCP port 500; the table of Local Security Authority gives IPSec ISAKMP UDP 500",
        ),
    ] {
        let m = message(line, raw);
        assert!(m.contains(both_sides), "line {line}: {m}");
    }
    assert_eq!(
        rows(&db, "SELECT source_line, raw, normalized FROM anomalies WHERE kind = 'encoding_artifact'"),
        [["291", "network ? either", "NULL"], ["291", "remote ? using", "NULL"]]
    );
    // The text keeps the document's words.
    let description: String =
        scalar(&db, "SELECT description FROM services WHERE title = 'Internet Authentication Service'");
    assert!(description.contains("a network ? either LAN or remote ? using VPN"), "{description}");
}

#[test]
fn the_ports_the_prose_mentions_are_recorded_whether_or_not_the_table_lists_them() {
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM prose_ports"), 21);
    assert_eq!(
        rows(
            &db,
            "SELECT service, words, name, transport, port_low, port_high FROM prose_ports WHERE source_line = 13"
        ),
        [
            ["Application Layer Gateway (ALG) Service", "port 21", "NULL", "NULL", "21", "21"],
            ["Application Layer Gateway (ALG) Service", "port in the 3000-5000 range", "NULL", "NULL", "3000", "5000"],
        ]
    );
    // ALG's loopback range is not in its table, and names no protocol: recorded, not flagged.
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM anomalies WHERE source_line = 13"), 0);
}

#[test]
fn documents_without_contradictions_give_none() {
    let mut documents = vec![repo_file("tests/fixtures/kb832017-2020-09.md")];
    for entry in std::fs::read_dir(repo_file("tests/fixtures/anomalies")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        if stem != "prose_conflict" && stem != "encoding_artifact" {
            documents.push(path);
        }
    }
    let dir = workdir();
    for (i, path) in documents.iter().enumerate() {
        let db = format!("d{i}.db");
        let conn = ingest(dir.path(), path.to_str().unwrap(), &db, &["--lenient"]);
        let found = rows(
            &conn,
            "SELECT source_line, kind, message FROM anomalies WHERE kind IN ('prose_conflict', 'encoding_artifact')",
        );
        assert!(found.is_empty(), "{}: {found:?}", path.display());
    }
}

#[test]
fn the_readme_shows_the_findings_as_they_are() {
    let dir = ports_db();
    let sql = "SELECT source_line AS line, kind, raw, message FROM anomalies
  WHERE kind IN ('prose_conflict', 'encoding_artifact') ORDER BY source_line, raw";
    let run = kbingest(dir.path(), &["query", "ports.db", sql, "--format", "csv"]);
    run.success();
    let readme = documentation();
    assert!(readme.contains(sql), "the README's query differs from this test's");
    let output = run.stdout();
    assert_eq!(output.lines().count(), 10);
    for line in output.lines() {
        assert!(readme.contains(&format!("\n{line}\n")), "README lacks the finding {line}");
    }
}

#[test]
fn the_readme_documents_every_column_of_the_cross_check_views() {
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    let readme = documentation();
    for view in ["registered_ports", "port_rules_registered", "prose_ports", "prose_registry_conflicts"] {
        let section = readme.split(&format!("### `{view}`")).nth(1).unwrap_or_else(|| panic!("README lacks {view}"));
        let section = section.split("\n### ").next().unwrap().split("\n## ").next().unwrap();
        for column in rows_with(&db, "SELECT name FROM pragma_table_info(?1)", [view]) {
            let documented = section.contains(&format!("| `{}` |", column[0]))
                || (view == "port_rules_registered" && column[0] != "registered_names");
            assert!(documented, "README's {view} lacks column {}", column[0]);
        }
    }
}
