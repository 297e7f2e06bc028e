//! `kbingest firewall` end to end: selection and its refusals, output files, determinism, and the
//! golden files (the README's domain-controller example, and a hostile title) with a check that
//! every PowerShell line is one complete command whose document text stays inside its quotes.
//! Loading rules into the kernel is in `firewall_kernel.rs`.

use crate::common::{documentation, ingest, kbingest, repo_file, workdir};
use std::path::Path;

/// The README's domain controller: these system service names.
const DOMAIN_CONTROLLER: [&str; 6] = ["LSASS", "Kdc", "DNS", "Netlogon", "NtFrs", "W32Time"];

/// `raw/ports.txt` loaded into `ports.db` under the name `raw/ports.txt`, as the README does.
fn ports_db(dir: &Path) {
    ingest(dir, "raw/ports.txt", "ports.db", &["--source-name", "raw/ports.txt"]);
}

/// The hostile fixture loaded into `hostile.db`.
fn hostile_db(dir: &Path) {
    ingest(dir, "tests/fixtures/firewall/hostile.txt", "hostile.db", &["--source-name", "hostile.txt"]);
}

fn domain_controller_args(format: &str) -> Vec<String> {
    let mut args: Vec<String> = vec!["firewall".into(), "ports.db".into(), "--format".into(), format.into()];
    for name in DOMAIN_CONTROLLER {
        args.extend(["--name".to_string(), name.to_string()]);
    }
    args
}

/// Compares `text` with the golden file, or writes it with KBINGEST_BLESS=1.
fn golden(name: &str, text: &str) {
    let path = repo_file(&format!("tests/fixtures/firewall/{name}"));
    if std::env::var_os("KBINGEST_BLESS").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(text, expected, "{name} differs from the golden file (KBINGEST_BLESS=1 rewrites it)");
}

#[test]
fn domain_controller_in_every_format_matches_its_golden_file_and_the_readme() {
    let dir = workdir();
    ports_db(dir.path());
    let readme = documentation();
    for (format, options, file) in [
        ("nftables", &[][..], "domain-controller.nft"),
        ("iptables", &[], "domain-controller.iptables"),
        ("ip6tables", &["--policy", "drop", "--keep-port", "22/tcp"], "domain-controller-drop.ip6tables"),
        ("powershell", &[], "domain-controller.ps1"),
    ] {
        let mut args = domain_controller_args(format);
        args.splice(4..4, options.iter().map(|o| o.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = kbingest(dir.path(), &args);
        run.success();
        golden(file, &run.stdout());
        assert!(readme.contains(&run.stdout()), "README's firewall section lacks the {format} example as written now");
    }
    let miss = kbingest(dir.path(), &["firewall", "ports.db", "--service", "kerberos"]);
    assert!(readme.contains(&miss.expect(1).stderr()), "README lacks the refusal as written now: {}", miss.stderr());
}

#[test]
fn powershell_lines_are_whole_commands_and_hostile_text_stays_quoted() {
    let dir = workdir();
    hostile_db(dir.path());
    let run = kbingest(dir.path(), &["firewall", "hostile.db", "--format", "powershell", "--policy", "drop"]);
    run.success();
    golden("hostile.ps1", &run.stdout());
    let title = std::fs::read_to_string(repo_file("tests/fixtures/firewall/hostile.txt")).unwrap();
    let title = kbingest::firewall::trace::one_line(title.lines().next().unwrap());
    let mut names = Vec::new();
    for line in run.stdout().lines() {
        let strings = powershell_command(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        names.extend(strings);
    }
    assert!(names.iter().any(|s| s.starts_with(&format!("{title} (Evil'$(x)\") TCP"))), "{names:?}");
    // A line break (and a carriage return, a NUL and quotes after it) in the title, which a text
    // document cannot hold but another reader might store: still one command per line.
    let conn = rusqlite::Connection::open(dir.path().join("hostile.db")).unwrap();
    conn.execute("UPDATE services SET title = title || char(10) || 'Remove-Item x' || char(13, 0) || '''\u{2018}'", [])
        .unwrap();
    drop(conn);
    let run = kbingest(dir.path(), &["firewall", "hostile.db", "--format", "powershell"]);
    let out = run.success().stdout();
    assert_eq!(out.lines().filter(|l| !l.starts_with('#')).count(), 3, "Remove-NetFirewallRule and two rules\n{out}");
    let mut names = Vec::new();
    for line in out.lines() {
        names.extend(powershell_command(line).unwrap_or_else(|e| panic!("{e}: {line:?}")));
    }
    let broken = format!("{title} Remove-Item x <U+0000>'\u{2018} (Evil'$(x)\") UDP");
    assert!(names.contains(&broken), "{names:?}");
    let dc = workdir();
    ports_db(dc.path());
    let args = domain_controller_args("powershell");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for line in kbingest(dc.path(), &args).stdout().lines() {
        powershell_command(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    }
}

/// Checks that a line is a comment or one complete cmdlet call of the kinds kbingest writes:
/// a cmdlet name, then parameters and values that are plain words, numbers, commas or
/// single-quoted strings (any of PowerShell's five single quotes, doubled inside). Returns the
/// strings' contents.
fn powershell_command(line: &str) -> Result<Vec<String>, String> {
    if line.chars().any(char::is_control) {
        return Err("control character".into());
    }
    if line.starts_with("# ") {
        return Ok(Vec::new());
    }
    const CMDLETS: [&str; 3] = ["New-NetFirewallRule ", "Remove-NetFirewallRule ", "Set-NetFirewallProfile "];
    let Some(cmdlet) = CMDLETS.iter().find(|c| line.starts_with(*c)) else {
        return Err("not a cmdlet call".into());
    };
    let quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let mut strings = Vec::new();
    let mut chars = line[cmdlet.len()..].chars().peekable();
    while let Some(c) = chars.next() {
        if quote(c) {
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err("a string is not closed".into()),
                    Some(q) if quote(q) && chars.peek().is_some_and(|n| quote(*n)) => {
                        text.push(q);
                        chars.next();
                    }
                    Some(q) if quote(q) => break,
                    Some(other) => text.push(other),
                }
            }
            strings.push(text);
        } else if !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | ',')) {
            return Err(format!("{c:?} outside quotes"));
        }
    }
    Ok(strings)
}

