//! The 2003 article saved as a web page, in a clean style (UTF-8, headings, lists, `<caption>`; and
//! once more with titles in plain paragraphs, as the text has them) and in a Word-export style (windows-1252 with a declared charset, CRLF, bold `MsoNormal` titles,
//! `&nbsp;` spacers, `MsoCaption`, cells holding `<p>`, tags broken over lines), gives the same
//! `port_rules` as the text, `source` and `source_line` apart; `source_line` is the line of the
//! row's `<tr`. Both pages are made here from raw/ports.txt.

use crate::common::*;
use std::collections::{HashMap, HashSet};

/// A piece of the article, as a page lays it out.
enum Piece {
    Title(String),
    Caption(String),
    Bullet(String),
    Paragraph(String),
    Spacer,
    /// Rows: the text line each starts on, and its three cells.
    Table(Vec<(usize, [String; 3])>),
}

fn is_header(line: &str) -> bool {
    let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
    words == ["application", "protocol", "protocol", "port"]
}

/// The article's pieces; which lines are titles and captions is taken from the text's own load.
fn pieces(text: &str, titles: &HashSet<usize>, captions: &HashSet<usize>) -> Vec<Piece> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (number, line) = (i + 1, lines[i]);
        i += 1;
        if is_header(line) {
            let mut cells = Vec::new();
            while i < lines.len() && !lines[i].trim().is_empty() {
                cells.push((i + 1, lines[i].to_string()));
                i += 1;
            }
            let rows = cells.chunks(3).map(|c| (c[0].0, [c[0].1.clone(), c[1].1.clone(), c[2].1.clone()])).collect();
            out.push(Piece::Table(rows));
        } else if line.is_empty() {
        } else if line.trim().is_empty() {
            out.push(Piece::Spacer);
        } else if titles.contains(&number) {
            out.push(Piece::Title(line.to_string()));
        } else if captions.contains(&number) {
            out.push(Piece::Caption(line.to_string()));
        } else if let Some(rest) = line.strip_prefix('●') {
            out.push(Piece::Bullet(rest.trim().to_string()));
        } else {
            out.push(Piece::Paragraph(line.to_string()));
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A page being written: its lines, and the line of each table row's `<tr` by the row's text line.
#[derive(Default)]
struct Page {
    lines: Vec<String>,
    row_lines: HashMap<usize, usize>,
}

impl Page {
    fn push(&mut self, text: impl AsRef<str>) {
        self.lines.extend(text.as_ref().split('\n').map(str::to_string));
    }
    fn next_line(&self) -> usize {
        self.lines.len() + 1
    }
}

/// `headings`: titles in `<h3>`; without, every title is a plain `<p>`, as in the text.
fn clean_page(pieces: &[Piece], headings: bool) -> Page {
    let mut page = Page::default();
    page.push("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Network Ports</title>");
    page.push("<style>\ntable { border-collapse: collapse; }\n</style>\n</head>\n<body>");
    let mut caption = None;
    let mut in_list = false;
    for piece in pieces {
        if in_list && !matches!(piece, Piece::Bullet(_)) {
            page.push("</ul>");
            in_list = false;
        }
        match piece {
            Piece::Title(t) if headings => page.push(format!("<h3>{}</h3>", escape(t))),
            Piece::Title(t) => page.push(format!("<p>{}</p>", escape(t))),
            Piece::Paragraph(t) => page.push(format!("<p>{}</p>", escape(t))),
            Piece::Spacer => {}
            Piece::Caption(t) => caption = Some(t.clone()),
            Piece::Bullet(t) => {
                if !in_list {
                    page.push("<ul>");
                    in_list = true;
                }
                page.push(format!("  <li>{}</li>", escape(t)));
            }
            Piece::Table(rows) => {
                page.push("<table>");
                if let Some(c) = caption.take() {
                    page.push(format!("<caption>{}</caption>", escape(&c)));
                }
                page.push(
                    "<thead>\n<tr><th>Application protocol</th><th>Protocol</th><th>Port</th></tr>\n</thead>\n<tbody>",
                );
                for (text_line, [a, p, port]) in rows {
                    page.row_lines.insert(*text_line, page.next_line());
                    page.push(format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(a),
                        escape(p),
                        escape(port)
                    ));
                }
                page.push("</tbody>\n</table>");
            }
        }
    }
    page.push("</body>\n</html>");
    page
}

