use super::super::port::parse_ports;
use super::*;
use proptest::prelude::*;

const LEGACY: (u16, u16) = (1025, 5000);

/// One value as the tests compare it: transports, first and last port, kind, notes, ICMP type.
type Got = (Vec<Transport>, Option<(u16, u16)>, PortKind, Vec<String>, Option<u8>);

fn read(cell: &str) -> (Result<Vec<Got>, String>, Vec<AnomalyKind>) {
    let mut ledger = Ledger::new(1);
    let context = PortContext { application: "x", dynamic_range: Some(LEGACY) };
    let got = parse_ports(cell, &context, &mut ledger).map(|values| {
        values.into_iter().map(|v| (v.transports, v.spec.range, v.spec.kind, v.notes, v.icmp_type)).collect()
    });
    (got, ledger.into_entries().into_iter().map(|a| a.kind).collect())
}

/// The (transports, low, high) of each value.
fn ports(cell: &str) -> Vec<(Vec<Transport>, u16, u16)> {
    read(cell)
        .0
        .unwrap_or_else(|e| panic!("{cell}: {e}"))
        .into_iter()
        .map(|v| (v.0, v.1.map_or(0, |r| r.0), v.1.map_or(0, |r| r.1)))
        .collect()
}

const TCP: Transport = Transport::Tcp;
const UDP: Transport = Transport::Udp;

#[test]
fn a_transport_before_or_after_the_port() {
    assert_eq!(ports("443/TCP"), [(vec![TCP], 443, 443)]);
    assert_eq!(ports("TCP 443"), [(vec![TCP], 443, 443)]);
    assert_eq!(ports("TCP/25"), [(vec![TCP], 25, 25)]);
    assert_eq!(ports("TCP port 1433"), [(vec![TCP], 1433, 1433)]);
    assert_eq!(ports("53 (TCP/UDP)"), [(vec![TCP, UDP], 53, 53)]);
    assert_eq!(ports("389/TCP/UDP"), [(vec![TCP, UDP], 389, 389)]);
    assert_eq!(ports("1024-65535/TCP"), [(vec![TCP], 1024, 65535)]);
    assert_eq!(read("443/TCP").1, [AnomalyKind::TransportInPortCell]);
}

#[test]
fn several_values_with_their_transports() {
    assert_eq!(ports("53,1024-65535/TCP/UDP"), [(vec![TCP, UDP], 53, 53), (vec![TCP, UDP], 1024, 65535)]);
    let (got, kinds) = read("143/TCP (IMAP), 993/TCP (secure IMAP)");
    let got = got.unwrap();
    assert_eq!((got[0].1, got[0].3.clone()), (Some((143, 143)), vec!["IMAP".to_string()]));
    assert_eq!((got[1].1, got[1].3.clone()), (Some((993, 993)), vec!["secure IMAP".to_string()]));
    assert_eq!(kinds[0], AnomalyKind::MultiplePorts);
    assert_eq!(ports("53/UDP,53/TCP (DNS)"), [(vec![UDP], 53, 53), (vec![TCP], 53, 53)]);
}

#[test]
fn labels_beside_ports_are_notes() {
    let got = read("80: WinRM; 135: RPC").0.unwrap();
    assert_eq!((got[0].1, got[0].3.clone()), (Some((80, 80)), vec!["WinRM".to_string()]));
    assert_eq!((got[1].1, got[1].3.clone()), (Some((135, 135)), vec!["RPC".to_string()]));
    let got = read("WCF: 8100 (HTTP)").0.unwrap();
    assert_eq!((got[0].1, got[0].3.clone()), (Some((8100, 8100)), vec!["WCF".to_string(), "HTTP".to_string()]));
}

