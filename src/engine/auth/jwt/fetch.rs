//! Reading a small JSON document over HTTPS (the JWK Set, the issuer's metadata) with the HTTP
//! client stack the AWS SDK already links (hyper, rustls, aws-lc), a size cap and a deadline.
//! Plain HTTP is allowed only to a loopback host (local authorization servers in tests and
//! `scripts/dev`).

use std::time::Duration;

use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::http::Request;
use http_body_util::{BodyExt, Limited};
use thiserror::Error;

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

/// True for `https://...`, and for `http://` to `localhost`, `127.0.0.1` or `[::1]`.
pub fn acceptable_url(url: &str) -> bool {
    let Ok(uri) = url.parse::<lambda_http::http::Uri>() else { return false };
    match (uri.scheme_str(), uri.host()) {
        (Some("https"), Some(_)) => true,
        (Some("http"), Some(host)) => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "::1"
        }
        _ => false,
    }
}

/// An HTTPS client for documents an authorization server publishes. It trusts the operating
/// system's roots: the issuer is the operator's choice, not necessarily an AWS service.
#[derive(Debug)]
pub struct DocumentClient {
    connector: Connector,
    deadline: Duration,
}

impl DocumentClient {
    /// A client whose every fetch (connect, TLS, request, body) finishes within `deadline`.
    pub fn new(deadline: Duration) -> Self {
        let builder = Connector::builder().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        let connector = match TlsContext::builder().with_trust_store(TrustStore::default()).build() {
            Ok(context) => builder.tls_context(context).build(),
            // Building a context from the default trust store cannot fail today; the builder's
            // own default context is the same trust store.
            Err(_) => builder.build(),
        };
        DocumentClient { connector, deadline }
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
        let mut request = Request::get(url).map_err(|e| unreachable(e.to_string()))?;
        request.headers_mut().insert("accept", "application/json");
        let response = self.connector.call(request).await.map_err(|e| unreachable(e.to_string()))?;
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
    fn only_https_or_loopback_http_is_acceptable() {
        for ok in [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json",
            "http://127.0.0.1:4444/jwks",
            "http://localhost:9000/jwks",
            "http://[::1]:8080/jwks",
        ] {
            assert!(acceptable_url(ok), "{ok}");
        }
        for bad in ["http://issuer.example.com/jwks", "ftp://x/y", "/jwks", "", "http://127.0.0.1.evil.com/jwks"] {
            assert!(!acceptable_url(bad), "{bad}");
        }
    }
}
