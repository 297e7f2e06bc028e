//! What every table, view and column of a kbingest database means: the one place these words are
//! kept. `kbingest metadata` gives them to Datasette, and `tests/docs.rs` checks that the README's
//! tables say the same, so the three cannot drift apart. Columns another schema version lacks are
//! simply not found in a given database, so the catalog may describe more than one database holds.

/// A column of a table or view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDoc {
    /// The column's name.
    pub name: &'static str,
    /// Its declared type as the README gives it, e.g. `TEXT NOT NULL`.
    pub sql_type: &'static str,
    /// What it holds, as the README's "meaning" cell says it (Markdown).
    pub meaning: &'static str,
}

/// A table or view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationDoc {
    /// The table's or view's name.
    pub name: &'static str,
    /// Whether it is a view (else a table).
    pub is_view: bool,
    /// A short title for a browser such as Datasette.
    pub title: &'static str,
    /// What one row is, as the README says it: after the view's heading, or in the schema's
    /// "one row per" column for a table (Markdown).
    pub summary: &'static str,
    /// Its own columns, in order.
    pub columns: &'static [ColumnDoc],
    /// A relation whose columns come first (a view that extends another), if any.
    pub extends: Option<&'static str>,
    /// Columns worth counting values of (Datasette facets).
    pub facets: &'static [&'static str],
    /// The column rows are sorted by when first shown.
    pub sort: Option<&'static str>,
    /// The column that names a row, for links to it from other tables.
    pub label: Option<&'static str>,
}

const fn col(name: &'static str, sql_type: &'static str, meaning: &'static str) -> ColumnDoc {
    ColumnDoc { name, sql_type, meaning }
}

const BASE: RelationDoc = RelationDoc {
    name: "",
    is_view: false,
    title: "",
    summary: "",
    columns: &[],
    extends: None,
    facets: &[],
    sort: None,
    label: None,
};

/// The columns `port_rules` gained as the readers grew (the real-documents issue); the table
/// beneath has them under the same names.
const RULE_DETAILS: &[ColumnDoc] = &[
    col(
        "direction",
        "TEXT",
        "`inbound`, `outbound` or `both` where the page says which way the traffic flows; else NULL",
    ),
    col(
        "from_endpoint",
        "TEXT",
        "the page's words for where the traffic comes from (a `From` or `Source` column); else NULL",
    ),
    col("to_endpoint", "TEXT", "the page's words for where it goes (a `To` or `Target` column); else NULL"),
    col("source_port_low", "INTEGER", "first client (source) port, as in KB 179442's `Client Port(s)`; else NULL"),
    col("source_port_high", "INTEGER", "last client port; equal to `source_port_low` for one port"),
    col("icmp_type", "INTEGER", "the ICMP message type where the page names one (8: echo request); else NULL"),
    col("note", "TEXT", "the footnote, remark or qualifier attached to the row, in the page's words; else NULL"),
    col(
        "row_cells",
        "TEXT",
        "the whole table row as a JSON object, header -> cell text, so no column of a page is lost; NULL where the table has only the application protocol, protocol and port columns",
    ),
];

const PORT_RULES: &[ColumnDoc] = &[
    col("source", "TEXT NOT NULL", "the source document, as named at ingest (its path as given, or `--source-name`)"),
    col("service", "TEXT NOT NULL", "the section's title as the document has it, e.g. `DNS Server`"),
    col("system_service_name", "TEXT", "e.g. `DNS`; NULL where the document gives none"),
    col("application_protocol", "TEXT NOT NULL", "as the document names it, e.g. `GRE (IP protocol 47)`"),
    col(
        "transport",
        "TEXT",
        "normalized: `TCP`, `UDP`, `GRE`, `ESP`, `AH`, `ICMP`, `IPIP`; NULL only where the page gives a port but no transport (ledgered as `transport_unspecified`)",
    ),
    col(
        "ip_protocol",
        "INTEGER",
        "IANA protocol number: TCP 6, UDP 17, GRE 47, ESP 50, AH 51, ICMP 1, IPIP 4; NULL where `transport` is",
    ),
    col("port_low", "INTEGER", "first port; NULL where the transport has no ports"),
    col("port_high", "INTEGER", "last port; equal to `port_low` for a single port"),
    col(
        "port_kind",
        "TEXT NOT NULL",
        "`fixed` (one port), `range`, `dynamic` (randomly allocated from a range), `none`",
    ),
    col("port_raw", "TEXT NOT NULL", "the port cell as the document has it, e.g. `RANDOM`, `n/a`"),
    col("transport_raw", "TEXT NOT NULL", "the protocol cell as the document has it, e.g. `UPD`"),
    col("source_line", "INTEGER NOT NULL", "1-based line in the source where the row begins"),
    RULE_DETAILS[0],
    RULE_DETAILS[1],
    RULE_DETAILS[2],
    RULE_DETAILS[3],
    RULE_DETAILS[4],
    RULE_DETAILS[5],
    RULE_DETAILS[6],
    RULE_DETAILS[7],
];

