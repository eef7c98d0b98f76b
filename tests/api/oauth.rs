//! OAuth 2.1 resource server against a real authorization server (oidc-provider on loopback,
//! [`crate::auth_server`]): the challenge and the RFC 9728 metadata, real tokens from the client
//! credentials grant, scopes that hide and refuse tools (403 `insufficient_scope`), and the
//! issuer's keys fetched only when a token needs them, through a counting relay.

use std::time::Duration;

use lambda_mcp::engine::config::{AuthSettings, ChallengeScopes, OAuthSettings};
use serde_json::{Value, json};

use crate::auth_server::{OTHER_RESOURCE, RESOURCE, auth_server};
use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{Answer, App, ORDER, Settings, event, request, send};

pub const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
const METADATA_URL: &str = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

/// OAuth settings for the test authorization server, its keys read from `jwks_url`.
pub fn oauth_settings(jwks_url: Option<String>) -> OAuthSettings {
    OAuthSettings {
        resource: RESOURCE.into(),
        issuer: auth_server().issuer.clone(),
        audiences: vec![RESOURCE.into()],
        client_ids: vec![],
        scope_prefix: String::new(),
        jwks_url,
        leeway: Duration::from_secs(30),
        jwks_cache_ttl: Duration::from_secs(3600),
        jwks_refresh_interval: Duration::from_secs(3600),
        challenge_scopes: ChallengeScopes::All,
        identity_claim: None,
    }
}

/// An app accepting only OAuth tokens, and the relay its key fetches go through.
pub async fn oauth_app() -> (App, FaultServer) {
    let server = auth_server();
    let relay = FaultServer::start(Fault::Relay(server.issuer.clone())).await;
    let mut settings = Settings::new("unused").await;
    settings.config.auth =
        AuthSettings { keys: None, oauth: Some(oauth_settings(Some(format!("{}/jwks", relay.endpoint)))) };
    (settings.app(), relay)
}

/// A request to `path` (GET or POST) with `headers` and `body`, and a raw query string.
pub fn http_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> lambda_http::Request {
    let mut e = event("http/initialize.json");
    let mut map = serde_json::Map::new();
    map.insert("content-type".into(), json!("application/json"));
    for (k, v) in headers {
        map.insert(k.to_string(), json!(v));
    }
    e["headers"] = Value::Object(map);
    e["rawPath"] = json!(path);
    e["requestContext"]["http"]["path"] = json!(path);
    e["requestContext"]["http"]["method"] = json!(method);
    e["rawQueryString"] = json!(query);
    e["body"] = json!(body);
    request(&e)
}

/// A POST to /mcp with a bearer token (none when `token` is empty).
pub async fn with_token(app: &App, token: &str, body: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    let headers: Vec<(&str, &str)> = if token.is_empty() { vec![] } else { vec![("authorization", &bearer)] };
    send(app, http_request("POST", "/mcp", "", &headers, body)).await
}

fn rpc(method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).to_string()
}

fn tool_names(answer: &Answer) -> Vec<String> {
    let tools = answer.json()["result"]["tools"].as_array().cloned().unwrap_or_default();
    tools.iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn without_a_token_the_challenge_leads_to_the_metadata_and_no_key_is_fetched() {
    let (app, relay) = oauth_app().await;
    let answer = with_token(&app, "", INIT).await;
    assert_eq!(answer.status, 401);
    let challenge = answer.header("www-authenticate").unwrap();
    assert_eq!(challenge, format!("Bearer resource_metadata=\"{METADATA_URL}\", scope=\"orders:cancel orders:read\""));
    assert_eq!(answer.json()["error"]["code"], -32001);
    assert_eq!(relay.requests(), 0, "initialize without a token never touches the network");
}

#[tokio::test]
async fn with_least_privilege_the_challenge_asks_only_for_the_read_scopes() {
    let mut settings = Settings::new("unused").await;
    let mut oauth = oauth_settings(None);
    oauth.challenge_scopes = ChallengeScopes::Read;
    settings.config.auth = AuthSettings { keys: None, oauth: Some(oauth) };
    let answer = with_token(&settings.app(), "", INIT).await;
    assert!(answer.header("www-authenticate").unwrap().ends_with("scope=\"orders:read\""), "{answer:?}");
}

#[tokio::test]
async fn the_protected_resource_metadata_is_served_at_both_well_known_paths() {
    let (app, relay) = oauth_app().await;
    for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
        let answer = send(&app, http_request("GET", path, "", &[], "")).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        let metadata = answer.json();
        assert_eq!(metadata["resource"], RESOURCE);
        assert_eq!(metadata["authorization_servers"], json!([auth_server().issuer]));
        assert_eq!(metadata["scopes_supported"], json!(["orders:cancel", "orders:read"]));
        assert_eq!(metadata["bearer_methods_supported"], json!(["header"]));
        assert_eq!(answer.header("access-control-allow-origin"), Some("*"));
    }
    let post = send(&app, http_request("POST", "/.well-known/oauth-protected-resource", "", &[], "")).await;
    assert_eq!((post.status, post.header("allow")), (405, Some("GET")));
    assert_eq!(relay.requests(), 0);
    let keys_only = Settings::new("unused").await.app();
    let absent = send(&keys_only, http_request("GET", "/.well-known/oauth-protected-resource/mcp", "", &[], "")).await;
    assert_eq!(absent.status, 404, "no metadata without OAuth");
}

