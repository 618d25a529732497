//! Hyperparameter search for the `tune` stage: the space ([`space`]), the strategies
//! ([`search`]: grid, random, bayes by TPE ([`tpe`]), evolve ([`evolve`])) and the scoring of
//! configurations by k-fold cross-validation ([`score`]).

pub mod evolve;
pub mod score;
pub mod search;
pub mod space;
pub mod tpe;

pub use score::Scorer;
pub use search::{best, search, Method, Outcome, Trial};
pub use space::{Config, Space};
