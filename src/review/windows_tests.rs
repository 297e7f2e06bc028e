//! The Windows Firewall export reader on small exports.

use super::model::{Action, Condition, Hook};
use super::ports::PortSet;
use super::windows::{Profile, read_json};

/// Three rules as `ConvertTo-Json` writes them: enums as numbers (Enabled 1 True, Direction 1
/// Inbound, Action 2 Allow and 4 Block, Profile flags), one port as a string, several as an
/// array; PowerShell 7's layout.
const EXPORT: &str = r#"[
  {
    "Name": "RPC-In",
    "DisplayName": "RPC (TCP-In)",
    "Enabled": 1,
    "Direction": 1,
    "Action": 2,
    "Profile": 3,
    "Protocol": "TCP",
    "LocalPort": ["RPCEPMap", "5000-5010"],
    "RemotePort": "Any",
    "IcmpType": "Any",
    "LocalAddress": "Any",
    "RemoteAddress": ["LocalSubnet", "10.0.0.0/255.0.0.0"]
  },
  {
    "Name": "Block-GRE",
    "DisplayName": "",
    "Description": "no tunnels",
    "Enabled": "True",
    "Direction": "Inbound",
    "Action": "Block",
    "Profile": "Any",
    "Protocol": "47",
    "LocalPort": "Any"
  },
  {
    "Name": "Out",
    "Enabled": 1,
    "Direction": 2,
    "Action": 2,
    "Protocol": "UDP",
    "LocalPort": "53"
  }
]"#;

#[test]
fn enums_as_numbers_or_words_and_ports_as_strings_or_lists() {
    let set = read_json(EXPORT, None).unwrap();
    let rules = &set.chains[0].rules;
    assert_eq!(rules.len(), 2, "the outbound rule is left out");
    assert_eq!((rules[0].origin.place.as_str(), rules[0].origin.line), ("rule \"Block-GRE\"", 16));
    assert_eq!(rules[0].action, Action::Drop);
    assert_eq!(rules[0].conditions, [Condition::Protocol { protocols: vec![47], negated: false }]);
    assert_eq!(rules[0].origin.comment.as_deref(), Some("no tunnels"));
    assert_eq!(rules[1].origin.place, "rule \"RPC (TCP-In)\"");
    assert_eq!(
        rules[1].conditions,
        [
            Condition::Protocol { protocols: vec![6], negated: false },
            Condition::DestPort { ports: PortSet::of([(135, 135), (5000, 5010)]), negated: false },
            Condition::Unknown("RemoteAddress LocalSubnet, 10.0.0.0/255.0.0.0".into()),
            Condition::Unknown("profile Domain, Private".into()),
        ]
    );
    let public = read_json(EXPORT, Some(Profile::Public)).unwrap();
    assert_eq!(public.chains[0].rules.len(), 1, "the rule of the Domain and Private profiles is left out");
    let domain = read_json(EXPORT, Some(Profile::Domain)).unwrap();
    assert_eq!(domain.chains[0].rules[1].conditions.len(), 3, "no profile condition for a profile it has");
    let base = set.chains[0].base.as_ref().unwrap();
    assert!(!base.accepts && base.hook == Hook::Input);
}

#[test]
fn a_program_s_rule_on_any_port_is_left_out_and_said_so() {
    let export = r#"[
{"Name": "app", "DisplayName": "Contoso Agent", "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "Any", "LocalPort": "Any", "Program": "C:\\Contoso\\agent.exe", "Service": "Any"},
{"Name": "smb", "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "TCP", "LocalPort": "445", "Program": "System", "Service": "Any"},
{"Name": "ping", "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "ICMPv4", "LocalPort": "Any", "IcmpType": "8", "Program": "System"}
]"#;
    let set = read_json(export, None).unwrap();
    let kept: Vec<&str> = set.chains[0].rules.iter().map(|r| r.origin.place.as_str()).collect();
    assert_eq!(kept, ["rule \"smb\"", "rule \"ping\""]);
    assert_eq!(
        set.notes,
        [
            "1 rule for a program or service on any port not reviewed (they open whatever port it listens on): \"Contoso Agent\""
        ]
    );
}

#[test]
fn one_rule_alone_and_the_value_wrapper_are_read_too() {
    let one = r#"{"Name": "x", "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "UDP", "LocalPort": "Teredo"}"#;
    let set = read_json(one, None).unwrap();
    assert_eq!(set.chains[0].rules[0].conditions[1], Condition::PortKeyword("Teredo"));
    let wrapped = format!("{{\"value\": [\n{one}\n], \"Count\": 1}}");
    assert_eq!(read_json(&wrapped, None).unwrap().chains[0].rules[0].origin.line, 2);
}

#[test]
fn what_is_not_an_export_is_refused_at_its_line() {
    let refused = |text: &str| read_json(text, None).unwrap_err();
    assert_eq!(refused("[\n{\"Enabled\": 1}\n]").problem, "a rule without Name or DisplayName: {\"Enabled\":1}");
    let e = refused("[\n{\"Name\": \"x\", \"Enabled\": 1, \"Direction\": 1, \"Action\": 9}\n]");
    assert_eq!((e.line, e.problem.as_str()), (2, "rule \"x\": Action is \"9\", not Allow or Block"));
    let e = refused(
        "[{\"Name\": \"x\", \"Enabled\": 1, \"Direction\": 1, \"Action\": 2, \"Protocol\": \"TCP\", \"LocalPort\": \"80-http\"}]",
    );
    assert_eq!(e.problem, "rule \"x\": LocalPort \"80-http\" is not a port");
    let e = refused("[{\"Name\": \"x\", \"Enabled\": 1, \"Direction\": 1, \"Action\": 2, \"Profile\": \"Home\"}]");
    assert_eq!(e.problem, "rule \"x\": Profile is \"Home\", not Domain, Private, Public or Any");
    assert!(refused("[\n{\"Name\": \n").problem.starts_with("not valid JSON"));
    assert_eq!(refused("42").problem, "JSON that is neither a list of firewall rules nor one rule");
}