#[tokio::test]
async fn a_real_token_lets_the_client_in_and_the_keys_are_fetched_once() {
    let (app, relay) = oauth_app().await;
    let token = auth_server().client_credentials("machine", RESOURCE, "orders:read orders:cancel");
    assert_eq!(with_token(&app, &token, INIT).await.status, 200);
    let list = with_token(&app, &token, &rpc("tools/list", json!({}))).await;
    assert_eq!(tool_names(&list), ["search_orders", "get_order", "get_customer", "cancel_order"]);
    let order = with_token(
        &app,
        &token,
        &rpc("tools/call", json!({"name": "get_order", "arguments": {"order_number": ORDER}})),
    )
    .await;
    assert_eq!(order.json()["result"]["isError"], false, "{}", order.text);
    assert_eq!(relay.requests(), 1, "one fetch of the issuer's keys for three requests");
}

#[tokio::test]
async fn a_reader_sees_no_cancel_and_calling_it_is_a_step_up_challenge() {
    let (app, _relay) = oauth_app().await;
    let token = auth_server().client_credentials("reader", RESOURCE, "orders:read");
    let list = with_token(&app, &token, &rpc("tools/list", json!({}))).await;
    assert_eq!(tool_names(&list), ["search_orders", "get_order", "get_customer"]);
    let args = json!({"name": "cancel_order", "arguments": {"order_number": ORDER, "idempotency_key": "reader-1"}});
    let refused = with_token(&app, &token, &rpc("tools/call", args)).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let challenge = refused.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer error=\"insufficient_scope\""), "{challenge}");
    assert!(challenge.contains("scope=\"orders:cancel\"") && challenge.contains(METADATA_URL), "{challenge}");
    let body = refused.json();
    assert_eq!((body["id"].clone(), body["error"]["code"].clone()), (json!(7), json!(-32003)));
    assert_eq!(body["error"]["data"]["requiredScopes"], json!(["orders:cancel"]));
}

#[tokio::test]
async fn the_modern_era_lists_privately_and_refuses_out_of_scope_calls_with_403() {
    let (app, _relay) = oauth_app().await;
    let token = auth_server().client_credentials("reader", RESOURCE, "orders:read");
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}});
    let send_modern = |method: &str, name: Option<&str>, params: Value| {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![
            ("authorization", bearer),
            ("mcp-protocol-version", "2026-07-28".into()),
            ("mcp-method", method.into()),
        ];
        if let Some(name) = name {
            headers.push(("mcp-name", name.into()));
        }
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        http_request("POST", "/mcp", "", &headers, &rpc(method, params))
    };
    let list = send(&app, send_modern("tools/list", None, json!({"_meta": meta}))).await;
    assert_eq!(list.json()["result"]["cacheScope"], "private", "{}", list.text);
    assert_eq!(tool_names(&list).len(), 3);
    let call =
        json!({"name": "cancel_order", "arguments": {"order_number": ORDER, "idempotency_key": "m-1"}, "_meta": meta});
    let refused = send(&app, send_modern("tools/call", Some("cancel_order"), call)).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.header("www-authenticate").unwrap().contains("insufficient_scope"));
}

#[tokio::test]
async fn the_keys_url_is_discovered_from_the_issuer_when_not_configured() {
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings { keys: None, oauth: Some(oauth_settings(None)) };
    let app = settings.app();
    let token = auth_server().client_credentials("machine", RESOURCE, "orders:read");
    assert_eq!(with_token(&app, &token, INIT).await.status, 200);
}

#[tokio::test]
async fn a_token_for_another_resource_is_refused() {
    let (app, _relay) = oauth_app().await;
    let token = auth_server().client_credentials("machine", OTHER_RESOURCE, "orders:read");
    let answer = with_token(&app, &token, INIT).await;
    assert_eq!(answer.status, 401);
    assert!(answer.header("www-authenticate").unwrap().contains("error=\"invalid_token\""));
}
