//! `get_order` end to end against the seeded table.

use serde_json::{Value, json};

use crate::helpers::{KEY, ORDER, Settings, app, call_tool, create_secret, rpc, send};

async fn definition(app: &crate::helpers::App) -> Value {
    let answer = send(app, rpc(&json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}), Some("2025-06-18"))).await;
    answer.json()["result"]["tools"].as_array().unwrap().iter().find(|t| t["name"] == "get_order").unwrap().clone()
}

#[tokio::test]
async fn an_existing_order_comes_back_as_text_and_matching_structured_content() {
    let app = app().await;
    let result = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    assert_eq!(result["isError"], false);
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("Order #1000001 is **shipped**"), "leads with the answer: {text}");
    assert!(text.contains("tracking"), "{text}");
    let structured = &result["structuredContent"];
    assert_eq!(structured["order_number"], ORDER);
    assert_eq!(structured["status"], "shipped");
    assert!(!structured["lines"].as_array().unwrap().is_empty());
    assert!(!structured["shipments"][0]["tracking_number"].as_str().unwrap().is_empty());
    let schema = &definition(&app).await["outputSchema"];
    let validator = jsonschema::validator_for(schema).unwrap();
    assert!(validator.is_valid(structured), "structuredContent matches outputSchema");
}

#[tokio::test]
async fn the_result_writes_the_order_back_to_the_moveo_session() {
    let app = app().await;
    let result = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    let context = &result["_meta"]["moveo/context"]["context"];
    assert_eq!(context["order_number"], ORDER);
    assert_eq!(context["customer_email"], "jane.doe@example.com");
}

#[tokio::test]
async fn a_missing_order_is_an_is_error_result_in_plain_language() {
    let app = app().await;
    let result = call_tool(&app, "get_order", json!({"order_number": "9999999"})).await;
    assert_eq!(result["isError"], true);
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("9999999") && text.contains("Ask the customer"), "{text}");
}

#[tokio::test]
async fn wrong_arguments_are_is_error_results_that_name_the_field() {
    let app = app().await;
    for (arguments, expected) in [
        (json!({}), "`order_number` is required"),
        (json!({"order_number": "#1000001"}), "`order_number` is not in the expected format"),
        (json!({"order_number": 1000001}), "`order_number` must be a string"),
        (json!({"order_number": "12"}), "`order_number` is not in the expected format"),
        (json!({"order_number": ORDER, "email": "x@y.z"}), "Unknown argument `email`"),
        (json!("1000001"), "must be a JSON object"),
    ] {
        let result = call_tool(&app, "get_order", arguments.clone()).await;
        assert_eq!(result["isError"], true, "{arguments}");
        let text = result["content"][0]["text"].as_str().unwrap();
        assert!(text.contains(expected), "{arguments}: {text}");
    }
}

#[tokio::test]
async fn missing_arguments_are_treated_as_an_empty_object() {
    let app = app().await;
    let body = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order"}});
    let result = send(&app, rpc(&body, Some("2025-06-18"))).await.json()["result"].clone();
    assert_eq!(result["isError"], true);
    assert!(result["content"][0]["text"].as_str().unwrap().contains("`order_number` is required"));
}

#[tokio::test]
async fn a_missing_table_is_a_terminal_error_that_names_nothing_internal() {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    settings.table = "table-that-does-not-exist".into();
    let app = settings.app();
    let result = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    assert_eq!(result["isError"], true);
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("Do not retry"), "{text}");
    for leak in ["table-that-does-not-exist", "ResourceNotFound", "DynamoDB", "dynamodb"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

#[tokio::test]
async fn the_definition_is_read_only_with_a_described_flat_schema() {
    let app = app().await;
    let tool = definition(&app).await;
    assert_eq!(tool["annotations"]["readOnlyHint"], true);
    assert_eq!(tool["annotations"]["destructiveHint"], false);
    assert_eq!(tool["title"], "Get order details");
    let input = &tool["inputSchema"];
    assert_eq!(input["type"], "object");
    assert_eq!(input["required"], json!(["order_number"]));
    assert_eq!(input["properties"]["order_number"]["pattern"], "^[0-9]{6,10}$");
    assert!(input["properties"]["order_number"]["description"].as_str().unwrap().len() > 10);
    assert_eq!(tool["outputSchema"]["type"], "object");
}
