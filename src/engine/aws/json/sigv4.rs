//! AWS Signature Version 4 for the one request shape an AWS JSON 1.0 call has: `POST` to the
//! endpoint's path, no query string, and five signed headers (`content-type`, `host`,
//! `x-amz-date`, `x-amz-security-token` when the credentials have one, `x-amz-target`).
//!
//! The SDK's signer (`aws-sigv4`) is general: it canonicalises any request and derives the
//! signing key on every call, with software SHA-256. This one builds the canonical request
//! directly, hashes with aws-lc (SHA-NI where the CPU has it) and derives the signing key once a
//! day per secret. Its output is checked against `aws-sigv4`'s for the same inputs (tests below).

use std::sync::Mutex;

use aws_lc_rs::{digest, hmac};

/// What one signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The `Host` header sent (`dynamodb.eu-west-1.amazonaws.com`, or `127.0.0.1:8000`).
    pub host: &'a str,
    /// The request path (`/` for every AWS JSON service's regional endpoint).
    pub path: &'a str,
    /// `YYYYMMDD'T'HHMMSS'Z'`, also sent as `x-amz-date`.
    pub amz_date: &'a str,
    /// `x-amz-target`, e.g. `DynamoDB_20120810.Query`.
    pub target: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

/// The credentials a signature is made with.
#[derive(Clone, Copy)]
pub struct Secret<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The derived key of one day, for one secret.
struct DayKey {
    date: String,
    secret_digest: digest::Digest,
    key: hmac::Key,
}

/// Signs requests to one service in one region.
pub struct Signer {
    region: String,
    service: &'static str,
    day_key: Mutex<Option<DayKey>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("region", &self.region).field("service", &self.service).finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

fn hmac_bytes(key: &[u8], data: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
}

/// A path as SigV4 canonicalises it for every service but S3: each byte outside the unreserved
/// set and `/` percent-encoded (so an already-encoded `%2F` becomes `%252F`, the double encoding
/// the specification asks for).
fn canonical_path(path: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Signer {
    pub fn new(region: impl Into<String>, service: &'static str) -> Self {
        Signer { region: region.into(), service, day_key: Mutex::new(None) }
    }

    /// The `Authorization` header's value for `input` made with `secret`.
    pub fn authorization(&self, input: &SigningInput<'_>, secret: &Secret<'_>) -> String {
        let date = &input.amz_date[..input.amz_date.len().min(8)];
        let signed_headers = if secret.session_token.is_some() {
            "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        } else {
            "content-type;host;x-amz-date;x-amz-target"
        };
        let token_line =
            secret.session_token.map(|t| format!("x-amz-security-token:{}\n", t.trim())).unwrap_or_default();
        let canonical = format!(
            "POST\n{path}\n\ncontent-type:{content_type}\nhost:{host}\nx-amz-date:{amz_date}\n{token_line}x-amz-target:{target}\n\n{signed_headers}\n{payload}",
            path = canonical_path(input.path),
            content_type = input.content_type.trim(),
            host = input.host.trim(),
            amz_date = input.amz_date,
            target = input.target.trim(),
            payload = hex(digest::digest(&digest::SHA256, input.body).as_ref()),
        );
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
            input.amz_date,
            hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
        );
        let signature = hmac::sign(&self.day_key(date, secret.secret_access_key), string_to_sign.as_bytes());
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={}",
            secret.access_key_id,
            hex(signature.as_ref())
        )
    }

