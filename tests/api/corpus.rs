//! The hostile-input corpus (tests/corpus/*.jsonl, described in tests/corpus/README.md): every
//! case through the real handler, authentication on, against the local moto server. Each case
//! must get its documented status and JSON-RPC code (or `isError`), and no case may panic, answer
//! 5xx, take longer than the bound, or leak the key, the table, the endpoint, SDK error text or
//! code locations in its body or in a log line it causes. Each case logs into a buffer of its own,
//! so a marker is excused only in the lines of the case that sent it.
//!
//! `runtime.jsonl` holds the requests lambda_http cannot convert into an `http::Request` (it panics
//! or refuses the event before our handler runs): they are checked to still behave that way, and
//! the real binary, run against a minimal Lambda Runtime API, must survive every one of them.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use base64::Engine;
use lambda_http::Request;
use lambda_mcp::engine::logging::{Filter, FlatSubscriber, Format, LineSink};
use serde_json::{Map, Value, json};
use tracing::instrument::WithSubscriber;

use crate::helpers::{Answer, KEY, event, fresh_app, moto, root, send};

/// The longest any one case may take.
const BOUND: Duration = Duration::from_secs(5);
/// The longest log line a request may cause: client-supplied text is cut short before it is
/// logged, so a 1 MiB method name cannot become a 1 MiB log event.
const MAX_LOG_LINE: usize = 4096;
/// Cases in flight at once.
const CONCURRENCY: usize = 8;
/// Substrings no body or log line of a case may carry unless that case itself sent them: SDK and
/// service names, ARNs, panic and backtrace text, source locations.
const LEAKS: [&str; 9] =
    ["ResourceNotFound", "dynamodb", "DynamoDB", "arn:aws", "secretsmanager", "panicked", "backtrace", "src/", ".rs:"];

/// One case: its theme (the file it came from), its line, and the parsed case object.
struct Case {
    theme: String,
    line: String,
    spec: Value,
}

impl Case {
    fn name(&self) -> &str {
        self.spec["name"].as_str().unwrap_or("(unnamed)")
    }

    fn expect(&self) -> &Value {
        &self.spec["expect"]
    }
}

fn corpus_dir() -> std::path::PathBuf {
    root().join("tests/corpus")
}

/// Every case of every `*.jsonl` file but `runtime.jsonl` (or only that one).
fn load(runtime: bool) -> Vec<Case> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .filter(|p| (p.file_stem().is_some_and(|s| s == "runtime")) == runtime)
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut names = std::collections::HashSet::new();
    for file in files {
        let theme = file.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let spec: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: not JSON: {e}", file.display(), n + 1));
            let case = Case { theme: theme.clone(), line: line.to_owned(), spec };
            assert!(case.spec["name"].is_string(), "{}:{}: a case needs a name", file.display(), n + 1);
            assert!(case.spec["about"].is_string(), "{}: a case needs `about`", case.name());
            assert!(case.expect().is_object(), "{}: a case needs `expect`", case.name());
            assert!(names.insert(case.name().to_owned()), "{}: duplicate case name", case.name());
            for list in ["mentions", "absent"] {
                let pinned = case.expect().get(list).map(|v| v.as_array().is_some_and(|a| !a.is_empty()));
                assert!(pinned != Some(false), "{}: `{list}` must be a non-empty list", case.name());
            }
            cases.push(case);
        }
    }
    cases
}

/// A string value: a plain string, or `{"$text": [[piece, times], ...]}`.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.contains_key("$text") => {
            let mut out = String::new();
            for part in o["$text"].as_array().expect("$text is a list") {
                let piece = part[0].as_str().expect("a $text piece is a string");
                let times = part[1].as_u64().expect("a $text count is a number") as usize;
                out.push_str(&piece.repeat(times));
            }
            out
        }
        other => panic!("expected a string or $text, got {other}"),
    }
}

