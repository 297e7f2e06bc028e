//! The last cross-check of a document, once all its sections are stored: a protocol that a
//! section's prose names, and that its own table lacks, is looked up in the other sections' tables
//! (by the store, so that memory does not grow with the document).

use crate::crosscheck::{ProseMention, TableEntry, conflict_elsewhere};
use crate::error::Result;
use crate::normalize::Transport;
use crate::store::{NamedRule, SourceLoad};
use std::collections::HashMap;

/// Checks each (service id, named mention) against the rules of that name in the other sections,
/// and ledgers the contradictions with their service.
pub(super) fn check_elsewhere(source: &mut SourceLoad<'_, '_>, unresolved: &[(i64, ProseMention)]) -> Result<()> {
    // Each name is looked up once: a long document may name the same protocol many times.
    let mut by_name: HashMap<String, Vec<NamedRule>> = HashMap::new();
    for (service_id, mention) in unresolved {
        let Some(name) = &mention.name else { continue };
        let key = name.to_lowercase();
        if !by_name.contains_key(&key) {
            by_name.insert(key.clone(), source.rules_named(name)?);
        }
        let rules = by_name.get(&key).map_or(&[][..], Vec::as_slice);
        let elsewhere: Vec<(String, TableEntry<'_>)> = rules
            .iter()
            .filter(|r| r.service_id != *service_id)
            .filter_map(|r| {
                let transport = Transport::from_name(&r.transport)?.name();
                let entry = TableEntry { name: &r.application_protocol, transport, low: r.low, high: r.high };
                Some((r.service.clone(), entry))
            })
            .collect();
        if let Some(anomaly) = conflict_elsewhere(mention, &elsewhere) {
            source.anomaly(Some(*service_id), &anomaly)?;
        }
    }
    Ok(())
}
