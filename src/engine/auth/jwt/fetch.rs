//! Reading a small JSON document over HTTPS (the JWK Set, the issuer's metadata) with the HTTP
//! client stack the AWS SDK already links (hyper, rustls, aws-lc), a size cap and a deadline.
//! Plain HTTP is allowed only to a loopback host (local authorization servers in tests and
//! `scripts/dev`).
//!
//! Which roots a fetch trusts depends on the host, and each set is loaded only when first needed:
//! an AWS host (Cognito's `cognito-idp.<region>.amazonaws.com`) gets Amazon Trust Services' five
//! compiled-in roots, as the AWS clients do (`MCP_TLS_ROOTS`, docs/deploy.md); any other issuer
//! the operating system's store (parsing it costs about 15M instructions, once); plain HTTP to
//! loopback no roots at all.

use std::sync::OnceLock;
use std::time::Duration;

use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::http::Request;
use http_body_util::{BodyExt, Limited};
use thiserror::Error;

use crate::engine::aws::TlsRoots;
use crate::engine::config::acceptable_url;

/// The largest document read.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Why a document could not be read. Logged; never shown to a client.
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("`{0}` is not an https:// URL (http:// is allowed only for loopback hosts)")]
    InsecureUrl(String),
    #[error("could not reach `{url}`: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("`{url}` took longer than {after:?}")]
    Timeout { url: String, after: Duration },
    #[error("`{url}` answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("`{url}` sent more than {MAX_DOCUMENT_BYTES} bytes, or its body broke off")]
    Body { url: String },
}

/// An HTTPS client for documents an authorization server publishes. An issuer on an AWS host is
/// trusted through the same roots as the AWS clients; any other through the operating system's
/// roots: the issuer is the operator's choice, not necessarily an AWS service.
#[derive(Debug)]
pub struct DocumentClient {
    deadline: Duration,
    aws_roots: TlsRoots,
    /// One connector per kind of URL, each built on its first use.
    plain: OnceLock<Connector>,
    aws: OnceLock<Connector>,
    system: OnceLock<Connector>,
}

/// What a URL's connection must trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// `http://` to loopback: no certificate is checked, so no roots are loaded.
    Plain,
    /// An AWS host: the AWS clients' roots (`MCP_TLS_ROOTS`).
    Aws,
    /// Any other host: the operating system's roots.
    System,
}

fn trust_for(uri: &lambda_http::http::Uri) -> Trust {
    let host = uri.host().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
    if uri.scheme_str() != Some("https") {
        Trust::Plain
    } else if host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn") {
        Trust::Aws
    } else {
        Trust::System
    }
}

fn connector(store: TrustStore) -> Connector {
    let builder = Connector::builder().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
    match TlsContext::builder().with_trust_store(store).build() {
        Ok(context) => builder.tls_context(context).build(),
        // Building a context from a trust store cannot fail today; the builder's own default
        // context (the system's roots) is still a working client.
        Err(_) => builder.build(),
    }
}

impl DocumentClient {
    /// A client whose every fetch (connect, TLS, request, body) finishes within `deadline`, and
    /// which trusts `aws_roots` for AWS hosts. Loads no roots yet.
    pub fn new(deadline: Duration, aws_roots: TlsRoots) -> Self {
        DocumentClient { deadline, aws_roots, plain: OnceLock::new(), aws: OnceLock::new(), system: OnceLock::new() }
    }

    fn connector(&self, trust: Trust) -> &Connector {
        match trust {
            Trust::Plain => self.plain.get_or_init(|| connector(TrustStore::empty())),
            Trust::Aws => self.aws.get_or_init(|| connector(self.aws_roots.trust_store())),
            Trust::System => self.system.get_or_init(|| connector(TlsRoots::System.trust_store())),
        }
    }

    /// GETs `url` and returns its body (200 only, at most [`MAX_DOCUMENT_BYTES`]).
    pub async fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        if !acceptable_url(url) {
            return Err(FetchError::InsecureUrl(url.to_owned()));
        }
        match tokio::time::timeout(self.deadline, self.fetch(url)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout { url: url.to_owned(), after: self.deadline }),
        }
    }

    async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let unreachable = |reason: String| FetchError::Unreachable { url: url.to_owned(), reason };
        let uri = url.parse::<lambda_http::http::Uri>().map_err(|e| unreachable(e.to_string()))?;
        let connector = self.connector(trust_for(&uri));
        let mut request = Request::get(url).map_err(|e| unreachable(e.to_string()))?;
        request.headers_mut().insert("accept", "application/json");
        let response = connector.call(request).await.map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status { url: url.to_owned(), status });
        }
        let body = Limited::new(response.into_body(), MAX_DOCUMENT_BYTES);
        let collected = body.collect().await.map_err(|_| FetchError::Body { url: url.to_owned() })?;
        Ok(collected.to_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_hosts_get_the_aws_roots_other_https_hosts_the_system_and_loopback_http_none() {
        let trust = |url: &str| trust_for(&url.parse().unwrap());
        for aws in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json",
            "https://COGNITO-IDP.us-east-1.AMAZONAWS.COM./pool/.well-known/openid-configuration",
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/pool/.well-known/jwks.json",
        ] {
            assert_eq!(trust(aws), Trust::Aws, "{aws}");
        }
        for system in [
            "https://issuer.example.com/.well-known/jwks.json",
            "https://amazonaws.com.evil.example/jwks",
            "https://evilamazonaws.com/jwks",
            "https://127.0.0.1:8443/jwks",
        ] {
            assert_eq!(trust(system), Trust::System, "{system}");
        }
        assert_eq!(trust("http://127.0.0.1:4444/jwks"), Trust::Plain);
    }
}
