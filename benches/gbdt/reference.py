"""LightGBM and scikit-learn on exactly the rows aimass's gradient-boosting benchmark used.

Reads OUT/{flights,telco,credit}_{train,test}.csv and OUT/aimass.json, written by
`cargo bench -p aimass-stdlib --bench gbdt_fit -- OUT`, fits on each training part and scores
test ROC AUC, then prints one table with aimass's numbers beside them.

- flights: the exported rows are raw. LightGBM is fitted twice: on the reference preparation's
  one-hot matrix, and on the raw rows with carrier/origin/dest as pandas categories (its
  native categorical splits, missing values its own way). scikit-learn:
  HistGradientBoostingClassifier (and GradientBoostingClassifier, 100 trees of depth 3,
  unless --no-slow) on the one-hot matrix.
- telco, credit: the exported rows are raw; both libraries get the reference preparation
  (median-impute + standardise numerics, mode-impute + one-hot categoricals, fitted on the
  training rows), and LightGBM also the raw rows with pandas categories and missing values.

LightGBM: 100 trees, 31 leaves, learning rate 0.1 (its defaults), all cores. Fit times are
wall times of `fit` (LightGBM's includes building its binned Dataset). Peak RSS of a LightGBM
flights fit is measured in a child process.

    python3 benches/gbdt/reference.py OUT [--no-slow]
"""
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SETS = {
    "flights": ("late", "Yes"),
    "telco": ("churn", "Yes"),
    "credit": ("Status", "bad"),
}


def lgbm(**kw):
    return lgb.LGBMClassifier(n_estimators=100, num_leaves=31, learning_rate=0.1, verbose=-1, **kw)


def timed(model, X, y, Xt, yt):
    t = time.perf_counter()
    model.fit(X, y)
    fit = time.perf_counter() - t
    auc = roc_auc_score(yt, model.predict_proba(Xt)[:, 1])
    return fit, auc


def read(out, name):
    target, positive = SETS[name]
    train = pd.read_csv(out / f"{name}_train.csv")
    test = pd.read_csv(out / f"{name}_test.csv")
    y, yt = (train.pop(target) == positive).to_numpy(), (test.pop(target) == positive).to_numpy()
    return train, y, test, yt


def categories(X, Xt):
    """Non-numeric columns as pandas categories over the levels of both parts."""
    Xc, Xtc = X.copy(), Xt.copy()
    for c in Xc.columns:
        if not pd.api.types.is_numeric_dtype(Xc[c]):
            cats = sorted(set(Xc[c].dropna()) | set(Xtc[c].dropna()))
            Xc[c] = pd.Categorical(Xc[c], categories=cats)
            Xtc[c] = pd.Categorical(Xtc[c], categories=cats)
    return Xc, Xtc


def flights(out, slow):
    X, y, Xt, yt = read(out, "flights")
    ct = prep(X)
    M, Mt = ct.transform(X), ct.transform(Xt)
    rows = {}
    rows["LightGBM, one-hot matrix"] = timed(lgbm(), M, y, Mt, yt)
    Xc, Xtc = categories(X, Xt)
    rows["LightGBM, pandas categories"] = timed(lgbm(), Xc, y, Xtc, yt)
    rows["sklearn HistGradientBoosting"] = timed(
        HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0), M, y, Mt, yt)
    if slow:
        rows["sklearn GradientBoosting (depth 3)"] = timed(GradientBoostingClassifier(random_state=0), M, y, Mt, yt)
    return rows


def prep(train):
    num = train.select_dtypes(include="number").columns.tolist()
    cat = [c for c in train.columns if c not in num]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat),
    ]).fit(train)


def small(out, name):
    X, y, Xt, yt = read(out, name)
    ct = prep(X)
    M, Mt = ct.transform(X), ct.transform(Xt)
    rows = {}
    rows["LightGBM, one-hot matrix"] = timed(lgbm(), M, y, Mt, yt)
    Xc, Xtc = categories(X, Xt)
    rows["LightGBM, pandas categories"] = timed(lgbm(), Xc, y, Xtc, yt)
    rows["sklearn GradientBoosting (depth 3)"] = timed(GradientBoostingClassifier(random_state=0), M, y, Mt, yt)
    rows["sklearn HistGradientBoosting"] = timed(
        HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0), M, y, Mt, yt)
    return rows


def lightgbm_flights_rss(out):
    """Child process: one LightGBM flights fit (pandas categories), then its peak RSS."""
    X, y, Xt, _ = read(out, "flights")
    X, _ = categories(X, Xt)
    lgbm().fit(X, y)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0])
    if "--rss" in sys.argv:
        lightgbm_flights_rss(out)
        return
    slow = "--no-slow" not in sys.argv
    ours = json.loads((out / "aimass.json").read_text())
    print(f"LightGBM {lgb.__version__}, pandas {pd.__version__}, numpy {np.__version__}")
    print(f"{'data':8} {'model':40} {'fit s':>8} {'test AUC':>9}")
    for name in SETS:
        if not (out / f"{name}_train.csv").exists():
            continue
        rows = flights(out, slow) if name == "flights" else small(out, name)
        a = ours.get(name, {})
        if a:
            print(f"{name:8} {'aimass gradient_boosting (defaults)':40} {a['fit_seconds_best']:8.3f} {a['test_roc_auc']:9.4f}"
                  f"   (model stage {a['model_stage_seconds']:.3f} s; decision tree AUC {a['tree_test_roc_auc']:.4f})")
        for model, (fit, auc) in rows.items():
            print(f"{name:8} {model:40} {fit:8.3f} {auc:9.4f}")
        sys.stdout.flush()
    if (out / "flights_train.csv").exists():
        rss = subprocess.run([sys.executable, __file__, str(out), "--rss"], capture_output=True, text=True)
        print(f"LightGBM flights fit, whole python process peak RSS: {rss.stdout.strip()} MB")


if __name__ == "__main__":
    main()
