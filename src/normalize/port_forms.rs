//! The forms one value of a port cell takes on real pages, one small function each: a number, a
//! range (`1024-65535`, `137 through 139`, `Ports between 1024 and 65535`), a dynamic-range word,
//! a no-port word, an ICMP message name, two numbers joined by `/`, and the words around a port
//! (a transport, `Port`, a label, a remark or qualifier, a footnote mark), which are peeled off
//! and the rest read again. Every form beyond a single number is ledgered.

use super::ledger::Ledger;
use super::port::{PortContext, PortKind, PortSpec, PortValue, port_number};
use super::transport::Transport;
use super::words::{
    dynamic_in_words, icmp_message, means_any_port, means_dynamic, means_no_port, port_chosen_elsewhere,
    port_unchangeable, protocol_name, read_direction,
};
use crate::anomaly::AnomalyKind;
use crate::parse::table::holds_port_number;
use regex::Regex;
use std::sync::LazyLock;

/// What a form makes of a value: `None` where the form does not apply.
type Read = Result<Option<Vec<PortValue>>, String>;

/// How many layers of words (a remark around a label around a transport ...) are peeled at most.
const DEEPEST: u8 = 6;

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^((?:a\s+)?(?:random(?:ly allocated)?\s+)?(?:high\s+)?ports?(?:\s+numbers?)?\s+(?:between|from|in|range)\s+)?(\d+)\s*(-|–|—|to|through|and|:)\s*(\d+)$",
    )
    .expect("valid regex")
});
/// `Minimum of 100 ports above port 5000`, `ports above 1024`: ports past a number, no end stated.
static OPEN_ENDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:a\s+)?(?:minimum|maximum|range)\s+of\s+\d+\s+)?(?:(?:random|dynamic|high)\s+)?ports?\s+(?:above|over|greater\s+than|higher\s+than|beyond)\s+(?:port\s+)?(\d+)$",
    )
    .expect("valid regex")
});
/// `[^1]`, `[^note-2]`: a Markdown footnote reference.
static FOOTNOTE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\^[^\]\s]{1,40}\]$").expect("valid regex"));
static REMARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.*?)\s*\(([^()]*)\)$").expect("valid regex"));
static SLASH_PAIR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d+)\s*/\s*(\d+)$").expect("valid regex"));
static TRANSPORT_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^((?:TCP|UDP)(?:\s*/\s*(?:TCP|UDP))?)(?:\s*[/:]\s*|\s+)(?:ports?\s+)?(\S.*)$")
        .expect("valid regex")
});
static TRANSPORT_LAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(.*?\d)(?:\s*/\s*|\s+)((?:TCP|UDP)(?:\s*(?:/|and|,|\+)\s*(?:TCP|UDP))*)$").expect("valid regex")
});
static TRAILING_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(.+?)\s+((?:see\s+)?\*?notes?(?:\s+\d+\b.*)?)$").expect("valid regex"));
static ARROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(<?[-=]{2,}>?|[←→↔])\s*(\S.*)|(.*?\S)\s*(<?[-=]{2,}>?|[←→↔]))$").expect("valid regex")
});
static PORT_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^ports?(?:\s+numbers?)?\s*:?\s+(\d.*)$").expect("valid regex"));

/// Reads one value of a port cell (no `,`, `;` or line break in it); `None` where no form fits.
/// A value that is only a protocol's name (`WMI`) is one, but not the name beside a port
/// (`80: WinRM`).
pub fn read_value(text: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    match read_at(text.trim(), context, ledger, 0)? {
        Some(values) => Ok(Some(values)),
        None => protocol_only(text.trim(), context, ledger),
    }
}

/// Reads a cell of several lines as one value where its words run across them (`Minimum of 100
/// ports<br>above port 5000`, `Ports between<br>1024 and 65535`).
pub fn read_across_lines(text: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for form in [open_ended, range] {
        if let Some(values) = form(&joined, context, ledger)? {
            return Ok(Some(values));
        }
    }
    Ok(None)
}

