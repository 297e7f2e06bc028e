//! A port cell of several values: a list (one value per line, `,` or `;`, or alternatives joined
//! by `or`, `and`, `&`, `+` or a bare space: `139 445`), or several lines or sentences of which
//! some name ports and others are words about them (`22: SFTP<br><br>Inbound rule on hosts`,
//! `5060 (unsecured), 5061 (secured). The service listens on both ports.`), read as a list, a
//! value or prose ([`super::port_prose`]), the words kept in the note.

use super::ledger::Ledger;
use super::port::{PortContext, PortKind, PortValue};
use super::port_forms::read_value;
use super::port_prose::ports_in_prose;
use crate::anomaly::AnomalyKind;

/// What a reading makes of a cell: `None` where it does not apply.
type Read = Result<Option<Vec<PortValue>>, String>;

/// The parts of a line holding several values: one per `;` or `,` (outside parentheses: `(note 1,
/// 4)` is one remark).
fn split_items(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in line.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' | ',' if depth == 0 => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&line[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Alternatives within one item: `80 or 8530`, `80 and 443`, `80 & 443`, `135 + Dynamic: 1024 -65535`,
/// and numbers apart by a space alone (`139 445`).
fn split_alternatives(part: &str) -> Vec<&str> {
    if part.split_whitespace().count() > 1 && part.split_whitespace().all(|w| w.bytes().all(|b| b.is_ascii_digit())) {
        return part.split_whitespace().collect();
    }
    part.split(" or ")
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" & "))
        .flat_map(|p| p.split(" + "))
        .map(str::trim)
        .collect()
}

/// Reads one item, splitting it into alternatives if it does not read whole.
fn read_item(item: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    if let Some(values) = read_value(item, context, ledger)? {
        return Ok(Some(values));
    }
    let alternatives = split_alternatives(item);
    if alternatives.len() < 2 {
        return Ok(None);
    }
    let mut values = Vec::new();
    for alternative in alternatives {
        match read_value(alternative, context, ledger)? {
            Some(found) => values.extend(found),
            None => return Ok(None),
        }
    }
    Ok(Some(values))
}

/// The values of one line's items, each readable; a transport or arrow written once after the
/// last item is every item's (`53,1024-65535/TCP/UDP`, `5723, 5724 --->`), as is a transport
/// written once before the first (`TCP: 80, 443`), unless another item names its own (`8300,
/// 8301(UDP), 8500`).
fn line_values(line: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let mut items: Vec<Vec<PortValue>> = Vec::new();
    for item in split_items(line) {
        match read_item(item, context, ledger)? {
            Some(found) => items.push(found),
            None => return Ok(None),
        }
    }
    let leads = line
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .is_some_and(|w| super::transport::Transport::from_name(w).is_some_and(|t| t.has_ports()));
    if let Some((first, later)) = items.split_first_mut()
        && leads
        && later.iter().flatten().all(|v| v.transports.is_empty())
        && let Some(transports) = first.first().map(|v| v.transports.clone())
    {
        later.iter_mut().flatten().for_each(|v| v.transports.clone_from(&transports));
    }
    if let Some((last, earlier)) = items.split_last_mut() {
        let shared = last.first().map(|v| (v.transports.clone(), v.direction));
        let others_name_none = earlier.iter().flatten().all(|v| v.transports.is_empty());
        if let Some((transports, direction)) = shared {
            for value in earlier.iter_mut().flatten() {
                if others_name_none {
                    value.transports.clone_from(&transports);
                }
                value.direction = value.direction.or(direction);
            }
        }
    }
    Ok(Some(items.into_iter().flatten().collect()))
}

/// A cell of several values, each readable: one row each.
pub(super) fn several_values(cell: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let mut values: Vec<PortValue> = Vec::new();
    let mut notes = Ledger::new(ledger.line());
    for line in cell.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line_values(line, context, &mut notes)? {
            Some(found) => values.extend(found),
            None => return Ok(None),
        }
    }
    if values.len() < 2 {
        return Ok(None);
    }
    ledger.note(
        AnomalyKind::MultiplePorts,
        cell.replace('\n', " / "),
        Some(values.iter().map(|v| v.spec.describe()).collect::<Vec<_>>().join(", ")),
        format!("The port cell holds {} values; one row each.", values.len()),
    );
    ledger.append(&mut notes);
    Ok(Some(values))
}

