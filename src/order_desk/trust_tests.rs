//! The trust model's settings and what a request may see.

use std::collections::HashMap;

use serde_json::json;

use super::*;

fn model(pairs: &[(&str, &str)]) -> Result<TrustModel, ConfigError> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    TrustModel::from_lookup(|k| map.get(k).cloned())
}

fn vars(value: serde_json::Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

fn no_headers(_: &str) -> Option<String> {
    None
}

#[test]
fn agent_assist_is_the_default_and_sees_everything() {
    assert_eq!(model(&[]), Ok(TrustModel::AgentAssist));
    assert_eq!(model(&[("MCP_TRUST_MODEL", "agent-assist")]), Ok(TrustModel::AgentAssist));
    assert_eq!(TrustModel::AgentAssist.access(None, no_headers, None), Access::Any);
    assert!(Access::Any.allows("anyone@example.com"));
}

#[test]
fn customer_bound_needs_exactly_one_identity_source() {
    let bound = [("MCP_TRUST_MODEL", "customer-bound")];
    assert!(matches!(model(&bound), Err(ConfigError::Missing(_))));
    let both = [bound[0], ("MCP_CUSTOMER_SESSION_VARIABLE", "verified_email"), ("MCP_CUSTOMER_HEADER", "x-id")];
    assert!(model(&both).is_err());
    assert!(model(&[("MCP_TRUST_MODEL", "trusting")]).is_err());
    assert_eq!(
        model(&[bound[0], ("MCP_CUSTOMER_SESSION_VARIABLE", "verified_email")]),
        Ok(TrustModel::CustomerBound(IdentitySource::SessionVariable("verified_email".into())))
    );
}

#[test]
fn a_session_variable_the_tools_write_cannot_name_the_customer() {
    for written in WRITTEN_SESSION_VARIABLES {
        let err = model(&[("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_SESSION_VARIABLE", written)]);
        assert!(
            matches!(&err, Err(ConfigError::Invalid { name: "MCP_CUSTOMER_SESSION_VARIABLE", .. })),
            "{written}: {err:?}"
        );
    }
}

#[test]
fn the_verified_customer_comes_from_the_configured_session_variable_only() {
    let bound =
        model(&[("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_SESSION_VARIABLE", "verified_email")]).unwrap();
    let session = vars(json!({"verified_email": "Jane.Doe@Example.com", "customer_email": "victim@example.com"}));
    let access = bound.access(Some(&session), no_headers, None);
    assert_eq!(access, Access::Customer("jane.doe@example.com".into()));
    assert!(access.allows("JANE.DOE@example.com") && !access.allows("victim@example.com"));
    let written_only = vars(json!({"customer_email": "victim@example.com"}));
    assert_eq!(bound.access(Some(&written_only), no_headers, None), Access::Unverified);
    assert_eq!(bound.access(None, no_headers, None), Access::Unverified);
    for bad in [json!(""), json!(42), json!("not an email"), json!(["jane.doe@example.com"])] {
        let session = vars(json!({ "verified_email": bad }));
        assert_eq!(bound.access(Some(&session), no_headers, None), Access::Unverified, "{bad}");
    }
    assert!(!Access::Unverified.allows("jane.doe@example.com"));
}

#[test]
fn a_platform_header_is_read_through_its_format() {
    let bound = model(&[
        ("MCP_TRUST_MODEL", "customer-bound"),
        ("MCP_CUSTOMER_HEADER", "X-Moveo-External-Id"),
        ("MCP_CUSTOMER_HEADER_FORMAT", "shop:{email}"),
    ])
    .unwrap();
    let header = |value: &'static str| move |name: &str| (name == "x-moveo-external-id").then(|| value.to_owned());
    assert_eq!(
        bound.access(None, header("shop:jane.doe@example.com"), None),
        Access::Customer("jane.doe@example.com".into())
    );
    assert_eq!(bound.access(None, header("jane.doe@example.com"), None), Access::Unverified, "wrong shape");
    assert_eq!(bound.access(None, header("shop:"), None), Access::Unverified);
    assert_eq!(bound.access(None, no_headers, None), Access::Unverified);
    let session = vars(json!({"x-moveo-external-id": "shop:victim@example.com"}));
    assert_eq!(bound.access(Some(&session), no_headers, None), Access::Unverified, "the session cannot stand in");
    assert!(model(&[("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_HEADER", "x id")]).is_err());
    let no_placeholder =
        [("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_HEADER", "x-id"), ("MCP_CUSTOMER_HEADER_FORMAT", "id")];
    assert!(model(&no_placeholder).is_err());
}

#[test]
fn the_three_identity_sources_exclude_each_other() {
    let bound = ("MCP_TRUST_MODEL", "customer-bound");
    let variable = ("MCP_CUSTOMER_SESSION_VARIABLE", "verified_email");
    let header = ("MCP_CUSTOMER_HEADER", "x-moveo-external-id");
    let claim = ("MCP_CUSTOMER_TOKEN_CLAIM", "email");
    for (pair, name) in [
        (vec![variable, header], "MCP_CUSTOMER_HEADER"),
        (vec![variable, claim], "MCP_CUSTOMER_TOKEN_CLAIM"),
        (vec![header, claim], "MCP_CUSTOMER_TOKEN_CLAIM"),
        (vec![variable, header, claim], "MCP_CUSTOMER_HEADER"),
    ] {
        let mut pairs = vec![bound];
        pairs.extend(pair);
        let err = model(&pairs).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { name: n, reason } if *n == name && reason.contains("exactly one")),
            "{err:?}"
        );
    }
    let missing = model(&[bound]).unwrap_err();
    assert!(missing.to_string().contains("MCP_CUSTOMER_TOKEN_CLAIM"), "{missing}");
    assert_eq!(model(&[bound, claim]), Ok(TrustModel::CustomerBound(IdentitySource::TokenClaim("email".into()))));
    let namespaced = model(&[bound, ("MCP_CUSTOMER_TOKEN_CLAIM", " https://shop.example.com/email ")]).unwrap();
    assert_eq!(namespaced.token_claim(), Some("https://shop.example.com/email"));
    for bad in ["e mail", "email,name", "<script>", &"a".repeat(201)] {
        let err = model(&[bound, ("MCP_CUSTOMER_TOKEN_CLAIM", bad)]);
        assert!(matches!(err, Err(ConfigError::Invalid { name: "MCP_CUSTOMER_TOKEN_CLAIM", .. })), "{bad}: {err:?}");
    }
    assert_eq!(model(&[claim]), Ok(TrustModel::AgentAssist), "agent-assist reads no identity source");
}

