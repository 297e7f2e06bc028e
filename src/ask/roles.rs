//! The names people use for Windows roles ("Active Directory", "Remote Desktop", "file sharing")
//! and the services the documents list for them: data, in `roles.txt`, read here.

/// The role list, as shipped.
const ROLES: &str = include_str!("roles.txt");

/// A role: the names people call it, and its services, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its names, as written in the list (the first is its usual name).
    pub names: Vec<String>,
    /// Its services: system service names or section titles, best first.
    pub services: Vec<String>,
}

impl Role {
    /// Whether `asked` is one of its names, ignoring case, spacing and punctuation, and a plural `s`.
    pub fn is_named(&self, asked: &str) -> bool {
        let asked = key(asked);
        !asked.is_empty()
            && self.names.iter().any(|n| {
                let n = key(n);
                n == asked || asked.strip_suffix('s').is_some_and(|a| a == n)
            })
    }
}

/// Lower case, words of letters and digits only, one space between them.
pub fn key(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every role of `roles.txt`.
pub fn roles() -> Vec<Role> {
    parse(ROLES).unwrap_or_default()
}

/// The roles of a list in the form of `roles.txt`; an error names the first line that is not a role.
pub fn parse(text: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (names, services) = line.split_once("=>").ok_or_else(|| format!("line {}: no `=>`", i + 1))?;
        let split = |text: &str, separator: char| -> Vec<String> {
            text.split(separator).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
        };
        let role = Role { names: split(names, '|'), services: split(services, ',') };
        if role.names.is_empty() || role.services.is_empty() {
            return Err(format!("line {}: a role needs a name and a service", i + 1));
        }
        roles.push(role);
    }
    Ok(roles)
}

/// The role called `asked`, if there is one.
pub fn role_named(asked: &str) -> Option<Role> {
    roles().into_iter().find(|r| r.is_named(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_reads_whole_and_names_each_role_once() {
        let roles = parse(ROLES).unwrap();
        assert!(roles.len() >= 15, "{roles:?}");
        let mut seen = std::collections::HashSet::new();
        for name in roles.iter().flat_map(|r| &r.names) {
            assert!(seen.insert(key(name)), "`{name}` names two roles");
        }
    }

    #[test]
    fn names_match_ignoring_case_spacing_punctuation_and_plural() {
        let ad = role_named("active directory").unwrap();
        assert_eq!(ad.services[0], "LSASS");
        assert_eq!(role_named("Domain-Controllers"), Some(ad.clone()));
        assert_eq!(role_named("  DOMAIN   controller "), Some(ad));
        assert_eq!(role_named("remote desktop").unwrap().services[0], "TermService");
        assert!(role_named("remote").is_none());
        assert!(role_named("").is_none());
    }

    #[test]
    fn a_malformed_line_is_named() {
        assert_eq!(parse("# c\nA => b\nno arrow\n"), Err("line 3: no `=>`".to_string()));
        assert_eq!(parse("A | B =>\n"), Err("line 1: a role needs a name and a service".to_string()));
    }
}
