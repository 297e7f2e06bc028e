//! The views: the two of the contract (`port_rules`, `anomalies`), those for BI tools and those of
//! the cross-checks.

use super::{BASE, ColumnDoc, RelationDoc, col, columns};

/// The columns of `port_rules` that name the rule's service and protocols.
const RULE_NAMES: &[ColumnDoc] = &[
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
];

/// The columns of a rule's ports, cells and line, and those it gained as the readers grew (the
/// real-documents issue): the same in `port_rules` and in the table beneath, `service_ports`.
pub(super) const RULE_PORTS: &[ColumnDoc] = &[
    col("port_low", "INTEGER", "first port; NULL where the transport has no ports or the document states none"),
    col("port_high", "INTEGER", "last port; equal to `port_low` for a single port"),
    col(
        "port_kind",
        "TEXT NOT NULL",
        "`fixed` (one port), `range`, `dynamic` (randomly allocated from a range; NULL ports where the document states no range), `none`, `any` (`Any`/`All`: no ports), `configurable` (chosen by the administrator: no ports)",
    ),
    col("port_raw", "TEXT NOT NULL", "the port cell as the document has it, e.g. `RANDOM`, `n/a`"),
    col("transport_raw", "TEXT NOT NULL", "the protocol cell as the document has it, e.g. `UPD`"),
    col("source_line", "INTEGER NOT NULL", "1-based line in the source where the row begins"),
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
    col(
        "address",
        "TEXT",
        "the remote address, host name or URL the row names (an `Address`, `FQDN`, `URL` or `Endpoint` column); else NULL",
    ),
];

/// The rule's service by id: added in schema version 8, after the columns of the readers.
const RULE_SERVICE: &[ColumnDoc] = &[col(
    "service_id",
    "INTEGER NOT NULL",
    "the service (`services.id`, also the row id of its full-text index `services_fts`)",
)];

pub(super) const PORT_RULES: &[ColumnDoc] = &columns::<22>(&[RULE_NAMES, RULE_PORTS, RULE_SERVICE]);

/// The words of an anomaly, the same in `anomalies` and in the table beneath, `anomaly_log`.
pub(super) const ANOMALY_WORDS: &[ColumnDoc] = &[
    col("raw", "TEXT NOT NULL", "what the document says"),
    col("normalized", "TEXT", "what was loaded instead; NULL where nothing was loaded"),
    col("message", "TEXT NOT NULL", "one sentence a person understands"),
];

/// Every view kbingest makes.
pub(super) const VIEWS: &[RelationDoc] = &[
    RelationDoc {
        name: "port_rules",
        is_view: true,
        title: "Port rules",
        summary: "one row per (service, application protocol, transport, port or range)",
        columns: PORT_RULES,
        facets: &["source", "service", "transport", "port_kind"],
        sort: Some("source_line"),
        ..BASE
    },
    RelationDoc {
        name: "anomalies",
        is_view: true,
        title: "Anomalies",
        summary: "every place where the document departs from its own regular form",
        columns: &columns::<6>(&[
            &[
                col("source", "TEXT NOT NULL", "the source document, as in `port_rules`"),
                col("source_line", "INTEGER NOT NULL", "1-based line in the source where the departure is"),
                col("kind", "TEXT NOT NULL", "a stable lower_snake_case name, listed in `anomaly_kinds` (and below)"),
            ],
            ANOMALY_WORDS,
        ]),
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
];
