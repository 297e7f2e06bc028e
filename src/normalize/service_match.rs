//! Which per-service section a summary table's row means by the service it names. KB 832017's
//! closing table names services in other words than their sections do: `DHCP Server` for `Dynamic
//! Host Configuration Protocol (DHCP) Server`, `Remote Procedure Call` for `Remote Procedure Call
//! (RPC)`, `Trivial FTP Daemon Service` for `Trivial FTP Daemon`, `WinRM 2.0` for `Windows Remote
//! Management (WinRM)`, `Hyper-V Live Migration` for `Hyper-V service`, `Netlogon` (its system
//! service name), or one of the section's application protocols (`DHCP Failover`). A name that
//! means no section (`Exchange Server`, which has none) matches none.

/// A per-service section as a summary row may name it. Every section of a document is kept until
/// its end (a summary table comes last), so its names are kept as digests: a few words each,
/// whatever the document's length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceNames {
    /// The forms of its names compared whole: the title (also without its parentheses, and with
    /// an acronym in parentheses standing for the words it abbreviates), its system service names
    /// and its application protocols.
    keys: Box<[u64]>,
    /// The distinctive words of its title (parentheses included).
    words: Box<[u64]>,
    /// Its acronyms and system service names, lower case: a one-word name may be one of these.
    short: Box<[u64]>,
}

/// A word's or name's digest (the same in every run: `DefaultHasher::new` has fixed keys).
fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

fn digests<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> Box<[u64]> {
    let mut all: Vec<u64> = texts.into_iter().map(|t| digest(t.as_ref())).collect();
    all.sort_unstable();
    all.dedup();
    all.into_boxed_slice()
}

/// Words that say nothing about which service is meant.
fn generic(word: &str) -> bool {
    matches!(
        word,
        "microsoft"
            | "windows"
            | "service"
            | "services"
            | "server"
            | "the"
            | "and"
            | "or"
            | "of"
            | "for"
            | "a"
            | "earlier"
            | "later"
    )
}

/// A name compared whole: markup gone, lower case, white space collapsed, a last generic word
/// (`Service`, `Server`) left out.
fn key(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !matches!(c, '`' | '*')).collect::<String>().to_lowercase();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() && matches!(*last, "service" | "services" | "server") => rest.join(" "),
        _ => words.join(" "),
    }
}

/// The distinctive words of a name: no generic words, no versions or numbers.
fn distinctive(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut words: Vec<String> = Vec::new();
    for word in lower.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '$')).filter(|w| !w.is_empty()) {
        if !generic(word) && !word.bytes().any(|b| b.is_ascii_digit()) && !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    }
    words
}

/// The title with an acronym in parentheses standing for the words before it that it abbreviates
/// (`Dynamic Host Configuration Protocol (DHCP) Server`: `DHCP Server`), and the acronym.
fn with_acronym(title: &str) -> Option<(String, String)> {
    let (before, rest) = title.split_once('(')?;
    let (acronym, after) = rest.split_once(')')?;
    let capitals: String = acronym.chars().filter(char::is_ascii_uppercase).collect();
    let words: Vec<&str> = before.split_whitespace().collect();
    if capitals.len() < 2 || capitals.len() > words.len() || acronym.contains(char::is_whitespace) {
        return None;
    }
    let (kept, abbreviated) = words.split_at(words.len() - capitals.len());
    let initials: String = abbreviated.iter().filter_map(|w| w.chars().next()).collect::<String>().to_uppercase();
    (initials == capitals).then(|| (format!("{} {acronym} {}", kept.join(" "), after.trim()), acronym.to_string()))
}

