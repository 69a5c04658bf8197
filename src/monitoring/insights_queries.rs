//! Logs Insights saved queries (`spec.insightsQueries`), pure. Query definitions cannot carry tags, so the ids
//! the operator created are recorded in status (`queryDefinitions`); only those are ever deleted. A definition
//! with our name that we did not create is adopted: updated, never deleted.

use crate::api::monitoring_policy::InsightsQuerySpec;
use crate::aws::logs::QueryDefinition;
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Component of the Logs Insights saved queries.
pub const INSIGHTS_QUERIES: &str = "insightsQueries";

/// Name prefix of a policy's query definitions: `awsbaseline/<namespace>/<policy>/` (a folder in the console).
pub fn query_prefix(namespace: &str, name: &str) -> String {
    format!("awsbaseline/{namespace}/{name}/")
}

fn sorted(v: &[String]) -> Vec<String> {
    crate::aws::sorted(v.iter().cloned())
}

/// Declared fields of one saved query (log groups compared sorted).
pub fn query_fields(q: &InsightsQuerySpec) -> Fields {
    let p = format!("{INSIGHTS_QUERIES}.{}", q.name);
    Fields::from([
        (format!("{p}.exists"), json!(true)),
        (format!("{p}.queryString"), json!(q.query_string)),
        (
            format!("{p}.logGroupNames"),
            json!(sorted(&q.log_group_names)),
        ),
    ])
}

/// Observed fields of one saved query (`None`: no definition with its name).
pub fn observed_query_fields(name: &str, d: Option<&QueryDefinition>) -> Fields {
    let p = format!("{INSIGHTS_QUERIES}.{name}");
    let Some(d) = d else {
        return Fields::from([(format!("{p}.exists"), json!(false))]);
    };
    Fields::from([
        (format!("{p}.exists"), json!(true)),
        (format!("{p}.queryString"), json!(d.query_string)),
        (
            format!("{p}.logGroupNames"),
            json!(sorted(&d.log_group_names)),
        ),
    ])
}

/// What a pass does with the saved queries of one region (pure: observed definitions and the status record in,
/// drift and writes out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryPlan<'a> {
    /// Drift, in spec order, then removals.
    pub drift: Vec<FieldDrift>,
    /// PutQueryDefinition calls: AWS name, id of the definition to replace (`None`: create), the query.
    pub puts: Vec<(String, Option<String>, &'a InsightsQuerySpec)>,
    /// DeleteQueryDefinition calls for definitions this policy created that the spec no longer declares.
    pub deletes: Vec<(String, String)>,
    /// Definitions proven ours that stay recorded (AWS name -> id).
    pub recorded: BTreeMap<String, String>,
    /// Some declared definition existed without being recorded as ours (adopted: updated, never deleted).
    pub adopted: bool,
}

