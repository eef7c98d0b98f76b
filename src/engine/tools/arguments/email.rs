//! The `email` format: an RFC 5321 mailbox in ASCII, as JSON Schema validators check it.
//!
//! - local part: at most 64 bytes, dot-separated atoms of letters, digits and
//!   ``!#$%&'*+-/=?^_`{|}~``, or a quoted string (printable ASCII, spaces, `\`-escapes);
//! - domain: a host name (labels of letters, digits and inner hyphens, at most 63 bytes each and
//!   253 in all; `localhost` is one) or an address literal, `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
//!
//! No display names (`Jane <jane@example.com>`), comments, whitespace or control characters.

use std::net::{Ipv4Addr, Ipv6Addr};

/// True when `text` is an email address.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    is_local_part(local) && is_domain(domain)
}

fn is_local_part(local: &str) -> bool {
    if local.len() > 64 {
        return false;
    }
    match local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(quoted) => is_quoted_content(quoted),
        None => local.split('.').all(|atom| !atom.is_empty() && atom.bytes().all(is_atom_byte)),
    }
}

fn is_atom_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

fn is_quoted_content(quoted: &str) -> bool {
    let mut bytes = quoted.bytes();
    while let Some(b) = bytes.next() {
        let fine = match b {
            b'\\' => matches!(bytes.next(), Some(0x21..=0x7e)),
            b' ' | b'\t' | 0x21 | 0x23..=0x5b | 0x5d..=0x7e => true,
            _ => false,
        };
        if !fine {
            return false;
        }
    }
    true
}

fn is_domain(domain: &str) -> bool {
    let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return is_host_name(domain);
    };
    match literal.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => literal[5..].parse::<Ipv6Addr>().is_ok(),
        _ => literal.parse::<Ipv4Addr>().is_ok(),
    }
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 253 && name.split('.').all(is_label)
}

fn is_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else { return false };
    bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && *first != b'-'
        && *last != b'-'
        // `ab--cd` is reserved for IDNA: only `xn--` (punycode) labels may have it.
        && (bytes.get(2..4) != Some(b"--") || (label.starts_with("xn--") && bytes.len() > 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_emails() {
        for ok in [
            "jane.doe@example.com",
            "jane@localhost",
            "a@b",
            "first.o'neil+tag@mail.example.co.uk",
            "x_y-z=1{2}|3~4^5`6?7/8*9%0$&#!@example.com",
            "\"jane doe\"@example.com",
            "\"a@b\\\"c\"@example.com",
            "\"\"@example.com",
            "jane@[192.0.2.1]",
            "jane@[IPv6:2001:db8::1]",
            "jane@[ipv6:::1]",
            "jane@xn--bcher-kva.example",
            "jane@123.example",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        let longest = format!("{}@{}.{}.{}.example", "c".repeat(64), "d".repeat(61), "d".repeat(61), "d".repeat(57));
        assert_eq!(longest.len(), 254);
        assert!(is_email(&longest));
    }

    #[test]
    fn anything_else_is_not() {
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "a@b@example.com",
            "jane doe@example.com",
            "jane@example.com\r\nBcc: x@evil.example",
            "Jane <jane@example.com>",
            ".jane@example.com",
            "jane.@example.com",
            "ja..ne@example.com",
            "jane@example.com.",
            "jane@.example.com",
            "jane@exa..mple.com",
            "jane@-example.com",
            "jane@example-.com",
            "jane@exa_mple.com",
            "jane@ab--cd.com",
            "jane@xn--",
            "jané@example.com",
            "jane@exämple.com",
            "\"jane\"doe@example.com",
            "\"ja\"ne\"@example.com",
            "\"jane\u{7f}\"@example.com",
            "jane@[192.0.2.256]",
            "jane@[2001:db8::1]",
            "jane@[IPv6:nope]",
            "jane@[]",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(!is_email(&format!("{}@example.com", "a".repeat(65))), "local part over 64");
        assert!(!is_email(&format!("jane@{}.com", "a".repeat(64))), "label over 63");
        assert!(!is_email(&format!("jane@{}", vec!["a".repeat(63); 4].join("."))), "domain over 253");
    }
}
