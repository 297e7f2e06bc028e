//! End to end: what hostile or unlucky inputs and databases cannot make kbingest do: load wrong
//! text silently, load half a file, commit after a stop, rewrite a database it refused, or answer
//! with a message that does not help.

use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), content).unwrap();
}

#[test]
fn a_stray_latin_1_byte_in_a_utf8_file_is_refused_at_its_line_and_column() {
    let dir = workdir();
    // UTF-8 throughout (an em dash), and one windows-1252 `é` on line 3.
    let doc = service_doc("Web \u{2014} Server", &[("HTTP", "TCP", "80")]).replace("does things", "does caf\u{e9}");
    let bytes = doc.replace('\u{e9}', "\u{fffd}").into_bytes();
    let at = bytes.windows(3).position(|w| w == "\u{fffd}".as_bytes()).unwrap();
    let bytes = [&bytes[..at], b"\xE9", &bytes[at + 3..]].concat();
    write(dir.path(), "doc.txt", &bytes);
    kbingest(dir.path(), &["doc.txt", "-o", "x.db"])
        .expect(1)
        .stderr_has("doc.txt:3: byte 0xE9 at column 34 is not valid UTF-8")
        .stderr_has("--encoding windows-1252");
    assert_no_database(&dir.path().join("x.db"));
    // Named, the encoding is used as given (and the em dash is then three windows-1252 characters).
    kbingest(dir.path(), &["doc.txt", "-o", "x.db", "--encoding", "windows-1252", "-q"]).success();
}

#[test]
fn a_file_truncated_while_being_read_is_refused() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(20_000, |t| text.push_str(t), |_| {});
    write(dir.path(), "large.txt", &text);
    let input = dir.path().join("large.txt");
    let args = ["large.txt", "-o", "x.db"];
    let child = spawn(dir.path(), &args);
    // Once kbingest has read a little of it, the file is cut to half its size.
    let fdinfo = |fd: &str| std::fs::read_to_string(format!("/proc/{}/fdinfo/{fd}", child.id())).unwrap_or_default();
    let start = Instant::now();
    'wait: loop {
        assert!(start.elapsed() < Duration::from_secs(60), "kbingest never read the input");
        for entry in std::fs::read_dir(format!("/proc/{}/fd", child.id())).into_iter().flatten().flatten() {
            if std::fs::read_link(entry.path()).is_ok_and(|l| l == input) {
                let pos = fdinfo(&entry.file_name().to_string_lossy());
                if pos.lines().next().is_some_and(|l| l.trim_start_matches("pos:").trim() != "0") {
                    break 'wait;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::OpenOptions::new().write(true).open(&input).unwrap().set_len(text.len() as u64 / 2).unwrap();
    finish(child, &args).expect(1).stderr_has("large.txt: cannot read input: it shrank while being read");
    assert_no_database(&dir.path().join("x.db"));
}

/// How many threads process `pid` runs.
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |tasks| tasks.count())
}

