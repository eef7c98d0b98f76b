//! API keys beyond one shared secret: named keys with scopes in the secret, keys in the URL path
//! (`/mcp/{key}`), and several modes at once (header keys and OAuth tokens on one endpoint).
//! The secret lives in the real local Secrets Manager; tokens come from the real authorization
//! server.

use lambda_mcp::engine::config::AuthSettings;
use serde_json::{Value, json};

use crate::auth_server::{RESOURCE, auth_server};
use crate::helpers::{App, ORDER, Settings, create_secret, send};
use crate::logs::{capture_logs, captured};
use crate::oauth::{INIT, http_request, oauth_settings};

const NAMED: &str = r#"{"keys": [
    {"id": "moveo", "key": "moveo-url-key-7c1f", "scopes": ["orders:read"]},
    {"id": "ops", "key": "ops-header-key-91ab"},
    "plain-legacy-key-3d2e"
]}"#;

async fn app_with(secret_value: &str, header: bool, in_url: bool, oauth: bool) -> App {
    let secret = create_secret(secret_value).await;
    let mut settings = Settings::new(&secret).await;
    let keys = settings.config.auth.keys.as_mut().unwrap();
    keys.in_url = in_url;
    if !header {
        keys.header = None;
    }
    if oauth {
        settings.config.auth.oauth = Some(oauth_settings(Some(format!("{}/jwks", auth_server().issuer))));
    }
    settings.app()
}

fn call(name: &str, arguments: Value) -> String {
    json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
        .to_string()
}

const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;

fn names(body: &Value) -> Vec<&str> {
    body["result"]["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_named_key_with_scopes_sees_and_calls_only_its_tools() {
    let app = app_with(NAMED, true, false, false).await;
    let moveo = [("x-api-key", "moveo-url-key-7c1f")];
    let list = send(&app, http_request("POST", "/mcp", "", &moveo, LIST)).await;
    assert_eq!(names(&list.json()), ["search_orders", "get_order", "get_customer"]);
    let cancel = call("cancel_order", json!({"order_number": ORDER, "idempotency_key": "scoped-1"}));
    let refused = send(&app, http_request("POST", "/mcp", "", &moveo, &cancel)).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.json()["error"]["code"], -32003);
    assert_eq!(refused.header("www-authenticate"), None, "no OAuth step-up for a key");
    for key in ["ops-header-key-91ab", "plain-legacy-key-3d2e"] {
        let list = send(&app, http_request("POST", "/mcp", "", &[("x-api-key", key)], LIST)).await;
        assert_eq!(names(&list.json()).len(), 4, "a key without scopes (or a plain one) has them all");
    }
}

#[tokio::test]
async fn the_log_line_names_the_key_and_never_holds_it() {
    let app = app_with(NAMED, true, true, false).await;
    capture_logs();
    send(&app, http_request("POST", "/mcp", "", &[("x-api-key", "ops-header-key-91ab")], INIT)).await;
    send(&app, http_request("POST", "/mcp/moveo-url-key-7c1f", "", &[], INIT)).await;
    send(&app, http_request("POST", "/mcp/wrong-url-key-0000", "", &[], INIT)).await;
    let logs = captured();
    let lines: Vec<Value> =
        logs.lines().filter(|l| l.contains("request handled")).map(|l| serde_json::from_str(l).unwrap()).collect();
    let field = |i: usize, f: &str| lines[i][f].clone();
    assert_eq!((field(0, "caller"), field(0, "auth")), (json!("ops"), json!("header")));
    assert_eq!((field(1, "caller"), field(1, "auth")), (json!("moveo"), json!("url")));
    assert_eq!((field(2, "status"), field(2, "auth_failure")), (json!(404), json!("bad_url_key")));
    for secret in ["ops-header-key-91ab", "moveo-url-key-7c1f", "wrong-url-key-0000"] {
        assert!(!logs.contains(secret), "{secret} is in the logs:\n{logs}");
    }
}

