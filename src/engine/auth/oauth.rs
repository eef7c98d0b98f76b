//! This server as an OAuth 2.1 resource server (the MCP authorization spec, 2025-06-18 onwards):
//! access tokens verified for this resource, the caller they establish, the RFC 9728 protected
//! resource metadata, and the `WWW-Authenticate` challenges that lead a client to it.

use std::time::Duration;

use serde_json::{Value, json};

use super::caller::{Caller, IdentityClaim, Scopes, Via};
use super::jwt::{ClaimRules, KeyCacheTiming, KeysLocation, TokenError, TokenVerifier};
use crate::engine::aws::TlsRoots;
use crate::engine::config::{ChallengeScopes, OAuthSettings};

/// Where RFC 9728 metadata lives, before the resource's path.
pub const METADATA_PREFIX: &str = "/.well-known/oauth-protected-resource";

/// The deadline of one fetch of the issuer's keys or metadata.
const FETCH_DEADLINE: Duration = Duration::from_secs(3);

/// The resource server.
#[derive(Debug)]
pub struct ResourceServer {
    settings: OAuthSettings,
    mcp_path: String,
    verifier: TokenVerifier,
}

impl ResourceServer {
    /// A resource server for `settings`, serving MCP at `mcp_path`; fetches nothing yet.
    /// Its key fetches trust `aws_roots` when the issuer is on an AWS host (Cognito).
    pub fn new(settings: OAuthSettings, mcp_path: &str, aws_roots: TlsRoots) -> Self {
        let rules = ClaimRules {
            issuer: settings.issuer.clone(),
            audiences: settings.audiences.clone(),
            client_ids: settings.client_ids.clone(),
            scope_prefix: settings.scope_prefix.clone(),
            leeway: settings.leeway,
            identity_claim: settings.identity_claim.clone(),
        };
        let location = match &settings.jwks_url {
            Some(url) => KeysLocation::Url(url.clone()),
            None => KeysLocation::Discover { issuer: settings.issuer.clone() },
        };
        let timing = KeyCacheTiming {
            ttl: settings.jwks_cache_ttl,
            refresh_interval: settings.jwks_refresh_interval,
            fetch_deadline: FETCH_DEADLINE,
        };
        let verifier = TokenVerifier::new(rules, location, timing).with_aws_roots(aws_roots);
        ResourceServer { verifier, settings, mcp_path: mcp_path.into() }
    }

