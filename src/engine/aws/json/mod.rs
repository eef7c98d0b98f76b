//! A lean client for AWS JSON 1.0 services (DynamoDB), for the calls on a tool's hot path.
//!
//! The SDK's request path (orchestrator, interceptors, endpoint rules per call, a general SigV4
//! signer, parsing into its own types) was half of a warm read's instructions (docs/performance.md,
//! "Where a warm tool call's CPU goes"). This client does only what one call needs: it resolves
//! the endpoint once with the SDK's own rules, takes credentials from the SDK configuration's
//! provider chain (kept until they near expiry), signs with [`sigv4`], sends through the same
//! HTTPS stack the SDK uses (hyper, rustls, aws-lc, the same trusted roots, a pooled connection)
//! and hands back the answer's bytes for the caller to parse once, into its own types.
//!
//! It keeps the SDK clients' call budget ([`CallBudget`]): connect, attempt and operation
//! timeouts, bounded retries with exponential backoff and full jitter on throttling, 5xx,
//! connection failures and timeouts; credentials AWS calls expired are renewed once. Its calls,
//! attempts and timeouts are counted like the SDK clients' ([`CallCounter`]). Errors carry the
//! service's error code and never its message, which can quote keys and values.

pub mod credentials;
pub mod sigv4;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, TlsContext, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_types::SdkConfig;
use aws_types::service_config::ServiceConfigKey;
use http_body_util::{BodyExt, Limited};
use thiserror::Error;

use self::credentials::{CredentialCache, CredentialsError};
use self::sigv4::{Secret, Signer, SigningInput};
use super::{AwsContext, CallBudget, CallCounter, Service};

/// The largest answer read (a DynamoDB page holds at most 1 MB of items; its JSON is larger).
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
const USER_AGENT: &str = concat!("lambda-mcp/", env!("CARGO_PKG_VERSION"));

/// Why a call failed. The text is logged: it holds an error code or a kind, never a message from
/// the service or the SDK.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallError {
    /// The service answered with an error (its code, e.g. `ThrottlingException`).
    #[error("{code}")]
    Service { code: String, status: u16 },
    #[error("timed out")]
    Timeout,
    #[error("connection failed")]
    Connection,
    #[error("unreadable response")]
    Response,
    #[error("{0}")]
    Credentials(CredentialsError),
    /// No endpoint: no region, or settings the endpoint rules refuse.
    #[error("the endpoint could not be resolved")]
    Endpoint,
    /// A header the request needs is not valid HTTP (a session token with a line break).
    #[error("request could not be built")]
    Request,
}

impl CallError {
    /// True for a failure that another attempt may not meet: throttling, a 5xx, a dropped
    /// connection, a timeout, a credentials provider that failed.
    pub fn is_transient(&self) -> bool {
        match self {
            CallError::Service { code, status } => *status >= 500 || transient_code(code),
            CallError::Timeout | CallError::Connection | CallError::Response => true,
            CallError::Credentials(e) => *e == CredentialsError::ProviderFailed,
            CallError::Endpoint | CallError::Request => false,
        }
    }
}

fn transient_code(code: &str) -> bool {
    code.contains("Throttl")
        || matches!(
            code,
            "ProvisionedThroughputExceededException"
                | "RequestLimitExceeded"
                | "InternalServerError"
                | "ServiceUnavailable"
                | "TransactionInProgressException"
        )
}

/// Codes after which fresh credentials are worth one more attempt.
fn credentials_rejected(code: &str) -> bool {
    matches!(code, "ExpiredTokenException" | "ExpiredToken" | "UnrecognizedClientException")
}

