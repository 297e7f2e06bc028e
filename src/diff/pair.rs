//! The one pairing step that service matching and rule comparison are built from: items of two
//! sides that share a key are paired in a fixed order. Where the same closures judge both sides,
//! the pairs do not depend on which side is old and which is new.

use std::collections::{BTreeMap, BTreeSet};

/// Pairs the still-unpaired items of `old` and `new` that share a key: within one key, the i-th
/// of one side (in `order`) with the i-th of the other. Items whose key is `None` take no part.
/// Paired indices are removed from `unpaired_old` and `unpaired_new`; the pairs are returned as
/// (old index, new index).
pub fn pair_by<T, K: Ord, O: Ord>(
    old: (&[T], &mut Vec<usize>),
    new: (&[T], &mut Vec<usize>),
    key: impl Fn(&T) -> Option<K>,
    order: impl Fn(&T) -> O,
) -> Vec<(usize, usize)> {
    pair_with(old, new, (&key, &key), order)
}

/// A key of an item; `None` where it has none.
pub type KeyOf<'a, T, K> = &'a dyn Fn(&T) -> Option<K>;

/// [`pair_by`] with a key for each side: `old_key` for the old items, `new_key` for the new.
pub fn pair_with<T, K: Ord, O: Ord>(
    (old, unpaired_old): (&[T], &mut Vec<usize>),
    (new, unpaired_new): (&[T], &mut Vec<usize>),
    (old_key, new_key): (KeyOf<'_, T, K>, KeyOf<'_, T, K>),
    order: impl Fn(&T) -> O,
) -> Vec<(usize, usize)> {
    let mut groups: BTreeMap<K, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for &i in unpaired_old.iter() {
        if let Some(k) = old_key(&old[i]) {
            groups.entry(k).or_default().0.push(i);
        }
    }
    for &i in unpaired_new.iter() {
        if let Some(k) = new_key(&new[i]) {
            groups.entry(k).or_default().1.push(i);
        }
    }
    let mut pairs = Vec::new();
    for (mut olds, mut news) in groups.into_values() {
        // Stable sorts: items that `order` cannot tell apart keep their document order.
        olds.sort_by_key(|&i| order(&old[i]));
        news.sort_by_key(|&i| order(&new[i]));
        pairs.extend(olds.into_iter().zip(news));
    }
    let paired_old: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
    let paired_new: BTreeSet<usize> = pairs.iter().map(|p| p.1).collect();
    unpaired_old.retain(|i| !paired_old.contains(i));
    unpaired_new.retain(|i| !paired_new.contains(i));
    pairs
}

/// A name for comparing: letters and digits only, in lower case, so that `Cluster Service` and
/// `cluster service`, or `IPSec ISAKMP` and `IPsec ISAKMP`, are the same name.
pub fn loose(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_within_a_key_in_order_and_leaves_the_rest() {
        let old = ["a1", "b9", "a3", "c1"];
        let new = ["a2", "b1", "d1", "a0", "a5"];
        let (mut uo, mut un) = ((0..old.len()).collect(), (0..new.len()).collect());
        let key = |s: &&str| (!s.starts_with('d')).then(|| s.as_bytes()[0]);
        let pairs = pair_by((&old, &mut uo), (&new, &mut un), key, |s| s.to_string());
        // a: old a1, a3 against new a0, a2, a5 in order; b: b9 with b1; c and d unpaired.
        assert_eq!(pairs, vec![(0, 3), (2, 0), (1, 1)]);
        assert_eq!(uo, vec![3]);
        assert_eq!(un, vec![2, 4]);
    }

    #[test]
    fn swapping_the_sides_swaps_the_pairs() {
        let a = ["x3", "x1", "y1", "x2"];
        let b = ["x9", "y7", "y2", "x0"];
        let run = |old: &[&str], new: &[&str]| {
            let (mut uo, mut un) = ((0..old.len()).collect(), (0..new.len()).collect());
            let mut pairs = pair_by((old, &mut uo), (new, &mut un), |s| Some(s.as_bytes()[0]), |s| s.to_string());
            pairs.sort();
            pairs
        };
        let mut swapped: Vec<(usize, usize)> = run(&b, &a).into_iter().map(|(o, n)| (n, o)).collect();
        swapped.sort();
        assert_eq!(run(&a, &b), swapped);
    }

    #[test]
    fn loose_names_ignore_case_punctuation_and_space() {
        assert_eq!(loose("Remote Procedure Call (RPC)"), "remoteprocedurecallrpc");
        assert_eq!(loose("Cluster  service"), loose("Cluster Service"));
        assert_ne!(loose("DHCP Server"), loose("DNS Server"));
    }
}
