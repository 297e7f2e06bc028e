//! End to end: what a hostile database, a hostile folder or a hostile standard error cannot make
//! `kbingest export` (and the other commands) do: write outside the folder, follow a planted
//! symbolic link, replace a FIFO or a device, hang, panic, or leave a partial file behind.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `dir`, as paths relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                todo.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// Waits for a child for at most `limit`; kills it and fails if it takes longer.
fn wait_at_most(mut child: Child, limit: Duration, what: &str) -> Run {
    let start = Instant::now();
    while matches!(child.try_wait(), Ok(None)) {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: kbingest still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    finish(child, &[what])
}

#[test]
fn export_all_keeps_hostile_table_names_inside_the_folder() {
    let dir = ports_db();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/port_rules.csv"), "mine\n").unwrap();
    let abs = format!("{}/abs", outside.display());
    let db = inspect(&dir.path().join("ports.db"));
    for name in ["../../escaped", "../port_rules", abs.as_str(), "..", "evil\u{1b}]0;pwned\u{7}"] {
        let quoted = name.replace('"', "\"\"");
        db.execute_batch(&format!("CREATE TABLE \"{quoted}\" (x TEXT); INSERT INTO \"{quoted}\" VALUES ('=1+1');"))
            .unwrap();
    }
    drop(db);
    let run = kbingest(dir.path(), &["export", "ports.db", "--all", "-o", "out/bi"]);
    run.success();
    // Nothing outside the folder: not one level up, not at the absolute path.
    assert_eq!(std::fs::read_to_string(dir.path().join("out/port_rules.csv")).unwrap(), "mine\n");
    assert!(files_under(&outside).is_empty(), "{:?}", files_under(&outside));
    assert!(!dir.path().join("escaped.csv").exists());
    let written = files_under(&dir.path().join("out/bi"));
    for expected in ["_.._.._escaped.csv", "_.._port_rules.csv", "_...csv", "port_rules.csv", "evil_]0;pwned_.csv"] {
        assert!(written.contains(&PathBuf::from(expected)), "{expected} not in {written:?}");
    }
    assert!(written.iter().all(|p| p.components().count() == 1), "{written:?}");
    // The name's escape sequence reaches standard error escaped, never raw.
    assert!(!run.stderr().contains('\u{1b}'), "{}", run.stderr());
    run.stderr_has("evil\\x1b]0;pwned\\x07: 1 row");
}

#[test]
fn a_planted_partial_symlink_is_not_followed() {
    let dir = ports_db();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "secret\n").unwrap();
    // The name the temporary file had before: another user plants it in a shared folder.
    std::os::unix::fs::symlink(&secret, dir.path().join(".report.csv.partial")).unwrap();
    kbingest(dir.path(), &["export", "ports.db", "-o", "report.csv", "-q"]).success();
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret\n");
    let report = dir.path().join("report.csv");
    assert!(std::fs::symlink_metadata(&report).unwrap().file_type().is_file());
    assert!(std::fs::read_to_string(&report).unwrap().starts_with("source,service,"));
    // A symbolic link named with -o is refused, not replaced, and its target is untouched.
    std::os::unix::fs::symlink(&secret, dir.path().join("link.csv")).unwrap();
    kbingest(dir.path(), &["export", "ports.db", "-o", "link.csv"]).expect(2).stderr_has("is a symbolic link");
    assert!(std::fs::symlink_metadata(dir.path().join("link.csv")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret\n");
    let left: Vec<PathBuf> =
        files_under(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".partial")).collect();
    assert_eq!(left, [PathBuf::from(".report.csv.partial")], "only the planted link");
}

#[test]
fn o_at_a_fifo_is_refused_at_once_for_export_and_ingest() {
    let dir = ports_db();
    copy_ports(dir.path());
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let export = spawn(dir.path(), &["export", "ports.db", "-o", "fifo"]);
    wait_at_most(export, Duration::from_secs(30), "export -o fifo").expect(2).stderr_has("fifo is a FIFO");
    let ingest = spawn(dir.path(), &["ports.txt", "-o", "fifo"]);
    wait_at_most(ingest, Duration::from_secs(30), "ingest -o fifo").expect(1).stderr_has("not a regular file");
    let export_from = spawn(dir.path(), &["export", "fifo"]);
    wait_at_most(export_from, Duration::from_secs(30), "export fifo").expect(1).stderr_has("not a regular file");
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::symlink_metadata(&fifo).unwrap().file_type()));
}

