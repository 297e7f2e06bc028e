//! A database made by the schema before migration 0009, which recorded reStructuredText and
//! AsciiDoc as `text` and MDX as `markdown` (the true format at the end of `sources.options`), is
//! upgraded by the next ingest: its sources get their own format names and keep their ids, every
//! rule and anomaly stays, and the same documents are found unchanged.

use crate::common::*;
use kbingest::store::MIGRATIONS;

const PAGES: [&str; 4] = [
    "tests/fixtures/formats/own/list-table.rst",
    "tests/fixtures/formats/own/ports.adoc",
    "tests/fixtures/formats/own/ports.mdx",
    "raw/ports.txt",
];

/// Makes `old` at the schema before migration 0009 holding what `new` holds, each source recorded
/// as the kbingest of that schema recorded it: ` format=X` after the options it was given, before
/// what loading added (`; document dynamic range: ...`).
fn downgrade(new: &std::path::Path, old: &std::path::Path) {
    let conn = rusqlite::Connection::open(old).unwrap();
    let this = MIGRATIONS.iter().position(|(name, _)| name.ends_with("_document_formats.sql")).unwrap();
    for (version, (_, sql)) in MIGRATIONS[..this].iter().enumerate() {
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", version as i64 + 1).unwrap();
    }
    conn.execute("ATTACH DATABASE ?1 AS new", [new.to_str().unwrap()]).unwrap();
    conn.execute_batch(
        "INSERT INTO main.sources
         SELECT id, name, sha256, size_bytes,
                CASE format WHEN 'mdx' THEN 'markdown' WHEN 'rst' THEN 'text' WHEN 'asciidoc' THEN 'text' ELSE format END,
                encoding,
                CASE WHEN format NOT IN ('rst', 'asciidoc', 'mdx') THEN options
                     WHEN instr(options, '; ') = 0 THEN options || ' format=' || format
                     ELSE substr(options, 1, instr(options, '; ') - 1) || ' format=' || format
                          || substr(options, instr(options, '; ')) END,
                ingested_at, tool_version
         FROM new.sources;",
    )
    .unwrap();
    // The other tables as they are; the search indexes fill from their triggers.
    let tables = rows(
        &conn,
        "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'sources'
           AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%_fts_%' ORDER BY rowid",
    );
    assert!(tables.len() >= 7, "{tables:?}");
    for table in tables {
        conn.execute_batch(&format!("INSERT OR IGNORE INTO main.\"{0}\" SELECT * FROM new.\"{0}\"", table[0])).unwrap();
    }
    conn.execute_batch("DETACH DATABASE new").unwrap();
}

#[test]
fn a_database_of_the_schema_before_0009_is_upgraded_and_keeps_its_rows() {
    let dir = workdir();
    let pages: Vec<String> = PAGES.iter().map(|p| repo_file(p).to_string_lossy().into_owned()).collect();
    let mut args: Vec<&str> = pages.iter().map(String::as_str).collect();
    args.extend(["-o", "new.db", "-q"]);
    kbingest(dir.path(), &args).success();
    downgrade(&dir.path().join("new.db"), &dir.path().join("old.db"));
    let before = open(&dir.path().join("old.db"));
    let formats = "SELECT id, format, options FROM sources ORDER BY id";
    let old_formats = rows(&before, formats);
    assert!(old_formats.iter().any(|r| r[1] == "text" && r[2].contains(" format=rst")), "{old_formats:?}");
    let every = [
        "SELECT * FROM port_rules ORDER BY source, source_line, port_low",
        "SELECT * FROM anomalies ORDER BY source, source_line, kind, raw",
        "SELECT * FROM services ORDER BY id",
        "SELECT rowid FROM services_fts WHERE services_fts MATCH 'collector'",
    ];
    let kept: Vec<_> = every.iter().map(|sql| rows(&before, sql)).collect();
    drop(before);

    let old_args: Vec<&str> = args.iter().map(|a| if *a == "new.db" { "old.db" } else { a }).collect();
    let run = kbingest(dir.path(), &old_args[..old_args.len() - 1]);
    run.success();
    assert_eq!(run.stderr().matches("unchanged").count(), PAGES.len(), "{}", run.stderr());

    let after = open(&dir.path().join("old.db"));
    let new = open(&dir.path().join("new.db"));
    let version: i64 = scalar(&after, "PRAGMA user_version");
    assert_eq!(version, MIGRATIONS.len() as i64);
    assert_eq!(rows(&after, formats), rows(&new, formats), "the true formats, the same ids and options");
    let named: Vec<String> = rows(&after, formats).into_iter().map(|r| r[1].clone()).collect();
    assert_eq!(named, ["rst", "asciidoc", "mdx", "text"]);
    for (sql, kept) in every.iter().zip(&kept) {
        assert!(!kept.is_empty(), "{sql}");
        assert_eq!(&rows(&after, sql), kept, "{sql}");
    }
    let broken: i64 = scalar(&after, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(broken, 0);
}
