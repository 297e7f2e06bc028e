//! Property tests: the reader, the section finder and the normalizer never panic, whatever the
//! document, and what they return is either a clean result that fits the schema or an error
//! that names the document. Documents are raw/ports.txt mutated (lines deleted, duplicated,
//! swapped, truncated, replaced by random bytes or extreme values), documents made of the
//! words tables are made of, and arbitrary bytes. A smaller set goes on through the store.

use kbingest::error::{Error, Result};
use kbingest::ingest::{IngestOptions, Silent, ingest};
use kbingest::normalize::{NormalizeOptions, NormalizedSection, normalize_section};
use kbingest::parse::sections::{Event, Sections};
use kbingest::parse::text::TextBlocks;
use kbingest::read::{Lines, SNIFF_BYTES, detect_encoding, detect_format};
use kbingest::store::{DEFAULT_BUSY_TIMEOUT, Database};
use proptest::prelude::*;
use proptest::sample::Index;

const PORTS: &str = include_str!("../raw/ports.txt");

/// The directory of the database that the store property test loads every case into.
static SHARED: std::sync::LazyLock<tempfile::TempDir> = std::sync::LazyLock::new(|| tempfile::tempdir().unwrap());

/// Cell values and lines that sit at the edges of what the reader and normalizer accept.
const EXTREMES: &[&str] = &[
    "",
    " ",
    "\u{a0}",
    "\t\u{a0} ",
    "0",
    "65535",
    "65536",
    "-1",
    "4294967296",
    "99999999999999999999999999999999",
    "0-65535",
    "65535-0",
    "1-99999999999",
    "RANDOM",
    "random port number between 99999 and 1",
    "Random port number between 1024 and 65535",
    "n/a",
    "TCP 99999999999",
    "TCP/UDP/GRE/ESP/AH/ICMP",
    "UPD",
    "tcp and dtls",
    "/",
    "+ , &",
    "ICMP",
    "GRE",
    "(",
    "()",
    "1 (",
    "((1))",
    "80 (x (y))",
    "¹²³",
    "**",
    "Application protocol Protocol Port",
    "application  protocol\u{a0}protocol ports",
    "System Service Name",
    "System Service Name ",
    "System service names: , and ,",
    "System Service Name\u{a0}\u{a0}",
    "Finally. System service name: .",
    "●",
    "#",
    "# ",
    "<table>",
    "|---|",
    "\u{feff}",
    "\r",
];

/// One change to a document's lines; indexes are taken modulo the current number of lines.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(Index),
    Duplicate(Index),
    Swap(Index, Index),
    Truncate(Index, Index),
    RandomBytes(Index, Vec<u8>),
    Extreme(Index, usize),
    InsertExtreme(Index, usize),
}

/// Where a document starts in raw/ports.txt and how many lines it takes (at times all of them).
fn window() -> impl Strategy<Value = (Index, usize)> {
    (any::<Index>(), prop_oneof![9 => 10usize..250, 1 => Just(usize::MAX)])
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Delete),
        any::<Index>().prop_map(Mutation::Duplicate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Truncate(a, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 0..40)).prop_map(|(a, b)| Mutation::RandomBytes(a, b)),
        (any::<Index>(), 0..EXTREMES.len()).prop_map(|(a, e)| Mutation::Extreme(a, e)),
        (any::<Index>(), 0..EXTREMES.len()).prop_map(|(a, e)| Mutation::InsertExtreme(a, e)),
    ]
}

/// A run of lines of raw/ports.txt (a few sections: small documents keep the cases fast and the
/// mutations dense) with the mutations applied.
fn mutated(window: (Index, usize), mutations: &[Mutation]) -> Vec<u8> {
    let all: Vec<&str> = PORTS.split('\n').collect();
    let start = window.0.index(all.len());
    let end = start.saturating_add(window.1).min(all.len());
    let mut lines: Vec<Vec<u8>> = all[start..end].iter().map(|l| l.as_bytes().to_vec()).collect();
    for m in mutations {
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i.index(n));
            }
            Mutation::Duplicate(i) => {
                let at = i.index(n);
                lines.insert(at, lines[at].clone());
            }
            Mutation::Swap(a, b) => lines.swap(a.index(n), b.index(n)),
            Mutation::Truncate(i, at) => {
                let line = &mut lines[i.index(n)];
                let keep = at.index(line.len() + 1);
                line.truncate(keep);
            }
            Mutation::RandomBytes(i, bytes) => lines[i.index(n)] = bytes.clone(),
            Mutation::Extreme(i, e) => lines[i.index(n)] = EXTREMES[*e].as_bytes().to_vec(),
            Mutation::InsertExtreme(i, e) => lines.insert(i.index(n), EXTREMES[*e].as_bytes().to_vec()),
        }
    }
    lines.join(&b'\n')
}

