use aws_baseline_operator::cli::{self, Cli, Command, LogFormat, Verb};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

fn init_tracing(format: LogFormat, default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// plan / apply / check: warnings (or `RUST_LOG`) to standard error, and on a terminal a progress line per
/// account/region/component as the pass goes (src/progress.rs); none in CI, where standard error is no terminal.
fn init_cli_tracing(format: LogFormat) {
    use std::io::IsTerminal;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let log = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let progress = std::io::stderr().is_terminal().then(|| {
        aws_baseline_operator::progress::TerminalProgress::new().with_filter(
            Targets::new().with_target(
                aws_baseline_operator::progress::TARGET,
                tracing::Level::DEBUG,
            ),
        )
    });
    tracing_subscriber::registry()
        .with(log.with_filter(filter))
        .with(progress)
        .init();
}

#[tokio::main]
async fn main() {
    aws_baseline_operator::install_crypto_provider();
    // Exit codes are a contract for CI (0 in sync, 2 drift found, 1 error): a usage error is 1, never clap's 2,
    // so a typo in a pipeline never reads as drift. --help and --version still exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() { 1 } else { 0 });
        }
    };
    aws_baseline_operator::aws::regions::allow_extra(&cli.extra_regions);
    let code = match &cli.command {
        Command::Crd => match aws_baseline_operator::api::crds_yaml() {
            Ok(y) => {
                print!("{y}");
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        },
        Command::Run(args) => {
            init_tracing(
                cli.log_format,
                "info,kube=warn,aws_config=warn,aws_smithy_runtime=warn",
            );
            match aws_baseline_operator::controller::run(args.clone()).await {
                Ok(()) => 0,
                Err(e) => {
                    tracing::error!(error = %e, "operator stopped");
                    1
                }
            }
        }
        Command::IamPolicy(a) => aws_baseline_operator::iam_policy::run(a),
        Command::Docs(cli::Docs::AwsOperations) => {
            print!("{}", aws_baseline_operator::aws::operation::markdown());
            0
        }
        Command::Rbac => {
            match serde_json::to_string_pretty(&aws_baseline_operator::rbac::rules_document()) {
                Ok(j) => {
                    println!("{j}");
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    1
                }
            }
        }
        Command::Plan(a) => {
            init_cli_tracing(cli.log_format);
            cli::run_plan(a).await
        }
        Command::Apply(a) => {
            init_cli_tracing(cli.log_format);
            cli::run_apply(a).await
        }
        Command::Check(a) => {
            init_cli_tracing(cli.log_format);
            cli::run_files(Verb::Check, a).await
        }
    };
    std::process::exit(code);
}
