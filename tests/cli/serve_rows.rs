//! The server's row path (records scored without a polars frame) against the frame path,
//! bit for bit: predictions, probabilities, errors and drift counts, on every test row of
//! the telco data, for a tree, a logistic model and their fusion.

use aimass_serve::scoring::Model;
use serde_json::Value as Json;

use crate::harness::Project;
use crate::serve_support::{deployed, json_records, test_rows};

fn records(p: &Project) -> Vec<Json> {
    let rows = test_rows(p, usize::MAX);
    serde_json::from_str(&json_records(&rows)).unwrap()
}

fn open(p: &Project, name: &str) -> Model {
    Model::open(&p.path(&format!("models/{name}")), 0.5).unwrap()
}

fn body(v: &Json) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

#[test]
fn rows_and_frames_give_the_same_predictions_and_drift_for_every_test_row() {
    let p = deployed();
    let recs = records(&p);
    assert!(recs.len() > 1000, "{} test rows", recs.len());
    for name in ["tree", "logit", "blend"] {
        let by_rows = open(&p, name);
        let by_frame = open(&p, name);
        assert!(
            by_rows.scores_by_rows(),
            "{name}: its recipe replays per row"
        );
        for r in &recs {
            let b = body(r);
            let fast = by_rows.predict_by_rows(&b);
            let slow = by_frame.predict_by_frame(&b).unwrap();
            assert_eq!(fast.as_ref(), Some(&slow), "{name}: {r}");
        }
        // One batch of all of them, as one matrix.
        let all = body(&Json::Array(recs.clone()));
        assert_eq!(
            by_rows.predict_by_rows(&all).unwrap(),
            by_frame.predict_by_frame(&all).unwrap(),
            "{name}: the whole batch"
        );
        assert_eq!(by_rows.drift_counts(), by_frame.drift_counts(), "{name}");
        assert!(by_rows.drift_counts().iter().any(|c| c.rows > 0));
    }
}

#[test]
fn records_the_row_path_declines_get_the_frame_paths_answer_or_error() {
    let p = deployed();
    let recs = records(&p);
    let model = open(&p, "tree");
    let reference = open(&p, "tree");
    let with = |field: &str, v: Json| {
        let mut r = recs[0].clone();
        r[field] = v;
        r
    };
    let mut missing = recs[0].clone();
    missing.as_object_mut().unwrap().remove("tenure");
    let cases = [
        // A numeric null the recipe imputes, and a categorical one.
        with("tenure", Json::Null),
        with("contract", Json::Null),
        // A level the `unseen = error` encoder refuses, a mistyped and a missing field.
        with("contract", Json::from("Decade-long")),
        with("tenure", Json::from("long")),
        with("monthly_charges", Json::from(1e308)),
        missing,
    ];
    for case in &cases {
        let b = body(case);
        assert_eq!(model.predict(&b), reference.predict_by_frame(&b), "{case}");
    }
    // The imputed nulls score by rows, the refused records do not.
    assert!(model.predict_by_rows(&body(&cases[0])).is_some());
    assert!(model.predict_by_rows(&body(&cases[2])).is_none());
    assert!(model.predict(&body(&cases[2])).is_err());
}
