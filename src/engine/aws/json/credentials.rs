//! The credentials a signed call uses: the SDK configuration's provider chain, asked once and
//! asked again only when what it gave is about to expire or AWS said it had (the SDK's own
//! clients do the same through their identity cache).

use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::config::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::Mutex;

/// Credentials are renewed this long before they expire.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Why no credentials could be had. Names the failure's kind only: a provider's message can hold
/// a role ARN or a profile path, and this text is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("no credentials provider is configured")]
    NoProvider,
    #[error("the credentials provider failed")]
    ProviderFailed,
}

/// One provider's credentials, kept between calls.
pub struct CredentialCache {
    provider: Option<SharedCredentialsProvider>,
    current: Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for CredentialCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialCache").field("provider", &self.provider.is_some()).finish_non_exhaustive()
    }
}

fn fresh(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiry().is_none_or(|expiry| expiry > now + RENEW_BEFORE)
}

impl CredentialCache {
    pub fn new(provider: Option<SharedCredentialsProvider>) -> Self {
        CredentialCache { provider, current: Mutex::new(None) }
    }

    /// Credentials valid for at least a few more minutes.
    pub async fn get(&self) -> Result<Credentials, CredentialsError> {
        let mut current = self.current.lock().await;
        if let Some(credentials) = current.as_ref()
            && fresh(credentials, SystemTime::now())
        {
            return Ok(credentials.clone());
        }
        let provider = self.provider.as_ref().ok_or(CredentialsError::NoProvider)?;
        let credentials = provider.provide_credentials().await.map_err(|_| CredentialsError::ProviderFailed)?;
        *current = Some(credentials.clone());
        Ok(credentials)
    }

    /// Forgets the kept credentials (AWS said they expired or are unknown).
    pub async fn forget(&self) {
        *self.current.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_credential_types::provider::future::ProvideCredentials as ProvideFuture;

    /// Hands out credentials expiring `lifetime` from now, counting how often it is asked.
    #[derive(Debug)]
    struct Counting {
        asked: Arc<AtomicUsize>,
        lifetime: Option<Duration>,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> ProvideFuture<'a>
        where
            Self: 'a,
        {
            let n = self.asked.fetch_add(1, Ordering::SeqCst);
            let expiry = self.lifetime.map(|l| SystemTime::now() + l);
            ProvideFuture::ready(Ok(Credentials::new(format!("AK{n}"), "secret", None, expiry, "test")))
        }
    }

    fn cache(lifetime: Option<Duration>) -> (CredentialCache, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let provider = SharedCredentialsProvider::new(Counting { asked: asked.clone(), lifetime });
        (CredentialCache::new(Some(provider)), asked)
    }

    #[tokio::test]
    async fn credentials_are_asked_for_once_while_they_stay_valid() {
        let (cache, asked) = cache(Some(Duration::from_secs(3600)));
        for _ in 0..3 {
            assert_eq!(cache.get().await.unwrap().access_key_id(), "AK0");
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        let (cache, asked) = cache_without_expiry();
        cache.get().await.unwrap();
        cache.get().await.unwrap();
        assert_eq!(asked.load(Ordering::SeqCst), 1, "credentials without an expiry are kept");
    }

    fn cache_without_expiry() -> (CredentialCache, Arc<AtomicUsize>) {
        cache(None)
    }

    #[tokio::test]
    async fn credentials_about_to_expire_or_forgotten_are_renewed() {
        let (cache, asked) = cache(Some(Duration::from_secs(60)));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AK0");
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AK1", "a minute left is too little");
        let (cache, asked_again) = cache_without_expiry();
        cache.get().await.unwrap();
        cache.forget().await;
        assert_eq!(cache.get().await.unwrap().access_key_id(), "AK1");
        assert_eq!((asked.load(Ordering::SeqCst), asked_again.load(Ordering::SeqCst)), (2, 2));
    }

    #[tokio::test]
    async fn no_provider_is_a_clear_error() {
        assert_eq!(CredentialCache::new(None).get().await.unwrap_err(), CredentialsError::NoProvider);
    }
}
