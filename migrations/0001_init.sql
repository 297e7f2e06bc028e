-- kbingest schema, version 1: sources, services, application protocols, port rules, anomalies,
-- and the two contract views over them (port_rules, anomalies).
-- Per-connection settings (foreign_keys, journal_mode, busy_timeout) live in src/store, not here.

-- 'KBIN': marks the file as a kbingest database.
PRAGMA application_id = 1262635342;

-- One row per ingested document, identified by the name it was ingested under.
CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    format        TEXT NOT NULL CHECK (format IN ('text', 'html', 'markdown')),
    encoding      TEXT NOT NULL,
    options       TEXT NOT NULL,
    ingested_at   TEXT NOT NULL,
    tool_version  TEXT NOT NULL
) STRICT;

-- The transports the contract knows, with their IANA protocol numbers.
CREATE TABLE transports (
    ip_protocol INTEGER PRIMARY KEY CHECK (ip_protocol BETWEEN 0 AND 255),
    name        TEXT NOT NULL UNIQUE,
    has_ports   INTEGER NOT NULL CHECK (has_ports IN (0, 1))
) STRICT;

INSERT INTO transports (ip_protocol, name, has_ports) VALUES
    (1, 'ICMP', 0), (6, 'TCP', 1), (17, 'UDP', 1), (47, 'GRE', 0), (50, 'ESP', 0), (51, 'AH', 0);

-- One row per service section of a source.
CREATE TABLE services (
    id                  INTEGER PRIMARY KEY,
    source_id           INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    title               TEXT NOT NULL CHECK (title <> ''),
    system_service_name TEXT CHECK (system_service_name <> ''),
    description         TEXT NOT NULL,
    first_line          INTEGER NOT NULL CHECK (first_line >= 1),
    last_line           INTEGER NOT NULL,
    CHECK (last_line >= first_line)
) STRICT;

CREATE INDEX services_by_source ON services (source_id);
CREATE INDEX services_by_title ON services (title);
CREATE INDEX services_by_system_service_name ON services (system_service_name);

-- Application protocol names as the documents give them, each once.
CREATE TABLE application_protocols (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> '')
) STRICT;

-- One row per (service, application protocol, transport, port or range).
CREATE TABLE service_ports (
    id                      INTEGER PRIMARY KEY,
    service_id              INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    application_protocol_id INTEGER NOT NULL REFERENCES application_protocols (id),
    ip_protocol             INTEGER NOT NULL REFERENCES transports (ip_protocol),
    port_low                INTEGER CHECK (port_low BETWEEN 0 AND 65535),
    port_high               INTEGER CHECK (port_high BETWEEN 0 AND 65535),
    -- ORs rather than IN (...): SQLite builds an ephemeral table for an IN list on every row checked,
    -- which made bulk loads a third slower.
    port_kind               TEXT NOT NULL
                            CHECK (port_kind = 'fixed' OR port_kind = 'range' OR port_kind = 'dynamic' OR port_kind = 'none'),
    port_raw                TEXT NOT NULL,
    transport_raw           TEXT NOT NULL,
    source_line             INTEGER NOT NULL CHECK (source_line >= 1),
    CHECK (port_low <= port_high),
    CHECK ((port_low IS NULL) = (port_high IS NULL)),
    CHECK ((port_kind = 'none') = (port_low IS NULL)),
    CHECK (port_kind <> 'fixed' OR port_low = port_high)
) STRICT;

CREATE INDEX service_ports_by_service ON service_ports (service_id);
CREATE INDEX service_ports_by_port ON service_ports (port_low, port_high);
-- No index on application_protocol_id: kbingest never deletes an application protocol, and a
-- lookup by name scans fast enough; the index cost a tenth of a large load's time.

-- The kinds of anomaly, with what each means (filled by kbingest from its own list).
CREATE TABLE anomaly_kinds (
    kind    TEXT PRIMARY KEY CHECK (kind NOT GLOB '*[^a-z_]*' AND kind <> ''),
    summary TEXT NOT NULL
) STRICT;

-- The ledger: every departure of a source from its own regular form.
CREATE TABLE anomaly_log (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    service_id  INTEGER REFERENCES services (id) ON DELETE CASCADE,
    source_line INTEGER NOT NULL CHECK (source_line >= 1),
    kind        TEXT NOT NULL REFERENCES anomaly_kinds (kind),
    raw         TEXT NOT NULL,
    normalized  TEXT,
    message     TEXT NOT NULL CHECK (message <> '')
) STRICT;

CREATE INDEX anomaly_log_by_source ON anomaly_log (source_id, source_line);
CREATE INDEX anomaly_log_by_service ON anomaly_log (service_id);
CREATE INDEX anomaly_log_by_kind ON anomaly_log (kind);

-- Contract view: one row per (service, application protocol, transport, port or range).
CREATE VIEW port_rules AS
SELECT so.name                 AS source,
       se.title                AS service,
       se.system_service_name  AS system_service_name,
       ap.name                 AS application_protocol,
       tr.name                 AS transport,
       tr.ip_protocol          AS ip_protocol,
       sp.port_low             AS port_low,
       sp.port_high            AS port_high,
       sp.port_kind            AS port_kind,
       sp.port_raw             AS port_raw,
       sp.transport_raw        AS transport_raw,
       sp.source_line          AS source_line
FROM service_ports sp
JOIN services se ON se.id = sp.service_id
JOIN sources so ON so.id = se.source_id
JOIN application_protocols ap ON ap.id = sp.application_protocol_id
JOIN transports tr ON tr.ip_protocol = sp.ip_protocol;

-- Contract view: every place where a document departs from its own regular form.
CREATE VIEW anomalies AS
SELECT so.name        AS source,
       al.source_line AS source_line,
       al.kind        AS kind,
       al.raw         AS raw,
       al.normalized  AS normalized,
       al.message     AS message
FROM anomaly_log al
JOIN sources so ON so.id = al.source_id;
