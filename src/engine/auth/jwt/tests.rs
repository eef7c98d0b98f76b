//! The verifier end to end: keys generated here, a JWK Set served over real HTTP on loopback by a
//! small server that counts its requests (so network behaviour is asserted, not assumed).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use super::testing::{self, b64, jwks};
use super::*;

const ISSUER: &str = "https://issuer.example.com";
const RESOURCE: &str = "https://mcp.example.com/mcp";

/// A JWK Set server: serves whatever document it holds, counting requests.
struct JwksServer {
    url: String,
    hits: Arc<AtomicUsize>,
    document: Arc<Mutex<(u16, Vec<u8>)>>,
}

impl JwksServer {
    async fn start(document: Vec<u8>) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let document = Arc::new(Mutex::new((200, document)));
        let (counter, served) = (hits.clone(), document.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = vec![0u8; 4096];
                let mut read = 0;
                while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => read += n,
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let (status, body) = served.lock().await.clone();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            }
        });
        JwksServer { url, hits, document }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    async fn serve(&self, status: u16, document: Vec<u8>) {
        *self.document.lock().await = (status, document);
    }
}

fn rules() -> ClaimRules {
    ClaimRules {
        issuer: ISSUER.into(),
        audiences: vec![RESOURCE.into()],
        client_ids: vec![],
        scope_prefix: String::new(),
        leeway: Duration::from_secs(30),
        identity_claim: Some("email".into()),
    }
}

fn verifier(url: &str, refresh_interval: Duration) -> TokenVerifier {
    let timing =
        KeyCacheTiming { ttl: Duration::from_secs(3600), refresh_interval, fetch_deadline: Duration::from_secs(5) };
    TokenVerifier::new(rules(), KeysLocation::Url(url.into()), timing)
}

