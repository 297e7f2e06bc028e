//! The independent check of the reStructuredText and AsciiDoc readers: each fixture rendered to
//! HTML by docutils (`rst2html5`) and by Asciidoctor, read by kbingest's HTML reader, gives the same
//! port rules (service, transport, ports) as the native reader.
//!
//! docutils is found at `$KBINGEST_RST2HTML` or in `target/docutils-venv` (`.ci/run` installs it
//! there), Asciidoctor at `$KBINGEST_ASCIIDOCTOR` or on the PATH. Without them the test says SKIP on
//! standard error; under `CI` (where `.ci/run` installs them) a missing tool fails it.

use crate::common::*;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const RST: &[(&str, &[&str])] = &[
    ("own/list-table.rst", &[]),
    ("own/csv-table.rst", &[]),
    ("own/grid-table.rst", &[]),
    ("own/simple-table.rst", &[]),
    ("real/openstack-firewalls-default-ports.rst", &[]),
    ("real/cilium-firewall-rules.rst", &["--lenient"]),
];
const ASCIIDOC: &[(&str, &[&str])] = &[
    ("own/ports.adoc", &[]),
    ("real/openshift-network-user-infra.adoc", &[]),
    ("real/infinispan-jgroups-ports.adoc", &[]),
    ("real/infinispan-server-ports.adoc", &[]),
    ("../anomalies/unresolved_attribute.adoc", &[]),
];

/// The tool at `$variable`, else the first of `candidates` that runs; `None` (SKIP) without one,
/// a failure under `CI`.
fn tool(variable: &str, candidates: &[PathBuf], what: &str) -> Option<PathBuf> {
    let found = std::env::var_os(variable).map(PathBuf::from).or_else(|| {
        candidates.iter().find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success())).cloned()
    });
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "{what} is missing under CI: .ci/run installs it");
        let _ = writeln!(
            std::io::stderr(),
            "SKIP {what} cross-check: not found (set {variable}, or run .ci/run, which installs docutils with \
             python3 -m venv target/docutils-venv && target/docutils-venv/bin/pip install docutils, and asciidoctor \
             with apt-get)"
        );
    }
    found
}

fn rules(db: &rusqlite::Connection) -> BTreeSet<String> {
    rows(
        db,
        "SELECT DISTINCT service, coalesce(transport, '-'), coalesce(port_low, '-'), coalesce(port_high, '-') \
         FROM port_rules",
    )
    .into_iter()
    .map(|r| r.join(" | "))
    .collect()
}

/// Renders each page with `render(input, output)` and compares the rules of both readings.
fn cross_check(pages: &[(&str, &[&str])], render: &dyn Fn(&Path, &Path) -> std::process::Output) {
    for (page, extra) in pages {
        let dir = workdir();
        let source = repo_file(&format!("tests/fixtures/formats/{page}"));
        let html = dir.path().join("page.html");
        let output = render(&source, &html);
        assert!(output.status.success(), "{page}: rendering failed: {}", String::from_utf8_lossy(&output.stderr));
        let native = ingest(dir.path(), &source.to_string_lossy(), "native.db", extra);
        let rendered = ingest(dir.path(), &html.to_string_lossy(), "html.db", extra);
        let (native, rendered) = (rules(&native), rules(&rendered));
        assert!(!native.is_empty(), "{page}: no rules");
        assert_eq!(
            native,
            rendered,
            "{page}: only native {:?}, only from HTML {:?}",
            native.difference(&rendered),
            rendered.difference(&native)
        );
    }
}

#[test]
fn docutils_html_gives_the_same_rules_as_the_rst_reader() {
    let venv = repo_file("target/docutils-venv/bin/rst2html5");
    let Some(rst2html) = tool("KBINGEST_RST2HTML", &[venv, "rst2html5".into()], "docutils") else { return };
    cross_check(RST, &|input, output| {
        Command::new(&rst2html).args(["--report=5", "--halt=5"]).arg(input).arg(output).output().unwrap()
    });
}

#[test]
fn asciidoctor_html_gives_the_same_rules_as_the_asciidoc_reader() {
    let Some(asciidoctor) = tool("KBINGEST_ASCIIDOCTOR", &["asciidoctor".into()], "Asciidoctor") else { return };
    cross_check(ASCIIDOC, &|input, output| {
        Command::new(&asciidoctor).args(["--failure-level", "FATAL", "-o"]).arg(output).arg(input).output().unwrap()
    });
}