/// Documents made of the lines tables are made of, in any order.
fn table_words() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        (0..EXTREMES.len()).prop_map(|e| EXTREMES[e].to_string()),
        Just("Application protocol Protocol Port".to_string()),
        Just(String::new()),
        "[A-Za-z ]{1,20}",
        "[0-9]{1,7}",
        "[0-9]{1,6} ?- ?[0-9]{1,6}",
        "(TCP|UDP|GRE|ESP|AH|ICMP|UPD|TP|tcp)",
        "System Service Name ?[A-Za-z]{0,10}",
    ];
    prop::collection::vec(line, 0..80).prop_map(|lines| lines.join("\n").into_bytes())
}

/// Checks that a normalized section fits the schema's constraints.
fn check_section(n: &NormalizedSection, last_line: u32) {
    if let Some(s) = &n.service {
        assert!(!s.title.is_empty(), "empty title");
        assert!(s.system_service_name.as_deref() != Some(""), "empty system service name");
        assert!(1 <= s.first_line && s.first_line <= s.last_line && s.last_line <= last_line, "{s:?}");
    } else {
        assert!(n.rules.is_empty(), "rules without a service");
    }
    for rule in &n.rules {
        assert!(!rule.application_protocol.is_empty());
        assert!((1..=last_line).contains(&rule.line), "rule line {} of {last_line}", rule.line);
        // A port only for a transport with ports (or none named); TCP or UDP may go without one
        // where the page says so (`n/a` as kind `none`, `Any`, a configurable port, a dynamic port
        // of no stated range), never a fixed port or a range.
        use kbingest::normalize::PortKind;
        match rule.port.range {
            Some((low, high)) => assert!(rule.transport.is_none_or(|t| t.has_ports()) && low <= high, "{rule:?}"),
            None => assert!(!matches!(rule.port.kind, PortKind::Fixed | PortKind::Range), "{rule:?}"),
        }
        if let Some((low, high)) = rule.context.source_ports {
            assert!(low <= high, "{rule:?}");
        }
    }
    for a in &n.anomalies {
        assert!((1..=last_line).contains(&a.line) && !a.message.is_empty(), "{a:?}");
    }
    for p in &n.problems {
        assert!((1..=last_line).contains(&p.line) && !p.message.is_empty(), "{p:?}");
    }
}

/// Runs the reader, the section finder and the normalizer over `bytes` as the binary does.
fn pipeline(bytes: &[u8], lenient_range: bool) -> Result<usize> {
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let encoding = detect_encoding(sniff, bytes.len() <= SNIFF_BYTES);
    let _ = detect_format(&encoding.decode(sniff).0);
    let last_line = u32::try_from(bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1).unwrap();
    let options = NormalizeOptions { dynamic_range: if lenient_range { Some((0, 65535)) } else { None } };
    let mut sections = 0;
    for event in Sections::new(TextBlocks::new(Lines::new(bytes, encoding, "doc.txt".into()))) {
        match event? {
            Event::Section(section) => {
                sections += 1;
                check_section(&normalize_section(&section, &options), last_line);
            }
            Event::Anomaly(a) => assert!((1..=last_line).contains(&a.line), "{a:?}"),
            Event::Summary(t) => assert!((1..=last_line).contains(&t.table.line), "{t:?}"),
            Event::Problem(p) => assert!((1..=last_line).contains(&p.line), "{p:?}"),
        }
    }
    Ok(sections)
}

/// An error must name the document (and so, where it has one, the line).
fn check_outcome(outcome: Result<usize>) {
    if let Err(e) = outcome {
        assert!(e.to_string().starts_with("doc.txt:"), "{e}");
        assert_eq!(e.exit_code(), 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn mutated_ports_txt_never_panics(window in window(), mutations in prop::collection::vec(mutation(), 1..12), wide in any::<bool>()) {
        check_outcome(pipeline(&mutated(window, &mutations), wide));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn documents_of_table_words_never_panic(doc in table_words()) {
        check_outcome(pipeline(&doc, false));
    }

    #[test]
    fn arbitrary_bytes_never_panic(doc in prop::collection::vec(prop_oneof![199 => 1u8..=255, 1 => Just(0u8)], 0..3000)) {
        check_outcome(pipeline(&doc, false));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On through the store, into one database, each case replacing the last: whatever is
    /// loaded fits the schema, and whatever is refused is refused with an input error.
    #[test]
    fn mutated_documents_load_or_are_refused_cleanly(window in window(), mutations in prop::collection::vec(mutation(), 1..6), strict in any::<bool>()) {
        let doc = SHARED.path().join("doc.txt");
        std::fs::write(&doc, mutated(window, &mutations)).unwrap();
        let db_path = SHARED.path().join("p.db");
        let mut db = Database::open_for_write(db_path.to_str().unwrap(), DEFAULT_BUSY_TIMEOUT, kbingest::stop::Stop::NEVER).unwrap();
        db.conn.pragma_update(None, "synchronous", "OFF").unwrap();
        let options = IngestOptions { strict, ..Default::default() };
        match ingest(&mut db, &[doc.to_str().unwrap().to_string()], &options, &Silent, kbingest::stop::Stop::NEVER) {
            Ok(_) => {}
            Err(e @ (Error::Input { .. } | Error::Invalid { .. })) => prop_assert!(strict || matches!(e, Error::Input { .. }), "{e}"),
            Err(e) => prop_assert!(false, "not an input error: {e}"),
        }
    }
}
