//! End to end: bad input is refused with exit status 1 and a message that says where (path:line),
//! what was expected and what was found; the database is left byte for byte as it was, and a
//! database the run would have created is not left behind.

use crate::common::*;
use std::path::Path;

/// Runs `args` (an ingest without `-o`) into an existing database and into a new one: both are
/// refused with every message of `wanted`; the existing file is unchanged and the new one absent.
fn refused(dir: &Path, args: &[&str], wanted: &[&str]) {
    copy_ports(dir);
    kbingest(dir, &["ports.txt", "-o", "existing.db", "-q"]).success();
    let before = db_bytes(&dir.join("existing.db"));
    for db in ["existing.db", "new.db"] {
        let mut all = args.to_vec();
        all.extend(["-o", db]);
        let run = kbingest(dir, &all);
        run.expect(1);
        for text in wanted {
            run.stderr_has(text);
        }
        assert!(run.stderr().lines().all(|l| l.starts_with("kbingest: ")), "{}", run.stderr());
    }
    assert_eq!(db_bytes(&dir.join("existing.db")), before, "a refused ingest changed the database");
    assert_no_database(&dir.join("new.db"));
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), content).unwrap();
}

#[test]
fn a_row_cut_short() {
    let dir = workdir();
    let mut doc = service_doc("Cut", &[("DNS", "UDP", "53")]);
    doc.push_str("SMB\nTCP\n");
    write(dir.path(), "cut.txt", doc);
    refused(
        dir.path(),
        &["cut.txt", "--strict"],
        &[
            "cut.txt:11: table row cut short: expected 3 cells (application protocol, protocol, port), found 2: \"SMB\", \"TCP\"",
            "cut.txt: refused (--strict): 1 row cannot be read, so nothing was loaded and the database is as it was",
        ],
    );
}

#[test]
fn a_port_that_is_not_a_number() {
    let dir = workdir();
    write(dir.path(), "port.txt", service_doc("Port", &[("HTTP", "TCP", "eighty")]));
    refused(
        dir.path(),
        &["port.txt", "--strict"],
        &[
            "port.txt:10: unreadable port \"eighty\": expected a port number (0-65535), a range such as 1024-65535, RANDOM or n/a",
        ],
    );
}

#[test]
fn ports_outside_0_to_65535() {
    let dir = workdir();
    let rows = [("A", "TCP", "65536"), ("B", "UDP", "99999999999999999999"), ("C", "TCP", "-1"), ("D", "TCP", "9-1")];
    write(dir.path(), "range.txt", service_doc("Range", &rows));
    refused(
        dir.path(),
        &["range.txt", "--strict"],
        &[
            "range.txt:10: port 65536 is out of range: expected a number from 0 to 65535",
            "range.txt:13: port 99999999999999999999 is out of range: expected a number from 0 to 65535",
            "range.txt:16: unreadable port \"-1\"",
            "range.txt:19: port range 9-1 runs backwards: expected the lower port first",
            "range.txt: refused (--strict): 4 rows cannot be read",
        ],
    );
}

#[test]
fn an_unknown_protocol() {
    let dir = workdir();
    write(dir.path(), "proto.txt", service_doc("Proto", &[("A", "SCTP", "80"), ("B", "TCP/XYZ", "81")]));
    refused(
        dir.path(),
        &["proto.txt", "--strict"],
        &[
            "proto.txt:9: unknown protocol \"SCTP\": expected TCP, UDP, GRE, ESP, AH, ICMP or IPIP",
            "proto.txt:12: unknown protocol \"XYZ\" in \"TCP/XYZ\": expected TCP, UDP, GRE, ESP, AH, ICMP or IPIP",
        ],
    );
}

