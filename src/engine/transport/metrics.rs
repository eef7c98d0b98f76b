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

/// The EMF line for one request, stamped `timestamp_ms`: written straight as text (a `Value` tree
/// cost about ten times as many instructions as the line itself; bench/guard counts them).
pub fn emf_line(m: &RequestMetrics<'_>, function_name: &str, level: &str, timestamp_ms: u64) -> String {
    let counters = [
        (MetricName::Unavailable, u64::from(m.status == 503)),
        (MetricName::AuthFailures, u64::from(m.status == 401)),
        (MetricName::ColdStarts, u64::from(m.cold_start)),
        (MetricName::DynamoDbRetries, m.calls.dynamodb.retries()),
        (MetricName::DynamoDbTimeouts, m.calls.dynamodb.timeouts),
        (MetricName::SecretsManagerRetries, m.calls.secrets.retries()),
        (MetricName::SecretsManagerTimeouts, m.calls.secrets.timeouts),
    ];
    let mut line = EmfWriter(Vec::with_capacity(768));
    line.raw("{");
    line.number("Requests", 1);
    line.float("Latency", m.latency_ms);
    let mut per_function = vec![MetricName::Requests, MetricName::Latency];
    for (name, value) in counters.into_iter().filter(|(_, value)| *value > 0) {
        line.number(name.as_str(), value);
        per_function.push(name);
    }
    line.text("FunctionName", function_name);
    line.text("Method", method_dimension(m.method));
    line.text("Outcome", m.outcome);
    if let Some((tool, outcome)) = m.tool {
        line.text("Tool", tool.unwrap_or("unknown"));
        line.text("ToolOutcome", tool_outcome(outcome));
        line.number(MetricName::ToolCalls.as_str(), 1);
    }
    line.text("level", level);
    line.key("_aws");
    line.raw("{");
    line.number("Timestamp", timestamp_ms);
    line.key("CloudWatchMetrics");
    line.raw("[");
    line.directive(&["FunctionName"], &per_function);
    line.directive(&["FunctionName", "Method", "Outcome"], &[MetricName::Requests]);
    if m.tool.is_some() {
        line.directive(&["FunctionName", "Tool", "ToolOutcome"], &[MetricName::ToolCalls]);
        line.directive(&["FunctionName", "Tool"], &[MetricName::Latency]);
    }
    line.raw("]}}");
    // Only whole strings and ASCII punctuation were written: always UTF-8.
    String::from_utf8(line.0).unwrap_or_default()
}

/// The bytes of an EMF line as it is written; a comma goes before any value that does not open
/// an object or array.
struct EmfWriter(Vec<u8>);

impl EmfWriter {
    fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    fn separate(&mut self) {
        if !matches!(self.0.last(), Some(b'{' | b'[') | None) {
            self.0.push(b',');
        }
    }

    fn string(&mut self, value: &str) {
        self.separate();
        // serde_json escapes as JSON requires; writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.0, value);
    }

    fn key(&mut self, name: &str) {
        self.string(name);
        self.0.push(b':');
    }

    fn text(&mut self, name: &str, value: &str) {
        self.key(name);
        let _ = serde_json::to_writer(&mut self.0, value);
    }

    fn number(&mut self, name: &str, value: u64) {
        self.key(name);
        let _ = serde_json::to_writer(&mut self.0, &value);
    }

    fn float(&mut self, name: &str, value: f64) {
        self.key(name);
        let _ = serde_json::to_writer(&mut self.0, &value);
    }

    /// `{"Namespace":"LambdaMcp","Dimensions":[[...]],"Metrics":[{"Name":..,"Unit":..},...]}`
    fn directive(&mut self, dimensions: &[&str], metrics: &[MetricName]) {
        self.separate();
        self.raw("{");
        self.text("Namespace", NAMESPACE);
        self.key("Dimensions");
        self.raw("[[");
        for dimension in dimensions {
            self.string(dimension);
        }
        self.raw("]]");
        self.key("Metrics");
        self.raw("[");
        for metric in metrics {
            self.separate();
            self.raw("{");
            self.text("Name", metric.as_str());
            self.text("Unit", metric.unit());
            self.raw("}");
        }
        self.raw("]}");
    }
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
    fn the_line_is_one_json_document_with_its_directives() {
        let mut calls = CallsSnapshot::default();
        calls.dynamodb.calls = 1;
        calls.dynamodb.attempts = 3;
        let figures = RequestMetrics {
            method: Some("tools/call"),
            outcome: "ok",
            tool: Some((Some("get_\"order"), Some("ok"))),
            status: 200,
            latency_ms: 1.25,
            cold_start: false,
            calls,
        };
        let line = emf_line(&figures, "fn", "INFO", 1_767_225_600_000);
        let doc: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!((doc["Requests"].as_u64(), doc["Latency"].as_f64()), (Some(1), Some(1.25)));
        assert_eq!((doc["DynamoDbRetries"].as_u64(), doc.get("ColdStarts")), (Some(2), None));
        assert_eq!((doc["Tool"].as_str(), doc["ToolOutcome"].as_str()), (Some("get_\"order"), Some("ok")));
        assert_eq!(doc["_aws"]["Timestamp"], 1_767_225_600_000u64);
        let directives = doc["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 4);
        assert_eq!(directives[0]["Namespace"], NAMESPACE);
        assert_eq!(directives[0]["Dimensions"], serde_json::json!([["FunctionName"]]));
        let names: Vec<&str> =
            directives[0]["Metrics"].as_array().unwrap().iter().map(|m| m["Name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Requests", "Latency", "DynamoDbRetries"]);
        assert_eq!(directives[3]["Metrics"], serde_json::json!([{"Name": "Latency", "Unit": "Milliseconds"}]));
    }

    #[test]
    fn levels_above_info_are_carried_so_lambda_keeps_the_line() {
        assert_eq!(line_level(None), "INFO");
        assert_eq!(line_level(Some("TRACE")), "INFO");
        assert_eq!(line_level(Some("warn")), "WARN");
        assert_eq!(line_level(Some("FATAL")), "FATAL");
    }
}
