//! Who is calling: what authentication found out about a request, carried to the tools (in their
//! call context) and into the request log line. Holds no secret: never a key or a token. The
//! identity claim of a verified access token is personal data: it reaches the tools, and the log
//! line says only whether there was one.

/// How a caller proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Via {
    /// Authentication is off.
    #[default]
    Nothing,
    /// An API key in a header (the configured one, or `Authorization: Bearer`).
    Header,
    /// An API key in the URL path (`/mcp/{token}`).
    Url,
    /// An OAuth 2.1 access token.
    OAuth,
}

impl Via {
    /// The mode's name in logs and settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Nothing => "off",
            Via::Header => "header",
            Via::Url => "url",
            Via::OAuth => "oauth",
        }
    }
}

/// What a caller may do: every tool, or the tools whose scope it holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scopes {
    /// Every scope (authentication off, or an API key without scopes).
    #[default]
    All,
    /// Only these scopes.
    Only(Vec<String>),
}

impl Scopes {
    /// True when a tool needing `scope` (`None`: no particular scope) may be used.
    pub fn allows(&self, scope: Option<&str>) -> bool {
        match (self, scope) {
            (Scopes::All, _) | (_, None) => true,
            (Scopes::Only(held), Some(scope)) => held.iter().any(|s| s == scope),
        }
    }

    /// True when some tool may be out of reach.
    pub fn is_restricted(&self) -> bool {
        matches!(self, Scopes::Only(_))
    }
}

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// A non-secret id: the API key's id (`key-1`, `moveo`, `previous-key-2`), the access token's
    /// subject, or `anonymous` when authentication is off.
    pub id: String,
    /// The OAuth client the token was issued to, when known.
    pub client: Option<String>,
    /// How the caller authenticated.
    pub via: Via,
    /// What the caller may do.
    pub scopes: Scopes,
    /// The value of the configured identity claim (`OAuthSettings::identity_claim`) of an access
    /// token whose signature, issuer, audience and validity window all verified. API keys and
    /// anonymous callers never have one.
    pub identity_claim: Option<IdentityClaim>,
}

/// The value of a verified access token's identity claim (an email, say). Its `Debug` hides the
/// value, so a caller printed anywhere does not leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityClaim(String);

impl IdentityClaim {
    /// The claim's value, as the token carried it.
    pub fn new(value: impl Into<String>) -> Self {
        IdentityClaim(value.into())
    }

    /// The value, for the product to check and normalise; never for a log line.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for IdentityClaim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityClaim(..)")
    }
}

impl Caller {
    /// The caller when authentication is off.
    pub fn anonymous() -> Self {
        Caller { id: "anonymous".into(), client: None, via: Via::Nothing, scopes: Scopes::All, identity_claim: None }
    }

    /// A caller known by a non-secret id, with every scope.
    pub fn with_id(id: impl Into<String>) -> Self {
        Caller { id: id.into(), client: None, via: Via::Header, scopes: Scopes::All, identity_claim: None }
    }

    /// The same caller, authenticated `via`.
    pub fn via(mut self, via: Via) -> Self {
        self.via = via;
        self
    }

    /// The same caller, limited to `scopes`.
    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }
}

impl Default for Caller {
    fn default() -> Self {
        Caller::anonymous()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_caller_may_use_only_tools_within_its_scopes() {
        let reader = Scopes::Only(vec!["orders:read".into()]);
        assert!(reader.allows(Some("orders:read")));
        assert!(!reader.allows(Some("orders:cancel")));
        assert!(reader.allows(None), "a tool without a scope is open to every caller");
        assert!(Scopes::All.allows(Some("orders:cancel")));
        assert!(Scopes::Only(vec![]).is_restricted() && !Scopes::All.is_restricted());
    }

    #[test]
    fn keys_and_anonymous_callers_carry_no_claim_and_a_printed_claim_hides_its_value() {
        assert_eq!(Caller::anonymous().identity_claim, None);
        assert_eq!(Caller::with_id("key-1").via(Via::Url).identity_claim, None);
        let caller = Caller {
            identity_claim: Some(IdentityClaim::new("jane.doe@example.com")),
            ..Caller::with_id("user-1").via(Via::OAuth)
        };
        assert_eq!(caller.identity_claim.as_ref().map(IdentityClaim::as_str), Some("jane.doe@example.com"));
        let printed = format!("{caller:?} {caller:#?}");
        assert!(!printed.contains("jane.doe") && printed.contains("IdentityClaim(..)"), "{printed}");
    }
}
