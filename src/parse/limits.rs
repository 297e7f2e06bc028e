//! The most a document may make the readers and the normalizer build. Every limit is far beyond
//! any real page, and keeps the time and memory a page can cost in proportion to its size, however
//! it is written: spans that lay out a table of millions of cells, an element of a million
//! attributes, a cell of 800 ports repeated down 1,000 rows. Each has an option that raises it.

/// Limits on what one page may make the readers build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// The most cells one table holds, in any format, as laid out (`--max-table-cells`); also the
    /// most cells `rowspan` and `colspan` may add to an HTML page in all.
    pub table_cells: usize,
    /// The most attributes one HTML element may have (`--max-attributes`).
    pub attributes: usize,
    /// The most bytes of cell text `rowspan` may repeat on a page (`--max-input-size`: spans may
    /// repeat at most as much text as a page may hold).
    pub repeated_bytes: u64,
}

/// The default `--max-table-cells`: 200,000 cells, a hundred times the largest real table seen.
pub const DEFAULT_MAX_TABLE_CELLS: usize = 200_000;
/// The default `--max-attributes`: 100 attributes to an element; Word's exports have about ten.
pub const DEFAULT_MAX_ATTRIBUTES: usize = 100;

impl Default for PageLimits {
    fn default() -> PageLimits {
        PageLimits {
            table_cells: DEFAULT_MAX_TABLE_CELLS,
            attributes: DEFAULT_MAX_ATTRIBUTES,
            repeated_bytes: crate::read::DEFAULT_MAX_WHOLE_BYTES,
        }
    }
}

/// The refusal of the table at `line` of `path` for holding more than `limit` cells.
pub fn too_many_cells(path: &str, line: u32, limit: usize) -> crate::error::Error {
    crate::error::Error::input_at(
        path,
        line,
        format!("the table holds more than {} cells, the limit to a table", thousands(limit as u64)),
        "if the document is one you trust, raise the limit with --max-table-cells",
    )
}

/// `200,000`: a limit as messages write it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(100), "100");
    }
}
