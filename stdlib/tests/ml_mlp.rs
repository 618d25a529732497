//! `algorithm = mlp` through the real stages: it classifies and regresses, probabilities sum
//! to 1, fits are the same bytes on any pool, early stopping stops, it is tuned and fused
//! like any algorithm, a deployed mlp scores rows exactly as the model does, and on the
//! telco example it ranks at least as well as the logistic regression.
#![allow(clippy::unwrap_used)]

mod ml_support;

use aimass_engine::{Artifact, Frame, Model, Outputs};
use aimass_stdlib::estimator::{Fitted, Predictions, TargetValues, TrainedModel};
use ml_support::*;
use polars::prelude::*;

/// `n` rows: features `a` (in thousands), `b`, `c`; a binary `ring` ("in"/"out": inside a
/// circle, not linearly separable), a 3-class `band` and a number `wave`, a smooth function
/// of `a` and `b` on a scale of hundreds.
fn frame(n: usize) -> DataFrame {
    let mut r = Lcg(7);
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ring, mut band, mut wave) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let (x1, x2, x3) = (r.next() * 4.0 - 2.0, r.next() * 4.0 - 2.0, r.next());
        a.push(x1 * 1000.0);
        b.push(x2);
        c.push(x3);
        ring.push(if x1 * x1 + x2 * x2 < 1.8 { "in" } else { "out" });
        let z = x1 + x2 * x2 + 0.3 * r.next();
        band.push(if z < 0.0 {
            "low"
        } else if z < 1.5 {
            "mid"
        } else {
            "high"
        });
        wave.push(300.0 + 100.0 * (x1.sin() + 0.5 * x2 * x2));
    }
    df!("a" => a, "b" => b, "c" => c, "ring" => ring, "band" => band, "wave" => wave).unwrap()
}

const ABC: &str = "features = [\"a\", \"b\", \"c\"]";

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

fn classes_of(m: &TrainedModel, df: &DataFrame, target: &str) -> Vec<usize> {
    let y = aimass_stdlib::estimator::target::scoring_target(
        df.column(target).unwrap(),
        m.task,
        &m.classes,
    )
    .unwrap();
    let TargetValues::Classes(y) = y else {
        panic!("not classes")
    };
    y
}

#[test]
fn classifies_with_probabilities_that_sum_to_one() {
    let df = frame(1000);
    let test = frame(1300).slice(1000, 300);
    for (target, k) in [("ring", 2), ("band", 3)] {
        let body = format!(
            "input = raw, target = \"{target}\", {ABC}, algorithm = mlp, learning_rate = 0.01"
        );
        let m = trained(&body, &df);
        assert_eq!(m.classes.len(), k);
        let Predictions::Classes { proba, class } = m.predict(&test).unwrap() else {
            panic!("{body}: not a classifier")
        };
        assert_eq!(proba.dim(), (300, k));
        for row in proba.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-12, "{row}");
            assert!(row.iter().all(|p| (0.0..=1.0).contains(p)), "{row}");
        }
        let truth = classes_of(&m, &test, target);
        let acc = truth.iter().zip(&class).filter(|(a, b)| a == b).count() as f64 / 300.0;
        assert!(acc > 0.9, "{target}: held-out accuracy {acc}");
    }
}

/// A smooth target on a scale of hundreds and a feature in thousands: the inputs and the
/// target are standardised inside, and the predictions come back on the target's scale.
/// The target has no noise, so next to no shrinkage (`l2 = 0.0001`): the default `l2 = 3`
/// is for noisy tabular rows and smooths this curve to an RMSE of about 13.
#[test]
fn regresses_a_known_function_on_its_own_scale() {
    let df = frame(1500);
    let test = frame(1800).slice(1500, 300);
    let m = trained(
        "input = raw, target = \"wave\", task = regression, features = [\"a\", \"b\"], algorithm = mlp, learning_rate = 0.01, l2 = 0.0001, epochs = 300",
        &df,
    );
    let Fitted::Mlp(fit) = &m.fitted else {
        panic!("not an mlp")
    };
    assert!(fit.inputs.scale[0] > 500.0, "{:?}", fit.inputs.scale);
    let Predictions::Values(pred) = m.predict(&test).unwrap() else {
        panic!("not a regressor")
    };
    let truth: Vec<f64> = test
        .column("wave")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let mse = pred
        .iter()
        .zip(&truth)
        .map(|(p, t)| (p - t) * (p - t))
        .sum::<f64>()
        / 300.0;
    // The target's standard deviation is about 80.
    assert!(mse.sqrt() < 5.0, "rmse {}", mse.sqrt());
}