#[test]
fn every_structural_problem_of_a_document_is_listed_in_line_order() {
    let dir = workdir();
    let mut doc = service_doc("Many", &[("A", "TCP", "eighty"), ("B", "TCP", "80"), ("C", "XTP", "1")]);
    doc.push_str("\nSecond Service\n\nIt does more.\n\nApplication protocol Protocol Port\nD\nUDP\n70000\nE\n");
    write(dir.path(), "many.txt", &doc);
    refused(dir.path(), &["many.txt", "--strict"], &["many.txt: refused (--strict): 4 rows cannot be read"]);
    let run = kbingest(dir.path(), &["many.txt", "-o", "x.db", "--strict"]);
    let lines: Vec<String> = run.stderr().lines().map(|l| l.split(':').nth(2).unwrap_or("").to_string()).collect();
    assert_eq!(lines, ["10", "15", "25", "26", " refused (--strict)"], "{}", run.stderr());
    // By default (and with --lenient, its name) the readable row loads and each of the four is ledgered.
    for (db, flag) in [("default.db", None), ("lenient.db", Some("--lenient"))] {
        let mut args = vec!["many.txt", "-o", db, "-q"];
        args.extend(flag);
        kbingest(dir.path(), &args).success();
    }
    assert_eq!(db_bytes(&dir.path().join("default.db")).len(), db_bytes(&dir.path().join("lenient.db")).len());
    let db = open(&dir.path().join("lenient.db"));
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules"), 1);
    assert_eq!(
        rows(&db, "SELECT source_line FROM anomalies WHERE kind = 'skipped_row' ORDER BY source_line"),
        [["10"], ["15"], ["25"], ["26"]]
    );
}

#[test]
fn an_empty_file() {
    let dir = workdir();
    write(dir.path(), "empty.txt", "");
    refused(dir.path(), &["empty.txt"], &["empty.txt: is empty: expected a document with port tables, found 0 bytes"]);
}

