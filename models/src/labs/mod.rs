//! The lab registry. A lab is its own folder (parameters and config, data, model, training
//! step, views, strings) plus one line here; `lab.rs` holds the trait every lab implements,
//! `kit/` what labs share.

pub mod kit;
mod lab;

pub mod cnn;
pub mod mlp;
pub mod resnet;

pub use lab::{Applied, BuildFn, Evaluation, Lab, LabDef, StepMetrics, Strings, Suits};

/// Every lab that exists and trains, in the order the app lists them.
pub fn registry() -> &'static [LabDef] {
    static LABS: &[LabDef] = &[mlp::DEF, cnn::DEF, resnet::DEF];
    LABS
}

pub fn find_lab(id: &str) -> Result<&'static LabDef, crate::error::LabError> {
    registry().iter().find(|d| d.id == id).ok_or_else(|| crate::error::LabError::UnknownLab(id.into()))
}
