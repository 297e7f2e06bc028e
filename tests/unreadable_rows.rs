//! End to end: no page is refused for some of its rows. By default a document loads every row
//! that can be read, each one that cannot is an anomaly (`skipped_row`) named on standard error,
//! and the exit status is 0; `--strict` refuses the document and leaves the database byte for byte
//! as it was. In a batch, an input with no port table is named and left out.

use crate::common::*;
use std::path::Path;

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

/// A service of three rows, the second of which has a port that is no port (line 13).
fn one_bad_row(dir: &Path) {
    write(
        dir,
        "doc.txt",
        &service_doc("Web Server", &[("HTTP", "TCP", "80"), ("Admin", "TCP", "eighty"), ("HTTPS", "TCP", "443")]),
    );
}

#[test]
fn an_unreadable_row_is_named_and_the_rest_loads_with_exit_0() {
    let dir = workdir();
    one_bad_row(dir.path());
    kbingest(dir.path(), &["doc.txt", "-o", "p.db"])
        .success()
        .stderr_has("doc.txt: loaded 1 service, 2 port rules")
        .stderr_has("1 row could not be read: kbingest query p.db \"SELECT source, source_line, raw, message FROM anomalies WHERE kind = 'skipped_row'\"");
    let db = open(&dir.path().join("p.db"));
    assert_eq!(rows(&db, "SELECT port_low FROM port_rules ORDER BY port_low"), [["80"], ["443"]]);
    let skipped = rows(&db, "SELECT source_line, raw, message FROM anomalies WHERE kind = 'skipped_row'");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!((skipped[0][0].as_str(), skipped[0][1].as_str()), ("13", "Admin / TCP / eighty"));
    assert!(skipped[0][2].contains("unreadable port \"eighty\""), "{}", skipped[0][2]);
    // --lenient is the default's name: the same rows.
    kbingest(dir.path(), &["doc.txt", "-o", "l.db", "--lenient", "-q"]).success();
    let lenient = open(&dir.path().join("l.db"));
    assert_eq!(rows(&lenient, "SELECT port_low FROM port_rules ORDER BY port_low"), [["80"], ["443"]]);
}

#[test]
fn strict_refuses_the_document_and_leaves_the_database_byte_for_byte() {
    let dir = workdir();
    copy_ports(dir.path());
    one_bad_row(dir.path());
    kbingest(dir.path(), &["ports.txt", "-o", "p.db", "-q"]).success();
    let before = db_bytes(&dir.path().join("p.db"));
    kbingest(dir.path(), &["doc.txt", "-o", "p.db", "--strict"])
        .expect(1)
        .stderr_has("doc.txt:13: unreadable port \"eighty\"")
        .stderr_has("doc.txt: refused (--strict): 1 row cannot be read, so nothing was loaded");
    assert_eq!(db_bytes(&dir.path().join("p.db")), before, "--strict changed the database");
    kbingest(dir.path(), &["doc.txt", "-o", "new.db", "--strict"]).expect(1);
    assert_no_database(&dir.path().join("new.db"));
    kbingest(dir.path(), &["doc.txt", "-o", "p.db", "--strict", "--lenient"]).expect(2);
}

#[test]
fn an_input_of_a_batch_without_a_port_table_is_named_and_left_out() {
    let dir = workdir();
    copy_ports(dir.path());
    write(dir.path(), "README.md", "# Pages\n\nThe port pages of this folder.\n");
    let run = kbingest(dir.path(), &["README.md", "ports.txt", "-o", "p.db"]);
    run.success()
        .stderr_has("README.md: skipped: holds no port table (read as markdown")
        .stderr_has("1 source, 62 services");
    // Quiet or not, the input left out is named.
    kbingest(dir.path(), &["README.md", "ports.txt", "-o", "q.db", "-q"])
        .success()
        .stderr_has("README.md: skipped: holds no port table");
    let db = inspect(&dir.path().join("p.db"));
    assert_eq!(rows(&db, "SELECT name FROM sources"), [["ports.txt"]]);
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules"), 172);
    drop(db);
    let before = db_bytes(&dir.path().join("p.db"));
    // --strict refuses the batch; one input alone, or a batch of nothing but such inputs, is refused.
    kbingest(dir.path(), &["README.md", "ports.txt", "-o", "p.db", "--strict"])
        .expect(1)
        .stderr_has("holds no port table");
    kbingest(dir.path(), &["README.md", "-o", "p.db"]).expect(1).stderr_has("holds no port table");
    // Into the existing database (a journal, a savepoint rolled back): the same.
    kbingest(dir.path(), &["README.md", "ports.txt", "-o", "p.db"]).success().stderr_has("README.md: skipped");
    write(dir.path(), "NOTES.md", "# Notes\n");
    kbingest(dir.path(), &["README.md", "NOTES.md", "-o", "p.db"]).expect(1).stderr_has("nothing was loaded");
    assert_eq!(db_bytes(&dir.path().join("p.db")), before);
}
