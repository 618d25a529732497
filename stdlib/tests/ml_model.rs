//! The `model` stage: every algorithm trains and predicts, classifiers give probabilities
//! that sum to 1, labels round-trip, fits are deterministic under a seed, and mistakes get
//! diagnostics pointing at the right parameter.
#![allow(clippy::unwrap_used)]

mod ml_support;

use aimass_engine::{Artifact, Frame, Model, Outputs};
use aimass_stdlib::estimator::{Label, Predictions, TrainedModel};
use ml_support::*;
use polars::prelude::*;

/// `n` rows: numeric features `a`, `b`, `c` and targets of every kind derived from them
/// with noise: `yes` ("No"/"Yes"), `three` ("high"/"low"/"mid"), `flag` (bool), `code`
/// (0/1 integers), `amount` (float, linear in the features plus noise).
fn frame(n: usize) -> DataFrame {
    let mut r = Lcg(7);
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let (mut yes, mut three, mut flag, mut code, mut amount) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let (x1, x2, x3) = (r.next() * 4.0, r.next() * 2.0 - 1.0, r.next());
        let z = x1 - 2.0 * x2 + 0.5 * x3 + r.next() * 2.0;
        a.push(x1);
        b.push(x2);
        c.push(x3);
        yes.push(if z > 2.5 { "Yes" } else { "No" });
        three.push(if z < 1.8 {
            "low"
        } else if z < 3.5 {
            "mid"
        } else {
            "high"
        });
        flag.push(z > 2.5);
        code.push(i64::from(z > 2.5));
        amount.push(3.0 * x1 - 2.0 * x2 + 1.0 + 0.1 * r.next());
    }
    df!("a" => a, "b" => b, "c" => c, "yes" => yes, "three" => three, "flag" => flag,
        "code" => code, "amount" => amount)
    .unwrap()
}

fn train(body: &str, df: &DataFrame) -> Result<Outputs, aimass_engine::StageError> {
    run_stage(
        "model",
        body,
        vec![("input", Artifact::Frame(Frame::new(df.clone())))],
    )
    .1
}

fn model_of(o: &Outputs) -> Model {
    o.get("model")
        .and_then(Artifact::as_model)
        .cloned()
        .unwrap()
}

fn trained(body: &str, df: &DataFrame) -> TrainedModel {
    let o = train(body, df).unwrap_or_else(|e| panic!("{body}: {e} {:?}", e.help));
    TrainedModel::from_artifact(&model_of(&o)).unwrap()
}

/// The features only: what a classifier is given in these tests.
const ABC: &str = "features = [\"a\", \"b\", \"c\"]";

const CLASSIFIERS: &[&str] = &[
    "algorithm = decision_tree, max_depth = 5",
    "algorithm = decision_tree, criterion = entropy, min_samples_leaf = 5",
    "algorithm = logistic",
    "algorithm = logistic, l2 = 0.01, max_iterations = 300",
    "algorithm = naive_bayes",
    "algorithm = random_forest, n_trees = 20, max_depth = 6",
];

#[test]
fn classifier_probabilities_sum_to_one() {
    let df = frame(400);
    for target in ["yes", "three"] {
        for alg in CLASSIFIERS {
            let body = format!("input = raw, target = \"{target}\", {ABC}, {alg}");
            let m = trained(&body, &df);
            let k = if target == "yes" { 2 } else { 3 };
            assert_eq!(m.classes.len(), k, "{body}");
            let Predictions::Classes { proba, class } = m.predict(&df).unwrap() else {
                panic!("{body}: not a classifier")
            };
            assert_eq!(proba.dim(), (400, k), "{body}");
            for (i, row) in proba.rows().into_iter().enumerate() {
                let sum: f64 = row.sum();
                assert!((sum - 1.0).abs() < 1e-12, "{body}: row {i} sums to {sum}");
                assert!(
                    row.iter().all(|p| (0.0..=1.0).contains(p)),
                    "{body}: row {i}"
                );
                let best = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(
                    row[class[i]], best,
                    "{body}: row {i}'s class is the most probable"
                );
            }
            // Every classifier learns something on this easy target.
            let y = aimass_stdlib::estimator::target::scoring_target(
                df.column(target).unwrap(),
                m.task,
                &m.classes,
            )
            .unwrap();
            let aimass_stdlib::estimator::TargetValues::Classes(y) = y else {
                panic!()
            };
            let acc = y.iter().zip(&class).filter(|(a, b)| a == b).count() as f64 / 400.0;
            assert!(acc > 0.7, "{body}: training accuracy {acc}");
        }
    }
}

