//! End to end: a load stopped in the middle, by kill -9, Ctrl-C (SIGINT) or SIGTERM, leaves the
//! database whole: it passes `PRAGMA integrity_check` and holds every earlier source in full. A
//! clean stop (SIGINT, SIGTERM) also leaves the file byte for byte as it was, exits 130 or 143
//! with a message, and leaves no new database file behind.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Sections of the large generated input: several seconds of loading in a debug build.
const LARGE: u64 = 20_000;

/// A database holding two earlier sources, and the large input beside it.
struct Setup {
    dir: tempfile::TempDir,
    earlier: &'static [Vec<String>],
    bytes: &'static [u8],
}

/// What every test starts from, made once per run: the large input (a file of the shared temporary
/// folder) and the database of two earlier sources, with its rows and bytes.
struct Template {
    large: PathBuf,
    earlier: Vec<Vec<String>>,
    bytes: Vec<u8>,
}

static TEMPLATE: OnceLock<Template> = OnceLock::new();

fn template() -> &'static Template {
    TEMPLATE.get_or_init(|| {
        // The generator is deterministic: a file left by an earlier run is the same file.
        let large = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("interruption-{LARGE}-sections.txt"));
        if !large.exists() {
            let mut text = String::new();
            corpus::generate(LARGE, |t| text.push_str(t), |_| {});
            let partial = large.with_extension(format!("{}.partial", std::process::id()));
            std::fs::write(&partial, text).unwrap();
            std::fs::rename(&partial, &large).unwrap();
        }
        let dir = workdir();
        copy_ports(dir.path());
        std::fs::write(dir.path().join("small.txt"), small()).unwrap();
        kbingest(dir.path(), &["ports.txt", "-o", "k.db", "-q"]).success();
        kbingest(dir.path(), &["small.txt", "-o", "k.db", "-q"]).success();
        let db = dir.path().join("k.db");
        let earlier = everything(&db);
        assert_eq!(earlier.len(), 172 + 46 + 1 + 2, "rules, anomalies and sources");
        Template { large, earlier, bytes: db_bytes(&db) }
    })
}

fn small() -> String {
    service_doc("Small", &[("HTTP", "TCP", "80")])
}

impl Setup {
    /// A fresh folder with `k.db` (the template's bytes), `ports.txt`, `small.txt` and `large.txt`
    /// (a link to the one generated file).
    fn new() -> Setup {
        let template = template();
        let dir = workdir();
        copy_ports(dir.path());
        std::fs::write(dir.path().join("small.txt"), small()).unwrap();
        std::os::unix::fs::symlink(&template.large, dir.path().join("large.txt")).unwrap();
        std::fs::write(dir.path().join("k.db"), &template.bytes).unwrap();
        Setup { dir, earlier: &template.earlier, bytes: &template.bytes }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The database is whole and holds exactly the earlier sources.
    fn assert_whole(&self) {
        let db = self.path("k.db");
        assert_eq!(scalar::<String>(&inspect(&db), "PRAGMA integrity_check"), "ok");
        assert_eq!(everything(&db), self.earlier);
        // And it takes the next load.
        kbingest(self.dir.path(), &["small.txt", "-o", "k.db"]).success().stderr_has("unchanged");
    }
}

/// Every row of both views and every source, in a stable order.
fn everything(db: &Path) -> Vec<Vec<String>> {
    let conn = inspect(db);
    let mut all = rows(&conn, "SELECT * FROM port_rules ORDER BY source, source_line, transport");
    all.extend(rows(&conn, "SELECT * FROM anomalies ORDER BY source, source_line, kind"));
    all.extend(rows(&conn, "SELECT name, sha256, size_bytes, options FROM sources ORDER BY name"));
    all
}

/// Waits until `ready` holds, failing if the child exits first.
fn wait_until(child: &mut Child, what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("kbingest ended ({status}) before {what}");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(matches!(child.try_wait(), Ok(None)), "kbingest ended before {what}");
}

/// Waits until the load has written a good part of its transaction: into the WAL when loading
/// into a database with sources, into the file itself on a first load (rollback-journal mode),
/// into a temporary file beside it when the database is new (built aside).
fn wait_mid_load(child: &mut Child, db: &Path) {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let start = size(db);
    let aside = || temp_files_of(db).iter().map(|t| size(t)).sum::<u64>();
    wait_until(child, "the middle of the load", || {
        size(&wal) > 2 << 20 || size(db) > start + (2 << 20) || aside() > 2 << 20
    });
}

/// Waits until kbingest has the database file open (by then its signal handlers are in place).
fn wait_open(child: &mut Child, db: &Path) {
    let fds = PathBuf::from(format!("/proc/{}/fd", child.id()));
    let target = db.canonicalize().unwrap();
    wait_until(child, "kbingest opened the database", || {
        std::fs::read_dir(&fds)
            .map(|entries| entries.flatten().any(|e| std::fs::read_link(e.path()).is_ok_and(|l| l == target)))
            .unwrap_or(false)
    });
}

/// Waits until every thread of kbingest sleeps in the kernel with no signal pending, on several
/// looks in a row: it is blocked (on the lock's busy wait, or a read of a silent input) and has
/// taken any signal sent before.
fn wait_asleep(child: &mut Child, what: &str) {
    let tasks = PathBuf::from(format!("/proc/{}/task", child.id()));
    let asleep = |task: &Path| {
        let stat = std::fs::read_to_string(task.join("stat")).unwrap_or_default();
        let state = stat.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next());
        let status = std::fs::read_to_string(task.join("status")).unwrap_or_default();
        let pending = status
            .lines()
            .filter(|l| l.starts_with("SigPnd:") || l.starts_with("ShdPnd:"))
            .any(|l| l.split_whitespace().nth(1).is_some_and(|mask| !mask.trim_start_matches('0').is_empty()));
        state == Some('S') && !pending
    };
    let all_asleep = || std::fs::read_dir(&tasks).is_ok_and(|entries| entries.flatten().all(|e| asleep(&e.path())));
    let mut in_a_row = 0;
    wait_until(child, what, || {
        in_a_row = if all_asleep() { in_a_row + 1 } else { 0 };
        in_a_row >= 5
    });
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status().unwrap();
    assert!(status.success(), "kill -{name} failed");
}

