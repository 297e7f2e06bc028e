//! Each command's examples and the exit statuses, written once: `--help` shows them after the
//! options, and the man pages have them as EXAMPLES and EXIT STATUS.

use clap::Command;

/// One example: what it does, and the command line.
pub type Example = (&'static str, &'static str);

/// The examples of the command `name` (`kbingest` for the tool itself).
pub fn examples(name: &str) -> &'static [Example] {
    match name {
        "kbingest" => &[
            ("Load the 2003 article into a database", "kbingest raw/ports.txt -o ports.db"),
            ("The ports a domain controller needs", "kbingest ports ports.db \"Active Directory\""),
            ("Who uses port 135", "kbingest who ports.db 135"),
            ("Firewall rules for DNS", "kbingest firewall ports.db --service \"DNS Server\""),
            ("Every table and view as CSV, for a BI tool", "kbingest export ports.db --all -o bi/"),
        ],
        "ingest" => &[
            ("Load a document (the same as the bare form)", "kbingest ingest raw/ports.txt -o ports.db"),
            (
                "Two editions side by side, under names of your choosing",
                "kbingest raw/ports.txt -o both.db --source-name 2003",
            ),
            (
                "A port registry beside the documents",
                "kbingest tests/fixtures/registries/iana-service-names-port-numbers.csv -o ports.db",
            ),
        ],
        "check" => &[
            ("What a page would load, and its anomalies", "kbingest check raw/ports.txt"),
            (
                "A docs repository's CI: fail on a row that cannot be read",
                "kbingest check docs/ports/*.md --strict --output-format markdown",
            ),
            ("The anomalies as JSON Lines for a script", "kbingest check page.html --output-format jsonl -q"),
        ],
        "export" => &[
            ("port_rules as CSV on standard output", "kbingest export ports.db > port_rules.csv"),
            ("For Excel", "kbingest export ports.db --bom --excel-safe -o port_rules.csv"),
            ("Every table and view into a folder", "kbingest export ports.db --all -o bi/"),
            ("row_cells as JSON objects", "kbingest export ports.db --format jsonl --json-cols"),
        ],
        "query" => &[
            (
                "Ask in SQL",
                "kbingest query ports.db \"SELECT service, port_low FROM port_rules WHERE transport = 'UDP'\"",
            ),
            ("A value for a script", "kbingest query ports.db \"SELECT count(*) FROM port_rules\" --raw"),
            (
                "A parameter kept out of the SQL",
                "kbingest query ports.db \"SELECT * FROM port_rules WHERE port_low = :p\" -p p 135",
            ),
            (
                "Into a file, written whole",
                "kbingest query ports.db \"SELECT * FROM anomalies\" --format csv -o anomalies.csv",
            ),
        ],
        "diff" => &[
            ("What changed between two editions", "kbingest diff both.db 2003 2020"),
            (
                "A report for a change ticket",
                "kbingest diff both.db 2003 2020 --changes-only --format markdown -o changes.md",
            ),
        ],
        "firewall" => &[
            ("nftables rules for DNS", "kbingest firewall ports.db --service \"DNS Server\""),
            (
                "A domain controller, for Windows Firewall",
                "kbingest firewall ports.db --name LSASS --name Kdc --name DNS --format powershell",
            ),
            (
                "A default deny for IPv6 (and --format iptables for IPv4) that keeps SSH open",
                "kbingest firewall ports.db --name DNS --policy drop --keep-port 22/tcp --format ip6tables",
            ),
            (
                "A Linux gateway in front of the servers",
                "kbingest firewall ports.db --name DNS --chain forward --to 10.0.2.0/24",
            ),
        ],
        "review" => &[
            (
                "A domain controller's live rules (nft -j list ruleset > rules.json) against the documents",
                "kbingest review ports.db rules.json --name LSASS --name Kdc --name DNS --name Netlogon",
            ),
            (
                "Only what needs looking at, for a ticket",
                "kbingest review ports.db rules.txt --name DNS --findings-only --format markdown",
            ),
            (
                "In a script: exit status 1 on any finding",
                "kbingest review ports.db rules.json --name DNS --exit-code -q",
            ),
            (
                "Windows Firewall (the PowerShell export of docs/review.md), a host in its domain",
                "kbingest review ports.db firewall-rules.json --name LSASS --profile domain",
            ),
            (
                "A gateway's forward chains, for one server behind it",
                "kbingest review ports.db rules.json --name DNS --to 10.0.2.5",
            ),
        ],
        "ports" => &[
            ("The ports of a role, as people call it", "kbingest ports ports.db \"Active Directory\""),
            (
                "By title, system service name or application protocol",
                "kbingest ports ports.db \"DNS Server\" Kdc LDAP",
            ),
            ("As rows for a script, best match first", "kbingest ports ports.db \"remote desktop\" --format json"),
        ],
        "who" => &[
            ("Every documented service on port 135", "kbingest who ports.db 135"),
            ("One transport, several ports", "kbingest who ports.db 53/udp 88/tcp 389"),
            ("As rows for a script", "kbingest who ports.db 3389 --format csv"),
        ],
        "report" => &[
            ("A page to look at", "kbingest report ports.db -o report.html"),
            (
                "Two editions and what changed between them",
                "kbingest report both.db --source 2003 --source 2020 -o changes.html",
            ),
        ],
        "sources" => &[("What the database holds", "kbingest sources ports.db")],
        "remove" => &[("Remove a source and everything loaded from it", "kbingest remove ports.db raw/ports.txt")],
        "tables" => &[("The tables and views, with their rows", "kbingest tables ports.db --counts")],
        "metadata" => &[(
            "Datasette metadata, then Datasette",
            "kbingest metadata ports.db -o metadata.json && datasette ports.db -m metadata.json",
        )],
        "completions" => {
            &[("Bash completions", "kbingest completions bash > ~/.local/share/bash-completion/completions/kbingest")]
        }
        "man" => &[("Every man page into a folder", "kbingest man --output-dir ~/.cargo/share/man/man1")],
        "help" => &[("The help of a command", "kbingest help ports")],
        _ => &[],
    }
}

