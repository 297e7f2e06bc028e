//! The anomaly ledger's records: every place where a document departs from its own regular form.

/// A stable, lower_snake_case name for each kind of departure. The names are part of the output
/// contract (`anomalies.kind`); add kinds, never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AnomalyKind {
    /// A line of spaces or no-break spaces standing where a blank line belongs.
    WhitespaceLine,
    /// A misspelt protocol such as `UPD`.
    TransportTypo,
    /// A protocol in other than upper case, such as `tcp`.
    TransportCase,
    /// A protocol cell left empty and the protocol taken from the application protocol (ICMP).
    TransportInferred,
    /// A protocol cell naming a layer on top of the transport, such as `UDP and DTLS`.
    TransportQualifier,
    /// One protocol cell naming several transports, such as `TCP/UDP`.
    MultipleTransports,
    /// A randomly allocated port (`RANDOM`, "random port number between ...").
    DynamicPort,
    /// A port cell holding a range instead of one port.
    PortRange,
    /// A transport without ports (GRE, ESP, AH, ICMP) with `n/a` or similar in the port cell.
    NoPort,
    /// A remark after the port, such as `3343 (This port is required ...)`.
    PortRemark,
    /// One port cell holding several ports or ranges.
    MultiplePorts,
    /// A port cell that is a sentence naming the ports.
    PortInSentence,
    /// A table row with fewer cells than the header.
    MissingCell,
    /// A table row with more cells than the header; the extra cells are not loaded.
    ExtraCell,
    /// A footnote mark (a superscript digit, or a reference such as `(note 1)`) removed from a name or cell.
    FootnoteMark,
    /// Inline markup (bold, code, tags) removed from a name or cell.
    InlineMarkup,
    /// `System Service Name` glued to the name, as in `System Service Namelanmanserver`.
    GluedSystemServiceName,
    /// A service section without a system service name.
    MissingSystemServiceName,
    /// A system service name containing a space, such as `one point`.
    SystemServiceNameWithSpace,
    /// Several system service names for one section.
    SeveralSystemServiceNames,
    /// The system service name given inside a description paragraph.
    SystemServiceNameInText,
    /// A second system service name line in one section.
    ExtraSystemServiceName,
    /// A caption line between a section's description and its table; not a service.
    TableCaption,
    /// A row repeated within its section; loaded once.
    DuplicateRow,
    /// A table row with every cell empty.
    EmptyRow,
    /// A summary table that repeats the per-service tables; not loaded.
    SummaryTable,
    /// A table whose header is not application protocol, protocol, port; not loaded.
    UnrecognizedTable,
    /// A section heading with no port table.
    SectionWithoutTable,
    /// A table with no section title of its own, loaded into the section before it.
    TableWithoutTitle,
    /// A table with no section title anywhere before it, titled by the sentence or caption that
    /// introduces it (`For back-end servers:`).
    LeadInTitle,
    /// A row that cannot be read: the rest of the document is loaded (refused under `--strict`).
    SkippedRow,
    /// A port in a section's prose that its table (or the document's tables) contradicts.
    ProseConflict,
    /// A character lost or garbled in an encoding conversion (`?` between spaces, U+FFFD, `â€”`).
    EncodingArtifact,
    /// A table row that labels the rows below it (`**Internet ports**| | |`), with no port of its own.
    LabelRow,
    /// A table row whose empty first cell repeats the first cell of the row above.
    ContinuationRow,
    /// Paragraphs outside any port table's section: a preamble, a footer, remarks after a table.
    UnattachedText,
    /// A summary-table row found in no per-service table, loaded under the service it names.
    SummaryOnlyRow,
    /// A port cell naming its transport (`443/TCP`, `TCP 443`, `53 (TCP/UDP)`).
    TransportInPortCell,
    /// A name beside the port (`80: WinRM`, `WCF: 8100`), kept in the note.
    PortLabel,
    /// Words before the port number (`Port 135`), dropped from the port.
    PortWords,
    /// Two numbers joined by `/` (`443/8531`, `67/68`): alternatives or a pair; both loaded.
    SlashPorts,
    /// An ICMP message named in the port cell (`Echo`), loaded as ICMP with its type.
    IcmpMessage,
    /// A TCP or UDP rule whose port cell gives no port (`n/a`, `--`, `Not applicable`).
    PortNotGiven,
    /// A port given without any transport; loaded with a NULL transport.
    TransportUnspecified,
    /// A protocol cell naming an application protocol (`HTTPS`, `DHCP`) that implies the transport.
    TransportFromApplication,
    /// A `--` in a column named after a transport: that transport is not used; no rule for it.
    PortNotUsed,
    /// A row with no application protocol cell (or an empty one); the section title is used.
    ApplicationFromTitle,
    /// A direction or client port cell that says neither; loaded as NULL, kept in row_cells.
    UnreadCell,
    /// A port cell that refers to the row's remarks (`see comments`), which name the ports.
    PortsInNote,
    /// An arrow beside the port (`443 --->`), loaded as the rule's direction.
    DirectionArrow,
    /// A template or site-generator line (`{% if %}`, `{{< note >}}`, `:::note`, `<Tabs>`, `ifdef::`)
    /// between or inside a table's rows; skipped, ledgered once per kind of line.
    TemplateLine,
    /// An AsciiDoc attribute reference (`{product}`) that the document does not define; kept as written.
    UnresolvedAttribute,
    /// A TCP or UDP range covering most of the port space (`1-65535`), which a firewall refuses.
    WidePortRange,
    /// `Any` or `All` in a port cell: port kind `any`, no ports (not a silent 0-65535).
    AnyPort,
    /// A port the administrator chooses ("configured by the administrator"): kind `configurable`.
    ConfigurablePort,
    /// A port cell naming only a protocol (`WMI`, `CIM-XML`): kept as the application protocol.
    ProtocolOnly,
    /// What the document's prose says its dynamic range is, given to its dynamic ports that state none.
    DocumentDynamicRange,
}

