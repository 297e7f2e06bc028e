//! `kbingest ports` and `kbingest who`: questions without SQL, answered per service (per port) for
//! a person and as rows of `port_rules` for scripts.

use crate::common::*;
use serde_json::Value;

/// The columns of `port_rules`, as SQLite lists them.
fn port_rules_columns(dir: &std::path::Path) -> Vec<String> {
    rows(&open(&dir.join("ports.db")), "SELECT name FROM pragma_table_info('port_rules')")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn json_rows(run: &Run) -> Vec<serde_json::Map<String, Value>> {
    let value: Value = serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}: {}", run.stdout()));
    value.as_array().expect("an array").iter().map(|o| o.as_object().expect("objects").clone()).collect()
}

#[test]
fn active_directory_lists_local_security_authority_first() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["ports", "ports.db", "Active Directory"]);
    run.success();
    let first = run.stdout().lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("Local Security Authority (LSASS): "), "{}", run.stdout());
    assert!(first.contains("role \"Active Directory\""), "{first}");
    for service in ["Kerberos Key Distribution Center", "DNS Server", "Net Logon", "File Replication", "Windows Time"] {
        assert!(run.stdout().contains(&format!("\n{service} (")), "{service} missing:\n{}", run.stdout());
    }
    assert!(
        run.stdout().contains("  TCP  389                  LDAP Server                        line 380"),
        "{}",
        run.stdout()
    );

    let json = kbingest(dir.path(), &["ports", "ports.db", "domain controller", "--format", "json"]);
    json.success();
    let objects = json_rows(&json);
    assert_eq!(objects[0]["service"], "Local Security Authority", "best match first");
    let columns = port_rules_columns(dir.path());
    for object in &objects {
        let keys: Vec<&String> = object.keys().collect();
        let mut expected: Vec<&String> = columns.iter().collect();
        let mut got = keys.clone();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "one object per rule with port_rules' columns");
    }
    let lsass = objects.iter().filter(|o| o["system_service_name"] == "LSASS").count();
    assert_eq!(lsass, 10, "every rule of LSASS");
    assert!(objects.iter().any(|o| o["service"] == "Windows Time" && o["port_low"] == 123));
}

#[test]
fn remote_desktop_finds_terminal_services() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["ports", "ports.db", "remote desktop", "--format", "jsonl"]);
    run.success();
    let first: Value = serde_json::from_str(run.stdout().lines().next().unwrap()).unwrap();
    assert_eq!(first["service"], "Terminal Services");
    assert_eq!(first["port_low"], 3389);
    assert_eq!(first["transport"], "TCP");
    // NetMeeting's name holds the words, after the role's own services.
    assert!(run.stdout().contains("NetMeeting Remote Desktop Sharing"));
}

#[test]
fn names_protocols_and_descriptions_are_found_too() {
    let dir = ports_db();
    let by_name = kbingest(dir.path(), &["ports", "ports.db", "kdc", "--format", "csv"]);
    by_name.success();
    let stdout = by_name.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "a header and Kerberos' two rules: {lines:?}");
    assert!(lines[0].starts_with("source,service,system_service_name,application_protocol,transport"));
    // An application protocol: only the rules of that protocol.
    let ldap = json_rows(&kbingest(dir.path(), &["ports", "ports.db", "LDAP SSL", "--format", "json"]));
    assert!(!ldap.is_empty() && ldap.iter().all(|o| o["application_protocol"] == "LDAP SSL"), "{ldap:?}");
    // Words of a description, only when no name holds them.
    let text = kbingest(dir.path(), &["ports", "ports.db", "pass-through authentication"]);
    text.success();
    assert!(text.stdout().starts_with("Net Logon (Netlogon)"), "{}", text.stdout());
    assert!(text.stdout().contains("its description mentions"), "{}", text.stdout());
}

#[test]
fn nothing_matches_names_the_nearest_and_prints_nothing() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["ports", "ports.db", "Actve Diretory"]);
    run.expect(1)
        .stderr_has("no service matches \"Actve Diretory\"")
        .stderr_has("the nearest names: \"Active Directory\"");
    assert_eq!(run.stdout(), "");
    let run = kbingest(dir.path(), &["ports", "ports.db", "zzqx"]);
    run.expect(1).stderr_has("no service matches \"zzqx\"");
    kbingest(dir.path(), &["ports", "ports.db", "DNS", "--source", "nope"])
        .expect(1)
        .stderr_has("has no source named `nope`");
    kbingest(dir.path(), &["ports", "ports.db", " "]).expect(2);
}

