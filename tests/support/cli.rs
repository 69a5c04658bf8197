//! The operator binary's cluster-less CLI run against moto, as a user would run it.

use super::Moto;
use std::process::{Command, Output};

/// Run `aws-baseline-operator ARGS` against moto and wait for it.
pub fn cli(moto: &Moto, args: &[&str]) -> Output {
    let mut cmd = Command::new(crate::support::operator_bin());
    against(moto, cmd.args(args)).output().unwrap()
}

/// `cmd` in the repository root with only PATH, moto's endpoint and dummy credentials in its environment.
pub fn against<'a>(moto: &Moto, cmd: &'a mut Command) -> &'a mut Command {
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Standard output and standard error as one text, for assertions and failure messages.
pub fn output(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
