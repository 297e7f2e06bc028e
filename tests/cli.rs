//! End to end: the habits of a command-line tool. Each command's usage errors point to its own
//! help, `help` works for every command (also `help --help`), counts read in the right number,
//! `--version` names SQLite and the schema, completions and the man page come out, and query
//! parameters and `--no-header` do what they say.

use crate::common::*;

#[test]
fn usage_errors_point_to_the_help_of_their_own_command() {
    let dir = ports_db();
    // clap's own errors (a missing argument, an unknown option).
    kbingest(dir.path(), &["query", "ports.db"]).expect(2).stderr_has("try 'kbingest query --help'");
    kbingest(dir.path(), &["export", "ports.db", "--nope"]).expect(2).stderr_has("try 'kbingest export --help'");
    kbingest(dir.path(), &["--nope"]).expect(2).stderr_has("try 'kbingest --help'");
    // kbingest's own usage errors.
    kbingest(dir.path(), &["export", "ports.db", "--format", "json", "--bom"])
        .expect(2)
        .stderr_has("Run `kbingest export --help` for usage.");
    let run = kbingest(dir.path(), &["query", "ports.db", "SELECT 1", "--no-header"]);
    run.expect(2).stderr_has("--no-header is for --format csv and tsv").stderr_has("`kbingest query --help`");
    assert!(!run.stderr().contains("`kbingest --help`"), "{}", run.stderr());
}

#[test]
fn help_works_for_every_command_and_for_itself() {
    let dir = workdir();
    let top = kbingest(dir.path(), &["help"]);
    assert!(top.success().stdout().contains("Usage: kbingest"), "{}", top.stdout());
    for name in [
        "ingest",
        "export",
        "query",
        "ports",
        "who",
        "report",
        "sources",
        "remove",
        "tables",
        "metadata",
        "completions",
        "man",
        "help",
    ] {
        let run = kbingest(dir.path(), &["help", name]);
        assert!(run.success().stdout().contains(&format!("Usage: kbingest {name}")), "{}", run.stdout());
        assert_eq!(run.stdout(), kbingest(dir.path(), &[name, "--help"]).success().stdout(), "help {name}");
    }
    let help_help = kbingest(dir.path(), &["help", "--help"]);
    assert!(help_help.success().stdout().contains("Usage: kbingest help [COMMAND]"), "{}", help_help.stdout());
    kbingest(dir.path(), &["help", "nope"])
        .expect(2)
        .stderr_has("there is no command `nope`; the commands are ingest,");
}

#[test]
fn version_names_sqlite_and_the_schema() {
    let dir = workdir();
    let out = kbingest(dir.path(), &["--version"]).success().stdout();
    let expected = format!(
        "kbingest {} (SQLite {}, schema version {})\n",
        env!("CARGO_PKG_VERSION"),
        rusqlite::version(),
        kbingest::store::latest_version()
    );
    assert_eq!(out, expected);
}

#[test]
fn one_of_each_reads_in_the_singular() {
    let dir = workdir();
    std::fs::write(dir.path().join("one.txt"), service_doc("One", &[("A", "tcp", "80")])).unwrap();
    let run = kbingest(dir.path(), &["one.txt", "-o", "one.db"]);
    run.success()
        .stderr_has("kbingest: one.txt: loaded 1 service, 1 port rule, 1 anomaly (text, UTF-8)")
        .stderr_has("kbingest: 1 source, 1 service, 1 port rule, 1 anomaly -> one.db");
    kbingest(dir.path(), &["export", "one.db", "-o", "one.csv"]).success().stderr_has("port_rules: 1 row -> one.csv");
}

#[test]
fn a_foreign_database_gets_no_advice_about_an_option_the_command_lacks() {
    let dir = workdir();
    rusqlite::Connection::open(dir.path().join("other.db")).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    for args in [&["query", "other.db", "SELECT 1"][..], &["export", "other.db"], &["sources", "other.db"]] {
        let run = kbingest(dir.path(), args);
        run.expect(1)
            .stderr_has("not a kbingest database")
            .stderr_has("name a database made by `kbingest INPUT... -o DB`");
        assert!(!run.stderr().contains("with -o"), "{}", run.stderr());
    }
    // Ingest names its database with -o, so there the advice stands.
    std::fs::write(dir.path().join("doc.txt"), service_doc("One", &[("A", "TCP", "1")])).unwrap();
    kbingest(dir.path(), &["doc.txt", "-o", "other.db"]).expect(1).stderr_has("with -o");
}

