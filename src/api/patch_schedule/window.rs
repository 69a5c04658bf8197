//! `spec.window`: the maintenance window's schedule and limits.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

use super::yes;

/// Schedule and limits of the maintenance window.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("self.cutoff < self.duration").message("cutoff must be less than duration"))]
#[x_kube(validation = Rule::new("!has(self.scheduleOffset) || self.schedule.startsWith('cron(')").message("scheduleOffset is only allowed with a cron schedule"))]
#[serde(rename_all = "camelCase")]
pub struct WindowSpec {
    /// Window name. Defaults to `<namespace>.<name>` of this object; a window with the default name is managed
    /// only when its tags prove this object created it. Naming an existing window here adopts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: Option<String>,
    /// Description of the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub description: Option<String>,
    /// `cron(min hour day-of-month month day-of-week year)`, `rate(N minutes|hours|days)` or `at(yyyy-mm-ddThh:mm:ss)`,
    /// e.g. `cron(0 2 ? * SUN *)`. The operator also checks every field and reports a bad expression as
    /// `Ready=False` reason `InvalidSpec` before calling AWS.
    #[schemars(
        regex(
            pattern = r"^(cron\([^ ()]+( [^ ()]+){5,6}\)|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|at\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\))$"
        ),
        length(max = 256)
    )]
    pub schedule: String,
    /// IANA time zone the schedule is evaluated in, e.g. `Europe/Berlin`. Defaults to UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$"))]
    pub timezone: Option<String>,
    /// Days to wait after the cron date before the window runs (1-6), e.g. "the Tuesday after Patch Tuesday".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 6))]
    pub schedule_offset: Option<i32>,
    /// Window length in hours (1-24).
    #[schemars(range(min = 1, max = 24))]
    pub duration: i32,
    /// Hours before the end of the window when no new task starts (0-23, less than duration).
    #[schemars(range(min = 0, max = 23))]
    pub cutoff: i32,
    /// The window is not active before this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub start_date: Option<String>,
    /// The window is not active after this time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub end_date: Option<String>,
    /// Whether the window runs.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Allow tasks to run on instances that are not registered targets.
    #[serde(default)]
    pub allow_unassociated_targets: bool,
}
