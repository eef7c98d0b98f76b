//! Tokens as the template's default issuer makes them: a Cognito user pool in moto's cognito-idp
//! (tests/oauth/cognito_tokens.py). Cognito access tokens carry no `aud`; the app clients made for
//! this server stand in for it (`MCP_OAUTH_CLIENT_IDS`), and only the scopes of the resource server
//! named after the endpoint count (`MCP_OAUTH_SCOPE_PREFIX`).

use std::process::Command;
use std::time::Duration;

use lambda_mcp::engine::config::{AuthSettings, ChallengeScopes, OAuthSettings};
use serde_json::Value;

use crate::auth_server::RESOURCE;
use crate::helpers::{Settings, moto, root};
use crate::oauth::{INIT, with_token};

fn cognito() -> Value {
    let output = Command::new(root().join(".tools/aws/bin/python"))
        .arg(root().join("tests/oauth/cognito_tokens.py"))
        .args([moto(), RESOURCE])
        .output()
        .expect("run tests/oauth/cognito_tokens.py");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn a_cognito_access_token_from_this_servers_client_is_accepted_and_nothing_else() {
    let pool = cognito();
    let text = |k: &str| pool[k].as_str().unwrap().to_owned();
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings {
        keys: None,
        oauth: Some(OAuthSettings {
            resource: RESOURCE.into(),
            issuer: text("issuer"),
            audiences: vec![RESOURCE.into()],
            client_ids: vec![text("client_id")],
            scope_prefix: format!("{RESOURCE}/"),
            jwks_url: Some(text("jwks_url")),
            leeway: Duration::from_secs(30),
            jwks_cache_ttl: Duration::from_secs(3600),
            jwks_refresh_interval: Duration::from_secs(30),
            challenge_scopes: ChallengeScopes::All,
            identity_claim: None,
        }),
    };
    let app = settings.app();
    assert_eq!(with_token(&app, &text("access_token"), INIT).await.status, 200);
    let list = with_token(&app, &text("access_token"), r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#).await;
    assert_eq!(
        list.json()["result"]["tools"],
        serde_json::json!([]),
        "a user-pool token without the resource server's scopes reaches no tool"
    );
    for (token, what) in [("id_token", "an ID token"), ("other_access_token", "another app client's token")] {
        let answer = with_token(&app, &text(token), INIT).await;
        assert_eq!(answer.status, 401, "{what}");
        assert!(answer.header("www-authenticate").unwrap().contains("invalid_token"), "{what}");
    }
    let challenge = with_token(&app, "", INIT).await;
    let scope = format!("scope=\"{RESOURCE}/orders:cancel {RESOURCE}/orders:read\"");
    assert!(challenge.header("www-authenticate").unwrap().contains(&scope), "scopes named as Cognito names them");
}
