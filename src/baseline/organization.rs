//! Organization-level settings (the `organization` section): trusted service access and delegated administrators
//! (management account), auto-enable for members (delegated administrator), the organization Config aggregator.

use crate::api::account_baseline::{
    ConfigAggregatorSpec, OrganizationAutoEnable, OrganizationSpec,
};
use crate::aws::config::aggregator::AggregatorState;
use crate::diff::{FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Trusted access of each declared service (home region).
pub const SERVICE_ACCESS: &str = "organizationServiceAccess";
/// Delegated administrators (every region; AWS Config and Access Analyzer in the home region).
pub const ADMINS: &str = "delegatedAdministrators";
/// Auto-enable for members (every region).
pub const AUTO_ENABLE: &str = "organizationAutoEnable";
/// The organization Config aggregator (home region).
pub const AGGREGATOR: &str = "configAggregator";

/// A service whose delegated administrator the section manages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Service {
    /// Amazon GuardDuty.
    GuardDuty,
    /// AWS Security Hub.
    SecurityHub,
    /// AWS Config.
    Config,
    /// Amazon Inspector.
    Inspector,
    /// IAM Access Analyzer.
    AccessAnalyzer,
}

impl Service {
    /// The spec key, also the last segment of its field paths.
    pub fn key(self) -> &'static str {
        match self {
            Self::GuardDuty => "guardDuty",
            Self::SecurityHub => "securityHub",
            Self::Config => "config",
            Self::Inspector => "inspector",
            Self::AccessAnalyzer => "accessAnalyzer",
        }
    }

    /// The service principal of trusted access and Organizations' delegated administrator registry.
    pub fn principal(self) -> &'static str {
        match self {
            Self::GuardDuty => "guardduty.amazonaws.com",
            Self::SecurityHub => "securityhub.amazonaws.com",
            Self::Config => "config.amazonaws.com",
            Self::Inspector => "inspector2.amazonaws.com",
            Self::AccessAnalyzer => "access-analyzer.amazonaws.com",
        }
    }

    /// Its administrator is named per region through the service's own API (GuardDuty, Security Hub, Inspector);
    /// otherwise once, through Organizations.
    pub fn regional(self) -> bool {
        matches!(self, Self::GuardDuty | Self::SecurityHub | Self::Inspector)
    }
}

/// Declared delegated administrators: (service, account ID).
pub fn admins(spec: &OrganizationSpec) -> Vec<(Service, &str)> {
    let Some(d) = &spec.delegated_administrators else {
        return Vec::new();
    };
    [
        (Service::GuardDuty, &d.guard_duty),
        (Service::SecurityHub, &d.security_hub),
        (Service::Config, &d.config),
        (Service::Inspector, &d.inspector),
        (Service::AccessAnalyzer, &d.access_analyzer),
    ]
    .into_iter()
    .filter_map(|(s, a)| a.as_deref().map(|a| (s, a)))
    .collect()
}

/// Declared administrators handled in `region` (`home`: the Organizations-registered ones too).
pub fn admins_in(spec: &OrganizationSpec, home: bool) -> Vec<(Service, &str)> {
    admins(spec)
        .into_iter()
        .filter(|(s, _)| home || s.regional())
        .collect()
}

fn field(component: &str, s: Service) -> String {
    format!("{component}.{}", s.key())
}

/// Desired trusted access: `organizationServiceAccess.<service>` = true for every declared service.
pub fn desired_access(spec: &OrganizationSpec) -> Fields {
    admins(spec)
        .into_iter()
        .map(|(s, _)| (field(SERVICE_ACCESS, s), json!(true)))
        .collect()
}

/// Observed trusted access of the declared services, from the enabled service principals.
pub fn observed_access(
    spec: &OrganizationSpec,
    enabled: &std::collections::BTreeSet<String>,
) -> Fields {
    admins(spec)
        .into_iter()
        .map(|(s, _)| {
            (
                field(SERVICE_ACCESS, s),
                json!(enabled.contains(s.principal())),
            )
        })
        .collect()
}

/// Services whose trusted access `drift` says is off.
pub fn access_to_enable(drift: &[FieldDrift]) -> Vec<Service> {
    all_services()
        .into_iter()
        .filter(|s| drift.iter().any(|d| d.field == field(SERVICE_ACCESS, *s)))
        .collect()
}

fn all_services() -> [Service; 5] {
    [
        Service::GuardDuty,
        Service::SecurityHub,
        Service::Config,
        Service::Inspector,
        Service::AccessAnalyzer,
    ]
}

/// Desired administrators: `delegatedAdministrators.<service>` = the account ID.
pub fn desired_admins(declared: &[(Service, &str)]) -> Fields {
    declared
        .iter()
        .map(|(s, a)| (field(ADMINS, *s), json!(a)))
        .collect()
}

