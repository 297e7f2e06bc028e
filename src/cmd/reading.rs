//! The options that decide how documents are read, parsed and normalized, defined once for the
//! commands that read documents: `ingest` loads what they decide, `check` reports it, so that a
//! document checked is read exactly as it would be loaded.

use crate::error::{Error, Result};
use crate::ingest::IngestOptions;
use crate::normalize::NormalizeOptions;
use crate::read::{InputFormat, ReadOptions};

/// How to read the documents (flattened into `ingest` and `check`).
#[derive(Debug, Clone, clap::Args)]
pub struct ReadingArgs {
    /// Read the inputs as this format instead of detecting it (the last three are port registries:
    /// IANA's CSV, /etc/services, nmap-services).
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<InputFormat>,

    /// Decode the inputs from this encoding (e.g. utf-8, windows-1252, utf-16le) instead of
    /// detecting it.
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// The port range a dynamic word (`RANDOM`, `DYNAMIC`) stands for where its cell states none.
    /// Without it: the range the row's notes or the document's prose state, else none (NULL ports).
    #[arg(long, value_name = "LOW-HIGH", value_parser = parse_range)]
    pub dynamic_range: Option<(u16, u16)>,

    /// Record the source under this name instead of its path (one input only).
    #[arg(long, value_name = "NAME")]
    pub source_name: Option<String>,

    /// The largest HTML or Markdown input to read (they are parsed whole; text streams), in bytes
    /// or with K, M or G (binary), e.g. 256M.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_input_size: u64,
}

impl ReadingArgs {
    /// The options of an ingest of `inputs` (or of their check) as these arguments ask.
    pub fn options(&self, inputs: &[String], strict: bool) -> Result<IngestOptions> {
        if let Some(name) = &self.source_name {
            if name.trim().is_empty() {
                return Err(Error::Usage(
                    "--source-name needs a name: it is how the source is known in the database".into(),
                ));
            }
            if inputs.len() != 1 {
                return Err(Error::Usage("--source-name names one input; give exactly one".into()));
            }
        }
        Ok(IngestOptions {
            read: ReadOptions {
                format: self.format,
                encoding: self.encoding,
                max_whole_bytes: Some(self.max_input_size),
            },
            normalize: NormalizeOptions { dynamic_range: self.dynamic_range },
            strict,
            source_name: self.source_name.clone(),
        })
    }

    /// Whether `--dynamic-range` gives a range.
    pub fn custom_range(&self) -> bool {
        self.dynamic_range.is_some()
    }
}

fn parse_encoding(label: &str) -> std::result::Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(label.as_bytes())
        .ok_or_else(|| format!("unknown encoding `{label}`: try utf-8, windows-1252, utf-16le or utf-16be"))
}

fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let bad = || format!("`{text}` is not a size: give bytes, or a number with K, M or G, e.g. 256M");
    let t = text.trim();
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).filter(|&n| n > 0).ok_or_else(bad)
}

fn parse_range(text: &str) -> std::result::Result<(u16, u16), String> {
    let bad = || format!("`{text}` is not a port range LOW-HIGH with 0 <= LOW <= HIGH <= 65535, e.g. 49152-65535");
    let (low, high) = text.split_once('-').ok_or_else(bad)?;
    let low: u16 = low.trim().parse().map_err(|_| bad())?;
    let high: u16 = high.trim().parse().map_err(|_| bad())?;
    if low > high {
        return Err(bad());
    }
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_refuse() {
        assert_eq!(parse_range("49152-65535"), Ok((49152, 65535)));
        assert_eq!(parse_range("1025 - 5000"), Ok((1025, 5000)));
        for bad in ["5000-1025", "1-70000", "abc", "80"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_parse_and_refuse() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "M", "0", "-5M", "12X", "99999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodings_by_label() {
        assert_eq!(parse_encoding("latin1").unwrap(), encoding_rs::WINDOWS_1252);
        assert!(parse_encoding("klingon").is_err());
    }
}
