//! What the AWS SDK's retry and timeout machinery did, counted per service by an interceptor on
//! each client: calls, attempts (so retries) and attempts cut off by a timeout (the attempt's or
//! the whole call's). The request's metrics line reports the difference over the request.
//! Counting is a few atomic additions per attempt: no I/O, nothing logged.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_secretsmanager::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_secretsmanager::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_secretsmanager::error::BoxError;

/// The services whose calls are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    DynamoDb,
    SecretsManager,
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    timeouts: AtomicU64,
}

/// The counts of every client built from one [`super::AwsContext`].
#[derive(Debug, Default)]
pub struct CallStats {
    dynamodb: Counters,
    secrets: Counters,
}

/// One service's counts at a moment (or over an interval, as a difference).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceCalls {
    pub calls: u64,
    pub attempts: u64,
    pub timeouts: u64,
}

impl ServiceCalls {
    /// Attempts beyond each call's first.
    pub fn retries(&self) -> u64 {
        self.attempts.saturating_sub(self.calls)
    }

    fn since(self, earlier: ServiceCalls) -> ServiceCalls {
        ServiceCalls {
            calls: self.calls.saturating_sub(earlier.calls),
            attempts: self.attempts.saturating_sub(earlier.attempts),
            timeouts: self.timeouts.saturating_sub(earlier.timeouts),
        }
    }
}

/// Both services' counts at a moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallsSnapshot {
    pub dynamodb: ServiceCalls,
    pub secrets: ServiceCalls,
}

impl CallsSnapshot {
    /// What happened between `earlier` and this snapshot.
    pub fn since(self, earlier: CallsSnapshot) -> CallsSnapshot {
        CallsSnapshot { dynamodb: self.dynamodb.since(earlier.dynamodb), secrets: self.secrets.since(earlier.secrets) }
    }
}

impl CallStats {
    fn counters(&self, service: Service) -> &Counters {
        match service {
            Service::DynamoDb => &self.dynamodb,
            Service::SecretsManager => &self.secrets,
        }
    }

    /// The counts now.
    pub fn snapshot(&self) -> CallsSnapshot {
        let read = |c: &Counters| ServiceCalls {
            calls: c.calls.load(Ordering::Relaxed),
            attempts: c.attempts.load(Ordering::Relaxed),
            timeouts: c.timeouts.load(Ordering::Relaxed),
        };
        CallsSnapshot { dynamodb: read(&self.dynamodb), secrets: read(&self.secrets) }
    }
}

/// The interceptor that counts one service's calls into shared [`CallStats`].
#[derive(Debug, Clone)]
pub struct CallCounter {
    service: Service,
    stats: Arc<CallStats>,
}

impl CallCounter {
    pub(super) fn new(service: Service, stats: Arc<CallStats>) -> Self {
        CallCounter { service, stats }
    }

    fn counters(&self) -> &Counters {
        self.stats.counters(self.service)
    }

    /// One call begins (a client without the SDK's interceptors counts by hand: super::json).
    pub fn count_call(&self) {
        self.counters().calls.fetch_add(1, Ordering::Relaxed);
    }

    /// One attempt begins.
    pub fn count_attempt(&self) {
        self.counters().attempts.fetch_add(1, Ordering::Relaxed);
    }

    /// An attempt was cut off by a timeout.
    pub fn count_timeout(&self) {
        self.counters().timeouts.fetch_add(1, Ordering::Relaxed);
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "lambda-mcp call counter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.count_call();
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.count_attempt();
        Ok(())
    }

    /// An attempt ends in a timeout when its own timeout fired, the call's fired while it was in
    /// flight, or the connection could not be made in time.
    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Err(error)) = context.output_or_error() {
            let connect_timeout = error.as_connector_error().is_some_and(|e| e.is_timeout());
            if error.is_timeout_error() || connect_timeout {
                self.count_timeout();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_attempts_beyond_each_calls_first() {
        let calls = ServiceCalls { calls: 2, attempts: 5, timeouts: 1 };
        assert_eq!(calls.retries(), 3);
        assert_eq!(ServiceCalls::default().retries(), 0);
    }

    #[test]
    fn a_snapshot_difference_is_what_happened_in_between() {
        let stats = CallStats::default();
        let before = stats.snapshot();
        stats.counters(Service::DynamoDb).calls.fetch_add(1, Ordering::Relaxed);
        stats.counters(Service::DynamoDb).attempts.fetch_add(3, Ordering::Relaxed);
        stats.counters(Service::SecretsManager).timeouts.fetch_add(1, Ordering::Relaxed);
        let delta = stats.snapshot().since(before);
        assert_eq!(delta.dynamodb, ServiceCalls { calls: 1, attempts: 3, timeouts: 0 });
        assert_eq!(delta.secrets.timeouts, 1);
    }
}
