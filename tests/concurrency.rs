//! End to end: several kbingest processes loading different sources into one database at the same
//! time all succeed and the result holds every source in full, whether the database exists or
//! they race to create it; a run that created the file and then fails never removes it from
//! under another run.

use crate::common::*;
use std::path::Path;

/// Writes a generated corpus of `sections` sections to `dir/name`; returns its number of rules.
fn corpus_file(dir: &Path, name: &str, sections: u64) -> i64 {
    let (mut text, mut rules) = (String::new(), 0);
    corpus::generate(sections, |t| text.push_str(t), |_| rules += 1);
    std::fs::write(dir.join(name), text).unwrap();
    rules
}

/// Starts one kbingest per input, all into `db`, at once; returns their runs.
fn load_at_once(dir: &Path, inputs: &[&str], db: &str) -> Vec<Run> {
    let args: Vec<Vec<&str>> = inputs.iter().map(|input| vec![*input, "-o", db, "-q", "--strict"]).collect();
    let children: Vec<_> = args.iter().map(|a| spawn(dir, a)).collect();
    children.into_iter().zip(&args).map(|(child, a)| finish(child, a)).collect()
}

fn rules_per_source(db: &Path) -> Vec<Vec<String>> {
    rows(&inspect(db), "SELECT source, count(*) FROM port_rules GROUP BY source ORDER BY source")
}

fn healthy(db: &Path) {
    let conn = inspect(db);
    assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check"), "ok");
    assert_eq!(scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

#[test]
fn two_loads_racing_to_create_a_new_database_both_succeed() {
    let dir = workdir();
    let rules = corpus_file(dir.path(), "a.txt", 1500);
    corpus_file(dir.path(), "b.txt", 1500);
    for round in 0..5 {
        let db = format!("new{round}.db");
        for run in load_at_once(dir.path(), &["a.txt", "b.txt"], &db) {
            run.success();
        }
        let path = dir.path().join(&db);
        let n = rules.to_string();
        assert_eq!(rules_per_source(&path), [["a.txt", n.as_str()], ["b.txt", n.as_str()]], "round {round}");
        healthy(&path);
    }
}

#[test]
fn four_small_loads_racing_to_create_a_new_database_all_succeed() {
    let dir = workdir();
    let names = ["w.txt", "x.txt", "y.txt", "z.txt"];
    for (i, name) in names.iter().enumerate() {
        let port = (8000 + i).to_string();
        std::fs::write(dir.path().join(name), service_doc(name, &[("HTTP", "TCP", &port)])).unwrap();
    }
    for round in 0..5 {
        let db = format!("many{round}.db");
        for run in load_at_once(dir.path(), &names, &db) {
            run.success();
        }
        let got = rules_per_source(&dir.path().join(&db));
        assert_eq!(got, names.map(|n| vec![n.to_string(), "1".to_string()]), "round {round}");
    }
}

#[test]
fn two_loads_into_an_existing_database_both_succeed_beside_what_it_held() {
    let dir = workdir();
    copy_ports(dir.path());
    let rules = corpus_file(dir.path(), "a.txt", 1500).to_string();
    corpus_file(dir.path(), "b.txt", 1500);
    kbingest(dir.path(), &["ports.txt", "-o", "old.db", "-q"]).success();
    for run in load_at_once(dir.path(), &["a.txt", "b.txt"], "old.db") {
        run.success();
    }
    let path = dir.path().join("old.db");
    assert_eq!(rules_per_source(&path), [["a.txt", rules.as_str()], ["b.txt", rules.as_str()], ["ports.txt", "172"]]);
    healthy(&path);
}

#[test]
fn a_creator_that_fails_leaves_the_file_to_a_concurrent_load() {
    let dir = workdir();
    let rules = corpus_file(dir.path(), "good.txt", 1500).to_string();
    std::fs::write(dir.path().join("bad.txt"), service_doc("Bad", &[("A", "TCP", "port")])).unwrap();
    for round in 0..6 {
        let db = format!("shared{round}.db");
        // Alternate who starts first, so that either may be the one that creates the file.
        let inputs = if round % 2 == 0 { ["bad.txt", "good.txt"] } else { ["good.txt", "bad.txt"] };
        let runs = load_at_once(dir.path(), &inputs, &db);
        for (input, run) in inputs.iter().zip(&runs) {
            run.expect(if *input == "bad.txt" { 1 } else { 0 });
        }
        let path = dir.path().join(&db);
        assert_eq!(rules_per_source(&path), [["good.txt", rules.as_str()]], "round {round}");
        healthy(&path);
    }
}