    /// The signing key of `date` for `secret_access_key`, derived once and kept until the date
    /// or the secret changes.
    fn day_key(&self, date: &str, secret_access_key: &str) -> hmac::Key {
        let secret_digest = digest::digest(&digest::SHA256, secret_access_key.as_bytes());
        let mut cached = self.day_key.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(day) = cached.as_ref()
            && day.date == date
            && day.secret_digest.as_ref() == secret_digest.as_ref()
        {
            return day.key.clone();
        }
        let k_date = hmac_bytes(format!("AWS4{secret_access_key}").as_bytes(), date.as_bytes());
        let k_region = hmac_bytes(k_date.as_ref(), self.region.as_bytes());
        let k_service = hmac_bytes(k_region.as_ref(), self.service.as_bytes());
        let k_signing = hmac_bytes(k_service.as_ref(), b"aws4_request");
        let key = hmac::Key::new(hmac::HMAC_SHA256, k_signing.as_ref());
        *cached = Some(DayKey { date: date.to_owned(), secret_digest, key: key.clone() });
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4::SigningParams;

    const BODY: &[u8] = br#"{"TableName":"orders","KeyConditionExpression":"pk = :pk"}"#;

    /// The `Authorization` header aws-sigv4 (the SDK's signer) makes for the same request.
    fn reference(input: &SigningInput<'_>, secret: &Secret<'_>, time: SystemTime, region: &str) -> String {
        let credentials = aws_sdk_dynamodb::config::Credentials::new(
            secret.access_key_id,
            secret.secret_access_key,
            secret.session_token.map(str::to_owned),
            None,
            "test",
        );
        let identity = credentials.into();
        let params = SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("dynamodb")
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let headers = [
            ("content-type", input.content_type),
            ("host", input.host),
            ("x-amz-date", input.amz_date),
            ("x-amz-target", input.target),
        ];
        let uri = format!("http://{}{}", input.host, input.path);
        let request = SignableRequest::new("POST", &uri, headers.into_iter(), SignableBody::Bytes(input.body)).unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let (headers, _) = instructions.into_parts();
        headers.iter().find(|h| h.name() == "authorization").unwrap().value().to_owned()
    }

    fn check(host: &str, path: &str, token: Option<&str>, region: &str) {
        let time = UNIX_EPOCH + Duration::from_secs(1_796_148_000);
        let input = SigningInput {
            host,
            path,
            amz_date: "20261201T180000Z",
            target: "DynamoDB_20120810.Query",
            content_type: "application/x-amz-json-1.0",
            body: BODY,
        };
        let secret = Secret {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: token,
        };
        let signer = Signer::new(region, "dynamodb");
        let ours = signer.authorization(&input, &secret);
        assert_eq!(ours, reference(&input, &secret, time, region), "{host}{path} token={token:?}");
        assert_eq!(signer.authorization(&input, &secret), ours, "the cached day key signs the same");
    }

    #[test]
    fn signatures_match_the_sdk_signer() {
        check("dynamodb.eu-west-1.amazonaws.com", "/", None, "eu-west-1");
        check("dynamodb.eu-west-1.amazonaws.com", "/", Some("IQoJb3JpZ2luX2VjE//session+token="), "eu-west-1");
        check("127.0.0.1:8000", "/", Some("token"), "us-east-1");
        check("localhost:4566", "/prefix/ddb", None, "us-east-1");
    }

    #[test]
    fn the_day_key_follows_the_date_and_the_secret() {
        let signer = Signer::new("us-east-1", "dynamodb");
        let input = |amz_date| SigningInput {
            host: "h",
            path: "/",
            amz_date,
            target: "T.Op",
            content_type: "application/x-amz-json-1.0",
            body: b"{}",
        };
        let secret = |s| Secret { access_key_id: "AK", secret_access_key: s, session_token: None };
        let a = signer.authorization(&input("20261201T000000Z"), &secret("one"));
        let b = signer.authorization(&input("20261201T000000Z"), &secret("two"));
        let c = signer.authorization(&input("20261201T000000Z"), &secret("one"));
        let d = signer.authorization(&input("20261202T000000Z"), &secret("one"));
        assert_ne!(a, b);
        assert_eq!(a, c);
        assert_ne!(a, d);
        assert!(d.contains("Credential=AK/20261202/us-east-1/dynamodb/aws4_request"), "{d}");
    }

    #[test]
    fn paths_are_encoded_as_sigv4_asks() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/a b/%2F~"), "/a%20b/%252F~");
    }
}
