//! What one request may be, and how a classifier decides.

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Bytes of body.
    pub max_body: usize,
    /// Records per request.
    pub max_records: usize,
    /// A binary classifier's decision threshold, as in `aimass predict`.
    pub threshold: f64,
}
