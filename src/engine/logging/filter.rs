//! Which events and spans are logged: a level per target, read from `RUST_LOG` and
//! `AWS_LAMBDA_LOG_LEVEL` the way `lambda_http::tracing::init_default_subscriber` read them, with
//! the runtime crates pinned at `INFO` or quieter whatever the setting.
//!
//! - `RUST_LOG` directives, when it holds any: comma-separated `level`, `target=level` or `target`
//!   (all levels); the longest matching target wins; a target no directive matches is off unless a
//!   bare level is given (as `tracing_subscriber`'s `EnvFilter`). Span-field directives
//!   (`target[span{field}]=level`) and unparsable parts are ignored.
//! - Otherwise `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls: `TRACE` ... `FATAL`,
//!   `FATAL` read as `ERROR`); otherwise `INFO`.
//! - The runtime crates ([`PINNED`]) never log below `INFO`: at `DEBUG` and `TRACE` they print raw
//!   invocation events, request and response bodies and signed headers.

use tracing::level_filters::LevelFilter;

/// Crate-name prefixes of the runtime crates held at `INFO` or quieter: the Lambda runtime
/// (`lambda_runtime`, `lambda_runtime_api_client`), `lambda_http`, the AWS SDK and Smithy runtime
/// (`aws_*`), and the HTTP and TLS stack beneath them.
pub const PINNED: [&str; 6] = ["lambda_runtime", "lambda_http", "aws_", "hyper", "h2", "rustls"];

/// A level per target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The level of targets no directive names.
    default: LevelFilter,
    /// `(target prefix, level)`, longest prefix first.
    directives: Vec<(String, LevelFilter)>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter { default: LevelFilter::INFO, directives: Vec::new() }
    }
}

impl Filter {
    /// The filter the environment asks for.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same, reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        if let Some(filter) = lookup("RUST_LOG").and_then(|spec| Self::parse_directives(&spec)) {
            return filter;
        }
        let level = lookup("AWS_LAMBDA_LOG_LEVEL").and_then(|l| parse_level(&l)).unwrap_or(LevelFilter::INFO);
        Filter { default: level, directives: Vec::new() }
    }

    /// `RUST_LOG`-style directives; `None` when `spec` holds none.
    fn parse_directives(spec: &str) -> Option<Self> {
        let mut default = None;
        let mut directives = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty() && !p.contains('[')) {
            match part.split_once('=') {
                None => match parse_level(part) {
                    Some(level) => default = Some(level),
                    None if is_target(part) => directives.push((part.to_owned(), LevelFilter::TRACE)),
                    None => {}
                },
                Some((target, level)) => {
                    if let (true, Some(level)) = (is_target(target), parse_level(level)) {
                        directives.push((target.to_owned(), level));
                    }
                }
            }
        }
        if default.is_none() && directives.is_empty() {
            return None;
        }
        directives.sort_by_key(|d| std::cmp::Reverse(d.0.len()));
        Some(Filter { default: default.unwrap_or(LevelFilter::OFF), directives })
    }

    /// The most verbose level `target` may log at.
    pub fn level_for(&self, target: &str) -> LevelFilter {
        let level = self.directives.iter().find(|(t, _)| target.starts_with(t.as_str())).map_or(self.default, |d| d.1);
        if is_pinned(target) { level.min(LevelFilter::INFO) } else { level }
    }

    /// The most verbose level any target may log at.
    pub fn max_level(&self) -> LevelFilter {
        self.directives.iter().map(|d| d.1).fold(self.default, LevelFilter::max)
    }
}

/// True for a target of one of the [`PINNED`] crates.
pub fn is_pinned(target: &str) -> bool {
    PINNED.iter().any(|prefix| target.starts_with(prefix))
}

fn is_target(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-')
}

/// `trace` ... `error`, `off`, or Lambda's `FATAL` (read as `ERROR`), in any case.
fn parse_level(text: &str) -> Option<LevelFilter> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" | "warning" => LevelFilter::WARN,
        "error" | "fatal" => LevelFilter::ERROR,
        "off" => LevelFilter::OFF,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(vars: &[(&str, &str)]) -> Filter {
        Filter::from_lookup(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn info_is_the_default_and_lambda_s_level_applies_without_rust_log() {
        assert_eq!(filter(&[]).level_for("lambda_mcp::transport"), LevelFilter::INFO);
        assert_eq!(filter(&[("AWS_LAMBDA_LOG_LEVEL", "WARN")]).level_for("lambda_mcp"), LevelFilter::WARN);
        assert_eq!(filter(&[("AWS_LAMBDA_LOG_LEVEL", "FATAL")]).level_for("lambda_mcp"), LevelFilter::ERROR);
        assert_eq!(filter(&[("AWS_LAMBDA_LOG_LEVEL", "loud")]).level_for("lambda_mcp"), LevelFilter::INFO);
    }

    #[test]
    fn rust_log_directives_win_and_the_longest_target_decides() {
        let f =
            filter(&[("AWS_LAMBDA_LOG_LEVEL", "ERROR"), ("RUST_LOG", "warn,lambda_mcp=debug,lambda_mcp::auth=trace")]);
        assert_eq!(f.level_for("lambda_mcp::auth::keys"), LevelFilter::TRACE);
        assert_eq!(f.level_for("lambda_mcp::transport"), LevelFilter::DEBUG);
        assert_eq!(f.level_for("tokio::runtime"), LevelFilter::WARN);
        assert_eq!(f.max_level(), LevelFilter::TRACE);
    }

    #[test]
    fn targets_no_directive_names_are_off_without_a_bare_level() {
        let f = filter(&[("RUST_LOG", "lambda_mcp=debug")]);
        assert_eq!(f.level_for("lambda_mcp"), LevelFilter::DEBUG);
        assert_eq!(f.level_for("tokio"), LevelFilter::OFF);
        assert_eq!(filter(&[("RUST_LOG", "lambda_mcp")]).level_for("lambda_mcp::x"), LevelFilter::TRACE);
    }

    #[test]
    fn unreadable_rust_log_falls_back_to_lambda_s_level() {
        for spec in ["", " , ", "lambda_mcp=loud", "x[span{a=1}]=debug", "=info"] {
            assert_eq!(
                filter(&[("RUST_LOG", spec), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]).max_level(),
                LevelFilter::DEBUG
            );
        }
    }

    #[test]
    fn the_runtime_crates_never_log_below_info() {
        let f = filter(&[("RUST_LOG", "trace,aws_smithy_runtime=trace,lambda_runtime=trace")]);
        for target in [
            "lambda_runtime::layers::api_client",
            "lambda_runtime_api_client",
            "lambda_http::request",
            "aws_smithy_runtime::client::http",
            "aws_sigv4::http_request",
            "aws_config::meta",
            "hyper::proto::h1",
            "hyper_util::client",
            "h2::codec",
            "rustls::client",
        ] {
            assert_eq!(f.level_for(target), LevelFilter::INFO, "{target}");
        }
        assert_eq!(f.level_for("lambda_mcp"), LevelFilter::TRACE);
        let quiet = filter(&[("AWS_LAMBDA_LOG_LEVEL", "ERROR")]);
        assert_eq!(quiet.level_for("aws_smithy_runtime"), LevelFilter::ERROR, "a quieter setting still applies");
    }
}
