use super::*;
use crate::parse::text::TextBlocks;
use crate::parse::words::mentions_system_service_name;
use crate::read::Line;

fn events(doc: &str) -> Vec<Event> {
    let lines = doc.split('\n').enumerate().map(|(i, t)| Ok(Line { number: i as u32 + 1, text: t.to_string() }));
    Sections::new(TextBlocks::new(lines)).collect::<Result<_>>().unwrap()
}

fn sections(doc: &str) -> Vec<Section> {
    events(doc)
        .into_iter()
        .filter_map(|e| match e {
            Event::Section(s) => Some(s),
            _ => None,
        })
        .collect()
}

const TABLE: &str = "Application protocol Protocol Port\nDNS\nUDP\n53";

#[test]
fn the_document_header_is_not_a_section() {
    let doc = format!(
        "Publisher - Knowledge Base\n\nNetwork Ports\n\nProduct Ports\n\nThis section describes each service.\n\n\
         DNS Server\n\nThe DNS Server service answers queries.\n\nSystem Service Name DNS\n\n{TABLE}\n\nFooter line\nPhone"
    );
    let got = sections(&doc);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].title, Located::new(9, "DNS Server"));
    assert_eq!(got[0].description, vec![Located::new(11, "The DNS Server service answers queries.")]);
    assert_eq!(got[0].system_service_lines, vec![Located::new(13, "System Service Name DNS")]);
    assert!(got[0].captions.is_empty());
    assert_eq!(got[0].last_line(), 18);
}

#[test]
fn a_caption_between_description_and_table_is_not_a_title() {
    let doc = format!(
        "First\n\nIt does things.\n\n{TABLE}\n\nSQL Server: Downlevel OLAP Client Support\n\n\
         This service supports old clients.\n\nDefault Ports for OLAP Services Used by SQL Server 7.0\n\n{TABLE}"
    );
    let got = sections(&doc);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].title.text, "SQL Server: Downlevel OLAP Client Support");
    assert_eq!(got[1].captions, vec![Located::new(14, "Default Ports for OLAP Services Used by SQL Server 7.0")]);
    assert_eq!(got[1].description.len(), 1);
}

#[test]
fn a_section_without_description_takes_its_first_title_line() {
    let doc = format!("First\n\nIt does things.\n\n{TABLE}\n\nBare Service\n\n{TABLE}");
    let got = sections(&doc);
    assert_eq!(got[1].title.text, "Bare Service");
    assert!(got[1].description.is_empty() && got[1].captions.is_empty());
}

#[test]
fn a_table_right_after_a_table_joins_its_section_and_is_ledgered() {
    let doc = format!("First\n\nIt does things.\n\n{TABLE}\n\nA sentence only.\n\n{TABLE}");
    let got = sections(&doc);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].tables.len(), 2);
    assert_eq!(got[0].anomalies[0].kind, AnomalyKind::TableWithoutTitle);
}

