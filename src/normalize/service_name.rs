//! The `System Service Name X` line: the service's logical name, however the document spells the
//! line.

use super::ledger::Ledger;
use super::text::{collapse_whitespace, ledger_markup};
use crate::anomaly::AnomalyKind;
use crate::parse::Located;
use crate::parse::label::{Label, system_service_label};

/// Reads the system service name from the line(s) that give it. Returns the name (several names
/// joined with `, `) and ledgers every departure from `System Service Name X`.
/// Notes about the name line are at its own line; a missing name is noted at the title's.
pub fn read_system_service_name(lines: &[Located], title: &Located, ledger: &mut Ledger) -> Option<String> {
    let Some(first) = lines.first() else {
        ledger.note_at(
            title.line,
            AnomalyKind::MissingSystemServiceName,
            title.text.clone(),
            None,
            format!("The section \"{}\" gives no system service name; loaded as NULL.", title.text),
        );
        return None;
    };
    for extra in &lines[1..] {
        ledger.note_at(
            extra.line,
            AnomalyKind::ExtraSystemServiceName,
            extra.text.clone(),
            None,
            "A second system service name line in one section; the first one was loaded.",
        );
    }
    let mut at_line = Ledger::new(first.line);
    let name = read_name_line(first, &mut at_line);
    ledger.append(&mut at_line);
    name
}

/// The names a line gives after its label, and whether the label is inside a sentence.
fn names_in(raw: &str, label: &Label) -> (Vec<String>, bool) {
    let before = raw[..label.start].trim();
    let mut value = raw[label.value..].trim().to_string();
    if !before.is_empty() {
        // Inside a sentence: the name runs to the end of that sentence.
        if let Some(end) = value.find(". ") {
            value.truncate(end);
        }
    }
    let value = value.trim_end_matches('.').trim().to_string();
    let names = value
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    (names, !before.is_empty())
}

/// Reads the first system service name line, noting at its line every departure from the
/// regular form.
fn read_name_line(first: &Located, ledger: &mut Ledger) -> Option<String> {
    let raw = collapse_whitespace(&first.text);
    let label = system_service_label(&raw)?;
    let (names, in_sentence) = names_in(&raw, &label);
    if names.is_empty() {
        ledger.note(
            AnomalyKind::MissingSystemServiceName,
            raw.clone(),
            None,
            "The system service name line names no service; loaded as NULL.",
        );
        return None;
    }
    let name = names.join(", ");
    ledger_markup(first, &name, "system service name line", ledger);
    if in_sentence {
        ledger.note(
            AnomalyKind::SystemServiceNameInText,
            raw.clone(),
            Some(name.clone()),
            format!("The system service name \"{name}\" was found inside a description paragraph."),
        );
    }
    if label.glued {
        ledger.note(
            AnomalyKind::GluedSystemServiceName,
            raw.clone(),
            Some(name.clone()),
            format!("\"System Service Name\" is glued to the name; the name was read as \"{name}\"."),
        );
    }
    if names.len() > 1 {
        ledger.note(
            AnomalyKind::SeveralSystemServiceNames,
            raw.clone(),
            Some(name.clone()),
            format!("The section gives {} system service names; loaded as the list \"{name}\".", names.len()),
        );
    }
    for n in names.iter().filter(|n| n.contains(' ')) {
        ledger.note(
            AnomalyKind::SystemServiceNameWithSpace,
            raw.clone(),
            Some(n.clone()),
            format!("The system service name \"{n}\" contains a space, which service names do not; loaded as written."),
        );
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> (Option<String>, Vec<AnomalyKind>) {
        let mut ledger = Ledger::new(1);
        let title = Located::new(1, "T");
        let name = read_system_service_name(&[Located::new(3, line)], &title, &mut ledger);
        (name, ledger.into_entries().into_iter().map(|a| a.kind).collect())
    }

    #[test]
    fn the_regular_form() {
        assert_eq!(read("System Service Name DNS"), (Some("DNS".into()), vec![]));
        assert_eq!(read("System service name: ALG"), (Some("ALG".into()), vec![]));
    }

    #[test]
    fn glued_to_the_name() {
        assert_eq!(
            read("System Service Namelanmanserver"),
            (Some("lanmanserver".into()), vec![AnomalyKind::GluedSystemServiceName])
        );
        assert_eq!(read("System Service NameTermServLicensing").0.as_deref(), Some("TermServLicensing"));
        assert_eq!(read("System Service NameSMTPSVC").0.as_deref(), Some("SMTPSVC"));
    }

    #[test]
    fn a_name_with_a_space() {
        assert_eq!(
            read("System Service Name one point"),
            (Some("one point".into()), vec![AnomalyKind::SystemServiceNameWithSpace])
        );
    }

    #[test]
    fn several_names_and_names_in_a_sentence() {
        assert_eq!(read("System service names: ProfSvc, CscService").0.as_deref(), Some("ProfSvc, CscService"));
        let (name, kinds) = read("Finally, hard-code the port. System service name: LSASS.");
        assert_eq!(name.as_deref(), Some("LSASS"));
        assert_eq!(kinds, vec![AnomalyKind::SystemServiceNameInText]);
    }

    #[test]
    fn missing() {
        let mut ledger = Ledger::new(9);
        assert_eq!(read_system_service_name(&[], &Located::new(9, "Exchange Server"), &mut ledger), None);
        let anomalies = ledger.entries();
        assert_eq!((anomalies[0].line, anomalies[0].kind), (9, AnomalyKind::MissingSystemServiceName));
        assert_eq!(read("System Service Name"), (None, vec![AnomalyKind::MissingSystemServiceName]));
    }

    #[test]
    fn markup_around_the_name_is_ledgered() {
        let mut ledger = Ledger::new(1);
        let line = Located::with_markup(5, "System service name: Dfs", "System service name: `Dfs`");
        let name = read_system_service_name(&[line], &Located::new(1, "T"), &mut ledger);
        assert_eq!(name.as_deref(), Some("Dfs"));
        let a = &ledger.entries()[0];
        assert_eq!((a.line, a.kind, a.raw.as_str()), (5, AnomalyKind::InlineMarkup, "System service name: `Dfs`"));
        assert_eq!(a.normalized.as_deref(), Some("Dfs"));
    }
}