/// The error code of a failed call: the `x-amzn-errortype` header or the body's `__type`
/// (`com.amazonaws.dynamodb.v20120810#ThrottlingException`), reduced to the name after `#` and
/// before `:`, letters and digits only, at most 64 of them.
fn error_code(header: Option<&str>, body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(rename = "__type", default)]
        kind: Option<String>,
    }
    let from_body = || serde_json::from_slice::<ErrorBody>(body).ok().and_then(|b| b.kind);
    let raw = header.map(str::to_owned).filter(|h| !h.trim().is_empty()).or_else(from_body).unwrap_or_default();
    let name = raw.split(':').next().unwrap_or_default();
    let name = name.rsplit('#').next().unwrap_or_default();
    let code: String = name.chars().filter(char::is_ascii_alphanumeric).take(64).collect();
    if code.is_empty() { "unknown".into() } else { code }
}

/// `x-amz-date` for `time`: `20261201T180000Z`.
fn amz_date(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let iso = DateTime::from_secs(secs as i64).fmt(DateTimeFormat::DateTime).unwrap_or_default();
    iso.chars().filter(|c| *c != '-' && *c != ':').collect()
}

/// What one service is to this client.
#[derive(Debug, Clone, Copy)]
pub struct JsonService {
    /// SigV4's service name.
    pub signing_name: &'static str,
    /// `x-amz-target` is `<prefix>.<Operation>`.
    pub target_prefix: &'static str,
    /// The `AWS_ENDPOINT_URL_<ID>` / profile `services` id.
    pub service_id: &'static str,
    pub service: Service,
    pub budget: CallBudget,
}

/// DynamoDB.
pub const DYNAMODB: JsonService = JsonService {
    signing_name: "dynamodb",
    target_prefix: "DynamoDB_20120810",
    service_id: "DynamoDB",
    service: Service::DynamoDb,
    budget: CallBudget::DYNAMODB,
};

/// A signed-call client for one service, built once per execution environment.
pub struct JsonClient {
    service: JsonService,
    url: String,
    host: String,
    path: String,
    signer: Signer,
    credentials: CredentialCache,
    connector: Connector,
    counter: CallCounter,
}

impl std::fmt::Debug for JsonClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonClient").field("url", &self.url).field("signer", &self.signer).finish_non_exhaustive()
    }
}

/// The endpoint URL a setting names for `service`, as the SDK's clients read it: a URL set in
/// code wins; else `AWS_ENDPOINT_URL_<SERVICE>` or the profile's service section; else
/// `AWS_ENDPOINT_URL`.
fn configured_endpoint(sdk: &SdkConfig, service_id: &str) -> Option<String> {
    if sdk.get_origin("endpoint_url").is_client_config() {
        return sdk.endpoint_url().map(str::to_owned);
    }
    let key =
        ServiceConfigKey::builder().service_id(service_id).env("AWS_ENDPOINT_URL").profile("endpoint_url").build();
    key.ok()
        .and_then(|key| sdk.service_config().and_then(|config| config.load_config(key)))
        .or_else(|| sdk.endpoint_url().map(str::to_owned))
}

impl JsonClient {
    /// A client for `service` with the context's SDK configuration: region, endpoint settings,
    /// credentials chain and trusted roots. Fails only when no endpoint can be resolved.
    pub async fn new(aws: &AwsContext, service: JsonService) -> Result<JsonClient, CallError> {
        let sdk = aws.sdk_config().await;
        let region = sdk.region().map(|r| r.as_ref().to_owned()).ok_or(CallError::Endpoint)?;
        let params = Params::builder()
            .region(region.clone())
            .use_fips(sdk.use_fips().unwrap_or(false))
            .use_dual_stack(sdk.use_dual_stack().unwrap_or(false))
            .set_endpoint(configured_endpoint(sdk, service.service_id))
            .set_account_id_endpoint_mode(sdk.account_id_endpoint_mode().map(|m| m.to_string()))
            .build()
            .map_err(|_| CallError::Endpoint)?;
        let endpoint = DefaultResolver::new().resolve_endpoint(&params).await.map_err(|_| CallError::Endpoint)?;
        let uri: lambda_http::http::Uri = endpoint.url().parse().map_err(|_| CallError::Endpoint)?;
        let host = uri.authority().map(|a| a.as_str().to_owned()).ok_or(CallError::Endpoint)?;
        let path = match uri.path() {
            "" => "/".to_owned(),
            path => path.to_owned(),
        };
        let settings = HttpConnectorSettings::builder().connect_timeout(service.budget.connect).build();
        let builder =
            Connector::builder().connector_settings(settings).tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        let connector = match TlsContext::builder().with_trust_store(aws.tls_roots().trust_store()).build() {
            Ok(context) => builder.tls_context(context).build(),
            // Cannot fail today (see super::tls); the builder's default context still works.
            Err(_) => builder.build(),
        };
        Ok(JsonClient {
            service,
            url: format!("{}://{host}{path}", uri.scheme_str().unwrap_or("https")),
            host,
            path,
            signer: Signer::new(region, service.signing_name),
            credentials: CredentialCache::new(sdk.credentials_provider()),
            connector,
            counter: aws.call_counter(service.service),
        })
    }

