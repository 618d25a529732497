//! What to learn: the algorithm with every hyperparameter resolved, the target, the features
//! and the task. A [`Spec`] is stored in every model, so `evaluate`'s `cv` (and later `tune`
//! and `fuse`) can refit exactly the estimator a `model` stage trained.

use std::collections::BTreeMap;

use aimass_engine::{PKind, ParamSig, ParamValue, Params, StageError, Ty};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::external::{self, ExternalEstimator, PluginRef};
use super::mlp::{self, MlpSpec};

use crate::ml::SplitCriterion;

/// What kind of answer a model gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Classification,
    Regression,
    Segmentation,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
            Task::Segmentation => "segmentation",
        }
    }

    pub fn from_name(name: &str) -> Option<Task> {
        match name {
            "classification" => Some(Task::Classification),
            "regression" => Some(Task::Regression),
            "segmentation" => Some(Task::Segmentation),
            _ => None,
        }
    }
}

/// Stopping rules of a CART tree (scikit-learn's names and defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeLimits {
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
}

impl Default for TreeLimits {
    fn default() -> Self {
        Self {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
        }
    }
}

/// A classification tree's hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClassTreeSpec {
    pub criterion: SplitCriterion,
    pub limits: TreeLimits,
}

/// Bagged classification trees, each on a bootstrap sample of the rows and a random subset of
/// the features.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestSpec {
    pub tree: ClassTreeSpec,
    pub n_trees: usize,
    /// Fraction of the features each tree sees (at least one feature).
    pub max_features: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogisticSpec {
    /// L2 penalty on the coefficients (not the intercept), on the summed log loss: `l2 = 1`
    /// is scikit-learn's `C = 1`.
    pub l2: f64,
    pub max_iterations: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetSpec {
    pub alpha: f64,
    pub l1_ratio: f64,
    pub max_iterations: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmeansSpec {
    pub k: usize,
    pub max_iterations: u64,
}

/// A plugin's estimator (`algorithm = knn.knn`) with its hyperparameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginAlgorithm {
    /// `alias.kind`, the name it is registered under in [`external`].
    pub estimator: String,
    pub task: Task,
    /// Every declared hyperparameter, defaults applied, as plain JSON.
    pub params: BTreeMap<String, Json>,
    pub plugin: PluginRef,
    /// The feature names it is fitted on (set when a model is trained on a frame).
    #[serde(default)]
    pub features: Vec<String>,
}

/// An estimator with all its hyperparameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Algorithm {
    DecisionTree(ClassTreeSpec),
    Logistic(LogisticSpec),
    NaiveBayes,
    RandomForest(ForestSpec),
    Linear,
    ElasticNet(ElasticNetSpec),
    RegressionTree(TreeLimits),
    Kmeans(KmeansSpec),
    /// A feed-forward neural network (classification or regression).
    Mlp(MlpSpec),
    /// A `fuse` stage's ensemble of member algorithms.
    Ensemble(Box<super::ensemble::EnsembleSpec>),
    /// An estimator from a plugin library.
    Plugin(PluginAlgorithm),
    /// Histogram gradient-boosted trees, classification or regression.
    GradientBoosting(super::gbdt::GradientBoostingSpec),
}

/// Hyperparameters each algorithm accepts; any other is an error in `aimass check`.
pub fn hyperparams_of(algorithm: &str) -> &'static [&'static str] {
    const TREE: &[&str] = &["max_depth", "min_samples_split", "min_samples_leaf"];
    match algorithm {
        "decision_tree" => &[
            "criterion",
            "max_depth",
            "min_samples_split",
            "min_samples_leaf",
        ],
        "random_forest" => &[
            "criterion",
            "max_depth",
            "min_samples_split",
            "min_samples_leaf",
            "n_trees",
            "max_features",
            "seed",
        ],
        "logistic" => &["l2", "max_iterations"],
        "elastic_net" => &["alpha", "l1_ratio", "max_iterations"],
        "regression_tree" => TREE,
        "kmeans" => &["k", "max_iterations", "seed"],
        "mlp" => mlp::HYPERPARAMS,
        super::gbdt::NAME => super::gbdt::HYPERPARAMS,
        _ => &[],
    }
}