fn read_at(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Read {
    // A sentence's full stop is no part of its value (`Ports between 1024 and 65535.`), though it
    // stays in the value's words.
    if let Some(sentence) = text.strip_suffix('.').filter(|t| !t.ends_with('.')) {
        let read = read_at(sentence.trim(), context, ledger, depth)?;
        return Ok(read.map(|values| {
            values.into_iter().map(|v| PortValue { raw: whole(&v.raw, sentence, text), ..v }).collect()
        }));
    }
    for form in [number, dynamic_word, no_port, any_port, configurable, icmp_name, range, slash_pair, open_ended] {
        if let Some(values) = form(text, context, ledger)? {
            return Ok(Some(values));
        }
    }
    if depth >= DEEPEST {
        return Ok(None);
    }
    for form in [footnote_mark, footnote_ref, trailing_note, arrow, port_word, transport_named, label, remark] {
        if let Some(values) = form(text, context, ledger, depth + 1) {
            return Ok(Some(values));
        }
    }
    Ok(None)
}

/// Reads `rest` (what is left once words are peeled off) into a ledger of its own, kept only if
/// it reads: a form that does not fit leaves no notes behind.
/// The values keep the whole of `text` as their words (`port_raw`).
fn peeled(text: &str, rest: &str, context: &PortContext, depth: u8, line: u32) -> Option<(Vec<PortValue>, Ledger)> {
    let mut inner = Ledger::new(line);
    match read_at(rest.trim(), context, &mut inner, depth) {
        Ok(Some(mut values)) => {
            values.iter_mut().for_each(|v| v.raw = text.to_string());
            Some((values, inner))
        }
        _ => None,
    }
}

/// A value's words, with the full stop of its sentence put back where they are the sentence's.
fn whole(raw: &str, sentence: &str, text: &str) -> String {
    if raw == sentence.trim() { text.to_string() } else { raw.to_string() }
}

fn one(text: &str, spec: PortSpec) -> Read {
    Ok(Some(vec![PortValue::new(text, spec)]))
}

fn number(text: &str, _: &PortContext, _: &mut Ledger) -> Read {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let port = port_number(text)?;
    one(text, PortSpec { kind: PortKind::Fixed, range: Some((port, port)) })
}

fn dynamic_word(text: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let sentence = !means_dynamic(text) && dynamic_in_words(text);
    if !means_dynamic(text) && !sentence {
        return Ok(None);
    }
    let (normalized, message) = match context.dynamic_range {
        Some((low, high)) => (
            format!("{low}-{high}"),
            format!(
                "\"{text}\" means a port allocated at random from the dynamic range; loaded as dynamic {low}-{high} (--dynamic-range)."
            ),
        ),
        None => (
            "dynamic".to_string(),
            format!(
                "\"{text}\" means a port allocated at random from the dynamic range, which the cell does not state; \
                 loaded as dynamic, with the range its row's notes or the document state (see document_dynamic_range), \
                 else with NULL ports."
            ),
        ),
    };
    ledger.note(AnomalyKind::DynamicPort, text, Some(normalized), message);
    let mut value = PortValue::new(text, PortSpec { kind: PortKind::Dynamic, range: context.dynamic_range });
    value.awaits_range = context.dynamic_range.is_none();
    value.dynamic_words = true;
    if sentence {
        // The sentence names its transport in words: `The TCP port is a dynamic port ...`.
        let words = text.split(|c: char| !c.is_ascii_alphanumeric());
        value.transports = words.filter_map(Transport::from_name).filter(|t| t.has_ports()).take(1).collect();
    }
    Ok(Some(vec![value]))
}

/// `Any`, `All`, `Any port`: port kind `any`, with no ports.
fn any_port(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    if !means_any_port(text) {
        return Ok(None);
    }
    let spec = PortSpec::unnumbered(PortKind::Any);
    let message = format!("\"{text}\" means any port; loaded as kind any, with no ports (not as 0-65535).");
    ledger.note(AnomalyKind::AnyPort, text, Some(spec.describe()), message);
    one(text, spec)
}

/// `The port number configured by the administrator.`, `Administrator chosen port`, `Configurable
/// port`: port kind `configurable`, the words in the note.
fn configurable(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    if !port_chosen_elsewhere(text) {
        return Ok(None);
    }
    let spec = PortSpec::unnumbered(PortKind::Configurable);
    let message = format!(
        "\"{text}\" names no port: the administrator chooses it; loaded as kind configurable, the words in the note."
    );
    ledger.note(AnomalyKind::ConfigurablePort, text, Some(spec.describe()), message);
    let mut value = PortValue::new(text, spec);
    value.notes.push(text.to_string());
    Ok(Some(vec![value]))
}

/// `Minimum of 100 ports above port 5000`: ports past a number, their end not stated: a dynamic
/// range with no stated bounds (NULL ports), the words in the note.
fn open_ended(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    let Some(caps) = OPEN_ENDED.captures(text) else { return Ok(None) };
    port_number(&caps[1])?;
    let spec = PortSpec::unnumbered(PortKind::Dynamic);
    let message = format!(
        "\"{text}\" gives where the ports start but not where they end; loaded as dynamic with NULL ports, the words in the note."
    );
    ledger.note(AnomalyKind::DynamicPort, text, Some(spec.describe()), message);
    let mut value = PortValue::new(text, spec);
    value.notes.push(text.to_string());
    Ok(Some(vec![value]))
}

/// `WMI`, `CIM-XML`: a cell naming only a protocol, no port: kept as the application protocol.
fn protocol_only(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    let Some(name) = protocol_name(text) else { return Ok(None) };
    let message = format!(
        "The port cell names the protocol \"{name}\" and no port; loaded as that application protocol, with no port."
    );
    ledger.note(AnomalyKind::ProtocolOnly, text, Some(name.to_string()), message);
    let mut value = PortValue::new(text, PortSpec::NONE);
    value.protocol = Some(name.to_string());
    Ok(Some(vec![value]))
}

fn no_port(text: &str, _: &PortContext, _: &mut Ledger) -> Read {
    // Ledgered by the row, which knows whether the transport has ports.
    if means_no_port(text) {
        return one(text, PortSpec::NONE);
    }
    // `Ports can't be changed.`: no port named; the words are the note.
    if port_unchangeable(text) {
        let mut value = PortValue::new(text, PortSpec::NONE);
        value.notes.push(text.to_string());
        return Ok(Some(vec![value]));
    }
    // `see comments`, `see below`: the port is given elsewhere, in words; the words are the note.
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("see ") && !lower.bytes().any(|b| b.is_ascii_digit()) && text.len() < 40 {
        let mut value = PortValue::new(text, PortSpec::NONE);
        value.notes.push(text.to_string());
        return Ok(Some(vec![value]));
    }
    Ok(None)
}

fn icmp_name(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    let Some(icmp_type) = icmp_message(text) else { return Ok(None) };
    let mut value = PortValue::new(text, PortSpec::NONE);
    value.transports.push(Transport::Icmp);
    value.icmp_type = Some(icmp_type);
    if let Some(caps) = REMARK.captures(text) {
        value.notes.push(caps[2].trim().to_string());
    }
    ledger.note(
        AnomalyKind::IcmpMessage,
        text,
        Some(format!("ICMP type {icmp_type}")),
        format!("\"{text}\" names an ICMP message; loaded as ICMP type {icmp_type}, with no port."),
    );
    Ok(Some(vec![value]))
}

fn range(text: &str, context: &PortContext, ledger: &mut Ledger) -> Read {
    let Some(caps) = RANGE.captures(text) else { return Ok(None) };
    let (low, high) = (port_number(&caps[2])?, port_number(&caps[4])?);
    // `80 and 443`, `67 and 68` are two ports; `between 1024 and 65535` is a range.
    if caps.get(1).is_none() && caps[3].eq_ignore_ascii_case("and") {
        return Ok(None);
    }
    // `30000:32767`, as firewalls write a range; `80:443` the other way round is no range.
    if &caps[3] == ":" && low >= high {
        return Ok(None);
    }
    if low > high {
        return Err(format!("port range {low}-{high} runs backwards: expected the lower port first"));
    }
    // A range of randomly allocated ports, where the words or the application protocol say so
    // (`RPC randomly allocated high TCP ports`, `RPC dynamic ports`).
    let says = |words: &str| {
        let lower = words.to_ascii_lowercase();
        ["random", "dynamic", "ephemeral"].iter().any(|w| lower.contains(w))
    };
    let random = says(text) || says(context.application);
    let (kind, anomaly_kind, what) = if random {
        (PortKind::Dynamic, AnomalyKind::DynamicPort, "a port allocated at random from a range; loaded as dynamic")
    } else {
        (PortKind::Range, AnomalyKind::PortRange, "a range of ports; loaded as range")
    };
    ledger.note(anomaly_kind, text, Some(format!("{low}-{high}")), format!("\"{text}\" is {what} {low}-{high}."));
    one(text, PortSpec { kind, range: Some((low, high)) })
}

fn slash_pair(text: &str, _: &PortContext, ledger: &mut Ledger) -> Read {
    let Some(caps) = SLASH_PAIR.captures(text) else { return Ok(None) };
    let (first, second) = (port_number(&caps[1])?, port_number(&caps[2])?);
    ledger.note(
        AnomalyKind::SlashPorts,
        text,
        Some(format!("{first}, {second}")),
        format!("\"{text}\" may mean alternatives or a pair; both ports were loaded, one row each."),
    );
    let fixed = |p| PortValue::new(text, PortSpec { kind: PortKind::Fixed, range: Some((p, p)) });
    Ok(Some(vec![fixed(first), fixed(second)]))
}

/// A footnote mark after the value (`*`, `\*`, `(*)`, `†`, `‡`): kept in the note.
fn footnote_mark(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let mark = ["(*)", "\\*", "*", "†", "‡", "§"].into_iter().find(|m| text.ends_with(m))?;
    let rest = &text[..text.len() - mark.len()];
    let (mut values, mut inner) = peeled(text, rest, context, depth, ledger.line())?;
    ledger.note(
        AnomalyKind::FootnoteMark,
        text,
        Some(rest.trim().to_string()),
        format!("Footnote mark(s) {mark} removed from the port cell and kept in the note."),
    );
    ledger.append(&mut inner);
    let mark = mark.trim_start_matches('\\').to_string();
    values.iter_mut().for_each(|v| v.notes.push(mark.clone()));
    Some(values)
}

/// `443[^1]`: a Markdown footnote reference after the value, kept in the note.
fn footnote_ref(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let mark = FOOTNOTE_REF.find(text)?;
    let rest = &text[..mark.start()];
    let (mut values, mut inner) = peeled(text, rest, context, depth, ledger.line())?;
    ledger.note(
        AnomalyKind::FootnoteMark,
        text,
        Some(rest.trim().to_string()),
        format!("Footnote reference {} removed from the port cell and kept in the note.", mark.as_str()),
    );
    ledger.append(&mut inner);
    values.iter_mut().for_each(|v| v.notes.push(mark.as_str().to_string()));
    Some(values)
}

/// `1433 Note 2 Alternate port available` (a superscript note rendered as words): kept in the note.
fn trailing_note(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let caps = TRAILING_NOTE.captures(text)?;
    let (port, note) = (caps.get(1)?.as_str(), caps.get(2)?.as_str().trim());
    let (mut values, mut inner) = peeled(text, port, context, depth, ledger.line())?;
    ledger.note(
        AnomalyKind::PortRemark,
        text,
        Some(port.trim().to_string()),
        format!("The note \"{note}\" after the port was dropped from the port and kept in the note."),
    );
    ledger.append(&mut inner);
    values.iter_mut().for_each(|v| v.notes.push(note.to_string()));
    Some(values)
}

/// `443 --->`, `<--- 135`: an arrow beside the port gives the direction (see [`read_direction`]).
fn arrow(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let caps = ARROW.captures(text)?;
    let (arrow, rest) = match (caps.get(1), caps.get(2), caps.get(3), caps.get(4)) {
        (Some(arrow), Some(rest), _, _) | (_, _, Some(rest), Some(arrow)) => (arrow.as_str(), rest.as_str()),
        _ => return None,
    };
    let direction = read_direction(arrow)?;
    let (mut values, mut inner) = peeled(text, rest, context, depth, ledger.line())?;
    ledger.note(
        AnomalyKind::DirectionArrow,
        text,
        Some(direction.name().to_string()),
        format!("The arrow \"{}\" beside the port was loaded as direction {}.", arrow.trim(), direction.name()),
    );
    ledger.append(&mut inner);
    values.iter_mut().for_each(|v| v.direction = Some(direction));
    Some(values)
}

/// `Port 135`, `Ports: 80`.
fn port_word(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let caps = PORT_WORD.captures(text)?;
    let (values, mut inner) = peeled(text, &caps[1], context, depth, ledger.line())?;
    ledger.note(
        AnomalyKind::PortWords,
        text,
        Some(caps[1].trim().to_string()),
        format!("The word before the port in \"{text}\" was dropped from the port."),
    );
    ledger.append(&mut inner);
    Some(values)
}

/// The transports a list of names gives (`TCP/UDP`, `TCP and UDP`), if every word is one.
pub fn transport_list(words: &str) -> Option<Vec<Transport>> {
    let mut found = Vec::new();
    for word in words.split(['/', ',', '+', '&', ' ']).filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("and")) {
        let t = Transport::from_name(word)?;
        if !found.contains(&t) {
            found.push(t);
        }
    }
    (!found.is_empty()).then_some(found)
}

