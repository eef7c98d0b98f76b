//! The claims of an access token checked against this server (OAuth 2.1 §5.2, RFC 9068, RFC 8707):
//! issuer, audience or (for Cognito, whose access tokens carry no `aud`) an allowed client, the
//! validity window with a small leeway, and the scopes granted here. When configured, the value
//! of one more string claim (the identity claim, `email` say) is kept for the product; it is
//! handed out only with the rest of the claims, that is only once the signature has verified.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::TokenError;

/// What a token must say to be accepted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRules {
    /// The exact `iss` value.
    pub issuer: String,
    /// `aud` values naming this server (compared as resource URIs).
    pub audiences: Vec<String>,
    /// Clients whose tokens are accepted without an `aud` (Cognito app clients made for this
    /// server). Empty: every token must carry one of [`ClaimRules::audiences`].
    pub client_ids: Vec<String>,
    /// Granted scopes are those starting with this prefix, without it (Cognito names custom
    /// scopes `<resource server identifier>/<scope>`). Empty: scopes are taken as they are.
    pub scope_prefix: String,
    /// Clock skew tolerated on `exp` and `nbf`.
    pub leeway: Duration,
    /// The claim whose string value is kept as [`TokenClaims::identity`]; `None`: none is kept.
    /// A claim `<name>` is not kept when the token says `<name>_verified` is false (OpenID
    /// Connect's `email_verified`, `phone_number_verified`).
    pub identity_claim: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn iter(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            OneOrMany::One(one) => Box::new(one.split_ascii_whitespace()),
            OneOrMany::Many(many) => Box::new(many.iter().map(String::as_str)),
        }
    }
}

/// The claims we read; others are ignored.
#[derive(Deserialize)]
struct RawClaims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    aud: Option<OneOrMany>,
    #[serde(default)]
    exp: Option<f64>,
    #[serde(default)]
    nbf: Option<f64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<OneOrMany>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    /// Cognito's `access` / `id`.
    #[serde(default)]
    token_use: Option<String>,
}

/// The facts an accepted token establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenClaims {
    /// `sub`: the user (or, for client credentials, often the client).
    pub subject: Option<String>,
    /// `client_id` (RFC 9068) or `azp`.
    pub client_id: Option<String>,
    /// The scopes granted on this server, without any configured prefix.
    pub scopes: Vec<String>,
    /// The value of [`ClaimRules::identity_claim`], when the token carries it as a non-empty string
    /// and does not say it is unverified.
    pub identity: Option<String>,
}

impl ClaimRules {
    /// Checks the (not yet signature-checked) `payload` at `now` (seconds since the epoch).
    pub fn check(&self, payload: &[u8], now: f64) -> Result<TokenClaims, TokenError> {
        let claims: RawClaims = serde_json::from_slice(payload).map_err(|_| TokenError::Malformed)?;
        let leeway = self.leeway.as_secs_f64();
        let exp = claims.exp.ok_or(TokenError::Malformed)?;
        if now > exp + leeway {
            return Err(TokenError::Expired);
        }
        if claims.nbf.is_some_and(|nbf| now + leeway < nbf) {
            return Err(TokenError::NotYetValid);
        }
        if claims.iss.as_deref() != Some(self.issuer.as_str()) {
            return Err(TokenError::WrongIssuer);
        }
        if claims.token_use.as_deref().is_some_and(|u| u != "access") {
            return Err(TokenError::NotAnAccessToken);
        }
        let client_id = claims.client_id.or(claims.azp);
        self.check_audience(claims.aud.as_ref(), client_id.as_deref())?;
        let granted = claims.scope.map(OneOrMany::One).or(claims.scp);
        let scopes = granted
            .iter()
            .flat_map(OneOrMany::iter)
            .filter_map(|scope| scope.strip_prefix(self.scope_prefix.as_str()))
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect();
        let identity = self.identity(payload);
        Ok(TokenClaims { subject: claims.sub, client_id, scopes, identity })
    }

