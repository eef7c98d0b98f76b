//! Customer-controlled stored text made safe to put in front of an agent: data, never
//! instructions or formatting.
//!
//! Names, product names, SKUs, carriers, tracking numbers, URLs, emails and phone numbers are
//! stored as customers and integrations wrote them. Before any of them reaches an answer:
//!
//! - [`line`] makes one clean line: control characters, newlines and Unicode line or paragraph
//!   separators become spaces, runs of white space collapse to one, invisible format characters
//!   (zero-width, bidi controls and isolates, tag characters, variation selectors, the BOM) are
//!   removed, and the text is cut at the field's length cap (in characters, never inside one).
//!   `structuredContent` carries these values.
//! - [`markdown`] escapes a clean line for the markdown answer, so it cannot open a block
//!   (heading, list, quote, thematic break, code fence) or inject formatting (emphasis, code,
//!   links, images, HTML, tables, entities).
//! - [`https_url`], [`email`] and [`phone`] keep a value only when it is well-formed; a URL only
//!   when it is `https`, has a host name and no user part (`https://shop.example@evil.example`).
//!   Callers drop what these refuse (a tracking link) or treat the item as malformed (an email
//!   that is a key).
//! - [`date`] reads the date of a stored RFC 3339 timestamp without byte-index slicing.

/// The kind of a free-text field, which sets its length cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A person's name.
    PersonName,
    /// A product's name.
    ProductName,
    /// A stock-keeping unit.
    Sku,
    /// A carrier's name.
    Carrier,
    /// A carrier's tracking number.
    TrackingNumber,
    /// A stored code such as a shipment status or a cancel reason.
    Code,
}

impl Field {
    /// The most characters a value of this kind keeps (longer ones end in `…`).
    pub const fn max_chars(self) -> usize {
        match self {
            Field::PersonName => 80,
            Field::ProductName => 120,
            Field::Sku | Field::Carrier | Field::TrackingNumber => 40,
            Field::Code => 32,
        }
    }
}

/// The longest URL kept.
pub const MAX_URL_CHARS: usize = 300;
/// The longest phone number kept.
pub const MAX_PHONE_CHARS: usize = 32;

/// True for characters that are invisible or change the direction of text: Unicode's format
/// characters (Cf) that reorder, join, hide or smuggle text, and variation selectors.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'   // Khmer inherent vowels
        | '\u{180B}'..='\u{180F}'   // Mongolian selectors and vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}'   // variation selectors
        | '\u{FEFF}'                // zero-width no-break space (BOM)
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
        | '\u{1BCA0}'..='\u{1BCA3}' // shorthand format controls
        | '\u{1D173}'..='\u{1D17A}' // musical format controls
        | '\u{E0000}'..='\u{E007F}' // tag characters (ASCII smuggling)
        | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
    )
}

/// True for characters that break a line or are otherwise control characters.
pub fn is_break(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `raw` as one clean line of at most `field`'s length cap.
pub fn line(field: Field, raw: &str) -> String {
    capped(raw, field.max_chars())
}

/// `raw` as one clean line of at most `max` characters (the last one `…` when cut).
fn capped(raw: &str, max: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max * 4));
    let mut count = 0;
    let mut pending_space = false;
    let mut cut = false;
    for c in raw.chars() {
        if is_invisible(c) {
            continue;
        }
        if is_break(c) || c.is_whitespace() {
            pending_space = count > 0;
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if count + needed > max {
            cut = true;
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    if cut {
        while count >= max {
            out.pop();
            count -= 1;
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('…');
    }
    out
}

/// A clean line escaped for markdown: every character that can start inline formatting is
/// backslash-escaped, and so is a leading character that could open a block.
pub fn markdown(clean: &str) -> String {
    let mut out = String::with_capacity(clean.len() + 8);
    let mut chars = clean.chars().peekable();
    if let Some(&first) = chars.peek()
        && matches!(first, '#' | '-' | '+' | '=')
    {
        out.push('\\');
    }
    let mut leading_digits = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '{' | '}' | '$' => out.push('\\'),
            // `&amp;`, `&#10;`: an entity a renderer would decode.
            '&' if chars.peek().is_some_and(|n| *n == '#' || n.is_ascii_alphabetic()) => out.push('\\'),
            // `1. ` or `1) ` at the start opens an ordered list.
            '.' | ')' if leading_digits && !out.is_empty() => out.push('\\'),
            _ => {}
        }
        leading_digits &= c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// A free-text field as one clean, markdown-escaped line (for answers).
pub fn md(field: Field, raw: &str) -> String {
    markdown(&line(field, raw))
}

/// `raw` when it is a well-formed `https` URL: a host name (letters, digits, hyphens, dots; at
/// least one dot), an optional port, no user part, and a path, query and fragment of URL
/// characters that carry no markdown meaning. Anything else is refused.
pub fn https_url(raw: &str) -> Option<String> {
    let url = raw.trim();
    if url.chars().count() > MAX_URL_CHARS {
        return None;
    }
    let rest = url.get(..8).filter(|s| s.eq_ignore_ascii_case("https://")).map(|_| &url[8..])?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|p| p > 0));
    let tail_ok = tail.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#@&+,;=%".contains(&b))
        && !tail.contains("~~")
        && !tail.contains("__")
        && percent_ok(tail);
    (is_host(host) && port_ok && tail_ok).then(|| url.to_owned())
}

/// Every `%` starts a two-digit hex escape.
fn percent_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter(|(_, b)| **b == b'%').all(|(i, _)| {
        bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    })
}