/// Plan the saved queries: `observed` are the definitions under `prefix`, `recorded` the ids status says this
/// policy created.
pub fn plan_queries<'a>(
    specs: &'a [InsightsQuerySpec],
    prefix: &str,
    observed: &[QueryDefinition],
    recorded: &BTreeMap<String, String>,
) -> QueryPlan<'a> {
    let mut plan = QueryPlan::default();
    let mut declared = BTreeSet::new();
    for q in specs {
        let aws_name = format!("{prefix}{}", q.name);
        declared.insert(aws_name.clone());
        let recorded_id = recorded.get(&aws_name);
        // Names are not unique in AWS: the definition we recorded first, else the first one AWS lists.
        let same_name: Vec<&QueryDefinition> =
            observed.iter().filter(|d| d.name == aws_name).collect();
        let obs = same_name
            .iter()
            .find(|d| Some(&d.id) == recorded_id)
            .or(same_name.first())
            .copied();
        match obs {
            Some(d) if Some(&d.id) == recorded_id => {
                plan.recorded.insert(aws_name.clone(), d.id.clone());
            }
            Some(_) => plan.adopted = true,
            None => {}
        }
        let d = diff_resources(&query_fields(q), &observed_query_fields(&q.name, obs));
        if !d.is_empty() {
            plan.drift.extend(d);
            plan.puts.push((aws_name, obs.map(|d| d.id.clone()), q));
        }
    }
    // Definitions this policy created that the spec no longer declares (gone already: forgotten).
    for (aws_name, id) in recorded {
        if declared.contains(aws_name) || !observed.iter().any(|d| &d.id == id) {
            continue;
        }
        let rel = aws_name.strip_prefix(prefix).unwrap_or(aws_name);
        plan.drift.push(FieldDrift {
            field: format!("{INSIGHTS_QUERIES}.{rel}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
        plan.deletes.push((aws_name.clone(), id.clone()));
    }
    plan
}

impl QueryPlan<'_> {
    /// Some declared query is created (no definition of its name).
    pub fn creates(&self) -> bool {
        self.puts.iter().any(|(_, id, _)| id.is_none())
    }

    /// Every drift is a declared query that was missing.
    pub fn only_creates(&self) -> bool {
        self.deletes.is_empty() && self.puts.iter().all(|(_, id, _)| id.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn query_log_groups_compare_sorted() {
        let q: InsightsQuerySpec = serde_json::from_value(json!({"name": "errors",
            "queryString": "fields @message", "logGroupNames": ["/b", "/a"]}))
        .unwrap();
        let d = QueryDefinition {
            id: "1".into(),
            name: "awsbaseline/ns/p/errors".into(),
            query_string: "fields @message".into(),
            log_group_names: vec!["/a".into(), "/b".into()],
        };
        assert!(diff_resources(
            &query_fields(&q),
            &observed_query_fields("errors", Some(&d))
        )
        .is_empty());
        let changed = QueryDefinition {
            query_string: "fields @timestamp".into(),
            log_group_names: vec!["/a".into()],
            ..d
        };
        let got = diff_resources(
            &query_fields(&q),
            &observed_query_fields("errors", Some(&changed)),
        );
        assert_eq!(
            fields(&got),
            [
                "insightsQueries.errors.logGroupNames",
                "insightsQueries.errors.queryString"
            ]
        );
        let missing = diff_resources(&query_fields(&q), &observed_query_fields("errors", None));
        assert_eq!(fields(&missing), ["insightsQueries.errors.exists"]);
    }
    fn def(id: &str, name: &str, query: &str) -> QueryDefinition {
        QueryDefinition {
            id: id.into(),
            name: format!("awsbaseline/ns/p/{name}"),
            query_string: query.into(),
            log_group_names: vec![],
        }
    }

    fn queries(names: &[&str]) -> Vec<InsightsQuerySpec> {
        names
            .iter()
            .map(|n| InsightsQuerySpec {
                name: n.to_string(),
                query_string: "fields @message".into(),
                log_group_names: vec![],
            })
            .collect()
    }

    const PREFIX: &str = "awsbaseline/ns/p/";

    #[test]
    fn missing_queries_are_created_and_recorded_ones_in_sync_stay_recorded() {
        let specs = queries(&["a", "b"]);
        let observed = [def("id-a", "a", "fields @message")];
        let recorded = BTreeMap::from([("awsbaseline/ns/p/a".to_string(), "id-a".to_string())]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert_eq!(fields(&plan.drift), ["insightsQueries.b.exists"]);
        assert_eq!(plan.puts.len(), 1);
        assert_eq!(
            (plan.puts[0].0.as_str(), plan.puts[0].1.as_deref()),
            ("awsbaseline/ns/p/b", None)
        );
        assert_eq!(plan.recorded, recorded);
        assert!(plan.deletes.is_empty() && !plan.adopted);
    }

    #[test]
    fn an_unrecorded_definition_with_our_name_is_adopted_updated_in_place_never_recorded() {
        let specs = queries(&["a"]);
        let observed = [def("theirs", "a", "fields @timestamp")];
        let plan = plan_queries(&specs, PREFIX, &observed, &BTreeMap::new());
        assert_eq!(fields(&plan.drift), ["insightsQueries.a.queryString"]);
        assert_eq!(plan.puts[0].1.as_deref(), Some("theirs"));
        assert!(plan.adopted && plan.recorded.is_empty());
    }

    #[test]
    fn only_recorded_definitions_the_spec_dropped_are_deleted() {
        let observed = [
            def("id-old", "old", "x"),
            def("theirs", "other", "y"),
            def("id-a", "a", "fields @message"),
        ];
        let recorded = BTreeMap::from([
            ("awsbaseline/ns/p/a".to_string(), "id-a".to_string()),
            ("awsbaseline/ns/p/old".to_string(), "id-old".to_string()),
            // Recorded, but deleted out of band: forgotten, nothing to do.
            ("awsbaseline/ns/p/gone".to_string(), "id-gone".to_string()),
        ]);
        let specs = queries(&["a"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert_eq!(fields(&plan.drift), ["insightsQueries.old.exists"]);
        assert_eq!(
            plan.deletes,
            [("awsbaseline/ns/p/old".to_string(), "id-old".to_string())]
        );
        assert!(plan.puts.is_empty());
        assert_eq!(
            plan.recorded.keys().collect::<Vec<_>>(),
            ["awsbaseline/ns/p/a"]
        );
    }

    #[test]
    fn with_duplicate_names_the_recorded_definition_is_the_one_compared() {
        let observed = [
            def("dup", "a", "other"),
            def("id-a", "a", "fields @message"),
        ];
        let recorded = BTreeMap::from([("awsbaseline/ns/p/a".to_string(), "id-a".to_string())]);
        let specs = queries(&["a"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &recorded);
        assert!(plan.drift.is_empty() && plan.puts.is_empty());
    }

    #[test]
    fn only_missing_queries_count_as_creates() {
        let observed = [def("id-a", "a", "other")];
        let specs = queries(&["a", "b"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &BTreeMap::new());
        assert!(plan.creates() && !plan.only_creates());
        let specs = queries(&["b"]);
        let plan = plan_queries(&specs, PREFIX, &observed, &BTreeMap::new());
        assert!(plan.creates() && plan.only_creates());
        assert_eq!(query_prefix("ns", "p"), PREFIX);
    }
}