    /// The identity claim's value. Read in a second pass, only in deployments that keep one, so
    /// the others parse no more than before.
    fn identity(&self, payload: &[u8]) -> Option<String> {
        let name = self.identity_claim.as_deref()?;
        let mut all: serde_json::Map<String, Value> = serde_json::from_slice(payload).ok()?;
        let Value::String(value) = all.remove(name)? else { return None };
        let unverified = match all.get(&format!("{name}_verified")) {
            Some(Value::Bool(verified)) => !verified,
            // Cognito writes booleans of user attributes as strings.
            Some(Value::String(verified)) => verified.trim().eq_ignore_ascii_case("false"),
            _ => false,
        };
        let value = value.trim();
        (!unverified && !value.is_empty()).then(|| value.to_owned())
    }

    /// RFC 8707: the token must name this server. A token with an `aud` must list one of ours;
    /// one without is accepted only from a client made for this server.
    fn check_audience(&self, aud: Option<&OneOrMany>, client_id: Option<&str>) -> Result<(), TokenError> {
        match aud {
            Some(aud) => {
                if aud.iter().any(|a| self.audiences.iter().any(|ours| same_resource(a, ours))) {
                    Ok(())
                } else {
                    Err(TokenError::WrongAudience)
                }
            }
            None if client_id.is_some_and(|c| self.client_ids.iter().any(|ours| ours == c)) => Ok(()),
            None => Err(TokenError::WrongAudience),
        }
    }
}

