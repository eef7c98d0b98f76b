//! The reads' requests and answers in DynamoDB's JSON protocol, sent through the engine's lean
//! client (`engine::aws::json`): each request is serialised once from borrowed values, and each
//! answer parsed once into [`RawItem`]s that borrow from it, which the decoders in `items` turn
//! into domain types. The writes (`cancel`, the seeder) stay on the SDK client.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::DynamoStore;
use super::raw::RawItem;
use crate::engine::aws::json::CallError;
use crate::order_desk::store::StoreError;

/// A string value (`{"S": "..."}`).
#[derive(Debug, Serialize)]
pub struct S<'a> {
    #[serde(rename = "S")]
    pub s: &'a str,
}

/// A projection and its name placeholders (`#p0` -> `status`).
pub type Projection = (String, HashMap<String, String>);

/// A `Query`'s input.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryInput<'a> {
    pub table_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_name: Option<&'a str>,
    pub key_condition_expression: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_expression: Option<&'a str>,
    pub projection_expression: &'a str,
    pub expression_attribute_names: &'a HashMap<String, String>,
    pub expression_attribute_values: BTreeMap<&'a str, S<'a>>,
    pub scan_index_forward: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_start_key: Option<&'a RawItem<'a>>,
}

/// A `Query`'s answer: its items and where the next page starts.
#[derive(Debug, Deserialize)]
pub struct QueryOutput<'a> {
    #[serde(rename = "Items", default, borrow)]
    pub items: Vec<RawItem<'a>>,
    #[serde(rename = "LastEvaluatedKey", default, borrow)]
    pub last_evaluated_key: Option<RawItem<'a>>,
}

impl QueryOutput<'_> {
    /// True when the partition holds more items than this page.
    pub fn truncated(&self) -> bool {
        self.last_evaluated_key.as_ref().is_some_and(|key| !key.is_empty())
    }
}

/// A `GetItem`'s input.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemInput<'a> {
    pub table_name: &'a str,
    pub key: BTreeMap<&'a str, S<'a>>,
    pub projection_expression: &'a str,
    pub expression_attribute_names: &'a HashMap<String, String>,
    pub consistent_read: bool,
}

/// A `GetItem`'s answer.
#[derive(Debug, Deserialize)]
pub struct GetItemOutput<'a> {
    #[serde(rename = "Item", default, borrow)]
    pub item: Option<RawItem<'a>>,
}

/// Classifies a failed call the way the SDK path's errors are (`super::sdk_error`): transient
/// failures are worth a retry by the agent, the others are not. Codes only, never messages.
pub fn store_error(error: CallError) -> StoreError {
    if error.is_transient() {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Rejected(error.to_string())
    }
}

/// An answer's bytes parsed as `O`, borrowing from them.
pub fn parse<'a, O: Deserialize<'a>>(answer: &'a [u8]) -> Result<O, StoreError> {
    serde_json::from_slice(answer).map_err(|_| StoreError::Unavailable("unreadable response".into()))
}

impl DynamoStore {
    /// Sends `operation` with `input`; the answer's bytes, for [`parse`].
    pub(super) async fn read<I: Serialize>(&self, operation: &str, input: &I) -> Result<Vec<u8>, StoreError> {
        // Serialising structs of strings, booleans and integers cannot fail.
        let body = serde_json::to_vec(input).unwrap_or_default();
        self.reader().await?.call(operation, body).await.map_err(store_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_dynamodb_json_with_only_the_fields_set() {
        let names = HashMap::from([("#p0".to_owned(), "status".to_owned())]);
        let input = QueryInput {
            table_name: "orders",
            index_name: Some("gsi1"),
            key_condition_expression: "gsi1pk = :pk",
            filter_expression: None,
            projection_expression: "#p0",
            expression_attribute_names: &names,
            expression_attribute_values: BTreeMap::from([(":pk", S { s: "CUSTOMER#jane@example.com" })]),
            scan_index_forward: false,
            limit: Some(6),
            exclusive_start_key: None,
        };
        assert_eq!(
            serde_json::to_value(&input).unwrap(),
            serde_json::json!({
                "TableName": "orders", "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
                "ProjectionExpression": "#p0", "ExpressionAttributeNames": {"#p0": "status"},
                "ExpressionAttributeValues": {":pk": {"S": "CUSTOMER#jane@example.com"}},
                "ScanIndexForward": false, "Limit": 6
            })
        );
    }

    #[test]
    fn answers_parse_into_items_and_a_next_page() {
        let page: QueryOutput = serde_json::from_str(
            r#"{"Count":1,"ScannedCount":1,"Items":[{"pk":{"S":"ORDER#1"},"total_minor":{"N":"8900"}}],
                "LastEvaluatedKey":{"pk":{"S":"ORDER#1"}}}"#,
        )
        .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].text("pk"), Some("ORDER#1"));
        assert!(page.truncated());
        let last: QueryOutput = serde_json::from_str(r#"{"Count":0,"Items":[]}"#).unwrap();
        assert!(last.items.is_empty() && !last.truncated());
        let missing: GetItemOutput = serde_json::from_str("{}").unwrap();
        assert!(missing.item.is_none());
    }

    #[test]
    fn transient_failures_are_unavailable_and_the_rest_rejected() {
        let throttled = CallError::Service { code: "ThrottlingException".into(), status: 400 };
        assert_eq!(store_error(throttled), StoreError::Unavailable("ThrottlingException".into()));
        let denied = CallError::Service { code: "AccessDeniedException".into(), status: 400 };
        assert_eq!(store_error(denied), StoreError::Rejected("AccessDeniedException".into()));
        assert_eq!(store_error(CallError::Timeout), StoreError::Unavailable("timed out".into()));
        assert!(matches!(store_error(CallError::Endpoint), StoreError::Rejected(_)));
    }
}
