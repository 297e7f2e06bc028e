-- kbingest schema, version 7: what unseen pages state, without inventing numbers.
-- - port_kind gains `any` (a page's `Any`/`All` ports) and `configurable` (a port the administrator
--   chooses, "configured by the administrator"); neither has ports.
-- - A `dynamic` port may have NULL ports: the document states no range for it (and --dynamic-range
--   gave none). A range is no longer made up from a built-in default.
-- - port_rules gains a last column, `address`: the remote address, host name or URL a row names
--   (a page listing one FQDN per row for the same port), so that such rows are not repeats.
--
-- SQLite cannot change a CHECK in place, so service_ports is rebuilt, as in version 3: the views
-- over it (and port_rules_registered, over port_rules) are dropped first and made again below.

DROP VIEW port_rules_registered;
DROP VIEW port_rules;
DROP VIEW ports_by_service;
DROP VIEW services_by_port;

CREATE TABLE service_ports_v7 (
    id                      INTEGER PRIMARY KEY,
    service_id              INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    application_protocol_id INTEGER NOT NULL REFERENCES application_protocols (id),
    -- NULL where the page gives a port but no transport.
    ip_protocol             INTEGER REFERENCES transports (ip_protocol),
    port_low                INTEGER CHECK (port_low BETWEEN 0 AND 65535),
    port_high               INTEGER CHECK (port_high BETWEEN 0 AND 65535),
    -- ORs rather than IN (...): SQLite builds an ephemeral table for an IN list on every row checked.
    port_kind               TEXT NOT NULL
                            CHECK (port_kind = 'fixed' OR port_kind = 'range' OR port_kind = 'dynamic' OR port_kind = 'none'
                                   OR port_kind = 'any' OR port_kind = 'configurable'),
    port_raw                TEXT NOT NULL,
    transport_raw           TEXT NOT NULL,
    source_line             INTEGER NOT NULL CHECK (source_line >= 1),
    -- Which way the traffic flows, where the page says: inbound, outbound or both.
    direction               TEXT CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'both'),
    -- The page's words for the two ends (From/To, Source/Target columns).
    from_endpoint           TEXT,
    to_endpoint             TEXT,
    -- Client (source) ports, as in KB 179442's "Client Port(s)" column.
    source_port_low         INTEGER CHECK (source_port_low BETWEEN 0 AND 65535),
    source_port_high        INTEGER CHECK (source_port_high BETWEEN 0 AND 65535),
    -- ICMP message type where the page names one (8: echo request).
    icmp_type               INTEGER CHECK (icmp_type BETWEEN 0 AND 255),
    -- The footnote, remark or qualifier attached to the row, in the page's words.
    note                    TEXT,
    -- Every cell of the row as a JSON object, header -> cell text, so no column of a page is lost.
    row_cells               TEXT CHECK (row_cells IS NULL OR json_valid(row_cells)),
    -- The remote address, host name (FQDN) or URL the row names, where the page has such a column.
    address                 TEXT,
    CHECK (port_low <= port_high),
    CHECK ((port_low IS NULL) = (port_high IS NULL)),
    -- Fixed ports and ranges have ports; none, any and configurable have none; a dynamic port has
    -- its range only where the document (or --dynamic-range) states one.
    CHECK (port_kind = 'dynamic' OR (port_kind = 'fixed' OR port_kind = 'range') = (port_low IS NOT NULL)),
    CHECK (port_kind <> 'fixed' OR port_low = port_high),
    CHECK (source_port_low <= source_port_high),
    CHECK ((source_port_low IS NULL) = (source_port_high IS NULL))
) STRICT;

INSERT INTO service_ports_v7 (id, service_id, application_protocol_id, ip_protocol, port_low, port_high,
       port_kind, port_raw, transport_raw, source_line, direction, from_endpoint, to_endpoint,
       source_port_low, source_port_high, icmp_type, note, row_cells)
SELECT id, service_id, application_protocol_id, ip_protocol, port_low, port_high,
       port_kind, port_raw, transport_raw, source_line, direction, from_endpoint, to_endpoint,
       source_port_low, source_port_high, icmp_type, note, row_cells
FROM service_ports;

DROP TABLE service_ports;
ALTER TABLE service_ports_v7 RENAME TO service_ports;

CREATE INDEX service_ports_by_service ON service_ports (service_id);
CREATE INDEX service_ports_by_port ON service_ports (port_low, port_high);

