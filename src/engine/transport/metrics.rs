//! CloudWatch metrics in the Embedded Metric Format: one JSON line per request on stdout, which
//! CloudWatch Logs turns into metrics (namespace `LambdaMcp`) with no API call on the request
//! path. Dimensions are low-cardinality by construction: the function's name, a method from a
//! fixed list, an outcome the code names, and a registered tool's name; never a caller, key,
//! session or customer. Counters that are zero are left out (their metric then costs nothing).
//!
//! Lambda filters JSON log lines by their `level` (a missing one counts as INFO), so the line
//! carries the function's configured level when that is above INFO: the metrics survive
//! `ApplicationLogLevel=WARN` and above.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use crate::engine::aws::CallsSnapshot;

/// The metrics' CloudWatch namespace (the template's alarms and dashboard read it).
pub const NAMESPACE: &str = "LambdaMcp";

/// Every metric this module emits (scripts/check-template checks the template reads no other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricName {
    Requests,
    Latency,
    Unavailable,
    AuthFailures,
    ColdStarts,
    ToolCalls,
    DynamoDbRetries,
    DynamoDbTimeouts,
    SecretsManagerRetries,
    SecretsManagerTimeouts,
}

impl MetricName {
    /// The metric's name in CloudWatch.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricName::Requests => "Requests",
            MetricName::Latency => "Latency",
            MetricName::Unavailable => "Unavailable",
            MetricName::AuthFailures => "AuthFailures",
            MetricName::ColdStarts => "ColdStarts",
            MetricName::ToolCalls => "ToolCalls",
            MetricName::DynamoDbRetries => "DynamoDbRetries",
            MetricName::DynamoDbTimeouts => "DynamoDbTimeouts",
            MetricName::SecretsManagerRetries => "SecretsManagerRetries",
            MetricName::SecretsManagerTimeouts => "SecretsManagerTimeouts",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            MetricName::Latency => "Milliseconds",
            _ => "Count",
        }
    }
}

/// The JSON-RPC methods reported by name; any other is `other`.
const KNOWN_METHODS: [&str; 6] = ["initialize", "ping", "tools/list", "tools/call", "server/discover", "batch"];

/// A request's figures, from its log line.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMetrics<'a> {
    /// The JSON-RPC method (any client text; reduced to a fixed list here).
    pub method: Option<&'a str>,
    /// The outcome the code named, or derived from the status.
    pub outcome: &'static str,
    /// For `tools/call`: the tool's name if it is registered (`None`: an unknown tool), and the
    /// outcome the protocol layer recorded.
    pub tool: Option<(Option<&'a str>, Option<&'static str>)>,
    pub status: u16,
    pub latency_ms: f64,
    pub cold_start: bool,
    /// AWS SDK calls made while serving the request.
    pub calls: CallsSnapshot,
}

/// The method as a dimension value: a known method, `notification`, `none` (no JSON-RPC body was
/// read) or `other`.
pub fn method_dimension(method: Option<&str>) -> &'static str {
    match method {
        None => "none",
        Some(m) if m.starts_with("notifications/") => "notification",
        Some(m) => KNOWN_METHODS.iter().find(|k| **k == m).copied().unwrap_or("other"),
    }
}

/// The request's outcome: what the protocol layer named, else what the status says.
pub fn request_outcome(named: Option<&'static str>, status: u16) -> &'static str {
    match (status, named) {
        (401, _) => "unauthorized",
        (503, None) => "unavailable",
        (_, Some(outcome)) => outcome,
        (200..=299, None) => "ok",
        (403, None) => "forbidden_origin",
        (404, None) => "not_found",
        (405, None) => "method_not_allowed",
        (413, None) => "too_large",
        (415, None) => "unsupported_media_type",
        _ => "error",
    }
}

/// A tool call's outcome as a dimension: ok, tool_error, invalid_arguments, or refused (the
/// protocol layer refused it: unknown tool, bad parameters, a missing capability, headers that
/// do not match, the deadline).
pub fn tool_outcome(named: Option<&str>) -> &'static str {
    match named {
        Some("ok") => "ok",
        Some("tool_error") => "tool_error",
        Some("invalid_arguments") => "invalid_arguments",
        _ => "refused",
    }
}

