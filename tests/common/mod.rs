//! Shared by the test crates: the reliability generator (`tests/mutation.rs`, `tests/soak.rs`)
//! and the batch runner (`tests/batch_cli.rs`, `tests/batch_multi_sugar.rs`).
// Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod batch;
pub mod mutation;
