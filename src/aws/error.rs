//! Classification of AWS errors: the engine, conditions and metrics only ever see an [`AwsError`].

use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
use std::fmt;

/// What kind of failure an AWS call had; decides retry and the condition reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCategory {
    /// The resource does not exist.
    NotFound,
    /// Rate limited; retried by the SDK and then by the controller's backoff.
    Throttled,
    /// The credentials may not do this.
    AccessDenied,
    /// AWS rejected a parameter: the spec (or the account) needs a change.
    InvalidInput,
    /// An AWS quota (e.g. 50 maintenance windows per region) would be exceeded: needs a spec or quota change.
    QuotaExceeded,
    /// Network failure, timeout or 5xx: retried.
    Transient,
    /// The process has no AWS credentials at all (no IRSA, Pod Identity, environment or profile).
    NoCredentials,
    /// STS refused the AwsAccount's AssumeRole (trust policy, externalId, revoked role).
    AssumeRoleDenied,
    /// The region is not an AWS region (a typo such as `eu-wset-1`), or its endpoint does not resolve.
    UnknownRegion,
    /// The account's AWS Support plan does not include the API (the Support API's Trusted Advisor operations answer
    /// `SubscriptionRequiredException` on Basic and Developer plans): needs a plan change, not a retry.
    SupportPlanRequired,
    /// Anything else.
    Unknown,
}

impl ErrorCategory {
    /// CamelCase constant for condition reasons and metric labels.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NotFound => "NotFound",
            Self::Throttled => "Throttled",
            Self::AccessDenied => "AccessDenied",
            Self::InvalidInput => "InvalidInput",
            Self::QuotaExceeded => "QuotaExceeded",
            Self::Transient => "Transient",
            Self::NoCredentials => "NoCredentials",
            Self::AssumeRoleDenied => "AssumeRoleDenied",
            Self::UnknownRegion => "UnknownRegion",
            Self::SupportPlanRequired => "SupportPlanRequired",
            Self::Unknown => "AwsError",
        }
    }

    /// Worth retrying without a spec change.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Throttled | Self::Transient)
    }

    /// Map an AWS error code (and HTTP status) to a category.
    pub fn from_code(code: &str, http_status: Option<u16>) -> Self {
        let c = code;
        if c == "SubscriptionRequiredException" {
            Self::SupportPlanRequired
        } else if c.contains("Throttl")
            || c == "TooManyRequestsException"
            || c == "RequestLimitExceeded"
            || c == "SlowDown"
            || c == "LimitExceededException" && http_status == Some(429)
        {
            Self::Throttled
        } else if c == "ResourceLimitExceededException"
            || c == "LimitExceededException"
            || c == "CreationLimitExceededException"
            || c == "ServiceQuotaExceededException"
        {
            Self::QuotaExceeded
        } else if c.starts_with("AccessDenied")
            || c == "UnauthorizedOperation"
            || c == "UnauthorizedAccess"
            || c == "AuthFailure"
            || c == "InvalidClientTokenId"
            || c == "ExpiredToken"
            || c == "UnrecognizedClientException"
            || c == "InsufficientEncryptionPolicyException"
            || c == "InsufficientS3BucketPolicyException"
            || c == "InsufficientSnsTopicPolicyException"
        {
            Self::AccessDenied
        } else if c.contains("NotFound")
            || c.starts_with("NoSuch")
            || c == "ResourceNotFoundException"
            || c == "DoesNotExistException"
        {
            Self::NotFound
        } else if c.starts_with("Invalid")
            || c.starts_with("Malformed")
            || c == "ValidationException"
            || c == "ValidationError"
            || c == "BadRequestException"
            || c.ends_with("ConflictException")
            || c == "KmsException"
            || c == "S3BucketDoesNotExistException"
            || c == "CloudWatchLogsDeliveryUnavailableException"
        {
            Self::InvalidInput
        } else if c == "InternalFailure"
            || c == "InternalError"
            || c == "InternalServerErrorException"
            || c == "ServiceUnavailable"
            || c == "ServiceUnavailableException"
            || http_status.is_some_and(|s| s >= 500)
        {
            Self::Transient
        } else if http_status == Some(403) {
            Self::AccessDenied
        } else if http_status == Some(404) {
            Self::NotFound
        } else if http_status.is_some_and(|s| (400..500).contains(&s)) {
            Self::InvalidInput
        } else {
            Self::Unknown
        }
    }
}

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed AWS call, classified, naming the service and operation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{service}:{operation} failed ({category}{}): {message}", code.as_ref().map(|c| format!(", {c}")).unwrap_or_default())]
pub struct AwsError {
    /// Service, e.g. `cloudtrail`.
    pub service: &'static str,
    /// Operation, e.g. `UpdateTrail`.
    pub operation: &'static str,
    /// Classification.
    pub category: ErrorCategory,
    /// AWS error code when the service returned one.
    pub code: Option<String>,
    /// Human-readable message (never contains credentials).
    pub message: String,
}

