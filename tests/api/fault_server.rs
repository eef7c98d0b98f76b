//! A local HTTP server that answers AWS JSON-protocol calls with faults no emulator produces on
//! demand: throttling, 5xx, or silence past the SDK's timeouts. It counts the requests it gets,
//! so tests can check that retries are bounded. Real HTTP on loopback: the SDK is not mocked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What every request gets.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// 400 with a `ThrottlingException` (DynamoDB's retryable throttle).
    Throttle,
    /// 500 with an `InternalServerError`.
    ServerError,
    /// No answer for this long.
    Silence(Duration),
}

/// A running fault server.
pub struct FaultServer {
    pub endpoint: String,
    requests: Arc<AtomicUsize>,
}

impl FaultServer {
    /// Starts a server on a free loopback port; it lives as long as the test's runtime.
    pub async fn start(fault: Fault) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    loop {
                        if !read_request(&mut socket).await {
                            return;
                        }
                        counter.fetch_add(1, Ordering::SeqCst);
                        let answer = match fault {
                            Fault::Silence(delay) => {
                                tokio::time::sleep(delay).await;
                                return;
                            }
                            Fault::Throttle => response(
                                400,
                                "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                                "Rate of requests exceeds the allowed throughput.",
                            ),
                            Fault::ServerError => response(
                                500,
                                "com.amazonaws.dynamodb.v20120810#InternalServerError",
                                "Internal server error",
                            ),
                        };
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        FaultServer { endpoint, requests }
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one HTTP/1.1 request (headers, then `content-length` bytes of body); false at EOF.
async fn read_request(socket: &mut tokio::net::TcpStream) -> bool {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
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
            Ok(0) | Err(_) => return false,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

fn response(status: u16, error_type: &str, message: &str) -> String {
    let body = format!(r#"{{"__type":"{error_type}","message":"{message}"}}"#);
    let reason = if status == 400 { "Bad Request" } else { "Internal Server Error" };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amzn-requestid: fault\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}
