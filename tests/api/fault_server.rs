//! A local HTTP server that answers AWS JSON-protocol calls with faults no emulator produces on
//! demand: throttling, 5xx, or silence past the SDK's timeouts. It counts the requests it gets,
//! so tests can check that retries are bounded; as a relay in front of moto, it records which
//! calls the function makes. Real HTTP on loopback: the SDK is not mocked.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What every request gets.
#[derive(Clone)]
pub enum Fault {
    /// No fault: passed on to this upstream endpoint (`http://host:port`), and recorded.
    Relay(String),
    /// 400 with a `ThrottlingException` (DynamoDB's retryable throttle).
    Throttle,
    /// 500 with an `InternalServerError`.
    ServerError,
    /// No answer for this long.
    Silence(Duration),
    /// The first `relayed` requests passed on to `upstream`; no answer to any later one (a
    /// function that dies after its first call got through).
    RelayThenSilence { upstream: String, relayed: usize },
    /// 400 with an `AccessDeniedException` whose message, like AWS's, names the caller's role,
    /// the action and the resource's ARN (which holds the table or secret name).
    AccessDenied { resource_arn: String },
    /// The first `rejected` requests get a 400 `ExpiredTokenException` (credentials AWS says have
    /// expired); later ones are passed on to `upstream`.
    ExpiredTokenThen { upstream: String, rejected: usize },
    /// Passed on to this upstream endpoint, but each request is first shown to the hook (its
    /// `X-Amz-Target` operation, e.g. `PutItem`, and its body), which may act on the upstream
    /// itself (another caller's write landing in between) and says what happens next.
    Intercept(String, Hook),
}

/// What an [`Fault::Intercept`] hook decides for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Pass it on and return the answer.
    Relay,
    /// Pass it on (the upstream applies it) but never answer: the caller times out not knowing.
    RelayAndLoseTheAnswer,
}

/// An interception hook: `(operation, body)` to a verdict, after any action of its own.
pub type Hook = Arc<dyn Fn(String, String) -> Pin<Box<dyn Future<Output = Verdict> + Send>> + Send + Sync>;

