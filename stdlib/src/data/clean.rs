//! `clean`: the operations of a [`CleanSpec`] in their documented order, fitting each
//! row-wise transform on the rows that reach it and recording it in the recipe.
//!
//! Order: select, drop, rename, cast, derive, filter, dedupe, drop_missing, impute, clip,
//! standardize, min_max, ordinal, one_hot. Each fitted step is applied with the same code
//! the recipe replays ([`Step::apply`]), so `recipe.apply(raw)` equals the cleaned frame on
//! the rows the filters kept, bit for bit.
//!
//! Type-wide selections (`numeric = ...`, `all_numeric`, `all_categorical`) take columns in
//! frame order and skip `keep` columns. Numeric means any integer or float column;
//! categorical means string or categorical; boolean columns are in neither.

use std::collections::{BTreeMap, BTreeSet};

use aimass_dsl::ir::Span;
use aimass_engine::StageError;
use polars::prelude::*;
use rayon::prelude::*;

use super::columns::{column_names, require, require_all, Named};
use super::dtype::{is_categorical, is_numeric};
use super::encode::{fit_one_hot, fit_ordinal};
use super::errors::{unknown_column, BAD_TYPE};
use super::impute::{self, Rule};
use super::recipe::{Recipe, Step};
use super::rows;
use super::scale::{fit_clip, fit_min_max, fit_standardize};
use super::spec::{CleanSpec, ExprParam, RowSel, Selection};

/// The frame being cleaned and the steps fitted so far.
struct Work {
    df: DataFrame,
    keep: BTreeSet<String>,
    steps: Vec<Step>,
}

impl Work {
    fn push(&mut self, step: Step) -> Result<(), StageError> {
        let df = std::mem::take(&mut self.df);
        self.df = step.apply(df, &self.keep)?;
        self.steps.push(step);
        Ok(())
    }

    /// Fits one step per column and applies them. Each fit reads only its column, so the
    /// columns are fitted in parallel; the first error in column order is the one reported,
    /// as if they had been fitted one after the other.
    fn fit_all(
        &mut self,
        cols: &[String],
        fit: impl Fn(&DataFrame, &str) -> Result<Step, StageError> + Sync,
    ) -> Result<(), StageError> {
        let df = &self.df;
        let fitted: Vec<Result<Step, StageError>> = cols.par_iter().map(|c| fit(df, c)).collect();
        let steps = fitted.into_iter().collect::<Result<Vec<_>, _>>()?;
        self.push_all(steps)
    }

    /// Applies steps that each replace one column (in its place) by what it computes from
    /// that column alone. With distinct columns the steps are independent, so they run in
    /// parallel on one-column frames and their outputs are spliced back in order; the result
    /// equals applying them one after the other. When they are not independent, or the
    /// outputs would clash by name, they are applied one after the other, which also gives
    /// the sequential path's error.
    fn push_all(&mut self, steps: Vec<Step>) -> Result<(), StageError> {
        let cols: Vec<&str> = steps.iter().filter_map(Step::column).collect();
        let distinct = cols.iter().collect::<BTreeSet<_>>().len() == steps.len();
        if steps.len() < 2 || cols.len() != steps.len() || !distinct {
            return steps.into_iter().try_for_each(|s| self.push(s));
        }
        let (df, keep) = (&self.df, &self.keep);
        let outputs: Vec<Result<Vec<Column>, StageError>> = steps
            .par_iter()
            .zip(&cols)
            .map(|(step, col)| {
                let one = df
                    .select([*col])
                    .map_err(|e| super::errors::polars(col, e))?;
                Ok(step.apply(one, keep)?.into_columns())
            })
            .collect();
        let mut by_col: BTreeMap<&str, Vec<Column>> = BTreeMap::new();
        for (col, out) in cols.iter().zip(outputs) {
            by_col.insert(col, out?);
        }
        let mut columns =
            Vec::with_capacity(df.width() + by_col.values().map(Vec::len).sum::<usize>());
        for c in df.columns() {
            match by_col.remove(c.name().as_str()) {
                Some(new) => columns.extend(new),
                None => columns.push(c.clone()),
            }
        }
        let names: BTreeSet<&str> = columns.iter().map(|c| c.name().as_str()).collect();
        if names.len() != columns.len() {
            return steps.into_iter().try_for_each(|s| self.push(s));
        }
        self.df =
            DataFrame::new(df.height(), columns).map_err(|e| super::errors::polars("clean", e))?;
        self.steps.extend(steps);
        Ok(())
    }

