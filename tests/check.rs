//! `kbingest check`: documents read exactly as `ingest` reads them, what would be loaded said,
//! every anomaly written in every output format, and nothing written to disk.

use crate::common::{kbingest, kbingest_with_input, repo_file, workdir};
use std::path::{Path, PathBuf};

/// The anomalies of a database in the order they were recorded, as CSV through `query`.
const LEDGER: &str = "SELECT so.name AS source, al.source_line, al.kind, al.raw, al.normalized, al.message
     FROM anomaly_log al JOIN sources so ON so.id = al.source_id ORDER BY al.id";

/// Every document the tests keep: one per anomaly kind, the 2003 article, the real pages.
fn documents() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in ["tests/fixtures/anomalies", "tests/fixtures/real"] {
        for entry in std::fs::read_dir(repo_file(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".json") && name != "README.md" {
                found.push(path);
            }
        }
    }
    found.push(repo_file("raw/ports.txt"));
    found.push(repo_file("tests/fixtures/kb832017-2020-09.md"));
    found.sort();
    found
}

/// `services`, `port rules` and `anomalies` as the summary line of `name` counts them.
fn summary_counts(stderr: &str, name: &str) -> String {
    let line = stderr.lines().find(|l| l.contains(&format!("{name}: "))).unwrap_or_else(|| panic!("{stderr}"));
    let counts = line.split_once(": would load ").or_else(|| line.split_once(": loaded ")).map_or(line, |(_, r)| r);
    counts.split(" (").next().unwrap().to_string()
}

#[test]
fn every_document_is_checked_as_ingest_loads_it() {
    let dir = workdir();
    let documents = documents();
    assert!(documents.len() > 50, "{documents:?}");
    for (i, document) in documents.iter().enumerate() {
        let path = document.to_str().unwrap();
        let db = format!("{i}.db");
        // --lenient: the rows that cannot be read are recorded too, as check reports them.
        let ingest = kbingest(dir.path(), &[path, "-o", &db, "--lenient"]);
        let check = kbingest(dir.path(), &["check", path, "--output-format", "csv"]);
        assert_eq!(check.code(), ingest.code(), "{path}\ningest: {}\ncheck: {}", ingest.stderr(), check.stderr());
        if ingest.code() != 0 {
            // Refused alike, for the same reason.
            let reason = |stderr: String| stderr.lines().last().unwrap_or_default().to_string();
            assert_eq!(reason(check.stderr()), reason(ingest.stderr()), "{path}");
            continue;
        }
        let ledger = kbingest(dir.path(), &["query", &db, LEDGER, "--format", "csv"]);
        ledger.success();
        assert_eq!(check.stdout(), ledger.stdout(), "{path}: the anomalies differ from those ingest recorded");
        assert_eq!(summary_counts(&check.stderr(), path), summary_counts(&ingest.stderr(), path), "{path}");
    }
}

#[test]
fn several_documents_in_one_check_are_the_ingest_of_them_all() {
    let dir = workdir();
    let inputs = [
        repo_file("raw/ports.txt"),
        repo_file("tests/fixtures/anomalies/skipped_row.txt"),
        repo_file("tests/fixtures/real/kubernetes-ports.md"),
    ];
    let inputs: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
    let mut args = inputs.clone();
    args.extend(["-o", "all.db", "--lenient", "--dynamic-range", "49152-65535"]);
    kbingest(dir.path(), &args).success();
    let mut args = vec!["check"];
    args.extend(&inputs);
    args.extend(["--output-format", "csv", "--dynamic-range", "49152-65535"]);
    let check = kbingest(dir.path(), &args);
    check.success();
    let ledger = kbingest(dir.path(), &["query", "all.db", LEDGER, "--format", "csv"]);
    assert_eq!(check.stdout(), ledger.success().stdout());
    assert!(check.stdout().contains("49152-65535"), "the dynamic range asked for: {}", check.stdout());
    check.stderr_has("3 sources: would load").stderr_has("1 row cannot be read").stderr_has("(custom --dynamic-range)");
}

/// The files of a directory, by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn nothing_is_written() {
    let dir = workdir();
    std::fs::copy(repo_file("raw/ports.txt"), dir.path().join("ports.txt")).unwrap();
    let check = kbingest(dir.path(), &["check", "ports.txt"]);
    check.success().stderr_has("ports.txt: would load 62 services, 172 port rules").stderr_has("nothing was written");
    assert_eq!(files_in(dir.path()), ["ports.txt"]);
    // There is no database to name.
    let with_db = kbingest(dir.path(), &["check", "ports.txt", "-o", "ports.db"]);
    with_db.expect(2);
    assert_eq!(files_in(dir.path()), ["ports.txt"]);
}

