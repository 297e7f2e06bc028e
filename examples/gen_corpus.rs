//! Writes a deterministic synthetic corpus in the text format to standard output, for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- 200000 > corpus.txt
//! cargo run --release --example gen_corpus -- 200000 --csv corpus.csv --source corpus.txt > corpus.txt
//! ```
//!
//! `--csv FILE` also writes the `port_rules` rows kbingest should load, as a flat CSV (for
//! `sqlite3 db ".import --csv corpus.csv rows"`); `--source NAME` is the source name in it.
//! `--compact FILE` writes the tables' rows the way a person flattens them by hand: one record per
//! table row, five columns (service, system service name, application protocol, protocol and port
//! as written, e.g. `RANDOM`).

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::io::{BufWriter, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus SECTIONS [--csv FILE] [--compact FILE] [--source NAME]";
    let Some(sections) = args.first().and_then(|s| s.parse::<u64>().ok()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let source = value("--source").unwrap_or_else(|| "corpus.txt".to_string());
    let create = |path: String, header: &str| {
        let file = std::fs::File::create(&path).unwrap_or_else(|e| {
            eprintln!("gen_corpus: cannot create {path}: {e}");
            std::process::exit(1);
        });
        let mut w = BufWriter::new(file);
        let _ = writeln!(w, "{header}");
        w
    };
    let mut csv = value("--csv").map(|path| create(path, corpus::CSV_HEADER));
    let mut compact = value("--compact").map(|path| create(path, corpus::COMPACT_HEADER));
    // A table row that gives several rules (TCP/UDP, say) is one record of the compact file.
    let mut last_line = 0;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut text_failed, mut csv_failed) = (false, false);
    corpus::generate(
        sections,
        |text| text_failed |= out.write_all(text.as_bytes()).is_err(),
        |rule| {
            if let Some(w) = csv.as_mut() {
                csv_failed |= writeln!(w, "{}", corpus::csv_record(&source, rule)).is_err();
            }
            if let Some(w) = compact.as_mut().filter(|_| rule.source_line != last_line) {
                csv_failed |= writeln!(w, "{}", corpus::compact_record(rule)).is_err();
            }
            last_line = rule.source_line;
        },
    );
    let mut failed = text_failed || csv_failed || out.flush().is_err();
    for mut w in csv.into_iter().chain(compact) {
        failed |= w.flush().is_err();
    }
    if failed {
        eprintln!("gen_corpus: write failed");
        std::process::exit(1);
    }
}