#[test]
fn o_at_a_device_node_is_refused_and_the_device_stays() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: making a device node (mknod) needs root");
        return;
    }
    let dir = ports_db();
    let node = dir.path().join("null");
    assert!(Command::new("mknod").arg(&node).args(["c", "1", "3"]).status().unwrap().success());
    kbingest(dir.path(), &["export", "ports.db", "-o", "null"]).expect(2).stderr_has("null is a device");
    kbingest(dir.path(), &["export", "ports.db", "-o", "/dev/null"]).expect(2).stderr_has("is a device");
    let kind = std::fs::symlink_metadata(&node).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&kind), "the device node was replaced");
}

/// Runs kbingest with standard error going to `stderr`; returns its exit status.
fn status_with_stderr(dir: &Path, args: &[&str], stderr: Stdio) -> i32 {
    let status = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .status()
        .unwrap();
    status.code().unwrap_or(-1)
}

#[test]
fn an_unwritable_standard_error_never_makes_a_panic() {
    let dir = ports_db();
    copy_ports(dir.path());
    std::fs::write(dir.path().join("bad.txt"), service_doc("Bad", &[("A", "TCP", "x")])).unwrap();
    let commands: &[(&[&str], i32)] = &[
        (&["ports.txt", "-o", "ports.db"], 0),
        (&["ingest", "ports.txt", "-o", "other.db"], 0),
        (&["bad.txt", "-o", "ports.db", "--strict"], 1),
        (&["export", "ports.db", "-o", "out.csv"], 0),
        (&["export", "ports.db", "--all", "-o", "bi"], 0),
        (&["export", "ports.db"], 0),
        (&["export", "missing.db"], 1),
        (&["query", "ports.db", "SELECT 1"], 0),
        (&["query", "ports.db", "DELETE FROM sources"], 1),
        (&["diff", "ports.db", "ports.txt", "ports.txt"], 0),
        (&["diff", "ports.db", "ports.txt", "nope"], 1),
        (&["firewall", "ports.db", "--service", "DNS Server", "--source", "ports.txt", "-o", "dns.nft"], 0),
        (&["firewall", "ports.db", "--service", "No Such Service"], 1),
        (&["--no-such-option"], 2),
    ];
    for (args, code) in commands {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        assert_eq!(status_with_stderr(dir.path(), args, Stdio::from(full)), *code, "{args:?} 2>/dev/full");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
            .args(*args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        assert_eq!(child.wait().unwrap().code(), Some(*code), "{args:?} 2>&1 | true");
    }
}

#[test]
fn ctrl_c_during_an_endless_export_leaves_no_partial_file() {
    let dir = ports_db();
    let db = inspect(&dir.path().join("ports.db"));
    db.execute_batch(
        "CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n",
    )
    .unwrap();
    drop(db);
    std::fs::write(dir.path().join("out.csv"), "old\n").unwrap();
    let partial_size = || {
        files_under(dir.path())
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(".partial"))
            .map(|p| std::fs::metadata(dir.path().join(p)).map_or(0, |m| m.len()))
            .max()
    };
    let mut child = spawn(dir.path(), &["export", "ports.db", "forever", "-o", "out.csv"]);
    let start = Instant::now();
    while partial_size().unwrap_or(0) < 1 << 20 {
        assert!(matches!(child.try_wait(), Ok(None)), "the export ended");
        assert!(start.elapsed() < Duration::from_secs(60), "the export wrote nothing");
        std::thread::sleep(Duration::from_millis(10));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let run = wait_at_most(child, Duration::from_secs(30), "export after Ctrl-C");
    run.expect(130).stderr_has("stopped by SIGINT (Ctrl-C) before the export finished: out.csv was left as it was");
    assert_eq!(partial_size(), None, "a partial file was left behind");
    assert_eq!(std::fs::read_to_string(dir.path().join("out.csv")).unwrap(), "old\n");
}