#[test]
fn pairs_alternatives_and_ranges_in_words() {
    assert_eq!(ports("67 and 68"), [(vec![], 67, 67), (vec![], 68, 68)]);
    assert_eq!(ports("139 445"), [(vec![], 139, 139), (vec![], 445, 445)]);
    assert_eq!(ports("Ports between 1024 and 65535."), [(vec![], 1024, 65535)]);
    assert_eq!(ports("80 and 443"), [(vec![], 80, 80), (vec![], 443, 443)]);
    assert_eq!(ports("80 or 8530"), [(vec![], 80, 80), (vec![], 8530, 8530)]);
    assert_eq!(ports("137 through 139"), [(vec![], 137, 139)]);
    assert_eq!(ports("49152- 65535"), [(vec![], 49152, 65535)]);
    assert_eq!(ports("Ports between 1024 and 65535"), [(vec![], 1024, 65535)]);
    assert_eq!(ports("Port 135"), [(vec![], 135, 135)]);
    assert_eq!(ports("1024 - 5000\n49152 - 65535"), [(vec![], 1024, 5000), (vec![], 49152, 65535)]);
}

#[test]
fn a_range_beside_dynamic_words_is_dynamic() {
    let mut ledger = Ledger::new(1);
    let context = PortContext { application: "RPC dynamic ports", dynamic_range: Some(LEGACY) };
    let got = parse_ports("1024 - 5000\n49152 - 65535*", &context, &mut ledger).unwrap();
    let kinds: Vec<_> = got.iter().map(|v| (v.spec.kind, v.spec.range)).collect();
    assert_eq!(kinds, [(PortKind::Dynamic, Some((1024, 5000))), (PortKind::Dynamic, Some((49152, 65535)))]);
}

#[test]
fn a_remark_may_say_the_range_is_dynamic_or_state_the_dynamic_range() {
    let got = read("49152- 65535 (Random high RPC Port)(TCP)").0.unwrap();
    assert_eq!((got[0].0.clone(), got[0].1, got[0].2), (vec![TCP], Some((49152, 65535)), PortKind::Dynamic));
    let (got, kinds) = read("Dynamic (49152-65535)");
    assert_eq!((got.unwrap()[0].1, kinds), (Some((49152, 65535)), vec![AnomalyKind::DynamicPort]));
}

#[test]
fn a_slash_between_two_numbers_loads_both_and_says_so() {
    assert_eq!(ports("443/8531"), [(vec![], 443, 443), (vec![], 8531, 8531)]);
    assert_eq!(read("67/68").1, [AnomalyKind::SlashPorts]);
}

#[test]
fn footnote_marks_and_qualifiers_are_kept_in_the_note() {
    for (cell, mark) in [("1024-65535 *", "*"), ("1024-65535 \\*", "*"), ("445 (*)", "(*)"), ("30000-32767†", "†")]
    {
        let got = read(cell).0.unwrap();
        assert_eq!(got[0].3, vec![mark.to_string()], "{cell}");
    }
    let (got, kinds) = read("1433 (default)");
    assert_eq!((got.unwrap()[0].3.clone(), kinds), (vec!["default".to_string()], vec![AnomalyKind::PortRemark]));
    assert_eq!(read("9 (Note 2 Alternate port available)").0.unwrap()[0].3, vec!["Note 2 Alternate port available"]);
    assert_eq!(read("1433 Note 2 Alternate port available").0.unwrap()[0].3, vec!["Note 2 Alternate port available"]);
    assert_eq!(read("see comments").0.unwrap()[0].3, vec!["see comments"]);
    assert_eq!(read("DYNAMIC Note 6").0.unwrap()[0].3, vec!["Note 6"]);
    assert_eq!(read("443 *Note").0.unwrap()[0].3, vec!["*Note"]);
}

#[test]
fn dynamic_and_no_port_words() {
    for cell in ["DYNAMIC", "RANDOM", "Random high RPC Port", "RPC/DCOM High ports"] {
        let (got, kinds) = read(cell);
        assert_eq!(got.unwrap()[0].1, Some(LEGACY), "{cell}");
        assert_eq!(kinds, [AnomalyKind::DynamicPort], "{cell}");
    }
    for cell in ["n/a", "--", "Not applicable"] {
        assert_eq!(read(cell), (Ok(vec![(vec![], None, PortKind::None, vec![], None)]), vec![]), "{cell}");
    }
}

