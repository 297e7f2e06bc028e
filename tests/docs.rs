//! The documentation keeps up with the code: every anomaly kind is in the README, and every
//! command and option has help text.

mod common;
use clap::CommandFactory;
use common::*;
use kbingest::anomaly::AnomalyKind;
use kbingest::cmd::Cli;

#[test]
fn readme_lists_every_anomaly_kind() {
    let readme = std::fs::read_to_string(repo_file("README.md")).unwrap();
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
