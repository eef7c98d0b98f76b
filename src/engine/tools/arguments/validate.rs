//! Checking a value against a [`CompiledSchema`]: the problems found, in a fixed order, each tied
//! to the argument (top-level field) it is about.
//!
//! Within one subschema the keywords are checked in the order JSON Schema validators report
//! them: `type`, `const`, `enum`, numeric bounds, lengths, `required`, `pattern`, `format`,
//! `uniqueItems`, then the properties (in name order; unknown names last, in one problem), the
//! items, `allOf`, `anyOf`, `oneOf`, `not`, `if`, and `$ref`.

use std::collections::HashSet;

use serde_json::{Number, Value};

use super::compile::{Checks, CompiledSchema, Extra, Node, NodeId, Types};
use super::email::is_email;
use super::values::{canonical, compare, is_integer, same};

/// How deep checking may go (subschemas applied, nested values entered) before the value is
/// called invalid rather than risk the stack.
pub const MAX_DEPTH: usize = 64;

/// One thing wrong with the arguments.
#[derive(Debug, PartialEq)]
pub struct Problem<'s> {
    /// The argument it is about; empty for the arguments as a whole.
    pub field: String,
    /// True when it is about the arguments as a whole (the top-level value).
    pub whole: bool,
    pub kind: Kind<'s>,
}

/// What is wrong, with what a message needs to say so.
#[derive(Debug, PartialEq)]
pub enum Kind<'s> {
    Required {
        name: &'s str,
        description: &'s str,
    },
    /// Names outside `properties` where `additionalProperties` is `false`: the first `listed`
    /// ones, how many there are in all, and the declared names.
    Unknown {
        listed: Vec<String>,
        count: usize,
        allowed: &'s str,
    },
    Type {
        expected: &'static str,
    },
    Enum {
        options: &'s str,
    },
    Pattern {
        description: &'s str,
    },
    Email,
    Minimum(&'s Number),
    Maximum(&'s Number),
    MinLength(u64),
    MaxLength(u64),
    /// Anything else (exclusive bounds, item counts, `const`, combinators, `false`, too deep).
    Invalid,
}

/// The problems with `value`, at most `limit` of them (the first ones, in checking order);
/// unknown names are listed up to `listed`.
pub fn problems<'s>(schema: &'s CompiledSchema, value: &Value, limit: usize, listed: usize) -> Vec<Problem<'s>> {
    let mut walk = Walk { schema, found: Vec::new(), limit, listed };
    walk.apply(0, value, Place { field: None, description: "", depth: 0 });
    walk.found
}

/// Where in the value checking is.
#[derive(Clone, Copy)]
struct Place<'p, 's> {
    /// The top-level field entered, `None` at the top.
    field: Option<&'p str>,
    /// The description of the property the value belongs to.
    description: &'s str,
    depth: usize,
}

impl<'p, 's> Place<'p, 's> {
    /// The same value, one subschema further.
    fn deeper(self) -> Self {
        Place { depth: self.depth + 1, ..self }
    }

    /// A member or item of the value.
    fn enter(self, name: &'p str, description: &'s str) -> Self {
        Place { field: self.field.or(Some(name)), description, depth: self.depth + 1 }
    }
}

struct Walk<'s> {
    schema: &'s CompiledSchema,
    found: Vec<Problem<'s>>,
    limit: usize,
    listed: usize,
}

impl<'s> Walk<'s> {
    fn full(&self) -> bool {
        self.found.len() >= self.limit
    }

    fn report(&mut self, place: Place<'_, 's>, kind: Kind<'s>) {
        if !self.full() {
            let field = place.field.unwrap_or_default().to_owned();
            self.found.push(Problem { field, whole: place.field.is_none(), kind });
        }
    }

    /// True when `value` passes subschema `id` (nothing is reported).
    fn passes(&self, id: NodeId, value: &Value, place: Place<'_, 's>) -> bool {
        let mut trial = Walk { schema: self.schema, found: Vec::new(), limit: 1, listed: 0 };
        trial.apply(id, value, place);
        trial.found.is_empty()
    }

    fn apply(&mut self, id: NodeId, value: &Value, place: Place<'_, 's>) {
        if self.full() {
            return;
        }
        if place.depth > MAX_DEPTH {
            return self.report(place, Kind::Invalid);
        }
        match &self.schema.nodes[id] {
            Node::Anything => {}
            Node::Nothing => self.report(place, Kind::Invalid),
            Node::Checks(checks) => self.checks(checks, value, place),
        }
    }