/// `443/TCP`, `389/TCP/UDP`, `TCP 443`, `TCP/25`, `TCP port 1433`.
fn transport_named(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let (names, rest) = if let Some(caps) = TRANSPORT_LAST.captures(text) {
        (caps.get(2)?.as_str(), caps.get(1)?.as_str())
    } else {
        let caps = TRANSPORT_FIRST.captures(text)?;
        (caps.get(1)?.as_str(), caps.get(2)?.as_str())
    };
    let transports = transport_list(names)?;
    let (mut values, mut inner) = peeled(text, rest, context, depth, ledger.line())?;
    note_transports(text, &transports, ledger);
    ledger.append(&mut inner);
    values.iter_mut().for_each(|v| v.transports = transports.clone());
    Some(values)
}

fn note_transports(text: &str, transports: &[Transport], ledger: &mut Ledger) {
    let names: Vec<&str> = transports.iter().map(|t| t.name()).collect();
    ledger.note(
        AnomalyKind::TransportInPortCell,
        text,
        Some(names.join(", ")),
        format!("The port cell names its transport in \"{text}\"; loaded as {}.", names.join(" and ")),
    );
}

/// `80: WinRM`, `WCF: 8100`: the name beside the port is kept in the note.
fn label(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let (left, right) = text.split_once(':')?;
    let (left, right) = (left.trim(), right.trim());
    if left.is_empty() || right.is_empty() {
        return None;
    }
    let line = ledger.line();
    // A name is a few words, not a list of its own (`80: WinRM; 135: RPC` is two values).
    // Nor does it hold a port number of its own (`135 + Dynamic: 1024-65535` is two values).
    let is_name = |name: &str| !name.contains([';', ',', ':', '\n']) && !holds_port_number(name);
    let (mut values, mut inner, name) = match peeled(text, right, context, depth, line).filter(|_| is_name(left)) {
        Some((values, inner)) => (values, inner, left),
        None if !is_name(right) => return None,
        None => {
            let (values, inner) = peeled(text, left, context, depth, line)?;
            (values, inner, right)
        }
    };
    ledger.note(
        AnomalyKind::PortLabel,
        text,
        Some(name.to_string()),
        format!("The name \"{name}\" beside the port was kept in the note."),
    );
    ledger.append(&mut inner);
    // A name may say what the ports are: `Dynamic: 1024-65535`, `SMB (over TCP)`.
    let dynamic = means_dynamic(name);
    let named: Vec<Transport> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(Transport::from_name)
        .filter(|t| t.has_ports())
        .fold(Vec::new(), |mut all, t| {
            if !all.contains(&t) {
                all.push(t);
            }
            all
        });
    for value in &mut values {
        value.notes.insert(0, name.to_string());
        if dynamic && value.spec.kind == PortKind::Range {
            value.spec.kind = PortKind::Dynamic;
            let message =
                format!("The name \"{name}\" says the ports beside it are allocated at random; loaded as dynamic.");
            ledger.note(AnomalyKind::DynamicPort, text, Some(value.spec.describe()), message);
        }
        if value.transports.is_empty() && named.len() == 1 {
            value.transports.clone_from(&named);
        }
    }
    Some(values)
}

