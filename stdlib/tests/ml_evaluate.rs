//! The `evaluate` stage: scores agree with the metric functions, cross-validation is
//! deterministic, and quality gates pass and fail with the right diagnostics.
#![allow(clippy::unwrap_used)]

mod ml_support;

use aimass_engine::{Artifact, Frame, Outputs};
use aimass_stdlib::estimator::TrainedModel;
use aimass_stdlib::ml::metrics;
use ml_support::*;
use polars::prelude::*;
use serde_json::{json, Value as Json};

/// 200 rows: features `a`, `b`; `y` "No"/"Yes" with overlap; `v` numeric.
fn frame(offset: usize) -> DataFrame {
    let n = 200;
    let (mut a, mut b, mut y, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in offset..offset + n {
        let x1 = ((i * 37) % 101) as f64 / 101.0;
        let x2 = ((i * 53) % 89) as f64 / 89.0;
        let noise = ((i * 71) % 97) as f64 / 97.0;
        a.push(x1);
        b.push(x2);
        y.push(if x1 + 0.5 * x2 + 0.6 * noise > 1.0 {
            "Yes"
        } else {
            "No"
        });
        v.push(2.0 * x1 - x2 + 0.3 * noise);
    }
    df!("a" => a, "b" => b, "y" => y, "v" => v).unwrap()
}

fn model(body: &str, df: &DataFrame) -> Artifact {
    let out = run_stage(
        "model",
        body,
        vec![("input", Artifact::Frame(Frame::new(df.clone())))],
    )
    .1
    .unwrap();
    out.get("model").cloned().unwrap()
}

fn evaluate(
    body: &str,
    m: &Artifact,
    data: &DataFrame,
) -> (String, Result<Outputs, aimass_engine::StageError>) {
    run_stage(
        "evaluate",
        body,
        vec![
            ("model", m.clone()),
            ("data", Artifact::Frame(Frame::new(data.clone()))),
        ],
    )
}

fn metrics_of(o: &Outputs) -> Json {
    o.get("metrics")
        .and_then(Artifact::as_metrics)
        .cloned()
        .unwrap()
}

const LOGIT: &str = "input = raw, target = \"y\", features = [\"a\", \"b\"], algorithm = logistic";

#[test]
fn scores_agree_with_the_metric_functions() {
    let (train, test) = (frame(0), frame(1000));
    let m = model(LOGIT, &train);
    let report = metrics_of(
        &evaluate("model = m, data = other, threshold = 0.4", &m, &test)
            .1
            .unwrap(),
    );

    let trained = TrainedModel::from_artifact(m.as_model().unwrap()).unwrap();
    let p: Vec<f64> = trained.predict_proba(&test).unwrap().column(1).to_vec();
    let truth: Vec<bool> = test
        .column("y")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s == Some("Yes"))
        .collect();
    let hard = metrics::labels_at(&p, 0.4);
    let s = &report["scores"];
    let close = |name: &str, v: f64| {
        assert!(
            (s[name].as_f64().unwrap() - v).abs() < 1e-12,
            "{name}: {} vs {v}",
            s[name]
        )
    };
    close("accuracy", metrics::accuracy(&truth, &hard).unwrap());
    close("precision", metrics::precision(&truth, &hard).unwrap());
    close("recall", metrics::recall(&truth, &hard).unwrap());
    close("f1", metrics::f1(&truth, &hard).unwrap());
    close("roc_auc", metrics::roc_auc(&truth, &p).unwrap());
    close("pr_auc", metrics::average_precision(&truth, &p).unwrap());
    close("log_loss", metrics::log_loss(&truth, &p).unwrap());
    close("lift@10%", metrics::lift_at(&truth, &p, 0.1).unwrap());
    let classes: Vec<usize> = truth.iter().map(|&t| usize::from(t)).collect();
    let pred: Vec<usize> = hard.iter().map(|&t| usize::from(t)).collect();
    close("f1_macro", metrics::macro_f1(&classes, &pred).unwrap());
    assert_eq!(
        s.as_object().unwrap().len(),
        9,
        "every classification metric by default"
    );

    assert_eq!(report["task"], "classification");
    assert_eq!(report["rows"], 200);
    assert_eq!(report["positive"], "Yes");
    assert_eq!(report["confusion"]["labels"], json!(["No", "Yes"]));
    let c = metrics::BinaryConfusion::new(&truth, &hard).unwrap();
    assert_eq!(report["confusion"]["matrix"], json!(c.to_matrix()));
    assert_eq!(report["gains"].as_array().unwrap().len(), 10);
    assert_eq!(report["cv"], Json::Null);
    assert_eq!(report["gates"], json!([]));
    assert!(
        report["model"]
            .as_str()
            .unwrap()
            .starts_with("logistic(l2 = 1"),
        "{}",
        report["model"]
    );
}

