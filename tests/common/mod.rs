//! Shared by the reliability tests (`tests/mutation.rs`, `tests/soak.rs`).
// Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod mutation;