#[test]
fn a_titled_section_with_a_name_but_no_table_is_ledgered() {
    let doc = format!(
        "First\n\nIt does things.\n\n{TABLE}\n\nLonely Service\n\nIt has no ports.\n\n\
         System Service Name Lonely\n\nNext Service\n\nIt does more.\n\nSystem Service Name Next\n\n{TABLE}"
    );
    let got = events(&doc);
    let lonely: Vec<&Anomaly> = got
        .iter()
        .filter_map(|e| match e {
            Event::Anomaly(a) if a.kind == AnomalyKind::SectionWithoutTable => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(lonely.len(), 1, "{got:?}");
    assert_eq!((lonely[0].line, lonely[0].raw.as_str()), (10, "Lonely Service"));
    let titles: Vec<String> = sections(&doc).into_iter().map(|s| s.title.text).collect();
    assert_eq!(titles, ["First", "Next Service"]);
}

#[test]
fn a_table_before_any_title_is_a_problem_per_row() {
    let got = events(&format!("{TABLE}\nSMB\nTCP\n445"));
    assert!(matches!(&got[..], [Event::Problem(a), Event::Problem(b)] if a.line == 2 && b.line == 5), "{got:?}");
}

#[test]
fn headings_title_sections_and_later_tables_take_captions() {
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let table = crate::parse::Table { line: 3, header, rows: vec![], footnotes: vec![] };
    let blocks = vec![
        Block::Heading { level: 2, text: Located::new(1, "Part") },
        Block::Heading { level: 3, text: Located::new(2, "Hyper-V service") },
        Block::Paragraph(Located::new(3, "Hyper-V replica")),
        Block::Table(table.clone()),
        Block::Paragraph(Located::new(5, "Hyper-V live migration")),
        Block::Table(table.clone()),
        Block::Heading { level: 3, text: Located::new(7, "IPAM") },
        Block::Paragraph(Located::new(8, "It listens on port 48885.")),
        Block::Heading { level: 2, text: Located::new(9, "References") },
        Block::Heading { level: 3, text: Located::new(10, "General") },
    ];
    let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
    assert_eq!(got.len(), 3, "{got:?}");
    let Event::Section(s) = &got[0] else { panic!() };
    assert_eq!(s.title.text, "Hyper-V service");
    assert_eq!(s.tables.len(), 2);
    assert_eq!(
        s.captions.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
        ["Hyper-V replica", "Hyper-V live migration"]
    );
    let Event::Anomaly(a) = &got[1] else { panic!() };
    assert_eq!((a.kind, a.line), (AnomalyKind::SectionWithoutTable, 7));
    // The table-less section's text is recorded, not dropped.
    let Event::Anomaly(a) = &got[2] else { panic!() };
    assert_eq!((a.kind, a.line, a.raw.as_str()), (AnomalyKind::UnattachedText, 8, "It listens on port 48885."));
}

#[test]
fn system_service_name_inside_a_paragraph_is_found() {
    assert!(mentions_system_service_name("Finally, hard-code it. System service name: LSASS."));
    assert!(mentions_system_service_name("System Service Namelanmanserver"));
    assert!(!is_title_like("System Service Name DNS"));
    assert!(is_title_like("MSSQL$UDDI"));
    assert!(!is_title_like("●   Echo, port 7, RFC 862"));
}

#[test]
fn summary_tables_are_handed_on_and_own_no_section() {
    let ports = |line| crate::parse::Table {
        line,
        header: vec!["Application protocol".into(), "Protocol".into(), "Ports".into()],
        rows: vec![],
        footnotes: vec![],
    };
    let summary = crate::parse::Table {
        line: 6,
        header: vec!["Port".into(), "Protocol".into(), "Application protocol".into(), "System service name".into()],
        rows: vec![],
        footnotes: vec![],
    };
    let blocks = vec![
        Block::Heading { level: 2, text: Located::new(1, "System services ports") },
        Block::Heading { level: 3, text: Located::new(2, "DNS Server") },
        Block::Table(ports(3)),
        Block::Heading { level: 2, text: Located::new(5, "Ports and protocols") },
        Block::Table(summary),
        Block::Heading { level: 2, text: Located::new(8, "References") },
        Block::Paragraph(Located::new(9, "See the help.")),
    ];
    let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(matches!(&got[0], Event::Section(s) if s.title.text == "DNS Server"));
    // The summary table is judged later, against the per-service tables' rules.
    assert!(matches!(&got[1], Event::Summary(t) if t.table.line == 6), "{got:?}");
    // The footer is recorded.
    assert!(matches!(&got[2], Event::Anomaly(a) if a.kind == AnomalyKind::UnattachedText && a.line == 9));
}

#[test]
fn a_note_before_a_table_is_description_not_a_caption() {
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let blocks = vec![
        Block::Heading { level: 3, text: Located::new(1, "Server") },
        Block::Paragraph(Located::new(2, "Shares files.")),
        Block::Note(Located::new(3, "Port 445 only")),
        Block::Table(crate::parse::Table { line: 4, header, rows: vec![], footnotes: vec![] }),
    ];
    let got: Vec<Event> = Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap();
    let Event::Section(s) = &got[0] else { panic!("{got:?}") };
    assert!(s.captions.is_empty(), "{s:?}");
    assert_eq!(s.description, [Located::new(2, "Shares files."), Located::new(3, "Port 445 only")]);
}

#[test]
fn the_label_is_found_in_any_case_and_spacing() {
    assert!(mentions_system_service_name("SYSTEM  SERVICE\u{a0}NAME DNS"));
    assert!(mentions_system_service_name("  System Service Namelanmanserver"));
    assert!(mentions_system_service_name("The names. System service names : ProfSvc, CscService"));
    assert!(!mentions_system_service_name("The system service name is not given here."));
    assert!(!mentions_system_service_name("Systemservice name: x"));
    assert!(!mentions_system_service_name("ecosystem é service"));
    assert!(starts_with_system_service_name(" system service name: X"));
    assert!(!starts_with_system_service_name("A system service name: X"));
}

fn port_table(line: u32, rows: &[(u32, &str)]) -> crate::parse::Table {
    let header = vec!["Application protocol".into(), "Protocol".into(), "Port".into()];
    let rows = rows
        .iter()
        .map(|&(l, app)| crate::parse::TableRow {
            line: l,
            cells: [app, "TCP", "80"].iter().map(|c| Located::new(l, *c)).collect(),
        })
        .collect();
    crate::parse::Table::new(line, header, rows)
}

fn run(blocks: Vec<Block>) -> Vec<Event> {
    Sections::new(blocks.into_iter().map(Ok)).collect::<Result<_>>().unwrap()
}

#[test]
fn footnotes_right_below_a_table_are_its_own() {
    let got = run(vec![
        Block::Heading { level: 2, text: Located::new(1, "Web") },
        Block::Table(port_table(2, &[(4, "HTTP†")])),
        Block::Paragraph(Located::new(6, "† Configurable.")),
        Block::Note(Located::new(7, "(*) Not a mark any row carries.")),
        Block::Paragraph(Located::new(8, "More about the web service.")),
        Block::Paragraph(Located::new(9, "* Not right below the table.")),
    ]);
    let Event::Section(s) = &got[0] else { panic!("{got:?}") };
    let footnotes: Vec<&str> = s.tables[0].table.footnotes.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(footnotes, ["† Configurable.", "(*) Not a mark any row carries."]);
    // What follows is the section's remarks.
    let description: Vec<&str> = s.description.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(description, ["More about the web service.", "* Not right below the table."]);
}

#[test]
fn a_heading_is_a_caption_only_right_before_a_table_under_a_described_section_of_its_level() {
    let titles = |blocks: Vec<Block>| -> Vec<String> {
        run(blocks)
            .into_iter()
            .filter_map(|e| match e {
                Event::Section(s) => {
                    Some(format!("{} {:?}", s.title.text, s.captions.iter().map(|c| &c.text).collect::<Vec<_>>()))
                }
                _ => None,
            })
            .collect()
    };
    let h = |level, line, text| Block::Heading { level, text: Located::new(line, text) };
    let p = |line, text| Block::Paragraph(Located::new(line, text));
    // The OLAP shape: a caption.
    assert_eq!(
        titles(vec![
            h(2, 1, "OLAP"),
            p(2, "Used by SQL Server."),
            h(2, 3, "Default Ports"),
            Block::Table(port_table(4, &[(6, "OLAP")]))
        ]),
        ["OLAP [\"Default Ports\"]"]
    );
    // A deeper heading (Configuration Manager's `###` under a described `##`): its own section.
    assert_eq!(
        titles(vec![
            h(2, 1, "Ports"),
            p(2, "The sections below."),
            h(3, 3, "Client"),
            Block::Table(port_table(4, &[(6, "HTTP")]))
        ]),
        ["Client []"]
    );
    // A heading with a description of its own: its own section.
    assert_eq!(
        titles(vec![
            h(2, 1, "A"),
            p(2, "About A."),
            h(2, 3, "B"),
            p(4, "About B."),
            Block::Table(port_table(5, &[(7, "HTTP")]))
        ]),
        ["B []"]
    );
}

#[test]
fn a_long_stretch_without_a_table_is_not_held_whole() {
    let mut finder = Sections::new(std::iter::empty::<Result<Block>>());
    for n in 0..50_000 {
        finder
            .wait(Pending::new(Located::new(n, format!("A line of prose number {n}, not a title.")), Role::Paragraph));
        assert!(finder.pending.len() <= MAX_PENDING, "{} paragraphs waiting", finder.pending.len());
    }
    let long = "x".repeat(1 << 20);
    for n in 0..40 {
        finder.wait(Pending::new(Located::new(n, long.clone()), Role::Paragraph));
    }
    assert!(finder.pending_bytes <= MAX_PENDING_BYTES, "{} bytes waiting", finder.pending_bytes);
    assert_eq!(finder.pending_bytes, finder.pending.iter().map(|p| p.text.text.len()).sum::<usize>());
}

#[test]
fn a_section_after_a_long_stretch_without_a_table_is_still_found() {
    let prose = "Some prose about the product, which goes on.\n\n".repeat(20_000);
    let doc =
        format!("{prose}DNS Server\n\nThe DNS Server service answers queries.\n\nSystem Service Name DNS\n\n{TABLE}");
    let got = sections(&doc);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].title.text, "DNS Server");
    assert_eq!(got[0].description.len(), 1);
}

#[test]
fn a_table_with_no_title_anywhere_before_it_is_titled_by_its_lead_in() {
    // `For back-end servers:` introduces the table of an untitled page (an include fragment).
    let got = events(&format!("For back-end servers:\n\n{TABLE}"));
    let section = got.iter().find_map(|e| if let Event::Section(s) = e { Some(s) } else { None }).unwrap();
    assert_eq!(section.title, Located::new(1, "For back-end servers"));
    assert_eq!(section.anomalies[0].kind, AnomalyKind::LeadInTitle);
    assert_eq!(section.anomalies[0].raw, "For back-end servers:");
    // A sentence that does not introduce it leaves the rows without a title, as before.
    let got = events(&format!("these ports are needed.\n\n{TABLE}"));
    assert!(got.iter().any(|e| matches!(e, Event::Problem(_))) && !got.iter().any(|e| matches!(e, Event::Section(_))));
}