/// A DNS host name with at least two labels.
fn is_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            let bytes = label.as_bytes();
            !bytes.is_empty()
                && bytes.len() <= 63
                && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels.last().is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// `raw` when it is an email address in the plain form stores use: a local part of letters,
/// digits and `.`, `_`, `%`, `+`, `-` (no quotes, no characters markdown reads), and a host
/// name. Lower-cased, as the store keys customers.
pub fn email(raw: &str) -> Option<String> {
    let (local, domain) = raw.rsplit_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| !atom.is_empty())
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    (local_ok && raw.len() <= 254 && is_host(domain)).then(|| raw.to_ascii_lowercase())
}

/// An email address as an answer shows it: as is when [`email`] accepts it, otherwise (a quoted
/// local part a caller typed, say) as a clean, escaped line.
pub fn shown_email(raw: &str) -> String {
    email(raw).unwrap_or_else(|| markdown(&capped(raw, 254)))
}

/// `raw` when it reads as a phone number: digits with `+`, spaces, `-`, `.`, `(`, `)`; at least
/// five digits; at most [`MAX_PHONE_CHARS`] characters. White space is collapsed.
pub fn phone(raw: &str) -> Option<String> {
    let clean = capped(raw, MAX_PHONE_CHARS + 1);
    let digits = clean.bytes().filter(u8::is_ascii_digit).count();
    let shape =
        clean.bytes().all(|b| b.is_ascii_digit() || b" +-.()".contains(&b)) && clean.bytes().skip(1).all(|b| b != b'+');
    (shape && digits >= 5 && clean.chars().count() <= MAX_PHONE_CHARS).then_some(clean)
}

/// The `YYYY-MM-DD` date of a stored RFC 3339 timestamp (or of a bare date), or `None` when the
/// text does not start with one.
pub fn date(raw: &str) -> Option<&str> {
    let date = raw.get(..10)?;
    let b = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let month = date[5..7].parse::<u8>().ok()?;
    let day = date[8..10].parse::<u8>().ok()?;
    let rest_ok = raw.len() == 10 || raw.as_bytes()[10] == b'T';
    ((1..=12).contains(&month) && (1..=31).contains(&day) && rest_ok).then_some(date)
}

/// A stored RFC 3339 timestamp when it is one (`2026-03-02T10:00:00Z`, with an optional
/// fraction and offset): for `structuredContent`.
pub fn timestamp(raw: &str) -> Option<&str> {
    date(raw)?;
    let time = raw.get(10..)?;
    let ok = time.len() <= 30
        && time.starts_with('T')
        && time[1..].bytes().all(|b| b.is_ascii_digit() || b":.+-Z".contains(&b))
        && time.len() >= 9;
    ok.then_some(raw)
}

#[cfg(test)]
#[path = "text_safety_tests.rs"]
mod tests;
