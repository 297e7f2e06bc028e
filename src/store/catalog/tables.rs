//! The tables beneath the views.

use super::views::{ANOMALY_WORDS, RULE_PORTS};
use super::{BASE, RelationDoc, col, columns};

/// Every table kbingest makes.
pub(super) const TABLES: &[RelationDoc] = &[
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
                "`text`, `html`, `markdown`, `rst`, `asciidoc` or `mdx` as it was read, or a registry's `iana-csv`, `services`, `nmap-services`",
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
        columns: &columns::<19>(&[
            &[
                col("id", "INTEGER", "row id"),
                col("service_id", "INTEGER NOT NULL", "the service (`services.id`)"),
                col(
                    "application_protocol_id",
                    "INTEGER NOT NULL",
                    "the application protocol (`application_protocols.id`)",
                ),
                col("ip_protocol", "INTEGER", "the transport (`transports.ip_protocol`)"),
            ],
            RULE_PORTS,
        ]),
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
        columns: &columns::<8>(&[
            &[
                col("id", "INTEGER", "row id"),
                col("source_id", "INTEGER NOT NULL", "the source (`sources.id`)"),
                col("service_id", "INTEGER", "the service (`services.id`); NULL for the document as a whole"),
                col("source_line", "INTEGER NOT NULL", "where"),
                col("kind", "TEXT NOT NULL", "the anomaly kind (`anomaly_kinds.kind`)"),
            ],
            ANOMALY_WORDS,
        ]),
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