#[test]
fn any_all_configurable_and_a_protocol_alone_name_no_number() {
    for cell in ["Any", "All", "any port"] {
        assert_eq!(
            read(cell),
            (Ok(vec![(vec![], None, PortKind::Any, vec![], None)]), vec![AnomalyKind::AnyPort]),
            "{cell}"
        );
    }
    let cell = "The port number configured by the administrator.";
    let (got, kinds) = read(cell);
    assert_eq!(got.unwrap()[0].2, PortKind::Configurable);
    assert_eq!(kinds, [AnomalyKind::ConfigurablePort]);
    let mut ledger = Ledger::new(1);
    let context = PortContext { application: "x", dynamic_range: None };
    for cell in ["WMI", "CIM-XML"] {
        let got = parse_ports(cell, &context, &mut ledger).unwrap();
        assert_eq!((got[0].protocol.as_deref(), got[0].spec), (Some(cell), PortSpec::NONE), "{cell}");
    }
    assert_eq!(read("Ports can't be changed.").0.unwrap()[0].2, PortKind::None);
}

#[test]
fn open_ended_ranges_state_no_bounds() {
    let (got, kinds) = read("Minimum of 100 ports<br> above port 5000");
    assert_eq!(got.unwrap()[0].1, None);
    assert_eq!(kinds, [AnomalyKind::DynamicPort]);
    assert_eq!(read("Minimum of 100 ports above port 5000").0.unwrap()[0].2, PortKind::Dynamic);
}

#[test]
fn a_transport_per_item_and_markdown_footnote_references() {
    assert_eq!(ports("8300, 8301(UDP), 8500"), [(vec![], 8300, 8300), (vec![UDP], 8301, 8301), (vec![], 8500, 8500)]);
    assert_eq!(ports("5723, 5724/TCP"), [(vec![TCP], 5723, 5723), (vec![TCP], 5724, 5724)]);
    let (got, kinds) = read("443[^note-1]");
    assert_eq!((got.unwrap()[0].3.clone(), kinds), (vec!["[^note-1]".to_string()], vec![AnomalyKind::FootnoteMark]));
    assert_eq!(ports("disabled (8501)"), [(vec![], 8501, 8501)]);
    assert_eq!(ports("TCP: 80, 443"), [(vec![TCP], 80, 80), (vec![TCP], 443, 443)]);
    assert_eq!(ports("30000:32767"), [(vec![], 30000, 32767)]);
    assert!(read("443:80").0.is_err());
}

#[test]
fn labels_may_say_the_range_is_dynamic_or_name_the_transport() {
    let got = read("135 + Dynamic: 1024 -65535").0.unwrap();
    assert_eq!((got[0].1, got[0].2), (Some((135, 135)), PortKind::Fixed));
    assert_eq!((got[1].1, got[1].2), (Some((1024, 65535)), PortKind::Dynamic));
    assert_eq!(ports("445: SMB (over TCP)"), [(vec![TCP], 445, 445)]);
}