impl AwsError {
    /// An error built by our own code (e.g. an unexpected response shape).
    pub fn new(
        service: &'static str,
        operation: &'static str,
        category: ErrorCategory,
        message: impl Into<String>,
    ) -> Self {
        Self {
            service,
            operation,
            category,
            code: None,
            message: message.into(),
        }
    }

    /// A request our own code could not build (an SDK builder refused a missing required field).
    pub fn invalid_input(
        service: &'static str,
        operation: &'static str,
        e: impl std::fmt::Display,
    ) -> Self {
        Self::new(
            service,
            operation,
            ErrorCategory::InvalidInput,
            e.to_string(),
        )
    }

    /// True when the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.category == ErrorCategory::NotFound
    }

    /// True for a specific AWS error code.
    pub fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// Classify an SDK error.
    pub fn from_sdk<E, R>(
        service: &'static str,
        operation: &'static str,
        err: SdkError<E, R>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + HttpStatus + 'static,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let status = se.raw().http_status();
                let code = se.err().code().map(str::to_string);
                let category = code
                    .as_deref()
                    .map(|c| ErrorCategory::from_code(c, status))
                    .unwrap_or_else(|| ErrorCategory::from_code("", status));
                let message = se
                    .err()
                    .message()
                    .map(stable_message)
                    .unwrap_or_else(|| code.clone().unwrap_or_default());
                Self {
                    service,
                    operation,
                    category,
                    code,
                    message,
                }
            }
            _ => {
                // Not an answer from the service: credentials, connection, timeout or a request we could not build.
                // The status gets one stable line (no request IDs, dates or connector internals, so a retried
                // failure does not rewrite status); the whole chain goes to the log (info: `run` shows it, the CLI
                // only with RUST_LOG=info).
                tracing::info!(service, operation, error = %aws_smithy_types::error::display::DisplayErrorContext(&err), "AWS call failed before a service answer");
                let (category, message) = classify_unanswered(&err);
                Self {
                    service,
                    operation,
                    category,
                    code: None,
                    message,
                }
            }
        }
    }
}

/// Longest message kept from an underlying error.
const MAX_CAUSE: usize = 160;

