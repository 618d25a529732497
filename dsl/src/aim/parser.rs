//! The pest parser generated from `grammar.pest`.

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "aim/grammar.pest"]
pub(crate) struct AimParser;
