//! Property tests of the bounds that hold for any page (issue 23): spans never lay out more cells
//! than the limit, the attribute count before parsing never misses one the parser sees, and the
//! registry readers load only records they have checked, each once.

use kbingest::parse::PageLimits;
use kbingest::parse::html::html_blocks_within;
use kbingest::parse::registry::read_registry;
use kbingest::parse::{Block, Table};
use kbingest::read::InputFormat;
use kbingest::stop::Stop;
use proptest::prelude::*;

fn cells(table: &Table) -> usize {
    table.header.len() + table.rows.iter().map(|r| r.cells.len()).sum::<usize>()
}

/// A table of rows of cells with spans from 1 to 1,000 (or not numbers at all).
fn spanned_table() -> impl Strategy<Value = String> {
    let span = prop_oneof![4 => 1u32..4, 2 => 1u32..1001, 1 => Just(1_000_000)];
    let cell = (span.clone(), span, any::<bool>()).prop_map(|(rows, columns, junk)| {
        let rows = if junk { "x".to_string() } else { rows.to_string() };
        format!("<td rowspan={rows} colspan={columns}>53</td>")
    });
    let row = prop::collection::vec(cell, 0..5).prop_map(|cells| format!("<tr>{}</tr>\n", cells.concat()));
    prop::collection::vec(row, 1..40).prop_map(|rows| {
        format!(
            "<html><body><h2>DNS</h2><table><tr><th>Application protocol</th><th>Protocol</th><th>Port</th></tr>\n{}</table></body></html>",
            rows.concat()
        )
    })
}

/// A start tag of attributes as people and tools write them, and as attackers do: quoted `>`,
/// repeated names, no values, slashes.
fn attribute_soup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        " a",
        " b=1",
        " c='>'",
        " d=\"x > y\"",
        " a",
        "/",
        " e = f",
        " g=\"",
        "\"",
        " h='",
        "'",
        "\n",
        ">",
        " i",
    ]);
    prop::collection::vec(piece, 0..60)
        .prop_map(|parts| format!("<html><body><p{}>x</p><p>y</p></body></html>", parts.concat()))
}

/// Lines of a registry, valid and not.
fn registry_lines(format: InputFormat) -> impl Strategy<Value = String> {
    let lines: Vec<&'static str> = match format {
        InputFormat::IanaCsv => vec![
            "http,80,tcp,World Wide Web,,,,,,,,\n",
            "http,80,tcp,World Wide Web,,,,,,,,\n",
            ",81,,Unassigned,,,,,,,,\n",
            "x,6000-6063,udp,\"X\nWindow\",,,,,,,,\n",
            "semi;85;tcp\n",
            ",,,,,,,,,,,\n",
            "bad,99999,tcp,,,,,,,,,\n",
            "odd,90,ddp,,,,,,,,,\n",
            "open,91,tcp,\"never closed,,,,,,,,\n",
            "\n",
        ],
        _ => vec![
            "http\t80/tcp\t\t# WWW\n",
            "http\t80/tcp\t\t# WWW\n",
            "rtmp\t1/ddp\n",
            "x\t6000-6063/udp x11\n",
            "bad\t70000/tcp\n",
            "noport\n",
            "# comment\n",
            "\n",
            "nmap\t53/udp\t0.5\n",
        ],
    };
    prop::collection::vec(prop::sample::select(lines), 0..40).prop_map(move |parts| {
        let header = if format == InputFormat::IanaCsv {
            "Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\n"
        } else {
            ""
        };
        format!("{header}{}", parts.concat())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn spans_never_lay_out_more_cells_than_the_limit(page in spanned_table(), limit in 1usize..5000) {
        let limits = PageLimits { table_cells: limit, ..PageLimits::default() };
        match html_blocks_within(&page, "p.html", &limits, Stop::NEVER) {
            Ok(blocks) => {
                for block in &blocks {
                    if let Block::Table(table) = block {
                        prop_assert!(cells(table) <= limit, "{} cells, limit {limit}", cells(table));
                    }
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.contains("--max-table-cells") || text.contains("--max-input-size"), "{text}");
                prop_assert_eq!(e.exit_code(), 1);
            }
        }
    }

    #[test]
    fn the_attribute_count_misses_none_the_parser_sees(page in attribute_soup(), limit in 0usize..8) {
        let limits = PageLimits { attributes: limit, ..PageLimits::default() };
        let most = scraper::Html::parse_document(&page)
            .tree
            .values()
            .filter_map(|node| node.as_element())
            .map(|element| element.attrs().count())
            .max()
            .unwrap_or(0);
        match html_blocks_within(&page, "p.html", &limits, Stop::NEVER) {
            Ok(_) => prop_assert!(most <= limit, "accepted an element of {most} attributes, limit {limit}"),
            Err(e) => prop_assert!(e.to_string().contains("--max-attributes"), "{e}"),
        }
    }

    #[test]
    fn registries_load_only_checked_records_each_once(
        iana in registry_lines(InputFormat::IanaCsv),
        services in registry_lines(InputFormat::Services),
    ) {
        for (format, text) in [(InputFormat::IanaCsv, &iana), (InputFormat::Services, &services)] {
            let read = read_registry(format, text).unwrap();
            let lines = text.split('\n').count() as u32;
            let mut seen = std::collections::HashSet::new();
            for r in &read.records {
                prop_assert!(r.transport.as_deref().is_none_or(|t| ["TCP", "UDP", "SCTP", "DCCP"].contains(&t)), "{r:?}");
                prop_assert!(r.service_name.is_some() || r.ports.is_some() || r.transport.is_some(), "{r:?}");
                prop_assert!(r.line >= 1 && r.line <= lines);
                prop_assert!(seen.insert(format!("{:?}{:?}{:?}{:?}{:?}", r.service_name, r.transport, r.ports, r.aliases, r.description)), "repeated: {r:?}");
            }
            for p in &read.problems {
                prop_assert!(p.line >= 1 && p.line <= lines, "{p:?}");
            }
            for a in &read.repeats {
                prop_assert!(a.line >= 2 && a.message.contains("loaded once"), "{a:?}");
            }
        }
    }
}
