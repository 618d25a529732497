"""The references of the same-rows quality report, fitted on exactly aimass's split.

Reads OUT/{name}_train.csv and OUT/{name}_test.csv (aimass's raw split rows, written by
`aimass show ... --output`) and OUT/{name}_aimass.json (`aimass metrics --format json`), fits
each reference on the training rows with the reference preparation of shared/data/README.md
(median-impute + standardise numerics, mode-impute + one-hot categoricals, fitted on the
training rows), scores test ROC AUC and accuracy, and prints one markdown table per data set
with aimass's scores beside them.

References (scikit-learn defaults unless said): DecisionTreeClassifier; the same tree tuned by
GridSearchCV over benches/tune's 360-configuration grid (5-fold, ROC AUC, n_jobs=-1);
GradientBoostingClassifier (100 trees of depth 3); StackingClassifier (tuned tree + logistic
-> logistic, 5-fold); LGBMClassifier (100 trees, 31 leaves, learning rate 0.1); XGBClassifier
(100 trees, its defaults, tree_method=hist).

    python3 benches/quality/quality.py OUT telco credit flights [--no-slow]
"""
import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, StackingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

TARGETS = {"telco": ("churn", "Yes"), "credit": ("Status", "bad"), "flights": ("late", "Yes")}
GRID = {
    "max_depth": list(range(2, 14)),
    "min_samples_leaf": [1, 5, 10, 20, 50],
    "min_samples_split": [2, 10, 40],
    "criterion": ["gini", "entropy"],
}
# aimass stage -> the reference it is compared with.
PAIRS = [
    ("decision tree", "tree_eval"),
    ("tuned tree", "tuned_eval"),
    ("logistic", "logit_eval"),
    ("gradient boosting", "gb_eval"),
    ("stacking", "stack_eval"),
    ("mlp", "nn_eval"),
    ("LightGBM", None),
    ("XGBoost", None),
]


def prepare(train, test, target, positive):
    y, yt = (train[target] == positive).astype(int), (test[target] == positive).astype(int)
    X, Xt = train.drop(columns=[target]), test.drop(columns=[target])
    # Text columns are categorical, whatever pandas calls their dtype (object or str).
    nums = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cats = [c for c in X.columns if c not in nums]
    prep = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                cats,
            ),
        ]
    )
    return prep.fit_transform(X), prep.transform(Xt), y.to_numpy(), yt.to_numpy()


def score(model, X, y, Xt, yt):
    t = time.perf_counter()
    model.fit(X, y)
    fit = time.perf_counter() - t
    p = model.predict_proba(Xt)[:, 1]
    return roc_auc_score(yt, p), accuracy_score(yt, (p >= 0.5).astype(int)), fit


def references(X, y, Xt, yt, slow):
    cv = StratifiedKFold(5, shuffle=True, random_state=42)
    out = {}
    out["decision tree"] = score(DecisionTreeClassifier(random_state=0), X, y, Xt, yt)
    tuned = None
    if slow:
        search = GridSearchCV(
            DecisionTreeClassifier(random_state=0), GRID, scoring="roc_auc", cv=cv, n_jobs=-1
        )
        out["tuned tree"] = score(search, X, y, Xt, yt)
        tuned = DecisionTreeClassifier(random_state=0, **search.best_params_)
    out["logistic"] = score(LogisticRegression(max_iter=2000), X, y, Xt, yt)
    if slow:
        out["gradient boosting"] = score(
            GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0), X, y, Xt, yt
        )
    if tuned is not None:
        stack = StackingClassifier(
            [("tree", tuned), ("logit", LogisticRegression(max_iter=2000))],
            final_estimator=LogisticRegression(max_iter=2000),
            cv=cv,
            n_jobs=-1,
        )
        out["stacking"] = score(stack, X, y, Xt, yt)
    out["LightGBM"] = score(
        lgb.LGBMClassifier(n_estimators=100, num_leaves=31, learning_rate=0.1, verbose=-1),
        X, y, Xt, yt,
    )
    out["XGBoost"] = score(
        xgb.XGBClassifier(n_estimators=100, tree_method="hist", random_state=0), X, y, Xt, yt
    )
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out, sets = Path(args[0]), args[1:]
    no_slow = "--no-slow" in sys.argv
    for name in sets:
        target, positive = TARGETS[name]
        train = pd.read_csv(out / f"{name}_train.csv")
        test = pd.read_csv(out / f"{name}_test.csv")
        aimass = json.loads((out / f"{name}_aimass.json").read_text())
        X, Xt, y, yt = prepare(train, test, target, positive)
        slow = not (no_slow and name == "flights")
        refs = references(X, y, Xt, yt, slow)
        print(f"\n### {name}: {len(train)} training rows, {len(test)} test rows, {X.shape[1]} features\n")
        print("| model | aimass AUC | reference AUC | aimass acc | reference acc | reference fit s |")
        print("|---|---|---|---|---|---|")
        for label, stage in PAIRS:
            a = aimass.get(stage, {}) if stage else {}
            r = refs.get(label)
            cell = lambda v: f"{v:.4f}" if isinstance(v, float) else "-"
            print(
                f"| {label} | {cell(a.get('roc_auc'))} | {cell(r[0] if r else None)} "
                f"| {cell(a.get('accuracy'))} | {cell(r[1] if r else None)} "
                f"| {f'{r[2]:.2f}' if r else '-'} |"
            )


if __name__ == "__main__":
    main()
