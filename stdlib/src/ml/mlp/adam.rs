//! Adam (Kingma and Ba, 2015) with scikit-learn's bias correction folded into the step size.

use ndarray::Zip;

use super::network::Network;

pub const BETA1: f64 = 0.9;
pub const BETA2: f64 = 0.999;
pub const EPSILON: f64 = 1e-8;

pub struct Adam {
    learning_rate: f64,
    t: i32,
    m: Network,
    v: Network,
}

impl Adam {
    pub fn new(net: &Network, learning_rate: f64) -> Self {
        Adam {
            learning_rate,
            t: 0,
            m: net.zeros_like(),
            v: net.zeros_like(),
        }
    }

    /// One step of `net` against `grad` (the penalised mean gradient of a batch).
    pub fn step(&mut self, net: &mut Network, grad: &Network) {
        self.t = self.t.saturating_add(1);
        let lr =
            self.learning_rate * (1.0 - BETA2.powi(self.t)).sqrt() / (1.0 - BETA1.powi(self.t));
        let update = |p: &mut f64, m: &mut f64, v: &mut f64, &g: &f64| {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= lr * *m / (v.sqrt() + EPSILON);
        };
        let layers = net
            .layers
            .iter_mut()
            .zip(self.m.layers.iter_mut())
            .zip(self.v.layers.iter_mut())
            .zip(&grad.layers);
        for (((p, m), v), g) in layers {
            Zip::from(&mut p.w)
                .and(&mut m.w)
                .and(&mut v.w)
                .and(&g.w)
                .for_each(update);
            Zip::from(&mut p.b)
                .and(&mut m.b)
                .and(&mut v.b)
                .and(&g.b)
                .for_each(update);
        }
    }
}
