//! The transcripts of the README and docs/*.md are true: every `$ kbingest ...` line in a transcript block is run, in
//! order, in a folder holding `raw/ports.txt` loaded into `ports.db` (as `make` loads it) and the
//! KB 832017 fixture, and what it prints must be what the README shows beneath it.

use crate::common::*;
use std::path::PathBuf;

/// Splits a command line as a POSIX shell would for the quoting the README uses ('...', "...").
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => (quote, started) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (_, c) => (word.push(c), started = true).1,
        }
    }
    assert!(quote.is_none(), "unbalanced quotes in {line}");
    if started {
        words.push(word);
    }
    words
}

/// (command line, expected output) for every `$ kbingest` line of a transcript block.
fn transcripts(readme: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    // Inside a fence, and whether it is a plain one (transcripts) rather than ```sh and the like.
    let (mut in_fence, mut in_block, mut current) = (false, false, None);
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_fence && line == "```";
            in_fence = !in_fence;
            current = None;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            found.push((command.to_string(), String::new()));
            current = Some(found.len() - 1);
        } else if let Some((_, expected)) = current.map(|i| &mut found[i])
            && !line.is_empty()
        {
            expected.push_str(line);
            expected.push('\n');
        }
    }
    found
}

#[test]
fn every_readme_transcript_prints_what_it_shows() {
    let dir = workdir();
    std::fs::create_dir_all(dir.path().join("raw")).unwrap();
    std::fs::create_dir_all(dir.path().join("tests/fixtures")).unwrap();
    std::fs::copy(repo_file("raw/ports.txt"), dir.path().join("raw/ports.txt")).unwrap();
    let kb = "tests/fixtures/kb832017-2020-09.md";
    std::fs::copy(repo_file(kb), dir.path().join(kb)).unwrap();
    // The rule sets the review examples read.
    std::fs::create_dir_all(dir.path().join("tests/fixtures/review")).unwrap();
    for review in ["tests/fixtures/review/dc-nft.json", "tests/fixtures/review/windows-dc.json"] {
        std::fs::copy(repo_file(review), dir.path().join(review)).unwrap();
    }
    kbingest(dir.path(), &["raw/ports.txt", "-o", "ports.db", "-q"]).success();
    // The two editions side by side, as the README's comparison section loads them.
    kbingest(dir.path(), &["raw/ports.txt", "-o", "both.db", "--source-name", "2003", "-q"]).success();
    kbingest(dir.path(), &[kb, "-o", "both.db", "--source-name", "2020", "-q"]).success();
    // The README's transcripts first, then those of docs/*.md, each file blessed on its own.
    let files: Vec<(PathBuf, String)> =
        doc_files().into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect();
    let all: Vec<Vec<(String, String)>> = files.iter().map(|(_, text)| transcripts(text)).collect();
    let count: usize = all.iter().map(Vec::len).sum();
    assert!(count >= 12, "{count} transcripts");
    let bless_them = std::env::var_os("KBINGEST_BLESS").is_some();
    for ((path, text), file_transcripts) in files.iter().zip(all) {
        let mut outputs = Vec::new();
        for (command, expected) in file_transcripts {
            let words = shell_words(&command);
            assert_eq!(words[0], "kbingest", "{command}");
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let run = kbingest(dir.path(), &args);
            assert_ne!(run.code(), 101, "{command} panicked");
            // Blank lines are not shown apart in the README, and CSV's CR is invisible there.
            let printed: String = format!("{}{}", run.stdout(), run.stderr())
                .replace('\r', "")
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| format!("{l}\n"))
                .collect();
            if bless_them {
                outputs.push(printed);
            } else {
                assert_eq!(printed, expected, "{} transcript of `{command}`", path.display());
            }
        }
        if bless_them {
            std::fs::write(path, bless(text, &outputs)).unwrap();
        }
    }
}

/// The README with each transcript's output replaced by what the command printed (in order), for
/// `KBINGEST_BLESS=1 cargo test --test readme` after a change that alters them; read the diff.
fn bless(readme: &str, outputs: &[String]) -> String {
    let mut out = String::new();
    let (mut in_fence, mut in_block, mut skipping, mut next) = (false, false, false, 0);
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_fence && line == "```";
            in_fence = !in_fence;
            skipping = false;
        } else if in_block && line.starts_with("$ ") {
            out.push_str(line);
            out.push('\n');
            out.push_str(&outputs[next]);
            next += 1;
            skipping = true;
            continue;
        } else if skipping && !line.is_empty() {
            continue;
        } else if skipping {
            skipping = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn shell_words_split_as_the_shell_does() {
    assert_eq!(
        shell_words(r#"query db "SELECT 'a'" -p w '"x y" OR z'"#),
        ["query", "db", "SELECT 'a'", "-p", "w", "\"x y\" OR z"]
    );
    assert_eq!(shell_words("a  ''"), ["a", ""]);
}

/// The README's Use block runs, line by line in order, on a fresh clone after `make`, and loads
/// nothing twice.
#[test]
fn the_use_block_runs_in_order_after_make() {
    let dir = workdir();
    std::fs::create_dir_all(dir.path().join("raw")).unwrap();
    std::fs::copy(repo_file("raw/ports.txt"), dir.path().join("raw/ports.txt")).unwrap();
    kbingest(dir.path(), &["raw/ports.txt", "-o", "ports.db", "-q"]).success(); // what `make` does
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let block =
        readme.split("\n## Use\n").nth(1).unwrap().split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
    let mut ran = 0;
    for line in block.lines() {
        let command = line.split(" # ").next().unwrap().trim();
        let (command, redirect) = match command.split_once(" > ") {
            Some((command, file)) => (command, Some(file.trim())),
            None => (command, None),
        };
        let words = shell_words(command);
        assert_eq!(words[0], "kbingest", "{line}");
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let run = kbingest(dir.path(), &args);
        run.success();
        if let Some(file) = redirect {
            std::fs::write(dir.path().join(file), &run.output.stdout).unwrap();
        }
        ran += 1;
    }
    assert!(ran >= 5, "{block}");
    assert_eq!(scalar::<i64>(&open(&dir.path().join("ports.db")), "SELECT count(*) FROM sources"), 1, "no double load");
    let csv = std::fs::read_to_string(dir.path().join("port_rules.csv")).unwrap();
    assert_eq!(csv.lines().count(), 173);
}
