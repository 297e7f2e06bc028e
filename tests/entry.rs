//! Mistakes at the door get a message that says what to do: `kbingest` alone, a mistyped command,
//! a database given as a document, and a database named like a CSV or JSON file.

use crate::common::*;

#[test]
fn no_arguments_prints_the_help() {
    let dir = workdir();
    let run = kbingest(dir.path(), &[]);
    run.expect(2);
    for words in ["Usage: kbingest", "ports", "who", "export", "--output"] {
        assert!(run.stderr().contains(words), "help lacks {words}:\n{}", run.stderr());
    }
    assert!(!run.stderr().contains("required arguments were not provided"), "{}", run.stderr());
}

#[test]
fn a_mistyped_command_is_asked_about_unless_a_file_has_its_name() {
    let dir = ports_db();
    kbingest(dir.path(), &["qurey", "ports.db", "SELECT 1"])
        .expect(2)
        .stderr_has("`qurey` is not a command, and there is no file of that name here; did you mean `kbingest query`?");
    kbingest(dir.path(), &["firewal", "ports.db"]).expect(2).stderr_has("did you mean `kbingest firewall`?");
    // A file called like a command is an input, as always.
    std::fs::write(dir.path().join("qurey"), service_doc("Q", &[("RPC", "TCP", "135")])).unwrap();
    kbingest(dir.path(), &["qurey", "-o", "q.db", "-q"]).success();
}

#[test]
fn a_database_given_as_a_document_is_named_as_one() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["ports.db", "-o", "other.db"]);
    run.expect(1)
        .stderr_has("ports.db: this is a database (an SQLite file), not a document; did you mean -o ports.db?");
    assert!(!run.stderr().contains("not valid UTF-8"), "{}", run.stderr());
    assert!(!dir.path().join("other.db").exists(), "nothing was created");
}

#[test]
fn an_output_named_like_an_export_file_warns_and_names_export() {
    let dir = workdir();
    copy_ports(dir.path());
    for name in ["new.csv", "new.json"] {
        let run = kbingest(dir.path(), &["ports.txt", "-o", name]);
        run.success().stderr_has(&format!("warning: -o {name} names the SQLite database to load into"));
        run.stderr_has(&format!("`kbingest export ports.db -o {name}`"));
    }
    let plain = kbingest(dir.path(), &["ports.txt", "-o", "ports.db"]);
    assert!(!plain.success().stderr().contains("warning"), "{}", plain.stderr());
}
