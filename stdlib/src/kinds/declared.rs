//! Kinds whose signature is declared (so `aimass check` validates them) but whose run is not
//! built yet. Running one fails with a diagnostic that says so.

use aimass_engine::{Outputs, RunContext, Signature, StageError, StageKind};

use super::common::not_implemented;

pub struct Declared {
    sig: Signature,
}

impl Declared {
    pub fn new(sig: Signature) -> Self {
        Self { sig }
    }
}

impl StageKind for Declared {
    fn signature(&self) -> &Signature {
        &self.sig
    }

    fn run(&self, _ctx: &RunContext<'_>) -> Result<Outputs, StageError> {
        Err(not_implemented(&self.sig.kind))
    }
}
