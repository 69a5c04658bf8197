//! Command line: `run` (the controller), `crd`, the cluster-less `plan | apply | check -f FILES`, and
//! `iam-policy [-f FILES]`.

use crate::api::common::{find_condition, DriftPolicy, Owner, ReconcileStatus};
use crate::api::{AccountBaseline, AwsAccount, PatchScheduleStatus};
use crate::aws::{AwsFactory, CallStats};
use crate::engine::fleet;
use crate::engine::kind::{KindReport, ManagedKind, Pass};
use crate::engine::status::KindStatus;
use crate::engine::EngineError;
use crate::manifests;
use clap::{Parser, Subcommand, ValueEnum};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use std::path::PathBuf;

/// Keeps AWS accounts in their declared operational baseline.
#[derive(Parser, Debug)]
#[command(
    name = "aws-baseline-operator",
    version,
    after_help = "Exit codes of plan, apply and check: 0 = in sync (or converged), 2 = check found drift, 1 = an error \
                  (including a usage error)."
)]
pub struct Cli {
    /// Log format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "LOG_FORMAT")]
    pub log_format: LogFormat,
    /// AWS regions newer than this build's list to accept (comma-separated); any other unknown region is refused
    /// before an AWS call.
    #[arg(long, global = true, env = "EXTRA_REGIONS", value_delimiter = ',')]
    pub extra_regions: Vec<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable.
    Text,
    /// One JSON object per line.
    Json,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the controllers against the cluster in the current kubeconfig / service account.
    Run(crate::controller::RunArgs),
    /// Print every CRD as YAML.
    Crd,
    /// Show the drift that `apply` would correct. Never writes to AWS. `--out FILE` saves the plan for
    /// `apply FILE`.
    Plan(PlanArgs),
    /// Converge AWS to the manifests (driftPolicy Report baselines are still only reported), or apply exactly a
    /// plan saved by `plan --out FILE`.
    Apply(ApplyArgs),
    /// Like plan, with an exit code for CI: 0 in sync, 2 drift found, 1 error.
    Check(FileArgs),
    /// Print the least-privilege IAM policy (JSON) the operator needs: for the given manifests only what their
    /// sections use; without manifests everything it can call.
    IamPolicy(crate::iam_policy::IamPolicyArgs),
    /// Print the Kubernetes RBAC rules (JSON) the operator needs: the ClusterRole and the release-namespace Role
    /// the Helm chart renders (one table in src/rbac.rs).
    Rbac,
    /// Print a generated document (redirect it into docs/ to regenerate the committed copy).
    #[command(subcommand)]
    Docs(Docs),
}

/// Generated documents.
#[derive(Subcommand, Debug, Clone, Copy)]
pub enum Docs {
    /// docs/aws-operations.md: every AWS operation the service modules call and how the tests exercise it
    /// (`aws-baseline-operator docs aws-operations > docs/aws-operations.md`).
    AwsOperations,
}

/// Arguments of plan and check: which manifests, and how to print the result.
#[derive(clap::Args, Debug)]
pub struct FileArgs {
    /// Manifest files or directories (multi-document YAML); `-` reads standard input
    /// (`kustomize build overlay | aws-baseline-operator check -f -`).
    #[arg(short = 'f', long = "filename", required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// Arguments of plan.
#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// Manifests and output format.
    #[command(flatten)]
    pub common: FileArgs,
    /// Save the plan (the manifests and the AWS state it saw) to FILE; `apply FILE` then applies exactly these
    /// manifests and refuses if AWS changed since. Not written when the plan has errors.
    #[arg(long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of apply: manifests (`-f`) or a saved plan (`PLANFILE`), not both.
#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    /// A plan saved by `plan --out FILE`: apply exactly its manifests, after checking that AWS still looks as it
    /// did when the plan was made (no confirmation is asked: the saved plan is what was reviewed).
    #[arg(
        value_name = "PLANFILE",
        conflicts_with = "files",
        required_unless_present = "files"
    )]
    pub plan: Option<PathBuf>,
    /// Manifest files or directories (multi-document YAML); `-` reads standard input.
    #[arg(short = 'f', long = "filename", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Do not show the plan and ask for confirmation first. Without it, `apply -f` on a terminal shows what it
    /// would change and proceeds only on `yes` (like `terraform apply`); without a terminal (CI) it never asks.
    #[arg(long)]
    pub auto_approve: bool,
}

