//! One small page per port-cell form (`tests/fixtures/cells/<form>.md`), each loaded end to end:
//! every row gives the rules the README's "Port cells as people write them" says, with transport,
//! ports, kind, ICMP type, direction, client ports and note. Each fixture's rows are checked
//! against an expectation written out by hand here.

use crate::common::*;

/// Per fixture: one line per rule (in any order): `line transport low high kind icmp direction
/// source_low source_high note`.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "client_ports",
        &[
            "9 TCP 53 53 fixed NULL NULL 1024 65535 NULL",
            // The same rule as line 9's, from a row that is no repeat of it (its client cell differs).
            "10 TCP 53 53 fixed NULL NULL 1024 65535 NULL",
            "10 TCP 53 53 fixed NULL NULL 53 53 NULL",
            "10 UDP 53 53 fixed NULL NULL 53 53 NULL",
            "10 UDP 53 53 fixed NULL NULL 1024 65535 NULL",
        ],
    ),
    (
        "direction_arrows",
        &[
            "9 TCP 1 1 fixed NULL outbound NULL NULL NULL",
            "10 TCP 2 2 fixed NULL inbound NULL NULL NULL",
            "11 TCP 3 3 fixed NULL both NULL NULL NULL",
            "12 TCP 4 4 fixed NULL inbound NULL NULL NULL",
        ],
    ),
    (
        "dynamic_words",
        &[
            "9 TCP NULL NULL dynamic NULL NULL NULL NULL NULL",
            "10 TCP NULL NULL dynamic NULL NULL NULL NULL NULL",
            "11 TCP NULL NULL dynamic NULL NULL NULL NULL NULL",
            "12 TCP NULL NULL dynamic NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "footnotes_and_qualifiers",
        &[
            "9 TCP 445 445 fixed NULL NULL NULL NULL *",
            "10 TCP 446 446 fixed NULL NULL NULL NULL (*)",
            "11 TCP 30000 32767 range NULL NULL NULL NULL †",
            // A dynamic word that points to a note: the note, not a built-in range, says what it is.
            "12 TCP NULL NULL dynamic NULL NULL NULL NULL (Note 6)",
            "13 TCP 1433 1433 fixed NULL NULL NULL NULL default",
            "14 TCP 2383 2383 fixed NULL NULL NULL NULL configurable",
        ],
    ),
    (
        "icmp_names",
        &[
            "9 ICMP NULL NULL none 8 NULL NULL NULL NULL",
            "10 ICMP NULL NULL none 8 NULL NULL NULL NULL",
            "11 ICMP NULL NULL none 8 NULL NULL NULL This port is required during a node join operation ...",
        ],
    ),
    (
        "labels_beside_ports",
        &[
            "9 TCP 80 80 fixed NULL NULL NULL NULL WinRM",
            "9 TCP 135 135 fixed NULL NULL NULL NULL RPC",
            "10 TCP 8100 8100 fixed NULL NULL NULL NULL WCF; HTTP",
        ],
    ),
    (
        "lists_prose_and_unnumbered",
        &[
            // `139 445`: two ports apart by a space.
            "9 TCP 139 139 fixed NULL NULL NULL NULL NULL",
            "9 TCP 445 445 fixed NULL NULL NULL NULL NULL",
            // `135 + Dynamic: 1024 -65535`: the name says the range is dynamic.
            "10 TCP 135 135 fixed NULL NULL NULL NULL NULL",
            "10 TCP 1024 65535 dynamic NULL NULL NULL NULL Dynamic",
            // `8300, 8301(UDP), 8500`: only 8301 names its own transport.
            "11 TCP 8300 8300 fixed NULL NULL NULL NULL NULL",
            "11 UDP 8301 8301 fixed NULL NULL NULL NULL NULL",
            "11 TCP 8500 8500 fixed NULL NULL NULL NULL NULL",
            "12 TCP 443 443 fixed NULL NULL NULL NULL NULL",
            "12 TCP 8443 8443 fixed NULL NULL NULL NULL NULL",
            "13 TCP 22 22 fixed NULL NULL NULL NULL SFTP; Inbound rule on hosts",
            "14 NULL 5060 5060 fixed NULL NULL NULL NULL unsecured; The service listens on both ports.",
            "14 NULL 5061 5061 fixed NULL NULL NULL NULL secured; The service listens on both ports.",
            // No number stated: any, configurable, a dynamic range with no end.
            "15 UDP NULL NULL any NULL NULL NULL NULL NULL",
            "16 TCP NULL NULL configurable NULL NULL NULL NULL The port number configured by the administrator",
            "17 TCP NULL NULL dynamic NULL NULL NULL NULL Minimum of 100 ports above port 5000",
            // `WMI` alone: the application protocol, the row's own words in the note.
            "18 NULL NULL NULL none NULL NULL NULL NULL Storage",
            "19 TCP 443 443 fixed NULL NULL NULL NULL [^1]; [^1]: The web port.",
            // `TCP/UPS/TLS`: UPS is UDP.
            "20 TCP 514 514 fixed NULL NULL NULL NULL configurable; TLS",
            "20 UDP 514 514 fixed NULL NULL NULL NULL configurable; TLS",
            "21 IPIP NULL NULL none NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "no_port_words",
        &[
            "9 TCP NULL NULL none NULL NULL NULL NULL NULL",
            "10 UDP NULL NULL none NULL NULL NULL NULL NULL",
            "11 TCP NULL NULL any NULL NULL NULL NULL NULL",
            "12 UDP NULL NULL none NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "ports_in_words",
        &[
            "9 UDP 67 67 fixed NULL NULL NULL NULL NULL",
            "9 UDP 68 68 fixed NULL NULL NULL NULL NULL",
            "10 TCP 80 80 fixed NULL NULL NULL NULL NULL",
            "10 TCP 8530 8530 fixed NULL NULL NULL NULL NULL",
            "11 UDP 137 139 range NULL NULL NULL NULL NULL",
            "12 TCP 49152 65535 range NULL NULL NULL NULL NULL",
            "13 TCP 1024 65535 range NULL NULL NULL NULL NULL",
            "14 TCP 135 135 fixed NULL NULL NULL NULL NULL",
            "15 TCP 8080 8080 fixed NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "protocol_cell_words",
        &[
            "9 TCP 1 1 fixed NULL NULL NULL NULL NULL",
            "9 UDP 1 1 fixed NULL NULL NULL NULL NULL",
            "10 TCP 2 2 fixed NULL NULL NULL NULL NULL",
            "10 UDP 2 2 fixed NULL NULL NULL NULL NULL",
            "11 UDP 3 3 fixed NULL NULL NULL NULL NULL",
            "11 TCP 3 3 fixed NULL NULL NULL NULL NULL",
            "12 TCP 4 4 fixed NULL NULL NULL NULL NULL",
            "12 UDP 4 4 fixed NULL NULL NULL NULL NULL",
            "13 TCP 5 5 fixed NULL NULL NULL NULL HTTPS",
            "14 TCP 6 6 fixed NULL NULL NULL NULL TLS",
            "15 UDP 7 7 fixed NULL NULL NULL NULL DHCP",
            "16 NULL 8 8 fixed NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "several_values",
        &[
            "9 TCP 53 53 fixed NULL NULL NULL NULL NULL",
            "9 UDP 53 53 fixed NULL NULL NULL NULL NULL",
            "9 TCP 1024 65535 range NULL NULL NULL NULL NULL",
            "9 UDP 1024 65535 range NULL NULL NULL NULL NULL",
            "10 TCP 143 143 fixed NULL NULL NULL NULL IMAP",
            "10 TCP 993 993 fixed NULL NULL NULL NULL secure IMAP",
            "11 TCP 1024 5000 range NULL NULL NULL NULL NULL",
            "11 TCP 49152 65535 range NULL NULL NULL NULL *",
        ],
    ),
    (
        "slash_between_numbers",
        &[
            "9 TCP 443 443 fixed NULL NULL NULL NULL NULL",
            "9 TCP 8531 8531 fixed NULL NULL NULL NULL NULL",
            "10 UDP 67 67 fixed NULL NULL NULL NULL NULL",
            "10 UDP 68 68 fixed NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "transport_with_the_port",
        &[
            "9 TCP 443 443 fixed NULL NULL NULL NULL NULL",
            "10 TCP 25 25 fixed NULL NULL NULL NULL NULL",
            "11 TCP 25 25 fixed NULL NULL NULL NULL NULL",
            "12 TCP 1433 1433 fixed NULL NULL NULL NULL NULL",
            "13 TCP 53 53 fixed NULL NULL NULL NULL NULL",
            "13 UDP 53 53 fixed NULL NULL NULL NULL NULL",
            "14 TCP 389 389 fixed NULL NULL NULL NULL NULL",
            "14 UDP 389 389 fixed NULL NULL NULL NULL NULL",
            "15 TCP 1024 65535 range NULL NULL NULL NULL NULL",
        ],
    ),
    (
        "words_arrows_and_names",
        &[
            "9 TCP NULL NULL dynamic NULL NULL NULL NULL NULL",
            "10 TCP NULL NULL configurable NULL NULL NULL NULL Provider-specific port",
            "11 UDP 1433 1433 fixed NULL outbound NULL NULL NULL",
            "11 UDP 1434 1434 fixed NULL outbound NULL NULL NULL",
            "12 TCP 5723 5723 fixed NULL outbound NULL NULL NULL",
            "12 TCP 5724 5724 fixed NULL outbound NULL NULL NULL",
            "13 UDP 161 161 fixed NULL both NULL NULL NULL",
            "13 UDP 162 162 fixed NULL both NULL NULL NULL",
            "14 TCP 135 135 fixed NULL NULL NULL NULL *",
            "15 TCP 5985 5985 fixed NULL NULL NULL NULL NULL",
        ],
    ),
];

#[test]
fn each_cell_form_loads_as_documented() {
    for (form, expected) in EXPECTED {
        let dir = workdir();
        let db = ingest(dir.path(), &format!("tests/fixtures/cells/{form}.md"), "c.db", &[]);
        let mut got: Vec<String> = rows(
            &db,
            "SELECT source_line, transport, port_low, port_high, port_kind, icmp_type, direction, source_port_low,
                    source_port_high, note FROM port_rules",
        )
        .into_iter()
        .map(|r| r.join(" "))
        .collect();
        let mut expected = expected.to_vec();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{form}");
    }
}

#[test]
fn every_cell_fixture_is_checked() {
    let dir = repo_file("tests/fixtures/cells");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().path().file_stem().unwrap().to_str().unwrap().to_string();
        assert!(EXPECTED.iter().any(|(form, _)| *form == name), "tests/fixtures/cells/{name}.md has no expectation");
    }
}