#[test]
fn labels_map_to_sorted_classes_and_back() {
    let df = frame(200);
    let cases: &[(&str, &[Label], usize, DataType)] = &[
        (
            "yes",
            &[Label::Str("No".into()), Label::Str("Yes".into())],
            1,
            DataType::String,
        ),
        (
            "flag",
            &[Label::Bool(false), Label::Bool(true)],
            1,
            DataType::Boolean,
        ),
        ("code", &[Label::Int(0), Label::Int(1)], 1, DataType::Int64),
        (
            "three",
            &[
                Label::Str("high".into()),
                Label::Str("low".into()),
                Label::Str("mid".into()),
            ],
            usize::MAX,
            DataType::String,
        ),
    ];
    for (target, classes, positive, dtype) in cases {
        let m = trained(
            &format!("input = raw, target = \"{target}\", {ABC}, algorithm = decision_tree"),
            &df,
        );
        assert_eq!(&m.classes, classes, "{target}");
        assert_eq!(
            m.positive.unwrap_or(usize::MAX),
            *positive,
            "{target}: the second of two labels by default"
        );
        let Predictions::Classes { class, .. } = m.predict(&df).unwrap() else {
            panic!()
        };
        let back = m.label_series("pred", &class).unwrap();
        assert_eq!(back.dtype(), dtype, "{target}");
        // An unlimited tree memorises its (distinct) training rows: labels come back exactly.
        let truth = df.column(target).unwrap().as_materialized_series().clone();
        assert!(back.equal(&truth).unwrap().all(), "{target}");
    }
    let m = trained(
        &format!("input = raw, target = \"yes\", positive = \"No\", {ABC}, algorithm = logistic"),
        &df,
    );
    assert_eq!(m.positive, Some(0));
    let m = trained(
        &format!(
            "input = raw, target = \"three\", positive = \"mid\", {ABC}, algorithm = logistic"
        ),
        &df,
    );
    assert_eq!(m.positive, Some(2));
}

fn bytes(body: &str, df: &DataFrame) -> Vec<u8> {
    model_of(&train(body, df).unwrap()).bytes
}

#[test]
fn fits_are_deterministic_under_a_seed() {
    let df = frame(300);
    let mut bodies: Vec<String> = CLASSIFIERS
        .iter()
        .map(|alg| format!("input = raw, target = \"three\", {ABC}, {alg}"))
        .collect();
    bodies.extend([
        format!("input = raw, target = \"amount\", {ABC}, algorithm = linear"),
        format!("input = raw, target = \"amount\", {ABC}, algorithm = elastic_net, alpha = 0.1"),
        format!(
            "input = raw, target = \"amount\", {ABC}, algorithm = regression_tree, max_depth = 4"
        ),
        format!("input = raw, {ABC}, algorithm = kmeans, k = 3"),
    ]);
    for body in &bodies {
        let one = bytes(body, &df);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let two = pool.install(|| bytes(body, &df));
        assert!(one == two, "{body}: identical bytes on 1 and 3 threads");
    }
    // The seed matters where there is randomness, and only there.
    let forest =
        format!("input = raw, target = \"yes\", {ABC}, algorithm = random_forest, n_trees = 5");
    assert_ne!(
        bytes(&forest, &df),
        bytes(&format!("{forest}, seed = 7"), &df)
    );
    let kmeans = format!("input = raw, {ABC}, algorithm = kmeans, k = 4");
    assert_eq!(
        bytes(&format!("{kmeans}, seed = 7"), &df),
        bytes(&format!("{kmeans}, seed = 7"), &df)
    );
}

