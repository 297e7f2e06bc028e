//! The line each element of a JSON array begins on, so that an error about one element (an
//! nftables rule, a Windows Firewall rule) names its line. serde_json's values keep no
//! positions; this scan finds them in the text the values were parsed from.

/// A JSON syntax error at its line; one found at the end of the text (`EOF while parsing`),
/// which serde_json places on the line after a final line break, at the text's last line.
pub fn syntax_error(text: &str, e: &serde_json::Error) -> super::Unreadable {
    let last = u32::try_from(text.lines().count()).unwrap_or(u32::MAX).max(1);
    let line = u32::try_from(e.line()).unwrap_or(u32::MAX).clamp(1, last);
    super::Unreadable::at(line, format!("not valid JSON: {e}"))
}

/// The 1-based line where each element of the array at `path` begins: `path` is the object keys
/// (or array indexes, as text) leading to the array, empty for a top-level array. `None` where
/// the text holds no such array; the text is assumed to be valid JSON (parse it first).
pub fn element_lines(text: &str, path: &[&str]) -> Option<Vec<u32>> {
    let mut scan = Scan { bytes: text.as_bytes(), at: 0, line: 1 };
    scan.skip_space();
    for key in path {
        scan.enter_member(key)?;
    }
    scan.skip_space();
    if scan.peek()? != b'[' {
        return None;
    }
    scan.at += 1;
    let mut lines = Vec::new();
    loop {
        scan.skip_space();
        match scan.peek()? {
            b']' => return Some(lines),
            b',' => scan.at += 1,
            _ => {
                lines.push(scan.line);
                scan.skip_value()?;
            }
        }
    }
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u32,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                // A byte-order mark (UTF-8 EF BB BF) before the value.
                0xEF | 0xBB | 0xBF if self.at < 3 => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    /// Steps into the object's member `key` (or the array's element of that index), leaving
    /// the scan at its value.
    fn enter_member(&mut self, key: &str) -> Option<()> {
        self.skip_space();
        let open = self.peek()?;
        self.at += 1;
        let mut index = 0usize;
        loop {
            self.skip_space();
            match self.peek()? {
                b'}' | b']' => return None,
                b',' => self.at += 1,
                _ if open == b'[' => {
                    if key.parse() == Ok(index) {
                        return Some(());
                    }
                    self.skip_value()?;
                    index += 1;
                }
                _ => {
                    let start = self.at + 1;
                    self.skip_value()?;
                    let name = std::str::from_utf8(self.bytes.get(start..self.at - 1)?).ok()?;
                    self.skip_space();
                    self.at += 1; // the colon
                    self.skip_space();
                    if name == key {
                        return Some(());
                    }
                    self.skip_value()?;
                }
            }
        }
    }

    /// Moves past one value (a string, number, literal, object or array).
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                }
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    self.at += 1;
                }
                b'}' | b']' | b',' | b':' if depth == 0 => return Some(()),
                b'\n' => {
                    self.line += 1;
                    self.at += 1;
                }
                _ => self.at += 1,
            }
            if depth == 0 && matches!(self.bytes.get(self.at.wrapping_sub(1)), Some(b'"' | b'}' | b']')) {
                return Some(());
            }
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_of_a_nested_array_have_their_lines() {
        let text = "{\"nftables\": [\n {\"a\": [1, 2]},\n {\"b\": \"x]\\\"\"}, 3,\n\n \"y\"\n]}";
        assert_eq!(element_lines(text, &["nftables"]), Some(vec![2, 3, 3, 5]));
        assert_eq!(element_lines("[\n{\"k\": {\"nftables\": []}},\n{}]", &[]), Some(vec![2, 3]));
        assert_eq!(element_lines("{\"x\": 1, \"nftables\": []}", &["nftables"]), Some(vec![]));
        assert_eq!(element_lines("{\"x\": 1}", &["nftables"]), None);
        assert_eq!(element_lines("{\"a\": [[5], [\n6, 7]]}", &["a", "1"]), Some(vec![2, 2]));
        assert_eq!(element_lines("\u{feff}[1]", &[]), Some(vec![1]));
    }
}