    fn checks(&mut self, c: &'s Checks, value: &Value, place: Place<'_, 's>) {
        if let Some(types) = c.types
            && !types.overlaps(type_of(value))
        {
            self.report(place, Kind::Type { expected: types.expected() });
        }
        if c.constant.as_ref().is_some_and(|constant| !same(constant, value)) {
            self.report(place, Kind::Invalid);
        }
        if let Some((options, shown)) = &c.options
            && !options.iter().any(|o| same(o, value))
        {
            self.report(place, Kind::Enum { options: shown });
        }
        match value {
            Value::Number(n) => self.number(c, n, place),
            Value::String(s) => self.string(c, s, place),
            Value::Array(items) => self.array(c, items, place),
            Value::Object(_) => self.object(c, value, place),
            _ => {}
        }
        for &id in &c.all_of {
            self.apply(id, value, place.deeper());
        }
        if !c.any_of.is_empty() && !c.any_of.iter().any(|&id| self.passes(id, value, place.deeper())) {
            self.report(place, Kind::Invalid);
        }
        if !c.one_of.is_empty() && c.one_of.iter().filter(|&&id| self.passes(id, value, place.deeper())).count() != 1 {
            self.report(place, Kind::Invalid);
        }
        if let Some(id) = c.not
            && self.passes(id, value, place.deeper())
        {
            self.report(place, Kind::Invalid);
        }
        if let Some(condition) = c.condition {
            let branch = if self.passes(condition, value, place.deeper()) { c.then } else { c.otherwise };
            if let Some(id) = branch {
                self.apply(id, value, place.deeper());
            }
        }
        if let Some(id) = c.reference {
            self.apply(id, value, place.deeper());
        }
    }

    fn number(&mut self, c: &'s Checks, n: &Number, place: Place<'_, 's>) {
        use std::cmp::Ordering::{Greater, Less};
        if let Some(limit) = &c.minimum
            && compare(n, limit) == Less
        {
            self.report(place, Kind::Minimum(limit));
        }
        if let Some(limit) = &c.maximum
            && compare(n, limit) == Greater
        {
            self.report(place, Kind::Maximum(limit));
        }
        if c.exclusive_minimum.as_ref().is_some_and(|limit| compare(n, limit) != Greater) {
            self.report(place, Kind::Invalid);
        }
        if c.exclusive_maximum.as_ref().is_some_and(|limit| compare(n, limit) != Less) {
            self.report(place, Kind::Invalid);
        }
    }

    fn string(&mut self, c: &'s Checks, s: &str, place: Place<'_, 's>) {
        // Lengths count code points, as JSON Schema does; a byte count bounds it from above.
        let length = || s.chars().count() as u64;
        if let Some(limit) = c.min_length
            && length() < limit
        {
            self.report(place, Kind::MinLength(limit));
        }
        if let Some(limit) = c.max_length
            && s.len() as u64 > limit
            && length() > limit
        {
            self.report(place, Kind::MaxLength(limit));
        }
        if c.pattern.as_ref().is_some_and(|pattern| !pattern.is_match(s)) {
            let description = if place.description.is_empty() { c.description.as_str() } else { place.description };
            self.report(place, Kind::Pattern { description });
        }
        if c.email && !is_email(s) {
            self.report(place, Kind::Email);
        }
    }

    fn array(&mut self, c: &'s Checks, items: &[Value], place: Place<'_, 's>) {
        let count = items.len() as u64;
        if c.min_items.is_some_and(|limit| count < limit) || c.max_items.is_some_and(|limit| count > limit) {
            self.report(place, Kind::Invalid);
        }
        if c.unique_items {
            let mut seen = HashSet::with_capacity(items.len());
            let repeated = items.iter().any(|item| {
                let mut key = String::new();
                canonical(item, &mut key);
                !seen.insert(key)
            });
            if repeated {
                self.report(place, Kind::Invalid);
            }
        }
        for (index, item) in items.iter().enumerate() {
            let schema = c.prefix_items.get(index).copied().or(c.items);
            let Some(id) = schema else { continue };
            if self.full() {
                return;
            }
            let index = index.to_string();
            self.apply(id, item, place.enter(&index, place.description));
        }
    }

    fn object(&mut self, c: &'s Checks, value: &Value, place: Place<'_, 's>) {
        let Value::Object(members) = value else { return };
        for (name, description) in &c.required {
            if !members.contains_key(name) {
                self.report(place, Kind::Required { name, description });
            }
        }
        let mut unknown = Vec::new();
        let mut count = 0;
        let mut extra = Vec::new();
        for (name, member) in members {
            if self.full() {
                return;
            }
            match (c.properties.get(name), &c.extra) {
                (Some(property), _) => self.apply(property.node, member, place.enter(name, &property.description)),
                (None, Extra::Allowed) => {}
                (None, Extra::Refused { .. }) => {
                    if unknown.len() < self.listed {
                        unknown.push(name.clone());
                    }
                    count += 1;
                }
                (None, Extra::Schema(id)) => extra.push((*id, name, member)),
            }
        }
        for (id, name, member) in extra {
            self.apply(id, member, place.enter(name, ""));
        }
        if let Extra::Refused { allowed } = &c.extra
            && count > 0
        {
            self.report(place, Kind::Unknown { listed: unknown, count, allowed });
        }
    }
}

/// The types `value` has: an integer is a number too.
fn type_of(value: &Value) -> Types {
    match value {
        Value::Null => Types::NULL,
        Value::Bool(_) => Types::BOOLEAN,
        Value::Number(n) if is_integer(n) => Types::INTEGER.with(Types::NUMBER),
        Value::Number(_) => Types::NUMBER,
        Value::String(_) => Types::STRING,
        Value::Array(_) => Types::ARRAY,
        Value::Object(_) => Types::OBJECT,
    }
}
