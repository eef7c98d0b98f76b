//! Hostile access tokens (tests/corpus/oauth/tokens.jsonl): each made by the real authorization
//! server (signed with its own key, or forged the ways attackers forge them), sent to an app that
//! accepts only OAuth. Every one gets a 401 with its RFC 6750 `error` and the same response
//! shape; the reason is in the log line and the token in no log line and no body; and the whole
//! run costs the issuer one fetch of its keys, however many unknown `kid`s arrive.
//!
//! A case: `token` says how to make the token: `raw` (sent as it is), `grant` (a real token from
//! the client credentials grant), or minted: `header` and `claims` merged over a good token's
//! (`null` removes a claim, `{"$now": s}` is now + s seconds, `{"$issuer": suffix}` the issuer
//! plus a suffix), `sign` (`issuer` by default, `stranger`, `none`, `hs256-public-jwk`,
//! `hs256-public-n`), and `tamper` (claims swapped into the payload after signing). `in: query`
//! sends it as `?access_token=`. `expect`: `status`, `error` (null: none), and `reason`, the
//! log line's `auth_failure`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::auth_server::{RESOURCE, auth_server};
use crate::helpers::{root, send};
use crate::logs::{capture_logs, captured};
use crate::oauth::{INIT, http_request, oauth_app};

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) => o["$text"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_str().unwrap().repeat(p[1].as_u64().unwrap() as usize))
            .collect(),
        other => panic!("not text: {other}"),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// `base` with `overrides` merged in.
fn merged(mut base: Value, overrides: Option<&Value>) -> Value {
    let Some(Value::Object(overrides)) = overrides else { return base };
    let map: &mut Map<String, Value> = base.as_object_mut().unwrap();
    for (k, v) in overrides {
        match v {
            Value::Null => {
                map.remove(k);
            }
            Value::Object(o) if o.contains_key("$now") => {
                map.insert(k.clone(), json!(now() + o["$now"].as_i64().unwrap()));
            }
            Value::Object(o) if o.contains_key("$issuer") => {
                map.insert(k.clone(), json!(format!("{}{}", auth_server().issuer, o["$issuer"].as_str().unwrap())));
            }
            other => {
                map.insert(k.clone(), other.clone());
            }
        }
    }
    base
}

/// The token a case describes.
fn make_token(spec: &Value) -> String {
    let server = auth_server();
    if let Some(raw) = spec.get("raw") {
        return text(raw);
    }
    if let Some(grant) = spec.get("grant") {
        let s = |k: &str| grant[k].as_str().unwrap();
        return server.client_credentials(s("client"), s("resource"), s("scope"));
    }
    let claims = merged(server.claims("orders:read orders:cancel"), spec.get("claims"));
    let header = spec.get("header").cloned().unwrap_or(json!({}));
    let token = server.mint(header, claims.clone(), spec.get("sign").and_then(Value::as_str).unwrap_or("issuer"));
    match spec.get("tamper") {
        None => token,
        Some(tamper) => {
            let parts: Vec<&str> = token.split('.').collect();
            let payload = URL_SAFE_NO_PAD.encode(merged(claims, Some(tamper)).to_string());
            format!("{}.{payload}.{}", parts[0], parts[2])
        }
    }
}

#[tokio::test]
async fn every_hostile_token_is_a_401_with_its_error_and_nothing_leaks() {
    let file = root().join("tests/corpus/oauth/tokens.jsonl");
    let cases: Vec<Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(cases.len() >= 20, "the corpus has its cases");
    let (app, relay) = oauth_app().await;
    capture_logs();
    let mut tokens = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let token = make_token(&case["token"]);
        let in_query = case["token"]["in"] == "query";
        let bearer = format!("Bearer {token}");
        let headers: Vec<(&str, &str)> = if in_query { vec![] } else { vec![("authorization", &bearer)] };
        let query = if in_query { format!("access_token={token}") } else { String::new() };
        let answer = send(&app, http_request("POST", "/mcp", &query, &headers, INIT)).await;
        let expect = &case["expect"];
        let challenge = answer.header("www-authenticate").unwrap_or_default().to_owned();
        let error = challenge.split("error=\"").nth(1).and_then(|rest| rest.split('"').next());
        let body = answer.json();
        let checks = [
            (answer.status == expect["status"].as_u64().unwrap() as u16, "status"),
            (error == expect["error"].as_str(), "error"),
            (challenge.contains("resource_metadata=\"https://mcp.example.com/.well-known/"), "challenge"),
            (body["error"]["code"] == -32001 && body["id"].is_null(), "body shape"),
            (answer.header("content-type") == Some("application/json"), "content type"),
            (token.len() < 8 || !answer.text.contains(&token), "token echoed"),
        ];
        for (ok, what) in checks {
            if !ok {
                failures.push(format!("{name}: {what}: {} {challenge} {}", answer.status, answer.text));
            }
        }
        tokens.push((name, token));
    }
    let logs = captured();
    let lines: Vec<Value> =
        logs.lines().filter(|l| l.contains("request handled")).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), cases.len(), "one log line per case:\n{logs}");
    for (case, line) in cases.iter().zip(&lines) {
        if line["auth_failure"] != case["expect"]["reason"] {
            failures.push(format!("{}: logged reason {}", case["name"], line["auth_failure"]));
        }
    }
    for (name, token) in tokens.iter().filter(|(_, t)| t.len() >= 8) {
        let signature = token.rsplit('.').next().unwrap_or(token);
        if logs.contains(token.as_str()) || (signature.len() >= 16 && logs.contains(signature)) {
            failures.push(format!("{name}: the token is in the logs"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert_eq!(relay.requests(), 1, "one fetch of the issuer's keys for the whole run, unknown kids included");
    // The same app still lets a good token in: nothing hostile poisoned the cached keys.
    let good = auth_server().client_credentials("machine", RESOURCE, "orders:read");
    let bearer = format!("Bearer {good}");
    let answer = send(&app, http_request("POST", "/mcp", "", &[("authorization", &bearer)], INIT)).await;
    assert_eq!(answer.status, 200);
}