#[test]
fn metrics_selects_scores_and_gates_add_lifts() {
    let (train, test) = (frame(0), frame(1000));
    let m = model(LOGIT, &train);
    let r = metrics_of(
        &evaluate(
            "model = m, data = other, metrics = [accuracy, lift(20%)]",
            &m,
            &test,
        )
        .1
        .unwrap(),
    );
    let keys: Vec<&String> = r["scores"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["accuracy", "lift@20%"]);
    let r = metrics_of(
        &evaluate(
            "model = m, data = other, require { lift(30%) >= 1 }",
            &m,
            &test,
        )
        .1
        .unwrap(),
    );
    assert!(r["scores"]["lift@30%"].is_number() && r["scores"]["lift@10%"].is_number());
    assert_eq!(r["gates"][0]["gate"], "lift@30% >= 1");
    assert_eq!(r["gates"][0]["passed"], true);
}

#[test]
fn regression_models_get_regression_scores() {
    let (train, test) = (frame(0), frame(1000));
    let m = model(
        "input = raw, target = \"v\", features = [\"a\", \"b\"], algorithm = linear",
        &train,
    );
    let r = metrics_of(&evaluate("model = m, data = other", &m, &test).1.unwrap());
    let s = &r["scores"];
    assert_eq!(s.as_object().unwrap().len(), 4);
    let (mse, rmse) = (s["mse"].as_f64().unwrap(), s["rmse"].as_f64().unwrap());
    assert!((mse.sqrt() - rmse).abs() < 1e-12);
    assert!(s["r2"].as_f64().unwrap() > 0.9, "{s}");
    assert_eq!(r["confusion"], Json::Null);
    // A classification metric on a regressor is a run-time error pointing at it.
    let (text, out) = evaluate("model = m, data = other, metrics = [roc_auc]", &m, &test);
    let e = out.unwrap_err();
    assert_eq!(
        e.message,
        "`roc_auc` is a classification metric, but the model is a regression model"
    );
    assert_eq!(first_label(&text, &e), "roc_auc");
}

#[test]
fn cross_validation_is_stratified_seeded_and_thread_independent() {
    let data = frame(0);
    let m = model(LOGIT, &data);
    let body = "model = m, data = other, cv = 5, metrics = [accuracy, roc_auc]";
    let one = metrics_of(&evaluate(body, &m, &data).1.unwrap());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let three = pool.install(|| metrics_of(&evaluate(body, &m, &data).1.unwrap()));
    assert_eq!(one, three);
    let cv = &one["cv"];
    assert_eq!(
        (
            cv["k"].as_u64(),
            cv["seed"].as_u64(),
            cv["stratified"].as_bool()
        ),
        (Some(5), Some(42), Some(true))
    );
    let folds = cv["folds"].as_array().unwrap();
    assert_eq!(folds.len(), 5);
    let test_rows: u64 = folds.iter().map(|f| f["test_rows"].as_u64().unwrap()).sum();
    assert_eq!(test_rows, 200);
    let aucs: Vec<f64> = folds
        .iter()
        .map(|f| f["scores"]["roc_auc"].as_f64().unwrap())
        .collect();
    let mean = aucs.iter().sum::<f64>() / 5.0;
    let std = (aucs.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / 5.0).sqrt();
    assert!((cv["mean"]["roc_auc"].as_f64().unwrap() - mean).abs() < 1e-12);
    assert!((cv["std"]["roc_auc"].as_f64().unwrap() - std).abs() < 1e-12);
    let other_seed = metrics_of(&evaluate(&format!("{body}, seed = 7"), &m, &data).1.unwrap());
    assert_ne!(other_seed["cv"]["folds"], cv["folds"]);
}

