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
        Command::Plan(a) | Command::Apply(a) | Command::Check(a) => {
            init_tracing(cli.log_format, "warn");
            let verb = match &cli.command {
                Command::Plan(_) => Verb::Plan,
                Command::Apply(_) => Verb::Apply,
                _ => Verb::Check,
            };
            cli::run_files(verb, a).await
        }
    };
    std::process::exit(code);
}