#[test]
fn the_verified_customer_comes_from_the_token_claim_only() {
    let bound = TrustModel::CustomerBound(IdentitySource::TokenClaim("email".into()));
    let access = bound.access(None, no_headers, Some(" Jane.Doe@Example.com "));
    assert_eq!(access, Access::Customer("jane.doe@example.com".into()));
    assert_eq!(bound.access(None, no_headers, None), Access::Unverified, "a key, or a token without the claim");
    assert_eq!(bound.access(None, no_headers, Some("not an email")), Access::Unverified);
    let session = vars(json!({"email": "victim@example.com", "verified_customer_email": "victim@example.com"}));
    let header = |name: &str| (name.starts_with("x-moveo-")).then(|| "victim@example.com".to_owned());
    assert_eq!(bound.access(Some(&session), header, None), Access::Unverified, "neither session nor header stands in");
    let by_variable = TrustModel::CustomerBound(IdentitySource::SessionVariable("verified_customer_email".into()));
    assert_eq!(by_variable.access(None, no_headers, Some("jane.doe@example.com")), Access::Unverified);
}

#[test]
fn a_token_claim_source_needs_oauth_and_tells_the_engine_which_claim_to_keep() {
    use crate::engine::config::{ChallengeScopes, KeySettings, OAuthSettings};
    use std::time::Duration;
    let bound = TrustModel::CustomerBound(IdentitySource::TokenClaim("email".into()));
    let keys = KeySettings {
        secret_id: "s".into(),
        header: Some("x-api-key".into()),
        in_url: false,
        cache_ttl: Duration::ZERO,
        refresh_interval: Duration::ZERO,
        rotation_window: Duration::ZERO,
    };
    let mut header_only = AuthSettings { keys: Some(keys.clone()), oauth: None };
    let err = bound.configure_auth(&mut header_only).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Invalid { name: "MCP_CUSTOMER_TOKEN_CLAIM", reason } if reason.contains("`oauth`"))
    );
    let oauth = OAuthSettings {
        resource: "https://api.example.com/mcp".into(),
        issuer: "https://issuer.example.com".into(),
        audiences: vec![],
        client_ids: vec![],
        scope_prefix: String::new(),
        jwks_url: None,
        leeway: Duration::ZERO,
        jwks_cache_ttl: Duration::ZERO,
        jwks_refresh_interval: Duration::ZERO,
        challenge_scopes: ChallengeScopes::All,
        identity_claim: None,
    };
    let mut both = AuthSettings { keys: Some(keys), oauth: Some(oauth) };
    let mut untouched = both.clone();
    bound.configure_auth(&mut both).unwrap();
    assert_eq!(both.oauth.unwrap().identity_claim.as_deref(), Some("email"));
    let by_variable = TrustModel::CustomerBound(IdentitySource::SessionVariable("verified_email".into()));
    for other in [by_variable, TrustModel::AgentAssist] {
        other.configure_auth(&mut untouched).unwrap();
        assert_eq!(untouched.oauth.as_ref().unwrap().identity_claim, None, "{other:?}");
        other.configure_auth(&mut AuthSettings::off()).unwrap();
    }
}
