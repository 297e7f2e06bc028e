//! `kbingest report`: one self-contained HTML page, checked as a file (nothing loaded from
//! elsewhere, the document's lines and changes in it) and in a real headless Chromium (Debian's
//! `chromium`, which `.ci/run` installs): it loads with no console message at all (the page has no
//! script, and a resource that failed to load would say so there), and its screenshot is not blank.
//! Without Chromium the browser test says SKIP, and fails when `CI` is set.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Both editions in `both.db`, as `2003` and `2020`.
fn both_editions() -> tempfile::TempDir {
    let dir = workdir();
    ingest(dir.path(), "raw/ports.txt", "both.db", &["--source-name", "2003"]);
    ingest(dir.path(), "tests/fixtures/kb832017-2020-09.md", "both.db", &["--source-name", "2020"]);
    dir
}

fn report(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["report", "both.db"];
    all.extend(args);
    kbingest(dir, &all).success();
    std::fs::read_to_string(dir.join(args[args.iter().position(|a| *a == "-o").unwrap() + 1])).unwrap()
}

#[test]
fn the_page_holds_services_lines_anomalies_and_coloured_changes_and_nothing_from_elsewhere() {
    let dir = both_editions();
    let html = report(dir.path(), &["--source", "2003", "--source", "2020", "-o", "report.html"]);
    for banned in ["<script", "<link", "<iframe", "<img", "src=", "@import", "url(", "http-equiv"] {
        assert!(!html.to_lowercase().contains(banned), "the page holds {banned}");
    }
    // Links lead within the page only (a document's own words may name an address: as text).
    let links: Vec<&str> = html.split("href=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
    assert!(!links.is_empty() && links.iter().all(|l| l.starts_with('#')), "{links:?}");
    assert_eq!(html.matches("<svg").count(), 2, "a port map per source");
    // A service with its rules and lines, from the 2003 text.
    assert!(html.contains(
        "Local Security Authority <span class=\"muted\">(LSASS)</span> <span class=\"muted\">rules from line 368</span>"
    ));
    assert!(html.contains(
        "<tr><td>TCP</td><td class=\"num\">389</td><td>fixed</td><td>LDAP Server</td><td class=\"num\">380</td></tr>"
    ));
    assert!(html.contains("<title>TCP 1025-5000 Randomly allocated high TCP ports (dynamic), line 371</title>"));
    // The anomalies with their lines.
    assert!(html.contains("<code>transport_typo</code>"), "the UPD typo");
    assert!(html.contains("<td class=\"num\">765</td><td><code>transport_typo</code>"));
    // What changed, coloured.
    assert!(html.contains("<h2 id=\"changes\">What changed: 2003 &rarr; 2020</h2>"));
    assert!(html.contains("<span class=\"added\">101 added</span>"), "the counts of `kbingest diff`");
    for change in ["added", "removed", "changed"] {
        assert!(html.contains(&format!("<tr class=\"{change}\">")), "{change} rows");
    }
    // One source: no changes section.
    let one = report(dir.path(), &["--source", "2003", "-o", "one.html"]);
    assert!(!one.contains("id=\"changes\"") && one.matches("<svg").count() == 1);
    kbingest(dir.path(), &["report", "both.db", "--source", "1999", "-o", "x.html"])
        .expect(1)
        .stderr_has("has no source named `1999`");
    assert!(!dir.path().join("x.html").exists());
}

fn chromium() -> Option<PathBuf> {
    tool_or_skip(
        find_tool("KBINGEST_CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"]),
        "report in headless Chromium",
        "no chromium (set KBINGEST_CHROMIUM, or run .ci/run, which installs Debian's chromium with apt-get)",
    )
}

/// Opens `page` in a fresh headless Chromium, takes a screenshot, and returns its standard error
/// (where `--enable-logging=stderr` puts every console message as `INFO:CONSOLE`).
fn open_in_chromium(chromium: &Path, dir: &Path, page: &Path, screenshot: &Path) -> String {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .env("HOME", dir)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "chromium failed: {:?}\n{stderr}", output.status);
    stderr
}

/// Distinct colours of a PNG, counted on a grid of pixels.
fn colours(png_file: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_file).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for y in (0..info.height as usize).step_by(3) {
        for x in (0..info.width as usize).step_by(3) {
            let at = (y * info.width as usize + x) * channels;
            seen.insert(pixels[at..at + channels.min(3)].to_vec());
        }
    }
    seen.len()
}

#[test]
fn the_page_opens_in_headless_chromium_with_no_console_message_and_is_not_blank() {
    let Some(chromium) = chromium() else { return };
    let dir = both_editions();
    report(dir.path(), &["--source", "2003", "--source", "2020", "-o", "report.html"]);
    // The capture works: a page that writes to the console and fails is seen to.
    let control = dir.path().join("control.html");
    std::fs::write(&control, "<!DOCTYPE html><p>x</p><script>console.error('control-error'); nothing();</script>")
        .unwrap();
    let logged = open_in_chromium(&chromium, dir.path(), &control, &dir.path().join("control.png"));
    assert!(logged.contains("INFO:CONSOLE") && logged.contains("control-error"), "console not captured:\n{logged}");

    let shot = dir.path().join("report.png");
    let logged = open_in_chromium(&chromium, dir.path(), &dir.path().join("report.html"), &shot);
    let console: Vec<&str> = logged.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the report wrote to the console: {console:#?}");
    let blank = colours(&dir.path().join("control.png"));
    let drawn = colours(&shot);
    // Text, the map's TCP blue and UDP orange, shaded parts, coloured rows: far more than a blank page.
    assert!(drawn > 50 && drawn > blank, "the screenshot looks blank: {drawn} colours (a near-empty page: {blank})");
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("chromium opened the report: no console message, screenshot with {drawn} colours\n").as_bytes(),
    );
}
