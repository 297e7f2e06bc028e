-- kbingest schema, version 8: views every SQL engine that reads SQLite files can read, and the
-- service of each port rule by id.
--
-- services_by_port compared two columns with `IS`, which only SQLite accepts between two
-- expressions. Standard SQL's `IS NOT DISTINCT FROM` is no way out: DuckDB's SQLite extension reads
-- the schema with an SQLite older than 3.39, which refuses it (and so would an older sqlite3 shell).
-- Both sides with NULL as -1, which is never a port or a protocol number (the CHECKs of
-- service_ports), say the same in every engine. Names that differ only in case (`MSMQ`, `msmq`)
-- are listed in one order, not in whichever order an engine meets them.
--
-- port_rules gains a last column, service_id (after version 7's address) (`services.id`, also the row id of `services_fts`), so
-- that a rule can be joined to its service, and found by the full-text index of its service's title,
-- system service name and description (Datasette's `?_search=` on port_rules). Existing columns keep
-- their names, order and meaning; port_rules_registered (`pr.*`) gains it too.

DROP VIEW port_rules;
DROP VIEW services_by_port;

-- Contract view: one row per (service, application protocol, transport, port or range).
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
       sp.address              AS address,
       sp.service_id           AS service_id
FROM service_ports sp
JOIN services se ON se.id = sp.service_id
JOIN sources so ON so.id = se.source_id
JOIN application_protocols ap ON ap.id = sp.application_protocol_id
LEFT JOIN transports tr ON tr.ip_protocol = sp.ip_protocol;

-- One row per (transport, port or range, port kind) across all sources, with the services using it.
CREATE VIEW services_by_port AS
SELECT tr.name        AS transport,
       p.ip_protocol  AS ip_protocol,
       p.port_low     AS port_low,
       p.port_high    AS port_high,
       p.port_kind    AS port_kind,
       (SELECT count(*) FROM (SELECT DISTINCT se.title FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE coalesce(sp.ip_protocol, -1) = coalesce(p.ip_protocol, -1)
                AND coalesce(sp.port_low, -1) = coalesce(p.port_low, -1)
                AND coalesce(sp.port_high, -1) = coalesce(p.port_high, -1)
                AND sp.port_kind = p.port_kind)) AS service_count,
       (SELECT group_concat(title, ', ')
        FROM (SELECT DISTINCT se.title FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE coalesce(sp.ip_protocol, -1) = coalesce(p.ip_protocol, -1)
                AND coalesce(sp.port_low, -1) = coalesce(p.port_low, -1)
                AND coalesce(sp.port_high, -1) = coalesce(p.port_high, -1)
                AND sp.port_kind = p.port_kind
              ORDER BY se.title COLLATE NOCASE, se.title)) AS services,
       (SELECT group_concat(system_service_name, ', ')
        FROM (SELECT DISTINCT se.system_service_name FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE coalesce(sp.ip_protocol, -1) = coalesce(p.ip_protocol, -1)
                AND coalesce(sp.port_low, -1) = coalesce(p.port_low, -1)
                AND coalesce(sp.port_high, -1) = coalesce(p.port_high, -1)
                AND sp.port_kind = p.port_kind AND se.system_service_name IS NOT NULL
              ORDER BY se.system_service_name COLLATE NOCASE, se.system_service_name)) AS system_service_names
FROM (SELECT DISTINCT ip_protocol, port_low, port_high, port_kind FROM service_ports) p
LEFT JOIN transports tr ON tr.ip_protocol = p.ip_protocol
ORDER BY p.ip_protocol, p.port_low, p.port_high, p.port_kind;
