//! Recipes: replaying `clean` on raw rows reproduces the cleaned frame bit for bit, they
//! survive JSON and chained cleans, tolerate a missing target, and handle unseen levels.
#![allow(clippy::unwrap_used)]

mod data_support;

use aimass_engine::Frame;
use aimass_stdlib::data::recipe::{Fill, Unseen};
use aimass_stdlib::data::{Recipe, Step};
use data_support::*;
use polars::prelude::*;

const FULL: &str = "impute = { numeric = median, categorical = mode }\nstandardize = all_numeric\none_hot = all_categorical\nkeep = [\"churn\"]";

fn telco() -> DataFrame {
    collect(&telco_dir(), r#"source = "data/telco_churn.csv""#).unwrap()
}

#[test]
fn recipe_replays_the_clean_bit_for_bit() {
    let raw = telco();
    let bodies = [
        FULL,
        "cast = { senior_citizen = float }\nderive = { per_month = \"total_charges / (tenure + 1)\" }\nimpute = { numeric = mean, categorical = mode }\nclip = iqr(k = 1.0)\nmin_max = all_numeric\nordinal = [\"contract\"]\none_hot = all_categorical\nmax_levels = 2\nkeep = [\"churn\"]",
        "select = [\"tenure\", \"contract\", \"churn\", \"total_charges\"]\nrename = { total_charges = \"total\" }\nimpute = { total = 0 }\nclip = quantiles(lo = 5%, hi = 95%)\nordinal = { contract = [\"Month-to-month\", \"One year\", \"Two year\"] }",
    ];
    for body in bodies {
        let cleaned = clean(&raw, body);
        let recipe = Recipe::from_json(&cleaned.recipe).unwrap();
        assert!(!recipe.steps.is_empty());
        let replayed = recipe.apply(&raw).unwrap();
        assert!(replayed.equals_missing(&cleaned.data), "{body}");
        assert_eq!(replayed.schema(), cleaned.data.schema(), "{body}");
    }
}

#[test]
fn with_row_filters_the_recipe_matches_on_the_kept_rows() {
    let raw = telco().with_row_index("row".into(), None).unwrap();
    let body = "dedupe = [\"customer\"]\ndrop_missing = [\"total_charges\"]\nfilter = \"tenure > 3\"\nimpute = { numeric = median }\nstandardize = all_numeric\none_hot = all_categorical\nkeep = [\"churn\", \"row\"]";
    let body = body.replace("dedupe = [\"customer\"]\n", "");
    let cleaned = clean(&raw, &body);
    let replayed = Recipe::from_json(&cleaned.recipe)
        .unwrap()
        .apply(&raw)
        .unwrap();
    assert!(replayed.height() > cleaned.data.height());
    let kept: Vec<IdxSize> = cleaned
        .data
        .column("row")
        .unwrap()
        .idx()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let idx = IdxCa::from_vec("".into(), kept);
    assert!(replayed.take(&idx).unwrap().equals_missing(&cleaned.data));
}

#[test]
fn recipes_compose_across_cleans_and_splits() {
    let raw = telco();
    let base = clean(&raw, "dedupe = true\ncast = { senior_citizen = str }");
    let o = run(
        "split",
        "input = raw\ntest = 0.25\nstratify = \"churn\"",
        &[("input", base.clone())],
        std::path::Path::new("."),
    )
    .unwrap();
    let train = out(&o, "train");
    assert_eq!(train.recipe, base.recipe, "split passes the recipe on");
    let o = run(
        "clean",
        &format!("input = raw\n{FULL}"),
        &[("input", train.clone())],
        std::path::Path::new("."),
    )
    .unwrap();
    let tidy = out(&o, "out");
    let recipe = Recipe::from_json(&tidy.recipe).unwrap();
    assert_eq!(
        recipe.steps[0],
        Step::Cast {
            column: "senior_citizen".into(),
            to: aimass_stdlib::data::dtype::ColType::Str
        }
    );
    // Fitted on the training rows only: applying to the raw test rows uses train statistics.
    let test = out(&o_test(&base), "test");
    let prepared = recipe.apply(&test.data).unwrap();
    assert_eq!(prepared.schema(), tidy.data.schema());
    assert_eq!(null_count(&prepared), 0);
}

fn o_test(base: &Frame) -> aimass_engine::Outputs {
    run(
        "split",
        "input = raw\ntest = 0.25\nstratify = \"churn\"",
        &[("input", base.clone())],
        std::path::Path::new("."),
    )
    .unwrap()
}

#[test]
fn recipe_json_round_trips_exactly() {
    let cleaned = clean(&telco(), FULL);
    let recipe = Recipe::from_json(&cleaned.recipe).unwrap();
    let text = serde_json::to_string(&recipe.to_json()).unwrap();
    let back = Recipe::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(back, recipe, "every float survives the text form");
    assert_eq!(back.to_json()["version"], 1);
    assert!(
        Recipe::from_json(&serde_json::json!({"version": 99, "keep": [], "steps": []})).is_err()
    );
    assert_eq!(
        Recipe::from_json(&serde_json::Value::Null).unwrap().steps,
        vec![]
    );
}

#[test]
fn production_rows_without_the_target() {
    let raw = telco();
    let cleaned = clean(&raw, FULL);
    let recipe = Recipe::from_json(&cleaned.recipe).unwrap();
    let rows = raw.drop("churn").unwrap().head(Some(5));
    let prepared = recipe.apply(&rows).unwrap();
    assert_eq!(prepared.width(), cleaned.data.width() - 1);
    let e = recipe.apply(&raw.drop("tenure").unwrap()).err().unwrap();
    assert_eq!(
        e.message,
        "the recipe's `impute` step needs column `tenure`, which the rows do not have"
    );
}

#[test]
fn unseen_levels() {
    let step = |unseen| Step::OneHot {
        column: "c".into(),
        levels: vec!["a".into(), "b".into()],
        other: vec![],
        unseen,
    };
    let rows = df!["c" => [Some("a"), Some("zz"), None]].unwrap();
    let mut r = Recipe::new();
    r.extend(&[], vec![step(Unseen::Ignore)]);
    let out = r.apply(&rows).unwrap();
    assert_eq!(f64s(&out, "c=a"), [1.0, 0.0, 0.0].map(Some));
    assert_eq!(f64s(&out, "c=b"), [0.0, 0.0, 0.0].map(Some));
    let mut r = Recipe::new();
    r.extend(&[], vec![step(Unseen::Error)]);
    let e = r.apply(&rows).err().unwrap();
    assert_eq!(
        e.message,
        "row 2, column `c`: level `zz` was not seen when the encoding was fitted"
    );
    // Seen-but-rare levels go to `other`; a brand new level is unseen.
    let mut r = Recipe::new();
    r.extend(
        &[],
        vec![Step::OneHot {
            column: "c".into(),
            levels: vec!["a".into()],
            other: vec!["b".into()],
            unseen: Unseen::Ignore,
        }],
    );
    let out = r.apply(&df!["c" => ["b", "q"]].unwrap()).unwrap();
    assert_eq!(f64s(&out, "c=other"), [1.0, 0.0].map(Some));
}

#[test]
fn apply_tolerates_types_from_another_reader() {
    // A production batch where a numeric column came in as integers or all nulls.
    let mut r = Recipe::new();
    r.extend(
        &[],
        vec![
            Step::Impute {
                column: "x".into(),
                value: Fill::Float(2.5),
            },
            Step::Standardize {
                column: "x".into(),
                mean: 1.0,
                scale: 2.0,
            },
        ],
    );
    let out = r.apply(&df!["x" => [Some(3i32), None]].unwrap()).unwrap();
    assert_eq!(f64s(&out, "x"), [Some(1.0), Some(0.75)]);
}