#[test]
fn a_model_read_back_predicts_bit_for_bit() {
    let df = frame(300);
    for alg in CLASSIFIERS {
        let o = train(
            &format!("input = raw, target = \"three\", {ABC}, {alg}"),
            &df,
        )
        .unwrap();
        let m = model_of(&o);
        let back = TrainedModel::from_artifact(&m).unwrap();
        assert_eq!(
            back.to_artifact().unwrap(),
            m,
            "{alg}: bytes survive a round trip"
        );
        let p = back.predict_proba(&df).unwrap();
        let q = TrainedModel::from_artifact(&back.to_artifact().unwrap())
            .unwrap()
            .predict_proba(&df)
            .unwrap();
        assert_eq!(p, q, "{alg}");
    }
    let bad = Model {
        format: "other/2".into(),
        bytes: Vec::new(),
        summary: String::new(),
    };
    let e = TrainedModel::from_artifact(&bad).unwrap_err();
    assert!(e.message.contains("aimass.model/1"), "{e}");
}

#[test]
fn regressors_fit_a_linear_target() {
    let df = frame(300);
    let truth: Vec<f64> = df
        .column("amount")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    for (alg, max_rmse) in [
        ("algorithm = linear", 0.05),
        (
            "algorithm = elastic_net, alpha = 0.001, l1_ratio = 0.5",
            0.1,
        ),
        ("algorithm = regression_tree, max_depth = 8", 0.5),
    ] {
        let m = trained(
            &format!("input = raw, target = \"amount\", {ABC}, {alg}"),
            &df,
        );
        let Predictions::Values(pred) = m.predict(&df).unwrap() else {
            panic!("{alg}")
        };
        let mse = pred
            .iter()
            .zip(&truth)
            .map(|(p, t)| (p - t) * (p - t))
            .sum::<f64>()
            / 300.0;
        assert!(mse.sqrt() < max_rmse, "{alg}: rmse {}", mse.sqrt());
    }
    // Least squares recovers the generating coefficients (3, -2, 0; the noise is 0.1 * U[0,1)).
    let m = trained(
        &format!("input = raw, target = \"amount\", {ABC}, algorithm = linear"),
        &df,
    );
    let aimass_stdlib::estimator::Fitted::Linear(fit) = &m.fitted else {
        panic!()
    };
    assert!(
        (fit.coef[0] - 3.0).abs() < 0.01 && (fit.coef[1] + 2.0).abs() < 0.01,
        "{:?}",
        fit.coef
    );
    assert!((fit.intercept - 1.05).abs() < 0.02, "{}", fit.intercept);
}

#[test]
fn kmeans_outputs_segments() {
    // Three blobs far apart: each blob is one segment.
    let mut r = Lcg(3);
    let (mut x, mut y, mut blob) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..90 {
        let centre = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)][i % 3];
        x.push(centre.0 + r.next());
        y.push(centre.1 + r.next());
        blob.push((i % 3) as i64);
    }
    let df = df!("x" => x, "y" => y, "blob" => blob).unwrap();
    let o = train(
        "input = raw, features = [\"x\", \"y\"], algorithm = kmeans, k = 3",
        &df,
    )
    .unwrap();
    let seg = o.get("segments").and_then(Artifact::as_frame).unwrap();
    assert_eq!(seg.data.width(), 4);
    let s: Vec<u32> = seg
        .data
        .column("segment")
        .unwrap()
        .u32()
        .unwrap()
        .into_no_null_iter()
        .collect();
    for i in 0..90 {
        assert_eq!(s[i], s[i % 3], "row {i} is in its blob's segment");
    }
    assert_ne!(s[0], s[1]);
    assert_ne!(s[1], s[2]);
    assert_ne!(s[0], s[2]);
    // A target given to kmeans is left out of the features.
    let m = trained(
        "input = raw, target = \"blob\", algorithm = kmeans, k = 3",
        &df,
    );
    assert_eq!(m.feature_names(), ["x", "y"]);
}

