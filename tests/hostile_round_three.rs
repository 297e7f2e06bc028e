//! The findings of the second hostile campaign (issue 23, findings 5-17), one test each, named
//! after its finding: memory and time bombs, writes and signals, registries and encodings.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), content).unwrap();
}

/// Every file under `dir`, by its path from `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path.clone());
            }
            found.push(path.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    found.sort();
    found
}

/// Polls `ready` every 10 ms until it holds, failing if the child ends first or after two
/// minutes (a generous deadline: this is no timing test).
fn wait_until(child: &mut Child, what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("kbingest ended ({status}) before {what}");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits for the child to end, killing it and failing after two minutes.
fn wait_end(mut child: Child, what: &str) -> Run {
    let start = Instant::now();
    while matches!(child.try_wait(), Ok(None)) {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{what}: kbingest still running");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    finish(child, &[what])
}

fn interrupt(child: &Child) {
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
}

#[test]
fn finding_8_man_output_dir_refuses_a_planted_symlink_and_a_fifo() {
    let dir = workdir();
    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    write(dir.path(), "victim.txt", "mine\n");
    std::os::unix::fs::symlink("../victim.txt", pages.join("kbingest.1")).unwrap();
    kbingest(dir.path(), &["man", "--output-dir", "man1"])
        .expect(2)
        .stderr_has("man1/kbingest.1 is a symbolic link, not a regular file; man writes only regular files");
    assert_eq!(std::fs::read_to_string(dir.path().join("victim.txt")).unwrap(), "mine\n");
    std::fs::remove_file(pages.join("kbingest.1")).unwrap();
    let fifo = std::ffi::CString::new(pages.join("kbingest-query.1").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    // Refused at once: nothing opens the FIFO (which would wait for a reader for ever).
    let child = spawn(dir.path(), &["man", "--output-dir", "man1"]);
    wait_end(child, "man into a folder with a FIFO").expect(2).stderr_has("kbingest-query.1 is a FIFO");
    assert_eq!(files_under(&pages), [PathBuf::from("kbingest-query.1")], "nothing else was written");
    std::fs::remove_file(pages.join("kbingest-query.1")).unwrap();
    kbingest(dir.path(), &["man", "--output-dir", "man1"]).success();
    assert!(std::fs::read_to_string(pages.join("kbingest-export.1")).unwrap().contains(".TH kbingest-export 1"));
}

#[test]
fn finding_9_a_refused_remove_leaves_another_programs_wal_alone() {
    let dir = ports_db();
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
    kbingest(dir.path(), &["remove", "crashed.db", "no-such-source"]).expect(1).stderr_has("no-such-source");
    assert!(bytes("") == main, "the refused remove checkpointed the WAL into the file");
    assert!(bytes("-wal") == wal, "the refused remove changed the WAL");
}

/// ports.db with a view after every other that never ends, so that `export --all` is stopped
/// while it writes its last file.
fn db_with_an_endless_last_view() -> tempfile::TempDir {
    let dir = ports_db();
    inspect(&dir.path().join("ports.db"))
        .execute_batch(
            "CREATE VIEW zzz_forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n",
        )
        .unwrap();
    dir
}

/// Starts `export --all -o out`, waits until its last file is being written, and stops it.
fn stop_export_all(dir: &Path) -> Run {
    let mut child = spawn(dir, &["export", "ports.db", "--all", "-o", "out"]);
    let partial = || {
        files_under(dir)
            .iter()
            .filter(|p| p.to_string_lossy().contains("zzz_forever"))
            .map(|p| std::fs::metadata(dir.join(p)).map_or(0, |m| m.len()))
            .max()
            .unwrap_or(0)
    };
    wait_until(&mut child, "the endless view is being written", || partial() > 1 << 20);
    interrupt(&child);
    wait_end(child, "export --all after Ctrl-C")
}

#[test]
fn finding_10_ctrl_c_during_export_all_changes_no_file_of_the_folder() {
    let dir = db_with_an_endless_last_view();
    // Into an existing folder holding an earlier export: every file stays as it was.
    std::fs::create_dir(dir.path().join("out")).unwrap();
    for name in ["port_rules.csv", "anomalies.csv", "notes.txt"] {
        write(&dir.path().join("out"), name, "old\n");
    }
    let before = files_under(&dir.path().join("out"));
    stop_export_all(dir.path())
        .expect(130)
        .stderr_has("stopped by SIGINT (Ctrl-C) before the export finished: out was left as it was");
    assert_eq!(files_under(&dir.path().join("out")), before, "files were added or a staging folder was left");
    for name in ["port_rules.csv", "anomalies.csv", "notes.txt"] {
        assert_eq!(std::fs::read_to_string(dir.path().join("out").join(name)).unwrap(), "old\n", "{name}");
    }
    // Into a new folder: no folder at all.
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    stop_export_all(dir.path()).expect(130);
    let left: Vec<PathBuf> =
        files_under(dir.path()).into_iter().filter(|p| !p.to_string_lossy().starts_with("ports.db")).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn finding_11_ctrl_c_during_diff_o_leaves_no_partial_file() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(20_000, |t| text.push_str(t), |_| {});
    write(dir.path(), "corpus.txt", &text);
    kbingest(dir.path(), &["corpus.txt", "-o", "c.db", "-q", "--source-name", "old"]).success();
    kbingest(dir.path(), &["corpus.txt", "-o", "c.db", "-q", "--source-name", "new"]).success();
    write(dir.path(), "out.json", "old\n");
    let mut child = spawn(dir.path(), &["diff", "c.db", "old", "new", "--format", "json", "-o", "out.json"]);
    let partial = || {
        files_under(dir.path())
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".partial"))
            .map(|p| std::fs::metadata(dir.path().join(p)).map_or(0, |m| m.len()))
            .max()
    };
    // The whole diff is about 20 MB: stopped after its first megabyte, it is far from done.
    wait_until(&mut child, "the diff is being written", || partial().unwrap_or(0) > 1 << 20);
    interrupt(&child);
    wait_end(child, "diff after Ctrl-C")
        .expect(130)
        .stderr_has("stopped by SIGINT (Ctrl-C) before the diff finished: out.json was left as it was");
    assert_eq!(partial(), None, "a partial file was left behind");
    assert_eq!(std::fs::read_to_string(dir.path().join("out.json")).unwrap(), "old\n");
}

/// Runs kbingest with standard output on a new pseudo-terminal; returns what it printed there.
fn on_a_terminal(dir: &Path, args: &[&str]) -> String {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0 && libc::grantpt(master) == 0 && libc::unlockpt(master) == 0);
        let name = std::ffi::CStr::from_ptr(libc::ptsname(master)).to_owned();
        let slave = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(slave >= 0);
        // Raw output: the terminal passes every byte as the program wrote it.
        let mut attrs: libc::termios = std::mem::zeroed();
        libc::tcgetattr(slave, &mut attrs);
        libc::cfmakeraw(&mut attrs);
        libc::tcsetattr(slave, libc::TCSANOW, &attrs);
        let mut command = Command::new(env!("CARGO_BIN_EXE_kbingest"));
        command.args(args).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::from(std::fs::File::from_raw_fd(slave)));
        let mut child = command.spawn().unwrap();
        // Our copy of the terminal's other end goes with the command: the reader below then ends
        // (with EIO) once kbingest has closed its copy.
        drop(command);
        let mut master = std::fs::File::from_raw_fd(master);
        let reader = std::thread::spawn(move || {
            let mut shown = Vec::new();
            let mut chunk = [0u8; 65536];
            while let Ok(n) = master.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                shown.extend_from_slice(&chunk[..n]);
            }
            shown
        });
        let status = child.wait().unwrap();
        assert!(status.success(), "kbingest {args:?}: {status}");
        let shown = reader.join().unwrap();
        String::from_utf8_lossy(&shown).into_owned()
    }
}

