//! The function's IAM policy against the DynamoDB calls the code really makes: every kind of
//! write the tools can send (a cancellation in a transaction, its replay, a reused key, a
//! released lease, a cancellation without a key) is recorded by a relay in front of moto, and
//! each call (each item of a transaction: DynamoDB authorises them one by one) must be allowed by
//! deploy/iam-policy.json, `dynamodb:LeadingKeys` conditions included. scripts/check-template
//! keeps template.yaml's role equal to that policy.

use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{
    KEY, Settings, call_tool, cancel_confirmed, confirmation_token, create_secret, data_set, moto, root, seed_table,
    unique,
};
use lambda_mcp::order_desk::store::OrderStatus;

/// One authorisation DynamoDB makes: an action on the table or an index, for an item's partition.
#[derive(Debug, Clone, PartialEq)]
struct Access {
    action: String,
    index: Option<String>,
    partition: Option<String>,
}

/// The accesses one recorded request needs.
fn accesses(target: &str, body: &Value) -> Vec<Access> {
    let pk = |item: &Value| item["pk"]["S"].as_str().map(str::to_owned);
    let access = |action: &str, index: Option<&str>, partition| Access {
        action: format!("dynamodb:{action}"),
        index: index.map(str::to_owned),
        partition,
    };
    let index = body["IndexName"].as_str();
    match target {
        "TransactWriteItems" => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|item| {
                [("Put", "PutItem", "Item"), ("Update", "UpdateItem", "Key"), ("Delete", "DeleteItem", "Key")]
                    .into_iter()
                    .chain([("ConditionCheck", "ConditionCheckItem", "Key")])
                    .filter(|(kind, _, _)| item.get(*kind).is_some())
                    .map(|(kind, action, key)| access(action, None, pk(&item[kind][key])))
                    .collect::<Vec<_>>()
            })
            .collect(),
        "PutItem" => vec![access("PutItem", None, pk(&body["Item"]))],
        "GetItem" | "UpdateItem" | "DeleteItem" => vec![access(target, None, pk(&body["Key"]))],
        // A Query's partition is in its key condition; reads are not conditioned on it here.
        other => vec![access(other, index, None)],
    }
}