/// The exit statuses of the command `name`: (status, meaning).
pub fn exit_status(name: &str) -> Vec<(&'static str, &'static str)> {
    let usage = ("2", "bad usage: an unknown option, a missing argument, a value that is not allowed");
    let mut statuses = vec![("0", "success"), ("1", "bad input or a database problem; nothing was changed"), usage];
    if matches!(name, "ports" | "who") {
        statuses[1] = ("1", "nothing found (the nearest names are suggested), or a database problem");
    }
    if name == "check" {
        statuses[0] = ("0", "every input was read (it may have anomalies, and rows that cannot be read)");
        statuses[1] = ("1", "an input cannot be read or holds no port table; with --strict, a row cannot be read");
    }
    if matches!(name, "diff" | "review") {
        let (nothing, something) = match name {
            "diff" => (
                "success; with --exit-code: no difference",
                "with --exit-code: differences found; without it: bad input or a database problem",
            ),
            _ => (
                "success; with --exit-code: every documented port open and nothing else",
                "with --exit-code: findings; without it: bad input or a database problem",
            ),
        };
        statuses = vec![("0", nothing), ("1", something), ("2", "bad usage, or with --exit-code any trouble")];
    }
    statuses
}

/// The text `--help` shows after the options: the examples, then the exit statuses.
pub fn after_help(name: &str) -> String {
    let mut text = String::from("Examples:\n");
    for (what, line) in examples(name) {
        text.push_str(&format!("  # {what}\n  {line}\n"));
    }
    text.push_str("\nExit status:\n");
    for (status, meaning) in exit_status(name) {
        text.push_str(&format!("  {status}  {meaning}\n"));
    }
    text
}

/// The command line definition with every command's examples and exit statuses after its help.
pub fn with_examples(cmd: Command) -> Command {
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let mut cmd = cmd.after_long_help(after_help("kbingest"));
    for name in names {
        let text = after_help(&name);
        cmd = cmd.mut_subcommand(name, move |sub| sub.after_long_help(text));
    }
    cmd
}

/// The roff of a man page's EXAMPLES and EXIT STATUS sections for the command `name`.
pub fn man_sections(name: &str) -> String {
    let mut roff = String::from(".SH EXAMPLES\n");
    for (what, line) in examples(name) {
        roff.push_str(&format!(".PP\n{}:\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE\n", roff_text(what), roff_text(line)));
    }
    roff.push_str(".SH \"EXIT STATUS\"\n");
    for (status, meaning) in exit_status(name) {
        roff.push_str(&format!(".TP\n{status}\n{}\n", roff_text(meaning)));
    }
    roff
}

/// Text safe in roff: backslashes escaped, a line never starting as a request.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) { format!("\\&{escaped}") } else { escaped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_has_examples_that_name_it() {
        let cmd = super::super::Cli::command();
        assert!(!examples("kbingest").is_empty());
        for sub in cmd.get_subcommands() {
            let name = sub.get_name();
            let found = examples(name);
            assert!(!found.is_empty(), "{name} has no examples");
            if name != "ingest" && name != "help" {
                assert!(found.iter().all(|(_, line)| line.starts_with(&format!("kbingest {name} "))), "{name}");
            }
        }
    }

    #[test]
    fn roff_escapes_what_roff_reads() {
        assert_eq!(roff_text("a-b \\x"), "a\\-b \\ex");
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        let sections = man_sections("who");
        assert!(sections.contains(".SH EXAMPLES\n") && sections.contains(".SH \"EXIT STATUS\"\n"));
        assert!(sections.contains("kbingest who ports.db 135\n"));
    }
}
