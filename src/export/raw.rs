//! `kbingest query --raw`: the values of a one-column result as they are, one a line, for a
//! script's `$(...)`: no header, no quoting, no CR.

use crate::error::{Error, Result};
use rusqlite::Statement;
use std::io::Write;

/// Writes each row's one value on a line of its own (NULL as an empty line); returns how many
/// rows there were. A statement of other than one column is a usage error.
pub fn write_raw(stmt: &mut Statement<'_>, database: &str, mut out: impl Write, output: &str) -> Result<u64> {
    if stmt.column_count() != 1 {
        return Err(Error::Usage(format!(
            "--raw prints the values of one column, and the query has {}; select one column, e.g. SELECT count(*) ...",
            stmt.column_count()
        )));
    }
    let mut rows = stmt.raw_query();
    let mut count = 0;
    while let Some(row) = rows.next().map_err(Error::sqlite(database, "reading a row"))? {
        let value = row.get_ref(0).map_err(Error::sqlite(database, "reading a row"))?;
        let text = super::cell::text(value);
        out.write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(Error::io("write output", output))?;
        count += 1;
    }
    out.flush().map_err(Error::io("write output", output))?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(sql: &str) -> Result<String> {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare(sql).unwrap();
        let mut out = Vec::new();
        write_raw(&mut stmt, "db", &mut out, "-")?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn one_value_a_line_as_it_is() {
        assert_eq!(raw("SELECT 172").unwrap(), "172\n");
        assert_eq!(raw("SELECT 'a, \"b\"' UNION ALL SELECT NULL").unwrap(), "a, \"b\"\n\n");
        assert!(raw("SELECT 1, 2").unwrap_err().to_string().contains("the query has 2"));
    }
}