    /// Columns of a type, in frame order, without `keep` columns.
    fn of_type(&self, pred: fn(&DataType) -> bool) -> Vec<String> {
        self.df
            .columns()
            .iter()
            .filter(|c| pred(c.dtype()) && !self.keep.contains(c.name().as_str()))
            .map(|c| c.name().to_string())
            .collect()
    }
}

/// Cleans `df`, whose recipe so far is `recipe`; returns the cleaned frame and the recipe
/// extended with the fitted steps.
pub fn clean(
    df: &DataFrame,
    mut recipe: Recipe,
    spec: &CleanSpec,
) -> Result<(DataFrame, Recipe), StageError> {
    let keep: BTreeSet<String> = spec.keep.iter().map(|k| k.name.clone()).collect();
    let mut w = Work {
        df: df.clone(),
        keep,
        steps: Vec::new(),
    };
    let input = "in the input";
    if let Some(cols) = &spec.select {
        require_all(&w.df, cols, input)?;
        w.push(Step::Select {
            columns: Named::names(cols),
        })?;
    }
    if !spec.drop.is_empty() {
        require_all(&w.df, &spec.drop, input)?;
        w.push(Step::Drop {
            columns: Named::names(&spec.drop),
        })?;
    }
    for (old, new) in &spec.rename {
        require(&w.df, old, input)?;
        w.push(Step::Rename {
            from: old.name.clone(),
            to: new.clone(),
        })
        .map_err(|e| e.at(old.span, "here"))?;
    }
    for (col, to) in &spec.cast {
        require(&w.df, col, input)?;
        w.push(Step::Cast {
            column: col.name.clone(),
            to: *to,
        })
        .map_err(|e| e.at(col.span, "this cast"))?;
    }
    for (col, e) in &spec.derive {
        expr_columns_exist(&w.df, e)?;
        w.push(Step::Derive {
            column: col.clone(),
            expr: e.text.clone(),
        })
        .map_err(|err| err.at(e.span, "this expression"))?;
    }
    if let Some(e) = &spec.filter {
        expr_columns_exist(&w.df, e)?;
        w.df = rows::filter(&w.df, &e.expr).map_err(|err| err.at(e.span, "this condition"))?;
    }
    if let Some(subset) = row_subset(&w.df, &spec.dedupe)? {
        w.df = rows::dedupe(&w.df, subset.as_deref())?;
    }
    if let Some(subset) = row_subset(&w.df, &spec.drop_missing)? {
        w.df = rows::drop_missing(&w.df, subset.as_deref())?;
    }
    require_all(&w.df, &spec.keep, "to keep")?;
    impute_all(&mut w, spec)?;
    if let Some(c) = &spec.clip {
        let cols = match &c.columns {
            Some(cols) => numeric_columns(&w.df, cols)?,
            None => w.of_type(is_numeric),
        };
        w.fit_all(&cols, |df, col| fit_clip(df, col, c.rule))?;
    }
    for (sel, fit) in [
        (&spec.standardize, fit_standardize as Fit),
        (&spec.min_max, fit_min_max as Fit),
    ] {
        let cols = selected(&w, sel, is_numeric, true)?;
        w.fit_all(&cols, fit)?;
    }
    for (col, levels) in &spec.ordinal {
        require(&w.df, col, input)?;
        let step = fit_ordinal(&w.df, &col.name, levels.as_deref(), spec.unseen)?;
        w.push(step).map_err(|e| e.at(col.span, "this encoding"))?;
    }
    let cols = selected(&w, &spec.one_hot, is_categorical, false)?;
    w.fit_all(&cols, |df, col| {
        fit_one_hot(df, col, spec.max_levels, spec.unseen)
    })?;
    recipe.extend(&Named::names(&spec.keep), w.steps);
    Ok((super::finish(w.df), recipe))
}