impl ServiceNames {
    /// The names of a section: its title, system service names and application protocols.
    pub fn new<'a>(
        title: &str,
        system_service_names: &[&str],
        applications: impl IntoIterator<Item = &'a str>,
    ) -> ServiceNames {
        let without_parentheses: String = {
            let mut depth = 0usize;
            title
                .chars()
                .filter(|&c| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth = depth.saturating_sub(1),
                        _ => return depth == 0,
                    }
                    false
                })
                .collect()
        };
        let mut keys = vec![key(title), key(&without_parentheses)];
        let mut short: Vec<String> = system_service_names.iter().map(|n| n.to_lowercase()).collect();
        if let Some((abbreviated, acronym)) = with_acronym(title) {
            keys.push(key(&abbreviated));
            short.push(acronym.to_lowercase());
        }
        keys.extend(system_service_names.iter().map(|n| key(n)));
        keys.extend(applications.into_iter().map(key));
        keys.retain(|k| !k.is_empty());
        ServiceNames { keys: digests(keys), words: digests(distinctive(title)), short: digests(short) }
    }

    /// Whether the name names this section exactly (in one of its forms).
    pub fn named_exactly(&self, name: &str) -> bool {
        self.keys.binary_search(&digest(&key(name))).is_ok()
    }

    /// Whether the name names this section in other words: the section's title is inside the
    /// name (`Hyper-V service` in `Hyper-V Live Migration`), or the name's words are inside the
    /// title, at least two of them or its acronym (`Distributed File System`, `WinRM 2.0`).
    pub fn named_loosely(&self, name: &str) -> bool {
        let words = digests(distinctive(name));
        let inside = |small: &[u64], large: &[u64]| small.iter().all(|w| large.binary_search(w).is_ok());
        (!self.words.is_empty() && inside(&self.words, &words))
            || (!words.is_empty()
                && inside(&words, &self.words)
                && (words.len() >= 2 || self.short.binary_search(&words[0]).is_ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(title: &str, ssn: &[&str]) -> ServiceNames {
        ServiceNames::new(title, ssn, [])
    }

    #[test]
    fn the_summarys_words_for_a_section() {
        let dhcp =
            ServiceNames::new("Dynamic Host Configuration Protocol (DHCP) Server", &["DHCPServer"], ["DHCP Failover"]);
        for name in ["DHCP Server", "Dynamic Host Configuration Protocol Server", "DHCPServer", "DHCP Failover"] {
            assert!(dhcp.named_exactly(name), "{name}");
        }
        assert!(names("Remote Procedure Call (RPC)", &["RpcSs"]).named_exactly("Remote Procedure Call"));
        assert!(!names("Remote Procedure Call (RPC) Locator", &["RpcLocator"]).named_exactly("Remote Procedure Call"));
        assert!(names("Trivial FTP Daemon", &["tftpd"]).named_exactly("Trivial FTP Daemon Service"));
        assert!(names("Net Logon", &["Netlogon"]).named_exactly("`Netlogon`"));
        let mta = names("Microsoft Exchange Message Transfer Agent (MTA) stacks", &["MSExchangeMTA"]);
        assert!(mta.named_exactly("Microsoft Exchange MTA Stacks"));
        assert!(
            names("Simple Service Discovery Protocol (SSDP) Discovery Service", &["SSDPRSR"])
                .named_exactly("SSDP Discovery Service")
        );
    }

    #[test]
    fn names_in_other_words() {
        let winrm = names("Windows Remote Management (WinRM)", &["WinRM"]);
        assert!(winrm.named_loosely("WinRM 2.0") && winrm.named_loosely("WinRM 1.1 and earlier"));
        assert!(names("Hyper-V service", &[]).named_loosely("Hyper-V Live Migration"));
        assert!(names("Distributed File System Namespaces", &["Dfs"]).named_loosely("Distributed File System"));
        assert!(
            names("Active Directory (local security authority)", &["LSASS"]).named_loosely("Local Security Authority")
        );
        // A service only the summary names is none of the sections that share a word with it.
        let mta = names("Microsoft Exchange Message Transfer Agent (MTA) stacks", &["MSExchangeMTA"]);
        assert!(!mta.named_loosely("Exchange Server") && !mta.named_exactly("Exchange Server"));
        assert!(!names("Windows Remote Management (WinRM)", &["WinRM"]).named_loosely("Systems Management Server 2.0"));
        assert!(!names("Server", &["lanmanserver"]).named_loosely("Exchange Server"));
    }
}
