-- kbingest schema: sources.format records reStructuredText, AsciiDoc and MDX by their own names,
-- `rst`, `asciidoc` and `mdx`. Before, its CHECK knew only the older formats, so MDX was recorded as
-- `markdown` and the other two as `text`, their true format named in sources.options
-- (`dynamic-range=1025-5000 lenient=false format=rst`, or `... format=rst; document dynamic range:
-- ...`); such rows are given their true format here and ` format=...` taken out of their options,
-- as kbingest now records them, so that loading the same document again finds it unchanged.
--
-- SQLite cannot change a CHECK in place, so the table is rebuilt as in 0004_cross_checks.sql:
-- kbingest runs migrations with foreign keys off (src/store/migrate.rs), so dropping the old table
-- cascades nothing, and checks the foreign keys before it commits; ids are copied, so every row
-- that references a source (services, anomaly_log, registry_ports, prose_port_mentions) keeps its
-- parent. legacy_alter_table keeps the rename from rewriting or checking the views that name
-- `sources`: they name the new table after it. The only index on sources is its UNIQUE name, made
-- with the table; no trigger is on it.

PRAGMA legacy_alter_table = ON;

CREATE TABLE sources_rebuilt (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
    format        TEXT NOT NULL
                  CHECK (format IN ('text', 'html', 'markdown', 'rst', 'asciidoc', 'mdx',
                                    'iana-csv', 'services', 'nmap-services')),
    encoding      TEXT NOT NULL,
    options       TEXT NOT NULL,
    ingested_at   TEXT NOT NULL,
    tool_version  TEXT NOT NULL
) STRICT;

INSERT INTO sources_rebuilt (id, name, sha256, size_bytes, format, encoding, options, ingested_at, tool_version)
SELECT id, name, sha256, size_bytes, true_format, encoding,
       CASE WHEN true_format = format THEN options
            ELSE replace(options, ' format=' || true_format, '') END,
       ingested_at, tool_version
-- ` format=X` is followed by `;` or by the end of the options: with a `;` appended, by `;`.
FROM (SELECT *,
             CASE WHEN format = 'text' AND instr(options || ';', ' format=rst;') > 0 THEN 'rst'
                  WHEN format = 'text' AND instr(options || ';', ' format=asciidoc;') > 0 THEN 'asciidoc'
                  WHEN format = 'markdown' AND instr(options || ';', ' format=mdx;') > 0 THEN 'mdx'
                  ELSE format END AS true_format
      FROM sources);

DROP TABLE sources;
ALTER TABLE sources_rebuilt RENAME TO sources;

PRAGMA legacy_alter_table = OFF;
