//! Sets of ports (or ICMP types) as sorted, disjoint, non-adjacent ranges.

/// A set of ports as sorted ranges; adjacent and overlapping ranges are joined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    ranges: Vec<(u16, u16)>,
}

impl PortSet {
    /// The empty set.
    pub fn new() -> PortSet {
        PortSet::default()
    }

    /// One range (its ends in either order).
    pub fn range(low: u16, high: u16) -> PortSet {
        PortSet { ranges: vec![(low.min(high), low.max(high))] }
    }

    /// The set of these ranges (ends in either order), joined.
    pub fn of(ranges: impl IntoIterator<Item = (u16, u16)>) -> PortSet {
        let mut all: Vec<(u16, u16)> = ranges.into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
        all.sort_unstable();
        let mut joined: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (low, high) in all {
            match joined.last_mut() {
                Some(last) if u32::from(low) <= u32::from(last.1) + 1 => last.1 = last.1.max(high),
                _ => joined.push((low, high)),
            }
        }
        PortSet { ranges: joined }
    }

    /// The ranges, in order.
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    /// Whether the set holds nothing.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `port` is in the set.
    pub fn contains(&self, port: u16) -> bool {
        let at = self.ranges.partition_point(|&(_, high)| high < port);
        self.ranges.get(at).is_some_and(|&(low, _)| low <= port)
    }

    /// Both sets together.
    pub fn union(&self, other: &PortSet) -> PortSet {
        PortSet::of(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// The ports of `self` not in `other`.
    pub fn minus(&self, other: &PortSet) -> PortSet {
        let mut out = Vec::new();
        for &(low, high) in &self.ranges {
            let mut from = u32::from(low);
            for &(o_low, o_high) in &other.ranges {
                let (o_low, o_high) = (u32::from(o_low), u32::from(o_high));
                if o_high < from || o_low > u32::from(high) {
                    continue;
                }
                if o_low > from {
                    out.push((from as u16, (o_low - 1) as u16));
                }
                from = o_high + 1;
            }
            if from <= u32::from(high) {
                out.push((from as u16, high));
            }
        }
        PortSet { ranges: out }
    }

    /// The ports in both sets.
    pub fn intersect(&self, other: &PortSet) -> PortSet {
        self.minus(&self.minus(other))
    }

    /// How many ports the set holds.
    pub fn len(&self) -> u32 {
        self.ranges.iter().map(|&(l, h)| u32::from(h) - u32::from(l) + 1).sum()
    }

    /// `53`, `1025-5000`, `135, 1025-5000`.
    pub fn words(&self) -> String {
        let parts: Vec<String> = self.ranges.iter().map(|&(l, h)| range_words(l, h)).collect();
        parts.join(", ")
    }
}

/// `53` or `1025-5000`.
pub fn range_words(low: u16, high: u16) -> String {
    if low == high { low.to_string() } else { format!("{low}-{high}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_and_subtract() {
        let set = PortSet::of([(5000, 1025), (135, 135), (136, 140), (3000, 3100)]);
        assert_eq!(set.ranges(), [(135, 140), (1025, 5000)]);
        assert!(set.contains(135) && set.contains(5000) && !set.contains(141) && !set.contains(0));
        let cut = set.minus(&PortSet::of([(137, 137), (1000, 2000), (4000, 65535)]));
        assert_eq!(cut.ranges(), [(135, 136), (138, 140), (2001, 3999)]);
        assert_eq!(cut.words(), "135-136, 138-140, 2001-3999");
        assert_eq!(set.intersect(&PortSet::range(130, 1030)).ranges(), [(135, 140), (1025, 1030)]);
        assert_eq!(PortSet::range(0, 65535).minus(&PortSet::range(0, 65535)), PortSet::new());
        assert_eq!(PortSet::range(0, 65535).len(), 65536);
        assert_eq!(set.union(&PortSet::range(141, 141)).ranges(), [(135, 141), (1025, 5000)]);
    }
}
