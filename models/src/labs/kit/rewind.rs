//! Going back in a run: a lab hands the engine a [`Snapshot`] of everything its training
//! changes (the networks, the optimizers' state, the data order, the figures its views show)
//! and takes one back later. A snapshot holds copies of tensor handles, not of their numbers:
//! taking one costs next to nothing, and it keeps alive the numbers the following steps
//! replace (about the size of the networks and their optimizer state, which [`Snapshot::bytes`]
//! counts).
//!
//! A lab lists its changing fields once: `rewind::rewinds!(modules: [model], optimizers:
//! [optim], plain: [rng, batches, steps, rates], cleared: [views]);` in its `impl Lab`.

use std::any::Any;

use burn::optim::ModuleOptimizer;

use crate::error::LabError;

/// A lab's training state at one step (see the module's text).
pub struct Snapshot {
    parts: Vec<Box<dyn Any + Send>>,
    bytes: usize,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").field("parts", &self.parts.len()).field("bytes", &self.bytes).finish()
    }
}

impl Snapshot {
    pub fn new(parts: Vec<Box<dyn Any + Send>>, bytes: usize) -> Self {
        Self { parts, bytes }
    }

    /// The memory it keeps alive: the numbers of its networks and optimizer state, and of
    /// the other fields (replay buffers, shuffles, recorded episodes).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// A copy of part `i`, of the type the caller assigns it to.
    pub fn part<T: Clone + 'static>(&self, i: usize) -> Result<T, LabError> {
        self.parts.get(i).and_then(|p| p.downcast_ref::<T>()).cloned().ok_or(LabError::Invalid {
            key: "err.snapshot",
            english: "this checkpoint belongs to another lab or another version of it",
        })
    }
}

/// Bytes the numbers of `model` take (every float parameter, batch-norm statistics included).
pub fn module_bytes<M: burn::module::Module>(model: &M) -> usize {
    model.num_params() * 4
}

/// Bytes the state of `optim` takes (its moments per parameter; nothing for plain SGD).
/// Serialises the state to count it: called once per checkpoint.
pub fn optimizer_bytes(optim: &ModuleOptimizer) -> usize {
    optim.into_bytes().map_or(0, |b| b.len())
}

/// Bytes a plain value takes, its heap included (an estimate to within a few words).
pub trait Footprint {
    fn footprint(&self) -> usize;
}

macro_rules! flat {
    ($($t:ty),*) => {
        $(impl Footprint for $t {
            fn footprint(&self) -> usize {
                std::mem::size_of::<$t>()
            }
        })*
    };
}
flat!(u64, u32, usize, f32, f64, &'static str, crate::rng::Rng, crate::data::cartpole::CartPole);

impl<T: Footprint, const N: usize> Footprint for [T; N] {
    fn footprint(&self) -> usize {
        self.iter().map(Footprint::footprint).sum()
    }
}

impl<T: Footprint> Footprint for Vec<T> {
    fn footprint(&self) -> usize {
        let spare = (self.capacity() - self.len()) * std::mem::size_of::<T>();
        std::mem::size_of::<Self>() + spare + self.iter().map(Footprint::footprint).sum::<usize>()
    }
}

impl<T: Footprint> Footprint for Option<T> {
    fn footprint(&self) -> usize {
        self.as_ref().map_or(std::mem::size_of::<Self>(), Footprint::footprint)
    }
}

impl<A: Footprint, B: Footprint> Footprint for (A, B) {
    fn footprint(&self) -> usize {
        self.0.footprint() + self.1.footprint()
    }
}

impl<A: Footprint, B: Footprint, C: Footprint> Footprint for (A, B, C) {
    fn footprint(&self) -> usize {
        self.0.footprint() + self.1.footprint() + self.2.footprint()
    }
}

impl Footprint for crate::labs::Reading {
    fn footprint(&self) -> usize {
        std::mem::size_of::<Self>() + 4
    }
}

/// `checkpoint` and `restore` of a lab (see the module's text): `modules` are Burn modules,
/// `optimizers` Burn optimizers, `plain` other fields (each [`Footprint`]), all cloned;
/// `cleared` fields are set to their default on restore (caches of pictures drawn later).
macro_rules! rewinds {
    (modules: [$($m:ident),*], optimizers: [$($o:ident),*], plain: [$($p:ident),*] $(, cleared: [$($c:ident),*])? $(,)?) => {
        fn checkpoint(&self) -> Result<$crate::labs::kit::rewind::Snapshot, $crate::error::LabError> {
            use $crate::labs::kit::rewind::{Footprint, module_bytes, optimizer_bytes};
            let bytes = 0 $(+ module_bytes(&self.$m))* $(+ optimizer_bytes(&self.$o))* $(+ self.$p.footprint())*;
            let parts: Vec<Box<dyn std::any::Any + Send>> =
                vec![$(Box::new(self.$m.clone()),)* $(Box::new(self.$o.clone()),)* $(Box::new(self.$p.clone()),)*];
            Ok($crate::labs::kit::rewind::Snapshot::new(parts, bytes))
        }

        fn restore(&mut self, snapshot: &$crate::labs::kit::rewind::Snapshot) -> Result<(), $crate::error::LabError> {
            // Every part first, so that a snapshot of another lab changes nothing.
            let mut _i = 0;
            $(let $m = snapshot.part(_i)?; _i += 1;)*
            $(let $o = snapshot.part(_i)?; _i += 1;)*
            $(let $p = snapshot.part(_i)?; _i += 1;)*
            $(self.$m = $m;)*
            $(self.$o = $o;)*
            $(self.$p = $p;)*
            $($(self.$c = Default::default();)*)?
            Ok(())
        }
    };
}
pub(crate) use rewinds;
