//! Authentication settings: which modes a deployment accepts (`MCP_AUTH`, several at once) and
//! what each needs. `header`: an API key in a header or as a bearer token; `url`: an API key in the
//! path (`{MCP_PATH}/{key}`); both read the keys from one Secrets Manager secret. `oauth`: OAuth
//! 2.1 access tokens (JWTs) from one issuer, for this server's resource. `off`: none.

use std::time::Duration;

use super::{ConfigError, lambda_env, whole};

/// Default header carrying the API key.
pub const DEFAULT_API_KEY_HEADER: &str = "x-api-key";

/// How callers are authenticated: a request is let through by any enabled mode; with none
/// enabled, authentication is off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthSettings {
    /// API keys kept in Secrets Manager (the `header` and `url` modes).
    pub keys: Option<KeySettings>,
    /// OAuth 2.1 access tokens (the `oauth` mode).
    pub oauth: Option<OAuthSettings>,
}

/// Settings of API key authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySettings {
    /// Name or ARN of the Secrets Manager secret holding the key(s).
    pub secret_id: String,
    /// Lower-case name of the header carrying a key (`Authorization: Bearer` is accepted too);
    /// `None` when keys are not accepted in headers (`url` mode alone).
    pub header: Option<String>,
    /// Keys are accepted in the URL path, `{MCP_PATH}/{key}`.
    pub in_url: bool,
    /// How long fetched keys are trusted before they are fetched again.
    pub cache_ttl: Duration,
    /// The shortest time between two fetches triggered by an unknown key.
    pub refresh_interval: Duration,
    /// How long after a rotation the previous key (`AWSPREVIOUS`) is still accepted; zero: never.
    pub rotation_window: Duration,
}

/// Settings of OAuth 2.1 resource-server authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthSettings {
    /// The canonical URL of this MCP endpoint (`MCP_RESOURCE_URL`): the RFC 9728 `resource`, and
    /// the audience tokens must name. Ends with `MCP_PATH`.
    pub resource: String,
    /// The authorization server's issuer identifier (`MCP_OAUTH_ISSUER`), the exact `iss`.
    pub issuer: String,
    /// `aud` values accepted (`MCP_OAUTH_AUDIENCE`, comma-separated; the resource by default).
    pub audiences: Vec<String>,
    /// Clients whose tokens are accepted without an `aud` (`MCP_OAUTH_CLIENT_IDS`: Cognito app
    /// clients, whose access tokens carry none).
    pub client_ids: Vec<String>,
    /// Prefix of the scopes granted here (`MCP_OAUTH_SCOPE_PREFIX`: Cognito's
    /// `<resource server identifier>/`); empty by default.
    pub scope_prefix: String,
    /// The issuer's JWK Set (`MCP_OAUTH_JWKS_URL`); discovered from its metadata when `None`.
    pub jwks_url: Option<String>,
    /// Clock skew tolerated on `exp` and `nbf` (`MCP_OAUTH_LEEWAY_SECONDS`, 30).
    pub leeway: Duration,
    /// How long the issuer's keys are used before they are fetched again
    /// (`MCP_OAUTH_JWKS_CACHE_TTL_SECONDS`, 3600).
    pub jwks_cache_ttl: Duration,
    /// The shortest time between two fetches of the keys, for an unknown `kid` or after a failure
    /// (`MCP_OAUTH_JWKS_REFRESH_INTERVAL_SECONDS`, 30).
    pub jwks_refresh_interval: Duration,
    /// Which scopes a 401 asks a client to request (`MCP_OAUTH_CHALLENGE_SCOPES`).
    pub challenge_scopes: ChallengeScopes,
    /// The claim of an access token whose string value reaches the tools as
    /// `Caller::identity_claim` (`email`, say); `None` (the default): none. Not read from the
    /// environment here: the product that needs one sets it (the order desk, from its trust
    /// model's settings).
    pub identity_claim: Option<String>,
}

/// The scopes a 401's challenge names; clients request what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChallengeScopes {
    /// Every scope (`all`, the default): one consent covers every tool, for clients that do not
    /// follow a 403 `insufficient_scope` challenge.
    #[default]
    All,
    /// The read-only tools' scopes (`read`): least privilege first; a client steps up when it
    /// calls a tool that needs more.
    Read,
}

impl AuthSettings {
    /// Authentication off.
    pub fn off() -> Self {
        AuthSettings::default()
    }

