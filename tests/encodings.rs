//! The 2003 article in every encoding and line ending kbingest reads gives the same `port_rules` as
//! the UTF-8 original, `source` apart. The variants are made here from raw/ports.txt.

use crate::common::*;

/// The columns compared: everything but `source`.
fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little_endian { unit.to_le_bytes() } else { unit.to_be_bytes() });
    }
    bytes
}

/// (file name, bytes, the encoding kbingest should record) for each variant.
fn variants(text: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let (windows_1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(unmappable, "ports.txt has characters windows-1252 cannot hold (the bullets)");
    let crlf = text.replace('\n', "\r\n");
    vec![
        ("utf8-bom.txt", [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(), "UTF-8"),
        ("utf16le.txt", utf16(text, true), "UTF-16LE"),
        ("utf16be.txt", utf16(text, false), "UTF-16BE"),
        ("utf16le-crlf.txt", utf16(&crlf, true), "UTF-16LE"),
        ("windows-1252.txt", windows_1252.into_owned(), "windows-1252"),
        ("crlf.txt", crlf.clone().into_bytes(), "UTF-8"),
        ("cr.txt", text.replace('\n', "\r").into_bytes(), "UTF-8"),
    ]
}

#[test]
fn every_encoding_and_line_ending_gives_the_same_rules() {
    let dir = workdir();
    let text = std::fs::read_to_string(repo_file("raw/ports.txt")).unwrap();
    std::fs::copy(repo_file("raw/ports.txt"), dir.path().join("utf8.txt")).unwrap();
    let variants = variants(&text);
    let mut args = vec!["utf8.txt"];
    for (name, bytes, _) in &variants {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        args.push(name);
    }
    args.extend(["-o", "all.db"]);
    kbingest(dir.path(), &args).success().stderr_has("8 sources, 496 services, 1376 port rules");
    let db = open(&dir.path().join("all.db"));
    let original = rules(&db, "utf8.txt");
    assert_eq!(original.len(), 172);
    for (name, _, encoding) in &variants {
        assert_eq!(rules(&db, name), original, "{name}");
        let recorded: String = scalar_with(&db, "SELECT encoding FROM sources WHERE name = ?1", [name]);
        assert_eq!(&recorded, encoding, "{name}");
    }
}

#[test]
fn utf16_without_a_bom_needs_encoding() {
    let dir = workdir();
    let text = std::fs::read_to_string(repo_file("raw/ports.txt")).unwrap();
    let bytes = utf16(&text, true);
    std::fs::write(dir.path().join("nobom.txt"), &bytes[2..]).unwrap();
    kbingest(dir.path(), &["nobom.txt", "-o", "a.db"]).expect(1).stderr_has("--encoding utf-16le");
    kbingest(dir.path(), &["nobom.txt", "-o", "a.db", "--encoding", "utf-16le", "-q"]).success();
    let db = open(&dir.path().join("a.db"));
    assert_eq!(scalar::<i64>(&db, "SELECT count(*) FROM port_rules"), 172);
}