#[test]
fn lines_and_sentences_some_of_which_name_no_port() {
    let got = read("22: SFTP\n\nInbound rule on hosts").0.unwrap();
    assert_eq!(
        (got.len(), got[0].1, got[0].3.clone()),
        (1, Some((22, 22)), vec!["SFTP".to_string(), "Inbound rule on hosts".to_string()])
    );
    assert_eq!(
        ports("5060 (unsecured), 5061 (secured). The service listens on both ports."),
        [(vec![], 5060, 5060), (vec![], 5061, 5061)]
    );
    assert_eq!(
        ports(
            "5065 and 5067 for TCP (unsecured). 5065 and 5067 for mutual TLS (secured). If you have set it to Dual mode 5066 and 5068 are also used."
        ),
        [
            (vec![TCP], 5065, 5065),
            (vec![TCP], 5067, 5067),
            (vec![TCP], 5065, 5065),
            (vec![TCP], 5067, 5067),
            (vec![], 5066, 5066),
            (vec![], 5068, 5068)
        ]
    );
    assert_eq!(
        ports("WMI might be using TCP port 135.\n\nSee Special Considerations for Port 135"),
        [(vec![TCP], 135, 135)]
    );
    let scom = "5723/TCP<br>135/TCP<br><br>*RPC/DCOM&nbsp;High&nbsp;ports&nbsp;(2008&nbsp;OS&nbsp;and&nbsp;later)<br>Ports&nbsp;49152-65535&nbsp;TCP";
    let got = read(scom).0.unwrap();
    assert_eq!(
        got.iter().map(|v| (v.1, v.2)).collect::<Vec<_>>(),
        [
            (Some((5723, 5723)), PortKind::Fixed),
            (Some((135, 135)), PortKind::Fixed),
            (Some((49152, 65535)), PortKind::Dynamic)
        ]
    );
}

#[test]
fn icmp_messages_are_icmp_with_their_type() {
    for cell in ["Echo", "echo request", "Echo port (This port is required during a node join operation ...)"] {
        let (got, kinds) = read(cell);
        let got = got.unwrap();
        assert_eq!((got[0].0.clone(), got[0].4, got[0].2), (vec![Transport::Icmp], Some(8), PortKind::None), "{cell}");
        assert_eq!(kinds, [AnomalyKind::IcmpMessage]);
    }
}

#[test]
fn arrows_beside_ports_and_html_written_out() {
    let mut ledger = Ledger::new(1);
    let context = PortContext { application: "x", dynamic_range: Some(LEGACY) };
    let got = parse_ports("443 --->", &context, &mut ledger).unwrap();
    assert_eq!((got[0].spec.range, got[0].direction), (Some((443, 443)), Some(super::super::Direction::Outbound)));
    let got = parse_ports("<--- 135", &context, &mut ledger).unwrap();
    assert_eq!(got[0].direction, Some(super::super::Direction::Inbound));
    assert_eq!(ports("&nbsp;443&nbsp;"), [(vec![], 443, 443)]);
    assert_eq!(ports("1024 - 5000<br>49152 - 65535"), [(vec![], 1024, 5000), (vec![], 49152, 65535)]);
}

#[test]
fn what_cannot_be_read_is_refused() {
    assert!(read("eighty").0.unwrap_err().starts_with("unreadable port \"eighty\""));
    assert!(read("443/SCTP").0.is_err());
    assert!(read("80: WinRM: RPC").0.is_err());
    assert!(read(&"1,".repeat(5000)).0.unwrap_err().contains("characters"));
}

proptest! {
    #[test]
    fn any_cell_is_read_or_refused(cell in "[0-9TCPUDtcpud/,;:()*† \\-\n]{0,60}") {
        let _ = read(&cell);
    }

    #[test]
    fn cells_of_port_words_never_panic(parts in proptest::collection::vec(
        prop_oneof![
            Just("443"), Just("/"), Just("TCP"), Just("UDP"), Just(" and "), Just(" or "), Just(", "),
            Just("("), Just(")"), Just(":"), Just("Port "), Just("-"), Just("*"), Just("Echo"), Just("65536"),
            Just("RANDOM"), Just("n/a"), Just("\n"), Just(" through "), Just("between "),
        ],
        0..24,
    )) {
        let cell: String = parts.concat();
        if let Ok(values) = read(&cell).0 {
            for (_, range, kind, _, _) in values {
                prop_assert_eq!(range.is_none(), kind == PortKind::None);
                if let Some((low, high)) = range { prop_assert!(low <= high); }
            }
        }
    }

    #[test]
    fn a_long_cell_is_refused_quickly(n in 4097usize..20000) {
        let cell = "(".repeat(n);
        prop_assert!(read(&cell).0.is_err());
    }
}
