//! The options that select port rules by service title, system service name and source, shared
//! by the commands that work on a selection (`review`; `firewall` has its own copy for now).

use crate::firewall::Selection;

/// `--service`, `--name`, `--source`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SelectionArgs {
    /// Only this service, by its section title or system service name (ignoring case, spacing and
    /// punctuation), or the services of a role (Active Directory, Remote Desktop), as `kbingest
    /// ports` reads it; repeat for more.
    #[arg(long, value_name = "TITLE")]
    pub service: Vec<String>,

    /// Only this service, by its system service name (e.g. DNS), matched as --service is; repeat
    /// for more.
    #[arg(long, value_name = "SYSTEM_SERVICE_NAME")]
    pub name: Vec<String>,

    /// Only rows of this source document, as named at ingest.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Take the rows of every source the selection finds (editions of one document give a
    /// service twice, differently); without it, a selection from several sources is refused.
    #[arg(long, conflicts_with = "source")]
    pub all_sources: bool,
}

impl SelectionArgs {
    /// The selection the options ask for.
    pub fn selection(&self) -> Selection {
        Selection { services: self.service.clone(), names: self.name.clone(), source: self.source.clone() }
    }
}
