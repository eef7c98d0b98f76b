//! W3C Trace Context for the request log line: `traceparent` and `tracestate` from the request's
//! `params._meta` (the keys the MCP specification reserves for OpenTelemetry context, SEP-414) or
//! from the HTTP headers. Values are validated against the W3C grammar and kept only when valid,
//! so a log line never carries arbitrary client text under these names.

/// Where a trace context came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceSource {
    /// `params._meta.traceparent` (and `tracestate`).
    Meta,
    /// The `traceparent` (and `tracestate`) HTTP headers.
    Header,
}

impl TraceSource {
    /// The source's name in the log line.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceSource::Meta => "meta",
            TraceSource::Header => "header",
        }
    }
}

/// A parsed `traceparent`: version 00 fields (later versions are read as 00, as the W3C
/// recommendation asks of a version-00 parser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParent {
    /// 32 lower-case hex digits, not all zero.
    pub trace_id: String,
    /// 16 lower-case hex digits, not all zero: the caller's span.
    pub parent_id: String,
    /// The trace-flags byte.
    pub flags: u8,
}

impl TraceParent {
    /// Parses a `traceparent` value; `None` when it does not follow the W3C grammar.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let bytes = text.as_bytes();
        if bytes.len() < 55 || !lower_hex(&text[..2]) || &text[..2] == "ff" {
            return None;
        }
        // Version 00 is exactly 55 characters; a later version may append fields after a dash.
        let exact = &text[..2] == "00";
        if (exact && bytes.len() != 55) || (!exact && bytes.len() > 55 && bytes[55] != b'-') {
            return None;
        }
        if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return None;
        }
        let (trace_id, parent_id, flags) = (&text[3..35], &text[36..52], &text[53..55]);
        let nonzero = |s: &str| s.bytes().any(|b| b != b'0');
        if !(lower_hex(trace_id) && lower_hex(parent_id) && lower_hex(flags) && nonzero(trace_id) && nonzero(parent_id))
        {
            return None;
        }
        Some(TraceParent {
            trace_id: trace_id.to_owned(),
            parent_id: parent_id.to_owned(),
            flags: u8::from_str_radix(flags, 16).ok()?,
        })
    }

    /// Whether the caller sampled this trace (flag bit 0).
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The canonical version-00 text.
    pub fn to_header(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id, self.parent_id, self.flags)
    }
}

/// A request's trace context: the parent, and the vendor state that travels with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub parent: TraceParent,
    /// `tracestate`, when present and well formed (at most 512 characters, 32 members).
    pub state: Option<String>,
    pub source: TraceSource,
}

impl TraceContext {
    /// The context from a `traceparent` and an optional `tracestate`; `None` without a valid
    /// `traceparent` (a `tracestate` alone means nothing).
    pub fn from_parts(traceparent: Option<&str>, tracestate: Option<&str>, source: TraceSource) -> Option<Self> {
        let parent = TraceParent::parse(traceparent?)?;
        Some(TraceContext { parent, state: tracestate.and_then(valid_tracestate), source })
    }

    /// The context to log: the one in `_meta` (the MCP client's own span) over the HTTP headers'
    /// (which an intermediary may have set).
    pub fn choose(meta: Option<TraceContext>, header: Option<TraceContext>) -> Option<TraceContext> {
        meta.or(header)
    }
}

fn lower_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A `tracestate` worth keeping: printable ASCII, at most 512 characters and 32 members, each
/// `key=value` with a non-empty key. Otherwise dropped (the W3C recommendation lets a receiver
/// discard a malformed one).
fn valid_tracestate(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 512 || !text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    let members: Vec<&str> = text.split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
    let well_formed = |member: &str| {
        member.split_once('=').is_some_and(|(key, value)| {
            !key.is_empty() && !value.is_empty() && !key.contains(' ') && !value.contains('=')
        })
    };
    (members.len() <= 32 && members.iter().all(|m| well_formed(m))).then(|| members.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_version_00_traceparent_is_read_field_by_field() {
        let parent = TraceParent::parse(VALID).unwrap();
        assert_eq!(parent.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(parent.parent_id, "00f067aa0ba902b7");
        assert!(parent.sampled());
        assert_eq!(parent.to_header(), VALID);
        assert!(!TraceParent::parse(&VALID.replace("-01", "-00")).unwrap().sampled());
    }

    #[test]
    fn malformed_traceparents_are_rejected() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_later_version_is_read_as_version_00() {
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds";
        assert_eq!(TraceParent::parse(later).unwrap().to_header(), VALID);
        assert_eq!(TraceParent::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"), None);
    }

    #[test]
    fn tracestate_is_kept_only_when_well_formed() {
        let context =
            |state: &str| TraceContext::from_parts(Some(VALID), Some(state), TraceSource::Header).unwrap().state;
        assert_eq!(
            context("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"),
            Some("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7".into())
        );
        assert_eq!(context("no-equals-sign"), None);
        assert_eq!(context("a=b\nc=d"), None);
        assert_eq!(context(&format!("k={}", "v".repeat(600))), None);
        let many: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
        assert_eq!(context(&many.join(",")), None);
    }

    #[test]
    fn meta_wins_over_headers_and_tracestate_alone_is_nothing() {
        assert_eq!(TraceContext::from_parts(None, Some("a=b"), TraceSource::Meta), None);
        let meta = TraceContext::from_parts(Some(VALID), None, TraceSource::Meta);
        let other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let header = TraceContext::from_parts(Some(other), None, TraceSource::Header);
        assert_eq!(TraceContext::choose(meta.clone(), header.clone()), meta);
        assert_eq!(TraceContext::choose(None, header.clone()), header);
    }
}
