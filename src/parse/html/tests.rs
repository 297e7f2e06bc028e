use super::*;
use crate::parse::outline;
use crate::stop::Stop;

fn blocks(page: &str) -> Vec<Block> {
    html_blocks(page, "page.html").unwrap()
}

#[test]
fn a_clean_page() {
    let page = "<!DOCTYPE html>\n<html><head><title>Ports</title><style>p {}</style></head>\n<body>\n\
                <h3>DNS Server</h3>\n<p>The DNS Server service\nanswers queries.</p>\n<ul>\n<li>Echo, port 7</li>\n</ul>\n\
                <p>System Service Name DNS</p>\n<table>\n<caption>Default ports</caption>\n\
                <tr><th>Application protocol</th><th>Protocol</th><th>Port</th></tr>\n\
                <tr><td>DNS</td><td>UDP</td><td>53</td></tr>\n</table>\n</body></html>";
    assert_eq!(
        outline(&blocks(page)),
        [
            "h3@4: DNS Server",
            "p@5: The DNS Server service answers queries.",
            "p@8: • Echo, port 7",
            "p@10: System Service Name DNS",
            "caption@12: Default ports",
            "table@13 [Application protocol|Protocol|Port] 14:DNS/UDP/53",
        ]
    );
}

#[test]
fn a_word_export() {
    let page = "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>\n<!--[if gte mso 9]><xml>\n<o:p></o:p></xml><![endif]-->\n</head>\n<body lang=EN-US>\n\
                <div class=WordSection1>\n\
                <p class=MsoNormal><b><span style='font-size:12.0pt'>DNS\nServer<o:p></o:p></span></b></p>\n\
                <p class=MsoNormal><o:p>&nbsp;</o:p></p>\n\
                <p class=MsoNormal><span style='font-size:10.0pt'>System Service Name DNS</span></p>\n\
                <p class=MsoCaption>Default Ports</p>\n\
                <table class=MsoNormalTable border=1>\n <tr style='mso-yfti-irow:0;\n  height:12.0pt'>\n  <td valign=top><p class=MsoNormal><b>Application protocol</b></p></td>\n\
                <td><p class=MsoNormal><b>Protocol</b></p></td><td><p class=MsoNormal><b>Port</b></p></td>\n </tr>\n\
                <tr style='mso-yfti-irow:1;\n  height:12.0pt'>\n  <td width=200\n  valign=top><p class=MsoNormal><span>DNS</span></p></td>\n\
                <td><p class=MsoNormal>UDP</p></td><td><p class=MsoNormal>1024 -<o:p></o:p></p><p class=MsoNormal>5000</p></td>\n </tr>\n</table>\n</div>\n</body>\n</html>";
    let got = blocks(page);
    assert_eq!(
        outline(&got),
        [
            "h5@8: DNS Server",
            "p@11: System Service Name DNS",
            "caption@12: Default Ports",
            "table@14 [Application protocol|Protocol|Port] 19:DNS/UDP/1024 -+5000",
        ]
    );
    let Block::Table(table) = &got[3] else { panic!() };
    assert_eq!(table.rows[0].cells[0].line, 21, "a cell's line is where its <td begins");
    assert!(table.rows[0].cells.iter().all(|c| c.markup.is_none()), "Word's spans are no markup");
}

#[test]
fn layout_tables_are_page_text_and_title_rows_are_captions() {
    let page = "<table><tr><td>\n<p><strong>DNS Server</strong></p>\n<table>\n<tr><td colspan=3>DNS ports</td></tr>\n\
                <tr><td>Application protocol</td><td>Protocol</td><td>Port</td></tr>\n<tr><td>DNS</td><td><b>UDP</b></td><td>53</td></tr>\n\
                </table></td></tr></table>";
    let got = blocks(page);
    assert_eq!(
        outline(&got),
        ["h5@2: DNS Server", "caption@4: DNS ports", "table@5 [Application protocol|Protocol|Port] 6:DNS/UDP/53"]
    );
    let Block::Table(table) = &got[2] else { panic!() };
    assert_eq!(table.rows[0].cells[1].markup.as_deref(), Some("<b>UDP</b>"));
}

#[test]
fn notes_bold_sentences_and_breaks() {
    let page = "<blockquote>\n<p>[!NOTE]\nPort 445 only</p>\n</blockquote>\n<blockquote><p>Indented Title</p></blockquote>\n\
                <p><b>This whole paragraph is bold.</b></p>\n<div>Server<br>\nSystem Service Name<span> lanmanserver</span></div>";
    assert_eq!(
        outline(&blocks(page)),
        [
            "note@2: Port 445 only",
            "p@5: Indented Title",
            "p@6: This whole paragraph is bold.",
            "p@7: Server",
            "p@8: System Service Name lanmanserver",
        ]
    );
}

#[test]
fn a_page_nested_too_deep_is_refused() {
    let page = format!("<body>{}<p>x</p>", "<div>".repeat(MAX_DEPTH + 10));
    let err = html_blocks(&page, "deep.html").unwrap_err();
    assert!(err.to_string().starts_with("deep.html:1: elements are nested more than"), "{err}");
}

#[test]
fn a_stop_is_noticed_while_parsing_and_laying_out() {
    let stopped = Stop::new(|| Some(2));
    let page = format!("<html><body><h2>DNS</h2><table>{}</table></body></html>", "<tr><td>x</td></tr>".repeat(10));
    let err = html_blocks_within(&page, "p.html", &PageLimits::default(), stopped).unwrap_err();
    assert_eq!(err.exit_code(), 130);
    let doc = format!("# DNS\n\n{page}\n");
    let err = crate::parse::markdown::markdown_blocks_within(&doc, "p.md", &PageLimits::default(), stopped);
    assert_eq!(err.unwrap_err().exit_code(), 130);
}

#[test]
fn lines_hold_across_the_pieces_the_parser_is_given() {
    let filler = "<p>filler text of a line</p>\n".repeat(10_000);
    let page = format!(
        "<html><body>\n{filler}<h2>DNS</h2>\n<table><tr><th>Protocol</th><th>Port</th></tr>\n<tr><td>TCP</td><td>53</td></tr></table>"
    );
    assert!(page.len() > 4 * 64 * 1024);
    let tables: Vec<String> = outline(&blocks(&page)).into_iter().filter(|b| b.starts_with("table")).collect();
    assert_eq!(tables, ["table@10003 [Protocol|Port] 10004:TCP/53"]);
}
