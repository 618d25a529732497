//! The project the serve and drift tests share: the telco example with a pipeline that
//! deploys a tree, a logistic model and their fusion, and the test rows exported.

use polars::prelude::*;

use crate::harness::Project;

pub const PIPELINE: &str = r#"pipeline "serve-test" {
  seed = 42
}

stage raw: collect {
  source = "data/telco_churn.csv"
}

stage base: clean {
  input = raw
  dedupe = true
}

stage parts: split {
  input = base
  test = 0.2
  stratify = "churn"
}

stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = all_categorical
  unseen = error
  keep = ["churn"]
}

stage tree: model {
  input = tidy
  target = "churn"
  positive = "Yes"
  algorithm = decision_tree
  max_depth = 6
  min_samples_leaf = 20
}

stage logit: model {
  input = tidy
  target = "churn"
  positive = "Yes"
  algorithm = logistic
}

stage blend: fuse {
  models = [tree, logit]
  input = tidy
  method = voting
}

stage ship_tree: deploy {
  model = tree
  to = "models"
  name = "tree"
}

stage ship_logit: deploy {
  model = logit
  to = "models"
  name = "logit"
}

stage ship_blend: deploy {
  model = blend
  to = "models"
  name = "blend"
}
"#;

/// The project, run, with `test.csv` (the raw test rows, target included).
pub fn deployed() -> Project {
    let p = Project::new().with_example("telco-retention");
    p.file("serve.aim", PIPELINE);
    let out = p.run(&["run", "serve.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = p.run(&["show", "serve.aim", "parts.test", "--output", "test.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    p
}

/// The first `n` test rows without the target, as a frame.
pub fn test_rows(p: &Project, n: usize) -> DataFrame {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(p.path("test.csv")))
        .unwrap()
        .finish()
        .unwrap();
    df.drop("churn").unwrap().head(Some(n))
}

pub fn write_csv(p: &Project, name: &str, df: &DataFrame) {
    let mut df = df.clone();
    let mut f = std::fs::File::create(p.path(name)).unwrap();
    CsvWriter::new(&mut f)
        .include_header(true)
        .finish(&mut df)
        .unwrap();
}

/// The rows as a JSON array of records, as polars writes them.
pub fn json_records(df: &DataFrame) -> String {
    let mut df = df.clone();
    let mut buf = Vec::new();
    JsonWriter::new(&mut buf)
        .with_json_format(JsonFormat::Json)
        .finish(&mut df)
        .unwrap();
    String::from_utf8(buf).unwrap()
}