/// IAM's StringLike: `*` any run of characters, `?` any one.
fn like(pattern: &str, text: &str) -> bool {
    match pattern.chars().next() {
        None => text.is_empty(),
        Some('*') => (0..=text.len()).filter(|i| text.is_char_boundary(*i)).any(|i| like(&pattern[1..], &text[i..])),
        Some(p) => {
            let mut rest = text.chars();
            rest.next().is_some_and(|c| p == '?' || c == p) && like(&pattern[p.len_utf8()..], rest.as_str())
        }
    }
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether one Allow statement's conditions hold for `access`. Operators this test does not
/// know fail closed.
fn conditions_hold(condition: Option<&Value>, access: &Access) -> bool {
    let Some(Value::Object(condition)) = condition else { return true };
    condition.iter().all(|(operator, keys)| {
        let Some(patterns) =
            keys.get("dynamodb:LeadingKeys").filter(|_| keys.as_object().is_some_and(|k| k.len() == 1))
        else {
            return false;
        };
        match operator.as_str() {
            "ForAllValues:StringLike" => {
                access.partition.iter().all(|p| strings(patterns).iter().any(|pat| like(pat, p)))
            }
            "Null" => (patterns == "false") == access.partition.is_some(),
            _ => false,
        }
    })
}

/// Whether `policy` allows `access` on table TABLE_NAME (or its index).
fn allowed(policy: &Value, access: &Access) -> bool {
    let resource = match &access.index {
        None => "arn:aws:dynamodb:REGION:ACCOUNT_ID:table/TABLE_NAME".to_owned(),
        Some(index) => format!("arn:aws:dynamodb:REGION:ACCOUNT_ID:table/TABLE_NAME/index/{index}"),
    };
    policy["Statement"].as_array().into_iter().flatten().any(|s| {
        s["Effect"] == "Allow"
            && strings(&s["Action"]).contains(&access.action.as_str())
            && strings(&s["Resource"]).contains(&resource.as_str())
            && conditions_hold(s.get("Condition"), access)
    })
}

fn policy() -> Value {
    let text = std::fs::read_to_string(root().join("deploy/iam-policy.json")).expect("deploy/iam-policy.json");
    serde_json::from_str(&text).expect("the policy is JSON")
}

fn first_in(status: OrderStatus) -> String {
    data_set().orders.iter().find(|o| o.order.status == status).unwrap().order.number.clone()
}

#[test]
fn the_policy_check_refuses_writes_outside_their_partitions() {
    let policy = policy();
    let write = |action: &str, pk: &str| Access {
        action: format!("dynamodb:{action}"),
        index: None,
        partition: Some(pk.to_owned()),
    };
    assert!(allowed(&policy, &write("UpdateItem", "ORDER#1000001")));
    assert!(allowed(&policy, &write("PutItem", "IDEMPOTENCY#k")));
    assert!(!allowed(&policy, &write("PutItem", "ORDER#1000001")), "puts only reach idempotency records");
    assert!(!allowed(&policy, &write("UpdateItem", "IDEMPOTENCY#k")), "updates only reach orders");
    assert!(!allowed(&policy, &write("DeleteItem", "CUSTOMER#jane@example.com")));
    assert!(!allowed(&policy, &write("UpdateItem", "CUSTOMER#jane@example.com#ORDER#1")));
    assert!(!allowed(&policy, &Access { partition: None, ..write("UpdateItem", "") }), "a write names its key");
    assert!(!allowed(&policy, &write("BatchWriteItem", "IDEMPOTENCY#k")));
    assert!(like("ORDER#*", "ORDER#") && !like("ORDER#*", "XORDER#1") && like("A?C", "ABC"));
}

#[tokio::test]
async fn every_dynamodb_call_the_tools_make_is_allowed_by_the_policy() {
    let table = unique("orders-iam");
    seed_table(&table, 30, 120).await;
    let relay = FaultServer::start(Fault::Relay(moto().to_owned())).await;
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.table = table;
    settings.endpoint = relay.endpoint.clone();
    let app = settings.app();

    let pending = first_in(OrderStatus::Pending);
    let mut keyed = json!({"order_number": pending, "reason": "other", "idempotency_key": "iam-check-0001"});
    let token = confirmation_token(&app, &keyed).await;
    keyed["confirmation_token"] = json!(token);
    assert_eq!(call_tool(&app, "cancel_order", keyed.clone()).await["isError"], false, "claim, then a transaction");
    assert_eq!(call_tool(&app, "cancel_order", keyed).await["structuredContent"]["replayed"], true, "a replay");
    let reused = json!({"order_number": pending, "reason": "payment_issue", "idempotency_key": "iam-check-0001",
                        "confirmation_token": token});
    assert_eq!(call_tool(&app, "cancel_order", reused).await["isError"], true, "a reused key");
    let late = json!({"order_number": pending, "reason": "other", "idempotency_key": "iam-check-0002",
                      "confirmation_token": token});
    assert_eq!(call_tool(&app, "cancel_order", late).await["isError"], true, "a claim released");
    let shipped = json!({"order_number": first_in(OrderStatus::Shipped), "reason": "other"});
    assert_eq!(call_tool(&app, "cancel_order", shipped).await["isError"], true, "a preview refused");
    let processing = json!({"order_number": first_in(OrderStatus::Processing), "reason": "other"});
    let done = cancel_confirmed(&app, processing, None).await;
    assert_eq!(done["isError"], false, "no key: keyed by its confirmation");
    let email = data_set().customers[0].email.clone();
    call_tool(&app, "search_orders", json!({"email": email, "status": "pending"})).await;
    call_tool(&app, "get_customer", json!({"email": email})).await;
    call_tool(&app, "get_order", json!({"order_number": pending})).await;

    let policy = policy();
    let mut seen = Vec::new();
    for (target, body) in relay.targets().iter().zip(relay.bodies()) {
        let Some(operation) = target.strip_prefix("DynamoDB_20120810.") else { continue };
        for access in accesses(operation, &serde_json::from_str(&body).unwrap()) {
            assert!(allowed(&policy, &access), "deploy/iam-policy.json refuses {access:?}");
            seen.push(access);
        }
    }
    for (action, prefix) in
        [("UpdateItem", "ORDER#"), ("PutItem", "IDEMPOTENCY#"), ("DeleteItem", "IDEMPOTENCY#"), ("GetItem", "ORDER#")]
    {
        let found = seen.iter().any(|a| {
            a.action == format!("dynamodb:{action}") && a.partition.as_deref().is_some_and(|p| p.starts_with(prefix))
        });
        assert!(found, "the scenario exercised {action} on {prefix}...: {seen:#?}");
    }
    assert!(seen.iter().any(|a| a.index.as_deref() == Some("gsi1")) && seen.iter().any(|a| a.index.is_none()));
}