type Fit = fn(&DataFrame, &str) -> Result<Step, StageError>;

fn expr_columns_exist(df: &DataFrame, e: &ExprParam) -> Result<(), StageError> {
    let names = column_names(df);
    match e.expr.columns().into_iter().find(|c| !names.contains(c)) {
        None => Ok(()),
        Some(c) => {
            let at = e
                .text
                .find(c.as_str())
                .map(|o| super::spec::sub_span(e.span, &e.text, o, c.len()))
                .unwrap_or(e.span);
            Err(unknown_column(
                &c,
                at,
                names.iter().map(String::as_str),
                "for the expression",
            ))
        }
    }
}

/// `None`: the filter is off; `Some(None)`: over all columns.
fn row_subset(df: &DataFrame, sel: &RowSel) -> Result<Option<Option<Vec<String>>>, StageError> {
    Ok(match sel {
        RowSel::Off => None,
        RowSel::All => Some(None),
        RowSel::Columns(cols) => {
            require_all(df, cols, "in the input")?;
            Some(Some(Named::names(cols)))
        }
    })
}

fn numeric_columns(df: &DataFrame, cols: &[Named]) -> Result<Vec<String>, StageError> {
    for c in cols {
        require(df, c, "in the input")?;
        let dt = df
            .column(&c.name)
            .map(|col| col.dtype().clone())
            .unwrap_or(DataType::Null);
        if !is_numeric(&dt) {
            return Err(
                StageError::new(format!("`{}` holds {dt}, not numbers", c.name))
                    .code(BAD_TYPE)
                    .at(c.span, "not numeric")
                    .help(format!("cast it first: `cast = {{ {} = float }}`", c.name)),
            );
        }
    }
    Ok(Named::names(cols))
}

fn selected(
    w: &Work,
    sel: &Selection,
    pred: fn(&DataType) -> bool,
    numeric: bool,
) -> Result<Vec<String>, StageError> {
    match sel {
        Selection::Off => Ok(Vec::new()),
        Selection::All(_) => Ok(w.of_type(pred)),
        Selection::Columns(cols) if numeric => numeric_columns(&w.df, cols),
        Selection::Columns(cols) => {
            require_all(&w.df, cols, "in the input")?;
            Ok(Named::names(cols))
        }
    }
}

/// Per-column rules win over the type keys `numeric` and `categorical`.
fn impute_all(w: &mut Work, spec: &CleanSpec) -> Result<(), StageError> {
    let mut by_type: [Option<(&Rule, Span)>; 2] = [None, None];
    let mut by_col = Vec::new();
    for e in &spec.impute {
        match e.key.name.as_str() {
            "numeric" => by_type[0] = Some((&e.rule, e.key.span)),
            "categorical" => by_type[1] = Some((&e.rule, e.key.span)),
            _ => {
                require(&w.df, &e.key, "to impute")?;
                by_col.push(e);
            }
        }
    }
    let mut plan: Vec<(String, &Rule, Span)> = Vec::new();
    for c in w.df.columns() {
        let name = c.name().as_str();
        if let Some(e) = by_col.iter().find(|e| e.key.name == name) {
            plan.push((name.to_string(), &e.rule, e.key.span));
        } else if w.keep.contains(name) {
            continue;
        } else if let (true, Some((rule, span))) = (is_numeric(c.dtype()), by_type[0]) {
            plan.push((name.to_string(), rule, span));
        } else if let (true, Some((rule, span))) = (is_categorical(c.dtype()), by_type[1]) {
            plan.push((name.to_string(), rule, span));
        }
    }
    let df = &w.df;
    let fitted: Vec<Result<Step, StageError>> = plan
        .par_iter()
        .map(|(col, rule, span)| {
            let value = impute::fit(df, col, rule).map_err(|e| e.at(*span, "this rule"))?;
            Ok(Step::Impute {
                column: col.clone(),
                value,
            })
        })
        .collect();
    let steps = fitted.into_iter().collect::<Result<Vec<_>, _>>()?;
    w.push_all(steps)
}