#[test]
fn finding_15_export_and_query_to_a_terminal_escape_controls_and_bidi_overrides() {
    let dir = ports_db();
    let hostile = "Evil\u{1b}]0;pwned\u{7}\u{202e}gnp.exe";
    inspect(&dir.path().join("ports.db")).execute("UPDATE services SET title = ?1 WHERE id = 1", [hostile]).unwrap();
    for format in ["csv", "tsv", "markdown", "table", "json", "jsonl"] {
        let export_format = if format == "table" { "csv" } else { format };
        let export = on_a_terminal(dir.path(), &["export", "ports.db", "--format", export_format]);
        let query = on_a_terminal(dir.path(), &["query", "ports.db", "SELECT title FROM services", "--format", format]);
        for shown in [export, query] {
            assert!(shown.contains("Evil"), "{format}: {shown}");
            assert!(!shown.contains('\u{1b}') && !shown.contains('\u{202e}') && !shown.contains('\u{7}'), "{format}");
        }
    }
    // Into a file or a pipe the data stays as it is.
    let piped =
        kbingest(dir.path(), &["query", "ports.db", "SELECT title FROM services WHERE id = 1", "--format", "csv"]);
    assert!(piped.success().stdout().contains(hostile));
    // --excel-safe and --bom on query and diff.
    let query =
        kbingest(dir.path(), &["query", "ports.db", "SELECT '=1+1' AS f", "--format", "csv", "--excel-safe", "--bom"]);
    assert_eq!(query.success().stdout(), "\u{feff}f\r\n'=1+1\r\n");
    let ports = repo_file("raw/ports.txt");
    kbingest(dir.path(), &[ports.to_str().unwrap(), "-o", "ports.db", "-q", "--source-name", "copy"]).success();
    let source = ports.to_str().unwrap();
    let diff = kbingest(dir.path(), &["diff", "ports.db", source, "copy", "--format", "tsv", "--bom", "--excel-safe"]);
    assert!(diff.success().stdout().starts_with("\u{feff}change\tservice"), "{}", diff.stdout());
    kbingest(dir.path(), &["diff", "ports.db", source, "copy", "--bom"]).expect(2).stderr_has("--format csv and tsv");
}