    /// The caller an access token establishes, with the value of the configured identity claim
    /// when the token carries one.
    pub async fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let claims = self.verifier.verify(token).await?;
        let id = claims.subject.clone().or_else(|| claims.client_id.clone()).unwrap_or_else(|| "unknown".into());
        Ok(Caller {
            id,
            client: claims.client_id,
            via: Via::OAuth,
            scopes: Scopes::Only(claims.scopes),
            identity_claim: claims.identity.map(IdentityClaim::new),
        })
    }

    /// True when tokens' identity claim is kept (`OAuthSettings::identity_claim`).
    pub fn keeps_identity_claim(&self) -> bool {
        self.settings.identity_claim.is_some()
    }

    /// The canonical URL of this MCP endpoint.
    pub fn resource(&self) -> &str {
        &self.settings.resource
    }

    /// The metadata's URL: the well-known prefix inserted where the MCP path starts, so it is
    /// routed to this function under any API Gateway stage or `cargo lambda watch` prefix.
    pub fn metadata_url(&self) -> String {
        let base = self.settings.resource.strip_suffix(&self.mcp_path).unwrap_or(&self.settings.resource);
        format!("{base}{METADATA_PREFIX}{}", self.mcp_path)
    }

    /// True when `path` (the function's routed path) is one of the metadata's two well-known
    /// places: path-suffixed for the MCP path, or bare.
    pub fn is_metadata_path(&self, path: &str) -> bool {
        path.strip_prefix(METADATA_PREFIX).is_some_and(|rest| rest.is_empty() || rest == self.mcp_path)
    }

    /// The scopes a 401 names, from every scope the tools need (`all`) and the read-only tools'
    /// (`read`).
    pub fn challenge_scopes<'s>(&self, all: Vec<&'s str>, read: Vec<&'s str>) -> Vec<&'s str> {
        match self.settings.challenge_scopes {
            ChallengeScopes::All => all,
            ChallengeScopes::Read => read,
        }
    }

    /// A scope as the authorization server names it (with the configured prefix).
    pub fn external_scope(&self, scope: &str) -> String {
        format!("{}{scope}", self.settings.scope_prefix)
    }

    /// The RFC 9728 document, listing `scopes` (this server's own names).
    pub fn metadata(&self, scopes: &[&str], resource_name: &str) -> Value {
        let scopes: Vec<String> = scopes.iter().map(|s| self.external_scope(s)).collect();
        json!({
            "resource": self.settings.resource,
            "authorization_servers": [self.settings.issuer],
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
            "resource_name": resource_name,
        })
    }

    /// A `WWW-Authenticate` value: `Bearer` with the metadata URL, the scopes to ask for (this
    /// server's names), and an RFC 6750 error when there is one.
    pub fn challenge(&self, error: Option<(&str, &str)>, scopes: &[&str]) -> String {
        let scope = scopes.iter().map(|s| self.external_scope(s)).collect::<Vec<_>>().join(" ");
        let mut value = String::from("Bearer");
        if let Some((code, description)) = error {
            value.push_str(&format!(" error=\"{code}\", error_description=\"{description}\","));
        }
        value.push_str(&format!(" resource_metadata=\"{}\"", self.metadata_url()));
        if !scope.is_empty() {
            value.push_str(&format!(", scope=\"{scope}\""));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(resource: &str, prefix: &str) -> ResourceServer {
        let settings = OAuthSettings {
            resource: resource.into(),
            issuer: "https://issuer.example.com".into(),
            audiences: vec![resource.into()],
            client_ids: vec![],
            scope_prefix: prefix.into(),
            jwks_url: None,
            leeway: Duration::from_secs(30),
            jwks_cache_ttl: Duration::from_secs(3600),
            jwks_refresh_interval: Duration::from_secs(30),
            challenge_scopes: ChallengeScopes::All,
            identity_claim: None,
        };
        ResourceServer::new(settings, "/mcp", TlsRoots::Amazon)
    }

    #[test]
    fn the_metadata_url_puts_the_well_known_prefix_before_the_mcp_path() {
        let deployed = server("https://abc.execute-api.eu-west-1.amazonaws.com/mcp", "");
        assert_eq!(
            deployed.metadata_url(),
            "https://abc.execute-api.eu-west-1.amazonaws.com/.well-known/oauth-protected-resource/mcp"
        );
        let local = server("http://127.0.0.1:9000/lambda-url/lambda-mcp/mcp", "");
        assert_eq!(
            local.metadata_url(),
            "http://127.0.0.1:9000/lambda-url/lambda-mcp/.well-known/oauth-protected-resource/mcp"
        );
        assert!(deployed.is_metadata_path("/.well-known/oauth-protected-resource"));
        assert!(deployed.is_metadata_path("/.well-known/oauth-protected-resource/mcp"));
        assert!(!deployed.is_metadata_path("/.well-known/oauth-protected-resource/other"));
    }

    #[test]
    fn challenges_and_metadata_name_scopes_as_the_authorization_server_does() {
        let cognito = server("https://api.example.com/mcp", "https://api.example.com/mcp/");
        let challenge = cognito.challenge(Some(("insufficient_scope", "x")), &["orders:cancel"]);
        assert_eq!(
            challenge,
            "Bearer error=\"insufficient_scope\", error_description=\"x\", \
             resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/mcp\", \
             scope=\"https://api.example.com/mcp/orders:cancel\""
        );
        let metadata = cognito.metadata(&["orders:read"], "Order desk");
        assert_eq!(metadata["scopes_supported"], json!(["https://api.example.com/mcp/orders:read"]));
        assert_eq!(metadata["authorization_servers"], json!(["https://issuer.example.com"]));
        assert_eq!(metadata["bearer_methods_supported"], json!(["header"]));
    }
}