/// Category and a short, stable message for an SDK error that carries no service answer.
fn classify_unanswered<E, R>(err: &SdkError<E, R>) -> (ErrorCategory, String)
where
    E: std::error::Error + 'static,
    R: fmt::Debug + 'static,
{
    use aws_credential_types::provider::error::CredentialsError;
    let chain = || {
        std::iter::successors(Some(err as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
    };
    if let Some(c) = chain().find_map(|e| e.downcast_ref::<CredentialsError>()) {
        let assume_role = chain()
            .find_map(|e| e.downcast_ref::<aws_sdk_sts::operation::assume_role::AssumeRoleError>());
        // Wrappers (the identity cache, a role's source credentials) may hold the chain's verdict deeper down.
        let not_loaded = chain().any(|e| {
            matches!(
                e.downcast_ref::<CredentialsError>(),
                Some(CredentialsError::CredentialsNotLoaded(_))
            )
        });
        return match (c, assume_role) {
            _ if not_loaded && assume_role.is_none() => (
                ErrorCategory::NoCredentials,
                "no AWS credentials: IRSA, EKS Pod Identity or AWS_* are not configured for the operator".into(),
            ),
            (_, Some(a)) => {
                let code = a.code().unwrap_or("error");
                let category = match ErrorCategory::from_code(code, None) {
                    ErrorCategory::Throttled => ErrorCategory::Throttled,
                    ErrorCategory::Transient => ErrorCategory::Transient,
                    _ => ErrorCategory::AssumeRoleDenied,
                };
                (
                    category,
                    format!(
                        "AssumeRole refused ({code}): check the role's trust policy and the AwsAccount's externalId"
                    ),
                )
            }
            (CredentialsError::ProviderTimedOut(_), _) => (
                ErrorCategory::Transient,
                "timed out loading AWS credentials".into(),
            ),
            (CredentialsError::InvalidConfiguration(_), _) => (
                ErrorCategory::AssumeRoleDenied,
                format!("AWS credentials are misconfigured: {}", short(c)),
            ),
            _ => (
                ErrorCategory::Transient,
                format!("could not load AWS credentials: {}", short(root(chain()))),
            ),
        };
    }
    match err {
        SdkError::TimeoutError(_) => (ErrorCategory::Transient, "timed out".into()),
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            (ErrorCategory::Transient, "connection timed out".into())
        }
        SdkError::DispatchFailure(_) => {
            let dns = chain().any(|e| {
                let t = e.to_string();
                t.contains("dns error") || t.contains("failed to lookup address")
            });
            let cause = short(root(chain()));
            if dns {
                (
                    ErrorCategory::UnknownRegion,
                    format!("endpoint does not resolve: {cause}"),
                )
            } else {
                (
                    ErrorCategory::Transient,
                    format!("connection failed: {cause}"),
                )
            }
        }
        SdkError::ResponseError(_) => (
            ErrorCategory::Transient,
            format!("unreadable response: {}", short(root(chain()))),
        ),
        _ => (
            ErrorCategory::InvalidInput,
            format!("request not sent: {}", short(root(chain()))),
        ),
    }
}

/// The innermost error of a chain.
fn root<'a>(
    chain: impl Iterator<Item = &'a (dyn std::error::Error + 'static)>,
) -> &'a (dyn std::error::Error + 'static) {
    chain.last().expect("a chain has at least its head")
}

/// One line of at most [`MAX_CAUSE`] characters.
fn short(e: &dyn std::error::Error) -> String {
    cut(&e.to_string(), MAX_CAUSE)
}

