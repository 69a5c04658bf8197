//! What a PatchSchedule pass refuses before writing: an invalid schedule, a window over the cap, a namespace the
//! account does not allow (zero AWS calls).

use super::*;
use crate::support::objects::condition;

#[tokio::test]
async fn invalid_schedule_is_rejected_before_any_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let p = &schedules[0];
    let mut spec = p.spec.clone();
    spec.window.schedule = "cron(0 2 ? * FUNDAY *)".into();
    let r = pass(&factory, &account, p, &spec, None).await;
    let fatal = r.pass.fatal.clone().unwrap();
    assert_eq!(fatal.category(), "InvalidSpec");
    assert!(
        fatal.to_string().contains("spec.window.schedule"),
        "{fatal}"
    );
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
    let s = status(None, &r);
    let ready = condition(&s.common.conditions, "Ready");
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "InvalidSpec")
    );
}

#[tokio::test]
async fn window_cap_is_checked_before_anything_is_written() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let client = ssm(&moto).await;
    for i in 0..50 {
        client
            .create_maintenance_window()
            .name(format!("other-{i}"))
            .schedule("rate(7 days)")
            .duration(2)
            .cutoff(0)
            .allow_unassociated_targets(false)
            .send()
            .await
            .unwrap();
    }
    let p = &schedules[0];
    stats.reset();
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert_eq!(r.pass.error_category(), Some("QuotaExceeded"));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let s = status(None, &r);
    let ready = condition(&s.common.conditions, "Ready");
    assert_eq!(ready.reason, "QuotaExceeded");
    assert!(ready.message.contains("AWS allows 50"), "{}", ready.message);
}

#[tokio::test]
async fn a_namespace_the_account_does_not_allow_gets_a_condition_and_zero_aws_calls() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let mut p = schedules[0].clone();
    p.metadata.namespace = Some("intruders".into());
    let r = pass(&factory, &account, &p, &p.spec, None).await;
    let fatal = r.pass.fatal.clone().expect("must not run");
    assert_eq!(fatal.category(), "AccountNotAllowed");
    assert!(fatal.to_string().contains("intruders"), "{fatal}");
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
    let s = status(None, &r);
    let ready = condition(&s.common.conditions, "Ready");
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_str()),
        ("False", "AccountNotAllowed")
    );
    // Deleting such an object never reaches AWS either.
    let input = PatchInput {
        namespace: "intruders",
        name: "prod-weekly-install",
        mode: DriftPolicy::Correct,
        ..input(&account, &p, &p.spec, Some(&s))
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.actions[0].contains("left in place"), "{report:?}");
    assert_eq!(stats.snapshot().values().sum::<u64>(), 0);
}
