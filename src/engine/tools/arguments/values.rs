//! JSON values as JSON Schema compares them: numbers by value (`1`, `1.0` and `1e0` are equal,
//! `u64::MAX` is not `2^64`), whatever their representation.

use std::cmp::Ordering;

use serde_json::{Number, Value};

/// True when `number` is an integer in JSON Schema's sense (`5.0` is one).
pub fn is_integer(number: &Number) -> bool {
    number.as_f64().is_some_and(|f| f.fract() == 0.0) || number.is_i64() || number.is_u64()
}

/// Orders two numbers exactly: integers are never rounded through `f64`.
pub fn compare(a: &Number, b: &Number) -> Ordering {
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (None, Some(b)) => float_against(float(a), b),
        (Some(a), None) => float_against(float(b), a).reverse(),
        (None, None) => float(a).partial_cmp(&float(b)).unwrap_or(Ordering::Equal),
    }
}

/// True when `a` and `b` are the same JSON value, numbers compared by value.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => compare(a, b) == Ordering::Equal,
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b)),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Writes a key that two values share exactly when [`same`] holds for them, so that
/// `uniqueItems` needs one pass instead of comparing every pair.
pub fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) => match integer(n) {
            Some(i) => out.push_str(&i.to_string()),
            None => {
                let f = float(n);
                // A whole float within i128 is written as the integer it equals.
                if f.fract() == 0.0 && f.abs() < 1e38 {
                    out.push_str(&(f as i128).to_string());
                } else {
                    out.push_str(&format!("{f:?}"));
                }
            }
        },
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (key, item) in members {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(item, out);
                out.push(',');
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn integer(n: &Number) -> Option<i128> {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from))
}

fn float(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// Orders a float against an integer without rounding the integer.
fn float_against(f: f64, i: i128) -> Ordering {
    // ±2^127 bound every i128 and are exact floats.
    const LIMIT: f64 = 1.7014118346046923e38;
    if f < -LIMIT {
        return Ordering::Less;
    }
    if f >= LIMIT {
        return Ordering::Greater;
    }
    let whole = f.trunc();
    match (whole as i128).cmp(&i) {
        Ordering::Equal => f.partial_cmp(&whole).unwrap_or(Ordering::Equal),
        unequal => unequal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn n(v: Value) -> Number {
        v.as_number().unwrap().clone()
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(compare(&n(json!(1)), &n(json!(1.0))), Ordering::Equal);
        assert_eq!(compare(&n(json!(-1.5)), &n(json!(-1))), Ordering::Less);
        assert_eq!(compare(&n(json!(-0.5)), &n(json!(-1))), Ordering::Greater);
        assert_eq!(compare(&n(json!(u64::MAX)), &n(json!(18446744073709551616.0))), Ordering::Less);
        assert_eq!(compare(&n(json!(i64::MIN)), &n(json!(-1e300))), Ordering::Greater);
        assert_eq!(compare(&n(json!(20)), &n(json!(1e308))), Ordering::Less);
        assert_eq!(compare(&n(json!(1e-300)), &n(json!(1))), Ordering::Less);
        assert_eq!(compare(&n(json!(-0.0)), &n(json!(0))), Ordering::Equal);
        assert_eq!(compare(&n(json!(2.5)), &n(json!(2.25))), Ordering::Greater);
    }

    #[test]
    fn integers_include_whole_floats() {
        assert!(is_integer(&n(json!(5.0))) && is_integer(&n(json!(1e300))) && is_integer(&n(json!(u64::MAX))));
        assert!(!is_integer(&n(json!(1.5))) && !is_integer(&n(json!(1e-300))));
    }

    #[test]
    fn sameness_and_canonical_keys_agree() {
        let values = [
            json!(1),
            json!(1.0),
            json!(1.5),
            json!(u64::MAX),
            json!(18446744073709551616.0),
            json!(1e300),
            json!("1"),
            json!(null),
            json!(true),
            json!([1, "a"]),
            json!([1.0, "a"]),
            json!({"a": 1, "b": [2]}),
            json!({"b": [2.0], "a": 1.0}),
            json!({"a,": 1}),
            json!({"a": ",1"}),
        ];
        for a in &values {
            for b in &values {
                let (mut ka, mut kb) = (String::new(), String::new());
                canonical(a, &mut ka);
                canonical(b, &mut kb);
                assert_eq!(same(a, b), ka == kb, "{a} vs {b}: {ka} / {kb}");
            }
        }
        assert!(same(&json!({"x": [1, 2.0]}), &json!({"x": [1.0, 2]})));
        assert!(!same(&json!({"x": 1}), &json!({"x": 1, "y": 2})));
    }
}
