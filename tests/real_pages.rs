//! Real port-reference pages (`tests/fixtures/real/`, see its README): each loads with default
//! options; every row of its port tables is in `port_rules` or `anomalies` at its line; every key
//! row the reference names (and each of its values) is in `port_rules` at that line with that
//! transport and ports. (One small page per table shape: `tests/table_shapes.rs`.)

use crate::common::*;
use serde_json::Value;

const PAGES: &[&str] = &[
    "configmgr-ports",
    "exchange-network-ports",
    "kubernetes-ports",
    "kubesphere-ports",
    "mdi-sensor-prerequisites",
    "skype-server-ports",
];

/// Key rows whose reference asks for something no reader should give, each with the reason.
const KNOWN_GAPS: &[(&str, u64, &str)] = &[(
    "mdi-sensor-prerequisites",
    70,
    "a label row (`**Internet ports**| | | | |`): no port of its own; ledgered as label_row, no rule",
)];

fn load(dir: &std::path::Path, page: &str) -> rusqlite::Connection {
    ingest(dir, &format!("tests/fixtures/real/{page}.md"), &format!("{page}.db"), &[])
}

fn reference(page: &str) -> Value {
    let text = std::fs::read_to_string(repo_file(&format!("tests/fixtures/real/{page}.ref.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The rules at lines `low..=high`: transport (or `NULL`), first and last port (or `NULL`).
fn rules_at(db: &rusqlite::Connection, low: u64, high: u64) -> Vec<[String; 3]> {
    rows(
        db,
        &format!("SELECT transport, port_low, port_high FROM port_rules WHERE source_line BETWEEN {low} AND {high}"),
    )
    .into_iter()
    .map(|r| [r[0].clone(), r[1].clone(), r[2].clone()])
    .collect()
}

/// Whether `rules` hold the reference's value: `TCP+UDP` means both, `unspecified` a NULL transport,
/// null ports any port (an unstated dynamic range, or none).
fn holds(rules: &[[String; 3]], transport: &str, low: &Value, high: &Value) -> bool {
    let port = |v: &Value| v.as_u64().map_or("NULL".to_string(), |n| n.to_string());
    let one = |t: &str| {
        rules.iter().any(|r| {
            let transport_ok = match t {
                "unspecified" => r[0] == "NULL",
                "IPENCAP / IPIP" => true,
                t => r[0].eq_ignore_ascii_case(t),
            };
            transport_ok && (low.is_null() || (r[1] == port(low) && r[2] == port(high)))
        })
    };
    match transport {
        "TCP+UDP" => one("TCP") && one("UDP"),
        t => one(t),
    }
}

#[test]
fn every_page_loads_and_accounts_for_every_row() {
    for page in PAGES {
        let dir = workdir();
        let db = load(dir.path(), page);
        let lines: std::collections::BTreeSet<String> =
            rows(&db, "SELECT source_line FROM port_rules UNION SELECT source_line FROM anomalies")
                .into_iter()
                .map(|r| r[0].clone())
                .collect();
        let reference = reference(page);
        for line in reference["port_rows"].as_array().unwrap() {
            assert!(lines.contains(&line.to_string()), "{page}.md:{line}: row neither loaded nor ledgered");
        }
    }
}

#[test]
fn every_key_row_is_read_right() {
    for page in PAGES {
        let dir = workdir();
        let db = load(dir.path(), page);
        for key in reference(page)["key_rows"].as_array().unwrap() {
            let line = key["line"].as_u64().unwrap();
            if KNOWN_GAPS.iter().any(|(p, l, _)| p == page && *l == line) {
                continue;
            }
            let last = key["cell_line"].as_u64().unwrap_or(line).max(line);
            let rules = rules_at(&db, line, last);
            let single =
                [Value::Array(vec![key["transport"].clone(), key["port_low"].clone(), key["port_high"].clone()])];
            let values = key["values"].as_array().map_or(&single[..], |v| &v[..]);
            for value in values {
                let transport = value[0].as_str().unwrap_or("unspecified");
                assert!(
                    holds(&rules, transport, &value[1], &value[2]),
                    "{page}.md:{line}: expected {value} ({}), found {rules:?}",
                    key["note"]
                );
            }
        }
    }
}

#[test]
fn known_gaps_are_still_what_they_say() {
    for (page, line, _) in KNOWN_GAPS {
        let dir = workdir();
        let db = load(dir.path(), page);
        assert!(rules_at(&db, *line, *line).is_empty(), "{page}.md:{line} now has a rule: drop the gap");
        assert_eq!(
            scalar::<String>(&db, &format!("SELECT kind FROM anomalies WHERE source_line = {line}")),
            "label_row"
        );
    }
}

#[test]
fn each_page_rendered_to_html_loads_the_same_rules() {
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    for page in PAGES {
        let dir = workdir();
        let markdown = std::fs::read_to_string(repo_file(&format!("tests/fixtures/real/{page}.md"))).unwrap();
        // A saved page has a <title>: the front matter's.
        let title = markdown.lines().find_map(|l| l.strip_prefix("title:")).unwrap_or("").trim();
        let mut html =
            format!("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n");
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&markdown, options));
        html.push_str("</body></html>\n");
        std::fs::write(dir.path().join("page.html"), &html).unwrap();
        std::fs::write(dir.path().join("page.md"), &markdown).unwrap();
        kbingest(dir.path(), &["page.md", "page.html", "-o", "both.db", "-q"]).success();
        let db = open(&dir.path().join("both.db"));
        let rules = |source: &str| {
            rows(
                &db,
                &format!(
                    "SELECT application_protocol, coalesce(transport, '-'), port_low, port_high FROM port_rules
                     WHERE source = '{source}' ORDER BY 1, 2, 3, 4"
                ),
            )
        };
        let from_markdown = rules("page.md");
        assert!(!from_markdown.is_empty());
        assert_eq!(rules("page.html"), from_markdown, "{page}");
    }
}

#[test]
fn ip_in_ip_is_a_transport_of_its_own() {
    // KubeSphere's Calico row `|ipip|IPENCAP / IPIP| | |`: IP protocol 4, no ports, not "unspecified".
    let dir = workdir();
    let db = load(dir.path(), "kubesphere-ports");
    let rule = rows(&db, "SELECT transport, ip_protocol, port_kind FROM port_rules WHERE source_line = 27");
    assert_eq!(rule, [["IPIP", "4", "none"]]);
    let kinds = rows(&db, "SELECT kind FROM anomalies WHERE source_line = 27 ORDER BY kind");
    assert_eq!(kinds, [["no_port"], ["transport_case"]]);
    let nft = kbingest(dir.path(), &["firewall", "kubesphere-ports.db", "--service", "Port Requirements"]);
    assert!(nft.success().stdout().contains("meta l4proto 4 accept"), "{}", nft.stdout());
}
