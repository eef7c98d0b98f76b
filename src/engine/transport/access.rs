//! The HTTP face of authentication: the refusal each [`AuthError`] gets (401, 404 or 503), the
//! 403 for a tool outside the caller's scopes, with the `WWW-Authenticate` challenges the MCP
//! authorization spec prescribes when OAuth is on, and the RFC 9728 protected resource metadata.
//! No refusal quotes what was presented.

use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::Value;

use super::response::{self, UNAUTHORIZED};
use crate::engine::auth::{AuthError, Authenticator, ResourceServer, TokenError, Via};
use crate::engine::protocol::McpServer;

/// The refusal for `error`. With OAuth on, a 401 names `scopes` so a client asks for a token
/// that covers them.
pub(super) fn refusal(auth: &Authenticator, error: AuthError, scopes: &[&str]) -> Response<Body> {
    match error {
        AuthError::Unavailable | AuthError::BadToken(TokenError::KeysUnavailable) => response::unavailable(),
        AuthError::BadUrlKey => response::not_found(),
        AuthError::Missing | AuthError::BadKey => unauthorized(auth, None, scopes),
        AuthError::TokenInQuery => unauthorized(
            auth,
            Some(("invalid_request", "Access tokens are not accepted in the query string; send Authorization: Bearer")),
            scopes,
        ),
        AuthError::BadToken(TokenError::Expired) => {
            unauthorized(auth, Some(("invalid_token", "The access token expired")), scopes)
        }
        AuthError::BadToken(_) => {
            unauthorized(auth, Some(("invalid_token", "The access token is not valid for this server")), scopes)
        }
    }
}

/// The 401: with OAuth on, its challenge points at the resource metadata and names the scopes.
/// A missing and a wrong key get the same answer.
fn unauthorized(auth: &Authenticator, error: Option<(&str, &str)>, scopes: &[&str]) -> Response<Body> {
    let ways = ways_to_authenticate(auth);
    let message = match error {
        Some((_, description)) => format!("Unauthorized: {description}"),
        None => format!("Unauthorized: send {ways}"),
    };
    let mut response = response::refusal(StatusCode::UNAUTHORIZED, UNAUTHORIZED, &message, None);
    let challenge = match auth.oauth() {
        Some(oauth) => oauth.challenge(error, scopes),
        None => "Bearer realm=\"mcp\"".into(),
    };
    insert_challenge(&mut response, &challenge);
    response
}

/// What a client may send, in words.
fn ways_to_authenticate(auth: &Authenticator) -> String {
    let mut ways = Vec::new();
    if auth.oauth().is_some() {
        ways.push("an OAuth access token for this server as `Authorization: Bearer <token>`".to_owned());
    }
    if let Some(header) = auth.key_header() {
        ways.push(format!("a valid API key in the `{header}` header or as `Authorization: Bearer <key>`"));
    }
    if auth.keys_in_url() {
        ways.push("the endpoint URL that carries your key".to_owned());
    }
    ways.join(", or ")
}

/// The 403 for a tool outside the caller's scopes, with `body` (the JSON-RPC error). An OAuth caller
/// also gets the `insufficient_scope` challenge that starts a client's step-up authorization.
pub(super) fn forbidden(auth: Option<&Authenticator>, via: Via, scope: Option<&str>, body: &Value) -> Response<Body> {
    let mut response = response::json(StatusCode::FORBIDDEN, body);
    if let (Some(oauth), Via::OAuth, Some(scope)) = (auth.and_then(Authenticator::oauth), via, scope) {
        let description = "The access token lacks the scope this tool needs";
        insert_challenge(&mut response, &oauth.challenge(Some(("insufficient_scope", description)), &[scope]));
    }
    response
}

fn insert_challenge(response: &mut Response<Body>, challenge: &str) {
    // Built from configuration and fixed texts only; a value a header cannot carry is left out.
    if let Ok(value) = HeaderValue::from_str(challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
}

/// `GET` of the protected resource metadata (RFC 9728): public, readable from any origin.
pub(super) fn metadata(oauth: &ResourceServer, server: &McpServer, method: &Method) -> Response<Body> {
    if method != Method::GET {
        return response::method_not_allowed_except("GET");
    }
    let mut response = response::json(StatusCode::OK, &oauth.metadata(&server.tools.scopes(), &server.info.title));
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}