/// The value an administrator list is reported as: none (null), one account, or several (a list).
fn admin_value(accounts: &[String]) -> Value {
    match accounts {
        [] => Value::Null,
        [one] => json!(one),
        many => json!(many),
    }
}

/// Observed administrators (service -> registered account IDs).
pub fn observed_admins(observed: &BTreeMap<Service, Vec<String>>) -> Fields {
    observed
        .iter()
        .map(|(s, a)| (field(ADMINS, *s), admin_value(a)))
        .collect()
}

/// What to do about administrator drift.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdminPlan {
    /// (service, account) to register: the service has no administrator.
    pub register: Vec<(Service, String)>,
    /// Services whose administrator is another account: reported, never replaced.
    pub conflicts: Vec<(Service, Vec<String>)>,
}

/// Register where no administrator exists; a different one is a conflict for a person to resolve.
pub fn plan_admins(
    declared: &[(Service, &str)],
    observed: &BTreeMap<Service, Vec<String>>,
) -> AdminPlan {
    let mut p = AdminPlan::default();
    for (s, want) in declared {
        match observed.get(s).map(Vec::as_slice).unwrap_or_default() {
            [] => p.register.push((*s, want.to_string())),
            [one] if one == want => {}
            other => p.conflicts.push((*s, other.to_vec())),
        }
    }
    p
}

/// Declared Inspector auto-enable scan types: API name -> on.
pub fn inspector_auto_enable(a: &OrganizationAutoEnable) -> Vec<(&'static str, bool)> {
    let Some(s) = &a.inspector else {
        return Vec::new();
    };
    [
        ("EC2", s.ec2),
        ("ECR", s.ecr),
        ("LAMBDA", s.lambda),
        ("LAMBDA_CODE", s.lambda_code),
    ]
    .into_iter()
    .filter_map(|(t, on)| on.map(|on| (t, on)))
    .collect()
}

/// Auto-enable settings as observed (only the services the spec declares are read).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AutoEnableState {
    /// GuardDuty `AutoEnableOrganizationMembers`.
    pub guard_duty: Option<String>,
    /// Security Hub `AutoEnable`.
    pub security_hub: Option<bool>,
    /// Inspector scan type -> auto-enabled.
    pub inspector: Option<BTreeMap<String, bool>>,
}

/// Desired auto-enable fields: `organizationAutoEnable.guardDuty` (`NEW`/`ALL`/`NONE`),
/// `organizationAutoEnable.securityHub` (bool), `organizationAutoEnable.inspector.<SCAN_TYPE>` (bool).
pub fn desired_auto_enable(a: &OrganizationAutoEnable) -> Fields {
    let c = AUTO_ENABLE;
    let mut f = Fields::new();
    if let Some(g) = a.guard_duty {
        f.insert(format!("{c}.guardDuty"), json!(g.as_str()));
    }
    if let Some(on) = a.security_hub {
        f.insert(format!("{c}.securityHub"), json!(on));
    }
    for (t, on) in inspector_auto_enable(a) {
        f.insert(format!("{c}.inspector.{t}"), json!(on));
    }
    f
}

/// Observed auto-enable fields.
pub fn observed_auto_enable(s: &AutoEnableState) -> Fields {
    let c = AUTO_ENABLE;
    let mut f = Fields::new();
    if let Some(g) = &s.guard_duty {
        f.insert(format!("{c}.guardDuty"), json!(g));
    }
    if let Some(on) = s.security_hub {
        f.insert(format!("{c}.securityHub"), json!(on));
    }
    for (t, on) in s.inspector.iter().flatten() {
        f.insert(format!("{c}.inspector.{t}"), json!(on));
    }
    f
}

/// The services whose auto-enable `drift` touches.
pub fn auto_enable_writes(drift: &[FieldDrift]) -> Vec<Service> {
    [Service::GuardDuty, Service::SecurityHub, Service::Inspector]
        .into_iter()
        .filter(|s| crate::diff::touches(drift, &[&field(AUTO_ENABLE, *s)]))
        .collect()
}

/// Inspector's full auto-enable setting to send: the observed one with the declared scan types applied (the API
/// sets every scan type at once).
pub fn inspector_update(
    a: &OrganizationAutoEnable,
    observed: &BTreeMap<String, bool>,
) -> BTreeMap<String, bool> {
    let mut out = observed.clone();
    for (t, on) in inspector_auto_enable(a) {
        out.insert(t.to_string(), on);
    }
    out
}

/// Desired aggregator fields.
pub fn desired_aggregator(spec: &ConfigAggregatorSpec) -> Fields {
    let c = AGGREGATOR;
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.organization.roleArn"), json!(spec.role_arn)),
        (format!("{c}.organization.allAwsRegions"), json!(true)),
    ])
}

