//! The documentation (README.md and docs/*.md) keeps up with the code: every anomaly kind is in the README, and every
//! command and option has help text.

use crate::common::*;
use clap::CommandFactory;
use kbingest::anomaly::AnomalyKind;
use kbingest::cmd::Cli;

#[test]
fn readme_lists_every_anomaly_kind() {
    let readme = documentation();
    for kind in AnomalyKind::ALL {
        assert!(readme.contains(&format!("| `{}` |", kind.name())), "README.md lacks anomaly kind {}", kind.name());
    }
}

fn check_help(cmd: &clap::Command, path: &str) {
    assert!(cmd.get_about().is_some(), "`{path}` has no help text");
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        assert!(arg.get_help().is_some(), "`{path}` option {id} has no help text");
    }
    for sub in cmd.get_subcommands() {
        check_help(sub, &format!("{path} {}", sub.get_name()));
    }
}

#[test]
fn every_command_and_option_has_help() {
    let cmd = Cli::command();
    cmd.clone().debug_assert();
    check_help(&cmd, "kbingest");
}

#[test]
fn help_and_version_exit_zero_and_bad_usage_two() {
    let dir = workdir();
    let help = kbingest(dir.path(), &["--help"]);
    help.success();
    assert!(help.stdout().contains("--dynamic-range"), "{}", help.stdout());
    kbingest(dir.path(), &["--version"]).success();
    kbingest(dir.path(), &["raw.txt"]).expect(2).stderr_has("--output");
    kbingest(dir.path(), &["x.txt", "-o", "x.db", "--dynamic-range", "9-1"]).expect(2);
}

/// The rows `| `column` | type | meaning |` of the README's table under `heading`.
fn readme_columns(readme: &str, heading: &str) -> Vec<(String, String, String)> {
    let section = readme.split(heading).nth(1).unwrap_or_else(|| panic!("README lacks {heading}"));
    let section = section.split("\n#").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `") && !l.contains("` ... `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_start_matches("| ").trim_end_matches(" |").split(" | ").collect();
            assert_eq!(cells.len(), 3, "{l}");
            (cells[0].trim_matches('`').to_string(), cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

/// The catalog of meanings (which `kbingest metadata` gives Datasette) describes every table, view
/// and column of a database, and the README says word for word what it says.
#[test]
fn readme_catalog_and_database_agree_on_every_table_view_and_column() {
    use kbingest::store::catalog::relation_doc;
    let dir = ports_db();
    let db = open(&dir.path().join("ports.db"));
    let readme = documentation();
    let relations = rows(
        &db,
        "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view') AND name NOT LIKE 'sqlite%'",
    );
    assert!(relations.len() >= 11, "{relations:?}");
    for relation in relations {
        let (name, kind) = (&relation[0], &relation[1]);
        let doc = relation_doc(name).unwrap_or_else(|| panic!("src/store/catalog.rs does not describe {kind} {name}"));
        assert_eq!(doc.is_view, kind == "view", "{name}");
        let columns: Vec<String> = rows_with(&db, "SELECT name FROM pragma_table_info(?1)", [name])
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        for column in &columns {
            assert!(doc.column(column).is_some(), "src/store/catalog.rs does not describe {name}.{column}");
        }
        if doc.is_view {
            let heading = format!("### `{name}`: {}\n", doc.summary);
            // A view that extends another lists only its own columns (after a row saying so).
            let own: Vec<&String> =
                columns.iter().filter(|c| doc.columns.iter().any(|d| d.name == c.as_str())).collect();
            let expected: Vec<(String, String, String)> = own
                .iter()
                .map(|c| doc.column(c).unwrap())
                .map(|c| (c.name.to_string(), c.sql_type.to_string(), c.meaning.to_string()))
                .collect();
            assert_eq!(readme_columns(&readme, &heading), expected, "README's table of {name} and the catalog differ");
        } else {
            let row = format!("| `{name}` | {} |", doc.summary);
            assert!(readme.contains(&row), "README's schema table lacks {row}");
        }
    }
}