/// Scaling a feature by 10^4 changes nothing but rounding: the mlp standardises it.
#[test]
fn unscaled_features_train_like_scaled_ones() {
    let df = frame(500);
    let mut scaled = df.clone();
    let a = df.column("a").unwrap().f64().unwrap() / 1000.0;
    scaled.with_column(a.into_series().into()).unwrap();
    let body = format!("input = raw, target = \"ring\", {ABC}, algorithm = mlp, epochs = 30");
    let p = trained(&body, &df).predict_proba(&df).unwrap();
    let q = trained(&body, &scaled).predict_proba(&scaled).unwrap();
    let worst = (&p - &q).iter().fold(0.0f64, |m, d| m.max(d.abs()));
    assert!(worst < 1e-6, "probabilities differ by {worst}");
}

fn bytes(body: &str, df: &DataFrame) -> Vec<u8> {
    model_of(&train(body, df).unwrap()).bytes
}

#[test]
fn fits_are_the_same_bytes_on_pools_of_1_2_and_8_threads() {
    let df = frame(900);
    for body in [
        format!("input = raw, target = \"band\", {ABC}, algorithm = mlp, epochs = 20, early_stopping = 0.2"),
        format!("input = raw, target = \"wave\", task = regression, {ABC}, algorithm = mlp, epochs = 20, batch_size = 64"),
    ] {
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| bytes(&body, &df))
        };
        let one = on(1);
        assert!(one == on(2), "{body}: 1 vs 2 threads");
        assert!(one == on(8), "{body}: 1 vs 8 threads");
        assert!(
            one != bytes(&format!("{body}, seed = 5"), &df),
            "{body}: the seed matters"
        );
    }
}

#[test]
fn a_model_read_back_predicts_bit_for_bit() {
    let df = frame(300);
    let o = train(
        &format!("input = raw, target = \"band\", {ABC}, algorithm = mlp, epochs = 20"),
        &df,
    )
    .unwrap();
    let m = model_of(&o);
    let back = TrainedModel::from_artifact(&m).unwrap();
    assert_eq!(back.to_artifact().unwrap(), m, "bytes survive a round trip");
    assert!(
        back.summary().starts_with("mlp(hidden = [64, 32], learning_rate = 0.001, l2 = 3, batch_size = 200, epochs = 20, early_stopping = 0.1, patience = 20) -> band"),
        "{}",
        back.summary()
    );
    let fresh = TrainedModel::from_artifact(&m).unwrap();
    assert_eq!(
        back.predict_proba(&df).unwrap(),
        fresh.predict_proba(&df).unwrap()
    );
}

/// Noisy labels, a large network and a high learning rate: the held-out loss turns up and
/// training stops long before `epochs`, keeping an earlier epoch's weights.
#[test]
fn early_stopping_stops() {
    let mut df = frame(600);
    let mut r = Lcg(1);
    let noisy: Vec<&str> = (0..600)
        .map(|_| if r.next() < 0.5 { "in" } else { "out" })
        .collect();
    df.with_column(Column::new("coin".into(), noisy)).unwrap();
    let base = format!(
        "input = raw, target = \"coin\", {ABC}, algorithm = mlp, hidden = [128, 128], learning_rate = 0.01, batch_size = 32, epochs = 400"
    );
    let epochs = |body: &str| match trained(body, &df).fitted {
        Fitted::Mlp(m) => (m.epochs, m.best_epoch),
        _ => panic!("not an mlp"),
    };
    let (n, best) = epochs(&format!("{base}, early_stopping = 0.2, patience = 5"));
    assert!(n < 60, "{n} epochs");
    assert!(best < n, "best epoch {best} of {n}");
    let (n, best) = epochs(
        &format!("{base}, early_stopping = 0, patience = 100")
            .replace("epochs = 400", "epochs = 40"),
    );
    assert_eq!((n, best), (40, 40), "without a stop, every epoch runs");
}