/// Output format of the CLI.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Output {
    /// A table per resource.
    Table,
    /// JSON for machines.
    Json,
}

/// Which cluster-less command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// Read only.
    Plan,
    /// Converge.
    Apply,
    /// Read only with an exit code.
    Check,
}

/// One object's result.
#[derive(Debug, serde::Serialize)]
pub struct Evaluated {
    /// Kind of the object.
    pub kind: &'static str,
    /// Object name (`namespace/name` for namespaced kinds).
    pub name: String,
    /// Status as the controller would write it.
    pub status: serde_json::Value,
    /// With `accountSelector`: every account's components and drift (the status written by the controller lists
    /// only the first accounts not in sync).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts_detail: Option<ReconcileStatus>,
    /// The part of the status every kind shares.
    #[serde(skip)]
    pub common: ReconcileStatus,
    /// A PatchSchedule's own status (next execution, compliance) for the table; `None` for other kinds.
    #[serde(skip)]
    pub patch_schedule_status: Option<PatchScheduleStatus>,
    /// Settings still differing from the spec.
    #[serde(skip)]
    pub remaining_drift: usize,
    /// Whether the pass had errors.
    #[serde(skip)]
    pub failed: bool,
}

fn mode(verb: Verb, declared: DriftPolicy) -> DriftPolicy {
    if verb == Verb::Apply {
        declared
    } else {
        DriftPolicy::Report
    }
}

/// Evaluate every AccountBaseline, PatchSchedule and MonitoringPolicy in `manifests` with the given verb.
pub async fn evaluate(
    factory: &AwsFactory,
    m: &manifests::Manifests,
    verb: Verb,
) -> Vec<Evaluated> {
    let mut out = Vec::new();
    let now = Time(jiff::Timestamp::now());
    for b in &m.baselines {
        let pass = fleet::apply(
            factory,
            &b.spec,
            fleet::select(&b.spec, &m.accounts),
            &owner_of(b),
            None,
            mode(verb, b.spec.drift_policy),
            b.metadata.generation,
            &now,
        )
        .await;
        out.push(Evaluated {
            kind: "AccountBaseline",
            name: b.metadata.name.clone().unwrap_or_default(),
            remaining_drift: pass.remaining_drift,
            failed: pass.error_category.is_some(),
            status: serde_json::to_value(&pass.status).unwrap_or_default(),
            accounts_detail: b
                .spec
                .account_selector
                .is_some()
                .then(|| fleet::detail(&pass.reports, &now)),
            common: pass.status.common,
            patch_schedule_status: None,
        });
    }
    out.extend(evaluate_kind(factory, &m.schedules, &m.accounts, verb, &now).await);
    out.extend(evaluate_kind(factory, &m.monitoring, &m.accounts, verb, &now).await);
    // An AwsAccount's change-event delivery (rules, and on the hub the queue and bus policy) is shown like any
    // other object's components.
    for a in m.accounts.iter().filter(|a| a.spec.change_events.is_some()) {
        let report =
            crate::engine::account_events::pass(factory, a, &m.accounts, &[], verb == Verb::Apply)
                .await;
        let status =
            crate::engine::status::common_status(None, &report, a.metadata.generation, &now);
        out.push(Evaluated {
            kind: "AwsAccount",
            name: a.metadata.name.clone().unwrap_or_default(),
            remaining_drift: report.remaining_drift(),
            failed: report.error_category().is_some(),
            status: serde_json::to_value(&status).unwrap_or_default(),
            accounts_detail: None,
            common: status,
            patch_schedule_status: None,
        });
    }
    out
}