/// (code, message, the text the first label points at) of a run-time failure.
fn fails(body: &str, df: &DataFrame) -> (String, String, String, String) {
    let (text, out) = run_stage(
        "model",
        body,
        vec![("input", Artifact::Frame(Frame::new(df.clone())))],
    );
    let e = out.err().unwrap_or_else(|| panic!("`{body}` should fail"));
    (
        e.code.clone(),
        e.message.clone(),
        first_label(&text, &e),
        e.help.clone().unwrap_or_default(),
    )
}

#[test]
fn data_problems_name_the_column_and_the_fix() {
    let mut df = frame(50).select(["a", "b", "c", "yes"]).unwrap();
    df.with_column(Column::new("plan".into(), vec!["basic"; 50]))
        .unwrap();
    let (code, msg, at, help) = fails("input = raw, target = \"yes\", algorithm = logistic", &df);
    assert_eq!(code, "aimass::model::data");
    assert!(msg.contains("feature `plan` is text"), "{msg}");
    assert!(
        help.contains("one_hot = [\"plan\"]") && help.contains("ordinal"),
        "{help}"
    );
    assert_eq!(
        at, "raw",
        "without `features`, the error points at the input"
    );
    let (_, msg, at, _) = fails(
        "input = raw, target = \"yes\", features = [\"a\", \"plan\"], algorithm = logistic",
        &df,
    );
    assert!(msg.contains("`plan`"), "{msg}");
    assert_eq!(at, "[\"a\", \"plan\"]");

    let mut df = frame(50).select(["a", "b", "c", "yes"]).unwrap();
    let with_null: Vec<Option<f64>> = (0..50).map(|i| (i % 10 != 3).then_some(i as f64)).collect();
    df.with_column(Column::new("d".into(), with_null)).unwrap();
    let (_, msg, _, help) = fails(
        "input = raw, target = \"yes\", algorithm = naive_bayes",
        &df,
    );
    assert_eq!(msg, "feature `d` has 5 missing values");
    assert!(help.contains("impute"), "{help}");

    let df = frame(50);
    let (_, msg, at, help) = fails(
        &format!("input = raw, target = \"yes\", positive = \"yes\", {ABC}, algorithm = logistic"),
        &df,
    );
    assert_eq!(
        msg,
        "`positive = \"yes\"` is not a class of the target (its classes: \"No\", \"Yes\")"
    );
    assert_eq!(at, "\"yes\"");
    assert_eq!(help, "did you mean \"Yes\"?");

    let (_, msg, at, help) = fails(
        &format!("input = raw, target = \"yess\", {ABC}, algorithm = logistic"),
        &df,
    );
    assert_eq!(
        msg,
        "there is no target column `yess` in the training frame"
    );
    assert_eq!(
        (at.as_str(), help.as_str()),
        ("\"yess\"", "did you mean `yes`?")
    );

    let (_, msg, at, _) = fails(
        &format!("input = raw, target = \"amount\", {ABC}, algorithm = decision_tree"),
        &df,
    );
    assert!(msg.contains("`decision_tree` is a classification algorithm, but the target `amount` holds decimal numbers"), "{msg}");
    assert_eq!(at, "decision_tree");
    let (_, msg, _, _) = fails(
        &format!("input = raw, target = \"yes\", {ABC}, algorithm = linear"),
        &df,
    );
    assert!(
        msg.contains("holds text, which suggests classification"),
        "{msg}"
    );
    let (_, msg, _, help) = fails(
        &format!("input = raw, target = \"code\", {ABC}, algorithm = linear"),
        &df,
    );
    assert!(msg.contains("integers with 2 distinct values"), "{msg}");
    assert!(help.contains("`task = regression`"), "{help}");
    // Writing the task overrides the guess.
    assert!(train(
        &format!("input = raw, target = \"code\", task = regression, {ABC}, algorithm = linear"),
        &df
    )
    .is_ok());

    let (_, msg, _, _) = fails(
        "input = raw, target = \"yes\", features = [\"a\", \"yes\"], algorithm = logistic",
        &df,
    );
    assert!(
        msg.contains("the target `yes` is also listed as a feature"),
        "{msg}"
    );
}