#[test]
fn check_reports_bad_mlp_parameters() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "input = raw, target = \"y\", algorithm = mlp, hidden = [64, 0]",
            "`hidden`: a layer needs at least one unit, found 0",
            "0",
        ),
        (
            "input = raw, target = \"y\", algorithm = mlp, hidden = []",
            "`hidden` lists no layers: an mlp needs at least one hidden layer",
            "[]",
        ),
        (
            "input = raw, target = \"y\", algorithm = mlp, learning_rate = 0",
            "`learning_rate` must be above 0: steps of 0 never move the weights",
            "0",
        ),
        (
            "input = raw, target = \"y\", algorithm = mlp, early_stopping = 1.0",
            "`early_stopping` holds out every row: none are left to train on",
            "1.0",
        ),
        (
            "input = raw, target = \"y\", algorithm = mlp, max_depth = 3",
            "`max_depth` does not apply to `mlp`",
            "3",
        ),
        (
            "input = raw, target = \"y\", algorithm = logistic, hidden = [8]",
            "`hidden` does not apply to `logistic`",
            "[8]",
        ),
        (
            "input = raw, target = \"y\", algorithm = logistic, epochs = 8",
            "`epochs` does not apply to `logistic`",
            "8",
        ),
    ];
    for (body, message, at) in cases {
        let errors = check_errors(&pipeline("model", body));
        assert_eq!(errors.len(), 1, "{body}: {errors:?}");
        assert_eq!(errors[0].0, "aimass::model::param", "{body}");
        assert_eq!(&errors[0].1, message, "{body}");
        assert_eq!(&errors[0].2, at, "{body}");
    }
    // What the signature refuses: a width that is not whole, no rows per batch, no epochs,
    // a negative step.
    for (body, message) in [
        ("hidden = [64, 32.5]", "`hidden`"),
        ("batch_size = 0", "`batch_size` = 0 is out of range"),
        ("epochs = 0", "`epochs` = 0 is out of range"),
        (
            "learning_rate = -0.1",
            "`learning_rate` = -0.1 is out of range",
        ),
    ] {
        let errors = check_errors(&pipeline(
            "model",
            &format!("input = raw, target = \"y\", algorithm = mlp, {body}"),
        ));
        assert_eq!(errors.len(), 1, "{body}: {errors:?}");
        assert!(errors[0].1.contains(message), "{body}: {errors:?}");
    }
    assert!(check_errors(&pipeline(
        "model",
        "input = raw, target = \"y\", algorithm = mlp, hidden = [16], learning_rate = 0.01, l2 = 0.001, batch_size = 64, epochs = 50, early_stopping = 10%, patience = 5, seed = 3"
    ))
    .is_empty());
}

/// A decimal target without `task = regression`: the error says how to get regression.
#[test]
fn a_numeric_target_asks_for_task_regression() {
    let df = frame(50);
    let (text, out) = run_stage(
        "model",
        &format!("input = raw, target = \"wave\", {ABC}, algorithm = mlp"),
        vec![("input", Artifact::Frame(Frame::new(df)))],
    );
    let e = out.err().unwrap();
    assert!(
        e.message.contains(
            "`mlp` is a classification algorithm, but the target `wave` holds decimal numbers"
        ),
        "{}",
        e.message
    );
    assert_eq!(
        e.help.as_deref(),
        Some("`mlp` does regression too: write `task = regression`")
    );
    assert_eq!(first_label(&text, &e), "mlp");
}

fn write_csv(dir: &std::path::Path, name: &str, df: &DataFrame) {
    let mut df = df.clone();
    let f = std::fs::File::create(dir.join(name)).unwrap();
    CsvWriter::new(f).finish(&mut df).unwrap();
}