    /// True when no mode is enabled.
    pub fn is_off(&self) -> bool {
        self.keys.is_none() && self.oauth.is_none()
    }

    /// Reads `MCP_AUTH` and the settings of the modes it names.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>, mcp_path: &str) -> Result<Self, ConfigError> {
        let raw = get("MCP_AUTH").unwrap_or_else(|| "header".into()).to_ascii_lowercase();
        let modes: Vec<&str> = raw.split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
        let invalid = |reason: String| ConfigError::Invalid { name: "MCP_AUTH", reason };
        if let Some(other) = modes.iter().find(|m| !matches!(**m, "header" | "url" | "oauth" | "off")) {
            return Err(invalid(format!(
                "expected `header`, `url`, `oauth` (comma-separated) or `off`, got `{other}`"
            )));
        }
        if modes.contains(&"off") {
            if modes.len() > 1 {
                return Err(invalid("`off` stands alone".into()));
            }
            lambda_env::allow_auth_off(get)?;
            return Ok(AuthSettings::off());
        }
        let (header, in_url) = (modes.contains(&"header"), modes.contains(&"url"));
        let keys = if header || in_url { Some(KeySettings::from_lookup(get, header, in_url)?) } else { None };
        let oauth = if modes.contains(&"oauth") { Some(OAuthSettings::from_lookup(get, mcp_path)?) } else { None };
        Ok(AuthSettings { keys, oauth })
    }
}

impl KeySettings {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>, header: bool, in_url: bool) -> Result<Self, ConfigError> {
        let header_name = get("MCP_API_KEY_HEADER").unwrap_or_else(|| DEFAULT_API_KEY_HEADER.into());
        Ok(KeySettings {
            secret_id: get("MCP_API_KEY_SECRET_ID").ok_or(ConfigError::Missing("MCP_API_KEY_SECRET_ID"))?,
            header: header.then(|| header_name.trim().to_ascii_lowercase()),
            in_url,
            cache_ttl: seconds(get, "MCP_KEY_CACHE_TTL_SECONDS")?,
            refresh_interval: seconds(get, "MCP_KEY_REFRESH_INTERVAL_SECONDS")?,
            rotation_window: seconds(get, "MCP_KEY_ROTATION_WINDOW_SECONDS")?,
        })
    }
}

impl OAuthSettings {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>, mcp_path: &str) -> Result<Self, ConfigError> {
        let url = |name: &'static str| -> Result<String, ConfigError> {
            let value = get(name).ok_or(ConfigError::Missing(name))?.trim().trim_end_matches('/').to_owned();
            if acceptable_url(&value) {
                Ok(value)
            } else {
                Err(ConfigError::Invalid {
                    name,
                    reason: "expected an https:// URL (http:// only for loopback)".into(),
                })
            }
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',').map(|s| s.trim().trim_end_matches('/').to_owned()).filter(|s| !s.is_empty()).collect()
                })
                .unwrap_or_default()
        };
        let resource = url("MCP_RESOURCE_URL")?;
        if !resource.ends_with(mcp_path) {
            let reason = format!("the endpoint's URL must end with MCP_PATH (`{mcp_path}`)");
            return Err(ConfigError::Invalid { name: "MCP_RESOURCE_URL", reason });
        }
        let audiences = match list("MCP_OAUTH_AUDIENCE") {
            list if list.is_empty() => vec![resource.clone()],
            list => list,
        };
        Ok(OAuthSettings {
            issuer: url("MCP_OAUTH_ISSUER")?,
            jwks_url: if get("MCP_OAUTH_JWKS_URL").is_some() { Some(url("MCP_OAUTH_JWKS_URL")?) } else { None },
            resource,
            audiences,
            client_ids: list("MCP_OAUTH_CLIENT_IDS"),
            scope_prefix: get("MCP_OAUTH_SCOPE_PREFIX").map(|p| p.trim().to_owned()).unwrap_or_default(),
            leeway: seconds(get, "MCP_OAUTH_LEEWAY_SECONDS")?,
            jwks_cache_ttl: seconds(get, "MCP_OAUTH_JWKS_CACHE_TTL_SECONDS")?,
            jwks_refresh_interval: seconds(get, "MCP_OAUTH_JWKS_REFRESH_INTERVAL_SECONDS")?,
            challenge_scopes: match get("MCP_OAUTH_CHALLENGE_SCOPES").map(|v| v.trim().to_ascii_lowercase()).as_deref()
            {
                None | Some("all") => ChallengeScopes::All,
                Some("read") => ChallengeScopes::Read,
                Some(other) => {
                    let reason = format!("expected `all` or `read`, got `{other}`");
                    return Err(ConfigError::Invalid { name: "MCP_OAUTH_CHALLENGE_SCOPES", reason });
                }
            },
            identity_claim: None,
        })
    }
}

