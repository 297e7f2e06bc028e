//! The progress bar is for terminals only: a large load with standard error piped (scripts, CI)
//! prints the summary and nothing else.

use crate::common::*;

#[test]
fn a_large_load_into_a_pipe_prints_no_progress_bar() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(30_000, |t| text.push_str(t), |_| {});
    assert!(text.len() > 8 << 20, "the input must be large enough for a bar: {} bytes", text.len());
    std::fs::write(dir.path().join("large.txt"), &text).unwrap();
    let run = kbingest(dir.path(), &["large.txt", "-o", "l.db"]);
    run.success();
    let stderr = run.stderr();
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "terminal control in {stderr:?}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("30000 services"), "{stderr}");
    let quiet = kbingest(dir.path(), &["large.txt", "-o", "l.db", "-q"]);
    quiet.success();
    assert_eq!(quiet.stderr(), "");
}

/// Runs `command` under `script`, which gives it a terminal, and returns all it drew.
fn on_a_terminal(dir: &std::path::Path, command: &str) -> Option<String> {
    let script = tool_or_skip(
        find_tool("KBINGEST_SCRIPT", &["/usr/bin/script"]),
        "progress on a terminal",
        "no `script` (util-linux) to give kbingest a terminal",
    )?;
    let log = dir.join("terminal.log");
    let status = std::process::Command::new(script)
        .args(["-q", "-e", "-c", command])
        .arg(&log)
        .current_dir(dir)
        .env("COLUMNS", "120")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("script runs");
    assert!(status.success(), "{command}: {status:?}\n{}", std::fs::read_to_string(&log).unwrap_or_default());
    Some(String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned())
}

/// On a terminal, standard input (no size) gets no total, and the end of a large load names
/// its stages while it builds the indexes and commits.
#[test]
fn standard_input_has_no_fake_total_and_the_end_names_its_stages() {
    let dir = workdir();
    let mut text = String::new();
    corpus::generate(30_000, |t| text.push_str(t), |_| {});
    std::fs::write(dir.path().join("large.txt"), &text).unwrap();
    let binary = env!("CARGO_BIN_EXE_kbingest");
    let Some(drawn) = on_a_terminal(dir.path(), &format!("'{binary}' - -o s.db --source-name stdin < large.txt"))
    else {
        return;
    };
    assert!(drawn.contains("30000 services"), "{drawn}");
    assert!(drawn.contains(" read, "), "the bar of an input without a size: {drawn:?}");
    assert!(drawn.contains("standard input"), "{drawn:?}");
    assert!(!drawn.contains("/0 B"), "a total of 0 B: {drawn:?}");
    // (The bar redraws at most 20 times a second, so a stage shorter than that may not show:
    // these two take seconds on a load this large; `committing` may pass unseen.)
    for stage in ["indexing", "search index"] {
        assert!(drawn.contains(stage), "stage {stage} not shown: {drawn:?}");
    }
    // A file of known size keeps its total.
    let drawn = on_a_terminal(dir.path(), &format!("'{binary}' large.txt -o f.db")).unwrap();
    assert!(drawn.contains(" MiB/"), "{drawn:?}");
}
