//! One log line: the level, the message, then each field once, as one flat JSON object
//! (`{"level":"INFO","message":"request handled","status":200,...}`) or as text
//! (`INFO request handled status=200 tool="get_order" ...`). Strings are escaped in both formats,
//! so no value can break a line or forge another.

use std::fmt::{self, Debug, Write as _};

use tracing::Level;
use tracing::field::{Field, Visit};

/// How lines are written (`AWS_LAMBDA_LOG_FORMAT`: `JSON`, or anything else for text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
}

impl Format {
    /// The format an `AWS_LAMBDA_LOG_FORMAT` value asks for.
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Text,
        }
    }
}

/// A field value kept with a span until an event prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

/// The fields a span carries, in recording order; a field recorded again replaces its value.
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(&'static str, FieldValue)>);

impl Fields {
    fn set(&mut self, name: &'static str, value: FieldValue) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), FieldValue::Str(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field.name(), FieldValue::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field.name(), FieldValue::U64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field.name(), FieldValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field.name(), FieldValue::Bool(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.set(field.name(), FieldValue::Str(format!("{value:?}")));
    }
}

/// A line being written; reused from event to event (its buffers keep their capacity).
#[derive(Debug)]
pub struct Line {
    format: Format,
    buf: Vec<u8>,
    /// Names already written: a field seen again (an event's and a span's, or two spans') is skipped.
    names: Vec<&'static str>,
}

impl Line {
    /// An empty line in `format`.
    pub fn new(format: Format) -> Self {
        Line { format, buf: Vec::with_capacity(1024), names: Vec::with_capacity(32) }
    }

    /// The line's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Starts a line at `level`.
    pub fn begin(&mut self, level: &Level) {
        self.buf.clear();
        self.names.clear();
        match self.format {
            Format::Json => {
                self.buf.extend_from_slice(b"{\"level\":\"");
                self.buf.extend_from_slice(level.as_str().as_bytes());
                self.buf.push(b'"');
            }
            Format::Text => self.buf.extend_from_slice(level.as_str().as_bytes()),
        }
    }

    /// True (and the name noted) the first time `name` is offered.
    fn first(&mut self, name: &'static str) -> bool {
        if self.names.iter().any(|n| n.len() == name.len() && *n == name) {
            return false;
        }
        self.names.push(name);
        true
    }

    fn key(&mut self, name: &str) {
        match self.format {
            Format::Json => {
                self.buf.extend_from_slice(b",\"");
                escape(&mut self.buf, name);
                self.buf.extend_from_slice(b"\":");
            }
            Format::Text => {
                self.buf.push(b' ');
                escape(&mut self.buf, name);
                self.buf.push(b'=');
            }
        }
    }

    /// A string field (the message is printed bare in text).
    pub fn str(&mut self, name: &'static str, value: &str) {
        if !self.first(name) {
            return;
        }
        let quoted = !(name == "message" && self.format == Format::Text);
        if quoted {
            self.key(name);
            self.buf.push(b'"');
        } else {
            self.buf.push(b' ');
        }
        escape(&mut self.buf, value);
        if quoted {
            self.buf.push(b'"');
        }
    }

    /// A field written with its `Debug` form, as a string.
    pub fn debug(&mut self, name: &'static str, value: &dyn Debug) {
        self.display(name, &format_args!("{value:?}"));
    }

    fn display(&mut self, name: &'static str, value: &dyn fmt::Display) {
        if !self.first(name) {
            return;
        }
        if name == "message" && self.format == Format::Text {
            self.buf.push(b' ');
            let _ = write!(Escaper(&mut self.buf), "{value}");
            return;
        }
        self.key(name);
        self.buf.push(b'"');
        let _ = write!(Escaper(&mut self.buf), "{value}");
        self.buf.push(b'"');
    }

    /// A number or boolean field.
    fn plain(&mut self, name: &'static str, value: impl fmt::Display) {
        if self.first(name) {
            self.key(name);
            let _ = write!(Escaper(&mut self.buf), "{value}");
        }
    }

    /// A span's field.
    pub fn value(&mut self, name: &'static str, value: &FieldValue) {
        match value {
            FieldValue::Str(s) => self.str(name, s),
            FieldValue::I64(n) => self.plain(name, n),
            FieldValue::U64(n) => self.plain(name, n),
            FieldValue::F64(x) if x.is_finite() => self.plain(name, x),
            FieldValue::F64(_) => self.plain(name, "null"),
            FieldValue::Bool(b) => self.plain(name, b),
        }
    }

    /// The finished line, newline included.
    pub fn finish(&mut self) -> &[u8] {
        if self.format == Format::Json {
            self.buf.push(b'}');
        }
        self.buf.push(b'\n');
        &self.buf
    }
}

/// An event's fields go straight into the line.
impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.str(field.name(), value);
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.plain(field.name(), value);
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.plain(field.name(), value);
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.value(field.name(), &FieldValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.plain(field.name(), value);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.debug(field.name(), value);
    }
}

/// Writes text into a buffer as the inside of a JSON string.
struct Escaper<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaper<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape(self.0, s);
        Ok(())
    }
}

fn escape(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(b >> 4) as usize]);
                buf.push(HEX[(b & 0xf) as usize]);
            }
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &mut Line) -> String {
        String::from_utf8(line.finish().to_vec()).unwrap()
    }

    #[test]
    fn a_json_line_is_one_flat_object_with_each_field_once() {
        let mut line = Line::new(Format::Json);
        line.begin(&Level::INFO);
        line.str("message", "request handled");
        line.value("status", &FieldValue::U64(200));
        line.value("latency_ms", &FieldValue::F64(0.51));
        line.value("status", &FieldValue::U64(500));
        line.value("tool", &FieldValue::Str("get_order".into()));
        line.value("cached", &FieldValue::Bool(true));
        line.value("skew", &FieldValue::F64(f64::NAN));
        line.value("delta", &FieldValue::I64(-3));
        let out = text(&mut line);
        assert_eq!(
            out,
            "{\"level\":\"INFO\",\"message\":\"request handled\",\"status\":200,\"latency_ms\":0.51,\
             \"tool\":\"get_order\",\"cached\":true,\"skew\":null,\"delta\":-3}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["tool"], "get_order");
    }

    #[test]
    fn strings_are_escaped_so_no_value_breaks_the_line() {
        let mut line = Line::new(Format::Json);
        line.begin(&Level::WARN);
        line.str("message", "a \"quoted\"\nsecond line\\ \u{1} é");
        line.debug("error", &"x\ny");
        let out = text(&mut line);
        assert_eq!(out.lines().count(), 1);
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["message"], "a \"quoted\"\nsecond line\\ \u{1} é");
        assert_eq!(parsed["error"], "\"x\\ny\"");
    }

    #[test]
    fn a_text_line_leads_with_level_and_message() {
        let mut line = Line::new(Format::Text);
        line.begin(&Level::INFO);
        line.str("message", "request handled");
        line.value("status", &FieldValue::U64(200));
        line.value("tool", &FieldValue::Str("get\norder".into()));
        assert_eq!(text(&mut line), "INFO request handled status=200 tool=\"get\\norder\"\n");
    }

    #[test]
    fn the_format_follows_lambda_s_setting() {
        assert_eq!(Format::from_setting(Some("JSON")), Format::Json);
        assert_eq!(Format::from_setting(Some(" json ")), Format::Json);
        assert_eq!(Format::from_setting(Some("Text")), Format::Text);
        assert_eq!(Format::from_setting(None), Format::Text);
    }
}
