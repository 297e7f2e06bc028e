#!/usr/bin/env bash
# make bench: kbingest's ingest against the sqlite3 shell's `.import --csv` of the same rows, side by
# side in one run: the full export's rows (12 columns, as `port_rules` has them) and the same table
# rows flattened the way a person would by hand (5 columns: service, system service name,
# application protocol, protocol and port as written). Each case runs RUNS rounds of the three
# commands in turn; the medians and the medians of the per-round ratios are reported, with peak
# memory from /usr/bin/time. RUNS=3 or SECTIONS=100000 make it shorter.
#
#   RUNS=5 SECTIONS=200000 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
SECTIONS=${SECTIONS:-200000}
OUT=bench/out
KB=${KB:-target/release/kbingest}
GEN=target/release/examples/gen_corpus

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

cargo build --release --locked --bin kbingest --example gen_corpus >&2
mkdir -p "$OUT"

# Inputs: the corpus (text and the same rows as CSV), one twice as large, and raw/ports.txt's rows.
"$GEN" "$SECTIONS" --csv "$OUT/corpus.csv" --compact "$OUT/corpus.compact.csv" --source "$OUT/corpus.txt" >"$OUT/corpus.txt"
"$GEN" $((SECTIONS * 2)) >"$OUT/corpus2x.txt"
rm -f "$OUT/ports.db"*
# The corpus is far larger than a document: past the default limit on port rules (1,000,000), for
# the binaries that have one.
LIMITS=()
if "$KB" --help | grep -q -- --max-rules; then LIMITS=(--max-rules 1000000000); fi
"$KB" raw/ports.txt -o "$OUT/ports.db" -q
sqlite3 -csv -header "$OUT/ports.db" "SELECT * FROM port_rules" >"$OUT/ports.csv"
# The compact file: one record per table row (a row may give several rules), its cells as written.
sqlite3 -csv -header "$OUT/ports.db" "SELECT service, system_service_name, application_protocol, transport_raw AS protocol,
    port_raw AS port FROM port_rules GROUP BY source_line ORDER BY source_line" >"$OUT/ports.compact.csv"

# run_once NAME COMMAND...: one timed run; appends "seconds peak_kib" to $OUT/NAME.times.
run_once() {
    local name=$1
    shift
    rm -f "$OUT/run.db" "$OUT/run.db-wal" "$OUT/run.db-shm"
    local start end
    start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$OUT/time.tmp" "$@" >/dev/null 2>"$OUT/$name.err" || {
        echo "bench: $name failed:" >&2
        cat "$OUT/$name.err" >&2
        exit 1
    }
    end=$EPOCHREALTIME
    echo "$start $end $(cat "$OUT/time.tmp")" | awk '{ printf "%.6f %s\n", $2 - $1, $3 }' >>"$OUT/$name.times"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# compare CASE RUNS ROWS BYTES KBINGEST_COMMAND -- FULL_IMPORT_COMMAND -- COMPACT_IMPORT_COMMAND
# Runs the three commands in turn, RUNS rounds; reports medians and the medians of the ratios of
# each round's kbingest time to each import's time.
compare() {
    local case=$1 runs=$2 rows=$3 bytes=$4
    shift 4
    local a=() b=() c=()
    while [ "$1" != "--" ]; do a+=("$1"); shift; done
    shift
    while [ "$1" != "--" ]; do b+=("$1"); shift; done
    shift
    c=("$@")
    rm -f "$OUT/$case".*.times
    run_once "$case.kbingest" "${a[@]}" # warm-up, not counted
    rm -f "$OUT/$case.kbingest.times"
    for _ in $(seq "$runs"); do
        run_once "$case.kbingest" "${a[@]}"
        run_once "$case.full" "${b[@]}"
        run_once "$case.compact" "${c[@]}"
    done
    local name label
    for name in kbingest full compact; do
        case $name in
            kbingest) label="kbingest" ;;
            full) label="sqlite3 .import, full export (12 columns)" ;;
            compact) label="sqlite3 .import, compact (5 columns)" ;;
        esac
        awk -v c="$case" -v l="$label" -v r="$rows" -v by="$bytes" \
            -v t="$(cut -d' ' -f1 "$OUT/$case.$name.times" | median)" \
            -v m="$(cut -d' ' -f2 "$OUT/$case.$name.times" | median)" 'BEGIN {
            printf "| %s | %s | %.4f | %.0f | %.1f | %.1f |\n", c, l, t, (t > 0 ? r / t : 0), (t > 0 ? by / 1048576 / t : 0), m / 1024
        }'
    done
    for name in full compact; do
        printf "| %s | ratio kbingest / %s import (median of rounds) | %.2f | | | |\n" "$case" "$name" \
            "$(paste -d' ' "$OUT/$case.kbingest.times" "$OUT/$case.$name.times" | awk '{ if ($3 > 0) print $1 / $3 }' | median)"
    done
}

rows_corpus=$(($(wc -l <"$OUT/corpus.csv") - 1))
rows_ports=$(($(wc -l <"$OUT/ports.csv") - 1))
bytes_corpus=$(wc -c <"$OUT/corpus.txt")
bytes_ports=$(wc -c <raw/ports.txt)

echo "kbingest benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), $(sqlite3 --version | cut -d' ' -f1-2 | sed 's/ / sqlite3 /;s/^/SQLite /')"
echo "runs per command: $RUNS on the corpus, $((RUNS * 6)) on raw/ports.txt (medians), corpus: $SECTIONS sections, $rows_corpus rows, $bytes_corpus bytes"
echo
echo "| case | command | median wall s | rows/s | MB/s | peak MiB |"
echo "|---|---|---|---|---|---|"
compare corpus "$RUNS" "$rows_corpus" "$bytes_corpus" \
    "$KB" "$OUT/corpus.txt" -o "$OUT/run.db" -q "${LIMITS[@]}" -- sqlite3 "$OUT/run.db" ".import --csv $OUT/corpus.csv rows" \
    -- sqlite3 "$OUT/run.db" ".import --csv $OUT/corpus.compact.csv rows"
# The small case takes milliseconds: more runs, so the medians settle.
compare ports $((RUNS * 6)) "$rows_ports" "$bytes_ports" \
    "$KB" raw/ports.txt -o "$OUT/run.db" -q -- sqlite3 "$OUT/run.db" ".import --csv $OUT/ports.csv rows" \
    -- sqlite3 "$OUT/run.db" ".import --csv $OUT/ports.compact.csv rows"

# Memory stays flat as the input grows: the corpus twice as large.
rm -f "$OUT/corpus2x.kbingest.times"
run_once corpus2x.kbingest "$KB" "$OUT/corpus2x.txt" -o "$OUT/run.db" -q "${LIMITS[@]}"
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
rm -f "$OUT/run.db" "$OUT/run.db-wal" "$OUT/run.db-shm" "$OUT/time.tmp"
