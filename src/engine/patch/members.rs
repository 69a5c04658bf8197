//! Window members (targets and tasks): the SSM calls that register, update and deregister one, and the writes
//! of a member plan (`crate::patching::members`).

use crate::aws::ssm::{self, TargetConfig, TaskConfig};
use crate::aws::AwsError;
use crate::patching::members::MemberWrite;
use aws_sdk_ssm::Client;
use std::collections::BTreeMap;

/// The SSM calls of one kind of window member.
pub(super) trait WindowMember {
    /// Register the member in the window; its new ID.
    async fn register(&self, client: &Client, window_id: &str) -> Result<String, AwsError>;
    /// Update the member `id` with every managed setting.
    async fn update(&self, client: &Client, window_id: &str, id: &str) -> Result<(), AwsError>;
    /// Deregister the member `id`.
    async fn deregister(client: &Client, window_id: &str, id: &str) -> Result<(), AwsError>;
}

impl WindowMember for TargetConfig {
    async fn register(&self, client: &Client, window_id: &str) -> Result<String, AwsError> {
        ssm::register_target(client, window_id, self).await
    }
    async fn update(&self, client: &Client, window_id: &str, id: &str) -> Result<(), AwsError> {
        ssm::update_target(client, window_id, id, self).await
    }
    async fn deregister(client: &Client, window_id: &str, id: &str) -> Result<(), AwsError> {
        ssm::deregister_target(client, window_id, id).await
    }
}

impl WindowMember for TaskConfig {
    async fn register(&self, client: &Client, window_id: &str) -> Result<String, AwsError> {
        ssm::register_task(client, window_id, self).await
    }
    async fn update(&self, client: &Client, window_id: &str, id: &str) -> Result<(), AwsError> {
        ssm::update_task(client, window_id, id, self).await
    }
    async fn deregister(client: &Client, window_id: &str, id: &str) -> Result<(), AwsError> {
        ssm::deregister_task(client, window_id, id).await
    }
}

/// Run a member plan's writes in order; the first failure stops them. The ID of each member registered is
/// added to `ids` under its name.
pub(super) async fn write<M: WindowMember>(
    client: &Client,
    window_id: &str,
    writes: &[MemberWrite<M>],
    ids: &mut BTreeMap<String, String>,
) -> Result<(), AwsError> {
    for w in writes {
        match w {
            MemberWrite::Create { name, config } => {
                let id = config.register(client, window_id).await?;
                ids.insert(name.clone(), id);
            }
            MemberWrite::Update { id, config, .. } => config.update(client, window_id, id).await?,
            MemberWrite::Remove { id, .. } => M::deregister(client, window_id, id).await?,
        }
    }
    Ok(())
}