-- Contract view: one row per (service, application protocol, transport, port or range), `address` last.
CREATE VIEW port_rules AS
SELECT so.name                 AS source,
       se.title                AS service,
       se.system_service_name  AS system_service_name,
       ap.name                 AS application_protocol,
       tr.name                 AS transport,
       sp.ip_protocol          AS ip_protocol,
       sp.port_low             AS port_low,
       sp.port_high            AS port_high,
       sp.port_kind            AS port_kind,
       sp.port_raw             AS port_raw,
       sp.transport_raw        AS transport_raw,
       sp.source_line          AS source_line,
       sp.direction            AS direction,
       sp.from_endpoint        AS from_endpoint,
       sp.to_endpoint          AS to_endpoint,
       sp.source_port_low      AS source_port_low,
       sp.source_port_high     AS source_port_high,
       sp.icmp_type            AS icmp_type,
       sp.note                 AS note,
       sp.row_cells            AS row_cells,
       sp.address              AS address
FROM service_ports sp
JOIN services se ON se.id = sp.service_id
JOIN sources so ON so.id = se.source_id
JOIN application_protocols ap ON ap.id = sp.application_protocol_id
LEFT JOIN transports tr ON tr.ip_protocol = sp.ip_protocol;

-- The BI views, made again over the rebuilt table as version 3 made them.
CREATE VIEW ports_by_service AS
SELECT so.name                AS source,
       se.title               AS service,
       se.system_service_name AS system_service_name,
       (SELECT group_concat(port, ', ')
        FROM (SELECT DISTINCT CASE WHEN sp.port_low = sp.port_high THEN CAST(sp.port_low AS TEXT)
                                   ELSE sp.port_low || '-' || sp.port_high END AS port,
                              sp.port_low, sp.port_high
              FROM service_ports sp
              WHERE sp.service_id = se.id AND sp.ip_protocol = 6
              ORDER BY sp.port_low, sp.port_high)) AS tcp_ports,
       (SELECT group_concat(port, ', ')
        FROM (SELECT DISTINCT CASE WHEN sp.port_low = sp.port_high THEN CAST(sp.port_low AS TEXT)
                                   ELSE sp.port_low || '-' || sp.port_high END AS port,
                              sp.port_low, sp.port_high
              FROM service_ports sp
              WHERE sp.service_id = se.id AND sp.ip_protocol = 17
              ORDER BY sp.port_low, sp.port_high)) AS udp_ports,
       (SELECT group_concat(name, ', ')
        FROM (SELECT DISTINCT tr.ip_protocol, tr.name
              FROM service_ports sp
              JOIN transports tr ON tr.ip_protocol = sp.ip_protocol
              WHERE sp.service_id = se.id AND tr.has_ports = 0
              ORDER BY tr.ip_protocol)) AS other_transports,
       EXISTS (SELECT 1 FROM service_ports sp WHERE sp.service_id = se.id AND sp.port_kind = 'dynamic') AS has_dynamic_ports,
       (SELECT count(*) FROM service_ports sp WHERE sp.service_id = se.id) AS rule_count,
       se.first_line AS source_line,
       (SELECT group_concat(port, ', ')
        FROM (SELECT DISTINCT CASE WHEN sp.port_low = sp.port_high THEN CAST(sp.port_low AS TEXT)
                                   ELSE sp.port_low || '-' || sp.port_high END AS port,
                              sp.port_low, sp.port_high
              FROM service_ports sp
              WHERE sp.service_id = se.id AND sp.ip_protocol IS NULL AND sp.port_low IS NOT NULL
              ORDER BY sp.port_low, sp.port_high)) AS unspecified_ports
FROM services se
JOIN sources so ON so.id = se.source_id
ORDER BY so.id, se.first_line;

-- One row per (transport, port or range, port kind) across all sources, with the services using it.
CREATE VIEW services_by_port AS
SELECT tr.name        AS transport,
       p.ip_protocol  AS ip_protocol,
       p.port_low     AS port_low,
       p.port_high    AS port_high,
       p.port_kind    AS port_kind,
       (SELECT count(*) FROM (SELECT DISTINCT se.title FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE sp.ip_protocol IS p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind)) AS service_count,
       (SELECT group_concat(title, ', ')
        FROM (SELECT DISTINCT se.title FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE sp.ip_protocol IS p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind
              ORDER BY se.title COLLATE NOCASE)) AS services,
       (SELECT group_concat(system_service_name, ', ')
        FROM (SELECT DISTINCT se.system_service_name FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE sp.ip_protocol IS p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind AND se.system_service_name IS NOT NULL
              ORDER BY se.system_service_name COLLATE NOCASE)) AS system_service_names
FROM (SELECT DISTINCT ip_protocol, port_low, port_high, port_kind FROM service_ports) p
LEFT JOIN transports tr ON tr.ip_protocol = p.ip_protocol
ORDER BY p.ip_protocol, p.port_low, p.port_high, p.port_kind;

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
