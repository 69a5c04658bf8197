//! The AWS regions the operator knows. A region outside this list (a typo such as `eu-wset-1`) stops the pass
//! before any AWS call with `UnknownRegion`, instead of failing each call with an unresolvable endpoint — or, behind
//! an endpoint override, silently writing to a region that does not exist. Regions launched after this build are
//! allowed with `run --extra-regions` (`EXTRA_REGIONS`) or the CLI's `--extra-regions`.

use std::sync::RwLock;

/// Regions of the aws, aws-cn, aws-us-gov, aws-iso* and European Sovereign Cloud partitions, December 2026.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

static EXTRA: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Allow regions this build does not list (new AWS regions); process-wide.
pub fn allow_extra<S: AsRef<str>>(regions: impl IntoIterator<Item = S>) {
    let mut extra = EXTRA.write().expect("region list poisoned");
    for r in regions {
        let r = r.as_ref().trim();
        if !r.is_empty() && !extra.iter().any(|e| e == r) {
            extra.push(r.to_string());
        }
    }
}

/// True for a region in [`KNOWN_REGIONS`] or allowed with [`allow_extra`].
pub fn is_known(region: &str) -> bool {
    KNOWN_REGIONS.contains(&region)
        || EXTRA
            .read()
            .expect("region list poisoned")
            .iter()
            .any(|e| e == region)
}

/// `Err(message)` for an unknown region, suggesting the closest known one.
pub fn check(region: &str) -> Result<(), String> {
    if is_known(region) {
        return Ok(());
    }
    let closest = KNOWN_REGIONS
        .iter()
        .map(|k| (edit_distance(region, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| format!(" (did you mean {k}?)"))
        .unwrap_or_default();
    Err(format!(
        "{region:?} is not an AWS region{closest}; a region newer than this operator is allowed with --extra-regions"
    ))
}

/// Levenshtein distance (regions are short ASCII strings).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_refused_with_a_suggestion() {
        assert!(check("eu-west-1").is_ok());
        let e = check("eu-wset-1").unwrap_err();
        assert!(e.contains("did you mean eu-west-1?"), "{e}");
        let e = check("mars-north-9").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        assert!(check("zz-test-1").is_err());
        allow_extra(["zz-test-1"]);
        assert!(check("zz-test-1").is_ok());
    }

    #[test]
    fn every_partition_prefix_has_a_known_region() {
        for r in KNOWN_REGIONS {
            assert!(!crate::aws::partition(r).is_empty(), "{r}");
        }
    }
}
