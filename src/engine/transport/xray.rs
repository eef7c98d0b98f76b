//! The request's place in AWS X-Ray, when tracing is on (`Tracing=Active`): Lambda hands each
//! invocation a trace header (`Root=...;Parent=...;Sampled=1`) and records the function's own
//! segment. For a sampled invocation this module adds one subsegment, `mcp`, under it, sent to
//! the X-Ray daemon Lambda runs beside the function (UDP, `AWS_XRAY_DAEMON_ADDRESS`), carrying
//! the MCP method, tool and outcome and the caller's W3C trace id as annotations (searchable:
//! `annotation.w3c_trace_id = "..."`) and the full `traceparent`/`tracestate` as metadata.
//!
//! What this cannot do: make X-Ray's trace *continue* the caller's W3C trace. API Gateway HTTP
//! APIs start no X-Ray trace and Lambda starts a new one, so the two are joined by the recorded
//! W3C id (in the trace and in the log line beside `xray_trace_id`), not by parentage.

use std::net::UdpSocket;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::engine::protocol::trace::TraceContext;

/// Lambda's trace header for one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XrayHeader {
    /// `1-<8 hex>-<24 hex>`.
    pub root: String,
    /// The function segment's id, parent of the subsegment.
    pub parent: String,
    pub sampled: bool,
}

impl XrayHeader {
    /// Parses `Root=1-...;Parent=...;Sampled=1` (any order, unknown fields ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let (mut root, mut parent, mut sampled) = (None, None, false);
        for field in text.split(';') {
            match field.trim().split_once('=') {
                Some(("Root", value)) if is_trace_id(value) => root = Some(value.to_owned()),
                Some(("Parent", value)) if value.len() == 16 && hex(value) => parent = Some(value.to_owned()),
                Some(("Sampled", value)) => sampled = value == "1",
                _ => {}
            }
        }
        Some(XrayHeader { root: root?, parent: parent?, sampled })
    }
}

/// `1-` + 8 hex digits + `-` + 24 hex digits.
fn is_trace_id(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3 && parts[0] == "1" && parts[1].len() == 8 && parts[2].len() == 24 && hex(parts[1]) && hex(parts[2])
}

fn hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the subsegment records about the request.
#[derive(Debug, Clone)]
pub struct McpSpan<'a> {
    pub method: &'static str,
    pub tool: Option<&'a str>,
    pub outcome: &'static str,
    pub status: u16,
    pub started: SystemTime,
    pub trace: Option<&'a TraceContext>,
}

/// The daemon's UDP address from `AWS_XRAY_DAEMON_ADDRESS` (`host:port`, or `udp:host:port
/// tcp:host:port`).
pub fn daemon_address(setting: &str) -> Option<String> {
    let setting = setting.trim();
    let udp = setting.split_whitespace().find_map(|part| part.strip_prefix("udp:")).unwrap_or(setting);
    (!udp.is_empty() && !udp.contains(' ')).then(|| udp.to_owned())
}

/// The subsegment document (without the daemon's header line).
pub fn subsegment(header: &XrayHeader, span: &McpSpan<'_>, id: u64, ended: SystemTime) -> Value {
    let seconds = |t: SystemTime| t.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or_default();
    let mut annotations = Map::new();
    annotations.insert("mcp_method".into(), json!(span.method));
    annotations.insert("mcp_outcome".into(), json!(span.outcome));
    if let Some(tool) = span.tool {
        annotations.insert("mcp_tool".into(), json!(tool));
    }
    let mut document = json!({
        "name": "mcp",
        "id": format!("{id:016x}"),
        "trace_id": header.root,
        "parent_id": header.parent,
        "type": "subsegment",
        "start_time": seconds(span.started),
        "end_time": seconds(ended),
        "http": {"response": {"status": span.status}},
    });
    if span.status >= 500 {
        document["fault"] = json!(true);
    } else if span.status >= 400 {
        document["error"] = json!(true);
    }
    if let Some(trace) = span.trace {
        annotations.insert("w3c_trace_id".into(), json!(trace.parent.trace_id));
        let mut w3c = json!({"traceparent": trace.parent.to_header(), "source": trace.source.as_str()});
        if let Some(state) = &trace.state {
            w3c["tracestate"] = json!(state);
        }
        document["metadata"] = json!({"w3c": w3c});
    }
    document["annotations"] = Value::Object(annotations);
    document
}

