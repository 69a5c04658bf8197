//! AWS configuration: the default credential chain (IRSA, EKS Pod Identity, environment), per-account
//! AssumeRole, the endpoint override, retries and the call counter, applied to every client.

use crate::api::aws_account::AwsAccountSpec;
use crate::aws::counter::{CallStats, StripAccountHostPrefix};
use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{read, Operation, MOTO};
use crate::aws::snapshots::Snapshots;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Session name used when an AwsAccount does not set one.
pub const DEFAULT_SESSION_NAME: &str = "aws-baseline-operator";

/// Builds per-account sessions from the process's base configuration and keeps them: a session (its
/// credentials, refreshed before they expire, and its clients) is built once per account and reused by every pass.
#[derive(Clone, Debug)]
pub struct AwsFactory {
    base: SdkConfig,
    stats: CallStats,
    sessions: Arc<Mutex<HashMap<String, Cached>>>,
    snapshots: Snapshots,
}

/// A cached session and when a pass last asked for it.
#[derive(Clone, Debug)]
struct Cached {
    session: AccountSession,
    used: Instant,
}

/// Sessions kept at most; beyond that the least recently used one is dropped (an account whose spec changed
/// leaves a stale entry that ages out this way). A fleet of N accounts with session tags off needs N entries.
const MAX_SESSIONS: usize = 1024;

/// How long a session's verified identity (STS GetCallerIdentity) is trusted before a pass asks STS again. The
/// identity of one set of credentials cannot change; re-asking bounds how late a deleted or re-pointed role is
/// noticed, without one STS call per object per pass.
pub const IDENTITY_TTL: Duration = Duration::from_secs(15 * 60);

/// Assumed-role credentials are refreshed this long before they expire.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

fn retry_config() -> RetryConfig {
    // Standard mode retries throttling and transient errors with exponential backoff and jitter, so a
    // throttled call is retried inside the pass instead of failing it.
    RetryConfig::standard()
        .with_max_attempts(6)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(10))
}

/// Time limits of every AWS call: a hung connection or a stalled response frees its reconcile slot instead of
/// holding it forever. An attempt is one HTTP exchange (retried by the retry policy); the operation covers all its
/// attempts and backoff.
pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(120))
        .build()
}