#[test]
fn kill_9_in_the_middle_of_a_first_load_leaves_a_whole_empty_database() {
    let setup = Setup::new();
    let db = setup.path("first.db");
    // An empty file named with -o is loaded in place (an existing file is never replaced).
    std::fs::write(&db, b"").unwrap();
    let args = ["large.txt", "-o", "first.db"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_mid_load(&mut child, &db);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().code(), None, "kbingest was not killed");
    // The uncommitted load is in a journal or a WAL; the next open rolls it back or ignores it.
    assert_eq!(scalar::<String>(&inspect(&db), "PRAGMA integrity_check"), "ok");
    assert_eq!(scalar::<i64>(&inspect(&db), "SELECT count(*) FROM sources"), 0);
    kbingest(setup.dir.path(), &["small.txt", "-o", "first.db", "-q"]).success();
    assert_eq!(scalar::<i64>(&inspect(&db), "SELECT count(*) FROM port_rules"), 1);
}

#[test]
fn kill_9_in_the_middle_of_a_load_into_a_new_database_leaves_only_a_temporary_file() {
    let setup = Setup::new();
    let db = setup.path("new.db");
    let args = ["large.txt", "-o", "new.db"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_mid_load(&mut child, &db);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().code(), None, "kbingest was not killed");
    // Built aside: nothing under the database's name, only the temporary file.
    assert!(!db.exists(), "the new database is visible before its load ended");
    let temps = temp_files_of(&db);
    assert!(temps.iter().any(|t| t.to_string_lossy().ends_with(".tmp")), "{temps:?}");
    // The next load into that name removes it (nobody holds it any more) and succeeds.
    kbingest(setup.dir.path(), &["small.txt", "-o", "new.db", "-q"]).success();
    assert_eq!(temp_files_of(&db), Vec::<PathBuf>::new());
    assert_eq!(scalar::<i64>(&inspect(&db), "SELECT count(*) FROM port_rules"), 1);
    assert_eq!(scalar::<String>(&inspect(&db), "PRAGMA integrity_check"), "ok");
}

#[test]
fn kill_9_in_the_middle_of_a_large_load_leaves_every_earlier_source_in_full() {
    let setup = Setup::new();
    let args = ["large.txt", "-o", "k.db"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_mid_load(&mut child, &setup.path("k.db"));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), None, "kbingest was not killed: {status}");
    // The uncommitted pages are only in the WAL: the database file itself was not written.
    assert_eq!(std::fs::read(setup.path("k.db")).unwrap(), setup.bytes);
    setup.assert_whole();
}

#[test]
fn ctrl_c_in_the_middle_of_a_large_load_stops_cleanly() {
    let setup = Setup::new();
    let args = ["large.txt", "-o", "k.db"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_mid_load(&mut child, &setup.path("k.db"));
    signal(&child, "INT");
    finish(child, &args).expect(130).stderr_has(
        "kbingest: stopped by SIGINT (Ctrl-C) before the ingest finished: nothing was loaded and the database is as it was before",
    );
    assert_eq!(db_bytes(&setup.path("k.db")), setup.bytes);
    setup.assert_whole();
}

#[test]
fn sigterm_in_the_middle_of_a_load_into_a_new_database_leaves_no_file() {
    let setup = Setup::new();
    let args = ["large.txt", "-o", "new.db"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_mid_load(&mut child, &setup.path("new.db"));
    signal(&child, "TERM");
    finish(child, &args).expect(143).stderr_has("stopped by SIGTERM");
    assert_no_database(&setup.path("new.db"));
}

#[test]
fn ctrl_c_while_waiting_for_another_writer_stops_at_once() {
    let setup = Setup::new();
    let db = setup.path("k.db");
    // Another writer holds the write lock (for as long as the test likes).
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let args = ["ports.txt", "-o", "k.db", "--busy-timeout", "3600", "--dynamic-range", "1-2"];
    let mut child = spawn(setup.dir.path(), &args);
    wait_open(&mut child, &db);
    wait_asleep(&mut child, "kbingest waits for the lock");
    signal(&child, "INT");
    // Not after the hour of --busy-timeout: the wait itself notices the stop.
    let asked = Instant::now();
    while matches!(child.try_wait(), Ok(None)) {
        if asked.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the wait for the lock ignored Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    finish(child, &args).expect(130).stderr_has("stopped by SIGINT (Ctrl-C)");
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    setup.assert_whole();
}

#[test]
fn a_second_ctrl_c_stops_a_read_that_waits_for_input_at_once() {
    let setup = Setup::new();
    let args = ["-", "-o", "k.db", "--source-name", "typed"];
    // Standard input stays open and silent, as a terminal nobody types into.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(setup.dir.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_open(&mut child, &setup.path("k.db"));
    wait_asleep(&mut child, "kbingest waits for input");
    signal(&child, "INT");
    // The first Ctrl-C is taken and the read goes on waiting (wait_asleep fails if kbingest ends).
    wait_asleep(&mut child, "kbingest took the first Ctrl-C and waits on");
    signal(&child, "INT");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(std::fs::read(setup.path("k.db")).unwrap(), setup.bytes);
    setup.assert_whole();
}
