//! Property tests: the prose scanner, the encoding-artifact detector and the registry readers take
//! any text without panicking, and what they find points inside it.

use kbingest::crosscheck::artifact::encoding_artifacts;
use kbingest::crosscheck::prose_mentions;
use kbingest::parse::Located;
use kbingest::parse::registry::read_registry;
use kbingest::read::InputFormat;
use proptest::prelude::*;

/// Pieces that take the scanners down their less travelled paths.
const PIECES: &[&str] = &[
    "port ",
    "ports ",
    "TCP ",
    "UDP ",
    "TCP/UDP ",
    "UDP and TCP ",
    " on ",
    "(",
    ")",
    ",",
    ", ",
    "\n",
    " ? ",
    "?",
    "9",
    "135",
    "65535",
    "99999",
    "-",
    "–",
    " to ",
    " and ",
    "between ",
    "in the ",
    " range",
    "●   ",
    "Echo",
    "NAT-T ",
    "(ISAKMP) ",
    "RFC 862",
    "â€”",
    "Ã©",
    "Ã",
    "\u{fffd}",
    "é",
    "\u{a0}",
    "#",
    "/tcp",
    "/udp",
    "\t",
    "0.5",
    "\"",
    "\"\"",
    "Service Name,Port Number,Transport Protocol\n",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn prose_and_artifacts_of_any_text(text in text(), any in ".{0,80}") {
        for text in [&text, &any] {
            let lines = text.matches('\n').count() as u32;
            for m in prose_mentions(&Located::new(5, text.clone())) {
                prop_assert!(m.line >= 5 && m.line <= 5 + lines);
                prop_assert!(m.low <= m.high);
                prop_assert!(!m.words.is_empty());
            }
            for a in encoding_artifacts(&Located::new(5, text.clone())) {
                prop_assert!(a.line >= 5 && a.line <= 5 + lines);
                prop_assert!(!a.message.is_empty());
            }
        }
    }

    #[test]
    fn registries_of_any_text(text in text(), any in ".{0,80}") {
        for format in [InputFormat::IanaCsv, InputFormat::Services, InputFormat::NmapServices] {
            for text in [&text, &any] {
                let read = read_registry(format, text).expect("a registry format");
                let lines = text.lines().count().max(1) as u32 + 1;
                for r in &read.records {
                    prop_assert!(r.line >= 1 && r.line <= lines, "{} of {}", r.line, lines);
                    prop_assert!(r.ports.is_none_or(|(low, high)| low <= high));
                }
            }
        }
    }
}