/// Observed aggregator fields.
pub fn observed_aggregator(state: Option<&AggregatorState>) -> Fields {
    let c = AGGREGATOR;
    let Some(a) = state else {
        return Fields::from([(format!("{c}.exists"), json!(false))]);
    };
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (
            format!("{c}.organization.roleArn"),
            json!(a.organization_role_arn),
        ),
        (
            format!("{c}.organization.allAwsRegions"),
            json!(a.all_regions),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    fn spec(v: Value) -> OrganizationSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn global_administrators_only_in_the_home_region() {
        let s = spec(
            json!({"delegatedAdministrators": {"guardDuty": "111111111111", "config": "222222222222", "accessAnalyzer": "222222222222"}}),
        );
        assert_eq!(
            admins_in(&s, false),
            vec![(Service::GuardDuty, "111111111111")]
        );
        assert_eq!(admins_in(&s, true).len(), 3);
        assert_eq!(
            desired_access(&s).keys().collect::<Vec<_>>(),
            vec![
                "organizationServiceAccess.accessAnalyzer",
                "organizationServiceAccess.config",
                "organizationServiceAccess.guardDuty"
            ]
        );
    }

    #[test]
    fn trusted_access_drift_names_the_services_to_enable() {
        let s = spec(
            json!({"delegatedAdministrators": {"guardDuty": "111111111111", "securityHub": "111111111111"}}),
        );
        let enabled = ["guardduty.amazonaws.com".to_string()].into();
        let d = diff(
            SERVICE_ACCESS,
            &desired_access(&s),
            &observed_access(&s, &enabled),
        );
        assert_eq!(access_to_enable(&d), vec![Service::SecurityHub]);
    }

    #[test]
    fn another_administrator_is_a_conflict_never_replaced() {
        let declared = vec![
            (Service::GuardDuty, "111111111111"),
            (Service::Inspector, "111111111111"),
            (Service::Config, "111111111111"),
        ];
        let observed = BTreeMap::from([
            (Service::GuardDuty, vec![]),
            (Service::Inspector, vec!["333333333333".to_string()]),
            (Service::Config, vec!["111111111111".to_string()]),
        ]);
        let p = plan_admins(&declared, &observed);
        assert_eq!(
            p.register,
            vec![(Service::GuardDuty, "111111111111".to_string())]
        );
        assert_eq!(
            p.conflicts,
            vec![(Service::Inspector, vec!["333333333333".to_string()])]
        );
        let d = diff(
            ADMINS,
            &desired_admins(&declared),
            &observed_admins(&observed),
        );
        assert_eq!(
            d.iter()
                .map(|d| (d.field.as_str(), d.actual.clone()))
                .collect::<Vec<_>>(),
            vec![
                ("delegatedAdministrators.guardDuty", Value::Null),
                ("delegatedAdministrators.inspector", json!("333333333333")),
            ]
        );
    }

    #[test]
    fn inspector_auto_enable_keeps_undeclared_scan_types() {
        let a: OrganizationAutoEnable =
            serde_json::from_value(json!({"inspector": {"ecr": true}, "guardDuty": "ALL"}))
                .unwrap();
        let observed = BTreeMap::from([
            ("EC2".to_string(), true),
            ("ECR".to_string(), false),
            ("LAMBDA".to_string(), false),
            ("LAMBDA_CODE".to_string(), false),
        ]);
        let sent = inspector_update(&a, &observed);
        assert_eq!((sent["EC2"], sent["ECR"]), (true, true));
        let state = AutoEnableState {
            guard_duty: Some("NEW".into()),
            security_hub: None,
            inspector: Some(observed),
        };
        let d = diff(
            AUTO_ENABLE,
            &desired_auto_enable(&a),
            &observed_auto_enable(&state),
        );
        assert_eq!(
            d.iter().map(|d| d.field.as_str()).collect::<Vec<_>>(),
            vec![
                "organizationAutoEnable.guardDuty",
                "organizationAutoEnable.inspector.ECR"
            ]
        );
        assert_eq!(
            auto_enable_writes(&d),
            vec![Service::GuardDuty, Service::Inspector]
        );
    }

    #[test]
    fn aggregator_role_change_is_drift() {
        let s: ConfigAggregatorSpec =
            serde_json::from_value(json!({"name": "org", "roleArn": "arn:aws:iam::1:role/a"}))
                .unwrap();
        let st = AggregatorState {
            arn: "arn".into(),
            organization_role_arn: Some("arn:aws:iam::1:role/b".into()),
            all_regions: true,
            tags: Default::default(),
        };
        let d = diff(
            AGGREGATOR,
            &desired_aggregator(&s),
            &observed_aggregator(Some(&st)),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "configAggregator.organization.roleArn");
        assert!(diff(
            AGGREGATOR,
            &desired_aggregator(&s),
            &observed_aggregator(None)
        )
        .iter()
        .any(|d| d.field == "configAggregator.exists"));
    }
}
