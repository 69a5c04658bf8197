//! `/healthz`, `/readyz` and `/metrics`.

use crate::leader::Role;
use crate::metrics::Metrics;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// This replica's role for `/readyz`: `Leading` once its controllers run (leader elected, or election off),
/// `Standby` once an election round read the Lease held by another replica, `Unknown` before that and whenever
/// the last round failed to reach the API server.
#[derive(Clone, Debug)]
pub struct Readiness(Arc<AtomicU8>);

impl Default for Readiness {
    fn default() -> Self {
        Self(Arc::new(AtomicU8::new(0)))
    }
}

impl Readiness {
    /// Record the role.
    pub fn set(&self, role: Role) {
        let v = match role {
            Role::Unknown => 0,
            Role::Standby => 1,
            Role::Leading => 2,
        };
        self.0.store(v, Ordering::Relaxed);
    }

    /// The role last recorded.
    pub fn get(&self) -> Role {
        match self.0.load(Ordering::Relaxed) {
            1 => Role::Standby,
            2 => Role::Leading,
            _ => Role::Unknown,
        }
    }
}

/// Shared HTTP state.
#[derive(Clone, Debug)]
pub struct HttpState {
    /// Metrics registry.
    pub metrics: Arc<Metrics>,
    /// Leader, standby, or not ready.
    pub readiness: Readiness,
}

/// The router.
pub fn router(state: HttpState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(|State(s): State<HttpState>| async move {
                match s.readiness.get() {
                    Role::Leading => (StatusCode::OK, "ready: leader"),
                    Role::Standby => (StatusCode::OK, "ready: standby"),
                    Role::Unknown => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not ready: leader election has not reached the API server",
                    ),
                }
            }),
        )
        .route(
            "/metrics",
            get(|State(s): State<HttpState>| async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    s.metrics.encode(),
                )
                    .into_response()
            }),
        )
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    async fn readyz(state: &HttpState) -> (StatusCode, String) {
        let resp = router(state.clone())
            .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn readyz_follows_the_role() {
        let state = HttpState {
            metrics: Arc::new(Metrics::default()),
            readiness: Readiness::default(),
        };
        assert_eq!(readyz(&state).await.0, StatusCode::SERVICE_UNAVAILABLE);
        state.readiness.set(Role::Standby);
        assert_eq!(
            readyz(&state).await,
            (StatusCode::OK, "ready: standby".into())
        );
        state.readiness.set(Role::Leading);
        assert_eq!(
            readyz(&state).await,
            (StatusCode::OK, "ready: leader".into())
        );
        state.readiness.set(Role::Unknown);
        assert_eq!(readyz(&state).await.0, StatusCode::SERVICE_UNAVAILABLE);
    }
}