#[test]
fn named_parameters_bind_as_text_and_must_match_the_statement() {
    let dir = ports_db();
    let sql = "SELECT DISTINCT service FROM port_rules WHERE transport = :transport AND port_low = :port ORDER BY 1";
    let run = kbingest(
        dir.path(),
        &["query", "ports.db", sql, "-p", "transport", "UDP", "--param", "port", "53", "--format", "csv"],
    );
    assert_eq!(run.success().stdout(), "service\r\nDNS Server\r\nICF/ICS\r\n");
    // The sigil may be given too, and @ and $ parameters work alike.
    let run = kbingest(
        dir.path(),
        &["query", "ports.db", "SELECT @a || $b AS ab", "-p", "@a", "x", "-p", "b", "y", "--format", "tsv"],
    );
    assert_eq!(run.success().stdout(), "ab\nxy\n");
    // A value may start with a dash.
    let run = kbingest(dir.path(), &["query", "ports.db", "SELECT :n + 1 AS n", "-p", "n", "-5", "--format", "tsv"]);
    assert_eq!(run.success().stdout(), "n\n-4\n");
    kbingest(dir.path(), &["query", "ports.db", sql, "-p", "transport", "UDP"])
        .expect(2)
        .stderr_has("the query's parameter :port has no value: give it one with -p port VALUE");
    kbingest(dir.path(), &["query", "ports.db", "SELECT :a", "-p", "a", "1", "-p", "b", "2"])
        .expect(2)
        .stderr_has("-p b: the query has no parameter :b; it has :a");
    kbingest(dir.path(), &["query", "ports.db", "SELECT ?", "-p", "a", "1"])
        .expect(2)
        .stderr_has("positional parameter");
    kbingest(dir.path(), &["query", "ports.db", "SELECT :a", "-p", "a"]).expect(2);
}

#[test]
fn no_header_leaves_out_the_header_row_of_csv_and_tsv() {
    let dir = ports_db();
    let run = kbingest(
        dir.path(),
        &["query", "ports.db", "SELECT count(*) FROM port_rules", "--format", "csv", "--no-header"],
    );
    assert_eq!(run.success().stdout(), "172\r\n");
    let with = kbingest(dir.path(), &["export", "ports.db", "--format", "tsv"]).success().stdout();
    let without = kbingest(dir.path(), &["export", "ports.db", "--format", "tsv", "--no-header"]).success().stdout();
    assert_eq!(with.split_once('\n').unwrap().1, without);
    assert!(with.lines().all(|l| !l.ends_with('\r')), "TSV lines end in LF");
    let csv = kbingest(dir.path(), &["export", "ports.db"]).success().output.stdout.clone();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.matches("\r\n").count(), 173, "every CSV line ends in CRLF");
}

#[test]
fn completions_and_the_man_page() {
    let dir = workdir();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = kbingest(dir.path(), &["completions", shell]).success().stdout();
        assert!(out.contains("kbingest") && out.contains("metadata"), "{shell}: {out}");
    }
    kbingest(dir.path(), &["completions", "tcsh"]).expect(2).stderr_has("kbingest completions --help");
    let man = kbingest(dir.path(), &["man"]).success().stdout();
    assert!(man.starts_with(".ie ") || man.contains(".TH kbingest"), "{man}");
    assert!(man.contains("kbingest\\-remove"), "subcommands are listed: {man}");
    kbingest(dir.path(), &["man", "--output-dir", "man1"]).success();
    for page in ["kbingest.1", "kbingest-query.1", "kbingest-remove.1", "kbingest-metadata.1"] {
        let text = std::fs::read_to_string(dir.path().join("man1").join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}: {text}");
    }
}

/// Every man page has EXAMPLES and EXIT STATUS, with the same examples and statuses that
/// `--help` shows after the options.
#[test]
fn man_pages_have_the_examples_and_exit_statuses_of_the_help() {
    let dir = workdir();
    kbingest(dir.path(), &["man", "--output-dir", "man"]).success();
    for entry in std::fs::read_dir(dir.path().join("man")).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let command = file.trim_end_matches(".1").trim_start_matches("kbingest").trim_start_matches('-').to_string();
        assert!(page.contains(".SH EXAMPLES\n") && page.contains(".SH \"EXIT STATUS\"\n"), "{file}");
        let mut args: Vec<&str> = if command.is_empty() { vec![] } else { vec![command.as_str()] };
        args.push("--help");
        let help = kbingest(dir.path(), &args).success().stdout();
        let examples = help.split("Examples:\n").nth(1).unwrap_or_else(|| panic!("{file}: --help has no examples"));
        let (examples, statuses) = examples.split_once("\nExit status:\n").unwrap();
        for line in examples.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let roff = line.trim().replace('\\', "\\e").replace('-', "\\-");
            assert!(page.contains(&format!("\n{roff}\n")), "{file} lacks the example {line:?}");
        }
        for status in statuses.lines().filter(|l| !l.trim().is_empty()) {
            let (code, meaning) = status.trim().split_once("  ").unwrap();
            assert!(
                page.contains(&format!(".TP\n{code}\n{}\n", meaning.replace('-', "\\-"))),
                "{file} lacks {status:?}"
            );
        }
    }
}