fn outputs(report: Json) -> Outputs {
    Outputs::one("metrics", Artifact::Metrics(report))
}

#[test]
fn gates_pass_and_fail_from_the_metrics_alone() {
    let report = json!({
        "scores": { "roc_auc": 0.77123, "lift@10%": 2.5, "accuracy": 0.8 },
        "undefined": { "precision": "precision is undefined: no row is predicted positive" },
    });
    let body =
        "model = m, data = other, require { roc_auc >= 0.80, lift(10%) >= 2, accuracy > 0.5 }";
    let (text, errors) = verdict("evaluate", body, &outputs(report.clone()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.code, "aimass::gate::failed");
    assert_eq!(
        e.message,
        "quality gate not met: roc_auc = 0.7712, required >= 0.8"
    );
    assert_eq!(first_label(&text, e), "roc_auc >= 0.80");
    assert_eq!(e.labels[0].1, "this gate");
    assert!(e.help.as_deref().unwrap().contains("improve the model"));

    let (_, errors) = verdict(
        "evaluate",
        "model = m, data = other, require { lift(10%) >= 2.5, roc_auc <= 0.8 }",
        &outputs(report.clone()),
    );
    assert!(errors.is_empty(), "{errors:?}");

    let (text, errors) = verdict(
        "evaluate",
        "model = m, data = other, require { precision >= 0.5, recall < 1 }",
        &outputs(report),
    );
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "quality gate `precision >= 0.5` cannot be judged: it is undefined: precision is undefined: no row is predicted positive",
            "quality gate `recall < 1` cannot be judged: it was not computed",
        ]
    );
    assert_eq!(first_label(&text, &errors[1]), "recall < 1");
}

#[test]
fn a_failing_gate_fails_a_real_evaluation() {
    let (train, test) = (frame(0), frame(1000));
    let m = model(LOGIT, &train);
    let body = "model = m, data = other, require { roc_auc >= 0.999 }";
    let out = evaluate(body, &m, &test).1.unwrap();
    let r = metrics_of(&out);
    let auc = r["scores"]["roc_auc"].as_f64().unwrap();
    assert_eq!(
        r["gates"],
        json!([{ "gate": "roc_auc >= 0.999", "value": auc, "passed": false }])
    );
    let (_, errors) = verdict("evaluate", body, &out);
    assert_eq!(
        errors[0].message,
        format!("quality gate not met: roc_auc = {auc:.4}, required >= 0.999")
    );
}

#[test]
fn check_catches_gates_on_metrics_not_computed() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "model = m, data = other, metrics = [accuracy], require { roc_auc >= 0.8 }",
            "the gate `roc_auc >= 0.8` needs `roc_auc`, which `metrics` does not compute",
            "roc_auc >= 0.8",
        ),
        (
            "model = m, data = other, metrics = [lift(10%)], require { lift(20%) >= 2 }",
            "the gate `lift@20% >= 2` needs `lift@20%`, which `metrics` does not compute",
            "lift(20%) >= 2",
        ),
        (
            "model = m, data = other, metrics = [accuracy, rmse]",
            "`rmse` is a regression metric but `accuracy` is a classification metric: a model is scored as one or the other",
            "rmse",
        ),
        (
            "model = m, data = other, require { roc_auc >= 0.8, mae < 2 }",
            "the gate `mae < 2` is on a regression metric, but another gate is on a classification metric",
            "mae < 2",
        ),
    ];
    for (body, message, at) in cases {
        let errors = check_errors(&pipeline("evaluate", body));
        assert_eq!(errors.len(), 1, "{body}: {errors:?}");
        assert_eq!(
            (errors[0].1.as_str(), errors[0].2.as_str()),
            (*message, *at),
            "{body}"
        );
    }
    let errors = check_errors(&pipeline(
        "evaluate",
        "model = m, data = other, metrics = [accuracy], require { roc_auc >= 0.8 }",
    ));
    assert_eq!(errors[0].0, "aimass::evaluate::param");
    assert!(check_errors(&pipeline("evaluate", "model = m, data = other, metrics = [accuracy, f1, roc_auc, pr_auc, lift(10%)], require { roc_auc >= 0.80, lift(10%) >= 2.0 }")).is_empty());
}