#[test]
fn finding_16_tables_lists_a_database_of_more_than_500_tables() {
    let dir = ports_db();
    let db = inspect(&dir.path().join("ports.db"));
    let many: Vec<String> =
        (0..600).map(|i| format!("CREATE TABLE extra_{i} (x); INSERT INTO extra_{i} VALUES ({i});")).collect();
    db.execute_batch(&many.join("")).unwrap();
    drop(db);
    for counts in [&[][..], &["--counts"][..]] {
        let mut args = vec!["tables", "ports.db", "--format", "csv"];
        args.extend(counts);
        let run = kbingest(dir.path(), &args);
        let listed = run.success().stdout();
        assert!(listed.contains("extra_599,table"), "{listed}");
        assert!(listed.lines().count() > 600);
    }
}

#[test]
fn finding_17_refusals_of_o_name_the_command_that_refuses() {
    let dir = ports_db();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    for command in [&["firewall", "ports.db"][..], &["diff", "ports.db", "a", "b"], &["metadata", "ports.db"]] {
        let mut args = command.to_vec();
        args.extend(["-o", "/dev/null"]);
        let run = kbingest(dir.path(), &args);
        run.expect(2).stderr_has(&format!("/dev/null is a device, not a regular file; {} writes only", command[0]));
        assert!(!run.stderr().contains("export"), "{}", run.stderr());
        args.pop();
        args.push("folder");
        let run = kbingest(dir.path(), &args);
        run.expect(2).stderr_has("folder is a folder; name a file with -o");
        assert!(!run.stderr().contains("--all"), "{}", run.stderr());
    }
}