/// Every hyperparameter name of any algorithm.
pub const ALL_HYPERPARAMS: &[&str] = &[
    "max_depth",
    "min_samples_split",
    "min_samples_leaf",
    "criterion",
    "n_trees",
    "max_features",
    "l2",
    "alpha",
    "l1_ratio",
    "max_iterations",
    "k",
    "seed",
    "learning_rate",
    "max_leaves",
    "subsample",
    "colsample",
    "max_bins",
    "early_stopping",
    "patience",
];

/// Default share of features per tree of a random forest.
pub const FOREST_MAX_FEATURES: f64 = 0.5;
pub const FOREST_TREES: usize = 100;

impl Algorithm {
    pub fn name(&self) -> &str {
        match self {
            Algorithm::Plugin(p) => &p.estimator,
            Algorithm::DecisionTree(_) => "decision_tree",
            Algorithm::Logistic(_) => "logistic",
            Algorithm::NaiveBayes => "naive_bayes",
            Algorithm::RandomForest(_) => "random_forest",
            Algorithm::Linear => "linear",
            Algorithm::ElasticNet(_) => "elastic_net",
            Algorithm::RegressionTree(_) => "regression_tree",
            Algorithm::Kmeans(_) => "kmeans",
            Algorithm::Mlp(_) => "mlp",
            Algorithm::Ensemble(_) => "ensemble",
            Algorithm::GradientBoosting(_) => super::gbdt::NAME,
        }
    }

    pub fn task(&self) -> Task {
        match self {
            Algorithm::DecisionTree(_)
            | Algorithm::Logistic(_)
            | Algorithm::NaiveBayes
            | Algorithm::RandomForest(_) => Task::Classification,
            Algorithm::Linear | Algorithm::ElasticNet(_) | Algorithm::RegressionTree(_) => {
                Task::Regression
            }
            Algorithm::Kmeans(_) => Task::Segmentation,
            Algorithm::Mlp(m) => m.task,
            Algorithm::Ensemble(e) => e.task,
            Algorithm::Plugin(p) => p.task,
            Algorithm::GradientBoosting(g) => g.task,
        }
    }

    /// Whether fitting draws random numbers (so the seed matters).
    pub fn is_seeded(&self) -> bool {
        // A plugin's estimator is given the seed; whether it draws from it is its business.
        matches!(
            self,
            Algorithm::RandomForest(_)
                | Algorithm::Kmeans(_)
                | Algorithm::Mlp(_)
                | Algorithm::Ensemble(_)
                | Algorithm::Plugin(_)
                | Algorithm::GradientBoosting(_)
        )
    }

    /// The plugin libraries fitting or applying it needs (an ensemble's members' included),
    /// each once, sorted.
    pub fn plugins(&self) -> Vec<PluginRef> {
        let mut out = Vec::new();
        self.collect_plugins(&mut out);
        out.sort();
        out.dedup();
        out
    }

    fn collect_plugins(&self, out: &mut Vec<PluginRef>) {
        match self {
            Algorithm::Plugin(p) => out.push(p.plugin.clone()),
            Algorithm::Ensemble(e) => {
                for m in &e.members {
                    m.collect_plugins(out);
                }
                if let super::ensemble::FuseMethod::Stacking { meta, .. } = &e.method {
                    meta.collect_plugins(out);
                }
            }
            _ => {}
        }
    }

