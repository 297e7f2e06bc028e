//! The table directives of reStructuredText: `list-table` (a bullet list of bullet lists, items
//! over several lines, `:header-rows:`) and `csv-table` (CSV rows inline, `:header:`,
//! `:header-rows:`, `:delim:`). Each gives its rows of cells as lines, for the reader to read.

use super::Src;
use super::grids::{Drawn, DrawnCell};

/// A directive's options (`:header-rows: 1`), by name.
pub type Options = Vec<(String, String)>;

fn option<'a>(options: &'a Options, name: &str) -> Option<&'a str> {
    options.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `:header-rows:` as a number (0 where absent or unreadable).
fn header_rows(options: &Options) -> usize {
    option(options, "header-rows").and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// Indentation of a line, in characters.
pub fn indent(text: &str) -> usize {
    text.chars().take_while(|c| *c == ' ').count()
}

/// Lines with `width` leading characters removed (blank lines kept blank).
pub fn dedent(lines: &[Src], width: usize) -> Vec<Src> {
    lines
        .iter()
        .map(|l| Src { number: l.number, text: l.text.chars().skip(width.min(indent(&l.text))).collect() })
        .collect()
}

/// The items of a bullet list (`* ` or `- `), each its lines with the marker's width removed.
fn bullet_items(lines: &[Src]) -> Vec<Vec<Src>> {
    let mut items: Vec<Vec<Src>> = Vec::new();
    for line in lines {
        let t = line.text.as_str();
        let marker = ["* ", "- ", "+ "].iter().any(|m| t.starts_with(m)) || ["*", "-", "+"].contains(&t.trim_end());
        if marker {
            let rest: String = t.chars().skip(2).collect();
            items.push(vec![Src { number: line.number, text: rest }]);
        } else if let Some(item) = items.last_mut()
            && (t.trim().is_empty() || indent(t) > 0)
        {
            item.push(Src { number: line.number, text: t.chars().skip(2.min(indent(t))).collect() });
        }
    }
    for item in &mut items {
        while item.last().is_some_and(|l| l.text.trim().is_empty()) {
            item.pop();
        }
    }
    items
}

/// A `list-table`'s rows.
pub fn list_table(options: &Options, content: &[Src]) -> Drawn {
    let rows = bullet_items(content)
        .into_iter()
        .map(|row| {
            let line = row.first().map_or(0, |l| l.number);
            let inner_indent =
                row.iter().filter(|l| !l.text.trim().is_empty()).map(|l| indent(&l.text)).min().unwrap_or(0);
            let cells = bullet_items(&dedent(&row, inner_indent))
                .into_iter()
                .map(|lines| DrawnCell { lines, rows: 1, columns: 1 })
                .collect();
            (line, cells)
        })
        .collect();
    Drawn { rows, header_rows: header_rows(options) }
}

/// The records of CSV text, each with the line it starts on, as docutils reads them: white space
/// after a delimiter skipped, `"` quoting (a doubled `""` is a quote), quoted fields over lines.
pub(crate) fn records(text: &str, first_line: u32, delimiter: char) -> Vec<(u32, Vec<String>)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = first_line;
    let (mut record, mut field, mut start) = (Vec::new(), String::new(), first_line);
    let (mut quoted, mut at_field_start) = (false, true);
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            ' ' | '\t' if at_field_start && c != delimiter => {}
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            '\n' => {
                record.push(std::mem::take(&mut field).trim().to_string());
                if record.iter().any(|f: &String| !f.is_empty()) || record.len() > 1 {
                    out.push((start, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start = line;
                at_field_start = true;
            }
            c if c == delimiter => {
                record.push(std::mem::take(&mut field).trim().to_string());
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    record.push(field.trim().to_string());
    if record.iter().any(|f| !f.is_empty()) || record.len() > 1 {
        out.push((start, record));
    }
    out
}

/// A `csv-table`'s rows: the `:header:` option's first, then the content's.
pub fn csv_table(options: &Options, content: &[Src], directive_line: u32) -> Drawn {
    let delimiter = match option(options, "delim").map(str::trim) {
        Some("tab") => '\t',
        Some("space") => ' ',
        Some(d) if d.chars().count() == 1 => d.chars().next().unwrap_or(','),
        _ => ',',
    };
    let cell = |number: u32, text: String| DrawnCell { lines: vec![Src { number, text }], rows: 1, columns: 1 };
    let mut rows: Vec<(u32, Vec<DrawnCell>)> = Vec::new();
    let mut header = header_rows(options);
    if let Some(names) = option(options, "header") {
        for (_, record) in records(names, 1, ',') {
            rows.push((directive_line, record.into_iter().map(|t| cell(directive_line, t)).collect()));
            header += 1;
        }
    }
    let Some(first) = content.iter().find(|l| !l.text.trim().is_empty()) else {
        return Drawn { rows, header_rows: header };
    };
    let body: String =
        content.iter().skip_while(|l| l.number < first.number).map(|l| format!("{}\n", l.text)).collect();
    for (line, record) in records(&body, first.number, delimiter) {
        rows.push((line, record.into_iter().map(|t| cell(line, t)).collect()));
    }
    Drawn { rows, header_rows: header }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(first: u32, text: &str) -> Vec<Src> {
        text.lines().enumerate().map(|(i, l)| Src { number: first + i as u32, text: l.to_string() }).collect()
    }

    fn texts(drawn: &Drawn) -> Vec<(u32, Vec<String>)> {
        let cell = |c: &DrawnCell| c.lines.iter().map(|l| l.text.trim()).collect::<Vec<_>>().join("+");
        drawn.rows.iter().map(|(line, cells)| (*line, cells.iter().map(cell).collect())).collect()
    }

    #[test]
    fn list_tables_read_items_over_several_lines() {
        let content = "* - Service\n  - Port\n* - DNS\n    server\n  - 53\n* - Empty\n  -\n";
        let options = vec![("header-rows".to_string(), "1".to_string())];
        let drawn = list_table(&options, &src(10, content));
        assert_eq!(drawn.header_rows, 1);
        assert_eq!(
            texts(&drawn),
            [
                (10, vec!["Service".to_string(), "Port".into()]),
                (12, vec!["DNS+server".to_string(), "53".into()]),
                (15, vec!["Empty".to_string(), "".into()])
            ]
        );
    }

    #[test]
    fn csv_tables_read_the_header_option_and_quoted_cells() {
        let options = vec![("header".to_string(), "\"Port\", \"Protocol\"".to_string())];
        let drawn = csv_table(&options, &src(20, "\n53, \"UDP, TCP\"\n\"443\", TCP\n"), 18);
        assert_eq!(drawn.header_rows, 1);
        assert_eq!(
            texts(&drawn),
            [
                (18, vec!["Port".to_string(), "Protocol".into()]),
                (21, vec!["53".to_string(), "UDP, TCP".into()]),
                (22, vec!["443".to_string(), "TCP".into()])
            ]
        );
    }
}
