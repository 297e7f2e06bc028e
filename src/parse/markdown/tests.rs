use super::*;
use crate::parse::outline;
use crate::parse::words::without_alert_marker;

#[test]
fn front_matter_headings_paragraphs_and_lists() {
    let doc = "---\ntitle: x\nms.date: 09/08/2020\n---\n# Top\n\nSome *text*\nwrapped.\n\n- Echo, port 7\n- Discard\n\n  - nested\n";
    assert_eq!(
        outline(&markdown_blocks(doc).unwrap()),
        // The front matter's title is the page's heading; the rest of it is not the article's text.
        [
            "h1@2: x",
            "h1@5: Top",
            "p@7: Some text wrapped.",
            "p@10: • Echo, port 7",
            "p@11: • Discard",
            "p@13: • nested"
        ]
    );
}

#[test]
fn notes_are_notes_without_their_marker() {
    let doc = "### DNS\n\n> [!NOTE]\n> Packet filters are not required\n\n> [!IMPORTANT]\n>\n> - Start port\n";
    assert_eq!(
        outline(&markdown_blocks(doc).unwrap()),
        ["h3@1: DNS", "note@3: Packet filters are not required", "note@8: • Start port"]
    );
}

#[test]
fn table_rows_and_cells_keep_their_lines_and_values() {
    let doc = "intro\n\n| Application protocol| Protocol| Ports |\n|---|---|---|\n|RPC¹|TCP|135<br/>**random port number between 1024 - 65535**<sup>2</sup>|\n|ICMP (ping)|ICMP|\n||||\n";
    let blocks = markdown_blocks(doc).unwrap();
    let Block::Table(table) = &blocks[1] else { panic!("{blocks:?}") };
    assert_eq!(
        (table.line, table.header.clone()),
        (3, vec!["Application protocol".into(), "Protocol".into(), "Ports".into()])
    );
    let rows: Vec<(u32, Vec<&str>)> =
        table.rows.iter().map(|r| (r.line, r.cells.iter().map(|c| c.text.as_str()).collect())).collect();
    assert_eq!(
        rows,
        [
            (5, vec!["RPC¹", "TCP", "135\nrandom port number between 1024 - 65535²"]),
            // The row cut short keeps the cells it has: the padding is the parser's, not the document's.
            (6, vec!["ICMP (ping)", "ICMP"]),
            (7, vec!["", "", ""]),
        ]
    );
    let port = &table.rows[0].cells[2];
    assert_eq!(port.markup.as_deref(), Some("135<br/>**random port number between 1024 - 65535**<sup>2</sup>"));
    assert_eq!(table.rows[0].cells[0].markup, None, "a footnote mark is no markup");
}

#[test]
fn inline_markup_is_rendered_and_its_source_kept() {
    let blocks = markdown_blocks("System service name: `Dfs`\n\n### **Bold** [title](#x)\n").unwrap();
    let Block::Paragraph(p) = &blocks[0] else { panic!() };
    assert_eq!(
        (p.text.as_str(), p.markup.as_deref()),
        ("System service name: Dfs", Some("System service name: `Dfs`"))
    );
    let Block::Heading { text, .. } = &blocks[1] else { panic!() };
    assert_eq!((text.text.as_str(), text.markup.as_deref()), ("Bold title", Some("**Bold** [title](#x)")));
}

#[test]
fn cells_beyond_the_header_are_kept_as_written() {
    let blocks =
        markdown_blocks("|Application protocol|Protocol|Ports|\n|---|---|---|\n|SMB|TCP|445|**extra** \\| cell|\n")
            .unwrap();
    let Block::Table(table) = &blocks[0] else { panic!("{blocks:?}") };
    let cells: Vec<&str> = table.rows[0].cells.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(cells, ["SMB", "TCP", "445", "**extra** \\| cell"]);
    assert_eq!(source_cells("| a | b\\|c |"), [" a ", " b\\|c "]);
    assert_eq!(source_cells("a|b"), ["a", "b"]);
}

#[test]
fn alert_markers() {
    assert_eq!(without_alert_marker("[!NOTE] Text"), Some("Text"));
    assert_eq!(without_alert_marker("[!NOTE]"), None);
    assert_eq!(without_alert_marker("[link] text"), Some("[link] text"));
}

#[test]
fn a_bold_title_paragraph_is_a_heading_as_in_a_web_page() {
    let doc = "## Ports\n\nThe table below.\n\n**Required Client Ports**\n\n**Note**: not a title.\n";
    assert_eq!(
        outline(&markdown_blocks(doc).unwrap()),
        ["h2@1: Ports", "p@3: The table below.", "h5@5: Required Client Ports", "p@7: Note: not a title."]
    );
}
