//! The fitted state: the (scaled) training rows and their targets, as little-endian bytes
//! that only this plugin reads. A version byte lets a later build refuse old states.

use aimass_plugin_sdk::{Error, Result};

const VERSION: u8 = 1;

/// Per-feature standardisation learnt from the training rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaling {
    pub mean: Vec<f64>,
    /// 1 for a constant feature, so it neither divides by zero nor matters.
    pub scale: Vec<f64>,
}

impl Scaling {
    pub fn identity(d: usize) -> Scaling {
        Scaling {
            mean: vec![0.0; d],
            scale: vec![1.0; d],
        }
    }

    pub fn fit(x: &[f64], n: usize, d: usize) -> Scaling {
        let mut mean = vec![0.0; d];
        for row in x.chunks_exact(d) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut var = vec![0.0; d];
        for row in x.chunks_exact(d) {
            for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let scale = var
            .into_iter()
            .map(|s| {
                let sd = (s / n as f64).sqrt();
                if sd > 0.0 {
                    sd
                } else {
                    1.0
                }
            })
            .collect();
        Scaling { mean, scale }
    }

    pub fn apply(&self, x: &mut [f64], d: usize) {
        if d == 0 {
            return;
        }
        for row in x.chunks_exact_mut(d) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
                *v = (*v - m) / s;
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub n_features: usize,
    pub n_classes: usize,
    pub scaling: Scaling,
    /// Row-major, scaled.
    pub x: Vec<f64>,
    /// Class indices (as f64) or values.
    pub y: Vec<f64>,
}

impl State {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        for n in [self.n_features, self.n_classes, self.y.len()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for v in self
            .scaling
            .mean
            .iter()
            .chain(&self.scaling.scale)
            .chain(&self.x)
            .chain(&self.y)
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<State> {
        let bad =
            || Error::new("the model's knn state is damaged or from another version of the plugin");
        let (&version, rest) = bytes.split_first().ok_or_else(bad)?;
        if version != VERSION || rest.len() < 24 {
            return Err(bad());
        }
        let word = |i: usize| -> Result<usize> {
            let b: [u8; 8] = rest[i * 8..i * 8 + 8].try_into().map_err(|_| bad())?;
            usize::try_from(u64::from_le_bytes(b)).map_err(|_| bad())
        };
        let (d, n_classes, n) = (word(0)?, word(1)?, word(2)?);
        let floats: Vec<f64> = rest[24..]
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect();
        let want = d
            .checked_mul(2)
            .and_then(|a| d.checked_mul(n).and_then(|b| a.checked_add(b)))
            .and_then(|a| a.checked_add(n))
            .ok_or_else(bad)?;
        if floats.len() != want || rest[24..].len() % 8 != 0 {
            return Err(bad());
        }
        let (mean, rest) = floats.split_at(d);
        let (scale, rest) = rest.split_at(d);
        let (x, y) = rest.split_at(d * n);
        Ok(State {
            n_features: d,
            n_classes,
            scaling: Scaling {
                mean: mean.to_vec(),
                scale: scale.to_vec(),
            },
            x: x.to_vec(),
            y: y.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_damage_is_an_error() {
        let s = State {
            n_features: 2,
            n_classes: 2,
            scaling: Scaling {
                mean: vec![1.0, 2.0],
                scale: vec![0.5, 1.0],
            },
            x: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            y: vec![0.0, 1.0, 1.0],
        };
        let b = s.to_bytes();
        assert_eq!(State::from_bytes(&b).unwrap(), s);
        assert!(State::from_bytes(&b[..b.len() - 3]).is_err());
        assert!(State::from_bytes(&[]).is_err());
        let mut other = b.clone();
        other[0] = 9;
        assert!(State::from_bytes(&other).is_err());
    }

    #[test]
    fn scaling_standardises_and_leaves_constants_alone() {
        let mut x = vec![1.0, 5.0, 3.0, 5.0];
        let s = Scaling::fit(&x, 2, 2);
        assert_eq!(s.mean, vec![2.0, 5.0]);
        assert_eq!(s.scale, vec![1.0, 1.0]);
        s.apply(&mut x, 2);
        assert_eq!(x, vec![-1.0, 0.0, 1.0, 0.0]);
    }
}
