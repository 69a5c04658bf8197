//! AWS Budgets (the `budgets` section): `lifecycle` against moto's server with the Budgets extension in
//! tests/moto_ext (convergence, drift, adoption, deletion by ownership, notifications and subscribers);
//! `requests` on aws-smithy-mocks with AWS's documented shapes (what UpdateBudget sends, error classification).

mod lifecycle;
mod requests;
