//! Who is calling: what authentication found out about a request, carried to the tools (in their
//! call context) and into the request log line. Holds no secret: never a key or a token.

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// A non-secret id: the API key's id (`key-1`, `previous-key-2`), or `anonymous` when
    /// authentication is off.
    pub id: String,
}

impl Caller {
    /// The caller when authentication is off.
    pub fn anonymous() -> Self {
        Caller { id: "anonymous".into() }
    }

    /// A caller known by a non-secret id.
    pub fn with_id(id: impl Into<String>) -> Self {
        Caller { id: id.into() }
    }
}

impl Default for Caller {
    fn default() -> Self {
        Caller::anonymous()
    }
}
