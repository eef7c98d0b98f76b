//! The MCP request headers of Streamable HTTP (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`,
//! `Mcp-Param-*`), read once by the transport and checked against the body by the protocol.

use base64::Engine;
use serde_json::Value;

/// One header's value, whitespace around it removed and any Base64 sentinel decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HeaderText {
    #[default]
    Absent,
    Present(String),
    /// Sent more than once, not visible ASCII, or a sentinel that does not decode.
    Invalid,
}

impl HeaderText {
    /// The value, when present and valid.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderText::Present(text) => Some(text),
            _ => None,
        }
    }

    /// Reads a header's raw values (`None` for each value that is not visible ASCII).
    pub fn from_values<'a>(mut values: impl Iterator<Item = Option<&'a str>>, decode_sentinel: bool) -> HeaderText {
        let Some(first) = values.next() else { return HeaderText::Absent };
        if values.next().is_some() {
            return HeaderText::Invalid;
        }
        let Some(text) = first else { return HeaderText::Invalid };
        let text = text.trim_matches([' ', '\t']);
        if text.chars().any(|c| c.is_control()) {
            return HeaderText::Invalid;
        }
        if decode_sentinel && let Some(encoded) = text.strip_prefix("=?base64?").and_then(|t| t.strip_suffix("?=")) {
            return base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map_or(HeaderText::Invalid, HeaderText::Present);
        }
        HeaderText::Present(text.to_owned())
    }
}

/// The MCP headers of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct McpHeaders {
    pub protocol_version: HeaderText,
    pub method: HeaderText,
    pub name: HeaderText,
    /// `Mcp-Param-{Name}` headers: lower-case `{name}` and value.
    pub params: Vec<(String, HeaderText)>,
}

impl McpHeaders {
    /// The `Mcp-Param-{name}` header (names compare case-insensitively).
    pub fn param(&self, name: &str) -> &HeaderText {
        const ABSENT: &HeaderText = &HeaderText::Absent;
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or(ABSENT, |(_, v)| v)
    }
}

/// True when a mirrored header value equals the argument it mirrors: strings as they are,
/// integers numerically, booleans as `true`/`false`.
pub fn mirrors(header: &str, argument: &Value) -> bool {
    match argument {
        Value::String(text) => header == text,
        Value::Bool(flag) => header == if *flag { "true" } else { "false" },
        Value::Number(number) => match (header.parse::<f64>(), number.as_f64()) {
            (Ok(h), Some(n)) => h == n,
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(values: &[&str], sentinel: bool) -> HeaderText {
        HeaderText::from_values(values.iter().map(|v| Some(*v)), sentinel)
    }

    #[test]
    fn values_are_trimmed_and_sentinels_decoded() {
        assert_eq!(read(&["  get_order \t"], true), HeaderText::Present("get_order".into()));
        assert_eq!(read(&["=?base64?SGVsbG8sIOS4lueVjA==?="], true), HeaderText::Present("Hello, 世界".into()));
        assert_eq!(read(&["=?base64?SGVsbG8=?="], false), HeaderText::Present("=?base64?SGVsbG8=?=".into()));
        assert_eq!(read(&["=?base64?!!!?="], true), HeaderText::Invalid);
        assert_eq!(read(&[], true), HeaderText::Absent);
        assert_eq!(read(&["a", "b"], true), HeaderText::Invalid);
        assert_eq!(HeaderText::from_values([None].into_iter(), true), HeaderText::Invalid);
    }

    #[test]
    fn mirrored_values_compare_by_type() {
        assert!(mirrors("us-west1", &json!("us-west1")));
        assert!(mirrors("42", &json!(42)) && mirrors("42.0", &json!(42)));
        assert!(mirrors("true", &json!(true)) && !mirrors("True", &json!(true)));
        assert!(!mirrors("x", &json!(null)));
    }
}
