//! One bundle version loaded for serving: the model, its profile, the input fields a
//! record must have, and the live drift counts against the profile.
//!
//! A `Loaded` is immutable but for its atomic counters, and shared behind an `ArcSwap`:
//! requests never wait on each other or on a reload.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use aimass_engine::StageError;
use aimass_stdlib::bundle::{self, Bundle, RowScorer};
use aimass_stdlib::data::dtype::ColType;
use aimass_stdlib::data::row::Cell;
use aimass_stdlib::data::{Recipe, Step};
use aimass_stdlib::drift::{bin_column, ColumnProfile, Counts, Profile};
use polars::prelude::{Column, DataFrame};

use crate::records::{self, FieldType};

/// One raw input a record must carry.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    /// Whether `null` scores (the recipe imputes it, or the model reads no value).
    pub nullable: bool,
    /// The levels the recipe's `unseen = error` encoder knows, when it reads this column
    /// as it comes; `None` when any text is taken.
    pub levels: Option<Vec<String>>,
}

/// Live counts of one profiled feature, in the profile's bins.
pub struct FeatureCounts {
    pub profile: ColumnProfile,
    bins: Vec<AtomicU64>,
    missing: AtomicU64,
    rows: AtomicU64,
}

impl FeatureCounts {
    fn new(profile: ColumnProfile) -> Self {
        let n = profile.bins.expected().len();
        FeatureCounts {
            profile,
            bins: (0..n).map(|_| AtomicU64::new(0)).collect(),
            missing: AtomicU64::new(0),
            rows: AtomicU64::new(0),
        }
    }