/// The range a remark states for a lone dynamic word (`Dynamic (49152-65535)`).
fn stated_range(values: &[PortValue], remark: &str) -> Option<(u16, u16)> {
    let [only] = values else { return None };
    if only.spec.kind != PortKind::Dynamic || !means_dynamic(&only.raw.replace(&format!("({remark})"), "")) {
        return None;
    }
    let caps = RANGE.captures(remark)?;
    let (low, high) = (port_number(&caps[2]).ok()?, port_number(&caps[4]).ok()?);
    (low <= high).then_some((low, high))
}

/// `3343 (This port is required ...)`, `1433 (default)`, `53 (TCP/UDP)`: a remark in parentheses
/// after the port is kept in the note, or, where it names transports, is the value's transports.
fn remark(text: &str, context: &PortContext, ledger: &mut Ledger, depth: u8) -> Option<Vec<PortValue>> {
    let caps = REMARK.captures(text)?;
    let (port, remark) = (caps[1].trim(), caps[2].trim());
    if port.is_empty() {
        return None;
    }
    // A remark may say what the port is (`(Random high RPC Port)`): the port is read with it.
    let words = format!("{} {remark}", context.application);
    let with_remark = PortContext { application: &words, ..*context };
    let read = peeled(text, port, &with_remark, depth, ledger.line());
    if read.is_none()
        && !port.bytes().any(|b| b.is_ascii_digit())
        && remark.bytes().any(|b| b.is_ascii_digit())
        && let Some((mut values, mut inner)) = peeled(text, remark, context, depth, ledger.line())
    {
        // `disabled (8501)`: the port is in the parentheses, the words outside are about it.
        ledger.note(
            AnomalyKind::PortRemark,
            text,
            Some(remark.to_string()),
            format!("The words \"{port}\" before the port were kept in the note."),
        );
        ledger.append(&mut inner);
        values.iter_mut().for_each(|v| v.notes.push(port.to_string()));
        return Some(values);
    }
    let (mut values, mut inner) = read?;
    if let Some(range) = stated_range(&values, remark) {
        // `Dynamic (49152-65535)`: the remark states the range the dynamic word leaves unsaid.
        values[0].spec.range = Some(range);
        let (low, high) = range;
        let message = format!("\"{text}\" is a port allocated at random from {low}-{high}; loaded as dynamic.");
        ledger.note(AnomalyKind::DynamicPort, text, Some(format!("{low}-{high}")), message);
        return Some(values);
    }
    match transport_list(remark) {
        Some(transports) if values.iter().all(|v| v.transports.is_empty()) => {
            note_transports(text, &transports, ledger);
            values.iter_mut().for_each(|v| v.transports = transports.clone());
        }
        _ => {
            ledger.note(
                AnomalyKind::PortRemark,
                text,
                Some(port.to_string()),
                format!("The remark \"({remark})\" after the port was dropped from the port and kept in the note."),
            );
            values.iter_mut().for_each(|v| v.notes.push(remark.to_string()));
        }
    }
    ledger.append(&mut inner);
    Some(values)
}

#[cfg(test)]
#[path = "port_forms_tests.rs"]
mod tests;
