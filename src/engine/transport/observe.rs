//! What a finished request leaves behind besides its answer: the log line ([`RequestLog`]), the
//! EMF metrics line ([`metrics`]) and, when X-Ray tracing is on and Lambda sampled the
//! invocation, an X-Ray subsegment ([`xray`]). None of it makes an AWS API call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::metrics::{self, MetricsOutput, RequestMetrics};
use super::pseudonym::Pseudonyms;
use super::request_log::RequestLog;
use super::xray::{self, McpSpan, XrayHeader};
use crate::engine::aws::CallsSnapshot;
use crate::engine::config::Observability;

/// Where a request's traces go; one per execution environment.
#[derive(Debug)]
pub struct Observers {
    metrics: MetricsOutput,
    metrics_level: &'static str,
    function_name: String,
    pseudonyms: Pseudonyms,
    xray_daemon: Option<String>,
    served_one: AtomicBool,
}

impl Observers {
    /// The observers `settings` ask for: metrics on standard output unless turned off.
    pub fn new(settings: &Observability) -> Self {
        Observers {
            metrics: if settings.metrics { MetricsOutput::Stdout } else { MetricsOutput::Off },
            metrics_level: metrics::line_level(settings.lambda_log_level.as_deref()),
            function_name: settings.function_name.clone(),
            pseudonyms: Pseudonyms::new(settings.log_hash_key.as_bytes()),
            xray_daemon: settings.xray_daemon.as_deref().and_then(xray::daemon_address),
            served_one: AtomicBool::new(false),
        }
    }

    /// The same, writing metrics lines to `output` (tests keep them in memory).
    pub fn with_metrics_output(mut self, output: MetricsOutput) -> Self {
        self.metrics = output;
        self
    }

    /// Writes `log`'s line, its metrics line and its X-Ray subsegment. `calls` are the AWS calls
    /// made while serving it; `is_tool` tells a served tool's name from any other.
    pub fn finish(&self, log: &RequestLog, status: u16, calls: CallsSnapshot, is_tool: impl Fn(&str) -> bool) {
        log.write(status, &self.pseudonyms);
        let handled = &log.handled;
        let outcome = metrics::request_outcome(handled.outcome, status);
        let tool = handled.tool.as_deref();
        let served_tool = tool.filter(|name| is_tool(name));
        let cold_start = !self.served_one.swap(true, Ordering::Relaxed);
        let figures = RequestMetrics {
            method: handled.method.as_deref(),
            outcome,
            tool: tool.map(|_| (served_tool, handled.outcome)),
            status,
            latency_ms: log.latency_ms(),
            cold_start,
            calls,
        };
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default();
        self.metrics.write(&metrics::emf_line(&figures, &self.function_name, self.metrics_level, now_ms));
        if let (Some(daemon), Some(header)) = (&self.xray_daemon, log.xray_trace.as_deref().and_then(XrayHeader::parse))
        {
            let span = McpSpan {
                method: metrics::method_dimension(handled.method.as_deref()),
                tool: served_tool,
                outcome,
                status,
                started: log.started_at,
                trace: log.trace(),
            };
            xray::record(daemon, &header, &span);
        }
    }
}
