//! The whole-number settings and the values each accepts, in one table that the parser reads and
//! that scripts/check-template compares with template.yaml's parameter limits (so the template
//! can never offer a value the code refuses at start). A unit test below keeps the table equal to
//! what the parser really accepts.

use super::ConfigError;

/// A whole-number setting read from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The environment variable.
    pub name: &'static str,
    /// The smallest accepted value.
    pub min: u64,
    /// The largest accepted value, if any.
    pub max: Option<u64>,
    /// The value when the variable is unset or blank.
    pub default: u64,
}

/// Every whole-number setting (keep one row per line: scripts/check-template reads this table).
pub const LIMITS: &[Limit] = &[
    Limit { name: "MCP_MAX_BODY_BYTES", min: 1, max: None, default: 1_048_576 },
    Limit { name: "MCP_MAX_BATCH", min: 1, max: None, default: 50 },
    Limit { name: "MCP_KEY_CACHE_TTL_SECONDS", min: 1, max: None, default: 300 },
    Limit { name: "MCP_KEY_REFRESH_INTERVAL_SECONDS", min: 1, max: None, default: 5 },
    Limit { name: "MCP_KEY_ROTATION_WINDOW_SECONDS", min: 0, max: Some(2_592_000), default: 86_400 },
    Limit { name: "MCP_OAUTH_LEEWAY_SECONDS", min: 0, max: Some(300), default: 30 },
    Limit { name: "MCP_OAUTH_JWKS_CACHE_TTL_SECONDS", min: 60, max: Some(86_400), default: 3_600 },
    Limit { name: "MCP_OAUTH_JWKS_REFRESH_INTERVAL_SECONDS", min: 1, max: Some(3_600), default: 30 },
];

/// The row of `name`.
fn limit(name: &'static str) -> Result<&'static Limit, ConfigError> {
    LIMITS
        .iter()
        .find(|l| l.name == name)
        .ok_or(ConfigError::Invalid { name, reason: "not a whole-number setting (no LIMITS row)".into() })
}

/// The setting `name`: its default when unset, else a whole number within its limits.
pub fn whole(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<u64, ConfigError> {
    let limit = limit(name)?;
    let Some(raw) = get(name) else { return Ok(limit.default) };
    let range = match limit.max {
        Some(max) => format!("from {} to {max}", limit.min),
        None => format!("{} or more", limit.min),
    };
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= limit.min && limit.max.is_none_or(|max| *n <= max))
        .ok_or(ConfigError::Invalid { name, reason: format!("expected a whole number {range}, got `{raw}`") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &'static str, value: Option<String>) -> Result<u64, ConfigError> {
        whole(&|n: &str| if n == name { value.clone() } else { None }, name)
    }

    #[test]
    fn the_table_is_what_the_parser_accepts() {
        for l in LIMITS {
            assert_eq!(read(l.name, None), Ok(l.default), "{}: the default", l.name);
            assert_eq!(read(l.name, Some(l.min.to_string())), Ok(l.min), "{}: the minimum", l.name);
            if l.min > 0 {
                assert!(read(l.name, Some((l.min - 1).to_string())).is_err(), "{}: below the minimum", l.name);
            }
            match l.max {
                Some(max) => {
                    assert_eq!(read(l.name, Some(max.to_string())), Ok(max), "{}: the maximum", l.name);
                    assert!(read(l.name, Some((max + 1).to_string())).is_err(), "{}: above the maximum", l.name);
                }
                None => assert_eq!(read(l.name, Some(u64::MAX.to_string())), Ok(u64::MAX), "{}: no maximum", l.name),
            }
            assert!(l.default >= l.min && l.max.is_none_or(|max| l.default <= max), "{}: the default fits", l.name);
            assert!(read(l.name, Some("lots".into())).is_err() && read(l.name, Some("-1".into())).is_err());
        }
    }

    #[test]
    fn a_name_without_a_row_is_an_error_not_a_panic() {
        assert!(matches!(read("MCP_NOT_A_SETTING", None), Err(ConfigError::Invalid { .. })));
    }
}