/// A search over the learning rate and the architecture: the list-valued `hidden` is an
/// axis like any other, the trials report it, and the winner is refitted.
#[test]
fn tune_searches_the_architecture() {
    let dir = tempfile::tempdir().unwrap();
    write_csv(dir.path(), "rows.csv", &frame(400));
    let text = r#"pipeline "t" { seed = 4 }
stage raw: collect { source = "rows.csv" }
stage tuned: tune {
  input = raw
  target = "ring"
  features = ["a", "b", "c"]
  algorithm = mlp
  search = random(trials = 4)
  cv = 3
  space { learning_rate = 0.0001..0.01, hidden = [[8], [16, 8]], epochs = [30] }
}
"#;
    let o = run_pipeline(dir.path(), text, 2, false);
    assert!(o.success(), "{:?}", failures(&o));
    let t = load(dir.path(), &o, "tuned", "trials");
    let t = t.as_metrics().unwrap();
    let list = t["trials"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    for trial in list {
        let h = &trial["params"]["hidden"];
        assert!(
            *h == serde_json::json!([8]) || *h == serde_json::json!([16, 8]),
            "{trial}"
        );
        assert!(trial["mean"].as_f64().unwrap() > 0.5, "{trial}");
    }
    let Artifact::Model(m) = load(dir.path(), &o, "tuned", "model") else {
        panic!("not a model")
    };
    let m = TrainedModel::from_artifact(&m).unwrap();
    let aimass_stdlib::estimator::Algorithm::Mlp(spec) = &m.spec.algorithm else {
        panic!("not an mlp")
    };
    assert_eq!(
        serde_json::json!(spec.hidden),
        t["best"]["params"]["hidden"],
        "the winner is refitted"
    );

    // A space value that is not a list of lists is refused by check.
    let bad = text.replace("hidden = [[8], [16, 8]]", "hidden = [16, 8]");
    let src = aimass_dsl::SourceFile::new("p.aim", &bad, aimass_dsl::ir::SourceFormat::Aim);
    let ir = aimass_dsl::parse(&src).unwrap();
    let Err(e) = aimass_engine::check(&src, &ir, &aimass_stdlib::registry()) else {
        panic!("expected a check error");
    };
    let messages: Vec<String> = e.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`hidden`: expected a list, found 16")),
        "{messages:?}"
    );
}

fn score(dir: &std::path::Path, o: &aimass_engine::run::RunOutcome, stage: &str) -> f64 {
    let m = load(dir, o, stage, "metrics");
    m.as_metrics().unwrap()["scores"]["roc_auc"]
        .as_f64()
        .unwrap()
}

/// The telco example: the mlp with its defaults ranks the held-out customers at least as
/// well as the logistic regression; fused with it, evaluated with `cv`, deployed, and the
/// bundle scores raw rows exactly as the model does in process.
#[test]
fn telco_mlp_ranks_at_least_as_well_as_logistic() {
    let dir = telco_project();
    let text = format!(
        "{TELCO_PREP}{}",
        r#"stage logit: model { input = tidy, target = "churn", positive = "Yes", algorithm = logistic }
stage nn: model { input = tidy, target = "churn", positive = "Yes", algorithm = mlp }
stage blend: fuse { models = [logit, nn], input = tidy, method = voting }
stage logit_eval: evaluate { model = logit, data = parts.test }
stage nn_eval: evaluate { model = nn, data = parts.test, cv = 3 }
stage blend_eval: evaluate { model = blend, data = parts.test }
stage ship: deploy { model = nn, to = "models", name = "nn", metrics = [nn_eval] }
"#
    );
    let o = run_pipeline(dir.path(), &text, 2, false);
    assert!(o.success(), "{:?}", failures(&o));
    let d = dir.path();
    let (logit, nn, blend) = (
        score(d, &o, "logit_eval"),
        score(d, &o, "nn_eval"),
        score(d, &o, "blend_eval"),
    );
    assert!(nn >= logit, "mlp ROC AUC {nn} < logistic {logit}");
    assert!(blend > 0.8, "voting ROC AUC {blend}");
    let m = load(d, &o, "nn_eval", "metrics");
    let cv = &m.as_metrics().unwrap()["cv"];
    assert_eq!(cv["folds"].as_array().unwrap().len(), 3);

    // The deployed bundle: raw rows (no target) scored as the model scores them.
    let bundle = aimass_stdlib::bundle::open(&d.join("models/nn")).unwrap();
    assert_eq!(bundle.manifest.algorithm, "mlp");
    let Artifact::Model(model) = load(d, &o, "nn", "model") else {
        panic!("not a model")
    };
    let model = TrainedModel::from_artifact(&model).unwrap();
    let Artifact::Frame(test) = load(d, &o, "parts", "test") else {
        panic!("not a frame")
    };
    write_csv(d, "rows.csv", &test.data.drop("churn").unwrap());
    let rows = aimass_stdlib::bundle::read_rows(&d.join("rows.csv")).unwrap();
    assert_eq!(bundle.model, model, "the bundle holds the model");
    let scored = aimass_stdlib::bundle::score(&bundle, &rows, 0.5).unwrap();
    let proba = model.predict_proba(&rows).unwrap();
    assert_eq!(scored.height(), test.data.height());
    for (j, class) in ["No", "Yes"].iter().enumerate() {
        let column: Vec<f64> = scored
            .column(&format!("proba_{class}"))
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(column, proba.column(j).to_vec(), "{class}");
    }
}