/// The EMF line for one request, stamped `timestamp_ms`.
pub fn emf_line(m: &RequestMetrics<'_>, function_name: &str, level: &str, timestamp_ms: u64) -> String {
    let mut root = Map::new();
    let mut directives = Vec::new();
    let mut per_function = Vec::new();
    let put = |root: &mut Map<String, Value>, list: &mut Vec<MetricName>, name: MetricName, value: Value| {
        root.insert(name.as_str().into(), value);
        list.push(name);
    };
    put(&mut root, &mut per_function, MetricName::Requests, json!(1));
    put(&mut root, &mut per_function, MetricName::Latency, json!(m.latency_ms));
    let counters = [
        (MetricName::Unavailable, u64::from(m.status == 503)),
        (MetricName::AuthFailures, u64::from(m.status == 401)),
        (MetricName::ColdStarts, u64::from(m.cold_start)),
        (MetricName::DynamoDbRetries, m.calls.dynamodb.retries()),
        (MetricName::DynamoDbTimeouts, m.calls.dynamodb.timeouts),
        (MetricName::SecretsManagerRetries, m.calls.secrets.retries()),
        (MetricName::SecretsManagerTimeouts, m.calls.secrets.timeouts),
    ];
    for (name, value) in counters.into_iter().filter(|(_, value)| *value > 0) {
        put(&mut root, &mut per_function, name, json!(value));
    }
    directives.push(directive(&[&["FunctionName"]], &per_function));
    directives.push(directive(&[&["FunctionName", "Method", "Outcome"]], &[MetricName::Requests]));
    root.insert("FunctionName".into(), json!(function_name));
    root.insert("Method".into(), json!(method_dimension(m.method)));
    root.insert("Outcome".into(), json!(m.outcome));
    if let Some((tool, outcome)) = m.tool {
        root.insert("Tool".into(), json!(tool.unwrap_or("unknown")));
        root.insert("ToolOutcome".into(), json!(tool_outcome(outcome)));
        root.insert(MetricName::ToolCalls.as_str().into(), json!(1));
        directives.push(directive(&[&["FunctionName", "Tool", "ToolOutcome"]], &[MetricName::ToolCalls]));
        directives.push(directive(&[&["FunctionName", "Tool"]], &[MetricName::Latency]));
    }
    root.insert("level".into(), json!(level));
    root.insert("_aws".into(), json!({"Timestamp": timestamp_ms, "CloudWatchMetrics": directives}));
    Value::Object(root).to_string()
}

fn directive(dimensions: &[&[&str]], metrics: &[MetricName]) -> Value {
    json!({
        "Namespace": NAMESPACE,
        "Dimensions": dimensions,
        "Metrics": metrics.iter().map(|m| json!({"Name": m.as_str(), "Unit": m.unit()})).collect::<Vec<_>>(),
    })
}

/// Where the metrics lines go.
#[derive(Debug, Clone)]
pub enum MetricsOutput {
    /// Standard output, one line per request (deployed: CloudWatch Logs reads it).
    Stdout,
    /// Kept in memory (tests).
    Memory(Arc<Mutex<Vec<String>>>),
    /// Not written (`MCP_METRICS=off`).
    Off,
}

impl MetricsOutput {
    /// Writes one line.
    pub fn write(&self, line: &str) {
        match self {
            MetricsOutput::Stdout => {
                let mut out = std::io::stdout().lock();
                // A full pipe loses a metrics line, never the answer.
                let _ = out.write_all(format!("{line}\n").as_bytes()).and_then(|()| out.flush());
            }
            MetricsOutput::Memory(lines) => lines.lock().unwrap_or_else(|e| e.into_inner()).push(line.to_owned()),
            MetricsOutput::Off => {}
        }
    }
}

/// The `level` a metrics line carries: INFO, or the configured application log level when Lambda
/// would otherwise drop INFO lines (`AWS_LAMBDA_LOG_LEVEL`, set from `ApplicationLogLevel`).
pub fn line_level(configured: Option<&str>) -> &'static str {
    match configured.map(str::trim).map(str::to_ascii_uppercase).as_deref() {
        Some("WARN") => "WARN",
        Some("ERROR") => "ERROR",
        Some("FATAL") => "FATAL",
        _ => "INFO",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_outside_the_known_list_share_one_dimension_value() {
        assert_eq!(method_dimension(Some("tools/call")), "tools/call");
        assert_eq!(method_dimension(Some("notifications/initialized")), "notification");
        assert_eq!(method_dimension(Some("x-anything/a-client-made-up")), "other");
        assert_eq!(method_dimension(None), "none");
    }

    #[test]
    fn outcomes_come_from_the_code_or_the_status() {
        assert_eq!(request_outcome(None, 401), "unauthorized");
        assert_eq!(request_outcome(Some("ok"), 200), "ok");
        assert_eq!(request_outcome(None, 202), "ok");
        assert_eq!(request_outcome(None, 503), "unavailable");
        assert_eq!(request_outcome(Some("deadline"), 503), "deadline");
        assert_eq!(request_outcome(None, 403), "forbidden_origin");
        assert_eq!(tool_outcome(Some("unknown_tool")), "refused");
        assert_eq!(tool_outcome(Some("invalid_arguments")), "invalid_arguments");
    }

    #[test]
    fn levels_above_info_are_carried_so_lambda_keeps_the_line() {
        assert_eq!(line_level(None), "INFO");
        assert_eq!(line_level(Some("TRACE")), "INFO");
        assert_eq!(line_level(Some("warn")), "WARN");
        assert_eq!(line_level(Some("FATAL")), "FATAL");
    }
}