    /// Calls `operation` with a JSON `body` and returns the answer's body (HTTP 200 only), within
    /// the service's call budget.
    pub async fn call(&self, operation: &str, body: Vec<u8>) -> Result<Vec<u8>, CallError> {
        self.counter.count_call();
        match tokio::time::timeout(self.service.budget.operation, self.attempts(operation, &body)).await {
            Ok(result) => result,
            Err(_) => {
                self.counter.count_timeout();
                Err(CallError::Timeout)
            }
        }
    }

    async fn attempts(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>, CallError> {
        let budget = self.service.budget;
        let mut attempt = 0;
        let mut renewed = false;
        loop {
            attempt += 1;
            self.counter.count_attempt();
            let result = match tokio::time::timeout(budget.attempt, self.attempt(operation, body)).await {
                Ok(result) => result,
                Err(_) => Err(CallError::Timeout),
            };
            let error = match result {
                Ok(answer) => return Ok(answer),
                Err(error) => error,
            };
            if error == CallError::Timeout {
                self.counter.count_timeout();
            }
            match &error {
                CallError::Service { code, .. } if !renewed && credentials_rejected(code) => {
                    renewed = true;
                    self.credentials.forget().await;
                }
                e if e.is_transient() && attempt < budget.max_attempts => {
                    tokio::time::sleep(backoff(budget, attempt)).await;
                }
                _ => return Err(error),
            }
        }
    }

    async fn attempt(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>, CallError> {
        let credentials = self.credentials.get().await.map_err(CallError::Credentials)?;
        let amz_date = amz_date(SystemTime::now());
        let target = format!("{}.{operation}", self.service.target_prefix);
        let secret = Secret {
            access_key_id: credentials.access_key_id(),
            secret_access_key: credentials.secret_access_key(),
            session_token: credentials.session_token(),
        };
        let input = SigningInput {
            host: &self.host,
            path: &self.path,
            amz_date: &amz_date,
            target: &target,
            content_type: CONTENT_TYPE,
            body,
        };
        let authorization = self.signer.authorization(&input, &secret);
        let mut request = Request::get(&self.url).map_err(|_| CallError::Request)?;
        request.set_method("POST").map_err(|_| CallError::Request)?;
        let headers = request.headers_mut();
        let mut put = |name: &'static str, value: String| {
            headers.try_insert(name, value).map(|_| ()).map_err(|_| CallError::Request)
        };
        put("host", self.host.clone())?;
        put("content-type", CONTENT_TYPE.to_owned())?;
        put("x-amz-date", amz_date)?;
        put("x-amz-target", target)?;
        if let Some(token) = credentials.session_token() {
            put("x-amz-security-token", token.to_owned())?;
        }
        put("authorization", authorization)?;
        put("user-agent", USER_AGENT.to_owned())?;
        *request.body_mut() = body.to_vec().into();

        let response = self
            .connector
            .call(request)
            .await
            .map_err(|error| if error.is_timeout() { CallError::Timeout } else { CallError::Connection })?;
        let status = response.status().as_u16();
        let error_type = response.headers().get("x-amzn-errortype").map(str::to_owned);
        let answer = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|_| CallError::Response)?
            .to_bytes();
        if status == 200 {
            return Ok(Vec::from(answer));
        }
        Err(CallError::Service { code: error_code(error_type.as_deref(), &answer), status })
    }
}

