//! API-key authentication against a real (local) Secrets Manager.

use std::time::{Duration, Instant};

use lambda_mcp::engine::config::AuthSettings;
use serde_json::json;

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{KEY, Settings, create_secret, moto, post, secrets, send};

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

async fn status_with(app: &crate::helpers::App, headers: &[(&str, &str)]) -> u16 {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    send(app, post(INIT, &all)).await.status
}

fn with_interval(mut settings: Settings, interval: Duration) -> Settings {
    if let Some(h) = &mut settings.config.auth.keys {
        h.refresh_interval = interval;
    }
    settings
}

#[tokio::test]
async fn a_missing_and_a_wrong_key_get_the_same_401() {
    let secret = create_secret(KEY).await;
    let app = Settings::new(&secret).await.app();
    let missing = send(&app, post(INIT, &[("content-type", "application/json")])).await;
    let wrong = send(&app, post(INIT, &[("content-type", "application/json"), ("x-api-key", "nope")])).await;
    assert_eq!((missing.status, wrong.status), (401, 401));
    assert_eq!(missing.text, wrong.text);
    assert_eq!(missing.header("www-authenticate"), wrong.header("www-authenticate"));
    assert!(missing.header("www-authenticate").is_some());
    assert!(!missing.text.contains(KEY) && !wrong.text.contains("nope"));
    assert_eq!(missing.json()["error"]["code"], -32001);
}

#[tokio::test]
async fn the_key_is_accepted_in_the_header_or_as_a_bearer_token() {
    let secret = create_secret(KEY).await;
    let app = Settings::new(&secret).await.app();
    assert_eq!(status_with(&app, &[("x-api-key", KEY)]).await, 200);
    assert_eq!(status_with(&app, &[("authorization", &format!("Bearer {KEY}"))]).await, 200);
    assert_eq!(
        status_with(&app, &[("authorization", KEY)]).await,
        401,
        "a bare Authorization value is not a bearer token"
    );
}

#[tokio::test]
async fn a_custom_header_name_is_honoured() {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    if let Some(h) = &mut settings.config.auth.keys {
        h.header = Some("x-moveo-token".into());
    }
    let app = settings.app();
    assert_eq!(status_with(&app, &[("x-moveo-token", KEY)]).await, 200);
    assert_eq!(status_with(&app, &[("x-api-key", KEY)]).await, 401);
}

#[tokio::test]
async fn a_secret_holding_a_json_list_accepts_every_key() {
    let secret = create_secret(r#"{"keys":["key-for-moveo","key-for-duvo"]}"#).await;
    let app = Settings::new(&secret).await.app();
    assert_eq!(status_with(&app, &[("x-api-key", "key-for-moveo")]).await, 200);
    assert_eq!(status_with(&app, &[("x-api-key", "key-for-duvo")]).await, 200);
    assert_eq!(status_with(&app, &[("x-api-key", "key-for-nobody")]).await, 401);
}

#[tokio::test]
async fn a_rotated_key_works_at_once_and_the_previous_one_during_the_window() {
    let secret = create_secret("old-key").await;
    let app = with_interval(Settings::new(&secret).await, Duration::ZERO).app();
    assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 200);
    secrets().await.put_secret_value().secret_id(&secret).secret_string("new-key").send().await.unwrap();
    assert_eq!(status_with(&app, &[("x-api-key", "new-key")]).await, 200, "an unknown key triggers a refresh");
    assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 200, "AWSPREVIOUS is accepted in the window");
}

