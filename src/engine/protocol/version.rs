//! MCP protocol revisions this server speaks: the initialize-based (legacy) era and the
//! stateless, per-request (modern) era, chosen per request.

use std::fmt;

/// A supported protocol revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProtocolVersion {
    V2024_11_05,
    V2025_03_26,
    V2025_06_18,
    V2025_11_25,
    V2026_07_28,
}

impl ProtocolVersion {
    /// The initialize-based revisions, oldest first.
    pub const LEGACY: [ProtocolVersion; 4] =
        [Self::V2024_11_05, Self::V2025_03_26, Self::V2025_06_18, Self::V2025_11_25];
    /// The stateless revisions (every request carries its version in `_meta`).
    pub const MODERN: [ProtocolVersion; 1] = [Self::V2026_07_28];
    /// The newest legacy revision, answered when `initialize` asks for one we do not speak.
    pub const LATEST_LEGACY: ProtocolVersion = Self::V2025_11_25;
    /// Assumed when a legacy request carries no `MCP-Protocol-Version` header.
    pub const WITHOUT_HEADER: ProtocolVersion = Self::V2025_03_26;

    /// The revision's date string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2024_11_05 => "2024-11-05",
            Self::V2025_03_26 => "2025-03-26",
            Self::V2025_06_18 => "2025-06-18",
            Self::V2025_11_25 => "2025-11-25",
            Self::V2026_07_28 => "2026-07-28",
        }
    }

    /// The revision named by `text`, if supported (either era).
    pub fn parse(text: &str) -> Option<Self> {
        Self::LEGACY.into_iter().chain(Self::MODERN).find(|v| v.as_str() == text)
    }

    /// True for the stateless revisions.
    pub fn is_modern(self) -> bool {
        Self::MODERN.contains(&self)
    }

    /// Every revision the endpoint serves, both eras, newest first: `server/discover`'s
    /// `supportedVersions`, `-32022`'s and the legacy `MCP-Protocol-Version` error's
    /// `data.supported` list these, so a client that cannot speak the modern era learns that the
    /// legacy ones are still served.
    pub fn all_supported() -> Vec<&'static str> {
        Self::MODERN.iter().rev().chain(Self::LEGACY.iter().rev()).map(|v| v.as_str()).collect()
    }

    /// JSON-RPC batches exist only in 2025-03-26.
    pub fn allows_batches(self) -> bool {
        self == Self::V2025_03_26
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_version_round_trips() {
        for v in ProtocolVersion::LEGACY.into_iter().chain(ProtocolVersion::MODERN) {
            assert_eq!(ProtocolVersion::parse(v.as_str()), Some(v));
        }
        assert_eq!(ProtocolVersion::parse("2099-01-01"), None);
        assert_eq!(ProtocolVersion::parse("2025-06-18 "), None);
    }

    #[test]
    fn only_2025_03_26_allows_batches_and_only_2026_07_28_is_modern() {
        let all = ProtocolVersion::LEGACY.into_iter().chain(ProtocolVersion::MODERN);
        let batching: Vec<_> = all.clone().filter(|v| v.allows_batches()).collect();
        assert_eq!(batching, vec![ProtocolVersion::V2025_03_26]);
        let modern: Vec<_> = all.filter(|v| v.is_modern()).collect();
        assert_eq!(modern, vec![ProtocolVersion::V2026_07_28]);
    }

    #[test]
    fn supported_lists_are_newest_first() {
        assert_eq!(
            ProtocolVersion::all_supported(),
            vec!["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
        );
    }
}