/// The wait before attempt `attempt + 1`: full jitter over an exponential bound, capped at 1 s
/// (the SDK's standard retry mode with the budget's initial backoff).
fn backoff(budget: CallBudget, attempt: u32) -> Duration {
    let bound = budget.initial_backoff.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    let bound = bound.min(Duration::from_secs(1));
    let mut random = [0u8; 4];
    if aws_lc_rs::rand::fill(&mut random).is_err() {
        return bound / 2;
    }
    bound.mul_f64(f64::from(u32::from_le_bytes(random)) / f64::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_come_from_the_header_or_the_body_and_carry_no_message() {
        assert_eq!(
            error_code(
                Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
                b""
            ),
            "ThrottlingException"
        );
        let body = br#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found: Table: orders"}"#;
        assert_eq!(error_code(None, body), "ResourceNotFoundException");
        assert_eq!(error_code(Some(" "), body), "ResourceNotFoundException");
        assert_eq!(error_code(None, b"<html>Bad Gateway</html>"), "unknown");
        assert_eq!(error_code(Some("Bad\r\nCode <script>"), b""), "BadCodescript");
    }

    #[test]
    fn throttling_server_errors_and_broken_connections_are_transient_rejections_are_not() {
        let service = |code: &str, status| CallError::Service { code: code.into(), status };
        assert!(service("ThrottlingException", 400).is_transient());
        assert!(service("ProvisionedThroughputExceededException", 400).is_transient());
        assert!(service("unknown", 503).is_transient());
        assert!(!service("ValidationException", 400).is_transient());
        assert!(!service("AccessDeniedException", 400).is_transient());
        assert!(!service("ConditionalCheckFailedException", 400).is_transient());
        assert!(CallError::Timeout.is_transient() && CallError::Connection.is_transient());
        assert!(!CallError::Endpoint.is_transient());
        assert!(!CallError::Credentials(CredentialsError::NoProvider).is_transient());
    }

    #[test]
    fn backoff_grows_from_the_initial_wait_and_never_passes_a_second() {
        let budget = CallBudget::DYNAMODB;
        for attempt in 1..20 {
            let wait = backoff(budget, attempt);
            let bound = (budget.initial_backoff * (1 << (attempt - 1).min(10))).min(Duration::from_secs(1));
            assert!(wait <= bound, "attempt {attempt}: {wait:?} > {bound:?}");
        }
    }

    #[test]
    fn the_date_header_is_the_compact_iso_form() {
        assert_eq!(amz_date(UNIX_EPOCH + Duration::from_secs(1_796_148_000)), "20261201T180000Z");
    }

    #[tokio::test]
    async fn the_endpoint_follows_the_region_and_an_explicit_url() {
        let context = |endpoint: Option<&str>| {
            AwsContext::new(super::super::AwsSettings {
                endpoint_url: endpoint.map(str::to_owned),
                region: Some("eu-west-1".into()),
                static_credentials: Some(("AK".into(), "SK".into())),
                ..Default::default()
            })
        };
        let client = JsonClient::new(&context(None), DYNAMODB).await.unwrap();
        assert_eq!(client.url, "https://dynamodb.eu-west-1.amazonaws.com/");
        assert_eq!(client.host, "dynamodb.eu-west-1.amazonaws.com");
        let client = JsonClient::new(&context(Some("http://127.0.0.1:8000")), DYNAMODB).await.unwrap();
        assert_eq!((client.url.as_str(), client.host.as_str()), ("http://127.0.0.1:8000/", "127.0.0.1:8000"));
    }
}
