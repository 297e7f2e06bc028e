//! `kbingest remove DB SOURCE...`: remove sources and everything loaded from them.

use crate::cmd::count_of;
use crate::error::Result;
use crate::store::{Database, remove_sources};

/// Arguments of `kbingest remove`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The kbingest database to remove sources from.
    #[arg(value_name = "DB")]
    pub database: String,

    /// The sources to remove, named as `kbingest sources DB` lists them. All are removed in one
    /// transaction, or none is.
    #[arg(value_name = "SOURCE", required = true)]
    pub sources: Vec<String>,

    /// Print nothing on standard error unless something goes wrong.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Removes the sources and says what went with them.
pub fn run(args: Args) -> Result<()> {
    let mut db = Database::open_to_change(&args.database, crate::interrupt::stop())?;
    let removed = remove_sources(&mut db, &args.sources)?;
    if !args.quiet {
        let mut text = String::new();
        for r in &removed {
            // A port registry holds records, not services.
            let held = if r.registered > 0 && r.services == 0 {
                format!(
                    "{}, {}",
                    count_of(r.registered, "registry record", "registry records"),
                    count_of(r.anomalies, "anomaly", "anomalies")
                )
            } else {
                format!(
                    "{}, {}, {}",
                    count_of(r.services, "service", "services"),
                    count_of(r.rules, "port rule", "port rules"),
                    count_of(r.anomalies, "anomaly", "anomalies")
                )
            };
            text.push_str(&format!("removed {} ({held}) from {}\n", r.name, db.path));
        }
        crate::cmd::messages::say(text.trim_end());
    }
    Ok(())
}
