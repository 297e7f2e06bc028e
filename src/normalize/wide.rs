//! Wide port ranges: a range covering most of the port space (`1-65535`, `0 to 65535`, "random
//! port number between 1 and 65535") opens nearly everything a firewall guards. Ingest loads it as
//! the page says and ledgers it (`wide_port_range`); `kbingest firewall` refuses it unless
//! `--allow-wide` names it. One definition serves both.

use super::ledger::Ledger;
use super::port::{PortKind, PortValue};
use super::transport::Transport;
use crate::anomaly::AnomalyKind;

/// The dynamic range of IANA, and of Windows since Vista and Server 2008.
pub const MODERN_DYNAMIC_RANGE: (u16, u16) = (49152, 65535);

/// The range Kubernetes allocates NodePort services from (`--service-node-port-range`).
pub const NODE_PORT_RANGE: (u16, u16) = (30000, 32767);

/// The ranges documents name for ports allocated at random: Windows Server 2003 and earlier
/// (`RANDOM`), Kubernetes's NodePorts, and IANA's (Windows since Vista).
pub const DOCUMENTED_DYNAMIC_RANGES: [(u16, u16); 3] =
    [super::LEGACY_DYNAMIC_RANGE, NODE_PORT_RANGE, MODERN_DYNAMIC_RANGE];

/// The documented dynamic ranges in words, for messages: `1025-5000, 30000-32767 and 49152-65535`.
pub fn documented_ranges() -> String {
    let [a, b, c] = DOCUMENTED_DYNAMIC_RANGES.map(|(l, h)| format!("{l}-{h}"));
    format!("{a}, {b} and {c}")
}

/// The last of IANA's system ports (0-1023), which no system allocates at random: a range a page
/// gives as dynamic that holds one is no dynamic range `kbingest firewall` opens without
/// `--allow-wide`, whoever chose it.
pub const LAST_SYSTEM_PORT: u16 = 1023;

/// How many ports outside the documented dynamic ranges a range may cover and not be wide.
pub const WIDE_THRESHOLD: u32 = 1000;

/// How many ports of `range` lie outside the documented dynamic ranges and `also` (another
/// dynamic range the user named).
pub fn ports_outside(range: (u16, u16), also: &[(u16, u16)]) -> u32 {
    let (low, high) = (u32::from(range.0), u32::from(range.1));
    if low > high {
        return 0;
    }
    let mut known: Vec<(u32, u32)> =
        DOCUMENTED_DYNAMIC_RANGES.iter().chain(also).map(|&(l, h)| (u32::from(l), u32::from(h))).collect();
    known.sort_unstable();
    let mut covered = 0;
    let mut from = low;
    for (l, h) in known {
        let (l, h) = (l.max(from), h.min(high));
        if l <= h {
            covered += h - l + 1;
            from = h + 1;
        }
    }
    (high - low + 1) - covered
}

/// Whether `range` is wide: it reaches from port 0 or 1 to 65535, or covers more than
/// [`WIDE_THRESHOLD`] ports outside the documented dynamic ranges and `also`.
pub fn is_wide(range: (u16, u16), also: &[(u16, u16)]) -> bool {
    (range.0 <= 1 && range.1 == u16::MAX) || ports_outside(range, also) > WIDE_THRESHOLD
}

/// Whether a cell's values give alternatives for a dynamic range: more than one range allocated
/// at random (KB 832017: "random port number between 1024 - 65535", "... 49152 - 65535").
pub(super) fn dynamic_alternatives(values: &[PortValue]) -> bool {
    let mut ranges: Vec<(u16, u16)> =
        values.iter().filter(|v| v.spec.kind == PortKind::Dynamic).filter_map(|v| v.spec.range).collect();
    ranges.sort_unstable();
    ranges.dedup();
    ranges.len() > 1
}

/// Ledgers a TCP or UDP value whose range is wide; `alternatives` says whether its cell gives
/// alternatives for a dynamic range, `dynamic_range` what `RANDOM` means here.
pub(super) fn note_if_wide(
    t: Transport,
    value: &PortValue,
    alternatives: bool,
    dynamic_range: (u16, u16),
    ledger: &mut Ledger,
) {
    let Some(range) = value.spec.range.filter(|_| t.has_ports()) else { return };
    if !is_wide(range, &[dynamic_range]) {
        return;
    }
    let (low, high) = range;
    let unless = if alternatives && value.spec.kind == PortKind::Dynamic && low > LAST_SYSTEM_PORT {
        " or --dynamic-range legacy chooses it among the page's alternatives for this dynamic range"
    } else {
        ""
    };
    let message = format!(
        "{} {low}-{high} covers {} ports, {} of them outside the dynamic ranges {}; loaded as the page says, and \
         `kbingest firewall` refuses it unless --allow-wide {low}-{high} names it{unless}.",
        t.name(),
        u32::from(high) - u32::from(low) + 1,
        ports_outside(range, &[dynamic_range]),
        documented_ranges(),
    );
    ledger.note(AnomalyKind::WidePortRange, value.raw.clone(), Some(value.spec.describe()), message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_outside_counts_what_no_documented_dynamic_range_covers() {
        assert_eq!(ports_outside((49152, 65535), &[]), 0);
        assert_eq!(ports_outside((1024, 5000), &[]), 1);
        assert_eq!(ports_outside((1024, 65535), &[]), 1 + (49151 - 5001 + 1) - 2768);
        assert_eq!(ports_outside((0, 65535), &[]), 65536 - 3976 - 2768 - 16384);
        assert_eq!(ports_outside((30000, 32767), &[]), 0, "Kubernetes's NodePorts");
        assert_eq!(ports_outside((6000, 7000), &[(6500, 8000)]), 500);
        assert_eq!(ports_outside((53, 53), &[]), 1);
    }

    #[test]
    fn every_port_from_zero_or_one_is_wide_and_so_are_big_ranges_outside_the_dynamic_ones() {
        for wide in [(0, 65535), (1, 65535), (1024, 65535), (1025, 65535), (10000, 65535), (2, 1100)] {
            assert!(is_wide(wide, &[]), "{wide:?}");
        }
        for narrow in
            [(49152, 65535), (1025, 5000), (1024, 5000), (3268, 3269), (5000, 6000), (2, 1001), (30000, 32767)]
        {
            assert!(!is_wide(narrow, &[]), "{narrow:?}");
        }
        assert!(!is_wide((10000, 65535), &[(10000, 49151)]), "a dynamic range the user named");
        assert!(is_wide((1, 65535), &[(1, 65535)]), "never the whole port space");
    }
}
