//! Loading generated rulesets into the kernel for the firewall tests, only ever inside a private
//! network namespace (`unshare --net`; never the host's ruleset), and saying SKIP where that
//! cannot be done here -- or failing, when the environment variable `CI` is set, since `.ci/run`
//! installs the tools.

use super::kbingest;
use super::ruleset::nft_rules;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The languages that load here: (format, the tool that loads it).
pub const TOOLS: [(&str, &str); 3] =
    [("nftables", "nft"), ("iptables", "iptables-restore"), ("ip6tables", "ip6tables-restore")];

/// Says on standard error that `test` (or part of it) did not run, and why. Written to the
/// stream itself rather than with `eprintln!`, which the test harness captures and hides. With
/// `CI` set it fails the test instead: there the tools are installed, so a skip hides a fault.
pub fn skip(test: &str, reason: &str) {
    use std::io::Write;
    if std::env::var_os("CI").is_some() {
        panic!("{test} cannot run: {reason}; CI is set and .ci/run installs nftables and iptables, so this fails");
    }
    let _ = writeln!(std::io::stderr(), "SKIP {test}: {reason}");
}

/// Why `tool` cannot load rules into a private network namespace here, if it cannot.
pub fn cannot_load(tool: &str) -> Option<String> {
    if Command::new(tool).arg("--version").output().is_err() {
        return Some(format!(
            "{tool} is not installed (apt-get install nftables iptables; Debian's iptables has ip6tables)"
        ));
    }
    let probe = match tool {
        "nft" => "nft add table inet kbingest_probe",
        "ip6tables-restore" => "ip6tables -N KBINGEST_PROBE",
        _ => "iptables -N KBINGEST_PROBE",
    };
    match Command::new("unshare").args(["--net", "sh", "-c", probe]).output() {
        Err(e) => Some(format!("unshare cannot run: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "`unshare --net {probe}` is not permitted here: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// `raw/ports.txt` loaded into `ports.db` as `ports.txt`.
pub fn ports_db(dir: &Path) {
    let input = super::repo_file("raw/ports.txt");
    kbingest(dir, &[input.to_str().unwrap(), "-o", "ports.db", "--source-name", "ports.txt", "-q"]).success();
}

/// Writes the ruleset for `args` into `dir/rules` and returns its path.
pub fn generate(dir: &Path, format: &str, args: &[&str]) -> PathBuf {
    let mut all = vec!["firewall", "ports.db", "--format", format, "-o", "rules", "-q"];
    all.extend_from_slice(args);
    kbingest(dir, &all).success();
    dir.join("rules")
}

/// In a fresh network namespace that already holds a rule of the user's own (TCP port 9, comment
/// `user`), loads `rules` twice the way the file's header says, checks the user's rule is still
/// there (and, for iptables, that INPUT jumps to the chain once), and returns what the kernel
/// holds, as the tool lists it.
pub fn load_and_list(format: &str, rules: &Path) -> String {
    let script = match format {
        "nftables" => {
            "nft add table inet user && nft add chain inet user c '{ type filter hook input priority 10; }' \
             && nft add rule inet user c tcp dport 9 accept comment user \
             && nft -f \"$1\" && nft -f \"$1\" && nft -j list ruleset"
        }
        _ => {
            "$2 -A INPUT -p tcp --dport 9 -m comment --comment user -j ACCEPT \
             && $2 -D INPUT -j KBINGEST 2>/dev/null; $2 -D OUTPUT -j KBINGEST_OUT 2>/dev/null; \
             $2-restore --noflush \"$1\" \
             && $2 -D INPUT -j KBINGEST 2>/dev/null; $2 -D OUTPUT -j KBINGEST_OUT 2>/dev/null; \
             $2-restore --noflush \"$1\" && $2-save"
        }
    };
    let out = Command::new("unshare")
        .args(["--net", "sh", "-c", script, "sh"])
        .arg(rules)
        .arg(format)
        .output()
        .expect("unshare runs");
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{format} refused the ruleset:\n{}\n--- ruleset ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(rules).unwrap_or_default()
    );
    match format {
        "nftables" => assert_eq!(nft_rules(&listed, "user", "c").len(), 1, "the user's table is left alone"),
        _ => {
            // The user's rule is still first: the jump is appended after it.
            let input: Vec<&str> = listed.lines().filter(|l| l.starts_with("-A INPUT ")).collect();
            assert_eq!(
                input,
                ["-A INPUT -p tcp -m tcp --dport 9 -m comment --comment user -j ACCEPT", "-A INPUT -j KBINGEST"],
                "{listed}"
            );
        }
    }
    listed
}

/// Loads generated rules into the namespace the calling thread is in, as their headers say
/// (nftables: `nft -f`; iptables: both the iptables and the ip6tables file).
pub fn load_here(format: &str, rules: &[&Path]) {
    for rules in rules {
        let tool = match format {
            "nftables" => "nft",
            _ if std::fs::read_to_string(rules).unwrap().contains("\n# IPv6 only") => "ip6tables-restore",
            _ => "iptables-restore",
        };
        let mut command = Command::new(tool);
        if tool == "nft" {
            command.arg("-f");
        } else {
            command.arg("--noflush");
        }
        let out = command.arg(rules).output().expect("the tool runs");
        assert!(
            out.status.success(),
            "{tool} refused {}: {}\n{}",
            rules.display(),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(rules).unwrap_or_default()
        );
    }
}

/// How many rules of its own (not the policy's `kbingest:` ones) a generated file holds.
pub fn rules_written(rules: &Path) -> usize {
    let text = std::fs::read_to_string(rules).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| (l.contains(" accept comment \"") || l.ends_with(" -j ACCEPT")) && !l.contains("\"kbingest:"))
        .count()
}
