//! The README is true. The transcripts of the README and docs/*.md: every `$ kbingest ...` line in
//! a transcript block is run, in order, in a folder holding `raw/ports.txt` loaded into `ports.db`
//! (as `make` loads it) and the KB 832017 fixture, and what it prints must be what the README shows
//! beneath it. The README's ```sh examples: each runs as written in a fresh clone, and what they
//! leave behind is ignored by git.

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

/// The commands of a ```sh block: comment lines left out, a command continued over lines (an
/// open quote, a trailing backslash) joined into one.
fn sh_commands(block: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        if current.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        current.push_str(line);
        let open_quotes = current.matches('"').count() % 2 == 1 || current.matches('\'').count() % 2 == 1;
        if open_quotes || current.ends_with('\\') {
            current.push('\n');
            continue;
        }
        commands.push(std::mem::take(&mut current));
    }
    assert!(current.is_empty(), "an unfinished command: {current}");
    commands
}

/// The ```sh blocks of a Markdown text, in order.
fn sh_blocks(text: &str) -> Vec<String> {
    text.split("```sh\n").skip(1).map(|rest| rest.split("\n```").next().unwrap().to_string()).collect()
}

/// What a README example needs that the test cannot do here (the build, a Python package, a
/// server), with what stands in for it.
const NOT_RUN_HERE: [(&str, &str); 5] = [
    ("make install", "installs into the home folder"),
    ("make ", "the test binary is what `make` builds; the test loads raw/ports.txt as `make` does"),
    ("export PATH=", "the test puts the binary's folder first on PATH"),
    ("python3 -m venv target/datasette-venv", "tests/datasette.rs runs Datasette"),
    ("target/datasette-venv/bin/datasette", "a server; tests/datasette.rs runs it"),
];

/// Every example of the README runs as written, in order, in a fresh clone after `make` (the
/// repository's files, committed to a new git repository), with `kbingest` on PATH; and what they
/// leave behind is covered by `.gitignore`.
#[test]
fn every_readme_example_runs_on_a_fresh_clone() {
    let Some(git) = tool_or_skip(
        find_tool("KBINGEST_GIT", &["/usr/bin/git", "/usr/local/bin/git"]),
        "README examples",
        "no git to make a clone",
    ) else {
        return;
    };
    let dir = workdir();
    let clone = dir.path();
    copy_tree(&repo_file("raw"), &clone.join("raw"));
    copy_tree(&repo_file("tests/fixtures"), &clone.join("tests/fixtures"));
    std::fs::copy(repo_file(".gitignore"), clone.join(".gitignore")).unwrap();
    let run_git = |args: &[&str]| {
        let out = std::process::Command::new(&git)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(clone)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run_git(&["init", "-q"]);
    run_git(&["add", "-A"]);
    run_git(&["commit", "-q", "-m", "clone"]);
    kbingest(clone, &["raw/ports.txt", "-o", "ports.db", "-q"]).success(); // what `make` does

    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_kbingest")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
    let mut ran = Vec::new();
    for block in sh_blocks(&readme) {
        for command in sh_commands(&block) {
            if let Some((_, why)) = NOT_RUN_HERE.iter().find(|(start, _)| command.starts_with(start)) {
                let _ = why;
                continue;
            }
            assert!(
                command.starts_with("kbingest ") || command.starts_with("cat "),
                "a README example that is not kbingest: {command}"
            );
            let out = std::process::Command::new("sh")
                .args(["-c", &command])
                .current_dir(clone)
                .env("PATH", &path)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "README example `{command}` failed: {:?}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran.push(command);
        }
    }
    assert!(ran.len() >= 15, "{ran:#?}");
    for needed in [
        "kbingest ports ports.db \"Active Directory\"",
        "iana-service-names-port-numbers.csv -o ports.db",
        "kbingest who ports.db",
        "kbingest report",
        "kbingest export ports.db --all -o bi/",
    ] {
        assert!(ran.iter().any(|c| c.contains(needed)), "no README example ran {needed}");
    }
    let left = run_git(&["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(left, "", "the README's examples leave files that .gitignore does not cover");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn sh_commands_join_continued_lines_and_leave_out_comments() {
    let block =
        "# a comment\nkbingest a  # and a note\nkbingest query db \"SELECT 1\n  FROM x\"\n\nkbingest b \\\n  -q\n";
    assert_eq!(
        sh_commands(block),
        ["kbingest a  # and a note", "kbingest query db \"SELECT 1\n  FROM x\"", "kbingest b \\\n  -q"]
    );
}
