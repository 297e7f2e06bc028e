#!/usr/bin/env bash
# make bench: kbingest's ingest against the sqlite3 shell, side by side in one run:
# - `.import --csv` of the full export's rows (12 columns, as `port_rules` has them) and of the same
#   table rows flattened the way a person would by hand (5 columns: service, system service name,
#   application protocol, protocol and port as written), into one table without indexes;
# - the floor: the sqlite3 shell building kbingest's own schema from the tables of a loaded
#   database (bench/floor.sh), no journal, no syncing: the same rows inserted into the same STRICT
#   tables with their constraints, then the same indexes and the two full-text indexes' `rebuild`.
#   SQLite's own work for this schema, without reading any document;
# - `kbingest check` of the corpus: reading, parsing and normalizing alone, nothing written.
# Each case runs RUNS rounds of its commands in turn; the medians (wall and CPU time) and the
# medians of the per-round ratios are reported, with peak memory from /usr/bin/time. RUNS=3 or
# SECTIONS=100000 make it shorter.
#
#   RUNS=5 SECTIONS=200000 bench/run.sh
#   KB_BEFORE=/tmp/kbingest-main bench/run.sh     # and another build of kbingest, side by side
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SECTIONS=${SECTIONS:-200000}
OUT=bench/out
KB=${KB:-target/release/kbingest}
GEN=target/release/examples/gen_corpus
IANA=tests/fixtures/registries/iana-service-names-port-numbers.csv

need() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "bench: installing $2" >&2
            apt-get install -y -qq "$2" >/dev/null
        else
            echo "bench: $1 is missing; install the package $2" >&2
            exit 1
        fi
    fi
}
need sqlite3 sqlite3
need /usr/bin/time time

# Apart: built together, kbingest would take the features of the example's dev-dependencies and
# be built again by the next `cargo build --release`, and again here.
cargo build --release --locked --bin kbingest >&2
cargo build --release --locked --example gen_corpus >&2
mkdir -p "$OUT"

# Inputs: the corpus (text and the same rows as CSV), one twice as large, and raw/ports.txt's rows.
"$GEN" "$SECTIONS" --csv "$OUT/corpus.csv" --compact "$OUT/corpus.compact.csv" --source "$OUT/corpus.txt" >"$OUT/corpus.txt"
"$GEN" $((SECTIONS * 2)) >"$OUT/corpus2x.txt"
rm -f "$OUT/ports.db"*
"$KB" raw/ports.txt -o "$OUT/ports.db" -q
sqlite3 -csv -header "$OUT/ports.db" "SELECT * FROM port_rules" >"$OUT/ports.csv"
# The compact file: one record per table row (a row may give several rules), its cells as written.
sqlite3 -csv -header "$OUT/ports.db" "SELECT service, system_service_name, application_protocol, transport_raw AS protocol,
    port_raw AS port FROM port_rules GROUP BY source_line ORDER BY source_line" >"$OUT/ports.compact.csv"
# The floor's source: the corpus loaded once (also the warm-up of the page cache), and the script
# that builds the same database from it.
rm -f "$OUT/corpus.db"*
"$KB" "$OUT/corpus.txt" -o "$OUT/corpus.db" -q
bench/floor.sh "$OUT/corpus.db" >"$OUT/floor.sql"
bench/floor.sh "$OUT/ports.db" >"$OUT/floor.ports.sql"

# run_once NAME COMMAND...: one timed run into a new $OUT/run.db; appends "wall_s peak_kib cpu_s"
# to $OUT/NAME.times. CPU time (user and system, of the command and its threads) comes from the
# shell's `times`, which counts in milliseconds: /usr/bin/time's 10 ms are too coarse for
# raw/ports.txt, as is its wall time (taken here with EPOCHREALTIME).
run_once() {
    local name=$1
    shift
    rm -f "$OUT/run.db" "$OUT/run.db-wal" "$OUT/run.db-shm" "$OUT/run.db-journal"
    local start end cpu_before cpu_after
    children_cpu
    cpu_before=$CHILDREN_CPU
    start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$OUT/time.tmp" "$@" >/dev/null 2>"$OUT/$name.err" || {
        echo "bench: $name failed:" >&2
        cat "$OUT/$name.err" >&2
        exit 1
    }
    end=$EPOCHREALTIME
    children_cpu
    cpu_after=$CHILDREN_CPU
    echo "$start $end $(tail -1 "$OUT/time.tmp") $cpu_before $cpu_after" |
        awk '{ printf "%.6f %s %.3f\n", $2 - $1, $3, $5 - $4 }' >>"$OUT/$name.times"
}

