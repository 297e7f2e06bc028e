//! One caption rule for every format: a heading (or title-like line) right before a table, with no
//! description of its own, under a section that has a description and no table yet, is that
//! section's caption, not a service of its own (the OLAP table of the 2003 article).

use crate::common::*;

#[test]
fn the_olap_caption_is_a_caption_in_every_format() {
    for (file, caption_line) in [("olap.txt", "7"), ("olap.md", "7"), ("olap.html", "5"), ("olap_word.html", "5")] {
        let dir = workdir();
        let db = ingest(dir.path(), &format!("tests/fixtures/captions/{file}"), "c.db", &[]);
        assert_eq!(
            rows(&db, "SELECT service, port_low FROM port_rules ORDER BY port_low"),
            [
                ["SQL Server: Downlevel OLAP Client Support", "2393"],
                ["SQL Server: Downlevel OLAP Client Support", "2394"]
            ],
            "{file}"
        );
        assert_eq!(
            rows(&db, "SELECT source_line, kind, raw FROM anomalies ORDER BY source_line"),
            [[caption_line, "table_caption", "Default Ports for OLAP Services Used by SQL Server 7.0"]],
            "{file}"
        );
    }
}
