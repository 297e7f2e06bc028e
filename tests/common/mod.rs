//! Shared helpers for the end-to-end tests: run the real binary in a fresh directory and, on
//! failure, show the command, its status, standard output and standard error.
#![allow(dead_code)]

pub mod corpus;
pub mod namespaces;
pub mod netns;
pub mod probe;
pub mod ruleset;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the repository, by its path from the root.
pub fn repo_file(rel: &str) -> PathBuf {
    repo().join(rel)
}

/// What one run of the binary did.
pub struct Run {
    pub command: String,
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    fn dump(&self) -> String {
        format!(
            "command: {}\nstatus: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command,
            self.output.status,
            self.stdout(),
            self.stderr()
        )
    }
    /// Asserts the run exited with `code`; never 101 (a panic).
    pub fn expect(&self, code: i32) -> &Run {
        assert_ne!(self.code(), 101, "kbingest panicked\n{}", self.dump());
        assert_eq!(self.code(), code, "unexpected exit status\n{}", self.dump());
        self
    }
    pub fn success(&self) -> &Run {
        self.expect(0)
    }
    /// Asserts standard error contains `text`.
    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(self.stderr().contains(text), "stderr lacks {text:?}\n{}", self.dump());
        self
    }
}

/// A fresh directory for one test.
pub fn workdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Runs kbingest in `dir` with `args`, feeding `stdin`.
pub fn kbingest_with_input(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kbingest starts");
    let mut pipe = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&data);
    });
    let output = child.wait_with_output().expect("kbingest runs");
    writer.join().expect("stdin writer");
    Run { command: format!("kbingest {}", args.join(" ")), output }
}

/// Runs kbingest in `dir` with `args` and empty standard input.
pub fn kbingest(dir: &Path, args: &[&str]) -> Run {
    kbingest_with_input(dir, args, b"")
}

/// Opens a database for checking what a run stored.
pub fn open(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("database opens")
}

/// Opens a database read-write for checking it. Unlike [`open`], closing it removes the WAL
/// files that a reader creates, so that the file can be compared byte for byte afterwards
/// ([`db_bytes`] asserts there are none). The tests only read through it.
pub fn inspect(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).expect("database opens")
}

/// A single value of a query.
pub fn scalar<T: rusqlite::types::FromSql>(conn: &rusqlite::Connection, sql: &str) -> T {
    scalar_with(conn, sql, [])
}

/// A single value of a query whose parameters (`?1`, `:name`) are bound to `params`.
pub fn scalar_with<T: rusqlite::types::FromSql>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> T {
    conn.query_row(sql, params, |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row of a query, each as strings (NULL as "NULL").
pub fn rows(conn: &rusqlite::Connection, sql: &str) -> Vec<Vec<String>> {
    rows_with(conn, sql, [])
}

/// Every row of a query whose parameters (`?1`, `:name`) are bound to `params`, each as strings
/// (NULL as "NULL"). Values are bound, never spliced into the SQL.
pub fn rows_with(conn: &rusqlite::Connection, sql: &str, params: impl rusqlite::Params) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let n = stmt.column_count();
    stmt.query_map(params, |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => "NULL".to_string(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Real(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                })
            })
            .collect()
    })
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
    .collect::<rusqlite::Result<_>>()
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The port rules of one source, every column a reader decides, in document order.
pub fn rules(conn: &rusqlite::Connection, source: &str) -> Vec<Vec<String>> {
    rows_with(
        conn,
        "SELECT service, system_service_name, application_protocol, transport, ip_protocol, port_low, port_high,
                port_kind, port_raw, transport_raw, source_line
         FROM port_rules WHERE source = ?1
         ORDER BY source_line, application_protocol, transport, port_low",
        [source],
    )
}

/// Starts kbingest in `dir` with `args` without waiting for it; standard error is captured.
pub fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kbingest"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kbingest starts")
}

/// Waits for a spawned kbingest and returns what it did.
pub fn finish(child: std::process::Child, args: &[&str]) -> Run {
    let output = child.wait_with_output().expect("kbingest runs");
    Run { command: format!("kbingest {}", args.join(" ")), output }
}

/// The bytes of a database file, asserting that no WAL or shared-memory companion is left
/// beside it (a cleanly closed database has none).
pub fn db_bytes(path: &Path) -> Vec<u8> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let companion = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(!companion.exists(), "{} was left behind", companion.display());
    }
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that neither a database file nor any of its companions exists.
pub fn assert_no_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(!file.exists(), "{} was left behind", file.display());
    }
    let temps = temp_files_of(path);
    assert!(temps.is_empty(), "temporary files were left behind: {temps:?}");
}

/// The temporary files beside `db` that a load building it aside writes (`.NAME.kbingest-*.tmp`,
/// and what SQLite puts beside them).
pub fn temp_files_of(db: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.kbingest-", db.file_name().unwrap().to_string_lossy());
    let dir = db.parent().unwrap();
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Copies raw/ports.txt into `dir` as `ports.txt`, so that tests can name it by a short path.
pub fn copy_ports(dir: &Path) {
    std::fs::copy(repo_file("raw/ports.txt"), dir.join("ports.txt")).expect("copy raw/ports.txt");
}

/// A small valid document of one service with the given table rows (application protocol,
/// protocol, port); the first row is on line 8.
pub fn service_doc(title: &str, rows: &[(&str, &str, &str)]) -> String {
    let mut doc = format!("{title}\n\nThe {title} service does things.\n\nSystem Service Name Svc\n\n");
    doc.push_str("Application protocol Protocol Port\n");
    for (application, protocol, port) in rows {
        doc.push_str(&format!("{application}\n{protocol}\n{port}\n"));
    }
    doc
}

/// Loads `input` (a path from the repository's root, or an absolute path) into the database `db`
/// in `dir`, quietly, with `extra` arguments (e.g. `--source-name`, `--lenient`); asserts it
/// succeeds and opens the database read-only.
pub fn ingest(dir: &Path, input: &str, db: &str, extra: &[&str]) -> rusqlite::Connection {
    let input = repo_file(input);
    let mut args = vec![input.to_str().expect("a UTF-8 path"), "-o", db, "-q"];
    args.extend(extra);
    kbingest(dir, &args).success();
    open(&dir.join(db))
}

/// `raw/ports.txt` loaded into `ports.db` in a fresh directory.
pub fn ports_db() -> tempfile::TempDir {
    let dir = workdir();
    ingest(dir.path(), "raw/ports.txt", "ports.db", &[]);
    dir
}

/// The documentation: `README.md`, then `docs/*.md` by name.
pub fn doc_files() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo_file("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.insert(0, repo_file("README.md"));
    docs
}

/// `README.md` and `docs/*.md`, one after the other: what the README leaves to docs/ is checked
/// where it moved.
pub fn documentation() -> String {
    doc_files()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A tool a test needs that may be missing here: `found`, or else SKIP on standard error and
/// `None` -- unless the environment variable `CI` is set, since `.ci/run` installs the tool: then
/// the test fails, saying what is missing and how `.ci/run` installs it.
pub fn tool_or_skip(found: Option<PathBuf>, test: &str, missing: &str) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(!ci, "{test}: {missing}; CI is set, and .ci/run installs it, so this is a failure, not a skip");
    // Straight to standard error: the test harness captures what eprintln! prints.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIP {test}: {missing}");
    None
}

/// The first of `candidates` (an environment variable's value first, then repository paths) that
/// is a file.
pub fn find_tool(variable: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    candidates.iter().map(|c| if c.starts_with('/') { PathBuf::from(c) } else { repo_file(c) }).find(|p| p.is_file())
}