impl AnomalyKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [AnomalyKind] = &[
        AnomalyKind::WhitespaceLine,
        AnomalyKind::TransportTypo,
        AnomalyKind::TransportCase,
        AnomalyKind::TransportInferred,
        AnomalyKind::TransportQualifier,
        AnomalyKind::MultipleTransports,
        AnomalyKind::DynamicPort,
        AnomalyKind::PortRange,
        AnomalyKind::NoPort,
        AnomalyKind::PortRemark,
        AnomalyKind::MultiplePorts,
        AnomalyKind::PortInSentence,
        AnomalyKind::MissingCell,
        AnomalyKind::ExtraCell,
        AnomalyKind::FootnoteMark,
        AnomalyKind::InlineMarkup,
        AnomalyKind::GluedSystemServiceName,
        AnomalyKind::MissingSystemServiceName,
        AnomalyKind::SystemServiceNameWithSpace,
        AnomalyKind::SeveralSystemServiceNames,
        AnomalyKind::SystemServiceNameInText,
        AnomalyKind::ExtraSystemServiceName,
        AnomalyKind::TableCaption,
        AnomalyKind::DuplicateRow,
        AnomalyKind::EmptyRow,
        AnomalyKind::SummaryTable,
        AnomalyKind::UnrecognizedTable,
        AnomalyKind::SectionWithoutTable,
        AnomalyKind::TableWithoutTitle,
        AnomalyKind::LeadInTitle,
        AnomalyKind::SkippedRow,
        AnomalyKind::ProseConflict,
        AnomalyKind::EncodingArtifact,
        AnomalyKind::LabelRow,
        AnomalyKind::ContinuationRow,
        AnomalyKind::UnattachedText,
        AnomalyKind::SummaryOnlyRow,
        AnomalyKind::TransportInPortCell,
        AnomalyKind::PortLabel,
        AnomalyKind::PortWords,
        AnomalyKind::SlashPorts,
        AnomalyKind::IcmpMessage,
        AnomalyKind::PortNotGiven,
        AnomalyKind::TransportUnspecified,
        AnomalyKind::TransportFromApplication,
        AnomalyKind::PortNotUsed,
        AnomalyKind::ApplicationFromTitle,
        AnomalyKind::UnreadCell,
        AnomalyKind::PortsInNote,
        AnomalyKind::DirectionArrow,
        AnomalyKind::TemplateLine,
        AnomalyKind::UnresolvedAttribute,
        AnomalyKind::WidePortRange,
        AnomalyKind::AnyPort,
        AnomalyKind::ConfigurablePort,
        AnomalyKind::ProtocolOnly,
        AnomalyKind::DocumentDynamicRange,
    ];

    /// The stable name stored in `anomalies.kind`.
    pub fn name(self) -> &'static str {
        use AnomalyKind::*;
        match self {
            WhitespaceLine => "whitespace_line",
            TransportTypo => "transport_typo",
            TransportCase => "transport_case",
            TransportInferred => "transport_inferred",
            TransportQualifier => "transport_qualifier",
            MultipleTransports => "multiple_transports",
            DynamicPort => "dynamic_port",
            PortRange => "port_range",
            NoPort => "no_port",
            PortRemark => "port_remark",
            MultiplePorts => "multiple_ports",
            PortInSentence => "port_in_sentence",
            MissingCell => "missing_cell",
            ExtraCell => "extra_cell",
            FootnoteMark => "footnote_mark",
            InlineMarkup => "inline_markup",
            GluedSystemServiceName => "glued_system_service_name",
            MissingSystemServiceName => "missing_system_service_name",
            SystemServiceNameWithSpace => "system_service_name_with_space",
            SeveralSystemServiceNames => "several_system_service_names",
            SystemServiceNameInText => "system_service_name_in_text",
            ExtraSystemServiceName => "extra_system_service_name",
            TableCaption => "table_caption",
            DuplicateRow => "duplicate_row",
            EmptyRow => "empty_row",
            SummaryTable => "summary_table",
            UnrecognizedTable => "unrecognized_table",
            SectionWithoutTable => "section_without_table",
            TableWithoutTitle => "table_without_title",
            LeadInTitle => "lead_in_title",
            SkippedRow => "skipped_row",
            ProseConflict => "prose_conflict",
            EncodingArtifact => "encoding_artifact",
            LabelRow => "label_row",
            ContinuationRow => "continuation_row",
            UnattachedText => "unattached_text",
            SummaryOnlyRow => "summary_only_row",
            TransportInPortCell => "transport_in_port_cell",
            PortLabel => "port_label",
            PortWords => "port_words",
            SlashPorts => "slash_ports",
            IcmpMessage => "icmp_message",
            PortNotGiven => "port_not_given",
            TransportUnspecified => "transport_unspecified",
            TransportFromApplication => "transport_from_application",
            PortNotUsed => "port_not_used",
            ApplicationFromTitle => "application_from_title",
            UnreadCell => "unread_cell",
            PortsInNote => "ports_in_note",
            DirectionArrow => "direction_arrow",
            TemplateLine => "template_line",
            UnresolvedAttribute => "unresolved_attribute",
            WidePortRange => "wide_port_range",
            AnyPort => "any_port",
            ConfigurablePort => "configurable_port",
            ProtocolOnly => "protocol_only",
            DocumentDynamicRange => "document_dynamic_range",
        }
    }

    /// What the kind means and what kbingest does about it, in one sentence (stored in `anomaly_kinds`).
    pub fn summary(self) -> &'static str {
        use AnomalyKind::*;
        match self {
            WhitespaceLine => "A line of spaces or no-break spaces; treated as a blank line.",
            TransportTypo => "A misspelt protocol (e.g. UPD); loaded as the protocol it can only mean.",
            TransportCase => "A protocol not in upper case; loaded in upper case.",
            TransportInferred => "An empty protocol cell; the protocol is taken from the application protocol.",
            TransportQualifier => {
                "A protocol cell naming a layer on a transport (e.g. UDP and DTLS); loaded as the transport."
            }
            MultipleTransports => "One protocol cell naming several transports (e.g. TCP/UDP); one row each.",
            DynamicPort => {
                "A randomly allocated port; loaded as kind dynamic, with the range the document (or --dynamic-range) states, else NULL ports."
            }
            PortRange => "A range of ports in one cell; loaded as kind range.",
            NoPort => "A transport without ports (GRE, ESP, AH, ICMP); loaded with no port, kind none.",
            PortRemark => "A remark after the port; the remark is dropped from the port.",
            MultiplePorts => "Several ports or ranges in one cell; one row each.",
            PortInSentence => "A port cell written as a sentence; the ports it names are loaded.",
            MissingCell => "A table row with fewer cells than the header; the missing cell is taken as empty.",
            ExtraCell => "A table row with more cells than the header; the extra cells are not loaded.",
            FootnoteMark => "A footnote mark removed from a name or cell.",
            InlineMarkup => "Inline markup removed from a name or cell.",
            GluedSystemServiceName => "System Service Name glued to the name; the name is separated.",
            MissingSystemServiceName => "A section without a system service name; loaded as NULL.",
            SystemServiceNameWithSpace => "A system service name containing a space; loaded as written.",
            SeveralSystemServiceNames => {
                "Several system service names for one section; loaded as a comma-separated list."
            }
            SystemServiceNameInText => "The system service name given inside a description paragraph.",
            ExtraSystemServiceName => "A second system service name line in one section; the first is loaded.",
            TableCaption => "A caption line before a table; not a service, not loaded.",
            DuplicateRow => "A row repeated within its section; loaded once.",
            EmptyRow => "A table row with every cell empty; nothing to load.",
            SummaryTable => "A summary table repeating the per-service tables; not loaded.",
            UnrecognizedTable => "A table whose header is not application protocol, protocol, port; not loaded.",
            SectionWithoutTable => "A section heading with no port table; nothing loaded for it.",
            TableWithoutTitle => "A table with no title of its own; loaded into the section before it.",
            LeadInTitle => {
                "A table with no title anywhere before it; titled by the sentence or caption that introduces it."
            }
            SkippedRow => "A row that cannot be read; not loaded, the rest of the document is (--strict refuses it).",
            ProseConflict => "A port in the prose that the tables contradict; the tables are loaded as they are.",
            EncodingArtifact => {
                "A character lost or garbled in an encoding conversion; the text is kept as the document has it."
            }
            LabelRow => "A table row labelling the rows below it; no port of its own, kept as their group.",
            ContinuationRow => "A table row with an empty first cell; read with the first cell of the row above.",
            UnattachedText => {
                "Text outside any port table's section (preamble, footer, remarks); recorded, not loaded."
            }
            SummaryOnlyRow => "A summary-table row found in no per-service table; loaded under the service it names.",
            TransportInPortCell => {
                "A port cell naming its transport (e.g. 443/TCP, TCP 443); loaded with that transport."
            }
            PortLabel => "A name beside the port (e.g. 80: WinRM); the port is loaded, the name kept in the note.",
            PortWords => "Words before the port number (e.g. Port 135); the number is loaded.",
            SlashPorts => "Two port numbers joined by / (alternatives or a pair); both are loaded, one row each.",
            IcmpMessage => {
                "An ICMP message named in the port cell (e.g. Echo); loaded as ICMP with its type (8 for echo request)."
            }
            PortNotGiven => "A TCP or UDP row whose port cell gives no port (n/a, --); loaded with no port, kind none.",
            TransportUnspecified => "A port given without any transport; loaded with transport and ip_protocol NULL.",
            TransportFromApplication => {
                "A protocol cell naming an application protocol (e.g. HTTPS, DHCP); loaded as the transport it runs over."
            }
            PortNotUsed => "A no-port word (e.g. --) in a column named after a transport; no rule for that transport.",
            ApplicationFromTitle => "A row without an application protocol; loaded under the section title.",
            UnreadCell => "A direction or client port cell that is neither; loaded as NULL and kept in row_cells.",
            PortsInNote => "A port cell referring to the row's remarks (see comments); the ports they list are loaded.",
            DirectionArrow => "An arrow beside the port (e.g. 443 --->); loaded as the rule's direction.",
            TemplateLine => {
                "A template or site-generator line (e.g. {% if %}, :::note, <Tabs>, ifdef::); skipped, once per kind."
            }
            UnresolvedAttribute => "An AsciiDoc attribute reference the document does not define; kept as written.",
            WidePortRange => {
                "A range covering most of the port space (e.g. 1-65535); loaded, and refused by firewall unless allowed."
            }
            AnyPort => "Any or All in a port cell; loaded as kind any, with no ports (not as 0-65535).",
            ConfigurablePort => {
                "A port the administrator chooses (configured by the administrator); kind configurable, no ports, the words in note."
            }
            ProtocolOnly => {
                "A port cell naming only a protocol (e.g. WMI); loaded as that application protocol, with no port."
            }
            DocumentDynamicRange => {
                "The dynamic range the document's prose states (or that it states none, or several); its dynamic ports that state none were loaded with it, else with NULL ports."
            }
        }
    }
}