    /// `decision_tree(criterion = gini, max_depth = 6, ...)`, every hyperparameter shown.
    pub fn describe(&self) -> String {
        let limits = |l: &TreeLimits| {
            let depth = l
                .max_depth
                .map_or_else(|| "none".to_string(), |d| d.to_string());
            format!(
                "max_depth = {depth}, min_samples_split = {}, min_samples_leaf = {}",
                l.min_samples_split, l.min_samples_leaf
            )
        };
        let criterion = |c: SplitCriterion| match c {
            SplitCriterion::Gini => "gini",
            SplitCriterion::Entropy => "entropy",
        };
        let args = match self {
            Algorithm::DecisionTree(t) => {
                format!(
                    "criterion = {}, {}",
                    criterion(t.criterion),
                    limits(&t.limits)
                )
            }
            Algorithm::Logistic(l) => {
                format!("l2 = {}, max_iterations = {}", l.l2, l.max_iterations)
            }
            Algorithm::NaiveBayes | Algorithm::Linear => String::new(),
            Algorithm::RandomForest(f) => format!(
                "n_trees = {}, max_features = {}, criterion = {}, {}",
                f.n_trees,
                f.max_features,
                criterion(f.tree.criterion),
                limits(&f.tree.limits)
            ),
            Algorithm::ElasticNet(e) => format!(
                "alpha = {}, l1_ratio = {}, max_iterations = {}",
                e.alpha, e.l1_ratio, e.max_iterations
            ),
            Algorithm::RegressionTree(l) => limits(l),
            Algorithm::Kmeans(k) => format!("k = {}, max_iterations = {}", k.k, k.max_iterations),
            Algorithm::Mlp(m) => m.describe_args(),
            Algorithm::Ensemble(e) => return e.describe(),
            Algorithm::GradientBoosting(g) => g.describe_args(),
            Algorithm::Plugin(p) => p
                .params
                .iter()
                .map(|(k, v)| match v {
                    Json::String(s) => format!("{k} = {s}"),
                    other => format!("{k} = {other}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        if args.is_empty() {
            self.name().to_string()
        } else {
            format!("{}({args})", self.name())
        }
    }
}

/// Everything a model stage says about what to learn; enough to refit the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub algorithm: Algorithm,
    /// The column to predict (for kmeans, a column left out of the features).
    pub target: Option<String>,
    /// Feature columns in order; `None` means every column but the target.
    pub features: Option<Vec<String>>,
    /// Whether the user wrote `task`: then the target's type is not second-guessed.
    pub task_written: bool,
    /// The positive class, as written; `None` picks the second of two sorted labels.
    pub positive: Option<String>,
}

impl Spec {
    pub fn task(&self) -> Task {
        self.algorithm.task()
    }

    /// `decision_tree(...) -> churn`.
    pub fn describe(&self) -> String {
        match &self.target {
            Some(t) if self.task() != Task::Segmentation => {
                format!("{} -> {t}", self.algorithm.describe())
            }
            _ => self.algorithm.describe(),
        }
    }

    /// Reads and checks a model stage's parameters, reporting every problem at once:
    /// hyperparameters the algorithm does not take, a `task` that contradicts it, a missing
    /// `target`, a `positive` class on a model without classes.
    pub fn from_params(params: &Params) -> Result<Spec, Vec<StageError>> {
        let mut errors = Vec::new();
        let Some(alg_value) = params.get("algorithm") else {
            return Err(vec![
                StageError::new("missing `algorithm`").code("aimass::model::param")
            ]);
        };
        let alg = alg_value.as_str().unwrap_or_default();
        if let Some(ext) = external::get(alg) {
            return plugin_spec(ext.as_ref(), alg_value, params);
        }
        if alg == super::gbdt::NAME {
            return super::gbdt::spec(alg_value, params);
        }
        let allowed = hyperparams_of(alg);
        for name in all_hyperparam_names() {
            if let Some(v) = params.get(&name) {
                if !allowed.contains(&name.as_str()) {
                    errors.push(not_applicable(&name, v, alg, allowed));
                }
            }
        }
        let task = match alg {
            "kmeans" => Task::Segmentation,
            "mlp" => mlp::task_of(params),
            "linear" | "elastic_net" | "regression_tree" => Task::Regression,
            _ => Task::Classification,
        };
        let task_value = params.get("task");
        if let Some(v) = task_value {
            let written = v.as_str().and_then(Task::from_name);
            if written.is_some_and(|t| t != task) {
                errors.push(
                    StageError::new(format!(
                        "`{alg}` is a {} algorithm, but `task` says {}",
                        task.name(),
                        v.as_str().unwrap_or_default()
                    ))
                    .code("aimass::model::param")
                    .at(v.span, "this task")
                    .at(alg_value.span, "this algorithm")
                    .help(format!(
                        "for {}, use one of: {}",
                        v.as_str().unwrap_or_default(),
                        algorithms_for(written.unwrap_or(task)).join(", ")
                    )),
                );
            }
        }
        let target = params.str("target").map(str::to_string);
        errors.extend(target_errors(alg, task, alg_value, params));
        if task == Task::Segmentation && params.get("k").is_none() {
            errors.push(
                StageError::new("`kmeans` needs `k`, the number of segments")
                    .code("aimass::model::param")
                    .at(alg_value.span, "this algorithm")
                    .help("add e.g. `k = 4`"),
            );
        }
        if let Some(v) = params.get("max_features") {
            if v.as_float().is_some_and(|f| f <= 0.0) {
                errors.push(
                    StageError::new("`max_features` must be above 0")
                        .code("aimass::model::param")
                        .at(v.span, "this fraction")
                        .help("each tree needs at least one feature, e.g. `max_features = 0.5`"),
                );
            }
        }
        if alg == "mlp" {
            errors.extend(mlp::param_errors(params));
        }
        let algorithm = read_algorithm(alg, params);
        if !errors.is_empty() {
            return Err(errors);
        }
        let Some(algorithm) = algorithm else {
            return Err(vec![StageError::new(format!("unknown algorithm `{alg}`"))
                .code("aimass::model::param")
                .at(alg_value.span, "this algorithm")]);
        };
        Ok(Spec {
            algorithm,
            target,
            features: params.get("features").and_then(ParamValue::as_strings),
            task_written: task_value.is_some(),
            positive: params.str("positive").map(str::to_string),
        })
    }
}

/// A missing `target`, and a `positive` class on a model without classes.
pub(super) fn target_errors(
    alg: &str,
    task: Task,
    alg_value: &ParamValue,
    params: &Params,
) -> Vec<StageError> {
    let mut errors = Vec::new();
    if params.str("target").is_none() && task != Task::Segmentation {
        errors.push(
            StageError::new(format!("`{alg}` needs a `target`: the column to predict"))
                .code("aimass::model::param")
                .at(alg_value.span, "this algorithm learns a target")
                .help("add `target = \"column\"`"),
        );
    }
    if let Some(v) = params.get("positive") {
        if task != Task::Classification {
            errors.push(
                StageError::new(format!(
                    "`positive` names a class, but `{alg}` is a {} algorithm",
                    task.name()
                ))
                .code("aimass::model::param")
                .at(v.span, "this parameter")
                .help("remove `positive`, or choose a classification algorithm"),
            );
        }
    }
    errors
}

/// Every hyperparameter name of any algorithm, built-in or plugin.
pub fn all_hyperparam_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in ALL_HYPERPARAMS.iter().chain(mlp::HYPERPARAMS) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    for e in external::all() {
        for p in e.hyperparams() {
            if !names.contains(&p.name) {
                names.push(p.name.clone());
            }
        }
    }
    names
}

/// The hyperparameters `algorithm` takes, with their types and bounds (what `tune` searches).
pub fn hyperparam_sigs(algorithm: &str) -> Vec<ParamSig> {
    if let Some(ext) = external::get(algorithm) {
        return ext.hyperparams().to_vec();
    }
    let allowed = hyperparams_of(algorithm);
    crate::kinds::common::builtin_hyperparams()
        .into_iter()
        .filter(|p| allowed.contains(&p.name.as_str()))
        .collect()
}

/// A model stage's parameters for a plugin estimator: its own hyperparameters only, each
/// checked against the plugin's declaration (type, bounds), defaults applied.
fn plugin_spec(
    ext: &dyn ExternalEstimator,
    alg_value: &ParamValue,
    params: &Params,
) -> Result<Spec, Vec<StageError>> {
    let alg = ext.name();
    let mut errors = Vec::new();
    let own: Vec<&str> = ext.hyperparams().iter().map(|p| p.name.as_str()).collect();
    let mut allowed = own.clone();
    allowed.push("seed");
    for name in all_hyperparam_names() {
        if let Some(v) = params.get(&name) {
            if !allowed.contains(&name.as_str()) {
                errors.push(not_applicable(&name, v, alg, &allowed));
            }
        }
    }
    let tasks = ext.tasks();
    let task_value = params.get("task");
    let task = match task_value {
        Some(v) => {
            let written = v.as_str().and_then(Task::from_name);
            match written {
                Some(t) if tasks.contains(&t) => t,
                _ => {
                    errors.push(
                        StageError::new(format!(
                            "`{alg}` does not do {}",
                            v.as_str().unwrap_or_default()
                        ))
                        .code("aimass::model::param")
                        .at(v.span, "this task")
                        .help(format!(
                            "`{alg}` does: {}",
                            tasks
                                .iter()
                                .map(|t| t.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    tasks.first().copied().unwrap_or(Task::Classification)
                }
            }
        }
        None => tasks.first().copied().unwrap_or(Task::Classification),
    };
    let target = params.str("target").map(str::to_string);
    errors.extend(target_errors(alg, task, alg_value, params));
    let mut values = BTreeMap::new();
    for sig in ext.hyperparams() {
        match params.get(&sig.name) {
            Some(v) => match plain_value(sig, v) {
                Ok(j) => {
                    values.insert(sig.name.clone(), j);
                }
                Err(why) => errors.push(
                    StageError::new(format!("`{}`: {why}", sig.name))
                        .code("aimass::model::param")
                        .at(v.span, "this value")
                        .help(format!("`{}` ({}): {}", sig.name, sig.ty, sig.doc)),
                ),
            },
            None => {
                if let Some(d) = &sig.default {
                    values.insert(sig.name.clone(), d.plain());
                } else if sig.required {
                    errors.push(
                        StageError::new(format!("`{alg}` needs `{}`: {}", sig.name, sig.doc))
                            .code("aimass::model::param")
                            .at(alg_value.span, "this algorithm"),
                    );
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Spec {
        algorithm: Algorithm::Plugin(PluginAlgorithm {
            estimator: alg.to_string(),
            task,
            params: values,
            plugin: ext.plugin(),
            features: Vec::new(),
        }),
        target,
        features: params.get("features").and_then(ParamValue::as_strings),
        task_written: task_value.is_some(),
        positive: params.str("positive").map(str::to_string),
    })
}

/// `v` against a plugin's own declaration of the parameter (the model stage's signature
/// merges every algorithm's, so its type and bounds may be another algorithm's).
fn plain_value(sig: &ParamSig, v: &ParamValue) -> Result<Json, String> {
    let in_bounds = |x: f64| match sig.bounds {
        Some((lo, hi)) if x < lo || x > hi => Err(format!("{x} is outside {lo}..{hi}")),
        _ => Ok(()),
    };
    match (&sig.ty, &v.kind) {
        (Ty::Int, PKind::Int(i)) => in_bounds(*i as f64).map(|_| Json::from(*i)),
        (Ty::Float, PKind::Int(i)) => in_bounds(*i as f64).map(|_| Json::from(*i as f64)),
        (Ty::Float, PKind::Float(f)) => in_bounds(*f).map(|_| Json::from(*f)),
        (Ty::Fraction, PKind::Float(f)) if (0.0..=1.0).contains(f) => Ok(Json::from(*f)),
        (Ty::Word(words), PKind::Word(w) | PKind::Str(w)) if words.contains(w) => {
            Ok(Json::from(w.as_str()))
        }
        (Ty::Str, PKind::Str(s) | PKind::Word(s)) => Ok(Json::from(s.as_str())),
        (Ty::Bool, PKind::Bool(b)) => Ok(Json::from(*b)),
        (Ty::List(_) | Ty::OneOf(_) | Ty::Any, _) => Ok(v.plain()),
        (ty, _) => Err(format!("expected {ty}, found {}", v.display())),
    }
}

pub(super) fn not_applicable(
    name: &str,
    v: &ParamValue,
    alg: &str,
    allowed: &[&str],
) -> StageError {
    let takes = if allowed.is_empty() {
        format!("`{alg}` takes no hyperparameters")
    } else {
        format!("`{alg}` takes: {}", allowed.join(", "))
    };
    let why = if name == "seed" {
        format!("`seed` does not apply to `{alg}`: it draws no random numbers")
    } else {
        format!("`{name}` does not apply to `{alg}`")
    };
    StageError::new(why)
        .code("aimass::model::param")
        .at(v.span, "not a hyperparameter of this algorithm")
        .help(takes)
}

/// Every built-in algorithm with the tasks it learns: the one list the stage signatures,
/// help texts and task checks read (the spec parser below maps each to its settings).
pub const ALGORITHMS: &[(&str, &[Task])] = &[
    ("decision_tree", &[Task::Classification]),
    ("logistic", &[Task::Classification]),
    ("naive_bayes", &[Task::Classification]),
    ("random_forest", &[Task::Classification]),
    (
        "gradient_boosting",
        &[Task::Classification, Task::Regression],
    ),
    ("mlp", &[Task::Classification, Task::Regression]),
    ("linear", &[Task::Regression]),
    ("elastic_net", &[Task::Regression]),
    ("regression_tree", &[Task::Regression]),
    ("kmeans", &[Task::Segmentation]),
];

/// The algorithms of a task, for help texts and checks.
pub fn algorithms_for(task: Task) -> Vec<&'static str> {
    ALGORITHMS
        .iter()
        .filter(|(_, tasks)| tasks.contains(&task))
        .map(|(a, _)| *a)
        .collect()
}

fn usize_param(params: &Params, name: &str) -> Option<usize> {
    params.int(name).map(|v| usize::try_from(v).unwrap_or(0))
}

fn tree_limits(params: &Params) -> TreeLimits {
    let d = TreeLimits::default();
    TreeLimits {
        max_depth: usize_param(params, "max_depth"),
        min_samples_split: usize_param(params, "min_samples_split").unwrap_or(d.min_samples_split),
        min_samples_leaf: usize_param(params, "min_samples_leaf").unwrap_or(d.min_samples_leaf),
    }
}

fn class_tree(params: &Params) -> ClassTreeSpec {
    ClassTreeSpec {
        criterion: match params.str("criterion") {
            Some("entropy") => SplitCriterion::Entropy,
            _ => SplitCriterion::Gini,
        },
        limits: tree_limits(params),
    }
}

fn read_algorithm(alg: &str, params: &Params) -> Option<Algorithm> {
    let iterations = |default: u64| {
        params
            .int("max_iterations")
            .map_or(default, |v| u64::try_from(v).unwrap_or(1))
    };
    Some(match alg {
        "decision_tree" => Algorithm::DecisionTree(class_tree(params)),
        "random_forest" => Algorithm::RandomForest(ForestSpec {
            tree: class_tree(params),
            n_trees: usize_param(params, "n_trees").unwrap_or(FOREST_TREES),
            max_features: params.float("max_features").unwrap_or(FOREST_MAX_FEATURES),
        }),
        "logistic" => Algorithm::Logistic(LogisticSpec {
            l2: params.float("l2").unwrap_or(1.0),
            max_iterations: iterations(100),
        }),
        "naive_bayes" => Algorithm::NaiveBayes,
        "linear" => Algorithm::Linear,
        "elastic_net" => Algorithm::ElasticNet(ElasticNetSpec {
            alpha: params.float("alpha").unwrap_or(1.0),
            l1_ratio: params.float("l1_ratio").unwrap_or(0.5),
            max_iterations: u32::try_from(iterations(1000)).unwrap_or(u32::MAX),
        }),
        "regression_tree" => Algorithm::RegressionTree(tree_limits(params)),
        "mlp" => Algorithm::Mlp(MlpSpec::from_params(params)),
        "kmeans" => Algorithm::Kmeans(KmeansSpec {
            k: usize_param(params, "k").unwrap_or(1),
            max_iterations: iterations(300),
        }),
        _ => return None,
    })
}