#[test]
fn who_lists_the_17_services_of_port_135() {
    let dir = ports_db();
    let run = kbingest(dir.path(), &["who", "ports.db", "135"]);
    run.success();
    assert!(run.stdout().starts_with("135: 17 documented services, 0 registered names\n"), "{}", run.stdout());
    assert_eq!(run.stdout().lines().count(), 18, "{}", run.stdout());
    let json = json_rows(&kbingest(dir.path(), &["who", "ports.db", "135/tcp", "--format", "json"]));
    let mut services: Vec<&str> = json.iter().map(|o| o["service"].as_str().unwrap()).collect();
    services.dedup();
    assert_eq!(services.len(), 17, "{services:?}");
    let columns = port_rules_columns(dir.path());
    for object in &json {
        for column in &columns {
            assert!(object.contains_key(column), "{column} missing in {object:?}");
        }
        assert!(object.contains_key("registered_names"));
    }
    // A port inside a range: the rule of the range holds it, the narrowest first.
    let inside = json_rows(&kbingest(dir.path(), &["who", "ports.db", "4000", "--format", "json"]));
    assert!(!inside.is_empty() && inside.iter().all(|o| o["port_low"] == 1025 && o["port_high"] == 5000));
    let dns = json_rows(&kbingest(dir.path(), &["who", "ports.db", "53/udp", "--format", "json"]));
    assert!(dns.iter().all(|o| o["transport"] == "UDP") && dns[0]["port_low"] == 53, "{dns:?}");
}

#[test]
fn who_adds_the_names_of_loaded_registries() {
    let dir = ports_db();
    let iana = repo_file("tests/fixtures/registries/iana-service-names-port-numbers.csv");
    kbingest(dir.path(), &[iana.to_str().unwrap(), "-o", "ports.db", "-q", "--source-name", "iana"]).success();
    let run = kbingest(dir.path(), &["who", "ports.db", "135"]);
    run.success();
    assert!(run.stdout().starts_with("135: 17 documented services, 2 registered names\n"), "{}", run.stdout());
    assert!(run.stdout().contains("epmap") && run.stdout().contains("DCE endpoint resolution"), "{}", run.stdout());
    let json = json_rows(&kbingest(dir.path(), &["who", "ports.db", "135", "--format", "json"]));
    assert_eq!(json[0]["registered_names"], "epmap", "the registry's name of the rule's port");
    let registry: Vec<_> = json.iter().filter(|o| o["source"] == "iana").collect();
    assert_eq!(registry.len(), 2, "{json:?}");
    assert_eq!(registry[0]["service"], "epmap");
    // A port only a registry knows.
    let ssh = kbingest(dir.path(), &["who", "ports.db", "22/tcp"]);
    ssh.success();
    assert!(
        ssh.stdout().contains("0 documented services, 1 registered name") && ssh.stdout().contains("ssh"),
        "{}",
        ssh.stdout()
    );
    // Naming the registry leaves out the documents.
    let only = json_rows(&kbingest(dir.path(), &["who", "ports.db", "135", "--source", "iana", "--format", "json"]));
    assert!(only.len() == 2 && only.iter().all(|o| o["source"] == "iana"), "{only:?}");
}

#[test]
fn who_says_when_nothing_holds_a_port_and_refuses_what_is_no_port() {
    let dir = ports_db();
    kbingest(dir.path(), &["who", "ports.db", "9"]).success();
    kbingest(dir.path(), &["who", "ports.db", "31337"])
        .expect(1)
        .stderr_has("no documented rule and no registered name holds 31337");
    kbingest(dir.path(), &["who", "ports.db", "70000"]).expect(2).stderr_has("is not a port");
    kbingest(dir.path(), &["who", "ports.db", "53/gre"]).expect(2);
}

#[test]
fn every_output_format_answers() {
    let dir = ports_db();
    for format in ["table", "csv", "tsv", "json", "jsonl", "markdown"] {
        for args in [["ports", "ports.db", "DNS Server"], ["who", "ports.db", "53"]] {
            let mut args = args.to_vec();
            args.extend(["--format", format]);
            let run = kbingest(dir.path(), &args);
            run.success();
            assert!(run.stdout().contains("DNS Server"), "{args:?}: {}", run.stdout());
        }
    }
}