/// The sentences of a line: split after `.`, `!` or `?` followed by a space and a capital letter or
/// a digit (`etc.)` and `e.g. the` stay inside their sentence).
fn sentences(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        let ends = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1) == Some(&b' ')
            && bytes.get(i + 2).is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'[');
        if ends {
            parts.push(&line[start..=i]);
            start = i + 2;
        }
    }
    parts.push(&line[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Whether a part reads as running text: three words or more, or words about ports (`Block UDP
/// 1434`, `TCP port 4022`).
fn running_text(part: &str) -> bool {
    let words: Vec<String> = part
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(str::to_ascii_lowercase)
        .collect();
    words.len() >= 3 || words.iter().any(|w| matches!(w.as_str(), "tcp" | "udp" | "port" | "ports"))
}

/// A cell of several parts (the sentences of its lines), read each on its own:
/// as a value or a list, as prose where it holds numbers, and kept as words about the ports
/// (in every value's note) where it names none. `None` where no part names a port.
pub(super) fn parts(cell: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let parts: Vec<&str> = cell.lines().map(str::trim).filter(|l| !l.is_empty()).flat_map(sentences).collect();
    let (mut values, mut words) = (Vec::new(), Vec::new());
    let mut inner = Ledger::new(ledger.line());
    let mut prose = Vec::new();
    for part in parts {
        let trimmed = part.trim_end_matches('.');
        // `See Special Considerations for Port 135`: a pointer elsewhere, not a port of its own.
        if part.to_ascii_lowercase().starts_with("see ") {
            words.push(part.to_string());
            continue;
        }
        let read = match read_value(trimmed, context, &mut inner)? {
            Some(found) => Some(found),
            None => several_values(trimmed, context, &mut inner)?,
        };
        match read {
            // A part that says only that nothing is meant is words about the others.
            Some(found) if found.iter().all(|v| v.spec.kind == PortKind::None && v.transports.is_empty()) => {
                words.push(part.to_string())
            }
            Some(found) => values.extend(found),
            // Running text (a few words, or words about ports), not a lone value in an unknown form
            // (`443/SCTP`).
            None if !running_text(part) => return Ok(None),
            None => {
                let found = ports_in_prose(part);
                if found.is_empty() {
                    words.push(part.to_string());
                } else {
                    prose.push(part.to_string());
                    values.extend(found);
                }
            }
        }
    }
    if values.is_empty() {
        return Ok(None);
    }
    if !prose.is_empty() {
        ledger.note(
            AnomalyKind::PortInSentence,
            prose.join(" / "),
            Some(values.iter().map(|v| v.spec.describe()).collect::<Vec<_>>().join(", ")),
            format!("The port cell is written as prose; the {} port(s) it names were loaded.", values.len()),
        );
    }
    if !words.is_empty() {
        let said = words.join(" ");
        ledger.note(
            AnomalyKind::PortRemark,
            cell.replace('\n', " / "),
            Some(values.iter().map(|v| v.spec.describe()).collect::<Vec<_>>().join(", ")),
            format!("The words \"{said}\" in the port cell name no port; they were kept in the note."),
        );
        values.iter_mut().for_each(|v| v.notes.push(said.clone()));
    }
    ledger.append(&mut inner);
    Ok(Some(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_alternatives_and_sentences() {
        assert_eq!(split_items("80: WinRM; 135: RPC, 445 (note 1, 4)"), ["80: WinRM", "135: RPC", "445 (note 1, 4)"]);
        assert_eq!(split_alternatives("139 445"), ["139", "445"]);
        assert_eq!(split_alternatives("135 + Dynamic: 1024 -65535"), ["135", "Dynamic: 1024 -65535"]);
        assert_eq!(split_alternatives("80 or 8530"), ["80", "8530"]);
        assert_eq!(
            sentences("5060 (unsecured), 5061 (secured). The service listens on both ports."),
            ["5060 (unsecured), 5061 (secured).", "The service listens on both ports."]
        );
        assert_eq!(
            sentences("TCP port 1433 for the default instance, etc.) and more"),
            ["TCP port 1433 for the default instance, etc.) and more"]
        );
    }
}
