//! The formats on the command line: the library's [`InputFormat`] and [`OutputFormat`] know nothing
//! of clap; here they get their names, help lines and value parsers.

use crate::export::OutputFormat;
use crate::read::InputFormat;
use clap::ValueEnum;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

impl ValueEnum for InputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &InputFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &OutputFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            OutputFormat::Table => "Aligned columns for a terminal",
            OutputFormat::Csv => "Comma-separated values with a header row, lines ending in CRLF (RFC 4180)",
            OutputFormat::Tsv => {
                "Tab-separated values with a header row, quoted like CSV where a cell needs it; lines end in LF"
            }
            OutputFormat::Json => "One JSON array of objects, one object per row",
            OutputFormat::Jsonl => "JSON Lines: one JSON object per line",
            OutputFormat::Markdown => "A GitHub Markdown table, to paste into a ticket or a pull request",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

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
    fn every_format_is_named_on_the_command_line_and_read_back() {
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
