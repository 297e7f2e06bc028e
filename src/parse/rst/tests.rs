use super::*;
use crate::parse::outline;

#[test]
fn titles_paragraphs_and_every_kind_of_table() {
    let page = "\
==========
Port guide
==========

Intro *text*.

DNS Server
==========

.. table:: DNS ports

   =====  ========
   Port   Protocol
   =====  ========
   53     UDP
   =====  ========

Web
---

.. list-table:: Web ports
   :header-rows: 1

   * - Port
     - Protocol
   * - 443
     - TCP

.. csv-table::
   :header: Port, Protocol

   80, TCP

+------+----------+
| Port | Protocol |
+======+==========+
| 8080 | TCP      |
+------+----------+

.. code-block:: text

   | 1 | 2 |

- an item
  over two lines
";
    assert_eq!(
        outline(&rst_blocks(page).unwrap()),
        [
            "h1@2: Port guide",
            "p@5: Intro text.",
            "h2@7: DNS Server",
            "caption@10: DNS ports",
            "table@13 [Port|Protocol] 15:53/UDP",
            "h3@18: Web",
            "caption@21: Web ports",
            "table@24 [Port|Protocol] 26:443/TCP",
            "table@29 [Port|Protocol] 32:80/TCP",
            "table@35 [Port|Protocol] 37:8080/TCP",
            "p@44: \u{2022} an item over two lines",
        ]
    );
}

#[test]
fn literal_blocks_comments_and_notes() {
    let page = "\
Ports::

   53 UDP

.. note:: Open port 53.

.. |product| replace:: Ops Manager
.. A comment
   over two lines.

|product| port
--------------
";
    assert_eq!(
        outline(&rst_blocks(page).unwrap()),
        ["p@1: Ports:", "note@5: Open port 53.", "h1@11: Ops Manager port"]
    );
}

#[test]
fn a_definition_list_term_titles_the_tables_of_its_definition() {
    let page = "\
Accessible Ports
~~~~~~~~~~~~~~~~

Ports Required to Use |mms| : classifier
  * An item.

  .. list-table::
     :header-rows: 1

     * - Port
       - Transport
     * - 8080
       - TCP

Glossary term
  Its definition, a paragraph.
";
    assert_eq!(
        outline(&rst_blocks(page).unwrap()),
        [
            "h1@1: Accessible Ports",
            "h2@4: Ports Required to Use mms",
            "p@5: \u{2022} An item.",
            "table@10 [Port|Transport] 12:8080/TCP",
            "p@15: Glossary term",
            "p@16: Its definition, a paragraph."
        ]
    );
}

#[test]
fn an_empty_cell_stands_at_its_rows_line() {
    let page = "Ports\n=====\n\n.. list-table::\n   :header-rows: 1\n\n   * - Port\n     - Service\n   * - \n     - keepalived\n   * - 80\n     - nginx\n";
    let blocks = rst_blocks(page).unwrap();
    let Some(Block::Table(table)) = blocks.iter().find(|b| matches!(b, Block::Table(_))) else { panic!("{blocks:?}") };
    let lines: Vec<(u32, Vec<u32>)> =
        table.rows.iter().map(|r| (r.line, r.cells.iter().map(|c| c.line).collect())).collect();
    assert_eq!(lines, [(9, vec![9, 10]), (11, vec![11, 12])]);
}