/// One line of at most `max` characters.
fn cut(text: &str, max: usize) -> String {
    let line = text.replace(['\n', '\r'], " ");
    match line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// Longest service message kept in status.
const MAX_MESSAGE: usize = 400;

/// A service's error message as status shows it: one line, bounded, without the request ID some services embed
/// (`... (Service: AmazonSSM; Status Code: 400; Request ID: 1b2c...)`), so the same failure reads the same on
/// every pass and status is not rewritten.
fn stable_message(message: &str) -> String {
    let mut out = message.to_string();
    for marker in ["Request ID: ", "RequestId: ", "request id: "] {
        while let Some(start) = out.find(marker) {
            let rest = &out[start + marker.len()..];
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(rest.len());
            out.replace_range(start..start + marker.len() + len, "");
        }
    }
    let out = out
        .replace("; )", ")")
        .replace("; ;", ";")
        .replace(" ()", "");
    cut(out.trim(), MAX_MESSAGE)
}

/// The HTTP status of a raw response, when there is one.
pub trait HttpStatus {
    /// Status code.
    fn http_status(&self) -> Option<u16>;
}

impl HttpStatus for aws_smithy_runtime_api::client::orchestrator::HttpResponse {
    fn http_status(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

/// `.aws("cloudtrail", "UpdateTrail")?` on any SDK result.
pub trait AwsResultExt<T> {
    /// Classify the error of an SDK call.
    fn aws(self, service: &'static str, operation: &'static str) -> Result<T, AwsError>;
}

impl<T, E, R> AwsResultExt<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + HttpStatus + 'static,
{
    fn aws(self, service: &'static str, operation: &'static str) -> Result<T, AwsError> {
        self.map_err(|e| AwsError::from_sdk(service, operation, e))
    }
}

/// A delete whose object is already gone succeeded: a not-found error (or one of `codes`) becomes `Ok(())`.
pub fn ok_if_gone<T>(r: Result<T, AwsError>, codes: &[&str]) -> Result<(), AwsError> {
    not_found_as_none(r, codes).map(drop)
}

/// Turn a not-found error into `None`.
pub fn not_found_as_none<T>(r: Result<T, AwsError>, codes: &[&str]) -> Result<Option<T>, AwsError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() || codes.iter().any(|c| e.has_code(c)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCategory::*;
    use super::*;

    #[test]
    fn service_messages_lose_request_ids_and_stay_one_bounded_line() {
        assert_eq!(
            stable_message(
                "Rate exceeded (Service: AmazonSSM; Status Code: 400; Request ID: 1b2c-3d4e)"
            ),
            "Rate exceeded (Service: AmazonSSM; Status Code: 400)"
        );
        assert_eq!(stable_message("bad\nthing"), "bad thing");
        assert!(stable_message(&"x".repeat(1000)).chars().count() <= MAX_MESSAGE + 1);
        assert_eq!(
            stable_message("User: arn:aws:sts::1:assumed-role/r/s is not authorized"),
            "User: arn:aws:sts::1:assumed-role/r/s is not authorized"
        );
    }

    #[test]
    fn codes_are_classified() {
        let cases = [
            ("ThrottlingException", Some(400), Throttled),
            ("Throttling", Some(400), Throttled),
            ("RequestLimitExceeded", Some(503), Throttled),
            ("TooManyRequestsException", Some(429), Throttled),
            ("AccessDeniedException", Some(400), AccessDenied),
            ("UnauthorizedOperation", Some(403), AccessDenied),
            (
                "InsufficientS3BucketPolicyException",
                Some(400),
                AccessDenied,
            ),
            ("TrailNotFoundException", Some(400), NotFound),
            ("NoSuchEntity", Some(404), NotFound),
            ("NoSuchPublicAccessBlockConfiguration", Some(404), NotFound),
            ("InvalidParameterValue", Some(400), InvalidInput),
            ("InvalidTrailNameException", Some(400), InvalidInput),
            ("ValidationException", Some(400), InvalidInput),
            ("MalformedPolicyDocument", Some(400), InvalidInput),
            ("InternalServerErrorException", Some(500), Transient),
            // AWS Budgets: notification / subscriber quota, internal error.
            ("CreationLimitExceededException", Some(400), QuotaExceeded),
            ("InternalErrorException", Some(500), Transient),
            // AWS Support API on a Basic or Developer plan.
            (
                "SubscriptionRequiredException",
                Some(400),
                SupportPlanRequired,
            ),
            ("SomethingNew", Some(502), Transient),
            ("SomethingNew", Some(403), AccessDenied),
            ("SomethingNew", None, Unknown),
        ];
        for (code, status, want) in cases {
            assert_eq!(
                ErrorCategory::from_code(code, status),
                want,
                "{code} {status:?}"
            );
        }
        assert!(Throttled.is_retryable() && Transient.is_retryable());
        assert!(!AccessDenied.is_retryable() && !InvalidInput.is_retryable());
    }
}
