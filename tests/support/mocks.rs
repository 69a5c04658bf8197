//! Error responses for aws-smithy-mocks rules, in the shape AWS documents for each protocol, so the real SDK
//! deserialiser classifies them.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// A KMS key ARN in moto's default account, for requests that name a key.
pub const KMS_KEY: &str =
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// An EC2 (query protocol) error: `<Response><Errors><Error><Code>…` with HTTP `status`.
pub fn ec2_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

/// A JSON-protocol error response (restJson1 and awsJson1.1 both read `x-amzn-errortype` / `__type`), as
/// CloudWatch Logs and EKS send it.
pub fn json_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}");
    let mut r = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
    r.headers_mut().insert("x-amzn-errortype", code.to_string());
    r.headers_mut()
        .insert("content-type", "application/x-amz-json-1.1");
    r
}
