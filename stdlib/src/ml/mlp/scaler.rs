//! Input standardisation, fitted on the training rows and kept with the model, so features
//! on any scale train alike.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::RngCore;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// `(x - mean) / scale` per column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    pub mean: Array1<f64>,
    /// The population standard deviation; 1 for a constant column.
    pub scale: Array1<f64>,
}

impl Standardizer {
    pub fn fit(x: ArrayView2<'_, f64>) -> Self {
        let mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        let scale = x
            .std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 && s.is_finite() { s } else { 1.0 });
        Standardizer { mean, scale }
    }

    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        let mut out = &x - &self.mean;
        out /= &self.scale;
        out
    }
}

/// A uniform draw in [0, 1) with 53 random bits.
pub(super) fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}
