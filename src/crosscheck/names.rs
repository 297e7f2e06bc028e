//! Whether two names for an application protocol name the same one: the same words, one the start
//! or the end of the other (`LDAP`, `LDAP Server`; `NAT-T`, `IPsec NAT-T`), or one a contraction of the other (`Chargen` for
//! `Character Generator`, `Quotd` for `Quote of the Day`, `IAS` for `Internet Authentication Service`).

/// The lower-case words of a name; punctuation separates words (`NAT-T` is `nat`, `t`).
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether `a` and `b` name the same application protocol.
pub fn same_protocol(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a.starts_with(&b)
        || b.starts_with(&a)
        || a.ends_with(&b)
        || b.ends_with(&a)
        || contracts(&a, &b)
        || contracts(&b, &a)
}

/// Whether the one word of `short` is made of pieces of the words of `long`, in order, each piece
/// starting a word, the first piece starting the first word (`chargen`: `char`acter `gen`erator).
fn contracts(short: &[String], long: &[String]) -> bool {
    let [word] = short else { return false };
    let letters: Vec<char> = word.chars().collect();
    let long: Vec<Vec<char>> = long.iter().map(|w| w.chars().collect()).collect();
    // Bounded, so that the search (exponential at worst) stays trivial on any input.
    if long.len() < 2 || letters.len() < 3 || letters.len() > 16 || long.len() > 8 {
        return false;
    }
    letters[0] == long[0][0] && fits(&letters[1..], &long, 0, 1)
}

/// Whether `rest` can be matched from position `at` of word `word` on, continuing in that word or
/// jumping to the start of a later one.
fn fits(rest: &[char], long: &[Vec<char>], word: usize, at: usize) -> bool {
    let Some((&first, tail)) = rest.split_first() else { return true };
    if long[word].get(at) == Some(&first) && fits(tail, long, word, at + 1) {
        return true;
    }
    (word + 1..long.len()).any(|next| long[next][0] == first && fits(tail, long, next, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_and_prefixes_match() {
        assert!(same_protocol("Character Generator", "Chargen"));
        assert!(same_protocol("Quotd", "Quote of the Day"));
        assert!(same_protocol("IAS", "Internet Authentication Service"));
        assert!(same_protocol("NAT-T", "nat-t"));
        assert!(same_protocol("LDAP", "LDAP Server"));
        assert!(same_protocol("Network Address Translator Traversal NAT-T", "NAT-T"));
        assert!(same_protocol("Daytime", "Daytime"));
    }

    #[test]
    fn different_names_do_not() {
        assert!(!same_protocol("Character Generator", "Discard"));
        assert!(!same_protocol("Quote of the Day", "Echo"));
        assert!(!same_protocol("Daytime", "Discard"));
        assert!(!same_protocol("IPSec ISAKMP", "NAT-T"));
        assert!(!same_protocol("", "Echo"));
        // Past the bound on words, no contraction is looked for.
        assert!(!contracts(&words("chargen"), &words("character generator a b c d e f g")));
    }
}