#[test]
fn check_rejects_what_an_algorithm_does_not_take() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "input = raw, target = \"y\", algorithm = logistic, max_depth = 3",
            "`max_depth` does not apply to `logistic`",
            "3",
        ),
        (
            "input = raw, target = \"y\", algorithm = naive_bayes, l2 = 1.0",
            "`l2` does not apply to `naive_bayes`",
            "1.0",
        ),
        (
            "input = raw, target = \"y\", algorithm = decision_tree, seed = 3",
            "`seed` does not apply to `decision_tree`: it draws no random numbers",
            "3",
        ),
        (
            "input = raw, target = \"y\", algorithm = regression_tree, criterion = entropy",
            "`criterion` does not apply to `regression_tree`",
            "entropy",
        ),
        (
            "input = raw, target = \"y\", task = regression, algorithm = decision_tree",
            "`decision_tree` is a classification algorithm, but `task` says regression",
            "regression",
        ),
        (
            "input = raw, algorithm = logistic",
            "`logistic` needs a `target`: the column to predict",
            "logistic",
        ),
        (
            "input = raw, target = \"y\", positive = \"Yes\", algorithm = linear",
            "`positive` names a class, but `linear` is a regression algorithm",
            "\"Yes\"",
        ),
        (
            "input = raw, algorithm = kmeans",
            "`kmeans` needs `k`, the number of segments",
            "kmeans",
        ),
    ];
    for (body, message, at) in cases {
        let errors = check_errors(&pipeline("model", body));
        assert_eq!(errors.len(), 1, "{body}: {errors:?}");
        assert_eq!(errors[0].0, "aimass::model::param", "{body}");
        assert_eq!(&errors[0].1, message, "{body}");
        assert_eq!(&errors[0].2, at, "{body}");
    }
    // All problems at once.
    let errors = check_errors(&pipeline(
        "model",
        "input = raw, algorithm = logistic, k = 3, alpha = 1",
    ));
    assert_eq!(errors.len(), 3, "{errors:?}");
    // The telco example's parameters are fine.
    assert!(check_errors(&pipeline(
        "model",
        "input = raw, target = \"churn\", positive = \"Yes\", algorithm = decision_tree, max_depth = 6, min_samples_leaf = 20"
    ))
    .is_empty());
}

/// 200 rows without randomness, easy to rebuild in Python: `a`, `b` in [0, 1), a 3-class
/// `three` ("high" 72, "low" 61, "mid" 67 rows) and a numeric `v`.
///
/// ```python
/// for i in range(200):
///     x1 = ((i*37) % 101)/101; x2 = ((i*53) % 89)/89; noise = ((i*71) % 97)/97
///     z = x1 + 0.5*x2 + 0.6*noise
///     three = "low" if z < 0.8 else ("mid" if z < 1.2 else "high")
///     v = 2*x1 - x2 + 0.3*noise
/// ```
fn grid() -> DataFrame {
    let (mut a, mut b, mut three, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..200usize {
        let x1 = ((i * 37) % 101) as f64 / 101.0;
        let x2 = ((i * 53) % 89) as f64 / 89.0;
        let noise = ((i * 71) % 97) as f64 / 97.0;
        let z = x1 + 0.5 * x2 + 0.6 * noise;
        three.push(if z < 0.8 {
            "low"
        } else if z < 1.2 {
            "mid"
        } else {
            "high"
        });
        a.push(x1);
        b.push(x2);
        v.push(2.0 * x1 - x2 + 0.3 * noise);
    }
    df!("a" => a, "b" => b, "three" => three, "v" => v).unwrap()
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tol: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}");
    for (o, t) in ours.iter().zip(theirs) {
        assert!(
            (o - t).abs() < tol,
            "{what}: {ours:?} vs scikit-learn {theirs:?}"
        );
    }
}