/// Resource URIs compare with the scheme and host case-insensitive and without a trailing slash
/// (the MCP authorization spec's canonical server URI); the path compares exactly.
pub fn same_resource(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('/'), b.trim_end_matches('/'));
    let split = |u: &str| -> (String, String) {
        match u.split_once("://") {
            Some((scheme, rest)) => {
                let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                (format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()), path.to_owned())
            }
            None => (String::new(), u.to_owned()),
        }
    };
    split(a) == split(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: f64 = 1_800_000_000.0;
    const RESOURCE: &str = "https://mcp.example.com/mcp";

    fn rules() -> ClaimRules {
        ClaimRules {
            issuer: "https://issuer.example.com".into(),
            audiences: vec![RESOURCE.into()],
            client_ids: vec![],
            scope_prefix: String::new(),
            leeway: Duration::from_secs(30),
            identity_claim: None,
        }
    }

    fn claims(overrides: serde_json::Value) -> Vec<u8> {
        let mut base = json!({
            "iss": "https://issuer.example.com", "sub": "user-1", "aud": RESOURCE,
            "exp": NOW + 300.0, "scope": "orders:read orders:cancel", "client_id": "app-1"
        });
        for (k, v) in overrides.as_object().unwrap() {
            if v.is_null() {
                base.as_object_mut().unwrap().remove(k);
            } else {
                base[k] = v.clone();
            }
        }
        base.to_string().into_bytes()
    }

    #[test]
    fn a_good_token_yields_its_subject_client_and_scopes() {
        let got = rules().check(&claims(json!({})), NOW).unwrap();
        assert_eq!(got.subject.as_deref(), Some("user-1"));
        assert_eq!(got.client_id.as_deref(), Some("app-1"));
        assert_eq!(got.scopes, vec!["orders:read", "orders:cancel"]);
    }

    #[test]
    fn expiry_and_not_before_allow_only_the_leeway() {
        let r = rules();
        assert_eq!(r.check(&claims(json!({"exp": NOW - 31.0})), NOW), Err(TokenError::Expired));
        assert!(r.check(&claims(json!({"exp": NOW - 29.0})), NOW).is_ok());
        assert_eq!(r.check(&claims(json!({"nbf": NOW + 31.0})), NOW), Err(TokenError::NotYetValid));
        assert!(r.check(&claims(json!({"nbf": NOW + 29.0})), NOW).is_ok());
        assert_eq!(r.check(&claims(json!({"exp": null})), NOW), Err(TokenError::Malformed), "exp is required");
        assert_eq!(r.check(&claims(json!({"exp": "tomorrow"})), NOW), Err(TokenError::Malformed));
    }

    #[test]
    fn another_issuer_is_refused() {
        for iss in [json!("https://evil.example.com"), json!("https://issuer.example.com/"), json!(null)] {
            assert_eq!(rules().check(&claims(json!({"iss": iss})), NOW), Err(TokenError::WrongIssuer), "{iss}");
        }
    }

    #[test]
    fn the_audience_must_name_this_server() {
        let r = rules();
        for ok in [json!(RESOURCE), json!("HTTPS://MCP.Example.com/mcp/"), json!(["https://other", RESOURCE])] {
            assert!(r.check(&claims(json!({"aud": ok})), NOW).is_ok(), "{ok}");
        }
        for bad in
            [json!("https://other.example.com/mcp"), json!("https://mcp.example.com/MCP"), json!([]), json!(null)]
        {
            assert_eq!(r.check(&claims(json!({"aud": bad})), NOW), Err(TokenError::WrongAudience), "{bad}");
        }
    }

    #[test]
    fn a_token_without_audience_needs_an_allowed_client() {
        let mut r = rules();
        r.client_ids = vec!["cognito-app".into()];
        let ok = claims(json!({"aud": null, "client_id": "cognito-app", "token_use": "access"}));
        assert!(r.check(&ok, NOW).is_ok());
        let other = claims(json!({"aud": null, "client_id": "someone-else"}));
        assert_eq!(r.check(&other, NOW), Err(TokenError::WrongAudience));
        let id_token = claims(json!({"aud": null, "client_id": "cognito-app", "token_use": "id"}));
        assert_eq!(r.check(&id_token, NOW), Err(TokenError::NotAnAccessToken));
    }

    #[test]
    fn the_identity_claim_is_kept_only_when_configured_a_string_and_not_said_unverified() {
        let email = json!({"email": " Jane.Doe@example.com "});
        assert_eq!(rules().check(&claims(email.clone()), NOW).unwrap().identity, None, "not configured");
        let mut r = rules();
        r.identity_claim = Some("email".into());
        let identity = |overrides| r.check(&claims(overrides), NOW).unwrap().identity;
        assert_eq!(identity(email).as_deref(), Some("Jane.Doe@example.com"));
        assert_eq!(
            identity(json!({"email": "a@example.com", "email_verified": true})).as_deref(),
            Some("a@example.com")
        );
        for unverified in [json!(false), json!("false"), json!("False")] {
            assert_eq!(identity(json!({"email": "a@example.com", "email_verified": unverified})), None, "{unverified}");
        }
        for odd in [json!(null), json!(""), json!("  "), json!(42), json!(["a@example.com"]), json!({"v": "a"})] {
            assert_eq!(identity(json!({"email": odd})), None, "{odd}");
        }
        r.identity_claim = Some("https://shop.example.com/email".into());
        let namespaced = claims(json!({"https://shop.example.com/email": "b@example.com", "email": "c@example.com"}));
        assert_eq!(r.check(&namespaced, NOW).unwrap().identity.as_deref(), Some("b@example.com"));
        let expired = claims(json!({"https://shop.example.com/email": "b@example.com", "exp": NOW - 60.0}));
        assert_eq!(r.check(&expired, NOW), Err(TokenError::Expired), "no claim from a refused token");
    }

    #[test]
    fn scopes_come_from_scope_or_scp_and_lose_the_prefix() {
        let mut r = rules();
        let scp = claims(json!({"scope": null, "scp": ["orders:read"]}));
        assert_eq!(r.check(&scp, NOW).unwrap().scopes, vec!["orders:read"]);
        r.scope_prefix = format!("{RESOURCE}/");
        let cognito = claims(json!({"scope": format!("{RESOURCE}/orders:read openid https://else/orders:cancel")}));
        assert_eq!(r.check(&cognito, NOW).unwrap().scopes, vec!["orders:read"]);
    }
}
