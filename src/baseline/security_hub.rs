//! AWS Security Hub rules: the hub's configuration, standards by name, disabled controls and the finding
//! aggregator.

use crate::api::account_baseline::{FindingAggregatorSpec, SecurityHubSpec, SecurityStandard};
use crate::api::common::OperatorDisabledControl;
use crate::aws::securityhub::{Aggregator, Association, Hub, Subscription};
use crate::diff::{diff, FieldDrift, Fields};
use serde_json::json;
use std::collections::BTreeMap;

/// Component name of the hub, its standards and controls (per region).
pub const COMPONENT: &str = "securityHub";
/// Component name of the finding aggregator (in the aggregation region).
pub const AGGREGATOR_COMPONENT: &str = "securityHubAggregator";

/// The regional ARN of a standard. CIS 1.2.0 predates regional standards: its ARN is a global `ruleset`.
pub fn standards_arn(s: SecurityStandard, partition: &str, region: &str) -> String {
    let (name, version) = s.parts();
    match s {
        SecurityStandard::CisAwsFoundations120 => {
            format!("arn:{partition}:securityhub:::ruleset/{name}/v/{version}")
        }
        _ => format!("arn:{partition}:securityhub:{region}::standards/{name}/v/{version}"),
    }
}

/// A standard's name (`<standard>/<version>`) from its ARN, for standards the spec has no name for too.
pub fn standard_name(arn: &str) -> String {
    let path = arn
        .rsplit_once(":standards/")
        .map(|(_, p)| p)
        .or_else(|| arn.rsplit_once(":ruleset/").map(|(_, p)| p));
    match path {
        Some(p) => p.replacen("/v/", "/", 1),
        None => arn.to_string(),
    }
}

/// Standards AWS services manage themselves (e.g. `service-managed-aws-control-tower`): an account cannot
/// disable them, so they are never drift.
pub fn is_service_managed(name: &str) -> bool {
    name.starts_with("service-managed-")
}

/// (control ID, standards ARN) -> association.
pub type Associations = BTreeMap<(String, String), Association>;

/// What AWS holds in a region.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observed {
    /// The hub; `None` when Security Hub is not enabled.
    pub hub: Option<Hub>,
    /// Standards subscriptions.
    pub subscriptions: Vec<Subscription>,
    /// Association of each declared disabled control (and each control recorded as disabled by this baseline)
    /// with each subscribed standard that contains it.
    pub associations: Associations,
    /// Not AWS's: the controls the previous status records as disabled by this baseline (the index of
    /// [`OperatorDisabledControl`]; AWS's association proves each one).
    pub recorded: Vec<OperatorDisabledControl>,
    /// The `(control ID, standards ARN)` pairs that were read (a read pair missing from `associations` is not part
    /// of that standard).
    pub read: Vec<(String, String)>,
}

impl Observed {
    fn active(&self) -> impl Iterator<Item = &Subscription> {
        self.subscriptions.iter().filter(|s| s.is_active())
    }
}