/// Breaks text over lines of at most about 76 characters, as Word does in its HTML.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in text.split(' ') {
        if width > 0 && width + word.len() > 76 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

const SPACER: &str = "<p class=MsoNormal><o:p>&nbsp;</o:p></p>";

fn word_cell(text: &str, bold: bool) -> String {
    let words = escape(text);
    let inner = if bold {
        format!("<b><span style='font-size:10.0pt'>{words}</span></b>")
    } else {
        format!("<span\n  style='font-size:10.0pt;font-family:Arial'>{words}<o:p></o:p></span>")
    };
    format!(
        "  <td width=197 valign=top style='width:147.6pt;border:solid windowtext 1.0pt;\n  padding:0in 5.4pt 0in 5.4pt'>\n  <p class=MsoNormal>{inner}</p>\n  </td>"
    )
}

fn word_page(pieces: &[Piece]) -> Page {
    let mut page = Page::default();
    page.push("<html xmlns:v=\"urn:schemas-microsoft-com:vml\"\nxmlns:o=\"urn:schemas-microsoft-com:office:office\"\nxmlns:w=\"urn:schemas-microsoft-com:office:word\"\nxmlns=\"http://www.w3.org/TR/REC-html40\">\n");
    page.push("<head>\n<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\n<meta name=ProgId content=Word.Document>\n<meta name=Generator content=\"Microsoft Word 11\">");
    page.push("<title>Network Ports</title>\n<!--[if gte mso 9]><xml>\n <w:WordDocument>\n  <w:View>Print</w:View>\n </w:WordDocument>\n</xml><![endif]-->");
    page.push("<style>\n<!--\n p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0in;\n\tfont-size:12.0pt;}\n-->\n</style>\n</head>\n\n<body lang=EN-US style='tab-interval:.5in'>\n\n<div class=Section1>\n");
    for piece in pieces {
        match piece {
            Piece::Title(t) => page.push(format!(
                "<p class=MsoNormal><b><span style='font-size:13.5pt;font-family:Arial'>{}<o:p></o:p></span></b></p>\n",
                escape(t)
            )),
            Piece::Paragraph(t) => page.push(format!(
                "<p class=MsoNormal><span style='font-size:10.0pt;font-family:Arial'>{}<o:p></o:p></span></p>\n\n{SPACER}\n",
                wrap(&escape(t))
            )),
            Piece::Spacer => page.push(format!("{SPACER}\n")),
            Piece::Caption(t) => page.push(format!("<p class=MsoCaption>{}</p>\n", escape(t))),
            Piece::Bullet(t) => page.push(format!(
                "<p class=MsoNormal style='margin-left:.5in;text-indent:-.25in'><![if !supportLists]><span\nstyle='font-family:Symbol'>\u{b7}<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;\n</span></span><![endif]>{}</p>\n",
                wrap(&escape(t))
            )),
            Piece::Table(rows) => {
                page.push("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0\n style='border-collapse:collapse;border:none'>");
                page.push(" <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes;\n  height:12.75pt'>");
                for header in ["Application protocol", "Protocol", "Port"] {
                    page.push(word_cell(header, true));
                }
                page.push(" </tr>");
                for (i, (text_line, cells)) in rows.iter().enumerate() {
                    page.row_lines.insert(*text_line, page.next_line());
                    page.push(format!(" <tr style='mso-yfti-irow:{};\n  height:12.75pt'>", i + 1));
                    for cell in cells {
                        page.push(word_cell(cell, false));
                    }
                    page.push(" </tr>");
                }
                page.push("</table>\n");
            }
        }
    }
    page.push("</div>\n\n</body>\n\n</html>");
    page
}

