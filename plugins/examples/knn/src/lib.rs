//! `knn.knn`: k-nearest-neighbours, an estimator plugin. Used as a model's algorithm:
//! `model { algorithm = knn.knn, k = 15, weights = distance }`, tunable
//! (`tune { algorithm = knn.knn, space { k = 1..50, weights = [uniform, distance] } }`) and
//! fusable like any built-in model.
//!
//! Classification: the class probabilities are the (weighted) shares of the k neighbours'
//! classes. Regression: the (weighted) mean of their values. With `weights = distance` a
//! neighbour counts 1/d, and a training row at distance 0 decides alone (as scikit-learn's
//! `KNeighborsClassifier` does). Features are standardised with the training rows' means
//! and deviations unless `scale = false`. Ties in distance go to the earlier training row.

mod neighbours;
mod state;
mod tree;

use aimass_plugin_sdk::{
    Column, Error, Estimator, EstimatorCall, EstimatorSpec, Frame, Param, Result, Task,
};

pub use neighbours::{Metric, Weights};
pub use state::State;

#[derive(Default)]
pub struct Knn;

/// The features as rows of f64 (the host sends Float64 columns without nulls).
fn rows(x: &Frame) -> Result<(usize, usize, Vec<f64>)> {
    let (n, d) = (x.len(), x.width());
    let mut out = vec![0.0; n * d];
    for (j, (name, col)) in x.iter().enumerate() {
        let values = col.f64_values().ok_or_else(|| {
            Error::new(format!(
                "feature `{name}` is not a Float64 column without missing values"
            ))
        })?;
        for (i, v) in values.iter().enumerate() {
            out[i * d + j] = *v;
        }
    }
    Ok((n, d, out))
}

fn options(call: &EstimatorCall) -> Result<(usize, Weights, Metric)> {
    let p = call.params();
    let weights = match p.str("weights")? {
        "distance" => Weights::Distance,
        _ => Weights::Uniform,
    };
    let metric = match p.str("metric")? {
        "manhattan" => Metric::Manhattan,
        _ => Metric::Euclidean,
    };
    Ok((p.usize("k")?, weights, metric))
}

impl Estimator for Knn {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::new("knn")
            .doc(
                "k-nearest neighbours: the classes (or mean value) of the k closest training rows.",
            )
            .classification()
            .regression()
            .param(
                Param::int("k")
                    .default(5)
                    .range(1, 100_000)
                    .doc("neighbours consulted"),
            )
            .param(
                Param::words("weights", &["uniform", "distance"])
                    .default("uniform")
                    .doc("uniform: each neighbour counts 1; distance: 1/d"),
            )
            .param(
                Param::words("metric", &["euclidean", "manhattan"])
                    .default("euclidean")
                    .doc("the distance"),
            )
            .param(
                Param::bool("scale")
                    .default(true)
                    .doc("standardise features with the training rows' means and deviations"),
            )
    }

    fn fit(&self, call: &EstimatorCall, x: Frame, y: Column) -> Result<Vec<u8>> {
        let (k, _, _) = options(call)?;
        let (n, d, mut data) = rows(&x)?;
        if n == 0 {
            return Err(Error::new("there are no training rows"));
        }
        if k > n {
            return Err(Error::param(
                "k",
                format!("k = {k} neighbours, but there are only {n} training rows"),
            ));
        }
        let targets: Vec<f64> = match call.task() {
            Task::Classification => y
                .to_i64_vec()?
                .into_iter()
                .map(|v| {
                    v.map(|c| c as f64)
                        .ok_or_else(|| Error::new("a class index is missing"))
                })
                .collect::<Result<_>>()?,
            Task::Regression => y
                .to_f64_vec()?
                .into_iter()
                .map(|v| v.ok_or_else(|| Error::new("a target value is missing")))
                .collect::<Result<_>>()?,
        };
        let scaling = if call.params().bool("scale")? {
            state::Scaling::fit(&data, n, d)
        } else {
            state::Scaling::identity(d)
        };
        scaling.apply(&mut data, d);
        let state = State {
            n_features: d,
            n_classes: call.n_classes().unwrap_or(0),
            scaling,
            x: data,
            y: targets,
        };
        Ok(state.to_bytes())
    }

    fn predict(&self, call: &EstimatorCall, state: &[u8], x: Frame) -> Result<Frame> {
        let (k, weights, metric) = options(call)?;
        let state = State::from_bytes(state)?;
        let (n, d, mut queries) = rows(&x)?;
        if d != state.n_features {
            return Err(Error::new(format!(
                "the model has {} features, the rows {d}",
                state.n_features
            )));
        }
        state.scaling.apply(&mut queries, d);
        let k = k.min(state.y.len());
        let found = neighbours::search(&state.x, d, &queries, n, k, metric);
        match call.task() {
            Task::Classification => {
                let classes = call.n_classes().unwrap_or(state.n_classes).max(1);
                let per_class = neighbours::vote(&found, &state.y, classes, weights);
                call.class_probabilities(per_class)
            }
            Task::Regression => call.regression_values(neighbours::mean(&found, &state.y, weights)),
        }
    }
}

aimass_plugin_sdk::export_plugin! {
    name: "knn",
    version: env!("CARGO_PKG_VERSION"),
    estimators: [Knn],
}
