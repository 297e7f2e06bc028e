-- kbingest schema, version 3: cross-checks. Port registries (IANA's CSV, /etc/services,
-- nmap-services) load as sources of their own beside the documents, into registry_ports (never into
-- service_ports); the ports a section's prose mentions are kept in prose_port_mentions. Views:
-- registered_ports, port_rules_registered, prose_ports, prose_registry_conflicts.
--
-- sources.format gains the registry formats. SQLite cannot change a CHECK in place, so the table is
-- rebuilt; kbingest runs migrations with foreign keys off (src/store/migrate.rs), so dropping the old
-- table cascades nothing, and checks the foreign keys before it commits. legacy_alter_table keeps the
-- rename from rewriting or checking the views that name `sources`: they name the new table after it.

PRAGMA legacy_alter_table = ON;

CREATE TABLE sources_rebuilt (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    format        TEXT NOT NULL
                  CHECK (format IN ('text', 'html', 'markdown', 'iana-csv', 'services', 'nmap-services')),
    encoding      TEXT NOT NULL,
    options       TEXT NOT NULL,
    ingested_at   TEXT NOT NULL,
    tool_version  TEXT NOT NULL
) STRICT;

INSERT INTO sources_rebuilt (id, name, sha256, size_bytes, format, encoding, options, ingested_at, tool_version)
SELECT id, name, sha256, size_bytes, format, encoding, options, ingested_at, tool_version FROM sources;

DROP TABLE sources;
ALTER TABLE sources_rebuilt RENAME TO sources;

PRAGMA legacy_alter_table = OFF;

-- One row per record of a port registry, with or without a port.
CREATE TABLE registry_ports (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    service_name TEXT CHECK (service_name <> ''),
    -- Upper case, as the registry names it: TCP, UDP, SCTP, DCCP; NULL where it names none.
    transport    TEXT CHECK (transport <> ''),
    port_low     INTEGER CHECK (port_low BETWEEN 0 AND 65535),
    port_high    INTEGER CHECK (port_high BETWEEN 0 AND 65535),
    aliases      TEXT,
    description  TEXT,
    reference    TEXT,
    frequency    REAL,
    source_line  INTEGER NOT NULL CHECK (source_line >= 1),
    CHECK (port_low <= port_high),
    CHECK ((port_low IS NULL) = (port_high IS NULL))
) STRICT;

CREATE INDEX registry_ports_by_source ON registry_ports (source_id);
CREATE INDEX registry_ports_by_port ON registry_ports (transport, port_low, port_high);
-- Ranges apart (IANA has some 750 among 14,000 records), so that finding the records that cover a
-- port reads the few ranges and the exact matches, not every record below the port.
CREATE INDEX registry_port_ranges ON registry_ports (transport, port_low, port_high) WHERE port_low < port_high;
CREATE INDEX registry_ports_by_name ON registry_ports (service_name COLLATE NOCASE);

-- One row per port (or range) and transport that a section's description mentions.
CREATE TABLE prose_port_mentions (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    source_line INTEGER NOT NULL CHECK (source_line >= 1),
    words       TEXT NOT NULL CHECK (words <> ''),
    name        TEXT CHECK (name <> ''),
    transport   TEXT CHECK (transport IN ('TCP', 'UDP')),
    port_low    INTEGER NOT NULL CHECK (port_low BETWEEN 0 AND 65535),
    port_high   INTEGER NOT NULL CHECK (port_high BETWEEN 0 AND 65535),
    CHECK (port_low <= port_high)
) STRICT;

CREATE INDEX prose_port_mentions_by_service ON prose_port_mentions (service_id);

-- Contract view: every record of every loaded port registry.
CREATE VIEW registered_ports AS
SELECT so.name         AS source,
       rp.service_name AS service_name,
       rp.transport    AS transport,
       rp.port_low     AS port_low,
       rp.port_high    AS port_high,
       rp.aliases      AS aliases,
       rp.description  AS description,
       rp.reference    AS reference,
       rp.frequency    AS frequency,
       rp.source_line  AS source_line
FROM registry_ports rp
JOIN sources so ON so.id = rp.source_id;

-- Contract view: port_rules (all its columns, whatever later versions add) and the distinct names
-- every loaded registry gives the rule's transport and port (or whole range), ", "-separated.
CREATE VIEW port_rules_registered AS
SELECT pr.*,
       (SELECT group_concat(name, ', ')
        FROM (SELECT name FROM (SELECT rp.service_name AS name
                                FROM registry_ports rp
                                WHERE rp.transport = pr.transport AND rp.port_low = pr.port_low
                                  AND rp.port_high = pr.port_high
                                UNION
                                SELECT rp.service_name
                                FROM registry_ports rp
                                WHERE rp.port_low < rp.port_high AND rp.transport = pr.transport
                                  AND rp.port_low <= pr.port_low AND rp.port_high >= pr.port_high)
              WHERE name IS NOT NULL
              ORDER BY name)) AS registered_names
FROM port_rules pr;

-- The ports the sections' prose mentions.
CREATE VIEW prose_ports AS
SELECT so.name        AS source,
       se.title       AS service,
       pm.source_line AS source_line,
       pm.words       AS words,
       pm.name        AS name,
       pm.transport   AS transport,
       pm.port_low    AS port_low,
       pm.port_high   AS port_high
FROM prose_port_mentions pm
JOIN services se ON se.id = pm.service_id
JOIN sources so ON so.id = se.source_id;

-- A named prose mention that a registry gives another port: the registry knows the name (as its
-- service name or its description) at other ports, and nowhere at the mentioned one.
CREATE VIEW prose_registry_conflicts AS
SELECT so.name         AS source,
       se.title        AS service,
       pm.source_line  AS source_line,
       pm.words        AS words,
       pm.name         AS name,
       pm.transport    AS transport,
       pm.port_low     AS port_low,
       pm.port_high    AS port_high,
       reg.name        AS registry,
       rp.service_name AS registered_name,
       rp.transport    AS registered_transport,
       rp.port_low     AS registered_port_low,
       rp.port_high    AS registered_port_high,
       rp.description  AS registered_description
FROM prose_port_mentions pm
JOIN services se ON se.id = pm.service_id
JOIN sources so ON so.id = se.source_id
JOIN registry_ports rp
  ON (rp.service_name = pm.name COLLATE NOCASE OR rp.description = pm.name COLLATE NOCASE)
 AND (pm.transport IS NULL OR rp.transport = pm.transport)
 AND rp.port_low IS NOT NULL
JOIN sources reg ON reg.id = rp.source_id
WHERE pm.name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM registry_ports ok
                  WHERE ok.source_id = rp.source_id
                    AND (ok.service_name = pm.name COLLATE NOCASE OR ok.description = pm.name COLLATE NOCASE)
                    AND ok.port_low <= pm.port_low AND ok.port_high >= pm.port_high);