fn claims() -> Value {
    json!({"iss": ISSUER, "sub": "user-1", "aud": RESOURCE, "exp": unix_now() + 300.0, "scope": "orders:read", "client_id": "c1"})
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

#[tokio::test]
async fn a_good_token_is_accepted_and_the_keys_are_fetched_once() {
    let key = testing::rsa();
    let server = JwksServer::start(jwks(&[key.jwk("k1")])).await;
    let v = verifier(&server.url, Duration::from_secs(60));
    assert_eq!(server.hits(), 0, "nothing is fetched before the first token");
    for _ in 0..3 {
        let got = v.verify(&key.token("k1", &claims())).await.unwrap();
        assert_eq!(got.subject.as_deref(), Some("user-1"));
        assert_eq!(got.scopes, vec!["orders:read"]);
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn the_identity_claim_comes_only_from_a_token_whose_signature_verified() {
    let key = testing::rsa();
    let server = JwksServer::start(jwks(&[key.jwk("k1")])).await;
    let v = verifier(&server.url, Duration::from_secs(60));
    let signed = with(claims(), "email", json!("jane.doe@example.com"));
    let got = v.verify(&key.token("k1", &signed)).await.unwrap();
    assert_eq!(got.identity.as_deref(), Some("jane.doe@example.com"));
    assert_eq!(v.verify(&key.token("k1", &claims())).await.unwrap().identity, None, "a token without it");
    // A good token whose payload someone swapped for one with the claim: refused, so no claim
    // reaches anyone.
    let good = key.token("k1", &claims());
    let parts: Vec<&str> = good.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], b64(signed.to_string()), parts[2]);
    assert_eq!(v.verify(&forged).await.unwrap_err(), TokenError::BadSignature);
    let keys = KeySet::parse(&jwks(&[key.jwk("k1")])).unwrap();
    let offline = verify_with(&rules(), &keys, &key.token("k1", &signed), unix_now()).unwrap();
    assert_eq!(offline.identity.as_deref(), Some("jane.doe@example.com"), "the warm path keeps it too");
}

#[tokio::test]
async fn tokens_refused_on_their_face_never_touch_the_network() {
    let key = testing::rsa();
    let server = JwksServer::start(jwks(&[key.jwk("k1")])).await;
    let v = verifier(&server.url, Duration::ZERO);
    let cases = [
        ("not a jwt".to_owned(), TokenError::Malformed),
        ("x".repeat(MAX_TOKEN_BYTES + 1), TokenError::TooLarge),
        (key.token("k1", &with(claims(), "exp", json!(unix_now() - 3600.0))), TokenError::Expired),
        (key.token("k1", &with(claims(), "nbf", json!(unix_now() + 3600.0))), TokenError::NotYetValid),
        (key.token("k1", &with(claims(), "iss", json!("https://evil.example.com"))), TokenError::WrongIssuer),
        (key.token("k1", &with(claims(), "aud", json!("https://other.example.com/mcp"))), TokenError::WrongAudience),
        (format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(claims().to_string())), TokenError::UnsupportedAlgorithm),
        (format!("{}.{}.c2ln", b64(r#"{"alg":"none"}"#), b64(claims().to_string())), TokenError::UnsupportedAlgorithm),
    ];
    for (token, expected) in cases {
        assert_eq!(v.verify(&token).await.unwrap_err(), expected);
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn hmac_signed_with_the_public_key_is_refused() {
    let key = testing::rsa();
    let jwk = key.jwk("k1");
    let server = JwksServer::start(jwks(std::slice::from_ref(&jwk))).await;
    let v = verifier(&server.url, Duration::from_secs(60));
    // The classic confusion: HS256 with the published key's bytes as the HMAC secret.
    let input = format!("{}.{}", b64(r#"{"alg":"HS256","kid":"k1"}"#), b64(claims().to_string()));
    for secret in [jwk.to_string().into_bytes(), jwk["n"].as_str().unwrap().as_bytes().to_vec()] {
        let mac =
            aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &secret), input.as_bytes());
        let forged = format!("{input}.{}", b64(mac.as_ref()));
        assert_eq!(v.verify(&forged).await.unwrap_err(), TokenError::UnsupportedAlgorithm);
    }
}

#[tokio::test]
async fn a_tampered_payload_fails_the_signature() {
    let key = testing::ec();
    let server = JwksServer::start(jwks(&[key.jwk("e1")])).await;
    let v = verifier(&server.url, Duration::from_secs(60));
    let good = key.token("e1", &claims());
    let parts: Vec<&str> = good.split('.').collect();
    let widened = b64(with(claims(), "scope", json!("orders:read orders:cancel")).to_string());
    let tampered = format!("{}.{widened}.{}", parts[0], parts[2]);
    assert_eq!(v.verify(&tampered).await.unwrap_err(), TokenError::BadSignature);
    assert!(v.verify(&good).await.is_ok());
}

#[tokio::test]
async fn an_unknown_kid_refreshes_at_most_once_per_interval() {
    let (old, new) = (testing::ec(), testing::ec());
    let server = JwksServer::start(jwks(&[old.jwk("old")])).await;
    let v = verifier(&server.url, Duration::from_secs(3600));
    assert!(v.verify(&old.token("old", &claims())).await.is_ok());
    assert_eq!(server.hits(), 1);
    // A flood of made-up kids costs no request: the last fetch was just now.
    let stranger = testing::ec();
    for i in 0..20 {
        let err = v.verify(&stranger.token(&format!("made-up-{i}"), &claims())).await.unwrap_err();
        assert_eq!(err, TokenError::UnknownKey);
    }
    assert_eq!(server.hits(), 1, "no amplification");
    // Once the interval has passed, a rotated-in key is found by one refresh.
    let eager = verifier(&server.url, Duration::ZERO);
    assert!(eager.verify(&old.token("old", &claims())).await.is_ok());
    server.serve(200, jwks(&[old.jwk("old"), new.jwk("new")])).await;
    assert!(eager.verify(&new.token("new", &claims())).await.is_ok());
    assert!(eager.verify(&old.token("old", &claims())).await.is_ok());
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn an_unreachable_issuer_means_unavailable_and_cached_keys_outlive_it() {
    let key = testing::ed();
    let server = JwksServer::start(b"oops".to_vec()).await;
    server.serve(503, b"down".to_vec()).await;
    let v = verifier(&server.url, Duration::ZERO);
    assert_eq!(v.verify(&key.token("d", &claims())).await.unwrap_err(), TokenError::KeysUnavailable);
    server.serve(200, jwks(&[key.jwk("d")])).await;
    assert!(v.verify(&key.token("d", &claims())).await.is_ok());
    server.serve(500, b"down again".to_vec()).await;
    let other = testing::ed();
    assert_eq!(v.verify(&other.token("x", &claims())).await.unwrap_err(), TokenError::UnknownKey);
    assert!(v.verify(&key.token("d", &claims())).await.is_ok(), "the cached key still works");
}

#[tokio::test]
async fn a_plain_http_issuer_off_loopback_is_never_contacted() {
    let key = testing::rsa();
    let v = verifier("http://issuer.example.com/jwks", Duration::ZERO);
    assert_eq!(v.verify(&key.token("k1", &claims())).await.unwrap_err(), TokenError::KeysUnavailable);
}

#[tokio::test]
async fn the_keys_url_is_discovered_from_the_issuer_metadata() {
    let key = testing::rsa();
    let server = JwksServer::start(jwks(&[key.jwk("k1")])).await;
    let issuer = server.url.trim_end_matches("/jwks").to_owned();
    let metadata = json!({"issuer": issuer, "jwks_uri": server.url}).to_string().into_bytes();
    // The same server answers every path: the metadata first, then the key set.
    server.serve(200, metadata).await;
    let mut rules = rules();
    rules.issuer = issuer.clone();
    let timing = KeyCacheTiming {
        ttl: Duration::from_secs(3600),
        refresh_interval: Duration::ZERO,
        fetch_deadline: Duration::from_secs(5),
    };
    let v = TokenVerifier::new(rules, KeysLocation::Discover { issuer: issuer.clone() }, timing);
    let token = key.token("k1", &with(claims(), "iss", json!(issuer)));
    // The metadata document is no key set: the first verification finds no keys.
    assert_eq!(v.verify(&token).await.unwrap_err(), TokenError::KeysUnavailable);
    server.serve(200, jwks(&[key.jwk("k1")])).await;
    assert!(v.verify(&token).await.is_ok(), "the discovered URL is kept");
    assert_eq!(server.hits(), 3);
}

#[test]
fn verify_with_runs_the_same_checks_without_the_network() {
    let key = testing::ec();
    let keys = KeySet::parse(&jwks(&[key.jwk("e1")])).unwrap();
    let now = unix_now();
    let good = key.token("e1", &claims());
    assert_eq!(verify_with(&rules(), &keys, &good, now).unwrap().subject.as_deref(), Some("user-1"));
    let stranger = testing::ec().token("e1", &claims());
    assert_eq!(verify_with(&rules(), &keys, &stranger, now).unwrap_err(), TokenError::BadSignature);
    assert_eq!(verify_with(&rules(), &keys, &key.token("e2", &claims()), now).unwrap_err(), TokenError::UnknownKey);
    let late = key.token("e1", &with(claims(), "exp", json!(now - 120.0)));
    assert_eq!(verify_with(&rules(), &keys, &late, now).unwrap_err(), TokenError::Expired);
}

/// A measurement, not a test: the time one warm verification takes on one thread (the keys
/// cached and parsed), for RS256 and ES256. Run in release:
/// `cargo test --release --lib warm_verification_time -- --ignored --nocapture`.
#[test]
#[ignore]
fn warm_verification_time() {
    let (rsa, ec) = (testing::rsa(), testing::ec());
    let keys = KeySet::parse(&jwks(&[rsa.jwk("r"), ec.jwk("e")])).unwrap();
    let (now, rules) = (unix_now(), rules());
    for (name, token) in [("RS256", rsa.token("r", &claims())), ("ES256", ec.token("e", &claims()))] {
        assert!(verify_with(&rules, &keys, &token, now).is_ok());
        let rounds = 20_000;
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(verify_with(&rules, &keys, std::hint::black_box(&token), now).is_ok());
        }
        let micros = started.elapsed().as_secs_f64() * 1e6 / rounds as f64;
        println!("warm verification, {name}, {} byte token: {micros:.1} µs per token ({rounds} rounds)", token.len());
    }
}
