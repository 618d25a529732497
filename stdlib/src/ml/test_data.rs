//! Deterministic test data that Python can reproduce bit for bit, so unit tests can compare
//! against scikit-learn numbers computed once on exactly the same inputs.
//!
//! The generator is Knuth's MMIX linear congruential generator; the Python twin is
//!
//! ```python
//! class Lcg:
//!     def __init__(self, seed): self.s = seed % 2**64
//!     def next_u64(self):
//!         self.s = (self.s * 6364136223846793005 + 1442695040888963407) % 2**64
//!         return self.s
//!     def uniform(self): return (self.next_u64() >> 11) / 2**53
//! ```

pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0
    }

    /// Uniform in [0, 1) with 53 random bits: exact in both languages.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` binary rows with a positive-class score on a grid of 40 levels (many ties), positives
/// more likely at high scores. Python twin:
///
/// ```python
/// def scored_rows(n, seed):
///     r = Lcg(seed); y = []; s = []
///     for _ in range(n):
///         score = math.floor(r.uniform() * 40) / 40 + 0.0125
///         y.append(r.uniform() < 0.15 + 0.6 * score); s.append(score)
///     return y, s
/// ```
pub(crate) fn scored_rows(n: usize, seed: u64) -> (Vec<bool>, Vec<f64>) {
    let mut r = Lcg::new(seed);
    let mut y = Vec::with_capacity(n);
    let mut s = Vec::with_capacity(n);
    for _ in 0..n {
        let score = (r.uniform() * 40.0).floor() / 40.0 + 0.0125;
        y.push(r.uniform() < 0.15 + 0.6 * score);
        s.push(score);
    }
    (y, s)
}
