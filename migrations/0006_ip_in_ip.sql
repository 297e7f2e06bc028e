-- kbingest schema, version 6: IP in IP (IANA protocol 4, IPENCAP), a transport without ports that
-- Kubernetes network pages list for Calico's overlay (`IPENCAP / IPIP`). Before it, such a row was
-- loaded with no transport and ledgered as transport_unspecified.
INSERT INTO transports (ip_protocol, name, has_ports) VALUES (4, 'IPIP', 0);