/// The `(control ID, standards ARN)` pairs to read: every declared disabled control in every active standard
/// whose controls can be updated yet (only declared standards, when `standards` is declared), and the controls
/// `recorded` as disabled by this baseline in those standards. Standards the spec wants but that are not
/// subscribed yet get their controls on the pass after they are (AWS creates a standard's control associations
/// asynchronously).
pub fn pairs_to_read(
    spec: &SecurityHubSpec,
    recorded: &[OperatorDisabledControl],
    subscriptions: &[Subscription],
    partition: &str,
    region: &str,
) -> Vec<(String, String)> {
    let declared: Option<Vec<String>> = spec.standards.as_ref().map(|_| {
        spec.declared_standards()
            .into_iter()
            .map(|s| standards_arn(s, partition, region))
            .collect()
    });
    let mut out = Vec::new();
    for s in subscriptions.iter().filter(|s| {
        s.is_active()
            && s.controls_updatable
            && declared
                .as_ref()
                .is_none_or(|d| d.contains(&s.standards_arn))
            // Controls of a service-managed standard (Control Tower's) are changed only through that service.
            && !is_service_managed(&standard_name(&s.standards_arn))
    }) {
        for c in &spec.disabled_controls {
            out.push((c.control_id.clone(), s.standards_arn.clone()));
        }
        for r in recorded
            .iter()
            .filter(|r| r.standards_arn == s.standards_arn)
        {
            out.push((r.control_id.clone(), s.standards_arn.clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn control_field(control: &str, standards_arn: &str) -> String {
    format!(
        "{COMPONENT}.disabledControls.{control}.{}",
        standard_name(standards_arn)
    )
}

/// The control ID in a control's field path (`securityHub.disabledControls.IAM.6.cis-aws-foundations-benchmark/1.4.0`
/// gives `IAM.6`): a standard's name has no dot before its `/`, a control ID does.
pub fn control_of_field(field: &str) -> Option<&str> {
    let rest = field.strip_prefix(&format!("{COMPONENT}.disabledControls."))?;
    let slash = rest.find('/')?;
    let dot = rest[..slash].rfind('.')?;
    Some(&rest[..dot]).filter(|c| !c.is_empty())
}

/// Desired fields.
pub fn desired(spec: &SecurityHubSpec, obs: &Observed, partition: &str, region: &str) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    f.insert(format!("{c}.enabled"), json!(spec.enabled));
    if !spec.enabled {
        return f;
    }
    f.insert(
        format!("{c}.autoEnableControls"),
        json!(spec.auto_enable_controls),
    );
    if let Some(g) = spec.control_finding_generator {
        f.insert(format!("{c}.controlFindingGenerator"), json!(g.as_str()));
    }
    if spec.standards.is_some() {
        let declared: Vec<String> = spec
            .declared_standards()
            .into_iter()
            .map(|s| standards_arn(s, partition, region))
            .collect();
        for arn in &declared {
            f.insert(format!("{c}.standards.{}", standard_name(arn)), json!(true));
        }
        for s in obs.active() {
            let name = standard_name(&s.standards_arn);
            if !declared.contains(&s.standards_arn) && !is_service_managed(&name) {
                f.insert(format!("{c}.standards.{name}"), json!(false));
            }
        }
    }
    f.extend(controls_desired(spec, &obs.associations));
    for (control, standard) in controls_to_enable(spec, obs) {
        f.insert(
            control_field(&control, &standard),
            json!({"status": "ENABLED"}),
        );
    }
    f
}

/// Whether AWS still shows a recorded control as the operator left it: `DISABLED` with the recorded reason.
fn still_ours(r: &OperatorDisabledControl, associations: &Associations) -> bool {
    associations
        .get(&(r.control_id.clone(), r.standards_arn.clone()))
        .is_some_and(|a| a.status == "DISABLED" && a.reason.as_deref() == Some(r.reason.as_str()))
}

/// The `(control ID, standards ARN)` pairs to enable again: controls this baseline disabled (recorded, and AWS
/// still shows the recorded reason) that `disabledControls` no longer declares. A control someone else disabled
/// is never recorded, so it is never enabled.
pub fn controls_to_enable(spec: &SecurityHubSpec, obs: &Observed) -> Vec<(String, String)> {
    if obs.hub.is_none() || !spec.enabled {
        return Vec::new();
    }
    disabled_by_us(obs)
        .into_iter()
        .filter(|(control, _)| {
            !spec
                .disabled_controls
                .iter()
                .any(|d| &d.control_id == control)
        })
        .collect()
}

/// The recorded `(control ID, standards ARN)` pairs AWS still shows as this baseline left them (what a
/// `deletionPolicy: Delete` cleanup enables again).
pub fn disabled_by_us(obs: &Observed) -> Vec<(String, String)> {
    obs.recorded
        .iter()
        .filter(|r| still_ours(r, &obs.associations))
        .map(|r| (r.control_id.clone(), r.standards_arn.clone()))
        .collect()
}

/// The record for the next status: the recorded controls AWS still shows as the operator left them (or that
/// could not be read while their standard is still subscribed), minus those enabled again in this pass (`enabled`),
/// plus those disabled in this pass (`disabled`: control ID, standards ARN, reason). Sorted, so an unchanged
/// record compares equal and status is not rewritten.
///
/// Why a status record, and not a marker in AWS alone: AWS keeps only an association's status and its
/// `UpdatedReason`, and the operator writes the spec's reason verbatim (a prefix would show in the console and
/// rewrite every disabled control once on upgrade). Finding the controls a marker was written on, once the spec no
/// longer names them, would mean paging DescribeStandardsControls through every control of every subscribed
/// standard on every pass (hundreds, keyed by per-standard control IDs rather than the spec's security control
/// IDs), where the record costs nothing but its pairs in the one BatchGetStandardsControlAssociations already
/// made. The record is the index; AWS stays the proof: a recorded control counts as the operator's only while AWS
/// shows it `DISABLED` with exactly the reason recorded. Someone who enables it, or disables it again with their
/// own reason, makes it theirs and it leaves the record. Like the hub's `Created` ownership, only what the
/// operator wrote is recorded: a control already disabled with the declared reason before (adopted, or disabled by
/// an operator version that kept no record) is never enabled by the operator. The CLI has no status, so its passes
/// neither record nor enable controls.
pub fn record(
    spec: &SecurityHubSpec,
    obs: &Observed,
    disabled: &[(String, String, String)],
    enabled: &[(String, String)],
) -> Vec<OperatorDisabledControl> {
    let mut out: BTreeMap<(String, String), String> = BTreeMap::new();
    if !spec.enabled {
        // The hub is being disabled (or that is reported): its controls go with it on the pass that sees it off.
        out.extend(obs.recorded.iter().filter(|_| obs.hub.is_some()).map(|r| {
            (
                (r.control_id.clone(), r.standards_arn.clone()),
                r.reason.clone(),
            )
        }));
    } else if obs.hub.is_some() {
        for r in &obs.recorded {
            let key = (r.control_id.clone(), r.standards_arn.clone());
            let keep = if enabled.contains(&key) {
                false
            } else if obs.read.contains(&key) {
                still_ours(r, &obs.associations)
            } else {
                obs.active().any(|s| s.standards_arn == r.standards_arn)
            };
            if keep {
                out.insert(key, r.reason.clone());
            }
        }
    }
    for (control, standard, reason) in disabled {
        out.insert((control.clone(), standard.clone()), reason.clone());
    }
    out.into_iter()
        .map(
            |((control_id, standards_arn), reason)| OperatorDisabledControl {
                control_id,
                standards_arn,
                reason,
            },
        )
        .collect()
}

/// Desired fields of the declared disabled controls, for the associations that were read.
fn controls_desired(spec: &SecurityHubSpec, associations: &Associations) -> Fields {
    let reasons: BTreeMap<&str, &str> = spec
        .disabled_controls
        .iter()
        .map(|d| (d.control_id.as_str(), d.reason.as_str()))
        .collect();
    associations
        .keys()
        .filter_map(|(control, standard)| {
            reasons.get(control.as_str()).map(|reason| {
                (
                    control_field(control, standard),
                    json!({"status": "DISABLED", "reason": reason}),
                )
            })
        })
        .collect()
}

/// Observed fields of control associations.
fn controls_observed(associations: &Associations) -> Fields {
    associations
        .iter()
        .map(|((control, standard), a)| {
            (
                control_field(control, standard),
                json!({"status": a.status, "reason": a.reason}),
            )
        })
        .collect()
}

/// Drift and updates of the declared disabled controls alone (control associations read right after their
/// standards were subscribed): (drift, BatchUpdateStandardsControlAssociations entries).
pub fn controls(
    spec: &SecurityHubSpec,
    associations: &Associations,
) -> (Vec<FieldDrift>, Vec<(String, String, String)>) {
    let drift = crate::diff::diff(
        COMPONENT,
        &controls_desired(spec, associations),
        &controls_observed(associations),
    );
    (drift, control_updates(spec, associations))
}

/// The (control ID, standards ARN, reason) updates that disable the declared controls where they differ.
fn control_updates(
    spec: &SecurityHubSpec,
    associations: &Associations,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for d in &spec.disabled_controls {
        for ((control, standard), a) in associations {
            if control == &d.control_id
                && (a.status != "DISABLED" || a.reason.as_deref() != Some(d.reason.as_str()))
            {
                out.push((control.clone(), standard.clone(), d.reason.clone()));
            }
        }
    }
    out
}

/// Observed fields.
pub fn observed(obs: &Observed) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    f.insert(format!("{c}.enabled"), json!(obs.hub.is_some()));
    let Some(hub) = &obs.hub else {
        return f;
    };
    f.insert(
        format!("{c}.autoEnableControls"),
        json!(hub.auto_enable_controls),
    );
    f.insert(
        format!("{c}.controlFindingGenerator"),
        json!(hub.control_finding_generator),
    );
    for s in obs.active() {
        f.insert(
            format!("{c}.standards.{}", standard_name(&s.standards_arn)),
            json!(true),
        );
    }
    f.extend(controls_observed(&obs.associations));
    f
}

/// The drift. A hub that is off while the spec wants it on is that one fact (its settings don't exist yet).
pub fn drift(
    spec: &SecurityHubSpec,
    obs: &Observed,
    partition: &str,
    region: &str,
) -> Vec<FieldDrift> {
    let d = diff(
        COMPONENT,
        &desired(spec, obs, partition, region),
        &observed(obs),
    );
    if spec.enabled && obs.hub.is_none() {
        return d
            .into_iter()
            .filter(|d| d.field == format!("{COMPONENT}.enabled"))
            .collect();
    }
    d
}

/// The writes that remove the drift, in the order they run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// EnableSecurityHub (with `EnableDefaultStandards` and the finding generator).
    pub enable_hub: bool,
    /// DisableSecurityHub (`enabled: false`).
    pub disable_hub: bool,
    /// UpdateSecurityHubConfiguration: auto-enable controls, when it drifted.
    pub configure_auto_enable: Option<bool>,
    /// UpdateSecurityHubConfiguration: the finding generator, when it drifted.
    pub configure_generator: Option<&'static str>,
    /// BatchEnableStandards: standards ARNs.
    pub enable_standards: Vec<String>,
    /// BatchDisableStandards: subscription ARNs.
    pub disable_standards: Vec<String>,
    /// BatchUpdateStandardsControlAssociations: (control ID, standards ARN, reason).
    pub disable_controls: Vec<(String, String, String)>,
    /// BatchUpdateStandardsControlAssociations `ENABLED`: (control ID, standards ARN) this baseline disabled and
    /// `disabledControls` no longer declares.
    pub enable_controls: Vec<(String, String)>,
}

impl Plan {
    /// No write.
    pub fn is_empty(&self) -> bool {
        self == &Plan::default()
    }
}

/// Plan the writes from the spec and what AWS holds (the same comparison [`drift`] reports).
pub fn plan(spec: &SecurityHubSpec, obs: &Observed, partition: &str, region: &str) -> Plan {
    let mut p = Plan::default();
    let declared: Vec<String> = spec
        .declared_standards()
        .into_iter()
        .map(|s| standards_arn(s, partition, region))
        .collect();
    match (&obs.hub, spec.enabled) {
        (None, false) => return p,
        (Some(_), false) => {
            p.disable_hub = true;
            return p;
        }
        (None, true) => {
            p.enable_hub = true;
            // The finding generator is set by EnableSecurityHub; auto-enable starts as true.
            p.configure_auto_enable = (!spec.auto_enable_controls).then_some(false);
            p.enable_standards = declared;
            return p;
        }
        (Some(hub), true) => {
            p.configure_auto_enable = (hub.auto_enable_controls != spec.auto_enable_controls)
                .then_some(spec.auto_enable_controls);
            p.configure_generator = spec
                .control_finding_generator
                .filter(|g| hub.control_finding_generator != g.as_str())
                .map(|g| g.as_str());
        }
    }
    if spec.standards.is_some() {
        let active: Vec<&Subscription> = obs.active().collect();
        p.enable_standards = declared
            .iter()
            .filter(|arn| !active.iter().any(|s| &&s.standards_arn == arn))
            .cloned()
            .collect();
        p.disable_standards = active
            .iter()
            .filter(|s| {
                !declared.contains(&s.standards_arn)
                    && !is_service_managed(&standard_name(&s.standards_arn))
            })
            .map(|s| s.subscription_arn.clone())
            .collect();
    }
    p.disable_controls = control_updates(spec, &obs.associations);
    p.enable_controls = controls_to_enable(spec, obs);
    p
}

/// Desired fields of the finding aggregator.
pub fn aggregator_desired(spec: &FindingAggregatorSpec) -> Fields {
    let c = AGGREGATOR_COMPONENT;
    let mut regions = spec.regions.clone().unwrap_or_default();
    regions.sort();
    regions.dedup();
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.region"), json!(spec.region)),
        (
            format!("{c}.linkingMode"),
            json!(spec.linking_mode.as_str()),
        ),
        (format!("{c}.regions"), json!(regions)),
    ])
}