#[test]
fn the_powershell_checker_catches_escapes() {
    assert!(powershell_command("New-NetFirewallRule -DisplayName 'a''b' -LocalPort 53, '1-2'").is_ok());
    for bad in [
        "New-NetFirewallRule -DisplayName 'a'; Remove-Item x",
        "New-NetFirewallRule -DisplayName 'a\u{2019} $(x)'",
        "New-NetFirewallRule -DisplayName 'open",
        "Remove-Item -Recurse C:",
        "New-NetFirewallRule -DisplayName \"$x\"",
    ] {
        assert!(powershell_command(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_selection_matching_nothing_names_it_suggests_and_writes_nothing() {
    let dir = workdir();
    ports_db(dir.path());
    let run =
        kbingest(dir.path(), &["firewall", "ports.db", "--service", "kerberos", "--name", "dsn", "-o", "rules.nft"]);
    run.expect(1)
        .stderr_has("ports.db: no service \"kerberos\" in port_rules (by title, system service name or role); the nearest names: \"Kerberos Key Distribution Center\"\n")
        .stderr_has("ports.db: no service \"dsn\" in port_rules (by title, system service name or role); the nearest names: \"DNS\"")
        .stderr_has("nothing was written");
    assert!(!dir.path().join("rules.nft").exists());
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("ports.db"), "{name} was written");
    }
    let run = kbingest(dir.path(), &["firewall", "ports.db", "--source", "ports.txt"]);
    run.expect(1).stderr_has("no source \"ports.txt\" in port_rules; the nearest names: \"raw/ports.txt\"");
}

#[test]
fn output_file_is_the_same_as_standard_output_and_deterministic() {
    let dir = workdir();
    ports_db(dir.path());
    for format in ["nftables", "iptables", "powershell"] {
        let first = kbingest(dir.path(), &["firewall", "ports.db", "--format", format, "--policy", "drop"]);
        first.success();
        let second =
            kbingest(dir.path(), &["firewall", "ports.db", "--format", format, "--policy", "drop", "-o", "out"]);
        second.success().stderr_has("firewall rules -> out");
        assert_eq!(first.stdout(), std::fs::read_to_string(dir.path().join("out")).unwrap());
        assert!(second.stdout().is_empty());
    }
}

#[test]
fn usage_errors_exit_two() {
    let dir = workdir();
    ports_db(dir.path());
    kbingest(dir.path(), &["firewall", "ports.db", "--table", "a;b"]).expect(2).stderr_has("--table \"a;b\"");
    kbingest(dir.path(), &["firewall", "ports.db", "--policy", "reject"]).expect(2);
    kbingest(dir.path(), &["firewall", "nothing.db"]).expect(1).stderr_has("nothing.db: does not exist");
}

#[test]
fn rows_without_transport_are_refused_unless_a_transport_is_assumed() {
    let dir = workdir();
    ports_db(dir.path());
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    conn.execute("UPDATE service_ports SET ip_protocol = NULL WHERE source_line = 1027", []).unwrap();
    conn.execute("UPDATE service_ports SET direction = 'outbound' WHERE source_line = 1030", []).unwrap();
    drop(conn);
    let run = kbingest(dir.path(), &["firewall", "ports.db", "--name", "W32Time"]);
    run.expect(1).stderr_has("raw/ports.txt:1027: Windows Time: the document gives no transport for this port; pass --assume-transport tcp, udp or both");
    let run = kbingest(dir.path(), &["firewall", "ports.db", "--name", "W32Time", "--assume-transport", "both"]);
    run.success().stderr_has("1 row is for the other direction only");
    let out = run.stdout();
    assert!(out.contains("tcp dport 123 accept comment \"Windows Time (W32Time) TCP: raw/ports.txt line 1027 (transport assumed: 1027)\""), "{out}");
    assert!(out.contains("udp dport 123 accept comment \"Windows Time (W32Time) UDP: raw/ports.txt line 1027 (transport assumed: 1027)\""), "{out}");
    let run = kbingest(
        dir.path(),
        &["firewall", "ports.db", "--name", "W32Time", "--assume-transport", "udp", "--direction", "both"],
    );
    let out = run.success().stdout();
    assert!(out.contains("\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t\tudp dport 123 accept comment \"Windows Time (W32Time) UDP: raw/ports.txt line 1030\"\n"), "{out}");
}

#[test]
fn a_database_without_port_rules_is_refused() {
    let dir = workdir();
    ports_db(dir.path());
    let conn = rusqlite::Connection::open(dir.path().join("ports.db")).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON; DELETE FROM sources;").unwrap();
    drop(conn);
    kbingest(dir.path(), &["firewall", "ports.db", "-o", "rules.nft"])
        .expect(1)
        .stderr_has("ports.db: holds no port rules; ingest a document into it first; nothing was written");
    assert!(!dir.path().join("rules.nft").exists());
}
