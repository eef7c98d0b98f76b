//! The HTTPS client every AWS client shares, and the roots it trusts.
//!
//! The SDK's default client loads and parses the whole system trust store (about 140 roots on
//! Amazon Linux) the first time it connects, which is on the path of the cold handshake. AWS
//! service endpoints all chain to Amazon Trust Services, so by default the function trusts only
//! those five roots, compiled in: a smaller attack surface and roughly half the CPU of a cold
//! handshake (README, Performance). `MCP_TLS_ROOTS=system` restores the system store, for an
//! endpoint behind a TLS-inspecting proxy or a private CA.

use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};

/// Amazon Root CA 1-4 and Starfield Services Root CA G2 (the cross-signing root), in PEM.
pub const AMAZON_TRUST_ROOTS: &[u8] = include_bytes!("amazon-trust-roots.pem");

/// Which certificate authorities the AWS clients trust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TlsRoots {
    /// Only Amazon Trust Services' roots (the default).
    #[default]
    Amazon,
    /// The operating system's trust store.
    System,
}

impl TlsRoots {
    /// Reads an `MCP_TLS_ROOTS` value: `amazon` or `system` (any case).
    pub fn parse(value: &str) -> Option<TlsRoots> {
        match value.trim().to_ascii_lowercase().as_str() {
            "amazon" => Some(TlsRoots::Amazon),
            "system" => Some(TlsRoots::System),
            _ => None,
        }
    }

    /// The trust store these roots make.
    pub(crate) fn trust_store(self) -> TrustStore {
        match self {
            TlsRoots::Amazon => TrustStore::empty().with_pem_certificate(AMAZON_TRUST_ROOTS),
            TlsRoots::System => TrustStore::default(),
        }
    }
}

/// The HTTPS client (rustls with aws-lc, as the SDK's default) trusting `roots`.
pub fn http_client(roots: TlsRoots) -> SharedHttpClient {
    let context = TlsContext::builder().with_trust_store(roots.trust_store()).build();
    let builder = Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
    match context {
        Ok(context) => builder.tls_context(context).build_https(),
        // Building a context from a trust store cannot fail today; if it ever does, the SDK's
        // default context (system roots) is still a working client.
        Err(_) => builder.build_https(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    #[test]
    fn the_compiled_in_roots_are_the_five_amazon_trust_services_roots() {
        let certs: Vec<_> = CertificateDer::pem_slice_iter(AMAZON_TRUST_ROOTS).collect::<Result<_, _>>().unwrap();
        assert_eq!(certs.len(), 5);
        let text = String::from_utf8_lossy(AMAZON_TRUST_ROOTS);
        for name in ["Amazon Root CA 1", "Amazon Root CA 4", "Starfield Services Root Certificate Authority - G2"] {
            assert!(text.contains(name), "{name}");
        }
    }

    #[test]
    fn the_setting_reads_both_choices_and_nothing_else() {
        assert_eq!(TlsRoots::parse("amazon"), Some(TlsRoots::Amazon));
        assert_eq!(TlsRoots::parse(" System "), Some(TlsRoots::System));
        assert_eq!(TlsRoots::parse("none"), None);
    }
}