/// One entry of the anomaly ledger, as produced by the parsers and the normalizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// 1-based line in the source where the departure is.
    pub line: u32,
    /// What kind of departure.
    pub kind: AnomalyKind,
    /// What the document says.
    pub raw: String,
    /// What was loaded instead; `None` where nothing was loaded.
    pub normalized: Option<String>,
    /// One sentence a person understands.
    pub message: String,
}

impl Anomaly {
    /// A new ledger entry.
    pub fn new(
        line: u32,
        kind: AnomalyKind,
        raw: impl Into<String>,
        normalized: Option<String>,
        message: impl Into<String>,
    ) -> Anomaly {
        Anomaly { line, kind, raw: raw.into(), normalized, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_lower_snake_case() {
        let mut seen = HashSet::new();
        for kind in AnomalyKind::ALL {
            let name = kind.name();
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
            assert!(seen.insert(name), "duplicate name {name}");
            assert!(kind.summary().ends_with('.'), "{name}");
        }
    }

    #[test]
    fn all_lists_every_kind() {
        // `name` is an exhaustive match, so a kind missing from ALL shows up as a count mismatch
        // against the highest discriminant.
        assert_eq!(AnomalyKind::ALL.len(), AnomalyKind::DocumentDynamicRange as usize + 1);
    }
}