#[test]
fn clean_and_word_pages_give_the_texts_rules_at_their_rows_lines() {
    let dir = workdir();
    std::fs::copy(repo_file("raw/ports.txt"), dir.path().join("ports.txt")).unwrap();
    kbingest(dir.path(), &["ports.txt", "-o", "text.db", "-q"]).success();
    let text_db = open(&dir.path().join("text.db"));
    let lines = |sql: &str| -> HashSet<usize> { rows(&text_db, sql).iter().map(|r| r[0].parse().unwrap()).collect() };
    let titles = lines("SELECT first_line FROM services");
    let captions = lines("SELECT source_line FROM anomalies WHERE kind = 'table_caption'");
    assert_eq!((titles.len(), captions.len()), (62, 1));
    let text = std::fs::read_to_string(dir.path().join("ports.txt")).unwrap();
    let pieces = pieces(&text, &titles, &captions);

    let clean = clean_page(&pieces, true);
    std::fs::write(dir.path().join("clean.html"), clean.lines.join("\n")).unwrap();
    let plain = clean_page(&pieces, false);
    std::fs::write(dir.path().join("plain.html"), plain.lines.join("\n")).unwrap();
    let word = word_page(&pieces);
    // Word writes CRLF; encoding_rs writes anything windows-1252 lacks as a character reference.
    let word_text = word.lines.join("\r\n");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&word_text);
    std::fs::write(dir.path().join("word.htm"), &bytes).unwrap();
    kbingest(dir.path(), &["clean.html", "plain.html", "word.htm", "-o", "pages.db"])
        .success()
        .stderr_has("clean.html: loaded 62 services, 172 port rules")
        .stderr_has("plain.html: loaded 62 services, 172 port rules")
        .stderr_has("word.htm: loaded 62 services, 172 port rules");
    let db = open(&dir.path().join("pages.db"));
    assert_eq!(
        rows(&db, "SELECT name, format, encoding FROM sources ORDER BY name"),
        [["clean.html", "html", "UTF-8"], ["plain.html", "html", "UTF-8"], ["word.htm", "html", "windows-1252"]]
    );

    let original = rules(&text_db, "ports.txt");
    assert_eq!(original.len(), 172);
    for (name, page) in [("clean.html", &clean), ("plain.html", &plain), ("word.htm", &word)] {
        let got = rules(&db, name);
        assert_eq!(got.len(), original.len(), "{name}");
        for (from_page, from_text) in got.iter().zip(&original) {
            assert_eq!(from_page[..10], from_text[..10], "{name}");
            let text_line: usize = from_text[10].parse().unwrap();
            let page_line: usize = from_page[10].parse().unwrap();
            assert_eq!(page_line, page.row_lines[&text_line], "{name}: the row at text line {text_line}");
            assert!(page.lines[page_line - 1].trim_start().starts_with("<tr"), "{name}:{page_line}");
        }
    }
    // The declared charset was honoured: the registered marks of the descriptions survived.
    let marked = "SELECT count(*) FROM services WHERE description LIKE '%®%'";
    assert_eq!(
        scalar::<i64>(&db, &format!("{marked} AND source_id = (SELECT id FROM sources WHERE name = 'word.htm')")),
        5
    );
    assert_eq!(scalar::<i64>(&text_db, marked), 5);
    // The cross-checks find in each page what they find in the text.
    let kinds = "SELECT kind, count(*) FROM anomalies WHERE source = ?1
                 AND kind IN ('prose_conflict', 'encoding_artifact') GROUP BY kind ORDER BY kind";
    for name in ["ports.txt", "clean.html", "plain.html", "word.htm"] {
        let db = if name == "ports.txt" { &text_db } else { &db };
        assert_eq!(rows_with(db, kinds, [name]), [["encoding_artifact", "2"], ["prose_conflict", "7"]], "{name}");
    }
}