# Sets CHILDREN_CPU to the user and system time of every child this shell has waited for, in
# seconds. `times` runs in this shell, not in a command substitution (a subshell has no children).
children_cpu() {
    times >"$OUT/times.tmp"
    CHILDREN_CPU=$(awk 'NR == 2 { n = split($1 " " $2, t, /[ms ]+/); s = 0; for (i = 1; i < n; i += 2) s += t[i] * 60 + t[i + 1]; print s }' "$OUT/times.tmp")
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# compare CASE RUNS ROWS BYTES NAME LABEL COMMAND... [-- NAME LABEL COMMAND...]...
# Runs the commands in turn, RUNS rounds, after a warm-up run of the first; reports each one's
# medians, then the medians of the per-round ratios of the first command's times to each other's.
compare() {
    local case=$1 runs=$2 rows=$3 bytes=$4
    shift 4
    local names=() labels=() commands=()
    while [ $# -gt 0 ]; do
        names+=("$1")
        labels+=("$2")
        shift 2
        local command=()
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do command+=("$1"); shift; done
        [ $# -gt 0 ] && shift
        commands+=("$(printf '%q ' "${command[@]}")")
    done
    local i round
    rm -f "$OUT/$case".*.times
    eval "run_once \"\$case.\${names[0]}\" ${commands[0]}" # warm-up, not counted
    rm -f "$OUT/$case".*.times
    for round in $(seq "$runs"); do
        for i in "${!names[@]}"; do
            eval "run_once \"\$case.\${names[i]}\" ${commands[i]}"
        done
    done
    for i in "${!names[@]}"; do
        local times="$OUT/$case.${names[i]}.times"
        awk -v c="$case" -v l="${labels[i]}" -v r="$rows" -v by="$bytes" \
            -v t="$(cut -d' ' -f1 "$times" | median)" -v m="$(cut -d' ' -f2 "$times" | median)" \
            -v cpu="$(cut -d' ' -f3 "$times" | median)" 'BEGIN {
            printf "| %s | %s | %.4f | %.4f | %.0f | %.1f | %.1f |\n", c, l, t, cpu, (t > 0 ? r / t : 0), (t > 0 ? by / 1048576 / t : 0), m / 1024
        }'
    done
    local first="$OUT/$case.${names[0]}.times"
    for i in "${!names[@]}"; do
        [ "$i" = 0 ] && continue
        local times="$OUT/$case.${names[i]}.times"
        printf "| %s | **ratio %s / %s** (median of rounds) | %.2f | %.2f | | | |\n" "$case" "${names[0]}" "${labels[i]}" \
            "$(paste -d' ' "$first" "$times" | awk '{ if ($4 > 0) print $1 / $4 }' | median)" \
            "$(paste -d' ' "$first" "$times" | awk '{ if ($6 > 0) print $3 / $6 }' | median)"
    done
}

rows_corpus=$(($(wc -l <"$OUT/corpus.csv") - 1))
rows_ports=$(($(wc -l <"$OUT/ports.csv") - 1))
rows_iana=$(($(wc -l <"$IANA") - 1))
bytes_corpus=$(wc -c <"$OUT/corpus.txt")
bytes_ports=$(wc -c <raw/ports.txt)
bytes_iana=$(wc -c <"$IANA")

echo "kbingest benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/ / sqlite3 /;s/^/SQLite /'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs per command: $RUNS on the corpus, $((RUNS * 6)) on raw/ports.txt and the IANA registry (medians), corpus: $SECTIONS sections, $rows_corpus rows, $bytes_corpus bytes"
echo
echo "| case | command | median wall s | median CPU s | rows/s | MB/s | peak MiB |"
echo "|---|---|---|---|---|---|---|"
# KB_BEFORE=path/to/another/kbingest adds that build's load to every case, run in the same rounds.
before() {
    if [ -n "${KB_BEFORE:-}" ]; then
        printf '%s\0' -- before "kbingest before ($KB_BEFORE)" "$KB_BEFORE" "$@"
    fi
}
mapfile -d '' corpus_before < <(before "$OUT/corpus.txt" -o "$OUT/run.db" -q)
mapfile -d '' ports_before < <(before raw/ports.txt -o "$OUT/run.db" -q)
mapfile -d '' iana_before < <(before "$IANA" -o "$OUT/run.db" -q)

compare corpus "$RUNS" "$rows_corpus" "$bytes_corpus" \
    kbingest kbingest "$KB" "$OUT/corpus.txt" -o "$OUT/run.db" -q "${corpus_before[@]}" \
    -- floor "sqlite3 floor (same schema and rows, no parsing)" sqlite3 "$OUT/run.db" ".read $OUT/floor.sql" \
    -- full "sqlite3 .import, full export (12 columns)" sqlite3 "$OUT/run.db" ".import --csv $OUT/corpus.csv rows" \
    -- compact "sqlite3 .import, compact (5 columns)" sqlite3 "$OUT/run.db" ".import --csv $OUT/corpus.compact.csv rows" \
    -- check "kbingest check (reading alone)" "$KB" check "$OUT/corpus.txt" --output-format csv -q
# The small cases take milliseconds: more runs, so the medians settle.
compare ports $((RUNS * 6)) "$rows_ports" "$bytes_ports" \
    kbingest kbingest "$KB" raw/ports.txt -o "$OUT/run.db" -q "${ports_before[@]}" \
    -- floor "sqlite3 floor (same schema and rows, no parsing)" sqlite3 "$OUT/run.db" ".read $OUT/floor.ports.sql" \
    -- full "sqlite3 .import, full export (12 columns)" sqlite3 "$OUT/run.db" ".import --csv $OUT/ports.csv rows" \
    -- compact "sqlite3 .import, compact (5 columns)" sqlite3 "$OUT/run.db" ".import --csv $OUT/ports.compact.csv rows"
compare iana $((RUNS * 6)) "$rows_iana" "$bytes_iana" \
    kbingest "kbingest (IANA registry)" "$KB" "$IANA" -o "$OUT/run.db" -q "${iana_before[@]}" \
    -- import "sqlite3 .import of the same CSV" sqlite3 "$OUT/run.db" ".import --csv $IANA rows"

# Memory stays flat as the input grows: the corpus twice as large.
rm -f "$OUT/corpus2x.kbingest.times"
run_once corpus2x.kbingest "$KB" "$OUT/corpus2x.txt" -o "$OUT/run.db" -q
awk '{ printf "\ncorpus twice as large (%s): %.3f s, peak %.1f MiB\n", "'"$(wc -c <"$OUT/corpus2x.txt")"' bytes", $1, $2 / 1024 }' "$OUT/corpus2x.kbingest.times"

# Hostile shapes (issue 15): 40 MB of text without a port table (the README says what memory this
# costs: paragraphs wait for a table), and 100,000 nested <div>s (refused before html5ever parses).
# Each is a refusal (exit 1), so they run apart from run_once, which stops at a failure.
hostile() {
    local name=$1
    shift
    rm -f "$OUT/run.db"*
    local start end
    start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$OUT/time.tmp" "$@" >/dev/null 2>"$OUT/$name.err" || true
    end=$EPOCHREALTIME
    awk -v n="$name" -v s="$start" -v e="$end" -v m="$(tail -1 "$OUT/time.tmp")" \
        'BEGIN { printf "%s: %.3f s, peak %.1f MiB (%s)\n", n, e - s, m / 1024, "refused as expected" }'
}
awk 'BEGIN { for (i = 0; i < 500000; i++) print "A long description line of a document without any port table at all, line " i }' \
    >"$OUT/tableless.txt"
awk 'BEGIN { printf "<html><body>\n"; for (i = 0; i < 100000; i++) print "<div>"; print "x</body></html>" }' >"$OUT/deep.html"
echo
hostile "tableless text, $(wc -c <"$OUT/tableless.txt") bytes" "$KB" "$OUT/tableless.txt" -o "$OUT/run.db" -q
hostile "100,000 nested divs" "$KB" "$OUT/deep.html" -o "$OUT/run.db" -q
rm -f "$OUT/run.db" "$OUT/run.db-wal" "$OUT/run.db-shm" "$OUT/run.db-journal" "$OUT/time.tmp" "$OUT/times.tmp"