#[test]
fn sigterm_while_a_large_first_load_builds_its_indexes_commits_nothing() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(20_000, |t| text.push_str(t), |_| {});
    write(dir.path(), "large.txt", &text);
    // Standard input is a bulk load: its indexes are built at the end, after the last byte is read.
    let args = ["-", "-o", "new.db", "--source-name", "large"];
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir.path())
        .stdin(std::fs::File::open(dir.path().join("large.txt")).unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reading thread ends after the last byte; what is left is storing its last batches, then
    // building the indexes and committing.
    let start = Instant::now();
    let mut reading = false;
    loop {
        assert!(matches!(child.try_wait(), Ok(None)), "kbingest ended before the test saw it read");
        assert!(start.elapsed() < Duration::from_secs(120), "kbingest never finished reading");
        let now = threads(child.id());
        if reading && now == 1 {
            break;
        }
        reading |= now > 1;
        std::thread::sleep(Duration::from_millis(1));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    finish(child, &args).expect(143).stderr_has("stopped by SIGTERM before the ingest finished");
    assert_no_database(&dir.path().join("new.db"));
}

#[test]
fn a_refused_run_leaves_another_programs_wal_and_the_file_byte_for_byte() {
    let dir = ports_db();
    write(dir.path(), "bad.txt", service_doc("Bad", &[("A", "TCP", "x")]));
    // Another program commits a change into the WAL and ends without a checkpoint (a crash).
    let other = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    other
        .execute_batch("PRAGMA wal_autocheckpoint = 0; UPDATE services SET description = 'edited' WHERE id = 1;")
        .unwrap();
    for suffix in ["", "-wal"] {
        std::fs::copy(dir.path().join(format!("ports.db{suffix}")), dir.path().join(format!("crashed.db{suffix}")))
            .unwrap();
    }
    drop(other);
    let bytes = |suffix: &str| std::fs::read(dir.path().join(format!("crashed.db{suffix}"))).unwrap();
    let (main, wal) = (bytes(""), bytes("-wal"));
    kbingest(dir.path(), &["bad.txt", "-o", "crashed.db", "--strict"]).expect(1);
    assert!(bytes("") == main && bytes("-wal") == wal, "the refused run changed the files");
    // Nothing to load ("unchanged") is no reason to move the WAL into the file either.
    let ports = repo_file("raw/ports.txt");
    kbingest(dir.path(), &[ports.to_str().unwrap(), "-o", "crashed.db"]).success().stderr_has("unchanged");
    assert!(bytes("") == main && bytes("-wal") == wal, "the unchanged run changed the files");
    let edited: String = scalar(&open(&dir.path().join("crashed.db")), "SELECT description FROM services WHERE id = 1");
    assert_eq!(edited, "edited");
}

#[test]
fn a_reader_explains_a_load_cut_short() {
    let dir = ports_db();
    // A writer that died in the middle of a rollback-journal transaction leaves a hot journal.
    let status = Command::new("python3")
        .current_dir(dir.path())
        .args([
            "-c",
            "import sqlite3, os
c = sqlite3.connect('ports.db', isolation_level=None)
c.execute('PRAGMA journal_mode = DELETE'); c.execute('PRAGMA cache_size = 10'); c.execute('BEGIN')
c.execute('CREATE TABLE junk (x)')
for i in range(20000): c.execute('INSERT INTO junk VALUES (randomblob(100))')
os._exit(0)",
        ])
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("skipped: python3 with sqlite3 is needed to leave a hot journal");
        return;
    }
    assert!(std::fs::metadata(dir.path().join("ports.db-journal")).is_ok_and(|m| m.len() > 0));
    for args in [&["query", "ports.db", "SELECT count(*) FROM port_rules"][..], &["export", "ports.db"]] {
        kbingest(dir.path(), args)
            .expect(1)
            .stderr_has("ports.db: holds a load that was cut short")
            .stderr_has("run any ingest into it, or open it with write access");
    }
    // An ingest rolls it back, and then it reads as before.
    copy_ports(dir.path());
    kbingest(dir.path(), &["ports.txt", "-o", "ports.db", "-q"]).success();
    kbingest(dir.path(), &["query", "ports.db", "SELECT count(*) FROM port_rules", "--format", "csv"]).success();
}

/// Runs kbingest in `dir` as an unprivileged user: as itself, or (when root, who may write to
/// any folder) as `nobody` through `setpriv`; `None` where that is not possible.
fn unprivileged(dir: &Path, args: &[&str]) -> Option<Run> {
    let mut command = if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_kbingest")]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_kbingest"))
    };
    let output = command.args(args).current_dir(dir).stdin(Stdio::null()).output().ok()?;
    Some(Run { command: format!("kbingest {}", args.join(" ")), output })
}

#[test]
fn a_database_in_a_read_only_folder_can_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = ports_db();
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    std::fs::rename(dir.path().join("ports.db"), folder.join("ports.db")).unwrap();
    if unsafe { libc::geteuid() } == 0 {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::chown(&folder, Some(65534), Some(65534)).unwrap();
        std::os::unix::fs::chown(folder.join("ports.db"), Some(65534), Some(65534)).unwrap();
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let args = ["query", "ports.db", "SELECT count(*) FROM port_rules", "--format", "csv"];
    let Some(run) = unprivileged(&folder, &args) else {
        eprintln!("skipped: running as an unprivileged user needs setpriv");
        return;
    };
    if run.stderr().contains("setpriv") {
        eprintln!("skipped: setpriv cannot change user here: {}", run.stderr());
        return;
    }
    assert_eq!(run.success().stdout(), "count(*)\r\n172\r\n");
    // With a write-ahead log beside it, the file alone is not the database: say what to do.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(folder.join("ports.db-wal"), "frames").unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let run = unprivileged(&folder, &args).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.expect(1).stderr_has("its write-ahead log is beside it").stderr_has("copy the database with its -wal file");
}

#[test]
fn reading_pragmas_work_in_query() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["query", "ports.db", "PRAGMA journal_mode", "--format", "csv"]);
    assert_eq!(run.success().stdout(), "journal_mode\r\nwal\r\n");
    let run = kbingest(dir.path(), &["query", "ports.db", "PRAGMA user_version", "--format", "csv"]);
    assert!(run.success().stdout().starts_with("user_version\r\n"));
    kbingest(dir.path(), &["query", "ports.db", "PRAGMA journal_mode = DELETE"]).expect(1).stderr_has("refused");
}

