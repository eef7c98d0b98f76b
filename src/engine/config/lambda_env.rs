//! Whether the process runs in AWS Lambda itself rather than an emulator, for the one setting that
//! must not reach production by accident: `MCP_AUTH=off` there needs a second, explicit
//! acknowledgement.
//!
//! How it tells: Lambda sets reserved variables that a deployment can neither set nor remove;
//! `AWS_LAMBDA_RUNTIME_API` is the runtime API's bare `host:port`, and `LAMBDA_TASK_ROOT` and
//! `AWS_LAMBDA_LOG_GROUP_NAME` are always present. `cargo lambda watch` (the local emulator)
//! sets `AWS_LAMBDA_FUNCTION_NAME` too, but gives the runtime API as a URL
//! (`http://127.0.0.1:9000/.rt/<function>`) and sets neither of the other two. Any doubt counts
//! as Lambda: a false "Lambda" costs an emulator run one more variable, a false "emulator" would
//! let an open endpoint through.

use super::ConfigError;

/// The variable that acknowledges `MCP_AUTH=off` inside Lambda, and the value it must have.
pub const AUTH_OFF_ACKNOWLEDGEMENT: (&str, &str) = ("MCP_AUTH_OFF_ACKNOWLEDGED", "anyone-can-call-every-tool");

/// Where the process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// AWS Lambda (or something indistinguishable from it).
    Lambda,
    /// A local emulator such as `cargo lambda watch`.
    Emulator,
    /// No Lambda runtime at all (tests, tools).
    None,
}

impl Runtime {
    /// Where the process runs, from its environment.
    pub fn detect(get: &impl Fn(&str) -> Option<String>) -> Runtime {
        let runtime_api = get("AWS_LAMBDA_RUNTIME_API");
        if runtime_api.is_none() && get("AWS_LAMBDA_FUNCTION_NAME").is_none() {
            return Runtime::None;
        }
        let reserved = get("LAMBDA_TASK_ROOT").is_some() || get("AWS_LAMBDA_LOG_GROUP_NAME").is_some();
        let url_form = runtime_api.is_some_and(|api| api.contains("://") || api.contains('/'));
        if url_form && !reserved { Runtime::Emulator } else { Runtime::Lambda }
    }
}

/// Refuses `MCP_AUTH=off` inside Lambda unless [`AUTH_OFF_ACKNOWLEDGEMENT`] is set.
pub fn allow_auth_off(get: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
    let (name, value) = AUTH_OFF_ACKNOWLEDGEMENT;
    if Runtime::detect(get) != Runtime::Lambda || get(name).is_some_and(|v| v.trim() == value) {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        name: "MCP_AUTH",
        reason: format!(
            "`off` leaves this Lambda function open to anyone who can reach it; use `header`, or set {name}={value}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k: &str| map.get(k).cloned()
    }

    const LAMBDA: [(&str, &str); 4] = [
        ("AWS_LAMBDA_FUNCTION_NAME", "lambda-mcp"),
        ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"),
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/lambda-mcp"),
    ];
    /// What `cargo lambda watch` 1.9 sets (seen in /proc/<pid>/environ of the function it runs).
    const CARGO_LAMBDA: [(&str, &str); 3] = [
        ("AWS_LAMBDA_FUNCTION_NAME", "lambda-mcp"),
        ("AWS_LAMBDA_RUNTIME_API", "http://127.0.0.1:9000/.rt/lambda-mcp"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1"),
    ];

    #[test]
    fn lambda_emulators_and_plain_processes_are_told_apart() {
        assert_eq!(Runtime::detect(&env(&LAMBDA)), Runtime::Lambda);
        assert_eq!(Runtime::detect(&env(&CARGO_LAMBDA)), Runtime::Emulator);
        assert_eq!(Runtime::detect(&env(&[])), Runtime::None);
    }

    #[test]
    fn doubt_counts_as_lambda() {
        let mut url_with_reserved = CARGO_LAMBDA.to_vec();
        url_with_reserved.push(("LAMBDA_TASK_ROOT", "/var/task"));
        assert_eq!(Runtime::detect(&env(&url_with_reserved)), Runtime::Lambda);
        assert_eq!(Runtime::detect(&env(&LAMBDA[..2])), Runtime::Lambda, "bare host:port without the others");
        assert_eq!(Runtime::detect(&env(&[("AWS_LAMBDA_FUNCTION_NAME", "f")])), Runtime::Lambda);
    }

    #[test]
    fn auth_off_in_lambda_needs_the_exact_acknowledgement() {
        assert!(allow_auth_off(&env(&LAMBDA)).is_err());
        let mut wrong = LAMBDA.to_vec();
        wrong.push(("MCP_AUTH_OFF_ACKNOWLEDGED", "yes"));
        assert!(allow_auth_off(&env(&wrong)).is_err(), "`yes` is not an acknowledgement");
        let mut acknowledged = LAMBDA.to_vec();
        acknowledged.push(AUTH_OFF_ACKNOWLEDGEMENT);
        assert_eq!(allow_auth_off(&env(&acknowledged)), Ok(()));
        assert_eq!(allow_auth_off(&env(&CARGO_LAMBDA)), Ok(()), "an emulator needs none");
        assert_eq!(allow_auth_off(&env(&[])), Ok(()));
    }
}
