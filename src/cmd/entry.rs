//! Mistakes at the door: a mistyped command (`kbingest qurey ...`) would otherwise be taken for an
//! input file of the bare form and end in a message about `-o`.

use clap::CommandFactory;

/// For a first word that is neither an option, nor a command, nor a file or folder here, but
/// close to a command's name: the message that says so (`did you mean`).
pub fn mistyped_command(first: &str) -> Option<String> {
    if first.starts_with('-') || first.contains(['/', '.', '\\']) || std::path::Path::new(first).exists() {
        return None;
    }
    let cli = super::Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&first) {
        return None;
    }
    let command = closest(first, &names)?;
    Some(format!(
        "`{first}` is not a command, and there is no file of that name here; did you mean `kbingest {command}`? \
         (`kbingest --help` lists the commands)"
    ))
}

/// The name in `names` one or two typing mistakes away from `word` (ignoring case), if one is.
fn closest<'a>(word: &str, names: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(&word, n), *n))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, n)| (*d, *n))
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_are_commands_and_files_are_not() {
        let m = mistyped_command("qurey").unwrap();
        assert!(m.contains("did you mean `kbingest query`?"), "{m}");
        assert!(mistyped_command("firewal").unwrap().contains("`kbingest firewall`"));
        assert!(mistyped_command("EXPORT").unwrap().contains("`kbingest export`"));
        assert_eq!(mistyped_command("query"), None);
        assert_eq!(mistyped_command("-o"), None);
        assert_eq!(mistyped_command("ports.txt"), None);
        assert_eq!(mistyped_command("raw/x"), None);
        assert_eq!(mistyped_command("zebra"), None);
        // A file of that name here is an input.
        assert_eq!(mistyped_command("Cargo.toml"), None);
        assert_eq!(mistyped_command("src"), None);
    }
}
