//! Status of one object applied to several accounts (`accountSelector`): counts, the first few accounts that are
//! not in sync, and the per-account ledger of what the next pass and a deletion must remember.
//!
//! Why the status looks like this: an object over hundreds of accounts must stay far below the API server's object
//! size limit (etcd's 1.5 MiB). Per-account component lists and drift entries for every account grow without
//! bound (a few KiB per account), so status keeps counts, the first [`LISTED_ACCOUNTS`] accounts not in sync
//! (failed first, then drifted) with their drift entries, and for every account only the [`AccountLedger`]: the
//! ownership (created or adopted) and AWS identifiers the operator itself decides deletion and adoption by, which
//! cannot be re-derived from AWS alone (an adopted resource carries no owner tag). The full per-account detail
//! goes to a Kubernetes Event each time an account changes state, and to `check`/`plan` output on the CLI.

use super::common::{ComponentStatus, OperatorDisabledControl, Ownership};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Accounts listed in `status.accounts.notInSync` (with their drift in `status.drift`): failed first, then drifted,
/// each group by name.
pub const LISTED_ACCOUNTS: usize = 20;

/// Per-account rollup of an object applied to several accounts.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountRollup {
    /// Accounts the selector matched.
    pub selected: u32,
    /// Accounts where the declared state holds.
    pub in_sync: u32,
    /// Accounts with drift left in AWS.
    pub drifted: u32,
    /// Accounts the pass could not read or change.
    pub failed: u32,
    /// The first 20 accounts not in sync (failed first, then drifted, each by name) and why; their drift entries are
    /// in `status.drift` (with `account` set). The rest are counted in `notListed` and reported by Events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub not_in_sync: Vec<AccountNotInSync>,
    /// Accounts not in sync beyond those listed in `notInSync`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_listed: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One account that is not in sync.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountNotInSync {
    /// AwsAccount name.
    pub name: String,
    /// AWS account ID.
    pub account_id: String,
    /// Ready condition reason, e.g. `DriftReported`, `AccessDenied`.
    pub reason: String,
    /// Ready condition message.
    pub message: String,
}

/// How an account stood after the last pass.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum AccountState {
    /// The declared state holds.
    InSync,
    /// Drift is left in AWS.
    Drifted,
    /// The pass could not read or change the account.
    Failed,
}

/// What the operator must remember of one selected account between passes: its state (an Event is published when
/// it changes) and the components it created or adopted there with their AWS identifiers. Nothing else: no
/// per-component state, message or drift.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountLedger {
    /// AwsAccount name.
    pub name: String,
    /// AWS account ID.
    pub account_id: String,
    /// State after the last pass.
    pub state: AccountState,
    /// Components that exist in the account, with ownership and identifiers (components with nothing in AWS are
    /// left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owned: Vec<OwnedComponent>,
}

/// One component of the ledger: what deletion and adoption decide by.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnedComponent {
    /// Component name.
    pub component: String,
    /// AWS region.
    pub region: String,
    /// Created by the operator or adopted.
    pub ownership: Ownership,
    /// AWS identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Security Hub controls this object disabled itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_disabled_controls: Vec<OperatorDisabledControl>,
    /// Resources whose setting this object turned on itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_enabled: Vec<String>,
}

impl OwnedComponent {
    /// The ledger line of a component, `None` when it records nothing worth remembering.
    pub fn of(c: &ComponentStatus) -> Option<Self> {
        let remembered = c.ownership != Ownership::None
            || c.id.is_some()
            || !c.operator_disabled_controls.is_empty()
            || !c.operator_enabled.is_empty();
        remembered.then(|| Self {
            component: c.component.clone(),
            region: c.region.clone(),
            ownership: c.ownership,
            id: c.id.clone(),
            operator_disabled_controls: c.operator_disabled_controls.clone(),
            operator_enabled: c.operator_enabled.clone(),
        })
    }

    /// The component as the next pass reads it from its previous status.
    pub fn component(&self) -> ComponentStatus {
        ComponentStatus {
            component: self.component.clone(),
            account: None,
            region: self.region.clone(),
            state: super::common::ComponentState::InSync,
            ownership: self.ownership,
            id: self.id.clone(),
            drifted_fields: 0,
            message: None,
            operator_disabled_controls: self.operator_disabled_controls.clone(),
            operator_enabled: self.operator_enabled.clone(),
        }
    }
}

/// The ledger of a namespaced kind: [`AccountLedger`] plus the kind's per-region AWS identifiers.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord<R> {
    /// State and owned components.
    #[serde(flatten)]
    pub account: AccountLedger,
    /// AWS identifiers per region, as the single-account status keeps them in `resources`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<R>,
}
