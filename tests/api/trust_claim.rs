//! Customer-bound with the verified customer named by the end user's own OAuth access token
//! (`MCP_CUSTOMER_TOKEN_CLAIM=email`), through the real handler against moto and the real
//! oidc-provider: each customer signs in through the authorization code + PKCE flow and gets a
//! token carrying their email. The token's holder reads their own orders with every tool; another
//! customer's order answers exactly like a missing one, another's email like an unknown one. A
//! token without the claim, a token saying the email is unverified, a machine token and an API
//! key in the same deployment all get "verify the customer first". The email is in no log line.

use lambda_mcp::engine::config::{AuthSettings, KeySettings};
use lambda_mcp::order_desk::trust::{IdentitySource, TrustModel};
use serde_json::{Value, json};

use crate::auth_server::{RESOURCE, auth_server};
use crate::helpers::{App, KEY, Settings, create_secret, post, send, text_of};
use crate::logs::{capture_logs, captured};
use crate::oauth::oauth_settings;
use crate::trust::{MISSING, by_number, two_customers};

/// A customer-bound deployment over the seeded table that accepts API keys in a header and
/// OAuth tokens, the verified customer named by the tokens' `email` claim.
async fn claim_app() -> App {
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    let keys: Option<KeySettings> = settings.config.auth.keys.take();
    let jwks = Some(format!("{}/jwks", auth_server().issuer));
    settings.config.auth = AuthSettings { keys, oauth: Some(oauth_settings(jwks)) };
    settings.trust = TrustModel::CustomerBound(IdentitySource::TokenClaim("email".into()));
    settings.app()
}

/// `tools/call` (2025-06-18) presenting `credential` (`("authorization", "Bearer ...")` or
/// `("x-api-key", ...)`), with Moveo's session variables `session`.
async fn call(app: &App, credential: (&str, &str), tool: &str, arguments: Value, session: Value) -> Value {
    let params = json!({"name": tool, "arguments": arguments,
                        "_meta": {"moveo/context": {"lang": "en", "context": session}}});
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}).to_string();
    let headers = [credential, ("content-type", "application/json"), ("mcp-protocol-version", "2025-06-18")];
    let answer = send(app, post(&body, &headers)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["result"].clone()
}

#[tokio::test]
async fn customer_bound_by_token_claim_shows_the_token_holder_their_orders_and_no_one_elses() {
    capture_logs();
    let app = claim_app().await;
    let ((mine, my_order), (theirs, their_order)) = two_customers();
    // The claim is normalised like every other source: case and surrounding space do not matter.
    let token = auth_server().user_token("customer-a", Some(&format!(" {} ", mine.to_uppercase())), Some(true));
    let bearer = format!("Bearer {token}");
    let me = ("authorization", bearer.as_str());
    for (tool, args) in [
        ("get_order", json!({"order_number": my_order})),
        ("search_orders", json!({"email": mine})),
        ("search_orders", json!({"order_number": my_order})),
        ("get_customer", json!({"email": mine})),
    ] {
        let result = call(&app, me, tool, args, json!({})).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
        assert!(!text_of(&result).starts_with("No "), "{tool}: {}", text_of(&result));
    }
    for ((tool, foreign), (_, missing)) in by_number(&their_order).into_iter().zip(by_number(MISSING)) {
        let foreign = call(&app, me, tool, foreign, json!({})).await;
        let missing = call(&app, me, tool, missing, json!({})).await;
        assert_eq!(foreign.to_string().replace(&their_order, MISSING), missing.to_string(), "{tool}");
        assert!(text_of(&missing).contains(MISSING), "{tool} answers not-found: {missing}");
    }
    for tool in ["search_orders", "get_customer"] {
        let foreign = call(&app, me, tool, json!({"email": theirs}), json!({})).await;
        let unknown = call(&app, me, tool, json!({"email": "nobody@example.com"}), json!({})).await;
        assert_eq!(foreign.to_string().replace(&theirs, "nobody@example.com"), unknown.to_string(), "{tool}");
    }
    // The other customer's own token sees their order: the binding follows the token.
    let theirs_token = auth_server().user_token("customer-b", Some(&theirs), None);
    let bearer_b = format!("Bearer {theirs_token}");
    let own =
        call(&app, ("authorization", &bearer_b), "get_order", json!({"order_number": their_order}), json!({})).await;
    assert_eq!(own["isError"], false, "{own}");
    let logs = captured();
    assert!(logs.contains("\"identity_claim\":true"), "the line says a claim was there: {logs}");
    for email in [&mine, &mine.to_uppercase(), &theirs] {
        assert!(!logs.contains(email.as_str()), "{email} reached a log line");
    }
}

#[tokio::test]
async fn customer_bound_by_token_claim_asks_to_verify_first_without_a_verified_claim() {
    capture_logs();
    let app = claim_app().await;
    let ((mine, my_order), _) = two_customers();
    let server = auth_server();
    let tokens = [
        ("a token without the claim", server.user_token("alice", None, None)),
        ("a token saying the email is unverified", server.user_token("customer-u", Some(&mine), Some(false))),
        ("a machine token", server.client_credentials("machine", RESOURCE, "orders:read orders:cancel")),
    ];
    let bearers: Vec<(&str, String)> = tokens.iter().map(|(what, t)| (*what, format!("Bearer {t}"))).collect();
    let mut credentials: Vec<(&str, (&str, &str))> =
        bearers.iter().map(|(what, bearer)| (*what, ("authorization", bearer.as_str()))).collect();
    credentials.push(("an API key in the header", ("x-api-key", KEY)));
    // Session values (even one named like the claim) never stand in for the token's claim.
    let session = json!({"email": mine, "customer_email": mine, "verified_customer_email": mine});
    for (what, credential) in credentials {
        for (tool, args) in [
            ("get_order", json!({"order_number": my_order})),
            ("search_orders", json!({"email": mine})),
            ("get_customer", json!({"email": mine})),
        ] {
            let result = call(&app, credential, tool, args, session.clone()).await;
            assert_eq!(result["isError"], true, "{what}, {tool}: {result}");
            assert!(text_of(&result).contains("Verify the customer first"), "{what}, {tool}: {}", text_of(&result));
        }
    }
    let logs = captured();
    assert!(logs.contains("\"identity_claim\":false"), "the line says the token had none: {logs}");
    assert!(!logs.contains(mine.as_str()), "the email reached a log line");
}
