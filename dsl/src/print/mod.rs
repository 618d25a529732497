//! Printing the IR: canonical `.aim` ([`aim`]) and YAML ([`yaml`]).

pub(crate) mod aim;
pub(crate) mod inline;
pub(crate) mod yaml;