#[test]
fn finding_12_standard_input_into_a_new_database_is_built_aside() {
    use std::io::Write;
    let dir = workdir();
    let db = dir.path().join("new.db");
    let args = ["-", "-o", "new.db", "--source-name", "typed"];
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let doc = service_doc("Web", &[("HTTP", "TCP", "80")]);
    stdin.write_all(&doc.as_bytes()[..20]).unwrap();
    wait_until(&mut child, "the database is begun aside", || !temp_files_of(&db).is_empty());
    // Half the input read: nothing under the name, no journal beside it.
    for suffix in ["", "-journal", "-wal"] {
        assert!(!PathBuf::from(format!("{}{suffix}", db.display())).exists(), "new.db{suffix} appeared early");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    for suffix in ["", "-journal", "-wal"] {
        assert!(!PathBuf::from(format!("{}{suffix}", db.display())).exists(), "kill -9 left new.db{suffix}");
    }
    // The next load removes what the killed one left, and appears whole.
    kbingest_with_input(dir.path(), &args, doc.as_bytes()).success();
    assert!(temp_files_of(&db).is_empty(), "{:?}", temp_files_of(&db));
    assert_eq!(scalar::<i64>(&open(&db), "SELECT count(*) FROM port_rules"), 1);
}

#[test]
fn finding_13_registry_records_are_checked_and_repeats_ledgered() {
    let dir = workdir();
    let header = "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,\
                  Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n";
    let good = "http,80,tcp,World Wide Web HTTP,,,,,,,,\n";
    // An unclosed quote swallows the rest of the file; a record with another separator; an empty one.
    write(dir.path(), "quote.csv", format!("{header}{good}lost,81,tcp,\"oops,,,,,,,,\nlost,82,tcp,x,,,,,,,,\n"));
    kbingest(dir.path(), &["quote.csv", "-o", "r.db", "--format", "iana-csv", "--strict"])
        .expect(1)
        .stderr_has("quote.csv:3: a quote opened in this record is never closed: lines 3 to 4");
    write(dir.path(), "semi.csv", format!("{header}{good}semi;85;tcp\n,,,,,,,,,,,\n"));
    kbingest(dir.path(), &["semi.csv", "-o", "r.db", "--format", "iana-csv", "--strict"])
        .expect(1)
        .stderr_has("semi.csv:3: 1 field where the header has 12")
        .stderr_has("semi.csv:4: an empty record")
        .stderr_has("2 rows cannot be read");
    assert_no_database(&dir.path().join("r.db"));
    kbingest(dir.path(), &["semi.csv", "-o", "r.db", "--format", "iana-csv", "-q"]).success();
    let conn = open(&dir.path().join("r.db"));
    assert_eq!(rows(&conn, "SELECT source_line, kind FROM anomalies"), [["3", "skipped_row"], ["4", "skipped_row"]]);
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM registered_ports"), 1);
    // 100,000 identical services lines: one record, each repeat ledgered.
    write(dir.path(), "services", "http\t80/tcp\t\t# WWW\n".repeat(100_000));
    kbingest(dir.path(), &["services", "-o", "s.db"]).success().stderr_has("1 registry record, 99999 anomalies");
    let conn = open(&dir.path().join("s.db"));
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM anomalies WHERE kind = 'duplicate_row'"), 99_999);
    let last: String = scalar(&conn, "SELECT message FROM anomalies WHERE source_line = 100000");
    assert_eq!(last, "The registry repeats the record of line 1; loaded once.");
    // A protocol that is not an IP transport is no record of a port.
    write(dir.path(), "ddp", "http\t80/tcp\nrtmp\t1/ddp\t\t# Routing Table Maintenance Protocol\n");
    kbingest(dir.path(), &["ddp", "-o", "d.db", "--strict"]).expect(1).stderr_has("ddp:2: `ddp` is not a transport");
}

#[test]
fn finding_14_a_stray_latin_1_byte_early_and_utf8_later_is_refused() {
    let dir = workdir();
    let mut doc = b"Caf\xE9 Server\n\nSystem Service Name Cafe\n\n".to_vec();
    // The UTF-8 beyond the first 64 KiB, which tell the encoding.
    for _ in 0..2000 {
        doc.extend_from_slice(b"A line of description, in plain ASCII, as long as any.\n");
    }
    doc.extend_from_slice("Late \u{2014} caf\u{e9}\n\nApplication protocol Protocol Port\nHTTP\nTCP\n80\n".as_bytes());
    assert!(doc.len() > 64 * 1024);
    write(dir.path(), "mixed.txt", &doc);
    kbingest(dir.path(), &["mixed.txt", "-o", "m.db"])
        .expect(1)
        .stderr_has("mixed.txt:2005: the document mixes two encodings: this line holds UTF-8 (`\u{2014}`), line 1 a byte that is not UTF-8 (0xE9)")
        .stderr_has("--encoding");
    assert_no_database(&dir.path().join("m.db"));
    // Named, the encoding is read as asked.
    kbingest(dir.path(), &["mixed.txt", "-o", "m.db", "--encoding", "windows-1252", "-q"]).success();
}

#[test]
fn finding_17_fullwidth_and_arabic_indic_digits_are_no_port_numbers() {
    let dir = workdir();
    for cell in ["０-100", "Uses TCP port ０ for web", "８０/４４３", "٨٠"] {
        write(dir.path(), "digits.txt", service_doc("Web", &[("HTTP", "TCP", cell)]));
        let run = kbingest(dir.path(), &["digits.txt", "-o", "d.db", "--strict"]);
        run.expect(1).stderr_has(&format!("digits.txt:10: unreadable port \"{cell}\"")).stderr_has("the digits 0-9");
        assert!(!run.stderr().contains("out of range"), "{}", run.stderr());
    }
}

/// Runs kbingest in `dir` and returns what it did and its peak memory (the largest resident set,
/// in MiB), as `/usr/bin/time -v` reports it: from `wait4` in a small Python parent. The kernel
/// starts a process's peak at the size of the process it was forked from, so kbingest is forked
/// from that small parent, never from this test process, whose size depends on the tests running
/// beside it.
fn with_peak_memory(dir: &Path, args: &[&str]) -> (Run, u64) {
    const PARENT: &str = "import os, sys\n\
        peak, folder, program = sys.argv[1:4]\n\
        os.chdir(folder)\n\
        pid = os.fork()\n\
        if pid == 0:\n    os.execv(program, sys.argv[3:])\n\
        _, status, usage = os.wait4(pid, 0)\n\
        open(peak, 'w').write(str(usage.ru_maxrss))\n\
        sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))\n";
    // The peak comes back in a file, apart from what kbingest writes.
    let peak_file = dir.join(".peak");
    let output = Command::new("python3")
        .arg("-c")
        .arg(PARENT)
        .arg(&peak_file)
        .arg(dir)
        .arg(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs (it measures kbingest's peak memory)");
    let kib: u64 = std::fs::read_to_string(&peak_file)
        .ok()
        .and_then(|k| k.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory measured: {}", String::from_utf8_lossy(&output.stderr)));
    let peak = kib / 1024;
    eprintln!("peak memory of kbingest {}: {peak} MiB", args.join(" "));
    (Run { command: format!("kbingest {}", args.join(" ")), output }, peak)
}

const TABLE_HEAD: &str = "<table>\n<tr><th>Application protocol</th><th>Protocol</th><th>Port</th></tr>\n";

/// A table whose every row holds one cell spanning 1,000 rows and 1,000 columns: each row is
/// pushed 1,000 columns further right by those above, so the grid grows with the square of the
/// rows (on main, 200 rows of 13 KB laid out 20 million cells, 1.2 GB).
fn square_spans(rows: usize) -> String {
    format!("{TABLE_HEAD}{}</table>\n", "<tr><td rowspan=1000 colspan=1000>x</td></tr>\n".repeat(rows))
}

#[test]
fn finding_5_spans_that_grow_the_grid_quadratically_are_refused_in_html_and_markdown() {
    let dir = workdir();
    write(
        dir.path(),
        "spans.html",
        format!("<html><body>\n<h2>DNS Server</h2>\n{}</body></html>\n", square_spans(200)),
    );
    write(dir.path(), "spans.md", format!("# DNS Server\n\nThe DNS service.\n\n{}\nAfter.\n", square_spans(200)));
    for (page, line) in [("spans.html", 4), ("spans.md", 6)] {
        let (run, peak) = with_peak_memory(dir.path(), &[page, "-o", "s.db"]);
        run.expect(1)
            .stderr_has(&format!("{page}:{line}: the table lays out more than 200,000 cells"))
            .stderr_has("--max-table-cells");
        // Measured: 22 MiB, where the unbounded layout took 1.2 GB.
        assert!(peak < 150, "{page}: peak {peak} MiB");
        assert_no_database(&dir.path().join("s.db"));
    }
    // Raised, the limit lets a larger table through; a page's spans are limited in all too.
    let (run, _) = with_peak_memory(dir.path(), &["spans.html", "-o", "s.db", "--max-table-cells", "100"]);
    run.expect(1).stderr_has("more than 100 cells");
    let many_tables = format!(
        "<html><body>\n<h2>DNS Server</h2>\n{}</body></html>\n",
        format!(
            "{TABLE_HEAD}<tr><td>DNS</td><td>TCP</td><td rowspan=300>53</td></tr>\n{}</table>\n",
            "<tr><td>x</td><td>TCP</td></tr>\n".repeat(299)
        )
        .repeat(10)
    );
    write(dir.path(), "tables.html", many_tables);
    kbingest(dir.path(), &["tables.html", "-o", "s.db", "--max-table-cells", "2000"])
        .expect(1)
        .stderr_has("rowspan and colspan add more than 2,000 cells to the page in all");
}

#[test]
fn finding_6_an_element_with_many_attributes_is_refused_before_parsing() {
    let dir = workdir();
    let attributes: String = (0..50_000).map(|i| format!("a{i}=\"{i}\"\n")).collect();
    write(
        dir.path(),
        "attributes.html",
        format!("<html><body>\n<h2>DNS Server</h2>\n<p\n{attributes}>x</p></body></html>"),
    );
    let (run, peak) = with_peak_memory(dir.path(), &["attributes.html", "-o", "a.db"]);
    run.expect(1)
        .stderr_has("attributes.html:3: an element has more than 100 attributes, the limit")
        .stderr_has("--max-attributes");
    // Measured: 10 MiB, refused before parsing (main parsed for minutes).
    assert!(peak < 100, "peak {peak} MiB");
    // A quoted `>` does not end the tag early for the count.
    write(dir.path(), "quoted.html", format!("<html><body><p title=\">\" {}>x</p></body></html>", "b ".repeat(500)));
    kbingest(dir.path(), &["quoted.html", "-o", "a.db"])
        .expect(1)
        .stderr_has("quoted.html:1: an element has more than");
}

/// A table whose first row's port cell lists `ports` ports and spans `rows` rows.
fn spanned_port_list(ports: usize, rows: usize) -> String {
    let list: Vec<String> = (0..ports).map(|i| (1000 + i).to_string()).collect();
    format!(
        "<html><body>\n<h2>DNS Server</h2>\n{TABLE_HEAD}<tr><td>Zone0</td><td>TCP</td><td rowspan={rows}>{}</td></tr>\n{}</table></body></html>\n",
        list.join(","),
        (1..rows).map(|i| format!("<tr><td>Zone{i}</td><td>TCP</td></tr>\n")).collect::<String>()
    )
}

#[test]
fn finding_7_a_port_cell_spanned_over_many_rows_is_capped_per_row_and_per_document() {
    let dir = workdir();
    // 819 ports spanned over 1,000 rows: 819,000 rules and 400 MB on main.
    write(dir.path(), "amplified.html", spanned_port_list(819, 1000));
    let (run, peak) = with_peak_memory(dir.path(), &["amplified.html", "-o", "a.db", "--strict"]);
    run.expect(1)
        .stderr_has("amplified.html:5: the row makes more than 256 port rules (819 from its cells), the limit to a row")
        .stderr_has("--max-rules-per-row")
        .stderr_has("1000 rows cannot be read");
    // Measured: 19 MiB; main loaded 819,000 rules in 400 MB.
    assert!(peak < 100, "peak {peak} MiB");
    // Under the row's limit, the document's: the rows beyond it are skipped and ledgered, or with
    // --strict refused.
    write(dir.path(), "wide.html", spanned_port_list(250, 1000));
    kbingest(dir.path(), &["wide.html", "-o", "w.db", "--max-rules", "100000", "--strict"])
        .expect(1)
        .stderr_has(
            "wide.html:405: the document makes more than 100,000 port rules, the limit to a document, by this row",
        )
        .stderr_has("--max-rules");
    assert_no_database(&dir.path().join("w.db"));
    let (run, peak) = with_peak_memory(dir.path(), &["wide.html", "-o", "w.db", "--max-rules", "100000"]);
    run.success().stderr_has("100000 port rules");
    // Measured: 58 MiB (release) for the 100,000 rules loaded; the rows beyond are read apart.
    assert!(peak < 150, "peak {peak} MiB");
    let conn = open(&dir.path().join("w.db"));
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM anomalies WHERE kind = 'skipped_row'"), 600);
    drop(conn);
    // What was loaded bounds what reads it: diff of the document against itself.
    kbingest(dir.path(), &["wide.html", "-o", "w.db", "--max-rules", "100000", "-q", "--source-name", "again"])
        .success();
    let (run, peak) =
        with_peak_memory(dir.path(), &["diff", "w.db", "wide.html", "again", "--format", "csv", "-o", "d.csv"]);
    run.success();
    // Measured: 116 MiB for 2 x 100,000 rules; main's 819,000 took 0.9 GB.
    assert!(peak < 300, "diff peak {peak} MiB");
}
