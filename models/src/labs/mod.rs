//! The lab registry. A lab is its own folder (parameters and config, data, model, training
//! step, views, strings) plus one line here; `lab.rs` holds the trait every lab implements,
//! `kit/` what labs share.

pub mod kit;
mod lab;

pub use kit::rewind::Snapshot;
pub use lab::{
    Applied, BuildFn, CLASSIFIER_CHARTS, Chart, Curve, Evaluation, Lab, LabDef, Preset, Reading, StepMetrics,
    Strings, Suits, Trained,
};

/// Declares each lab's module and lists its `DEF`, so that a lab is one line below.
macro_rules! labs {
    ($($lab:ident),* $(,)?) => {
        $(pub mod $lab;)*

        /// Every lab that exists and trains, in the order the app lists them.
        pub fn registry() -> &'static [LabDef] {
            static LABS: &[LabDef] = &[$($lab::DEF),*];
            LABS
        }
    };
}

labs! {
    mlp,
    cnn,
    resnet,
    gan,
    diffusion,
    dqn,
    gcn,
    word2vec,
    lstm,
    transformer,
}

pub fn find_lab(id: &str) -> Result<&'static LabDef, crate::error::LabError> {
    registry().iter().find(|d| d.id == id).ok_or_else(|| crate::error::LabError::UnknownLab(id.into()))
}

/// A lab built on the CPU from its small settings with `sets` on top (for the labs' tests).
#[cfg(test)]
pub(crate) fn small_lab(def: &LabDef, sets: &[(&str, &str)]) -> Box<dyn Lab> {
    let mut pairs = def.small.to_vec();
    pairs.extend_from_slice(sets);
    let values = crate::params::parse_pairs(&(def.params)(), &pairs).unwrap();
    (def.build)(&values, &burn::tensor::Device::flex()).unwrap()
}