#[test]
fn binary_data() {
    let dir = workdir();
    write(dir.path(), "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    refused(dir.path(), &["image.png"], &["image.png:3: binary data: expected text, found a NUL byte"]);
}

#[test]
fn text_that_breaks_its_encoding_after_the_first_64_kib() {
    let dir = workdir();
    let mut bytes = service_doc("Enc", &[("A", "TCP", "80")]).into_bytes();
    bytes.extend(std::iter::repeat_n(b"plain ascii line\n".as_slice(), 5000).flatten());
    bytes.extend(b"caf\xE9\n");
    write(dir.path(), "enc.txt", &bytes);
    refused(
        dir.path(),
        &["enc.txt"],
        &["enc.txt:5011: byte 0xE9 at column 4 is not valid UTF-8", "--encoding windows-1252"],
    );
}

#[test]
fn a_directory() {
    let dir = workdir();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    refused(dir.path(), &["docs"], &["docs: is a directory, not a document; name a document file"]);
}

#[test]
fn a_missing_file() {
    let dir = workdir();
    refused(
        dir.path(),
        &["nowhere.txt"],
        &["nowhere.txt: cannot open input: no such file or directory; check the path"],
    );
}

#[test]
fn a_line_of_megabytes() {
    let dir = workdir();
    let mut doc = service_doc("Long", &[("A", "TCP", "80")]);
    doc.push_str(&"x".repeat(3 << 20));
    write(dir.path(), "long.txt", doc);
    refused(
        dir.path(),
        &["long.txt"],
        &["long.txt:11: line too long: expected at most 1048576 bytes (1 MiB) to a line"],
    );
}

#[test]
fn a_document_without_port_tables() {
    let dir = workdir();
    write(dir.path(), "prose.txt", "Just some prose.\nNo tables here.\n");
    refused(dir.path(), &["prose.txt"], &["prose.txt: holds no port table (read as text, UTF-8)"]);
}

#[test]
fn one_bad_input_refuses_the_whole_ingest() {
    let dir = workdir();
    write(dir.path(), "good.txt", service_doc("Good", &[("A", "TCP", "80")]));
    write(dir.path(), "bad.txt", service_doc("Bad", &[("A", "TCP", "x")]));
    refused(dir.path(), &["good.txt", "bad.txt", "--strict"], &["bad.txt:10: unreadable port \"x\""]);
}

#[test]
fn a_file_that_is_not_a_database_is_left_untouched() {
    let dir = workdir();
    write(dir.path(), "doc.txt", service_doc("Doc", &[("A", "TCP", "80")]));
    let cases: [(&str, &[u8]); 3] = [
        ("notes.txt", b"my notes\n"),
        ("short.db", b"SQLite format 3\0 but cut short"),
        ("ports.csv", b"port,protocol\n80,TCP\n"),
    ];
    for (name, content) in cases {
        write(dir.path(), name, content);
        kbingest(dir.path(), &["doc.txt", "-o", name])
            .expect(1)
            .stderr_has(&format!("{name}: is not an SQLite database"))
            .stderr_has("the file was left untouched");
        assert_eq!(db_bytes(&dir.path().join(name)), content);
    }
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    kbingest(dir.path(), &["doc.txt", "-o", "folder"]).expect(1).stderr_has("folder: is a directory");
}

#[test]
fn another_applications_database_is_left_untouched_even_with_a_live_wal() {
    let dir = workdir();
    write(dir.path(), "doc.txt", service_doc("Doc", &[("A", "TCP", "80")]));
    let path = dir.path().join("app.db");
    // The other application is running: its WAL holds committed pages not yet in the main file.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.pragma_update(None, "journal_mode", "WAL").unwrap();
    other.execute_batch("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let wal = dir.path().join("app.db-wal");
    let (main_before, wal_before) = (std::fs::read(&path).unwrap(), std::fs::read(&wal).unwrap());
    kbingest(dir.path(), &["doc.txt", "-o", "app.db"])
        .expect(1)
        .stderr_has("app.db: is an SQLite database, but not a kbingest database");
    assert_eq!(std::fs::read(&path).unwrap(), main_before);
    assert_eq!(std::fs::read(&wal).unwrap(), wal_before);
    // The same files as the other application leaves them when it crashes: kbingest would be the
    // last to close them, and must not checkpoint that WAL into the database.
    std::fs::copy(&path, dir.path().join("crashed.db")).unwrap();
    std::fs::copy(&wal, dir.path().join("crashed.db-wal")).unwrap();
    drop(other);
    kbingest(dir.path(), &["doc.txt", "-o", "crashed.db"]).expect(1).stderr_has("not a kbingest database");
    assert_eq!(std::fs::read(dir.path().join("crashed.db")).unwrap(), main_before);
    assert_eq!(std::fs::read(dir.path().join("crashed.db-wal")).unwrap(), wal_before);
    // A database with an application_id of its own, closed.
    let tagged = dir.path().join("tagged.db");
    rusqlite::Connection::open(&tagged)
        .unwrap()
        .execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);")
        .unwrap();
    let before = db_bytes(&tagged);
    kbingest(dir.path(), &["doc.txt", "-o", "tagged.db"]).expect(1).stderr_has("not a kbingest database");
    assert_eq!(db_bytes(&tagged), before);
}

#[test]
fn a_database_from_a_newer_kbingest_is_left_untouched() {
    let dir = workdir();
    write(dir.path(), "doc.txt", service_doc("Doc", &[("A", "TCP", "80")]));
    kbingest(dir.path(), &["doc.txt", "-o", "future.db", "-q"]).success();
    let path = dir.path().join("future.db");
    let version: i64 = scalar(&open(&path), "PRAGMA user_version");
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", version + 1).unwrap();
    let before = db_bytes(&path);
    kbingest(dir.path(), &["doc.txt", "-o", "future.db"])
        .expect(1)
        .stderr_has(&format!("future.db: has schema version {}, newer than the {version}", version + 1));
    assert_eq!(db_bytes(&path), before);
}

#[test]
fn a_closed_standard_error_is_not_a_panic() {
    let dir = workdir();
    write(dir.path(), "good.txt", service_doc("Good", &[("A", "TCP", "80")]));
    write(dir.path(), "bad.txt", service_doc("Bad", &[("A", "TCP", "x")]));
    for (input, code) in [("bad.txt", 1), ("good.txt", 0)] {
        let mut child = spawn(dir.path(), &[input, "-o", "x.db", "--strict"]);
        // Whoever read standard error has gone before kbingest writes its message.
        drop(child.stderr.take());
        assert_eq!(child.wait().unwrap().code(), Some(code), "{input}");
    }
}

#[test]
fn an_empty_file_named_with_o_stays_empty_when_the_ingest_is_refused() {
    let dir = workdir();
    write(dir.path(), "bad.txt", service_doc("Bad", &[("A", "TCP", "x")]));
    write(dir.path(), "good.txt", service_doc("Good", &[("A", "TCP", "80")]));
    write(dir.path(), "empty.db", "");
    kbingest(dir.path(), &["bad.txt", "-o", "empty.db", "--strict"]).expect(1);
    assert_eq!(db_bytes(&dir.path().join("empty.db")), b"");
    kbingest(dir.path(), &["good.txt", "-o", "empty.db", "-q"]).success();
    assert_eq!(scalar::<i64>(&open(&dir.path().join("empty.db")), "SELECT count(*) FROM port_rules"), 1);
}
