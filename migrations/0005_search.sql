-- kbingest schema, version 3: full-text search (FTS5) over services (title, system service name,
-- description) and over the anomaly ledger's messages. Both indexes read their text from the table
-- they index (external content), so the text is stored once; triggers keep them in step with every
-- insert, update and delete, including the cascade when a source is replaced or removed.
-- `content="services"` is written with double quotes because that is how Datasette finds the index
-- of a table and shows its search box.

CREATE VIRTUAL TABLE services_fts USING fts5 (
    title, system_service_name, description,
    content="services", content_rowid="id"
);

CREATE TRIGGER services_fts_insert AFTER INSERT ON services BEGIN
    INSERT INTO services_fts (rowid, title, system_service_name, description)
    VALUES (new.id, new.title, new.system_service_name, new.description);
END;

CREATE TRIGGER services_fts_delete AFTER DELETE ON services BEGIN
    INSERT INTO services_fts (services_fts, rowid, title, system_service_name, description)
    VALUES ('delete', old.id, old.title, old.system_service_name, old.description);
END;

CREATE TRIGGER services_fts_update AFTER UPDATE ON services BEGIN
    INSERT INTO services_fts (services_fts, rowid, title, system_service_name, description)
    VALUES ('delete', old.id, old.title, old.system_service_name, old.description);
    INSERT INTO services_fts (rowid, title, system_service_name, description)
    VALUES (new.id, new.title, new.system_service_name, new.description);
END;

CREATE VIRTUAL TABLE anomaly_log_fts USING fts5 (
    message,
    content="anomaly_log", content_rowid="id"
);

CREATE TRIGGER anomaly_log_fts_insert AFTER INSERT ON anomaly_log BEGIN
    INSERT INTO anomaly_log_fts (rowid, message) VALUES (new.id, new.message);
END;

CREATE TRIGGER anomaly_log_fts_delete AFTER DELETE ON anomaly_log BEGIN
    INSERT INTO anomaly_log_fts (anomaly_log_fts, rowid, message) VALUES ('delete', old.id, old.message);
END;

CREATE TRIGGER anomaly_log_fts_update AFTER UPDATE ON anomaly_log BEGIN
    INSERT INTO anomaly_log_fts (anomaly_log_fts, rowid, message) VALUES ('delete', old.id, old.message);
    INSERT INTO anomaly_log_fts (rowid, message) VALUES (new.id, new.message);
END;

-- A database made before this version gets its existing rows indexed.
INSERT INTO services_fts (services_fts) VALUES ('rebuild');
INSERT INTO anomaly_log_fts (anomaly_log_fts) VALUES ('rebuild');
