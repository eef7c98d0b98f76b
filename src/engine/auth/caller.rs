//! Who is calling: what authentication found out about a request, carried to the tools (in their
//! call context) and into the request log line. Holds no secret: never a key or a token.

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
}

impl Caller {
    /// The caller when authentication is off.
    pub fn anonymous() -> Self {
        Caller { id: "anonymous".into(), client: None, via: Via::Nothing, scopes: Scopes::All }
    }

    /// A caller known by a non-secret id, with every scope.
    pub fn with_id(id: impl Into<String>) -> Self {
        Caller { id: id.into(), client: None, via: Via::Header, scopes: Scopes::All }
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
}
