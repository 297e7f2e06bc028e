//! End to end: no rule's ports come from a built-in default range. A dynamic port whose cell
//! states no range gets `--dynamic-range`, else the range its row or the document states, else NULL
//! ports, and `sources.options` says which.

use crate::common::*;
use std::path::Path;

/// Every number of the document's text, as written (for "did the document state it?").
fn numbers_in(path: &Path) -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.trim_start_matches('0').to_string())
        .collect()
}

#[test]
fn configuration_managers_dynamic_rows_have_null_ports() {
    let dir = workdir();
    let db = ingest(dir.path(), "tests/fixtures/real/configmgr-ports.md", "c.db", &[]);
    let dynamic = rows(
        &db,
        "SELECT port_kind, port_low, port_high, count(*) FROM port_rules WHERE port_raw LIKE 'DYNAMIC%' GROUP BY 1, 2, 3",
    );
    assert_eq!(dynamic, [["dynamic", "NULL", "NULL", "17"]]);
    assert!(scalar::<String>(&db, "SELECT options FROM sources").ends_with("; document dynamic range: none stated"));
}

#[test]
fn every_dynamic_range_loaded_is_written_in_its_document() {
    let mut pages: Vec<String> = vec!["raw/ports.txt".into(), "tests/fixtures/kb832017-2020-09.md".into()];
    for folder in ["tests/fixtures/real", "tests/fixtures/cells", "tests/fixtures/shapes", "tests/fixtures/anomalies"] {
        for entry in std::fs::read_dir(repo_file(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md" || e == "txt" || e == "html") && !path.ends_with("README.md")
            {
                pages.push(path.strip_prefix(repo()).unwrap().to_str().unwrap().to_string());
            }
        }
    }
    for page in pages {
        let dir = workdir();
        let db = ingest(dir.path(), &page, "d.db", &[]);
        let written = numbers_in(&repo_file(&page));
        for range in rows(
            &db,
            "SELECT DISTINCT port_low, port_high FROM port_rules WHERE port_kind = 'dynamic' AND port_low IS NOT NULL",
        ) {
            assert!(
                written.contains(&range[0]) && written.contains(&range[1]),
                "{page}: dynamic {range:?} is not written in it"
            );
        }
    }
}

#[test]
fn the_user_or_the_document_gives_the_range_and_the_source_says_which() {
    let dir = workdir();
    let doc = |prose: &str| {
        format!(
            "Test Service\n\nThe test service does one thing. {prose}\n\nSystem Service Name TestSvc\n\n\
             Application protocol Protocol Port\nRPC\nTCP\nRANDOM\n"
        )
    };
    let cases = [
        (
            "one.txt",
            doc("The server assigns a high TCP port between 1025 and 5000."),
            vec![],
            "1025",
            "dynamic-range=document strict=false; document dynamic range: 1025-5000 stated at line 3",
        ),
        (
            "none.txt",
            doc("It uses RPC."),
            vec![],
            "NULL",
            "dynamic-range=document strict=false; document dynamic range: none stated",
        ),
        (
            "several.txt",
            doc("Old systems use random ports between 1025 and 5000. New systems use dynamic ports 49152-65535."),
            vec![],
            "NULL",
            "dynamic-range=document strict=false; document dynamic range: none (several stated: 1025-5000 at line 3, 49152-65535 at line 3)",
        ),
        (
            "user.txt",
            doc("It uses RPC."),
            vec!["--dynamic-range", "49152-65535"],
            "49152",
            "dynamic-range=49152-65535 strict=false; document dynamic range: none stated",
        ),
    ];
    for (name, text, extra, low, options) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let db_name = format!("{name}.db");
        let mut args = vec![name, "-o", db_name.as_str(), "-q"];
        args.extend(extra.iter().copied());
        kbingest(dir.path(), &args).success();
        let db = open(&dir.path().join(&db_name));
        assert_eq!(rows(&db, "SELECT port_kind, port_low FROM port_rules"), [["dynamic", low]], "{name}");
        assert_eq!(scalar::<String>(&db, "SELECT options FROM sources"), options, "{name}");
        let ledgered: i64 = scalar(&db, "SELECT count(*) FROM anomalies WHERE kind = 'document_dynamic_range'");
        assert_eq!(ledgered, i64::from(extra.is_empty()), "{name}");
    }
}