/// Evaluate the objects of one namespaced kind, each against the AwsAccount of the manifests it names.
async fn evaluate_kind<K: ManagedKind>(
    factory: &AwsFactory,
    objects: &[K],
    accounts: &[AwsAccount],
    verb: Verb,
    now: &Time,
) -> Vec<Evaluated> {
    // Files carry no namespace labels: a label selector in allowedNamespaces is matched against none.
    let no_labels = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for obj in objects {
        let ns = obj.meta().namespace.clone().unwrap_or_default();
        let name = obj.meta().name.clone().unwrap_or_default();
        if let Some(selector) = obj.account_selector() {
            // Only the accounts of the files that admit the object's namespace are candidates.
            let selected =
                fleet::matching(Some(selector), accounts, |a| a.spec.allows(&ns, &no_labels));
            let run = crate::engine::kind::FleetRun {
                obj,
                selected: &selected,
                namespace_labels: &no_labels,
                owner: namespaced_owner(K::KIND, &ns, &name, obj.meta().uid.as_deref()),
                mode: mode(verb, obj.drift_policy()),
                shared_reads: None,
            };
            let (status, merged) = crate::engine::kind::run_fleet(factory, &run, now).await;
            out.push(Evaluated {
                kind: K::KIND,
                name: format!("{ns}/{name}"),
                remaining_drift: merged.remaining_drift,
                failed: merged.error_category.is_some(),
                status: serde_json::to_value(&status).unwrap_or_default(),
                accounts_detail: Some(fleet::detail(&merged.reports, now)),
                common: status.common().clone(),
                patch_schedule_status: None,
            });
            continue;
        }
        let account = accounts
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(obj.account_ref()));
        let report = match account {
            None => K::Report::fatal(EngineError::AccountNotFound(obj.account_ref().to_string())),
            Some(a) => {
                let pass = Pass {
                    obj,
                    account: &a.spec,
                    namespace_labels: &no_labels,
                    owner: namespaced_owner(K::KIND, &ns, &name, obj.meta().uid.as_deref()),
                    previous: None,
                    mode: mode(verb, obj.drift_policy()),
                    now: now.0,
                    // One-shot: every read is of AWS now.
                    shared_reads: None,
                };
                K::run(factory, &pass).await
            }
        };
        let status = K::status_after(None, &report, obj.meta().generation, now);
        out.push(Evaluated {
            kind: K::KIND,
            name: format!("{ns}/{name}"),
            remaining_drift: report.pass().remaining_drift(),
            failed: report.pass().error_category().is_some(),
            status: serde_json::to_value(&status).unwrap_or_default(),
            accounts_detail: None,
            common: status.common().clone(),
            // The table shows a PatchSchedule's next execution and compliance.
            patch_schedule_status: (&status as &dyn std::any::Any)
                .downcast_ref::<PatchScheduleStatus>()
                .cloned(),
        });
    }
    out
}

/// Owner identity of a namespaced object (`name` is `namespace/name`); objects read from files have no UID, so a
/// stable one is derived from the name.
pub fn namespaced_owner(kind: &str, ns: &str, name: &str, uid: Option<&str>) -> Owner {
    Owner {
        kind: kind.into(),
        name: format!("{ns}/{name}"),
        uid: uid
            .map(str::to_string)
            // A namespace has no dots: `team/a-b` and `team-a/b` get distinct stand-ins.
            .unwrap_or_else(|| format!("cli-{ns}.{name}")),
    }
}

/// Owner identity of an object; objects read from files have no UID, so a stable one is derived from the name.
pub fn owner_of(b: &AccountBaseline) -> Owner {
    let name = b.metadata.name.clone().unwrap_or_default();
    Owner {
        kind: "AccountBaseline".into(),
        uid: b
            .metadata
            .uid
            .clone()
            .unwrap_or_else(|| format!("cli-{name}")),
        name,
    }
}

/// Exit code for a verb: check gives 0 in sync, 2 drift, 1 error; plan/apply give 1 on error.
pub fn exit_code(verb: Verb, results: &[Evaluated]) -> i32 {
    if results.iter().any(|r| r.failed) {
        1
    } else if verb == Verb::Check && results.iter().any(|r| r.remaining_drift > 0) {
        2
    } else {
        0
    }
}

