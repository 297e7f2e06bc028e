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