#[test]
fn rows_without_the_target_or_with_new_labels_are_refused() {
    let (train, test) = (frame(0), frame(1000));
    let m = model(LOGIT, &train);
    let (text, out) = evaluate("model = m, data = other", &m, &test.drop("y").unwrap());
    let e = out.unwrap_err();
    assert!(
        e.message.contains("no target column `y` in the data"),
        "{}",
        e.message
    );
    assert_eq!(first_label(&text, &e), "other");
    let mut odd = test.clone();
    odd.with_column(Column::new("y".into(), vec!["Maybe"; 200]))
        .unwrap();
    let e = evaluate("model = m, data = other", &m, &odd).1.unwrap_err();
    assert!(
        e.message
            .contains("the label `Maybe`, which the model never saw"),
        "{}",
        e.message
    );
    let km = model(
        "input = raw, features = [\"a\", \"b\"], algorithm = kmeans, k = 2",
        &train,
    );
    let e = evaluate("model = m, data = other", &km, &test)
        .1
        .unwrap_err();
    assert!(e.message.contains("kmeans"), "{}", e.message);
}

/// `frame` with a 3-class target `t` instead of `y`.
fn three_classes(offset: usize) -> DataFrame {
    let mut df = frame(offset);
    let t: Vec<&str> = df
        .column("v")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .map(|v| {
            if v < 0.2 {
                "low"
            } else if v < 0.9 {
                "mid"
            } else {
                "high"
            }
        })
        .collect();
    df.with_column(Column::new("t".into(), t)).unwrap();
    df
}

#[test]
fn multiclass_scores_are_macro_averages_unless_a_class_is_positive() {
    let (train, test) = (three_classes(0), three_classes(1000));
    let body = "input = raw, target = \"t\", features = [\"a\", \"b\"], algorithm = logistic";
    let m = model(body, &train);
    let r = metrics_of(&evaluate("model = m, data = other", &m, &test).1.unwrap());
    let trained = TrainedModel::from_artifact(m.as_model().unwrap()).unwrap();
    let proba = trained.predict_proba(&test).unwrap();
    let names: Vec<String> = trained.classes.iter().map(|c| c.to_string()).collect();
    assert_eq!(names, ["high", "low", "mid"]);
    let truth: Vec<usize> = test
        .column("t")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| names.iter().position(|n| Some(n.as_str()) == s).unwrap())
        .collect();
    let ovr: f64 = (0..3)
        .map(|c| {
            let t: Vec<bool> = truth.iter().map(|&k| k == c).collect();
            metrics::roc_auc(&t, &proba.column(c).to_vec()).unwrap()
        })
        .sum::<f64>()
        / 3.0;
    let s = &r["scores"];
    assert!((s["roc_auc"].as_f64().unwrap() - ovr).abs() < 1e-12);
    let pred = metrics::argmax_classes(proba.view());
    assert!((s["f1"].as_f64().unwrap() - metrics::macro_f1(&truth, &pred).unwrap()).abs() < 1e-12);
    assert!(s.get("lift@10%").is_none());
    assert!(r["undefined"]["lift@10%"]
        .as_str()
        .unwrap()
        .contains("positive"));
    assert_eq!(r["confusion"]["matrix"].as_array().unwrap().len(), 3);
    assert_eq!(r["gains"], json!([]));

    let m = model(&format!("{body}, positive = \"mid\""), &train);
    let r = metrics_of(&evaluate("model = m, data = other", &m, &test).1.unwrap());
    let p_mid = proba.column(2).to_vec();
    let is_mid: Vec<bool> = truth.iter().map(|&k| k == 2).collect();
    let auc = metrics::roc_auc(&is_mid, &p_mid).unwrap();
    assert!((r["scores"]["roc_auc"].as_f64().unwrap() - auc).abs() < 1e-12);
    assert_eq!(r["positive"], "mid");
    assert_eq!(r["gains"].as_array().unwrap().len(), 10);
}