/// The operation a request names in `X-Amz-Target` (`DynamoDB_20120810.PutItem` -> `PutItem`).
fn operation(request: &[u8], body_at: usize) -> String {
    let head = String::from_utf8_lossy(&request[..body_at]).to_ascii_lowercase();
    let original = String::from_utf8_lossy(&request[..body_at]).into_owned();
    head.lines()
        .position(|l| l.starts_with("x-amz-target:"))
        .and_then(|i| original.lines().nth(i))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().rsplit('.').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// The role ARN an [`Fault::AccessDenied`] message names.
pub const DENIED_ROLE_ARN: &str = "arn:aws:sts::123456789012:assumed-role/lambda-mcp-role/lambda-mcp";

/// A running fault server.
pub struct FaultServer {
    pub endpoint: String,
    requests: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<String>>>,
    targets: Arc<Mutex<Vec<String>>>,
    /// The upstream's answer bodies of relayed requests, by request index.
    answers: Arc<Mutex<Vec<(usize, String)>>>,
}

impl FaultServer {
    /// Starts a server on a free loopback port; it lives as long as the test's runtime.
    pub async fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let targets = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(Vec::new()));
        let (counter, recorded, named) = (requests.clone(), bodies.clone(), targets.clone());
        let answered = answers.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (counter, recorded, fault) = (counter.clone(), recorded.clone(), fault.clone());
                let (named, answered) = (named.clone(), answered.clone());
                tokio::spawn(async move {
                    loop {
                        let Some((request, body_at)) = read_message(&mut socket).await else {
                            return;
                        };
                        let seen = counter.fetch_add(1, Ordering::SeqCst);
                        recorded.lock().unwrap().push(String::from_utf8_lossy(&request[body_at..]).into_owned());
                        named.lock().unwrap().push(target(&request[..body_at]));
                        let answer = match &fault {
                            Fault::Relay(upstream) => match relay(upstream, &request).await {
                                Some(answer) => {
                                    answered.lock().unwrap().push((seen, body_of(&answer)));
                                    answer
                                }
                                None => return,
                            },
                            Fault::RelayThenSilence { upstream, relayed } if seen < *relayed => {
                                match relay(upstream, &request).await {
                                    Some(answer) => answer,
                                    None => return,
                                }
                            }
                            Fault::RelayThenSilence { .. } => {
                                tokio::time::sleep(Duration::from_secs(60)).await;
                                return;
                            }
                            Fault::Intercept(upstream, hook) => {
                                let body = String::from_utf8_lossy(&request[body_at..]).into_owned();
                                let verdict = hook(operation(&request, body_at), body).await;
                                let Some(answer) = relay(upstream, &request).await else { return };
                                if verdict == Verdict::RelayAndLoseTheAnswer {
                                    tokio::time::sleep(Duration::from_secs(60)).await;
                                    return;
                                }
                                answer
                            }
                            Fault::ExpiredTokenThen { upstream, rejected } if seen >= *rejected => {
                                match relay(upstream, &request).await {
                                    Some(answer) => answer,
                                    None => return,
                                }
                            }
                            Fault::ExpiredTokenThen { .. } => response(
                                400,
                                "com.amazon.coral.service#ExpiredTokenException",
                                "The security token included in the request is expired",
                            )
                            .into_bytes(),
                            Fault::Silence(delay) => {
                                tokio::time::sleep(*delay).await;
                                return;
                            }
                            Fault::AccessDenied { resource_arn } => {
                                access_denied(&request[..body_at], resource_arn).into_bytes()
                            }
                            Fault::Throttle => response(
                                400,
                                "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                                "Rate of requests exceeds the allowed throughput.",
                            )
                            .into_bytes(),
                            Fault::ServerError => response(
                                500,
                                "com.amazonaws.dynamodb.v20120810#InternalServerError",
                                "Internal server error",
                            )
                            .into_bytes(),
                        };
                        if socket.write_all(&answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FaultServer { endpoint, requests, bodies, targets, answers }
    }

    /// The upstream's answer body to request `index` (in the order of [`Self::bodies`]), when a
    /// [`Fault::Relay`] passed it on and got one.
    pub fn answer(&self, index: usize) -> Option<String> {
        let answers = self.answers.lock().unwrap();
        answers.iter().find(|(i, _)| *i == index).map(|(_, body)| body.clone())
    }

    /// The `X-Amz-Target` of each request received so far (`DynamoDB_20120810.GetItem`, ...), in
    /// the order of [`Self::bodies`].
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }

    /// The bodies of the requests received so far, in order.
    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// A request head's `X-Amz-Target`, or an empty string.
fn target(head: &[u8]) -> String {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .find_map(|line| line.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("x-amz-target")))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default()
}

/// The body of an HTTP message (after the blank line that ends its head).
fn body_of(message: &[u8]) -> String {
    let at = message.windows(4).position(|w| w == b"\r\n\r\n").map_or(message.len(), |at| at + 4);
    String::from_utf8_lossy(&message[at..]).into_owned()
}

/// Passes one request to `upstream` on a new connection and returns its response.
async fn relay(upstream: &str, request: &[u8]) -> Option<Vec<u8>> {
    let mut connection = tokio::net::TcpStream::connect(upstream.trim_start_matches("http://")).await.ok()?;
    connection.write_all(request).await.ok()?;
    read_message(&mut connection).await.map(|(response, _)| response)
}

/// Reads one HTTP/1.1 message (headers, then `content-length` bytes of body): the bytes and
/// where the body starts; `None` at EOF.
async fn read_message(socket: &mut tokio::net::TcpStream) -> Option<(Vec<u8>, usize)> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    };
    let headers = String::from_utf8_lossy(&data[..header_end]).to_ascii_lowercase();
    let length: usize = headers
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < header_end + length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
    Some((data, header_end))
}

/// AWS's answer to a call the role may not make: `dynamodb:Query`, `secretsmanager:GetSecretValue`.
fn access_denied(head: &[u8], resource_arn: &str) -> String {
    let head = String::from_utf8_lossy(head);
    let target = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("x-amz-target")))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    let (service, operation) = target.split_once('.').unwrap_or(("unknown", "Unknown"));
    let service = service.split('_').next().unwrap_or(service).to_ascii_lowercase();
    let action = format!("{service}:{operation}");
    let message = format!(
        "User: {DENIED_ROLE_ARN} is not authorized to perform: {action} on resource: {resource_arn} \
         because no identity-based policy allows the {action} action"
    );
    response(400, "AccessDeniedException", &message)
}

fn response(status: u16, error_type: &str, message: &str) -> String {
    let body = format!(r#"{{"__type":"{error_type}","message":"{message}"}}"#);
    let reason = if status == 400 { "Bad Request" } else { "Internal Server Error" };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: fault\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}