#[test]
fn the_anomalies_in_every_output_format() {
    let dir = workdir();
    let document = repo_file("raw/ports.txt");
    let document = document.to_str().unwrap();
    let run = |format: &str| {
        let run = kbingest(dir.path(), &["check", document, "--output-format", format, "-q"]);
        assert_eq!(run.success().stderr(), "", "-q says nothing");
        run.stdout()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 46);
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["kind", "message", "normalized", "raw", "source", "source_line"]);
    assert!(rows.iter().any(|r| r["kind"] == "prose_conflict" && r["normalized"].is_null()));
    let dynamic = rows.iter().filter(|r| r["kind"] == "dynamic_port").count();
    assert!(dynamic > 1);
    let lines: Vec<serde_json::Value> = run("jsonl").lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(&lines, rows);
    let csv_text = run("csv");
    let mut csv = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(csv.headers().unwrap(), vec!["source", "source_line", "kind", "raw", "normalized", "message"]);
    assert_eq!(csv.records().count(), 46);
    let tsv = run("tsv");
    assert!(tsv.starts_with("source\tsource_line\tkind\traw\tnormalized\tmessage\n"), "{tsv}");
    let markdown = run("markdown");
    assert!(markdown.starts_with("| source | source\\_line | kind | raw | normalized | message |\n"), "{markdown}");
    assert_eq!(markdown.lines().filter(|l| l.contains(r"| dynamic\_port |")).count(), dynamic);
    let table = run("table");
    assert!(table.lines().next().unwrap().split_whitespace().eq([
        "source",
        "source_line",
        "kind",
        "raw",
        "normalized",
        "message"
    ]));
    assert_eq!(table.lines().filter(|l| l.contains(" dynamic_port ")).count(), dynamic);
}

#[test]
fn strict_fails_on_a_row_that_cannot_be_read_and_still_lists_everything() {
    let dir = workdir();
    let document = repo_file("tests/fixtures/anomalies/skipped_row.txt");
    let document = document.to_str().unwrap();
    let lenient = kbingest(dir.path(), &["check", document, "--output-format", "csv"]);
    lenient.success().stderr_has("1 row cannot be read");
    assert!(lenient.stdout().contains(",skipped_row,Broken / TCP / eighty,"), "{}", lenient.stdout());
    let strict = kbingest(dir.path(), &["check", document, "--output-format", "csv", "--strict"]);
    strict.expect(1).stderr_has("skipped_row.txt: 1 row cannot be read (--strict)");
    assert_eq!(strict.stdout(), lenient.stdout());
    // A document whose every row is read passes --strict.
    let clean = repo_file("raw/ports.txt");
    kbingest(dir.path(), &["check", clean.to_str().unwrap(), "--strict", "-q"]).success();
}

#[test]
fn a_document_that_cannot_be_read_fails_after_the_others_are_checked() {
    let dir = workdir();
    std::fs::write(dir.path().join("notes.txt"), "Just words, and no port table at all.\n").unwrap();
    let good = repo_file("raw/ports.txt");
    let run =
        kbingest(dir.path(), &["check", "notes.txt", good.to_str().unwrap(), "missing.md", "--output-format", "csv"]);
    run.expect(1)
        .stderr_has("notes.txt: holds no port table (read as text")
        .stderr_has("missing.md: cannot open input")
        .stderr_has("ports.txt: would load 62 services");
    assert_eq!(run.stdout().lines().filter(|l| l.contains("ports.txt,")).count(), 46, "{}", run.stdout());
}

#[test]
fn the_options_that_decide_the_reading_are_ingests() {
    let dir = workdir();
    let text = std::fs::read(repo_file("raw/ports.txt")).unwrap();
    // Standard input, named as the user asks.
    let piped =
        kbingest_with_input(dir.path(), &["check", "-", "--source-name", "2003", "--output-format", "csv"], &text);
    piped.success().stderr_has("2003: would load 62 services, 172 port rules, 46 anomalies (text, UTF-8)");
    let stdout = piped.stdout();
    let sources: Vec<String> =
        csv::Reader::from_reader(stdout.as_bytes()).records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(sources.len(), 46);
    assert!(sources.iter().all(|s| s == "2003"), "{sources:?}");
    // A file is read again for the tables a prose port is looked up in, a stream cannot be: the
    // same anomalies either way (raw/ports.txt's prose names a protocol of another section).
    let file = repo_file("raw/ports.txt");
    let named =
        kbingest(dir.path(), &["check", file.to_str().unwrap(), "--source-name", "2003", "--output-format", "csv"]);
    assert_eq!(named.success().stdout(), stdout);
    assert!(stdout.contains("the table of Local Security Authority gives"), "{stdout}");
    // The dynamic range, the format and the encoding, as ingest takes them.
    let path = repo_file("raw/ports.txt");
    let path = path.to_str().unwrap();
    let range = kbingest(dir.path(), &["check", path, "--dynamic-range", "49152-65535", "--output-format", "csv"]);
    assert!(range.success().stdout().contains("loaded as dynamic 49152-65535"), "{}", range.stdout());
    let latin = kbingest(dir.path(), &["check", path, "--encoding", "windows-1252", "--format", "text", "-q"]);
    latin.success();
    let html = kbingest(dir.path(), &["check", path, "--format", "html"]);
    html.expect(1).stderr_has("holds no port table (read as html");
    // The size limit of documents parsed whole.
    let page = repo_file("tests/fixtures/real/kubernetes-ports.md");
    let small = kbingest(dir.path(), &["check", page.to_str().unwrap(), "--max-input-size", "1K"]);
    small.expect(1).stderr_has("--max-input-size");
    // --source-name names one input.
    kbingest(dir.path(), &["check", path, path, "--source-name", "x"]).expect(2);
}

#[test]
fn a_port_registry_is_counted_in_records() {
    let dir = workdir();
    let registry = repo_file("tests/fixtures/registries/iana-excerpt.csv");
    let run = kbingest(dir.path(), &["check", registry.to_str().unwrap()]);
    run.success().stderr_has("registry records").stderr_has("(iana-csv, UTF-8)");
}
