#!/usr/bin/env bash
# bench/floor.sh DB: prints the sqlite3 shell script of `make bench`'s floor: SQLite building the
# database DB (one kbingest loaded) again from DB's own tables, with no document read at all.
#
# Into a new file, without a journal and without syncing: kbingest's tables and views as DB has
# them (the search indexes' own tables come with them), every row of DB's tables inserted into
# the same STRICT tables with their CHECK constraints (foreign keys off, as the sqlite3 shell
# has them), then the same indexes, the two search indexes' `rebuild` and the search triggers,
# all in one transaction. That is what kbingest's storing thread asks of SQLite for a first load,
# so kbingest's time over this one is its own: reading, parsing, normalizing, binding.
#
# Why not `.import` of CSV dumps: the sqlite3 shell binds every CSV field as text, and has no
# way to give NULL, which 15 columns of kbingest's tables hold (a port rule without a port, an
# anomaly of no service); an empty string is refused by a STRICT INTEGER column and by the CHECKs.
# Reading DB's pages instead costs SQLite less than parsing CSV would: this floor is lower still.
set -euo pipefail
db=${1:?usage: bench/floor.sh DB}

q() { sqlite3 -noheader -list "$db" "$1"; }

# A search index (`CREATE VIRTUAL TABLE x USING fts5`) makes its own tables, named x_...
shadow="EXISTS (SELECT 1 FROM sqlite_schema v WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
    AND s.name LIKE v.name || '\_%' ESCAPE '\')"

echo "PRAGMA journal_mode = OFF;"
echo "PRAGMA synchronous = OFF;"
echo "ATTACH '$db' AS loaded;"
echo "BEGIN;"
q "SELECT sql || ';' FROM sqlite_schema s WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND NOT $shadow ORDER BY rowid"
q "SELECT sql || ';' FROM sqlite_schema WHERE type = 'view' ORDER BY rowid"
q "SELECT printf('INSERT INTO main.\"%w\" SELECT * FROM loaded.\"%w\";', name, name) FROM sqlite_schema s
    WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
    AND NOT $shadow ORDER BY rowid"
q "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
q "SELECT printf('INSERT INTO \"%w\" (\"%w\") VALUES (''rebuild'');', name, name) FROM sqlite_schema
    WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY rowid"
q "SELECT sql || ';' FROM sqlite_schema WHERE type = 'trigger' ORDER BY rowid"
echo "COMMIT;"
echo "DETACH loaded;"
