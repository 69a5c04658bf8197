//! How the operator is delivered and run, across every kind: the CRDs (`crds`), the Helm chart (`helm_chart`),
//! the Argo CD health check and GitOps examples (`argo_health`), the Kubernetes wiring of the controllers on a
//! fake API server (`controller`), leader election (`leader_election`), the cluster-less CLI (`cli`), and the
//! operator binary on a real control plane (`cluster`: admission, the binary converging, reliability under AWS
//! failures).

mod argo_health;
mod cli;
mod cluster;
mod controller;
mod crds;
mod helm_chart;
mod leader_election;
