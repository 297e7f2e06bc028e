-- kbingest schema, version 2: two views for BI tools and spreadsheets beside the contract views,
-- one row per service with its ports listed, and one row per port (or range) with its services.
-- Lists are ordered and ", "-separated. They are built from ordered subqueries rather than with
-- ORDER BY inside group_concat (SQLite 3.44+), so that an older sqlite3 shell can still open the file.

-- One row per service section: its TCP and UDP ports and its portless transports, each listed once.
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
       se.first_line AS source_line
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
              WHERE sp.ip_protocol = p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind)) AS service_count,
       (SELECT group_concat(title, ', ')
        FROM (SELECT DISTINCT se.title FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE sp.ip_protocol = p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind
              ORDER BY se.title COLLATE NOCASE)) AS services,
       (SELECT group_concat(system_service_name, ', ')
        FROM (SELECT DISTINCT se.system_service_name FROM service_ports sp JOIN services se ON se.id = sp.service_id
              WHERE sp.ip_protocol = p.ip_protocol AND sp.port_low IS p.port_low AND sp.port_high IS p.port_high
                AND sp.port_kind = p.port_kind AND se.system_service_name IS NOT NULL
              ORDER BY se.system_service_name COLLATE NOCASE)) AS system_service_names
FROM (SELECT DISTINCT ip_protocol, port_low, port_high, port_kind FROM service_ports) p
JOIN transports tr ON tr.ip_protocol = p.ip_protocol
ORDER BY p.ip_protocol, p.port_low, p.port_high, p.port_kind;
