//! Operations tenlab adds to Burn through its backend extension (`#[backend_extension]`), each
//! with its own forward and backward on the CPU backend, and tested against Burn's stock
//! operations (forward and gradients) on random inputs of odd shapes. A lab asks `available`
//! before using one and otherwise composes Burn's operations as before.

pub mod lstm;
