//! AWS Security Hub (the `securityHub` section): `lifecycle` against moto's server with the Security Hub extension
//! (tests/moto_ext/securityhub_ext.py): enabling, standards by name, disabled controls, the finding aggregator,
//! zero writes in sync, drift with control IDs, adoption, deletion by ownership; `requests` on aws-smithy-mocks
//! with AWS's documented shapes: the exact requests, unprocessed batch entries, classified errors, the aggregator's
//! ownership rules; `owned_controls`: the controls the baseline disabled itself, enabled again when they leave
//! the spec or the baseline is deleted, and never anyone else's.

mod lifecycle;
mod owned_controls;
mod requests;
