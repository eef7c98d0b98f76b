//! The floor: a bare lambda_http function (the `cargo lambda new` hello-world) with the same
//! runtime flavour and logging set-up as lambda-mcp. It answers every request with a small JSON
//! body, or with the bytes of `FLOOR_BODY_FILE` (read once at start) so the benchmark can also
//! price shipping an answer as large as lambda-mcp's without doing any MCP work.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let body: &'static str = match std::env::var_os("FLOOR_BODY_FILE") {
        Some(path) => std::fs::read_to_string(path)?.leak(),
        None => r#"{"hello":"world"}"#,
    };
    lambda_http::run(service_fn(move |_request: Request| async move {
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .map_err(Error::from)
    }))
    .await
}
