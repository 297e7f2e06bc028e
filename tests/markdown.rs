//! End to end: `--format markdown` of `export` and `query`, the one writer's GitHub table.

use crate::common::*;

#[test]
fn query_writes_a_github_table() {
    let dir = ports_db();
    let sql = "SELECT service, system_service_name, port_low FROM port_rules \
               WHERE system_service_name IN ('DNS', 'aspnet_state') ORDER BY service, port_low, transport";
    let run = kbingest(dir.path(), &["query", "ports.db", sql, "--format", "markdown"]);
    assert_eq!(
        run.success().stdout(),
        "| service | system\\_service\\_name | port\\_low |\n\
         | --- | --- | --- |\n\
         | ASP.NET State Service | aspnet\\_state | 42424 |\n\
         | DNS Server | DNS | 53 |\n\
         | DNS Server | DNS | 53 |\n"
    );
}

#[test]
fn export_writes_every_row_and_refuses_spreadsheet_options() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["export", "ports.db", "--format", "markdown", "-o", "rules.md"]);
    run.success().stderr_has("port_rules: 172 rows -> rules.md");
    let table = std::fs::read_to_string(dir.path().join("rules.md")).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + 172, "a header, a delimiter row and one line per rule");
    assert!(lines[0].starts_with("| source | service | system\\_service\\_name |"), "{}", lines[0]);
    let columns = lines[0].matches(" | ").count();
    assert!(lines.iter().all(|l| l.starts_with("| ") && l.ends_with(" |")));
    // A `|` inside a cell is escaped, so every line has as many cell separators as the header.
    assert!(lines.iter().all(|l| l.replace("\\|", "").matches(" | ").count() == columns), "{table}");
    kbingest(dir.path(), &["export", "ports.db", "--format", "markdown", "--bom"]).expect(2).stderr_has("Markdown");
}
