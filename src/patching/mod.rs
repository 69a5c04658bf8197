//! PatchSchedule rules: spec -> desired SSM configuration, and the flattening both sides share for the diff.
//! Everything here is pure; the engine does the I/O.

pub mod rules;
pub mod schedule;

/// The window and its schedule.
pub const WINDOW: &str = "window";
/// The window's targets.
pub const TARGETS: &str = "windowTargets";
/// The patch task and the pre/post steps.
pub const TASKS: &str = "tasks";
/// The custom patch baseline and its patch groups.
pub const BASELINE: &str = "patchBaseline";
/// The software inventory associations.
pub const INVENTORY: &str = "inventory";

/// Execution history and patch compliance (read-only; reported, never drift).
pub const COMPLIANCE: &str = "compliance";

/// Every component name a PatchSchedule can have.
pub const COMPONENTS: &[&str] = &[WINDOW, TARGETS, TASKS, BASELINE, INVENTORY, COMPLIANCE];
