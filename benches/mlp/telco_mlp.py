"""scikit-learn's MLPClassifier on aimass's telco split, next to aimass's `algorithm = mlp`.

The rows are exactly aimass's (dedupe, stratified 80/20 split with seed 42), exported by
`AIMASS_EXPORT_DIR=/tmp cargo test -p aimass-stdlib --test ml_telco -- --ignored`; the
preparation is the reference one (median-impute + standardise numerics, mode-impute +
one-hot categoricals, fitted on the training rows), as in benches/tree/telco_reference.py.

MLPClassifier is given aimass's defaults: hidden_layer_sizes=(64, 32), relu, adam
(lr 0.001, betas 0.9/0.999, eps 1e-8), alpha=3, batch_size=min(200, n), max_iter=200,
tol=1e-4, n_iter_no_change=20, early_stopping=True, validation_fraction=0.1 (scikit-learn
stops on the validation accuracy, aimass on the validation loss); then scikit-learn's own
defaults (alpha=1e-4, n_iter_no_change=10, no early stopping) with the same layers. Each over
random_state 0..9: fit time (wall clock of `fit`), epochs run, test ROC AUC.

    python3 benches/mlp/telco_mlp.py [/tmp]
"""
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def prep(train):
    X = train.drop(columns="churn")
    num = X.select_dtypes(include="number").columns.tolist()
    cat = [c for c in X.columns if c not in num]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat),
    ]).fit(X)


def main():
    export = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp")
    train = pd.read_csv(export / "telco_train.csv")
    test = pd.read_csv(export / "telco_test.csv")
    ct = prep(train)
    Xtr, Xte = ct.transform(train.drop(columns="churn")), ct.transform(test.drop(columns="churn"))
    ytr, yte = (train.churn == "Yes").to_numpy(), (test.churn == "Yes").to_numpy()
    print(f"train {Xtr.shape}, test {Xte.shape}")
    lr = LogisticRegression().fit(Xtr, ytr)
    print(f"LogisticRegression()  ROC AUC {roc_auc_score(yte, lr.predict_proba(Xte)[:, 1]):.4f}")
    warnings.simplefilter("ignore", ConvergenceWarning)
    configs = {
        "aimass's defaults": dict(alpha=3.0, n_iter_no_change=20, early_stopping=True),
        "scikit-learn's defaults": dict(alpha=1e-4, n_iter_no_change=10, early_stopping=False),
    }
    for name, extra in configs.items():
        aucs, secs, iters = [], [], []
        for rs in range(10):
            m = MLPClassifier(hidden_layer_sizes=(64, 32), batch_size=200, learning_rate_init=0.001,
                              max_iter=200, validation_fraction=0.1, random_state=rs, **extra)
            t = time.perf_counter()
            m.fit(Xtr, ytr)
            secs.append(time.perf_counter() - t)
            iters.append(m.n_iter_)
            aucs.append(roc_auc_score(yte, m.predict_proba(Xte)[:, 1]))
        print(f"MLPClassifier ({name}):  ROC AUC median {np.median(aucs):.4f} "
              f"range [{min(aucs):.4f}, {max(aucs):.4f}]  fit median {np.median(secs):.2f} s "
              f"range [{min(secs):.2f}, {max(secs):.2f}]  epochs median {np.median(iters):.0f} "
              f"range [{min(iters)}, {max(iters)}]")


if __name__ == "__main__":
    main()