/// Render results as tables.
pub fn render_table(results: &[Evaluated]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for r in results {
        let st = &r.common;
        // A fleet shows its conditions, then every account's components and drift.
        let detail = r.accounts_detail.as_ref().unwrap_or(st);
        let account =
            |a: &Option<String>| a.as_deref().map(|a| format!("{a} ")).unwrap_or_default();
        let _ = writeln!(
            s,
            "{} {}  account {}  regions {}",
            r.kind,
            r.name,
            st.account_id.as_deref().unwrap_or("?"),
            st.regions.as_deref().unwrap_or("?")
        );
        for c in &st.conditions {
            let _ = writeln!(
                s,
                "  {:<8} {:<6} {:<18} {}",
                c.type_, c.status, c.reason, c.message
            );
        }
        if !detail.components.is_empty() {
            let _ = writeln!(
                s,
                "\n  {:<24} {:<12} {:<10} {:<10} ID",
                "COMPONENT", "REGION", "STATE", "OWNERSHIP"
            );
            for c in &detail.components {
                let _ = writeln!(
                    s,
                    "  {:<24} {:<12} {:<10} {:<10} {}",
                    format!("{}{}", account(&c.account), c.component),
                    c.region,
                    format!("{:?}", c.state),
                    format!("{:?}", c.ownership),
                    c.id.as_deref().unwrap_or("-")
                );
            }
        }
        if !detail.drift.is_empty() {
            let _ = writeln!(
                s,
                "\n  {:<48} {:<12} {:<22} {:<22} {:<10} CONTROLS",
                "DRIFT FIELD", "REGION", "DESIRED", "ACTUAL", "ACTION"
            );
            for d in &detail.drift {
                let _ = writeln!(
                    s,
                    "  {:<48} {:<12} {:<22} {:<22} {:<10} {}",
                    format!("{}{}", account(&d.account), d.field),
                    d.region,
                    clip(&d.desired),
                    clip(&d.actual),
                    format!("{:?}", d.action),
                    d.controls.join(", ")
                );
            }
        }
        if let Some(p) = &r.patch_schedule_status {
            let _ = writeln!(
                s,
                "\n  next execution: {}",
                p.next_execution_time.as_deref().unwrap_or("-")
            );
            for c in &p.compliance {
                let _ = writeln!(
                    s,
                    "  compliance {}: {} targeted, {} compliant, {} non-compliant, {} not reported, {} missing / {} failed patches",
                    c.region,
                    c.targeted_instances,
                    c.compliant,
                    c.non_compliant,
                    c.not_reported,
                    c.missing_patches,
                    c.failed_patches
                );
            }
        }
        let ready = find_condition(&st.conditions, "Ready")
            .map(|c| c.status.as_str())
            .unwrap_or("Unknown");
        let _ = writeln!(
            s,
            "\n  => Ready={ready}, {} setting(s) still differ\n",
            r.remaining_drift
        );
    }
    s
}