#[tokio::test]
async fn the_previous_version_is_read_only_when_a_key_is_not_a_current_one() {
    let secret = create_secret("old-key").await;
    secrets().await.put_secret_value().secret_id(&secret).secret_string("new-key").send().await.unwrap();
    let relay = FaultServer::start(Fault::Relay(moto().to_owned())).await;
    let mut settings = with_interval(Settings::new(&secret).await, Duration::from_secs(3600));
    settings.endpoint = relay.endpoint.clone();
    let app = settings.app();
    let stages = || -> Vec<String> {
        relay
            .bodies()
            .iter()
            .map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap()["VersionStage"].to_string())
            .collect()
    };
    assert_eq!(status_with(&app, &[("x-api-key", "new-key")]).await, 200);
    assert_eq!(stages(), ["\"AWSCURRENT\""], "a current key costs one Secrets Manager call on a cold start");
    assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 200, "the previous key, within the window");
    assert_eq!(stages(), ["\"AWSCURRENT\"", "\"AWSPREVIOUS\""]);
    for _ in 0..3 {
        assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 200);
        assert_eq!(status_with(&app, &[("x-api-key", "wrong")]).await, 401);
    }
    assert_eq!(relay.requests(), 2, "both versions are cached: no more calls, even for wrong keys");
}

#[tokio::test]
async fn the_previous_key_is_refused_outside_the_rotation_window() {
    let secret = create_secret("old-key").await;
    secrets().await.put_secret_value().secret_id(&secret).secret_string("new-key").send().await.unwrap();
    let mut settings = Settings::new(&secret).await;
    if let Some(h) = &mut settings.config.auth.keys {
        h.rotation_window = Duration::ZERO;
    }
    let app = settings.app();
    assert_eq!(status_with(&app, &[("x-api-key", "new-key")]).await, 200);
    assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 401);
}

#[tokio::test]
async fn unknown_keys_refresh_the_cache_at_most_once_per_interval() {
    let secret = create_secret("old-key").await;
    let app = with_interval(Settings::new(&secret).await, Duration::from_secs(3600)).app();
    assert_eq!(status_with(&app, &[("x-api-key", "old-key")]).await, 200);
    secrets().await.put_secret_value().secret_id(&secret).secret_string("new-key").send().await.unwrap();
    assert_eq!(
        status_with(&app, &[("x-api-key", "new-key")]).await,
        401,
        "within the interval the cached keys stand, so bad keys cannot hammer Secrets Manager"
    );
}

#[tokio::test]
async fn a_missing_secret_is_503_with_retry_after_and_service_resumes_when_it_appears() {
    let name = crate::helpers::unique("absent-secret");
    let app = with_interval(Settings::new(&name).await, Duration::ZERO).app();
    let answer = send(&app, post(INIT, &[("x-api-key", KEY)])).await;
    assert_eq!(answer.status, 503);
    assert!(answer.header("retry-after").is_some());
    assert!(!answer.text.contains(&name), "the secret's name does not leak");
    secrets().await.create_secret().name(&name).secret_string(KEY).send().await.unwrap();
    assert_eq!(status_with(&app, &[("x-api-key", KEY)]).await, 200);
}

#[tokio::test]
async fn an_unreachable_secrets_manager_is_503_within_a_bounded_time() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut settings = Settings::new("any-secret").await;
    settings.endpoint = format!("http://127.0.0.1:{closed}");
    let app = settings.app();
    let started = Instant::now();
    let answer = send(&app, post(INIT, &[("x-api-key", KEY)])).await;
    assert_eq!(answer.status, 503);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "within the 4 s Secrets Manager call budget: {took:?}");
    let body = answer.json();
    assert_eq!(body["error"]["message"], json!("Service temporarily unavailable: try again in a few seconds"));
}

#[tokio::test]
async fn a_silent_secrets_manager_is_cut_off_by_its_4_s_call_budget() {
    let silent = FaultServer::start(Fault::Silence(Duration::from_secs(60))).await;
    let mut settings = Settings::new("any-secret").await;
    settings.endpoint = silent.endpoint.clone();
    let app = settings.app();
    let started = Instant::now();
    let answer = send(&app, post(INIT, &[("x-api-key", KEY)])).await;
    let took = started.elapsed();
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert!(answer.header("retry-after").is_some());
    // The SDK's operation timeout (4 s) ends the call; the answer follows at once (0.5 s of slack).
    assert!(took < Duration::from_millis(4_500), "the 4 s call budget bounds the wait: {took:?}");
    assert!(silent.requests() >= 1, "Secrets Manager was called");
}

#[tokio::test]
async fn auth_off_lets_requests_through_without_a_key() {
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    let app = settings.app();
    assert_eq!(status_with(&app, &[]).await, 200);
}