    fn add(&self, c: &Counts) {
        for (a, b) in self.bins.iter().zip(&c.bins) {
            a.fetch_add(*b, Ordering::Relaxed);
        }
        self.missing.fetch_add(c.missing, Ordering::Relaxed);
        self.rows.fetch_add(c.rows, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Counts {
        Counts {
            bins: self
                .bins
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect(),
            missing: self.missing.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
        }
    }
}

pub struct Loaded {
    pub bundle: Bundle,
    /// `None` for a bundle deployed before profiles existed: drift is unavailable.
    pub profile: Option<Profile>,
    pub fields: Vec<Field>,
    pub drift: Vec<FeatureCounts>,
    /// The manifest as served by `/model`.
    pub manifest_json: serde_json::Value,
    pub threshold: f64,
    /// The model made ready to score records without a frame, when its recipe allows
    /// (see `rows`).
    pub rows: Option<RowScorer>,
    /// Per drift counter, the field it counts.
    drift_fields: Vec<Option<usize>>,
}

impl Loaded {
    /// Opens and verifies the bundle at `path` (following `latest`), its profile included.
    pub fn open(path: &Path, threshold: f64) -> Result<Loaded, StageError> {
        let bundle = bundle::open(path)?;
        crate::plugins::load(&bundle)?;
        let profile = bundle::open_profile(&bundle)?;
        let manifest_json = serde_json::to_value(&bundle.manifest).map_err(|e| {
            StageError::new(format!("cannot serialise the manifest: {e}"))
                .code("aimass::serve::internal")
        })?;
        let fields = fields(&bundle, profile.as_ref());
        let drift: Vec<FeatureCounts> = profile
            .iter()
            .flat_map(|p| p.columns.iter().cloned().map(FeatureCounts::new))
            .collect();
        let drift_fields = drift
            .iter()
            .map(|d| fields.iter().position(|f| f.name == d.profile.name))
            .collect();
        let mut loaded = Loaded {
            rows: RowScorer::compile(&bundle.model),
            drift_fields,
            drift,
            bundle,
            profile,
            fields,
            manifest_json,
            threshold,
        };
        loaded.probe_nullable();
        Ok(loaded)
    }

    pub fn name(&self) -> &str {
        &self.bundle.manifest.name
    }

    pub fn version(&self) -> &str {
        &self.bundle.manifest.version
    }

    /// Counts the rows of a scored request into the live drift bins.
    pub fn count_drift(&self, rows: &DataFrame) {
        for f in &self.drift {
            if let Ok(col) = rows.column(&f.profile.name) {
                f.add(&bin_column(&f.profile, col));
            }
        }
    }

    /// As [`Loaded::count_drift`], for the row path's cells (one list per field).
    pub fn count_drift_cells(&self, columns: &[Vec<Cell>]) {
        for (f, at) in self.drift.iter().zip(&self.drift_fields) {
            if let Some(cells) = at.and_then(|i| columns.get(i)) {
                f.add(&crate::rows::counts(&f.profile, cells));
            }
        }
    }

    /// Which fields may be null: a one-record probe, scored once with each field null.
    /// Empirical on purpose: whether a null scores depends on the recipe's steps and the
    /// estimator, and trying it is the one answer that cannot disagree with scoring.
    fn probe_nullable(&mut self) {
        let Some(base) = records::probe_record(&self.fields, self.profile.as_ref()) else {
            return;
        };
        let scores = |cols: Vec<Column>| {
            DataFrame::new(1, cols)
                .ok()
                .is_some_and(|df| bundle::score(&self.bundle, &df, self.threshold).is_ok())
        };
        if !scores(base.clone()) {
            return;
        }
        let nullable: Vec<bool> = (0..self.fields.len())
            .map(|i| {
                let mut cols = base.clone();
                cols[i] = Column::full_null(cols[i].name().clone(), 1, &self.fields[i].ty.dtype());
                scores(cols)
            })
            .collect();
        for (f, n) in self.fields.iter_mut().zip(nullable) {
            f.nullable = n;
        }
    }
}

/// The inputs' types: the profile's record of the raw columns, else the estimator's
/// feature types for inputs it reads directly, else whatever JSON type comes.
fn fields(bundle: &Bundle, profile: Option<&Profile>) -> Vec<Field> {
    let recipe = Recipe::from_json(&bundle.model.recipe).unwrap_or_default();
    bundle
        .manifest
        .inputs
        .iter()
        .map(|name| {
            let from_profile = profile.and_then(|p| p.column(name)).map(|c| c.dtype);
            let from_features = bundle
                .manifest
                .features
                .iter()
                .find(|f| &f.name == name)
                .and_then(|f| feature_type(&f.dtype));
            let ty = match from_profile.or(from_features) {
                Some(ColType::Int) => FieldType::Int,
                Some(ColType::Float) => FieldType::Float,
                Some(ColType::Str) => FieldType::Str,
                Some(ColType::Bool) => FieldType::Bool,
                None => FieldType::Any,
            };
            Field {
                name: name.clone(),
                ty,
                nullable: true,
                levels: strict_levels(&recipe, name),
            }
        })
        .collect()
}

fn feature_type(dtype: &str) -> Option<ColType> {
    match dtype {
        "f64" | "f32" => Some(ColType::Float),
        "bool" => Some(ColType::Bool),
        d if d.starts_with('i') || d.starts_with('u') => Some(ColType::Int),
        "str" => Some(ColType::Str),
        _ => None,
    }
}

/// The levels of an `unseen = error` encoder of `column` as the record gives it (no step
/// before it renames or derives a column of that name).
fn strict_levels(recipe: &Recipe, column: &str) -> Option<Vec<String>> {
    for step in &recipe.steps {
        match step {
            Step::Rename { to, .. } if to == column => return None,
            Step::Rename { from, .. } if from == column => return None,
            Step::Derive { column: c, .. } if c == column => return None,
            Step::Ordinal {
                column: c,
                levels,
                unseen: aimass_stdlib::data::recipe::Unseen::Error,
            } if c == column => return Some(levels.clone()),
            Step::OneHot {
                column: c,
                levels,
                other,
                unseen: aimass_stdlib::data::recipe::Unseen::Error,
            } if c == column => {
                let mut all = levels.clone();
                all.extend(other.iter().cloned());
                all.sort();
                return Some(all);
            }
            _ => {}
        }
    }
    None
}