fn clip(s: &str) -> String {
    if s.chars().count() > 22 {
        format!("{}…", s.chars().take(21).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Load manifests for a command, or print why not (exit code 1).
fn load(files: &[PathBuf]) -> Result<manifests::Manifests, i32> {
    let m = manifests::load(files).map_err(|e| {
        eprintln!("error: {e}");
        1
    })?;
    for (path, kind) in &m.skipped {
        tracing::debug!(path = %path.display(), kind, "skipped document of another kind");
    }
    let change_events = m.accounts.iter().any(|a| a.spec.change_events.is_some());
    if m.baselines.is_empty() && m.schedules.is_empty() && m.monitoring.is_empty() && !change_events
    {
        eprintln!(
            "error: no AccountBaseline, PatchSchedule, MonitoringPolicy or AwsAccount with changeEvents found in \
             {files:?}"
        );
        return Err(1);
    }
    Ok(m)
}

fn print_results(output: Output, verb: Verb, code: i32, results: &[Evaluated]) {
    match output {
        Output::Table => print!("{}", render_table(results)),
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json_report(verb, code, results)).unwrap_or_default()
        ),
    }
}

/// Run plan or check over manifest files; returns the process exit code.
pub async fn run_files(verb: Verb, args: &FileArgs) -> i32 {
    let m = match load(&args.files) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let factory = AwsFactory::from_env(CallStats::default()).await;
    let results = evaluate(&factory, &m, verb).await;
    let code = exit_code(verb, &results);
    print_results(args.output, verb, code, &results);
    code
}

/// `plan`, optionally saving the plan (`--out FILE`) for `apply FILE`.
pub async fn run_plan(args: &PlanArgs) -> i32 {
    let Some(out) = &args.out else {
        return run_files(Verb::Plan, &args.common).await;
    };
    let m = match load(&args.common.files) {
        Ok(m) => m,
        Err(code) => return code,
    };
    let factory = AwsFactory::from_env(CallStats::default()).await;
    let results = evaluate(&factory, &m, Verb::Plan).await;
    let code = exit_code(Verb::Plan, &results);
    print_results(args.common.output, Verb::Plan, code, &results);
    if code != 0 {
        eprintln!("error: the plan has errors; not saved to {}", out.display());
        return code;
    }
    match crate::planfile::SavedPlan::new(&m, &results).write(out) {
        Ok(()) => {
            eprintln!(
                "Saved the plan to {}. Apply exactly it with: aws-baseline-operator apply {}",
                out.display(),
                out.display()
            );
            0
        }
        Err(e) => {
            eprintln!("error: cannot save the plan to {}: {e}", out.display());
            1
        }
    }
}

/// `apply -f FILES` (asking first on a terminal unless `--auto-approve`) or `apply PLANFILE`.
pub async fn run_apply(args: &ApplyArgs) -> i32 {
    let factory;
    let m = if let Some(path) = &args.plan {
        let saved = match crate::planfile::SavedPlan::read(path) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        };
        let m = match saved.manifests() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return 1;
            }
        };
        factory = AwsFactory::from_env(CallStats::default()).await;
        let now = evaluate(&factory, &m, Verb::Plan).await;
        let changed = saved.changes_since(&now);
        if !changed.is_empty() {
            eprintln!(
                "error: AWS changed since the plan in {} was made ({}); nothing was applied. Run plan again:\n  {}",
                path.display(),
                saved.created_at,
                changed.join("\n  ")
            );
            return 1;
        }
        m
    } else {
        let m = match load(&args.files) {
            Ok(m) => m,
            Err(code) => return code,
        };
        factory = AwsFactory::from_env(CallStats::default()).await;
        let interactive = {
            use std::io::IsTerminal;
            std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
        };
        if !args.auto_approve && interactive {
            let planned = evaluate(&factory, &m, Verb::Plan).await;
            print!("{}", render_table(&planned));
            if planned.iter().all(|r| r.remaining_drift == 0 && !r.failed) {
                println!("No changes: AWS matches the manifests.");
                return 0;
            }
            let stdin = std::io::stdin();
            if !confirmed(&mut stdin.lock(), &mut std::io::stdout()) {
                println!("Apply cancelled.");
                return 1;
            }
        }
        m
    };
    let results = evaluate(&factory, &m, Verb::Apply).await;
    let code = exit_code(Verb::Apply, &results);
    print_results(args.output, Verb::Apply, code, &results);
    code
}

/// Ask whether to apply the plan just shown; only `yes` proceeds (Terraform's rule).
pub fn confirmed(input: &mut impl std::io::BufRead, out: &mut impl std::io::Write) -> bool {
    let _ = std::io::Write::write_fmt(
        out,
        format_args!("Apply these changes to AWS? Only 'yes' will be accepted (or rerun with --auto-approve): "),
    );
    let _ = out.flush();
    let mut answer = String::new();
    input.read_line(&mut answer).is_ok() && answer.trim() == "yes"
}

/// Version of the `-o json` document; raised when a field changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The `-o json` document: everything the table shows, per object, plus the verb and exit code.
pub fn json_report(verb: Verb, exit_code: i32, results: &[Evaluated]) -> serde_json::Value {
    serde_json::json!({
        "formatVersion": JSON_FORMAT_VERSION,
        "verb": format!("{verb:?}").to_lowercase(),
        "exitCode": exit_code,
        "results": results.iter().map(|r| {
            let mut v = serde_json::json!({
                "kind": r.kind,
                "name": r.name,
                "remainingDrift": r.remaining_drift,
                "failed": r.failed,
                "status": r.status,
            });
            // A fleet (accountSelector): every account's components and drift, which status caps.
            if let Some(d) = &r.accounts_detail {
                v["accountsDetail"] = serde_json::to_value(d).unwrap_or_default();
            }
            v
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::confirmed;

    #[test]
    fn only_yes_confirms_an_apply() {
        for (answer, want) in [
            ("yes\n", true),
            ("yes", true),
            ("y\n", false),
            ("YES\n", false),
            ("", false),
            ("no\n", false),
        ] {
            let mut out = Vec::new();
            assert_eq!(
                confirmed(&mut answer.as_bytes(), &mut out),
                want,
                "{answer:?}"
            );
            assert!(String::from_utf8(out).unwrap().contains("--auto-approve"));
        }
    }
}
