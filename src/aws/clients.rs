//! AWS configuration: the default credential chain (IRSA, EKS Pod Identity, environment), per-account
//! AssumeRole, the endpoint override, retries and the call counter, applied to every client.

use crate::api::aws_account::AwsAccountSpec;
use crate::aws::counter::{CallStats, StripAccountHostPrefix};
use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use std::time::Duration;

/// Session name used when an AwsAccount does not set one.
pub const DEFAULT_SESSION_NAME: &str = "aws-baseline-operator";

/// Builds per-account sessions from the process's base configuration.
#[derive(Clone, Debug)]
pub struct AwsFactory {
    base: SdkConfig,
    stats: CallStats,
}

fn retry_config() -> RetryConfig {
    // Standard mode retries throttling and transient errors with exponential backoff and jitter, so a
    // throttled call is retried inside the pass instead of failing it.
    RetryConfig::standard()
        .with_max_attempts(6)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(10))
}

impl AwsFactory {
    /// Load the process configuration the standard way (env, profile, IRSA web identity, EKS Pod Identity,
    /// IMDS; `AWS_ENDPOINT_URL` honoured for every client).
    pub async fn from_env(stats: CallStats) -> Self {
        let base = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry_config())
            .load()
            .await;
        Self { base, stats }
    }

    /// Use an explicit base configuration (tests, the demo).
    pub fn from_config(base: SdkConfig, stats: CallStats) -> Self {
        let base = base.into_builder().retry_config(retry_config()).build();
        Self { base, stats }
    }

    /// The call tally shared by every client this factory builds.
    pub fn stats(&self) -> &CallStats {
        &self.stats
    }

    /// A session for one account: its own credentials (assumed role or the base chain), no AWS call yet.
    pub async fn session(
        &self,
        account: &AwsAccountSpec,
        home_region: &str,
    ) -> Result<AccountSession, AwsError> {
        let mut config = self
            .base
            .clone()
            .into_builder()
            .region(Region::new(home_region.to_string()))
            .build();
        if let Some(role) = &account.assume_role {
            let mut provider = AssumeRoleProvider::builder(role.role_arn.clone())
                .session_name(
                    role.session_name
                        .clone()
                        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string()),
                )
                .region(Region::new(home_region.to_string()))
                .configure(&config);
            if let Some(external_id) = &role.external_id {
                provider = provider.external_id(external_id.clone());
            }
            let provider = provider.build().await;
            config = config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
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
        })
    }
}

/// Configuration for one account; hands out per-region clients that share the call counter.
#[derive(Clone, Debug)]
pub struct AccountSession {
    config: SdkConfig,
    stats: CallStats,
}

macro_rules! client {
    ($fn:ident, $krate:ident) => {
        /// Client for this account in `region`.
        pub fn $fn(&self, region: &str) -> $krate::Client {
            let conf = $krate::config::Builder::from(&self.config)
                .region(Region::new(region.to_string()))
                .interceptor(self.stats.interceptor())
                .build();
            $krate::Client::from_conf(conf)
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

    /// True when an endpoint override (an emulator) is configured.
    pub fn endpoint_override(&self) -> Option<&str> {
        self.config.endpoint_url()
    }

    /// S3 client; path-style addressing when an endpoint override is set (virtual hosts don't resolve there).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .region(Region::new(region.to_string()))
            .force_path_style(self.endpoint_override().is_some())
            .interceptor(self.stats.interceptor())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// S3 Control client (account-level S3 settings).
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
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

    /// Who these credentials are: (account, arn). One STS call.
    pub async fn caller_identity(&self, region: &str) -> Result<(String, String), AwsError> {
        let out = self
            .sts(region)
            .get_caller_identity()
            .send()
            .await
            .aws("sts", "GetCallerIdentity")?;
        Ok((
            out.account().unwrap_or_default().to_string(),
            out.arn().unwrap_or_default().to_string(),
        ))
    }
}