/// Every table and view kbingest makes, views first.
pub const CATALOG: &[RelationDoc] = &[
    RelationDoc {
        name: "port_rules",
        is_view: true,
        title: "Port rules",
        summary: "one row per (service, application protocol, transport, port or range)",
        columns: PORT_RULES,
        facets: &["transport", "port_kind"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "anomalies",
        is_view: true,
        title: "Anomalies",
        summary: "every place where the document departs from its own regular form",
        columns: &[
            col("source", "TEXT NOT NULL", "the source document, as in `port_rules`"),
            col("source_line", "INTEGER NOT NULL", "1-based line in the source where the departure is"),
            col("kind", "TEXT NOT NULL", "a stable lower_snake_case name, listed in `anomaly_kinds` (and below)"),
            col("raw", "TEXT NOT NULL", "what the document says"),
            col("normalized", "TEXT", "what was loaded instead; NULL where nothing was loaded"),
            col("message", "TEXT NOT NULL", "one sentence a person understands"),
        ],
        facets: &["kind"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "ports_by_service",
        is_view: true,
        title: "Ports by service",
        summary: "one row per service, with its ports listed",
        columns: &[
            col("source", "TEXT", "the source document, as in `port_rules`"),
            col("service", "TEXT", "the service's title, as in `port_rules`"),
            col("system_service_name", "TEXT", "as in `port_rules`; NULL where the document gives none"),
            col(
                "tcp_ports",
                "TEXT",
                "its TCP ports and ranges in ascending order, each once, e.g. `135, 1025-5000`; NULL if none",
            ),
            col("udp_ports", "TEXT", "the same for UDP"),
            col(
                "other_transports",
                "TEXT",
                "its transports without ports, e.g. `GRE, ESP, AH` (in protocol-number order); NULL if none",
            ),
            col(
                "has_dynamic_ports",
                "INTEGER",
                "1 if it needs randomly allocated ports (`port_kind` `dynamic`, listed in `tcp_ports`/`udp_ports`), else 0",
            ),
            col("rule_count", "INTEGER", "its rows in `port_rules`"),
            col("source_line", "INTEGER", "the line where its section begins"),
            col(
                "unspecified_ports",
                "TEXT",
                "ports the page gives without a transport (see `port_rules.transport`); NULL if none",
            ),
        ],
        facets: &["source", "has_dynamic_ports"],
        sort: Some("service"),
        ..BASE
    },
    RelationDoc {
        name: "services_by_port",
        is_view: true,
        title: "Services by port",
        summary: "one row per port (or range) and transport, with the services that use it",
        columns: &[
            col("transport", "TEXT", "as in `port_rules`"),
            col("ip_protocol", "INTEGER", "as in `port_rules`"),
            col("port_low", "INTEGER", "first port; NULL for a transport without ports (one row per such transport)"),
            col("port_high", "INTEGER", "last port; equal to `port_low` for a single port"),
            col("port_kind", "TEXT", "`fixed`, `range`, `dynamic` or `none`, as in `port_rules`"),
            col("service_count", "INTEGER", "how many services (by title) use exactly this port or range"),
            col("services", "TEXT", "their titles, alphabetically"),
            col("system_service_names", "TEXT", "their system service names, alphabetically; NULL if none has one"),
        ],
        facets: &["transport", "port_kind"],
        sort: Some("port_low"),
        ..BASE
    },
    RelationDoc {
        name: "registered_ports",
        is_view: true,
        title: "Registered ports",
        summary: "one row per record of every loaded port registry",
        columns: &[
            col("source", "TEXT", "the registry, as named at ingest"),
            col(
                "service_name",
                "TEXT",
                "the registered name, e.g. `ms-wbt-server`; NULL where the registry gives none (IANA's reserved and unassigned ports)",
            ),
            col("transport", "TEXT", "`TCP`, `UDP`, `SCTP` or `DCCP`, upper case; NULL where none is given"),
            col("port_low", "INTEGER", "first port; NULL for a name registered without a port"),
            col(
                "port_high",
                "INTEGER",
                "last port; equal to `port_low` for one port (IANA's `6000-6063` is one record)",
            ),
            col("aliases", "TEXT", "other names, space-separated (`/etc/services`); NULL if none"),
            col("description", "TEXT", "IANA's description, or the comment of a services file; NULL if none"),
            col("reference", "TEXT", "IANA's reference, e.g. `[RFC9260]`; NULL if none"),
            col("frequency", "REAL", "how often nmap found the port open (`nmap-services`); NULL otherwise"),
            col("source_line", "INTEGER", "the line where the record begins"),
        ],
        facets: &["transport", "source"],
        sort: Some("port_low"),
        ..BASE
    },
    RelationDoc {
        name: "port_rules_registered",
        is_view: true,
        title: "Port rules with registered names",
        summary: "`port_rules` with the names registered for each rule's port",
        columns: &[col(
            "registered_names",
            "TEXT",
            "the distinct names every loaded registry gives the rule's transport and port (or its whole range), in order, `, `-separated; NULL where none",
        )],
        extends: Some("port_rules"),
        facets: &["transport", "port_kind"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "prose_ports",
        is_view: true,
        title: "Ports in prose",
        summary: "one row per port (or range) and transport that a section's prose mentions",
        columns: &[
            col("source", "TEXT", "the source document"),
            col("service", "TEXT", "the section's title, as in `port_rules`"),
            col("source_line", "INTEGER", "the line of the mention"),
            col("words", "TEXT", "the mention as the prose has it, e.g. `NAT-T (TCP on port 4500)`"),
            col("name", "TEXT", "the protocol's name where the prose gives one, e.g. `NAT-T`; NULL otherwise"),
            col(
                "transport",
                "TEXT",
                "`TCP` or `UDP` where the prose says which; NULL otherwise (`TCP/UDP port 53` is two rows)",
            ),
            col("port_low", "INTEGER", "first port"),
            col("port_high", "INTEGER", "last port"),
        ],
        facets: &["transport"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "prose_registry_conflicts",
        is_view: true,
        title: "Prose against registries",
        summary: "named prose ports that a registry gives another port",
        columns: &[
            col("source", "TEXT", "the source document"),
            col("service", "TEXT", "the section's title"),
            col("source_line", "INTEGER", "the line of the mention"),
            col("words", "TEXT", "the mention as the prose has it"),
            col("name", "TEXT", "the name the prose gives"),
            col("transport", "TEXT", "the prose's transport; NULL where it gives none"),
            col("port_low", "INTEGER", "the prose's first port"),
            col("port_high", "INTEGER", "the prose's last port"),
            col("registry", "TEXT", "the registry's source name"),
            col("registered_name", "TEXT", "the registry's service name"),
            col("registered_transport", "TEXT", "the registry's transport"),
            col("registered_port_low", "INTEGER", "the registry's first port"),
            col("registered_port_high", "INTEGER", "the registry's last port"),
            col("registered_description", "TEXT", "the registry's description"),
        ],
        facets: &["registry"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "sources",
        title: "Sources",
        summary: "ingested document: name, sha256, size, format, encoding, options, ingest time, tool version",
        columns: &[
            col("id", "INTEGER", "row id"),
            col(
                "name",
                "TEXT NOT NULL",
                "the name the document was ingested under (its path as given, or `--source-name`)",
            ),
            col("sha256", "TEXT NOT NULL", "SHA-256 of the document's bytes, in hex"),
            col("size_bytes", "INTEGER NOT NULL", "the document's size in bytes"),
            col(
                "format",
                "TEXT NOT NULL",
                "`text`, `html` or `markdown` as it was read, or a registry's `iana-csv`, `services`, `nmap-services`",
            ),
            col("encoding", "TEXT NOT NULL", "the encoding it was decoded from"),
            col("options", "TEXT NOT NULL", "the ingest options that shape its rows, e.g. `dynamic-range=1025-5000`"),
            col("ingested_at", "TEXT NOT NULL", "when it was loaded (UTC, ISO 8601)"),
            col("tool_version", "TEXT NOT NULL", "the kbingest version that loaded it"),
        ],
        sort: Some("name"),
        label: Some("name"),
        ..BASE
    },
    RelationDoc {
        name: "services",
        title: "Services",
        summary: "service section: title, system service name, description, first and last line",
        columns: &[
            col("id", "INTEGER", "row id"),
            col("source_id", "INTEGER NOT NULL", "the source (`sources.id`)"),
            col("title", "TEXT NOT NULL", "the section's title, e.g. `DNS Server`"),
            col("system_service_name", "TEXT", "e.g. `DNS`; NULL where the document gives none"),
            col("description", "TEXT NOT NULL", "the section's prose"),
            col("first_line", "INTEGER NOT NULL", "the line where the section begins"),
            col("last_line", "INTEGER NOT NULL", "the line where it ends"),
        ],
        sort: Some("first_line"),
        label: Some("title"),
        ..BASE
    },
    RelationDoc {
        name: "application_protocols",
        title: "Application protocols",
        summary: "distinct application protocol name",
        columns: &[col("id", "INTEGER", "row id"), col("name", "TEXT NOT NULL", "as a document names it")],
        sort: Some("name"),
        label: Some("name"),
        ..BASE
    },
    RelationDoc {
        name: "transports",
        title: "Transports",
        summary: "transport: IANA number, name, whether it has ports",
        columns: &[
            col("ip_protocol", "INTEGER", "IANA protocol number"),
            col("name", "TEXT NOT NULL", "`TCP`, `UDP`, `GRE`, `ESP`, `AH`, `ICMP` or `IPIP`"),
            col("has_ports", "INTEGER NOT NULL", "1 if the transport has ports, else 0"),
        ],
        label: Some("name"),
        ..BASE
    },
    RelationDoc {
        name: "service_ports",
        title: "Service ports",
        summary: "port rule (service, application protocol, transport, ports, raw cells, line)",
        columns: &[
            col("id", "INTEGER", "row id"),
            col("service_id", "INTEGER NOT NULL", "the service (`services.id`)"),
            col("application_protocol_id", "INTEGER NOT NULL", "the application protocol (`application_protocols.id`)"),
            col("ip_protocol", "INTEGER", "the transport (`transports.ip_protocol`)"),
            PORT_RULES[6],
            PORT_RULES[7],
            PORT_RULES[8],
            PORT_RULES[9],
            PORT_RULES[10],
            PORT_RULES[11],
            RULE_DETAILS[0],
            RULE_DETAILS[1],
            RULE_DETAILS[2],
            RULE_DETAILS[3],
            RULE_DETAILS[4],
            RULE_DETAILS[5],
            RULE_DETAILS[6],
            RULE_DETAILS[7],
        ],
        facets: &["ip_protocol", "port_kind"],
        ..BASE
    },
    RelationDoc {
        name: "anomaly_kinds",
        title: "Anomaly kinds",
        summary: "anomaly kind and its summary",
        columns: &[
            col("kind", "TEXT", "a stable lower_snake_case name"),
            col("summary", "TEXT NOT NULL", "what the document does, in one line"),
        ],
        sort: Some("kind"),
        label: Some("kind"),
        ..BASE
    },
    RelationDoc {
        name: "anomaly_log",
        title: "Anomaly log",
        summary: "anomaly (source, service if any, line, kind, raw, normalized, message)",
        columns: &[
            col("id", "INTEGER", "row id"),
            col("source_id", "INTEGER NOT NULL", "the source (`sources.id`)"),
            col("service_id", "INTEGER", "the service (`services.id`); NULL for the document as a whole"),
            col("source_line", "INTEGER NOT NULL", "where"),
            col("kind", "TEXT NOT NULL", "the anomaly kind (`anomaly_kinds.kind`)"),
            col("raw", "TEXT NOT NULL", "what the document says"),
            col("normalized", "TEXT", "what was loaded instead; NULL where nothing was loaded"),
            col("message", "TEXT NOT NULL", "one sentence a person understands"),
        ],
        facets: &["kind"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "registry_ports",
        title: "Registry records",
        summary: "record of a port registry (service name, transport, ports, aliases, description, reference, frequency, line)",
        columns: &[
            col("id", "INTEGER", "row id"),
            col("source_id", "INTEGER NOT NULL", "the registry (`sources.id`)"),
            col("service_name", "TEXT", "the registered name; NULL where the registry gives none"),
            col("transport", "TEXT", "`TCP`, `UDP`, `SCTP` or `DCCP`; NULL where none is given"),
            col("port_low", "INTEGER", "first port; NULL for a name registered without a port"),
            col("port_high", "INTEGER", "last port"),
            col("aliases", "TEXT", "other names, space-separated; NULL if none"),
            col("description", "TEXT", "the registry's description or comment; NULL if none"),
            col("reference", "TEXT", "the registry's reference; NULL if none"),
            col("frequency", "REAL", "how often nmap found the port open; NULL otherwise"),
            col("source_line", "INTEGER NOT NULL", "the line where the record begins"),
        ],
        facets: &["transport"],
        sort: Some("port_low"),
        label: Some("service_name"),
        ..BASE
    },
    RelationDoc {
        name: "prose_port_mentions",
        title: "Prose port mentions",
        summary: "port (or range) and transport a section's prose mentions, with its service",
        columns: &[
            col("id", "INTEGER", "row id"),
            col("service_id", "INTEGER NOT NULL", "the service (`services.id`)"),
            col("source_line", "INTEGER NOT NULL", "the line of the mention"),
            col("words", "TEXT NOT NULL", "the mention as the prose has it"),
            col("name", "TEXT", "the protocol's name where the prose gives one; NULL otherwise"),
            col("transport", "TEXT", "`TCP` or `UDP` where the prose says which; NULL otherwise"),
            col("port_low", "INTEGER NOT NULL", "first port"),
            col("port_high", "INTEGER NOT NULL", "last port"),
        ],
        sort: Some("source_line"),
        ..BASE
    },
];

impl RelationDoc {
    /// Every column in order, those of the relation it extends first.
    pub fn all_columns(&self) -> Vec<ColumnDoc> {
        let mut columns = self.extends.and_then(relation_doc).map(|base| base.all_columns()).unwrap_or_default();
        columns.extend_from_slice(self.columns);
        columns
    }

    /// The column called `name`, if the catalog describes it.
    pub fn column(&self, name: &str) -> Option<ColumnDoc> {
        self.all_columns().into_iter().find(|c| c.name == name)
    }
}

/// The table or view called `name`, if kbingest makes it.
pub fn relation_doc(name: &str) -> Option<&'static RelationDoc> {
    CATALOG.iter().find(|r| r.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_facet_and_sort_is_a_column() {
        for (i, relation) in CATALOG.iter().enumerate() {
            assert!(CATALOG[..i].iter().all(|r| r.name != relation.name), "{} twice", relation.name);
            let columns = relation.all_columns();
            for (j, c) in columns.iter().enumerate() {
                assert!(columns[..j].iter().all(|d| d.name != c.name), "{}.{} twice", relation.name, c.name);
            }
            for name in relation.facets.iter().chain(relation.sort.iter()).chain(relation.label.iter()) {
                assert!(relation.column(name).is_some(), "{}: {name} is not a column", relation.name);
            }
        }
    }

    #[test]
    fn a_view_that_extends_another_has_its_columns_first() {
        let extended = relation_doc("port_rules_registered").unwrap().all_columns();
        assert_eq!(extended[0].name, "source");
        assert_eq!(extended.last().unwrap().name, "registered_names");
        assert_eq!(extended.len(), PORT_RULES.len() + 1);
    }
}