#[test]
fn messages_say_what_to_do() {
    let dir = ports_db();
    copy_ports(dir.path());
    kbingest(dir.path(), &["ports.txt", "-o", "x.db", "--source-name", ""])
        .expect(2)
        .stderr_has("--source-name needs a name");
    kbingest(dir.path(), &["ports.db", "-o", "ports.db"])
        .expect(2)
        .stderr_has("ports.db is the database named with -o");
    kbingest(dir.path(), &["ports.txt", "-o", "/dev/null"]).expect(1).stderr_has("/dev/null: is not a regular file");
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    kbingest(dir.path(), &["export", "folder"]).expect(1).stderr_has("folder: is a directory, not a database");
    // A user_version changed by hand: one line that says so, not the migration's SQL.
    std::fs::copy(dir.path().join("ports.db"), dir.path().join("tampered.db")).unwrap();
    inspect(&dir.path().join("tampered.db")).pragma_update(None, "user_version", 1).unwrap();
    let run = kbingest(dir.path(), &["ports.txt", "-o", "tampered.db"]);
    run.expect(1)
        .stderr_has("cannot be upgraded from schema version 1")
        .stderr_has("changed by something other than kbingest");
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
}

#[test]
fn error_messages_are_capped_and_escaped() {
    let dir = workdir();
    // 200,000 unreadable rows, one of them a megabyte long with a terminal escape sequence.
    let mut rows: Vec<(String, String, String)> =
        (0..200_000).map(|_| ("A".into(), "TCP".into(), "x".into())).collect();
    rows[0].2 = format!("\u{1b}]0;pwned\u{7}{}", "9".repeat((1 << 20) - 100));
    // A short cell is quoted in its message: escaped.
    rows[1].2 = "\u{1b}]0;pwned\u{7}".into();
    let rows: Vec<(&str, &str, &str)> = rows.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    write(dir.path(), "bad.txt", service_doc("Bad", &rows));
    let run = kbingest(dir.path(), &["bad.txt", "-o", "x.db", "--strict"]);
    run.expect(1).stderr_has("more lines like these left out").stderr_has("200000 rows cannot be read");
    assert!(run.stderr().len() < 64 * 1024, "{} bytes of messages", run.stderr().len());
    assert!(
        !run.stderr().contains('\u{1b}') && run.stderr().contains("\\x1b]0;pwned\\x07"),
        "escapes reach the terminal"
    );
}

#[test]
fn deep_html_is_refused_at_the_limit_without_parsing_it() {
    let dir = workdir();
    write(dir.path(), "deep.html", format!("<html><body>\n{}x</body></html>", "<div>\n".repeat(100_000)));
    // Parsing took a minute (release build) before the refusal; the scan refuses at once. The
    // limit is generous for a debug build on a busy machine: this is no timing test.
    let start = Instant::now();
    kbingest(dir.path(), &["deep.html", "-o", "x.db"])
        .expect(1)
        .stderr_has("deep.html:256: elements are nested more than 256 deep");
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
}

#[test]
fn sigterm_stops_reading_an_endless_html_stream() {
    use std::io::Write;
    let dir = workdir();
    let args = ["-", "-o", "y.db", "--format", "html", "--source-name", "yes"];
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `yes '<p>x</p>' | kbingest - ...`: the writer stops when kbingest is gone.
    let mut stdin = child.stdin.take().unwrap();
    let yes = std::thread::spawn(move || while stdin.write_all("<p>x</p>\n".repeat(1000).as_bytes()).is_ok() {});
    std::thread::sleep(Duration::from_millis(500));
    assert!(matches!(child.try_wait(), Ok(None)), "kbingest ended early");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let start = Instant::now();
    while matches!(child.try_wait(), Ok(None)) {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("SIGTERM was ignored while reading HTML");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    finish(child, &args).expect(143).stderr_has("stopped by SIGTERM");
    yes.join().unwrap();
    assert_no_database(&dir.path().join("y.db"));
}

#[test]
fn html_and_markdown_larger_than_the_cap_are_refused_before_reading() {
    let dir = workdir();
    let page = format!(
        "<html><body><h2>Web</h2><p>{}</p><table><tr><td>Application protocol</td><td>Protocol</td><td>Port</td></tr>\
         <tr><td>HTTP</td><td>TCP</td><td>80</td></tr></table></body></html>",
        "words ".repeat(1000)
    );
    write(dir.path(), "page.html", &page);
    kbingest(dir.path(), &["page.html", "-o", "x.db", "--max-input-size", "4K"])
        .expect(1)
        .stderr_has(&format!(
            "page.html: is {} bytes, more than the 4096 (4096 bytes) kbingest reads whole for html",
            page.len()
        ))
        .stderr_has("--max-input-size");
    kbingest_with_input(dir.path(), &["-", "-o", "x.db", "--max-input-size", "4K"], page.as_bytes())
        .expect(1)
        .stderr_has("-: is more than 4096 bytes");
    kbingest(dir.path(), &["page.html", "-o", "x.db", "--max-input-size", "1M", "-q"]).success();
}