/// The SDK's default HTTPS client (hyper 1, rustls on aws-lc-rs, proxy from `HTTPS_PROXY`/`NO_PROXY`), built
/// once so that every client of every account and Region shares its connection pools and TLS configuration.
/// Without it each SDK client builds its own default client, trust roots included: at 50 accounts that was most
/// of the operator's memory (README "Fleet scale").
fn shared_https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::{proxy::ProxyConfig, tls, Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        conn.set_connector_settings(settings.cloned());
        if let Some(c) = components {
            conn.set_sleep_impl(c.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

impl AwsFactory {
    /// Load the process configuration the standard way (env, profile, IRSA web identity, EKS Pod Identity,
    /// IMDS; `AWS_ENDPOINT_URL` honoured for every client).
    pub async fn from_env(stats: CallStats) -> Self {
        let base = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry_config())
            .timeout_config(timeout_config())
            .load()
            .await;
        Self::from_config(base, stats)
    }

    /// Use an explicit base configuration (tests, the demo); the timeouts it sets win over [`timeout_config`]'s.
    /// Without an HTTP client of its own, every SDK client built from it shares [`shared_https_client`].
    pub fn from_config(base: SdkConfig, stats: CallStats) -> Self {
        let timeouts = match base.timeout_config() {
            Some(t) => t
                .to_builder()
                .take_unset_from(timeout_config().into_builder())
                .build(),
            None => timeout_config(),
        };
        let http = base.http_client().unwrap_or_else(shared_https_client);
        let base = base
            .into_builder()
            .retry_config(retry_config())
            .timeout_config(timeouts)
            .http_client(http)
            .build();
        Self {
            base,
            stats,
            sessions: Arc::default(),
            snapshots: Snapshots::default(),
        }
    }

    /// The call tally shared by every client this factory builds.
    pub fn stats(&self) -> &CallStats {
        &self.stats
    }

    /// Account-wide reads shared by every object of the process ([`Snapshots`]).
    pub fn snapshots(&self) -> &Snapshots {
        &self.snapshots
    }

    /// How many account sessions are cached.
    pub fn cached_sessions(&self) -> usize {
        self.sessions.lock().expect("session cache poisoned").len()
    }

    /// A session for one account, without session tags.
    pub async fn session(
        &self,
        account: &AwsAccountSpec,
        home_region: &str,
    ) -> Result<AccountSession, AwsError> {
        self.session_for(account, home_region, &[]).await
    }

    /// A session for one account: the base chain, or the roles of `assumeRole` (its `via` hops first) assumed in
    /// turn, the target session tagged with `session_tags` when the AwsAccount asks for it. Cached; no AWS call
    /// until a client needs credentials.
    pub async fn session_for(
        &self,
        account: &AwsAccountSpec,
        home_region: &str,
        session_tags: &[(String, String)],
    ) -> Result<AccountSession, AwsError> {
        let tags: &[(String, String)] = match &account.assume_role {
            Some(r) if r.session_tags => session_tags,
            _ => &[],
        };
        let key =
            serde_json::to_string(&(&account.assume_role, home_region, tags)).unwrap_or_default();
        if let Some(c) = self
            .sessions
            .lock()
            .expect("session cache poisoned")
            .get_mut(&key)
        {
            c.used = Instant::now();
            return Ok(c.session.clone());
        }
        let session = self.build_session(account, home_region, tags).await?;
        let mut cache = self.sessions.lock().expect("session cache poisoned");
        Ok(remember(&mut cache, key, session, MAX_SESSIONS))
    }

    async fn build_session(
        &self,
        account: &AwsAccountSpec,
        home_region: &str,
        tags: &[(String, String)],
    ) -> Result<AccountSession, AwsError> {
        let region = Region::new(home_region.to_string());
        let mut config = self
            .base
            .clone()
            .into_builder()
            .region(region.clone())
            .build();
        if let Some(role) = &account.assume_role {
            let session_name = role
                .session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string());
            let hops = role
                .via
                .iter()
                .map(|h| (&h.role_arn, &h.external_id, &[][..]))
                .chain(std::iter::once((&role.role_arn, &role.external_id, tags)));
            for (arn, external_id, hop_tags) in hops {
                let mut provider = AssumeRoleProvider::builder(arn.clone())
                    .session_name(session_name.clone())
                    .region(region.clone())
                    .configure(&config);
                if let Some(id) = external_id {
                    provider = provider.external_id(id.clone());
                }
                if !hop_tags.is_empty() {
                    provider = provider.tags(hop_tags.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                let provider = provider.build().await;
                // Each hop's credentials are cached and refreshed ahead of expiry; the next hop assumes from them.
                config = config
                    .into_builder()
                    .credentials_provider(SharedCredentialsProvider::new(provider))
                    .identity_cache(
                        IdentityCache::lazy()
                            .buffer_time(REFRESH_BEFORE_EXPIRY)
                            .build(),
                    )
                    .build();
            }
        }
        if config.credentials_provider().is_none() {
            return Err(AwsError::new(
                "sts",
                "ResolveCredentials",
                ErrorCategory::AccessDenied,
                "no AWS credentials found (IRSA, EKS Pod Identity, environment or profile)",
            ));
        }
        Ok(AccountSession {
            config,
            stats: self.stats.clone(),
            clients: Arc::default(),
            identity: Arc::default(),
            snapshots: self.snapshots.clone(),
        })
    }
}

/// Put `session` under `key` (or keep the one another task put there first), dropping the least recently used
/// entry when the cache holds `max`.
fn remember(
    cache: &mut HashMap<String, Cached>,
    key: String,
    session: AccountSession,
    max: usize,
) -> AccountSession {
    if !cache.contains_key(&key) && cache.len() >= max {
        if let Some(oldest) = cache
            .iter()
            .min_by_key(|(_, c)| c.used)
            .map(|(k, _)| k.clone())
        {
            cache.remove(&oldest);
        }
    }
    let entry = cache.entry(key).or_insert(Cached {
        session,
        used: Instant::now(),
    });
    entry.used = Instant::now();
    entry.session.clone()
}

type ClientCache = Arc<Mutex<HashMap<(&'static str, String), Arc<dyn Any + Send + Sync>>>>;

/// The identity STS returned for a session's credentials: (account, ARN) and when.
type Identity = Arc<Mutex<Option<(Instant, (String, String))>>>;

/// Configuration for one account; hands out per-region clients (built once, then reused) that share the call
/// counter and the account's cached credentials.
#[derive(Clone)]
pub struct AccountSession {
    config: SdkConfig,
    stats: CallStats,
    clients: ClientCache,
    identity: Identity,
    snapshots: Snapshots,
}

impl std::fmt::Debug for AccountSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSession")
            .field("region", &self.config.region())
            .field("endpoint", &self.config.endpoint_url())
            .finish_non_exhaustive()
    }
}

impl AccountSession {
    /// The cached client of `service` in `region`, built by `build` the first time.
    fn cached<C: Clone + Send + Sync + 'static>(
        &self,
        service: &'static str,
        region: &str,
        build: impl FnOnce() -> C,
    ) -> C {
        let mut cache = self.clients.lock().expect("client cache poisoned");
        let entry = cache
            .entry((service, region.to_string()))
            .or_insert_with(|| Arc::new(build()));
        entry
            .downcast_ref::<C>()
            .expect("one client type per service key")
            .clone()
    }

    /// The process's shared account-wide reads ([`AwsFactory::snapshots`]).
    pub fn snapshots(&self) -> &Snapshots {
        &self.snapshots
    }

    /// How many clients this session has built.
    pub fn cached_clients(&self) -> usize {
        self.clients.lock().expect("client cache poisoned").len()
    }
}

macro_rules! client {
    ($fn:ident, $krate:ident) => {
        /// Client for this account in `region` (built once per region, then reused).
        pub fn $fn(&self, region: &str) -> $krate::Client {
            self.cached(stringify!($fn), region, || {
                let conf = $krate::config::Builder::from(&self.config)
                    .region(Region::new(region.to_string()))
                    .interceptor(self.stats.interceptor())
                    .build();
                $krate::Client::from_conf(conf)
            })
        }
    };
}

impl AccountSession {
    client!(cloudtrail, aws_sdk_cloudtrail);
    client!(guardduty, aws_sdk_guardduty);
    client!(iam, aws_sdk_iam);
    client!(ec2, aws_sdk_ec2);
    client!(sts, aws_sdk_sts);
    client!(ssm, aws_sdk_ssm);
    client!(cloudwatch, aws_sdk_cloudwatch);
    client!(logs, aws_sdk_cloudwatchlogs);
    client!(sns, aws_sdk_sns);
    client!(events, aws_sdk_eventbridge);
    client!(sqs, aws_sdk_sqs);
    client!(ecs, aws_sdk_ecs);
    client!(eks, aws_sdk_eks);
    client!(securityhub, aws_sdk_securityhub);
    client!(config, aws_sdk_config);
    client!(accessanalyzer, aws_sdk_accessanalyzer);
    client!(inspector2, aws_sdk_inspector2);
    client!(budgets, aws_sdk_budgets);
    client!(support, aws_sdk_support);
    client!(elbv2, aws_sdk_elasticloadbalancingv2);
    client!(route53, aws_sdk_route53);
    client!(synthetics, aws_sdk_synthetics);
    client!(backup, aws_sdk_backup);
    client!(organizations, aws_sdk_organizations);
    client!(kms, aws_sdk_kms);

    /// True when an endpoint override (an emulator) is configured.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.config.endpoint_url()
    }

    /// S3 client; path-style addressing when an endpoint override is set (virtual hosts don't resolve there).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        self.cached("s3", region, || {
            let conf = aws_sdk_s3::config::Builder::from(&self.config)
                .region(Region::new(region.to_string()))
                .force_path_style(self.endpoint_override().is_some())
                .interceptor(self.stats.interceptor())
                .build();
            aws_sdk_s3::Client::from_conf(conf)
        })
    }

    /// S3 Control client (account-level S3 settings).
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        self.cached("s3control", region, || self.build_s3control(region))
    }

    fn build_s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut conf = aws_sdk_s3control::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .interceptor(self.stats.interceptor());
        if let Some(url) = self.endpoint_override() {
            let authority = url
                .split_once("://")
                .map(|(_, a)| a)
                .unwrap_or(url)
                .trim_end_matches('/')
                .to_string();
            conf = conf.interceptor(StripAccountHostPrefix { authority });
        }
        aws_sdk_s3control::Client::from_conf(conf.build())
    }

    /// Who these credentials are: (account, arn). One STS call, or none when this session asked within
    /// [`IDENTITY_TTL`].
    pub async fn caller_identity(&self, region: &str) -> Result<(String, String), AwsError> {
        if let Some((at, id)) = self
            .identity
            .lock()
            .expect("identity cache poisoned")
            .clone()
        {
            if at.elapsed() < IDENTITY_TTL {
                return Ok(id);
            }
        }
        self.fresh_caller_identity(region).await
    }

    /// Who these credentials are, asked of STS now (and remembered for [`Self::caller_identity`]).
    pub async fn fresh_caller_identity(&self, region: &str) -> Result<(String, String), AwsError> {
        let out = self
            .sts(region)
            .get_caller_identity()
            .send()
            .await
            .aws("sts", "GetCallerIdentity")?;
        let id = (
            out.account().unwrap_or_default().to_string(),
            out.arn().unwrap_or_default().to_string(),
        );
        *self.identity.lock().expect("identity cache poisoned") =
            Some((Instant::now(), id.clone()));
        Ok(id)
    }
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // STS: every pass first proves the credentials belong to the declared account; no permission needed.
    read(
        "sts",
        "GetCallerIdentity",
        MOTO,
        &[],
        &["AwsAccount", "AccountBaseline", "PatchSchedule"],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> AccountSession {
        AccountSession {
            config: SdkConfig::builder().build(),
            stats: CallStats::default(),
            clients: Arc::default(),
            identity: Arc::default(),
            snapshots: Snapshots::default(),
        }
    }

    #[test]
    fn a_full_cache_drops_the_least_recently_used_session_only() {
        let mut cache = HashMap::new();
        for k in ["a", "b", "c"] {
            remember(&mut cache, k.into(), session(), 3);
            std::thread::sleep(Duration::from_millis(2));
        }
        // "a" is used again, so "b" is now the least recently used.
        cache.get_mut("a").unwrap().used = Instant::now();
        remember(&mut cache, "d".into(), session(), 3);
        let mut keys: Vec<&str> = cache.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["a", "c", "d"]);
        // A key already cached replaces nothing.
        remember(&mut cache, "c".into(), session(), 3);
        assert_eq!(cache.len(), 3);
    }
}
