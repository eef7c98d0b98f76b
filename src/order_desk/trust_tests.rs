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
    assert_eq!(TrustModel::AgentAssist.access(None, no_headers), Access::Any);
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
    let access = bound.access(Some(&session), no_headers);
    assert_eq!(access, Access::Customer("jane.doe@example.com".into()));
    assert!(access.allows("JANE.DOE@example.com") && !access.allows("victim@example.com"));
    let written_only = vars(json!({"customer_email": "victim@example.com"}));
    assert_eq!(bound.access(Some(&written_only), no_headers), Access::Unverified);
    assert_eq!(bound.access(None, no_headers), Access::Unverified);
    for bad in [json!(""), json!(42), json!("not an email"), json!(["jane.doe@example.com"])] {
        let session = vars(json!({ "verified_email": bad }));
        assert_eq!(bound.access(Some(&session), no_headers), Access::Unverified, "{bad}");
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
        bound.access(None, header("shop:jane.doe@example.com")),
        Access::Customer("jane.doe@example.com".into())
    );
    assert_eq!(bound.access(None, header("jane.doe@example.com")), Access::Unverified, "wrong shape");
    assert_eq!(bound.access(None, header("shop:")), Access::Unverified);
    assert_eq!(bound.access(None, no_headers), Access::Unverified);
    let session = vars(json!({"x-moveo-external-id": "shop:victim@example.com"}));
    assert_eq!(bound.access(Some(&session), no_headers), Access::Unverified, "the session cannot stand in");
    assert!(model(&[("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_HEADER", "x id")]).is_err());
    let no_placeholder =
        [("MCP_TRUST_MODEL", "customer-bound"), ("MCP_CUSTOMER_HEADER", "x-id"), ("MCP_CUSTOMER_HEADER_FORMAT", "id")];
    assert!(model(&no_placeholder).is_err());
}