/// Against scikit-learn 1.9.1 on [`grid`]: `LinearRegression()`, `ElasticNet(alpha,
/// l1_ratio)`, multinomial `LogisticRegression()` (C = 1, lbfgs) and `GaussianNB()`
/// probabilities of the first four rows.
#[test]
fn estimators_match_sklearn() {
    let df = grid();
    let coef = |body: &str| {
        let m = trained(
            &format!("input = raw, target = \"v\", features = [\"a\", \"b\"], {body}"),
            &df,
        );
        let aimass_stdlib::estimator::Fitted::Linear(fit) = &m.fitted else {
            panic!()
        };
        vec![fit.coef[0], fit.coef[1], fit.intercept]
    };
    assert_close(
        "linear",
        &coef("algorithm = linear"),
        &[2.094249456274574, -0.9996062820848766, 0.10157293684517787],
        1e-9,
    );
    assert_close(
        "elastic net 0.1/0.5",
        &coef("algorithm = elastic_net, alpha = 0.1, l1_ratio = 0.5"),
        &[
            0.9174978866735461,
            -0.22026330626362603,
            0.29668357538572904,
        ],
        1e-4,
    );
    assert_close(
        "elastic net 0.01/0.9",
        &coef("algorithm = elastic_net, alpha = 0.01, l1_ratio = 0.9"),
        &[1.9582901112714115, -0.8757525808273531, 0.10728463345048855],
        1e-4,
    );

    let proba = |alg: &str| {
        let m = trained(
            &format!("input = raw, target = \"three\", features = [\"a\", \"b\"], {alg}"),
            &df,
        );
        assert_eq!(
            m.classes,
            [
                Label::Str("high".into()),
                Label::Str("low".into()),
                Label::Str("mid".into())
            ]
        );
        m.predict_proba(&df.head(Some(4)))
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<f64>>()
    };
    assert_close(
        "multinomial logistic",
        &proba("algorithm = logistic, max_iterations = 1000"),
        &[
            0.00350558668650904,
            0.8814138795782204,
            0.11508053373527066,
            0.21274274440829305,
            0.3301152700942804,
            0.4571419854974267,
            0.42210245114174477,
            0.13782769673357181,
            0.44006985212468347,
            0.08015086027710505,
            0.5601645987937749,
            0.3596845409291201,
        ],
        1e-3,
    );
    assert_close(
        "gaussian naive Bayes",
        &proba("algorithm = naive_bayes"),
        &[
            6.0166379839326855e-05,
            0.9515565037198435,
            0.04838332990031715,
            0.07804586598976802,
            0.3524487669810028,
            0.5695053670292292,
            0.5769422406348206,
            0.010032109590394273,
            0.41302564977478506,
            0.0033090626342423294,
            0.7900037464949806,
            0.20668719087077705,
        ],
        1e-9,
    );
}

#[test]
fn boolean_and_integer_columns_are_features() {
    let df = df!(
        "flag" => [true, false, true, false, true, false, true, true],
        "n" => [1i32, 5, 2, 7, 1, 9, 3, 2],
        "y" => ["a", "b", "a", "b", "a", "b", "a", "a"]
    )
    .unwrap();
    let m = trained(
        "input = raw, target = \"y\", algorithm = decision_tree",
        &df,
    );
    let dtypes: Vec<(&str, &str)> = m
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.dtype.as_str()))
        .collect();
    assert_eq!(dtypes, [("flag", "bool"), ("n", "i32")]);
    let Predictions::Classes { class, .. } = m.predict(&df).unwrap() else {
        panic!()
    };
    assert_eq!(class, [0, 1, 0, 1, 0, 1, 0, 0]);
    // Rows to score may carry the columns in another order, and extra ones.
    let shuffled = df.select(["y", "n", "flag"]).unwrap();
    assert_eq!(m.predict(&shuffled).unwrap(), m.predict(&df).unwrap());
}