#[tokio::test]
async fn a_key_in_the_path_works_and_a_wrong_one_looks_like_any_unknown_path() {
    let app = app_with(NAMED, false, true, false).await;
    let ok = send(&app, http_request("POST", "/mcp/ops-header-key-91ab", "", &[], INIT)).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let wrong = send(&app, http_request("POST", "/mcp/not-a-key-5555", "", &[], INIT)).await;
    let elsewhere = send(&app, http_request("POST", "/elsewhere", "", &[], INIT)).await;
    assert_eq!((wrong.status, wrong.text.as_str()), (404, elsewhere.text.as_str()));
    assert!(!wrong.text.contains("not-a-key-5555"));
    let header_only = send(&app, http_request("POST", "/mcp", "", &[("x-api-key", "ops-header-key-91ab")], INIT)).await;
    assert_eq!(header_only.status, 401, "url mode alone takes no header");
    let deeper = send(&app, http_request("POST", "/mcp/ops-header-key-91ab/more", "", &[], INIT)).await;
    assert_eq!(deeper.status, 404);
    let scoped = send(&app, http_request("POST", "/mcp/moveo-url-key-7c1f", "", &[], LIST)).await;
    assert_eq!(names(&scoped.json()).len(), 3, "a URL key carries its scopes too");
}

#[tokio::test]
async fn keys_in_the_path_are_refused_unless_the_url_mode_is_on() {
    let app = app_with(NAMED, true, false, false).await;
    let answer = send(&app, http_request("POST", "/mcp/ops-header-key-91ab", "", &[], INIT)).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn header_keys_and_oauth_tokens_work_side_by_side() {
    let app = app_with(NAMED, true, false, true).await;
    let key = send(&app, http_request("POST", "/mcp", "", &[("x-api-key", "ops-header-key-91ab")], INIT)).await;
    assert_eq!(key.status, 200);
    let bearer_key = [("authorization", "Bearer plain-legacy-key-3d2e")];
    assert_eq!(send(&app, http_request("POST", "/mcp", "", &bearer_key, INIT)).await.status, 200);
    let token = auth_server().client_credentials("reader", RESOURCE, "orders:read");
    let bearer = format!("Bearer {token}");
    let list = send(&app, http_request("POST", "/mcp", "", &[("authorization", &bearer)], LIST)).await;
    assert_eq!(names(&list.json()).len(), 3);
    let wrong = send(&app, http_request("POST", "/mcp", "", &[("x-api-key", "nope")], INIT)).await;
    assert_eq!(wrong.status, 401);
    let challenge = wrong.header("www-authenticate").unwrap();
    assert!(challenge.contains("resource_metadata="), "the OAuth challenge, for clients that can follow it");
    let message = wrong.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("OAuth access token") && message.contains("`x-api-key`"), "{message}");
}

#[tokio::test]
async fn auth_off_lists_every_tool() {
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    let app = settings.app();
    let answer = send(&app, http_request("POST", "/mcp", "", &[], LIST)).await;
    assert_eq!(names(&answer.json()).len(), 4);
}

#[tokio::test]
async fn a_request_presenting_nothing_never_reaches_secrets_manager() {
    let secret = create_secret(NAMED).await;
    let relay =
        crate::fault_server::FaultServer::start(crate::fault_server::Fault::Relay(crate::helpers::moto().to_owned()))
            .await;
    let mut settings = Settings::new(&secret).await;
    settings.config.auth.keys.as_mut().unwrap().in_url = true;
    settings.endpoint = relay.endpoint.clone();
    let app = settings.app();
    for path in ["/mcp", "/mcp/"] {
        assert_eq!(send(&app, http_request("POST", path, "", &[], INIT)).await.status, 401, "{path}");
    }
    assert_eq!(relay.requests(), 0, "no key presented, no Secrets Manager call");
    let ok = send(&app, http_request("POST", "/mcp", "", &[("x-api-key", "ops-header-key-91ab")], INIT)).await;
    assert_eq!((ok.status, relay.requests()), (200, 1));
}
