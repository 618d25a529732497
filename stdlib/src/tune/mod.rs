//! Hyperparameter search for the `tune` stage: the space ([`space`]), the strategies
//! ([`search`]: grid, random, bayes by TPE ([`tpe`]), evolve ([`evolve`]), successive
//! halving ([`halving`])), the `budget` that cuts any of them ([`budget`]) and the scoring of
//! configurations by k-fold cross-validation ([`score`]).

pub mod budget;
pub mod evolve;
pub mod halving;
pub mod score;
pub mod search;
pub mod space;
pub mod tpe;

pub use budget::{Budget, Cut};
pub use score::Scorer;
pub use search::{best, search, Ask, Method, Outcome, Searched, Setting, Trial};
pub use space::{Config, Space};