/// Observed fields of the finding aggregator.
pub fn aggregator_observed(a: Option<&Aggregator>) -> Fields {
    let c = AGGREGATOR_COMPONENT;
    let Some(a) = a else {
        return Fields::from([(format!("{c}.exists"), json!(false))]);
    };
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.region"), json!(a.region)),
        (format!("{c}.linkingMode"), json!(a.linking_mode)),
        (format!("{c}.regions"), json!(a.regions)),
    ])
}

/// The aggregator write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggregatorWrite {
    /// CreateFindingAggregator in the aggregation region.
    Create,
    /// UpdateFindingAggregator (linking mode, regions).
    Update(String),
    /// DeleteFindingAggregator in its old region (created by this baseline), then Create in the new one.
    Move {
        /// The existing aggregator's ARN.
        arn: String,
        /// Its region.
        from: String,
    },
    /// An aggregator this baseline did not create aggregates into another region: never deleted.
    Blocked {
        /// Its ARN.
        arn: String,
        /// Its region.
        from: String,
    },
}

/// Plan the aggregator write for its drift. `ours`: the operator created the existing aggregator.
pub fn aggregator_plan(
    existing: Option<&Aggregator>,
    spec: &FindingAggregatorSpec,
    ours: bool,
    drift: &[FieldDrift],
) -> Option<AggregatorWrite> {
    if drift.is_empty() {
        return None;
    }
    Some(match existing {
        None => AggregatorWrite::Create,
        Some(a) if a.region != spec.region && ours => AggregatorWrite::Move {
            arn: a.arn.clone(),
            from: a.region.clone(),
        },
        Some(a) if a.region != spec.region => AggregatorWrite::Blocked {
            arn: a.arn.clone(),
            from: a.region.clone(),
        },
        Some(a) => AggregatorWrite::Update(a.arn.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::account_baseline::RegionLinkingMode;

    const ACCOUNT: &str = "123456789012";

    fn spec(v: serde_json::Value) -> SecurityHubSpec {
        serde_json::from_value(v).unwrap()
    }

    fn hub() -> Hub {
        Hub {
            arn: format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default"),
            auto_enable_controls: true,
            control_finding_generator: "SECURITY_CONTROL".into(),
        }
    }

    fn sub(standard: SecurityStandard) -> Subscription {
        let arn = standards_arn(standard, "aws", "us-east-1");
        let path = arn
            .rsplit_once(":standards/")
            .or_else(|| arn.rsplit_once(":ruleset/"))
            .unwrap()
            .1;
        Subscription {
            subscription_arn: format!(
                "arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/{path}"
            ),
            standards_arn: arn,
            status: "READY".into(),
            controls_updatable: true,
        }
    }

    fn s() -> SecurityHubSpec {
        spec(json!({
            "standards": [
                "aws-foundational-security-best-practices/1.0.0",
                "cis-aws-foundations-benchmark/1.4.0"
            ],
            "disabledControls": [{"controlId": "IAM.6", "reason": "hardware MFA on root is handled by the break-glass process"}]
        }))
    }

    #[test]
    fn standards_resolve_to_regional_arns_and_back() {
        assert_eq!(
            standards_arn(SecurityStandard::CisAwsFoundations140, "aws", "eu-west-1"),
            "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
        );
        assert_eq!(
            standards_arn(
                SecurityStandard::CisAwsFoundations120,
                "aws-cn",
                "cn-north-1"
            ),
            "arn:aws-cn:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        );
        for s in SecurityStandard::ALL {
            assert_eq!(
                standard_name(&standards_arn(s, "aws", "us-east-1")),
                s.name()
            );
            // The spec's name is the serialised enum value.
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.name()));
        }
        assert!(is_service_managed(&standard_name(
            "arn:aws:securityhub:us-east-1::standards/service-managed-aws-control-tower/v/1.0.0"
        )));
    }

    #[test]
    fn a_hub_that_is_off_is_one_drift_and_enabling_subscribes_the_declared_standards() {
        let s = s();
        let obs = Observed::default();
        let d = drift(&s, &obs, "aws", "us-east-1");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "securityHub.enabled");
        let p = plan(&s, &obs, "aws", "us-east-1");
        assert!(p.enable_hub && p.configure_auto_enable.is_none());
        assert_eq!(
            p.enable_standards,
            vec![
                "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
            ]
        );
        // Controls come on a later pass, once the standards' associations exist.
        assert!(p.disable_controls.is_empty());
    }

    #[test]
    fn in_sync_has_no_drift_and_no_write() {
        let s = s();
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let cis = sub(SecurityStandard::CisAwsFoundations140);
        let mut obs = Observed {
            hub: Some(hub()),
            subscriptions: vec![fsbp.clone(), cis.clone()],
            ..Default::default()
        };
        let pairs = pairs_to_read(&s, &[], &obs.subscriptions, "aws", "us-east-1");
        assert_eq!(pairs.len(), 2);
        for (control, standard) in pairs {
            obs.associations.insert(
                (control, standard),
                Association {
                    status: "DISABLED".into(),
                    reason: Some(s.disabled_controls[0].reason.clone()),
                },
            );
        }
        assert_eq!(drift(&s, &obs, "aws", "us-east-1"), vec![]);
        assert!(plan(&s, &obs, "aws", "us-east-1").is_empty());
    }

    #[test]
    fn drift_is_field_by_field_and_the_plan_matches_it() {
        let mut s = s();
        s.auto_enable_controls = false;
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let nist = sub(SecurityStandard::Nist80053Rev5);
        let mut tower = sub(SecurityStandard::AwsResourceTagging);
        tower.standards_arn =
            "arn:aws:securityhub:us-east-1::standards/service-managed-aws-control-tower/v/1.0.0"
                .into();
        tower.subscription_arn = format!(
            "arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/service-managed-aws-control-tower/v/1.0.0"
        );
        let mut obs = Observed {
            hub: Some(hub()),
            subscriptions: vec![fsbp.clone(), nist.clone(), tower],
            ..Default::default()
        };
        obs.associations.insert(
            ("IAM.6".into(), fsbp.standards_arn.clone()),
            Association {
                status: "ENABLED".into(),
                reason: None,
            },
        );
        obs.associations.insert(
            ("IAM.6".into(), nist.standards_arn.clone()),
            Association {
                status: "DISABLED".into(),
                reason: Some("old reason".into()),
            },
        );
        let d = drift(&s, &obs, "aws", "us-east-1");
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "securityHub.autoEnableControls",
                "securityHub.disabledControls.IAM.6.aws-foundational-security-best-practices/1.0.0",
                "securityHub.disabledControls.IAM.6.nist-800-53/5.0.0",
                "securityHub.standards.cis-aws-foundations-benchmark/1.4.0",
                "securityHub.standards.nist-800-53/5.0.0",
            ]
        );
        let p = plan(&s, &obs, "aws", "us-east-1");
        assert_eq!(p.configure_auto_enable, Some(false));
        assert!(p.configure_generator.is_none() && !p.enable_hub && !p.disable_hub);
        assert_eq!(
            p.enable_standards,
            vec!["arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"]
        );
        assert_eq!(p.disable_standards, vec![nist.subscription_arn.clone()]);
        assert_eq!(p.disable_controls.len(), 2);
    }

    #[test]
    fn standards_not_declared_are_not_managed() {
        let s = spec(json!({"autoEnableControls": true}));
        let obs = Observed {
            hub: Some(hub()),
            subscriptions: vec![sub(SecurityStandard::PciDss321)],
            ..Default::default()
        };
        assert_eq!(drift(&s, &obs, "aws", "us-east-1"), vec![]);
        assert!(plan(&s, &obs, "aws", "us-east-1").is_empty());
    }

    #[test]
    fn enabled_false_disables_the_hub_only() {
        let s = spec(json!({"enabled": false}));
        let on = Observed {
            hub: Some(hub()),
            ..Default::default()
        };
        let d = drift(&s, &on, "aws", "us-east-1");
        assert_eq!(d.len(), 1);
        assert!(plan(&s, &on, "aws", "us-east-1").disable_hub);
        assert!(plan(&s, &Observed::default(), "aws", "us-east-1").is_empty());
        assert_eq!(drift(&s, &Observed::default(), "aws", "us-east-1"), vec![]);
    }

    fn rec(control: &str, standard: &Subscription, reason: &str) -> OperatorDisabledControl {
        OperatorDisabledControl {
            control_id: control.into(),
            standards_arn: standard.standards_arn.clone(),
            reason: reason.into(),
        }
    }

    fn disabled(reason: &str) -> Association {
        Association {
            status: "DISABLED".into(),
            reason: Some(reason.into()),
        }
    }

    /// The spec without disabledControls; AWS as `associations` for the pairs read.
    fn undeclared(
        recorded: Vec<OperatorDisabledControl>,
        associations: &[(&str, &Subscription, Association)],
    ) -> (SecurityHubSpec, Observed) {
        let mut s = s();
        s.disabled_controls.clear();
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let cis = sub(SecurityStandard::CisAwsFoundations140);
        let mut obs = Observed {
            hub: Some(hub()),
            subscriptions: vec![fsbp, cis],
            recorded,
            ..Default::default()
        };
        obs.read = pairs_to_read(&s, &obs.recorded, &obs.subscriptions, "aws", "us-east-1");
        for (control, standard, a) in associations {
            let key = (control.to_string(), standard.standards_arn.clone());
            if obs.read.contains(&key) {
                obs.associations.insert(key, a.clone());
            }
        }
        (s, obs)
    }

    #[test]
    fn a_control_the_operator_disabled_and_no_longer_declares_is_drift_and_is_enabled_again() {
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let recorded = vec![rec("CloudTrail.2", &fsbp, "ours")];
        let (s, obs) = undeclared(
            recorded.clone(),
            &[("CloudTrail.2", &fsbp, disabled("ours"))],
        );
        assert_eq!(
            obs.read,
            vec![("CloudTrail.2".to_string(), fsbp.standards_arn.clone())]
        );
        let d = drift(&s, &obs, "aws", "us-east-1");
        let field =
            "securityHub.disabledControls.CloudTrail.2.aws-foundational-security-best-practices/1.0.0";
        assert_eq!(
            d,
            vec![FieldDrift {
                field: field.into(),
                desired: json!({"status": "ENABLED"}),
                actual: json!({"status": "DISABLED", "reason": "ours"}),
            }]
        );
        assert_eq!(control_of_field(field), Some("CloudTrail.2"));
        assert_eq!(
            crate::baseline::controls::controls_for(field),
            vec!["CloudTrail.2"]
        );
        let p = plan(&s, &obs, "aws", "us-east-1");
        assert_eq!(
            p.enable_controls,
            vec![("CloudTrail.2".to_string(), fsbp.standards_arn.clone())]
        );
        assert!(p.disable_controls.is_empty());
        // Report: the record stays (the same drift is reported next pass, status unchanged).
        assert_eq!(record(&s, &obs, &[], &[]), recorded);
        // Correct: enabled again, the record is empty.
        assert_eq!(record(&s, &obs, &[], &p.enable_controls), vec![]);
    }

    #[test]
    fn a_control_someone_else_disabled_or_took_over_is_never_enabled_and_leaves_the_record() {
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let cis = sub(SecurityStandard::CisAwsFoundations140);
        // CloudTrail.2: recorded, but someone disabled it again with their own reason. EC2.2: someone else's,
        // never recorded (not even read). IAM.4: recorded and enabled again by hand.
        let (s, obs) = undeclared(
            vec![
                rec("CloudTrail.2", &fsbp, "ours"),
                rec("IAM.4", &cis, "ours"),
            ],
            &[
                ("CloudTrail.2", &fsbp, disabled("theirs")),
                ("EC2.2", &fsbp, disabled("theirs")),
                (
                    "IAM.4",
                    &cis,
                    Association {
                        status: "ENABLED".into(),
                        reason: None,
                    },
                ),
            ],
        );
        assert!(!obs
            .read
            .contains(&("EC2.2".to_string(), fsbp.standards_arn.clone())));
        assert_eq!(drift(&s, &obs, "aws", "us-east-1"), vec![]);
        assert!(plan(&s, &obs, "aws", "us-east-1").is_empty());
        assert_eq!(record(&s, &obs, &[], &[]), vec![]);
    }

    #[test]
    fn the_record_holds_what_the_operator_disabled_and_survives_what_it_could_not_read() {
        let mut s = s();
        let fsbp = sub(SecurityStandard::AwsFoundationalSecurityBestPractices);
        let cis = sub(SecurityStandard::CisAwsFoundations140);
        let reason = s.disabled_controls[0].reason.clone();
        // IAM.6 declared: already disabled with the declared reason in FSBP (adopted: not recorded), written in CIS.
        let mut obs = Observed {
            hub: Some(hub()),
            subscriptions: vec![fsbp.clone(), cis.clone()],
            ..Default::default()
        };
        obs.read = pairs_to_read(&s, &[], &obs.subscriptions, "aws", "us-east-1");
        obs.associations.insert(
            ("IAM.6".into(), fsbp.standards_arn.clone()),
            disabled(&reason),
        );
        obs.associations.insert(
            ("IAM.6".into(), cis.standards_arn.clone()),
            Association {
                status: "ENABLED".into(),
                reason: None,
            },
        );
        let p = plan(&s, &obs, "aws", "us-east-1");
        assert_eq!(
            p.disable_controls,
            vec![("IAM.6".into(), cis.standards_arn.clone(), reason.clone())]
        );
        let written = record(&s, &obs, &p.disable_controls, &[]);
        assert_eq!(written, vec![rec("IAM.6", &cis, &reason)]);
        // The next pass: in sync, the record is the same (status is not rewritten).
        obs.recorded = written.clone();
        obs.associations.insert(
            ("IAM.6".into(), cis.standards_arn.clone()),
            disabled(&reason),
        );
        assert!(plan(&s, &obs, "aws", "us-east-1").is_empty());
        assert_eq!(record(&s, &obs, &[], &[]), written);
        // A declared reason that changes is written and recorded anew.
        s.disabled_controls[0].reason = "new reason".into();
        let p = plan(&s, &obs, "aws", "us-east-1");
        assert_eq!(p.disable_controls.len(), 2);
        assert_eq!(
            record(&s, &obs, &p.disable_controls, &[]),
            vec![
                rec("IAM.6", &fsbp, "new reason"),
                rec("IAM.6", &cis, "new reason")
            ]
        );
        // Not read while its standard is still subscribed (not updatable yet): kept; standard gone: dropped.
        let unread = Observed {
            hub: Some(hub()),
            subscriptions: vec![cis.clone()],
            recorded: vec![rec("IAM.6", &cis, &reason), rec("IAM.6", &fsbp, &reason)],
            ..Default::default()
        };
        assert_eq!(
            record(&s, &unread, &[], &[]),
            vec![rec("IAM.6", &cis, &reason)]
        );
        // Security Hub off: nothing is left to record.
        let off = Observed {
            recorded: written,
            ..Default::default()
        };
        assert_eq!(record(&s, &off, &[], &[]), vec![]);
    }

    #[test]
    fn aggregator_is_created_updated_moved_or_blocked() {
        let spec = FindingAggregatorSpec {
            region: "us-east-1".into(),
            linking_mode: RegionLinkingMode::SpecifiedRegions,
            regions: Some(vec!["eu-west-1".into(), "ap-south-1".into()]),
        };
        let want = aggregator_desired(&spec);
        let d = diff(AGGREGATOR_COMPONENT, &want, &aggregator_observed(None));
        assert_eq!(d.len(), 1);
        assert_eq!(
            aggregator_plan(None, &spec, false, &d),
            Some(AggregatorWrite::Create)
        );
        let mut a = Aggregator {
            arn: format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:finding-aggregator/x"),
            region: "us-east-1".into(),
            linking_mode: "SPECIFIED_REGIONS".into(),
            regions: vec!["ap-south-1".into(), "eu-west-1".into()],
        };
        let d = diff(AGGREGATOR_COMPONENT, &want, &aggregator_observed(Some(&a)));
        assert_eq!(d, vec![]);
        assert_eq!(aggregator_plan(Some(&a), &spec, true, &d), None);
        a.linking_mode = "ALL_REGIONS".into();
        let d = diff(AGGREGATOR_COMPONENT, &want, &aggregator_observed(Some(&a)));
        assert_eq!(d[0].field, "securityHubAggregator.linkingMode");
        assert_eq!(
            aggregator_plan(Some(&a), &spec, false, &d),
            Some(AggregatorWrite::Update(a.arn.clone()))
        );
        a.region = "eu-west-1".into();
        let d = diff(AGGREGATOR_COMPONENT, &want, &aggregator_observed(Some(&a)));
        assert!(matches!(
            aggregator_plan(Some(&a), &spec, true, &d),
            Some(AggregatorWrite::Move { .. })
        ));
        assert!(matches!(
            aggregator_plan(Some(&a), &spec, false, &d),
            Some(AggregatorWrite::Blocked { .. })
        ));
    }
}
