//! The shared test harness: a real moto server (DynamoDB + Secrets Manager over HTTP on loopback,
//! one per test binary, stopped when the binary exits), a seeded table, a secret holding the API
//! key, and the real handler driven with Lambda events.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use lambda_http::{Body, Request, Response};
use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::{AwsContext, AwsSettings};
use lambda_mcp::engine::config::{AuthSettings, Config, KeySettings, Observability};
use lambda_mcp::engine::transport::Endpoint;
use lambda_mcp::order_desk::seed::{self, demo};
use lambda_mcp::order_desk::store::dynamo::DynamoStore;
use lambda_mcp::order_desk::trust::TrustModel;
use lambda_mcp::order_desk::{self, server_info};

/// The served endpoint, as the tests call it.
pub type App = Endpoint;
use serde_json::{Value, json};

/// The key the events in events/ carry.
pub const KEY: &str = "lambda-mcp-local-dev-key";
/// A seeded order (shipped, with tracking).
pub const ORDER: &str = "1000001";

static MOTO: OnceLock<String> = OnceLock::new();
static SEEDED: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The moto endpoint, starting moto on first use. `LAMBDA_MCP_TEST_AWS_ENDPOINT` reuses a
/// running server instead.
pub fn moto() -> &'static str {
    MOTO.get_or_init(|| {
        if let Ok(endpoint) = std::env::var("LAMBDA_MCP_TEST_AWS_ENDPOINT") {
            return endpoint;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let python = root().join(".tools/aws/bin/python");
        assert!(python.exists(), "moto is not installed: run scripts/bootstrap first");
        // The wrapper stops moto when our end of its stdin closes, i.e. when this process exits.
        // scripts/moto_server.py serialises moto's request handling, as DynamoDB serialises writes.
        let wrapper = "import subprocess,sys\n\
            p=subprocess.Popen([sys.executable,sys.argv[2],'-H','127.0.0.1','-p',sys.argv[1]],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n\
            sys.stdin.read()\np.terminate()";
        let child: Child = Command::new(python)
            .args(["-c", wrapper, &port.to_string(), &root().join("scripts/moto_server.py").to_string_lossy()])
            .stdin(Stdio::piped())
            .spawn()
            .expect("start moto");
        std::mem::forget(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not start within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        format!("http://127.0.0.1:{port}")
    })
}

/// AWS settings pointing at the local server.
pub fn aws_settings(endpoint: &str) -> AwsSettings {
    AwsSettings {
        endpoint_url: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..AwsSettings::default()
    }
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A Secrets Manager client on the local server.
pub async fn secrets() -> aws_sdk_secretsmanager::Client {
    let aws = AwsContext::new(aws_settings(moto()));
    aws_sdk_secretsmanager::Client::new(aws.sdk_config().await)
}

/// Creates a secret holding `value`; returns its name.
pub async fn create_secret(value: &str) -> String {
    let name = unique("mcp-key");
    secrets().await.create_secret().name(&name).secret_string(value).send().await.expect("create secret");
    name
}

/// A table seeded with a small demo data set (shared by read-only tests).
pub async fn seeded_table() -> String {
    SEEDED
        .get_or_init(|| async {
            let table = unique("orders");
            seed_table(&table, 30, 120).await;
            table
        })
        .await
        .clone()
}

/// Creates `table` and loads `orders` generated orders for `customers` customers.
pub async fn seed_table(table: &str, customers: usize, orders: usize) {
    let store = DynamoStore::new(Arc::new(AwsContext::new(aws_settings(moto()))), table);
    let client = store.client().await;
    seed::create_table(client, table).await.expect("create table");
    seed::write_items(client, table, demo::generate(customers, orders, 42).items()).await.expect("seed");
}

/// Settings for a test application.
pub struct Settings {
    pub config: Config,
    pub endpoint: String,
    /// The order desk's table.
    pub table: String,
    /// Who may see whose data (agent-assist unless a test says otherwise).
    pub trust: TrustModel,
    /// The Secrets Manager secret sealing cancellation confirmations (a per-process key when none).
    pub confirmation_secret: Option<String>,
}

impl Settings {
    /// Header auth against `secret`, the shared seeded table, default limits.
    pub async fn new(secret: &str) -> Self {
        let config = Config {
            mcp_path: "/mcp".into(),
            auth: AuthSettings {
                keys: Some(KeySettings {
                    secret_id: secret.into(),
                    header: Some("x-api-key".into()),
                    in_url: false,
                    cache_ttl: Duration::from_secs(300),
                    refresh_interval: Duration::from_secs(5),
                    rotation_window: Duration::from_secs(86_400),
                }),
                oauth: None,
            },
            allowed_origins: vec!["https://app.example".into()],
            max_body_bytes: 1024 * 1024,
            max_batch: 50,
            observability: Observability { metrics: false, ..Observability::default() },
        };
        Settings {
            config,
            endpoint: moto().to_owned(),
            table: seeded_table().await,
            trust: TrustModel::AgentAssist,
            confirmation_secret: None,
        }
    }

    /// The endpoint serving the order desk over the DynamoDB table, as `main.rs` assembles it.
    pub fn app(mut self) -> App {
        self.trust.configure_auth(&mut self.config.auth).expect("the trust model fits the authentication modes");
        let aws = Arc::new(AwsContext::new(aws_settings(&self.endpoint)));
        let desk = order_desk::Settings {
            table: self.table,
            trust: self.trust,
            confirmation_secret_id: self.confirmation_secret,
        };
        let guard = Arc::new(desk.guard(aws.clone()));
        let store = Arc::new(DynamoStore::new(aws.clone(), desk.table));
        app::endpoint(self.config, aws, server_info(), order_desk::registry_with(store, guard))
    }
}

/// The default application: header auth with [`KEY`], the seeded table.
pub async fn app() -> App {
    let secret = create_secret(KEY).await;
    Settings::new(&secret).await.app()
}

/// Loads an event file from events/.
pub fn event(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join("events").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Turns a Lambda event into the request the handler sees.
pub fn request(event: &Value) -> Request {
    lambda_http::request::from_str(&event.to_string()).expect("a valid Lambda event")
}

/// An HTTP API (v2) POST to `/mcp` with `body` and the given headers (no others).
pub fn post(body: &str, headers: &[(&str, &str)]) -> Request {
    let mut e = event("http/initialize.json");
    let mut map = serde_json::Map::new();
    for (k, v) in headers {
        map.insert(k.to_string(), json!(v));
    }
    e["headers"] = Value::Object(map);
    e["body"] = json!(body);
    request(&e)
}

/// A POST with the key, JSON content type and the given protocol version header.
pub fn rpc(body: &Value, version: Option<&str>) -> Request {
    let text = body.to_string();
    let mut headers = vec![
        ("x-api-key", KEY),
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
    ];
    if let Some(v) = version {
        headers.push(("mcp-protocol-version", v));
    }
    post(&text, &headers)
}

/// The parts of a response a test looks at.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: lambda_http::http::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn send(app: &App, request: Request) -> Answer {
    let response: Response<Body> = app.handle(request).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = match response.into_body() {
        Body::Empty => String::new(),
        Body::Text(t) => t,
        Body::Binary(b) => String::from_utf8(b).unwrap(),
        _ => String::new(),
    };
    Answer { status, headers, text }
}

/// `tools/call` of `name` with `arguments`; returns the JSON-RPC result.
pub async fn call_tool(app: &App, name: &str, arguments: Value) -> Value {
    let body =
        json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": name, "arguments": arguments}});
    let answer = send(app, rpc(&body, Some("2025-06-18"))).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["result"].clone()
}

/// An application over a freshly seeded table of its own (for tests that write).
pub async fn fresh_app() -> (App, String) {
    let table = unique("orders-rw");
    seed_table(&table, 30, 120).await;
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    settings.table = table.clone();
    (settings.app(), table)
}

/// The seeded data set (the same generator and seed as [`seed_table`] with 30 customers and
/// 120 orders).
pub fn data_set() -> seed::DataSet {
    demo::generate(30, 120, 42)
}

/// `tools/call` with Moveo's `_meta` language and session header.
pub async fn call_tool_as(app: &App, name: &str, arguments: Value, lang: Option<&str>, session: Option<&str>) -> Value {
    let mut params = json!({"name": name, "arguments": arguments});
    if let Some(lang) = lang {
        params["_meta"] = json!({"moveo/context": {"lang": lang, "context": {}, "channel": "web"}});
    }
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": params}).to_string();
    let mut headers =
        vec![("x-api-key", KEY), ("content-type", "application/json"), ("mcp-protocol-version", "2025-06-18")];
    if let Some(session) = session {
        headers.push(("x-moveo-session-id", session));
    }
    let answer = send(app, post(&body, &headers)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["result"].clone()
}

/// The text of a tool result.
pub fn text_of(result: &Value) -> String {
    result["content"][0]["text"].as_str().unwrap_or_default().to_owned()
}

/// `cancel_order` as a client completes it in the two-step form: the preview (which must ask for
/// confirmation), then the same call with its `confirmation_token`. Returns the second result.
pub async fn cancel_confirmed(app: &App, arguments: Value, session: Option<&str>) -> Value {
    let preview = call_tool_as(app, "cancel_order", arguments.clone(), None, session).await;
    assert_eq!(preview["structuredContent"]["status"], "confirmation_required", "{preview}");
    let mut confirmed = arguments;
    confirmed["confirmation_token"] = preview["structuredContent"]["confirmation_token"].clone();
    call_tool_as(app, "cancel_order", confirmed, None, session).await
}

/// The `confirmation_token` a preview of `arguments` hands out.
pub async fn confirmation_token(app: &App, arguments: &Value) -> String {
    let preview = call_tool(app, "cancel_order", arguments.clone()).await;
    preview["structuredContent"]["confirmation_token"].as_str().unwrap_or_else(|| panic!("{preview}")).to_owned()
}
