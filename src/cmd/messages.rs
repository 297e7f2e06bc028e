//! The one way kbingest writes to standard error. A failed write is ignored (standard error may be
//! a closed pipe or a full disk: that must not turn a finished job into a panic or a failure), and
//! every message is made safe for a terminal: control characters are escaped (a table name or a
//! document's cell cannot send escape sequences to your terminal), a very long line keeps its start
//! and end, and a very long error keeps its first lines and its last.

use std::io::Write;

/// A line longer than this many characters loses its middle.
const MAX_LINE_CHARS: usize = 1000;
/// Characters kept from the start and the end of an over-long line.
const KEPT_HEAD: usize = 600;
const KEPT_TAIL: usize = 300;
/// An error of more lines than this keeps the first [`KEPT_LINES`] and the last two.
const MAX_LINES: usize = 60;
const KEPT_LINES: usize = 50;

/// Writes `text` to standard error, each line prefixed with `kbingest: `, escaped and shortened
/// if over-long.
pub fn say(text: &str) {
    write(&fit(text, usize::MAX));
}

/// Writes an error's message as [`say`] does, keeping the first lines and the last two of a
/// long one (200,000 unreadable rows are not 8 MB of standard error).
pub fn say_error(text: &str) {
    write(&fit(text, MAX_LINES));
}

fn write(shown: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(shown.as_bytes());
    let _ = stderr.flush();
}

/// `text` as written to standard error, in at most about `max_lines` lines.
fn fit(text: &str, max_lines: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut shown = String::new();
    let mut emit = |line: &str| {
        shown.push_str("kbingest: ");
        shown.push_str(&fit_line(line));
        shown.push('\n');
    };
    if lines.len() > max_lines.max(KEPT_LINES + 2) {
        let tail = &lines[lines.len() - 2..];
        lines[..KEPT_LINES].iter().for_each(|l| emit(l));
        emit(&format!("... {} more lines like these left out ...", lines.len() - KEPT_LINES - tail.len()));
        tail.iter().for_each(|l| emit(l));
    } else {
        lines.iter().for_each(|l| emit(l));
    }
    shown
}

/// One line, escaped, and shortened in the middle if over-long.
fn fit_line(line: &str) -> String {
    let count = line.chars().count();
    if count <= MAX_LINE_CHARS {
        return escape(line);
    }
    let head: String = line.chars().take(KEPT_HEAD).collect();
    let tail: String = line.chars().skip(count - KEPT_TAIL).collect();
    format!("{} [... {} characters left out ...] {}", escape(&head), count - KEPT_HEAD - KEPT_TAIL, escape(&tail))
}

/// Control characters (and the invisible ones that reorder text) as `\x1b`, `\u{202e}`.
fn escape(text: &str) -> String {
    crate::export::escape_for_terminal(text.into(), false).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(fit("table \u{1b}[2Jx\r\u{202e}", MAX_LINES), "kbingest: table \\x1b[2Jx\\x0d\\u{202e}\n");
    }

    #[test]
    fn long_lines_keep_their_start_and_end() {
        let line = format!("doc.txt:3: port `{}` is not a number; fix it", "9".repeat(1 << 20));
        let shown = fit(&line, MAX_LINES);
        assert!(shown.len() < 1200, "{}", shown.len());
        assert!(shown.starts_with("kbingest: doc.txt:3: port `999"));
        assert!(shown.ends_with("999` is not a number; fix it\n"));
        assert!(shown.contains("characters left out"));
    }

    #[test]
    fn long_messages_keep_their_first_lines_and_their_last() {
        let text: Vec<String> = (1..=200_000).map(|n| format!("doc.txt:{n}: bad row")).collect();
        let text = format!("{}\nrefused: 200000 rows cannot be read", text.join("\n"));
        assert_eq!(fit(&text, usize::MAX).lines().count(), 200_001, "only errors are shortened");
        let shown = fit(&text, MAX_LINES);
        assert_eq!(shown.lines().count(), KEPT_LINES + 3);
        assert!(shown.contains("kbingest: ... 199949 more lines like these left out ...\n"), "{shown}");
        assert!(shown.ends_with("kbingest: doc.txt:200000: bad row\nkbingest: refused: 200000 rows cannot be read\n"));
    }
}