/// A JSON value with `$text` strings and `$many` objects (`{"$many": {"prefix", "count",
/// "value"}, ...other members}`) expanded.
fn expand(value: &Value) -> Value {
    match value {
        Value::Object(o) if o.contains_key("$text") => Value::String(text(value)),
        Value::Object(o) => {
            let mut out = Map::new();
            if let Some(many) = o.get("$many") {
                let prefix = many["prefix"].as_str().expect("$many prefix");
                for i in 0..many["count"].as_u64().expect("$many count") {
                    out.insert(format!("{prefix}{i}"), expand(&many["value"]));
                }
            }
            for (k, v) in o.iter().filter(|(k, _)| *k != "$many") {
                out.insert(k.clone(), expand(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(expand).collect()),
        other => other.clone(),
    }
}

/// The Lambda event for a case: an API Gateway HTTP API (v2), REST (v1) or function URL event
/// from events/, with the case's method, path, query, headers (over the event's own, which carry
/// the key and a JSON content type; `null` removes one) and body.
fn lambda_event(spec: &Value) -> Value {
    let kind = spec["event"].as_str().unwrap_or("http");
    let mut e = event(&format!("{kind}/initialize.json"));
    let method = spec["method"].as_str().unwrap_or("POST");
    let path = spec.get("path").map(text).unwrap_or_else(|| "/mcp".into());
    let query = spec.get("query").map(text).unwrap_or_default();

    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in e["headers"].as_object().expect("the event has headers") {
        headers.insert(k.to_ascii_lowercase(), vec![v.as_str().unwrap_or_default().to_owned()]);
    }
    headers.remove("content-length");
    if let Some(Value::Object(overrides)) = spec.get("headers").map(expand) {
        for (k, v) in overrides {
            let k = k.to_ascii_lowercase();
            match v {
                Value::Null => {
                    headers.remove(&k);
                }
                Value::Array(values) => {
                    assert_eq!(kind, "rest", "repeated headers need a REST event (multiValueHeaders)");
                    headers.insert(k, values.iter().map(text).collect());
                }
                v => {
                    headers.insert(k, vec![text(&v)]);
                }
            }
        }
    }

    let (mut body, mut base64) = match (spec.get("body_base64"), spec.get("json"), spec.get("body")) {
        (Some(b), _, _) => (Some(text(b)), true),
        (None, Some(j), _) => (Some(expand(j).to_string()), false),
        (None, None, Some(Value::Null) | None) => (None, false),
        (None, None, Some(b)) => (Some(text(b)), false),
    };
    if spec["base64"] == true {
        body = body.map(|b| base64::engine::general_purpose::STANDARD.encode(b.as_bytes()));
        base64 = true;
    }

    match kind {
        "http" | "url" => {
            e["rawPath"] = json!(path);
            e["rawQueryString"] = json!(query);
            e["requestContext"]["http"]["method"] = json!(method);
            e["requestContext"]["http"]["path"] = json!(path);
            let single: Map<String, Value> = headers.into_iter().map(|(k, v)| (k, json!(v.join(",")))).collect();
            e["headers"] = Value::Object(single);
        }
        "rest" => {
            assert!(query.is_empty(), "a query string needs an HTTP API event");
            e["path"] = json!(path);
            e["httpMethod"] = json!(method);
            e["requestContext"]["httpMethod"] = json!(method);
            let single: Map<String, Value> =
                headers.iter().filter(|(_, v)| v.len() == 1).map(|(k, v)| (k.clone(), json!(v[0]))).collect();
            let multi: Map<String, Value> = headers.into_iter().map(|(k, v)| (k, json!(v))).collect();
            e["headers"] = Value::Object(single);
            e["multiValueHeaders"] = Value::Object(multi);
        }
        other => panic!("unknown event kind {other}"),
    }
    e["body"] = body.map_or(Value::Null, Value::String);
    e["isBase64Encoded"] = json!(base64);
    e
}

/// The request lambda_http makes of the case's event, or why it could not.
fn convert(spec: &Value) -> Result<Result<Request, String>, String> {
    let event = lambda_event(spec).to_string();
    std::panic::catch_unwind(AssertUnwindSafe(|| lambda_http::request::from_str(&event).map_err(|e| e.to_string())))
        .map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
}

/// What is wrong with the answer to a case (nothing: an empty list).
fn problems(case: &Case, answer: &Answer, secrets: &[&str]) -> Vec<String> {
    let expect = case.expect();
    let mut out = Vec::new();
    let mut fail = |what: String| out.push(what);
    let want = expect["status"].as_u64().unwrap_or(0) as u16;
    if answer.status != want {
        fail(format!("status {} (expected {want})", answer.status));
    }
    if answer.status >= 500 {
        fail(format!("a 5xx answer: {}", answer.status));
    }
    for secret in secrets {
        if answer.text.contains(secret) {
            fail(format!("the body carries {secret:?}"));
        }
    }
    for leak in LEAKS {
        if answer.text.contains(leak) && !case.line.contains(leak) {
            fail(format!("the body leaks {leak:?}"));
        }
    }
    if let Some(max) = expect["max_bytes"].as_u64()
        && answer.text.len() as u64 > max
    {
        fail(format!("a {}-byte body (at most {max} expected)", answer.text.len()));
    }
    for (name, value) in expect["headers"].as_object().into_iter().flatten() {
        match (answer.header(name), value) {
            (None, _) => fail(format!("no {name} header")),
            (Some(got), Value::String(want)) if got != want => fail(format!("{name}: {got} (expected {want})")),
            _ => {}
        }
    }
    if answer.status == 202 || expect["empty"] == true {
        if !answer.text.is_empty() {
            fail("a body where none was expected".into());
        }
        return out;
    }
    if answer.header("content-type") != Some("application/json") {
        fail(format!("content-type {:?}", answer.header("content-type")));
    }
    let Ok(body) = serde_json::from_str::<Value>(&answer.text) else {
        fail("the body is not JSON".into());
        return out;
    };
    if let Some(code) = expect.get("code")
        && body["error"]["code"] != *code
    {
        fail(format!("error code {} (expected {code})", body["error"]["code"]));
    }
    if let Some(id) = expect.get("id")
        && body["id"] != *id
    {
        fail(format!("id {} (expected {id})", short(&body["id"].to_string())));
    }
    if expect["result"] == true && !body["result"].is_object() {
        fail("no result".into());
    }
    if let Some(is_error) = expect.get("is_error")
        && body["result"]["isError"] != *is_error
    {
        fail(format!("isError {} (expected {is_error})", body["result"]["isError"]));
    }
    for mention in expect["mentions"].as_array().into_iter().flatten() {
        let mention = mention.as_str().unwrap_or_default();
        if !answer.text.contains(mention) {
            fail(format!("the body does not mention {mention:?}"));
        }
    }
    for absent in expect["absent"].as_array().into_iter().flatten() {
        let absent = absent.as_str().unwrap_or_default();
        if answer.text.contains(absent) {
            fail(format!("the body mentions {absent:?}"));
        }
    }
    if let Some(batch) = expect["batch"].as_array() {
        match body.as_array() {
            Some(items) if items.len() == batch.len() => {
                for (i, (item, want)) in items.iter().zip(batch).enumerate() {
                    if let Some(code) = want.get("code")
                        && item["error"]["code"] != *code
                    {
                        fail(format!("batch[{i}]: error code {} (expected {code})", item["error"]["code"]));
                    }
                    if want["result"] == true && !item["result"].is_object() {
                        fail(format!("batch[{i}]: no result"));
                    }
                    if let Some(is_error) = want.get("is_error")
                        && item["result"]["isError"] != *is_error
                    {
                        fail(format!("batch[{i}]: isError {}", item["result"]["isError"]));
                    }
                }
            }
            _ => fail(format!("not a batch of {} answers", batch.len())),
        }
    }
    out
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(300).collect();
    if cut.len() < text.len() { format!("{cut}…") } else { cut }
}

/// What is wrong with the log lines a case caused: a secret, or a marker the case did not send
/// itself (each case is exempt only for its own text), or a line too long.
fn log_problems(case: &Case, logs: &str, secrets: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let markers = LEAKS.into_iter().filter(|marker| !case.line.contains(marker));
    for secret in secrets.iter().copied().chain(markers) {
        if let Some(line) = logs.lines().find(|l| l.contains(secret)) {
            out.push(format!("a log line carries {secret:?}: {}", short(line)));
        }
    }
    if let Some(line) = logs.lines().find(|l| l.len() > MAX_LOG_LINE) {
        out.push(format!("a {}-byte log line (client text must be cut short): {}", line.len(), short(line)));
    }
    if !logs.contains("request handled") {
        out.push("no request log line was captured for this case".into());
    }
    out
}

/// The logger of one case: the function's own subscriber, JSON lines as with
/// `AWS_LAMBDA_LOG_FORMAT=JSON`, writing into `logs`.
fn case_logger(logs: &Captured) -> tracing::Dispatch {
    tracing::Dispatch::new(FlatSubscriber::new(Filter::default(), Format::Json, logs.clone()))
}

/// A log sink that appends every line to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl LineSink for Captured {
    fn write_line(&self, line: &[u8]) {
        self.0.lock().unwrap().extend_from_slice(line);
    }
}

#[test]
fn the_corpus_holds_at_least_100_named_cases() {
    let cases = load(false);
    let mut themes: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        *themes.entry(case.theme.as_str()).or_default() += 1;
    }
    println!("corpus: {} handler cases {themes:?}, {} runtime cases", cases.len(), load(true).len());
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    assert!(themes.len() >= 8, "the corpus should span the themes of issue 7: {themes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_corpus_case_gets_its_documented_answer_without_panic_5xx_hang_or_leak() {
    let cases = load(false);
    let (app, table) = fresh_app().await;
    let app = Arc::new(app);
    let endpoint = moto().trim_start_matches("http://").to_owned();

    let started = Instant::now();
    let mut failures: Vec<String> = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    let mut slowest = (Duration::ZERO, String::new());
    let (total, mut lines) = (cases.len(), 0);
    let mut queue = cases.into_iter();
    loop {
        while tasks.len() < CONCURRENCY {
            let Some(case) = queue.next() else { break };
            let request = match convert(&case.spec) {
                Ok(Ok(request)) => request,
                Ok(Err(error)) => {
                    failures.push(format!("{}: lambda_http refused the event: {error}", case.name()));
                    continue;
                }
                Err(panic) => {
                    failures.push(format!("{}: lambda_http panicked on the event: {panic}", case.name()));
                    continue;
                }
            };
            let app = app.clone();
            // Each case logs into its own buffer, so its lines are checked against what it sent.
            let logs = Captured::default();
            let handler = async move { send(&app, request).await }.with_subscriber(case_logger(&logs));
            // The handler runs in a task of its own, so a panic comes back as a JoinError for
            // this case instead of taking the test down.
            tasks.spawn(async move {
                let begun = Instant::now();
                let answer = tokio::time::timeout(BOUND, tokio::spawn(handler)).await;
                (case, answer, begun.elapsed(), logs)
            });
        }
        let Some(joined) = tasks.join_next().await else { break };
        let (case, answer, took, logs) = joined.expect("the case runner does not panic");
        let logs = logs.text();
        lines += logs.lines().count();
        let found = log_problems(&case, &logs, &[KEY, &table, &endpoint]);
        if !found.is_empty() {
            failures.push(format!("{} ({}): {}", case.name(), case.theme, found.join("; ")));
        }
        match (case, answer, took) {
            (case, Err(_), _) => failures.push(format!("{}: no answer within {BOUND:?}", case.name())),
            (case, Ok(Err(error)), _) => failures.push(format!("{}: the handler panicked: {error}", case.name())),
            (case, Ok(Ok(answer)), took) => {
                if took > slowest.0 {
                    slowest = (took, case.name().to_owned());
                }
                let found = problems(&case, &answer, &[KEY, &table, &endpoint]);
                if !found.is_empty() {
                    failures.push(format!(
                        "{} ({}): {}\n    body: {}",
                        case.name(),
                        case.theme,
                        found.join("; "),
                        short(&answer.text)
                    ));
                }
            }
        }
    }
    println!(
        "corpus: {total} cases through the handler in {:.1} s, {lines} log lines, slowest {} ({} ms), {} failed",
        started.elapsed().as_secs_f64(),
        slowest.1,
        slowest.0.as_millis(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {total} corpus cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// The events lambda_http cannot convert still panic or fail to deserialise (if a lambda_http
/// release fixes one, move it into the handler corpus).
#[test]
fn the_runtime_cases_are_refused_by_lambda_http_before_the_handler() {
    let cases = load(true);
    assert!(!cases.is_empty());
    for case in &cases {
        let want = case.expect()["runtime"].as_str().expect("runtime cases expect `panic` or `rejected`");
        let got = match convert(&case.spec) {
            Ok(Ok(_)) => "converted",
            Ok(Err(_)) => "rejected",
            Err(_) => "panic",
        };
        assert_eq!(got, want, "{}: {}", case.name(), case.spec["about"]);
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal Lambda Runtime API on loopback, enough for lambda_runtime's loop: hands out the
// queued events on `GET .../invocation/next` and reports every `.../response` and `.../error`.

struct RuntimeApi {
    port: u16,
    reports: mpsc::Receiver<(String, String, String)>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let (mut length, mut chunked) = (0usize, false);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some((method, path, body))
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body)).and_then(|_| stream.flush());
}

fn runtime_api(events: Vec<(String, String)>) -> RuntimeApi {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let queue = Arc::new(Mutex::new(std::collections::VecDeque::from(events)));
    let (report, reports) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (queue, report) = (queue.clone(), report.clone());
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().expect("clone the stream");
                let mut reader = BufReader::new(stream);
                while let Some((method, path, body)) = read_request(&mut reader) {
                    if method == "GET" && path.ends_with("/runtime/invocation/next") {
                        let next = queue.lock().unwrap().pop_front();
                        let Some((id, event)) = next else {
                            // Nothing left: hold the runtime here until the test stops it.
                            std::thread::sleep(Duration::from_secs(60));
                            return;
                        };
                        let deadline =
                            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
                                + 30_000;
                        let headers = [
                            ("content-type", "application/json".to_owned()),
                            ("lambda-runtime-aws-request-id", id),
                            ("lambda-runtime-deadline-ms", deadline.to_string()),
                            (
                                "lambda-runtime-invoked-function-arn",
                                "arn:aws:lambda:us-east-1:123456789012:function:lambda-mcp".to_owned(),
                            ),
                            ("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".to_owned()),
                        ];
                        respond(&mut writer, "200 OK", &headers, event.as_bytes());
                    } else if method == "POST" {
                        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
                        let (id, kind) = match segments.as_slice() {
                            [.., "invocation", id, kind] => (id.to_string(), kind.to_string()),
                            [.., "init", "error"] => ("init".to_owned(), "error".to_owned()),
                            _ => ("?".to_owned(), path.clone()),
                        };
                        let _ = report.send((id, kind, String::from_utf8_lossy(&body).into_owned()));
                        respond(&mut writer, "202 Accepted", &[], br#"{"status":"OK"}"#);
                    } else {
                        respond(&mut writer, "404 Not Found", &[], b"");
                    }
                }
            });
        }
    });
    RuntimeApi { port, reports }
}

#[test]
fn the_lambda_runtime_survives_every_event_lambda_http_cannot_convert() {
    let cases = load(true);
    let mut events: Vec<(String, String)> =
        cases.iter().map(|c| (c.name().to_owned(), lambda_event(&c.spec).to_string())).collect();
    let mut ping = event("http/initialize.json");
    ping["body"] = json!(r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#);
    events.push(("after".to_owned(), ping.to_string()));
    let api = runtime_api(events);

    let binary = env!("CARGO_BIN_EXE_lambda-mcp");
    let mut child = Command::new(binary)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", api.port))
        .env("AWS_LAMBDA_FUNCTION_NAME", "lambda-mcp")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "corpus")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "corpus")
        .env("MCP_AUTH", "off")
        // An environment like Lambda's: auth off needs its acknowledgement there.
        .env("MCP_AUTH_OFF_ACKNOWLEDGED", "anyone-can-call-every-tool")
        .env("ORDERS_TABLE", "corpus-runtime")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "corpus")
        .env("AWS_SECRET_ACCESS_KEY", "corpus")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the lambda-mcp binary");

    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < cases.len() + 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        match api.reports.recv_timeout(left) {
            Ok(report) => seen.push(report),
            Err(_) => break,
        }
    }
    let alive = child.try_wait().expect("poll the child").is_none();
    let _ = child.kill();
    let output = child.wait_with_output().expect("the child's output");
    let logs = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));

    assert!(alive, "the runtime process exited:\n{logs}");
    assert_eq!(seen.len(), cases.len() + 1, "reports {seen:?}\nlogs:\n{logs}");
    for (case, (id, kind, _)) in cases.iter().zip(&seen) {
        assert_eq!((id.as_str(), kind.as_str()), (case.name(), "error"), "{}: reported as {kind}", case.name());
    }
    let (id, kind, body) = seen.last().unwrap();
    assert_eq!((id.as_str(), kind.as_str()), ("after", "response"), "{body}");
    let response: Value = serde_json::from_str(body).expect("a JSON response");
    assert_eq!(response["statusCode"], 200, "{body}");
    assert!(response["body"].as_str().unwrap_or_default().contains(r#""id":7"#), "{body}");
    println!(
        "runtime: {} unconvertible events reported as invocation errors; the next event answered 200",
        cases.len()
    );
}
