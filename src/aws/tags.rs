//! Tags in and out of the SDKs. Every service has its own tag type with a key and a value; the operator's tags
//! are `(key, value)` pairs. One conversion each way serves them all.

use aws_smithy_types::error::operation::BuildError;

/// One SDK's tag type.
pub trait SdkTag: Sized {
    /// The tag of `key` and `value`.
    fn build(key: &str, value: &str) -> Result<Self, BuildError>;
    /// Its key and value (an absent one as "").
    fn pair(&self) -> (String, String);
}

/// A getter's text: required members return `&str`, optional ones `Option<&str>` (absent as "").
trait Text {
    fn text(self) -> String;
}

impl Text for &str {
    fn text(self) -> String {
        self.to_string()
    }
}

impl Text for Option<&str> {
    fn text(self) -> String {
        self.unwrap_or_default().to_string()
    }
}

/// Implements [`SdkTag`]; `fallible` for tag types with a required member (their builder returns a `Result`).
macro_rules! sdk_tag {
    (fallible: $($t:ty),+ $(,)?) => {$(
        impl SdkTag for $t {
            fn build(key: &str, value: &str) -> Result<Self, BuildError> {
                <$t>::builder().key(key).value(value).build()
            }
            fn pair(&self) -> (String, String) {
                (self.key().text(), self.value().text())
            }
        }
    )+};
    (infallible: $($t:ty),+ $(,)?) => {$(
        impl SdkTag for $t {
            fn build(key: &str, value: &str) -> Result<Self, BuildError> {
                Ok(<$t>::builder().key(key).value(value).build())
            }
            fn pair(&self) -> (String, String) {
                (self.key().text(), self.value().text())
            }
        }
    )+};
}

sdk_tag!(fallible:
    aws_sdk_budgets::types::ResourceTag,
    aws_sdk_cloudtrail::types::Tag,
    aws_sdk_eventbridge::types::Tag,
    aws_sdk_s3::types::Tag,
    aws_sdk_sns::types::Tag,
    aws_sdk_ssm::types::Tag,
);
sdk_tag!(infallible:
    aws_sdk_cloudwatch::types::Tag,
    aws_sdk_config::types::Tag,
    aws_sdk_ec2::types::Tag,
);

/// `tags` as one SDK's tag type.
pub fn to_sdk<T: SdkTag>(tags: &[(String, String)]) -> Result<Vec<T>, BuildError> {
    tags.iter().map(|(k, v)| T::build(k, v)).collect()
}

/// The `(key, value)` pairs of an SDK's tags, as a `Vec` or a map.
pub fn pairs<'a, T: SdkTag + 'a, C: FromIterator<(String, String)>>(
    tags: impl IntoIterator<Item = &'a T>,
) -> C {
    tags.into_iter().map(SdkTag::pair).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_go_in_and_come_back() {
        let ours = vec![("a".to_string(), "1".to_string()), ("b".into(), "".into())];
        let ssm: Vec<aws_sdk_ssm::types::Tag> = to_sdk(&ours).unwrap();
        assert_eq!(pairs::<_, Vec<_>>(&ssm), ours);
        let cw: Vec<aws_sdk_cloudwatch::types::Tag> = to_sdk(&ours).unwrap();
        assert_eq!(pairs::<_, Vec<_>>(&cw), ours);
        let absent = aws_sdk_cloudwatch::types::Tag::builder().build();
        assert_eq!(absent.pair(), (String::new(), String::new()));
    }
}
