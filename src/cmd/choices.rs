//! The library's enums on the command line: [`InputFormat`], [`OutputFormat`] and the firewall's
//! choices know nothing of clap; here they get their names, help lines and value parsers.

use crate::export::OutputFormat;
use crate::firewall::{AssumeTransport, Chain, Direction, FirewallFormat, IcmpTypes, Policy};
use crate::read::InputFormat;
use crate::review::Profile;
use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// Implements clap's `ValueEnum` for a library enum: each variant's name on the command line and,
/// where `--help` lists them, its help line.
macro_rules! value_enum {
    ($type:ty { $($variant:path => $name:literal $(: $help:literal)?,)* }) => {
        impl ValueEnum for $type {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),*]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $($variant => PossibleValue::new($name)$(.help($help))?,)*
                })
            }
        }
    };
}

/// Implements clap's `ValueEnum` for a library enum that lists its variants (`ALL`) and names them
/// (`name()`) itself, so the command line cannot spell a format differently from the library.
macro_rules! named_value_enum {
    ($type:ty, $help:expr) => {
        impl ValueEnum for $type {
            fn value_variants<'a>() -> &'a [Self] {
                &<$type>::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                let help: fn(&$type) -> Option<&'static str> = $help;
                let value = PossibleValue::new(self.name());
                Some(match help(self) {
                    Some(line) => value.help(line),
                    None => value,
                })
            }
        }
    };
}

named_value_enum!(InputFormat, |_| None);

named_value_enum!(OutputFormat, |format| Some(match format {
    OutputFormat::Table => "Aligned columns for a terminal",
    OutputFormat::Csv => "Comma-separated values with a header row, lines ending in CRLF (RFC 4180)",
    OutputFormat::Tsv => {
        "Tab-separated values with a header row, quoted like CSV where a cell needs it; lines end in LF"
    }
    OutputFormat::Json => "One JSON array of objects, one object per row",
    OutputFormat::Jsonl => "JSON Lines: one JSON object per line",
    OutputFormat::Markdown => "A GitHub Markdown table, to paste into a ticket or a pull request",
}));

named_value_enum!(Profile, |profile| Some(match profile {
    Profile::Domain => "The host's network has a domain controller of its domain",
    Profile::Private => "The host's network was marked private",
    Profile::Public => "Any other network",
}));

value_enum!(FirewallFormat {
    FirewallFormat::Nftables => "nftables": "An nftables ruleset for `nft -f`",
    FirewallFormat::Iptables => "iptables": "An iptables-restore file for `iptables-restore --noflush` (IPv4)",
    FirewallFormat::Ip6tables => "ip6tables": "An ip6tables-restore file for `ip6tables-restore --noflush` (IPv6)",
    FirewallFormat::Powershell => "powershell": "A Windows PowerShell script of NetSecurity cmdlets",
});

value_enum!(Policy {
    Policy::Accept => "accept": "Leave it to the rest of the firewall: the rules only allow",
    Policy::Drop => "drop":
        "A default-deny policy: replies, loopback, what IPv6 needs, the selected rules, then drop",
});

value_enum!(Chain {
    Chain::Input => "input": "Traffic to and from this host",
    Chain::Forward => "forward": "Traffic a Linux gateway forwards to and from the servers named with --to",
});

value_enum!(IcmpTypes {
    IcmpTypes::Echo => "echo": "Echo request (ping): ICMP type 8 and ICMPv6 type 128",
    IcmpTypes::All => "all": "Every ICMP and ICMPv6 type",
});

value_enum!(Direction {
    Direction::Inbound => "inbound":
        "Traffic to this host: rows marked inbound or both, and rows with no direction",
    Direction::Outbound => "outbound": "Traffic from this host: only rows the document marks outbound or both",
    Direction::Both => "both": "Both of the above",
});

value_enum!(AssumeTransport {
    AssumeTransport::Tcp => "tcp": "TCP",
    AssumeTransport::Udp => "udp": "UDP",
    AssumeTransport::Both => "both": "Both TCP and UDP",
});

/// The formats `export` writes to files: every output format but `table`, which is for a terminal.
pub fn export_formats() -> impl TypedValueParser<Value = OutputFormat> {
    let files = OutputFormat::ALL.into_iter().filter(|f| *f != OutputFormat::Table);
    let values: Vec<PossibleValue> = files.filter_map(|f| f.to_possible_value()).collect();
    PossibleValuesParser::new(values).try_map(|name| OutputFormat::from_str(&name, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_named_on_the_command_line_as_the_library_names_it() {
        assert_eq!(InputFormat::value_variants(), InputFormat::ALL);
        assert_eq!(OutputFormat::value_variants(), OutputFormat::ALL);
        for format in InputFormat::ALL {
            assert_eq!(InputFormat::from_str(format.name(), false), Ok(format));
        }
        for format in OutputFormat::ALL {
            assert_eq!(OutputFormat::from_str(format.name(), false), Ok(format));
        }
        assert!(InputFormat::from_str("pdf", false).is_err());
        assert!(OutputFormat::from_str("xlsx", false).is_err());
    }
}
