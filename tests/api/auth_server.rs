//! A real OAuth 2.1 authorization server for the tests: `tests/oauth/auth_server.mjs`
//! (oidc-provider) on a free loopback port, one per test binary, stopped when the binary exits.
//! Tokens come from its token endpoint (client credentials, resource indicators; an end user's
//! through the authorization code + PKCE flow that `/test/user-token` drives headless); the
//! hostile ones a real server never issues come from its test-only `/test/mint`, signed with its
//! own key.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::root;

/// The resource (this server's canonical URL) the authorization server issues tokens for.
pub const RESOURCE: &str = "https://mcp.example.com/mcp";
/// Another resource it also serves: its tokens must be refused here.
pub const OTHER_RESOURCE: &str = "https://other.example.com/mcp";

/// The running server.
pub struct AuthServer {
    pub issuer: String,
    info: Value,
}

static SERVER: OnceLock<AuthServer> = OnceLock::new();

/// The authorization server, started on first use.
pub fn auth_server() -> &'static AuthServer {
    SERVER.get_or_init(|| {
        let dir = root().join("tests/oauth");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "tests/oauth has no node_modules: run scripts/bootstrap (or npm ci in tests/oauth)"
        );
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
        let mut child = Command::new("node")
            .current_dir(&dir)
            .args(["auth_server.mjs", "--port", &port, "--resource", RESOURCE, "--other-resource", OTHER_RESOURCE])
            .arg("--exit-with-stdin")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node tests/oauth/auth_server.mjs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("the server's ready line");
        let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("auth server did not start: {e}"));
        // Its stdin stays open as long as this process lives; then the server exits.
        std::mem::forget(child);
        AuthServer { issuer: info["issuer"].as_str().unwrap().to_owned(), info }
    })
}

impl AuthServer {
    /// An access token for `resource` from the client credentials grant of the pre-registered
    /// client `which` (`machine`: every scope; `reader`: `orders:read` only).
    pub fn client_credentials(&self, which: &str, resource: &str, scope: &str) -> String {
        let client = &self.info["clients"][which];
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            client["client_id"].as_str().unwrap(),
            client["client_secret"].as_str().unwrap()
        ));
        let form = format!("grant_type=client_credentials&resource={}&scope={}", encode(resource), encode(scope));
        let (status, body) = http(
            "POST",
            &format!("{}/token", self.issuer),
            &[("authorization", &format!("Basic {basic}")), ("content-type", "application/x-www-form-urlencoded")],
            &form,
        );
        assert_eq!(status, 200, "token endpoint: {body}");
        serde_json::from_str::<Value>(&body).unwrap()["access_token"].as_str().unwrap().to_owned()
    }

    /// An end user's access token for [`RESOURCE`] with every scope, from the authorization code
    /// flow with PKCE: `account` signs in and consents. With `email`, the account's profile (and
    /// so the token) carries it, and `email_verified` when given; without, the token carries
    /// neither.
    pub fn user_token(&self, account: &str, email: Option<&str>, email_verified: Option<bool>) -> String {
        let mut profile = json!({"account": account, "resource": RESOURCE});
        if let Some(email) = email {
            profile["email"] = json!(email);
        }
        if let Some(verified) = email_verified {
            profile["email_verified"] = json!(verified);
        }
        let (status, text) = http("POST", &format!("{}/test/user-token", self.issuer), &[], &profile.to_string());
        assert_eq!(status, 200, "user token: {text}");
        serde_json::from_str::<Value>(&text).unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// A token signed as the test asks: `sign` is `issuer` (the server's own key), `stranger` (a
    /// key it never published), `hs256-public-jwk` / `hs256-public-n` (HMAC keyed with its public
    /// key) or `none`.
    pub fn mint(&self, header: Value, claims: Value, sign: &str) -> String {
        let body = json!({"header": header, "claims": claims, "sign": sign}).to_string();
        let (status, text) = http("POST", &format!("{}/test/mint", self.issuer), &[], &body);
        assert_eq!(status, 200, "mint: {text}");
        serde_json::from_str::<Value>(&text).unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// Claims of a good token for [`RESOURCE`], valid for five minutes.
    pub fn claims(&self, scope: &str) -> Value {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        json!({"iss": self.issuer, "sub": "alice", "aud": RESOURCE, "iat": now, "exp": now + 300,
               "scope": scope, "client_id": "minted-client"})
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One HTTP/1.1 request to a loopback `http://` URL: the status and the body.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("a loopback http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(authority).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}
