//! A document that is none of the formats kbingest reads, or holds no port table, is refused with
//! a message saying what was expected; never a silent success with zero rows.

use crate::common::*;

/// Runs kbingest on a document holding `bytes` and checks it is refused with each of `messages`,
/// leaving no database behind.
fn refused(name: &str, bytes: &[u8], extra: &[&str], messages: &[&str]) {
    let dir = workdir();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let mut args = vec![name, "-o", "x.db"];
    args.extend(extra);
    let run = kbingest(dir.path(), &args);
    run.expect(1);
    for message in messages {
        run.stderr_has(message);
    }
    assert!(!dir.path().join("x.db").exists(), "{name}: a refused ingest left a database behind");
}

#[test]
fn a_document_of_no_known_format_is_refused() {
    refused(
        "ports.json",
        br#"{"services": [{"name": "DNS", "ports": [53]}]}"#,
        &[],
        &["ports.json: holds no port table (read as text, UTF-8)", "expected service sections with a table headed"],
    );
    refused("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &[], &["logo.png:3: binary data"]);
    refused("empty.txt", b"", &[], &["empty.txt: is empty: expected a document with port tables"]);
}

#[test]
fn a_page_or_markdown_without_a_port_table_is_refused() {
    let page = b"<!DOCTYPE html><html><body><h1>Shop</h1>\n<table><tr><th>Item</th><th>Price</th></tr>\n\
                 <tr><td>Tea</td><td>3</td></tr></table></body></html>";
    refused(
        "shop.html",
        page,
        &[],
        &["shop.html: holds no port table (read as html, UTF-8)", "a <table> whose header row names its ports"],
    );
    let summary_only = b"# Ports\n\n|Port|Protocol|Application protocol|System service name|\n|---|---|---|---|\n|53|UDP|DNS|DNS Server|\n";
    refused(
        "summary.md",
        summary_only,
        &[],
        &["summary.md: holds no port table (read as markdown, UTF-8)", "a pipe table whose header names its ports"],
    );
}

#[test]
fn a_wrong_format_override_is_refused_not_loaded_empty() {
    let text = std::fs::read(repo_file("raw/ports.txt")).unwrap();
    refused(
        "ports.txt",
        &text,
        &["--format", "markdown"],
        &["holds no port table (read as markdown, UTF-8)", "pass --format"],
    );
    refused("ports.txt", &text, &["--format", "html"], &["holds no port table (read as html, UTF-8)"]);
}
