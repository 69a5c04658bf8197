//! AWS names and idempotency tokens of what a PatchSchedule creates.

/// Default AWS name for an object's window and baseline: `<namespace>.<name>`, at most 128 characters (a hash
/// suffix keeps longer ones distinct). A namespace has no dots, so the first dot separates it from the name and
/// `team/a-b` and `team-a/b` never share a name.
pub fn default_name(namespace: &str, name: &str) -> String {
    crate::names::fit(&format!("{namespace}.{name}"), 128)
}

/// The default name of earlier versions (`<namespace>-<name>`, cut at 128): a window or baseline found under it is taken
/// over (and renamed) only when its tags prove it is this object's.
pub fn legacy_name(namespace: &str, name: &str) -> String {
    let mut s = format!("{namespace}-{name}");
    s.truncate(128);
    s
}

/// Names to look for an existing window or baseline under: the wanted one, and for a default name (`explicit`
/// false) also the default of earlier versions (taken over only with proof of ownership, then renamed by the
/// update).
pub fn candidate_names(name: &str, explicit: bool, legacy: &str) -> Vec<String> {
    let mut names = vec![name.to_string()];
    if !explicit && legacy != name {
        names.push(legacy.to_string());
    }
    names
}

/// Idempotency token of one create (`what`: `window`, `baseline`) for one owner and region, at most 64
/// characters: the same create retried after a lost response returns the same resource.
pub fn client_token(owner_uid: &str, region: &str, what: &str) -> String {
    let mut t = format!("{owner_uid}-{region}-{what}");
    t.truncate(64);
    t
}

/// Owner information a window target carries: the owning object as `<namespace>/<name>`.
pub fn owner_information(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_keep_namespace_and_name_apart() {
        assert_eq!(default_name("team", "a-b"), "team.a-b");
        assert_ne!(default_name("team", "a-b"), default_name("team-a", "b"));
        assert_eq!(legacy_name("team", "a-b"), "team-a-b");
        let long = "x".repeat(200);
        assert!(default_name("team", &long).len() <= 128);
        assert_ne!(
            default_name("team", &long),
            default_name("team", &format!("{long}y"))
        );
        assert_eq!(legacy_name("team", &long).len(), 128);
    }

    #[test]
    fn the_legacy_name_is_searched_only_for_a_default_name() {
        assert_eq!(
            candidate_names("team.prod", false, "team-prod"),
            vec!["team.prod".to_string(), "team-prod".to_string()]
        );
        assert_eq!(
            candidate_names("mine", true, "team-prod"),
            vec!["mine".to_string()]
        );
        assert_eq!(
            candidate_names("same", false, "same"),
            vec!["same".to_string()]
        );
    }

    #[test]
    fn client_tokens_are_deterministic_and_short() {
        assert_eq!(
            client_token("uid", "eu-west-1", "window"),
            "uid-eu-west-1-window"
        );
        let t = client_token(&"u".repeat(60), "eu-west-1", "baseline");
        assert_eq!(t.len(), 64);
        assert_eq!(t, client_token(&"u".repeat(60), "eu-west-1", "baseline"));
    }
}