/// Sends the subsegment for a sampled invocation; best effort (a lost datagram loses a trace
/// detail, never the answer). Returns whether a datagram was sent.
pub fn record(daemon: &str, header: &XrayHeader, span: &McpSpan<'_>) -> bool {
    if !header.sampled {
        return false;
    }
    let id = random_id();
    let document = subsegment(header, span, id, SystemTime::now());
    let datagram = format!("{{\"format\":\"json\",\"version\":1}}\n{document}");
    UdpSocket::bind("0.0.0.0:0").and_then(|socket| socket.send_to(datagram.as_bytes(), daemon)).is_ok()
}

/// A 64-bit id, unique enough for a subsegment: std's per-process random hasher keys, a counter
/// and the clock.
fn random_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default());
    hasher.finish().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::trace::TraceSource;
    use std::time::Duration;

    const HEADER: &str = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    #[test]
    fn lambdas_trace_header_is_read_and_malformed_ones_are_not() {
        let header = XrayHeader::parse(HEADER).unwrap();
        assert_eq!(header.root, "1-5759e988-bd862e3fe1be46a994272793");
        assert_eq!(header.parent, "53995c3f42cd8ad8");
        assert!(header.sampled);
        assert!(!XrayHeader::parse(&HEADER.replace("Sampled=1", "Sampled=0")).unwrap().sampled);
        assert_eq!(XrayHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793"), None, "no parent");
        assert_eq!(XrayHeader::parse("Root=nonsense;Parent=53995c3f42cd8ad8"), None);
    }

    #[test]
    fn the_daemon_address_is_read_in_both_forms() {
        assert_eq!(daemon_address("169.254.79.129:2000").as_deref(), Some("169.254.79.129:2000"));
        assert_eq!(daemon_address("tcp:127.0.0.1:2000 udp:127.0.0.2:2001").as_deref(), Some("127.0.0.2:2001"));
        assert_eq!(daemon_address(" "), None);
    }

    #[test]
    fn a_sampled_invocation_sends_one_subsegment_with_the_w3c_trace_id() {
        let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
        daemon.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let trace = TraceContext::from_parts(
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some("congo=t61rcWkgMzE"),
            TraceSource::Meta,
        )
        .unwrap();
        let span = McpSpan {
            method: "tools/call",
            tool: Some("get_order"),
            outcome: "ok",
            status: 200,
            started: SystemTime::now(),
            trace: Some(&trace),
        };
        let header = XrayHeader::parse(HEADER).unwrap();
        assert!(record(&daemon.local_addr().unwrap().to_string(), &header, &span));
        let mut buffer = [0u8; 65_536];
        let size = daemon.recv(&mut buffer).unwrap();
        let text = std::str::from_utf8(&buffer[..size]).unwrap();
        let (preamble, body) = text.split_once('\n').unwrap();
        assert_eq!(serde_json::from_str::<Value>(preamble).unwrap(), json!({"format": "json", "version": 1}));
        let document: Value = serde_json::from_str(body).unwrap();
        assert_eq!(document["trace_id"], "1-5759e988-bd862e3fe1be46a994272793");
        assert_eq!(document["parent_id"], "53995c3f42cd8ad8");
        assert_eq!(document["type"], "subsegment");
        assert_eq!(document["id"].as_str().unwrap().len(), 16);
        assert_eq!(document["annotations"]["w3c_trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(document["annotations"]["mcp_tool"], "get_order");
        assert_eq!(document["metadata"]["w3c"]["tracestate"], "congo=t61rcWkgMzE");
        assert!(document["end_time"].as_f64().unwrap() >= document["start_time"].as_f64().unwrap());
        let unsampled = XrayHeader { sampled: false, ..header };
        assert!(!record(&daemon.local_addr().unwrap().to_string(), &unsampled, &span), "not sampled: nothing sent");
    }
}