/// A whole number of seconds within its LIMITS row.
fn seconds(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<Duration, ConfigError> {
    whole(get, name).map(Duration::from_secs)
}

/// Where the OAuth documents may be read from (the issuer, its metadata, the JWK Set): true for
/// `https://...`, and for plain `http://` only to `localhost`, `127.0.0.1` or `[::1]` (local
/// authorization servers).
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn auth(pairs: &[(&str, &str)]) -> Result<AuthSettings, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        AuthSettings::from_lookup(&|k: &str| map.get(k).cloned().filter(|v| !v.trim().is_empty()), "/mcp")
    }

    const OAUTH: [(&str, &str); 2] =
        [("MCP_OAUTH_ISSUER", "https://issuer.example.com"), ("MCP_RESOURCE_URL", "https://api.example.com/mcp/")];

    #[test]
    fn several_modes_may_be_enabled_at_once() {
        let mut pairs = vec![("MCP_AUTH", "header, url,oauth"), ("MCP_API_KEY_SECRET_ID", "s")];
        pairs.extend(OAUTH);
        let a = auth(&pairs).unwrap();
        let keys = a.keys.unwrap();
        assert_eq!((keys.header.as_deref(), keys.in_url), (Some("x-api-key"), true));
        let oauth = a.oauth.unwrap();
        assert_eq!(oauth.resource, "https://api.example.com/mcp");
        assert_eq!(oauth.audiences, vec!["https://api.example.com/mcp"], "the resource is the default audience");
        assert_eq!((oauth.jwks_url, oauth.leeway), (None, Duration::from_secs(30)));
        assert_eq!(oauth.challenge_scopes, ChallengeScopes::All);
    }

    #[test]
    fn url_mode_alone_accepts_no_header() {
        let keys = auth(&[("MCP_AUTH", "url"), ("MCP_API_KEY_SECRET_ID", "s")]).unwrap().keys.unwrap();
        assert_eq!((keys.header, keys.in_url), (None, true));
    }

    #[test]
    fn oauth_alone_needs_no_secret_but_an_issuer_and_the_endpoint_url() {
        let a = auth(&[("MCP_AUTH", "oauth"), OAUTH[0], OAUTH[1]]).unwrap();
        assert!(a.keys.is_none() && a.oauth.is_some());
        assert_eq!(auth(&[("MCP_AUTH", "oauth"), OAUTH[1]]), Err(ConfigError::Missing("MCP_OAUTH_ISSUER")));
        assert_eq!(auth(&[("MCP_AUTH", "oauth"), OAUTH[0]]), Err(ConfigError::Missing("MCP_RESOURCE_URL")));
    }

    #[test]
    fn bad_modes_and_urls_are_refused() {
        for bad in ["none", "header,off", "basic"] {
            assert!(matches!(auth(&[("MCP_AUTH", bad)]), Err(ConfigError::Invalid { name: "MCP_AUTH", .. })), "{bad}");
        }
        let plain = auth(&[("MCP_AUTH", "oauth"), ("MCP_OAUTH_ISSUER", "http://issuer.example.com"), OAUTH[1]]);
        assert!(matches!(plain, Err(ConfigError::Invalid { name: "MCP_OAUTH_ISSUER", .. })));
        let elsewhere = auth(&[("MCP_AUTH", "oauth"), OAUTH[0], ("MCP_RESOURCE_URL", "https://api.example.com/x")]);
        assert!(matches!(elsewhere, Err(ConfigError::Invalid { name: "MCP_RESOURCE_URL", .. })));
        assert!(auth(&[("MCP_AUTH", "off")]).unwrap().is_off());
        let odd = auth(&[("MCP_AUTH", "oauth"), OAUTH[0], OAUTH[1], ("MCP_OAUTH_CHALLENGE_SCOPES", "some")]);
        assert!(matches!(odd, Err(ConfigError::Invalid { name: "MCP_OAUTH_CHALLENGE_SCOPES", .. })));
    }

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
