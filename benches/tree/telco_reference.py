"""scikit-learn reference numbers for the telco tests in stdlib/tests/ml_telco.rs.

The reference preparation: dedupe, stratified 80/20 split (seed 42), median-impute +
standardise numerics, mode-impute + one-hot categoricals, all fitted on the training part.
Reported twice:

  ours     on aimass's own split, exported by
           `AIMASS_EXPORT_DIR=/tmp cargo test -p aimass-stdlib --test ml_telco -- --ignored`
           (numpy's RNG and ours differ, so the splits differ);
  sklearn  on scikit-learn's own `train_test_split(..., random_state=42)`.

For the tree, scikit-learn breaks exact ties between features by a random feature order, so
it is fitted for random_state 0..49 and the range and median are shown.

    python3 benches/tree/telco_reference.py [/tmp]
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "examples/telco-retention/data/telco_churn.csv"


def prep(train):
    X = train.drop(columns="churn")
    num = X.select_dtypes(include="number").columns.tolist()
    cat = [c for c in X.columns if c not in num]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat),
    ]).fit(X)


def report(name, train, test):
    ct = prep(train)
    Xtr, Xte = ct.transform(train.drop(columns="churn")), ct.transform(test.drop(columns="churn"))
    ytr, yte = (train.churn == "Yes").to_numpy(), (test.churn == "Yes").to_numpy()
    print(f"[{name}] train {Xtr.shape}, test {Xte.shape}")
    aucs, accs = [], []
    for rs in range(50):
        t = DecisionTreeClassifier(random_state=rs).fit(Xtr, ytr)
        aucs.append(roc_auc_score(yte, t.predict_proba(Xte)[:, 1]))
        accs.append(accuracy_score(yte, t.predict(Xte)))
    print(f"  tree     ROC AUC median {np.median(aucs):.4f} range [{min(aucs):.4f}, {max(aucs):.4f}]"
          f"  accuracy median {np.median(accs):.4f}")
    lr = LogisticRegression().fit(Xtr, ytr)
    p = lr.predict_proba(Xte)[:, 1]
    print(f"  logistic ROC AUC {roc_auc_score(yte, p):.6f}  accuracy {accuracy_score(yte, lr.predict(Xte)):.6f}")
    nb = GaussianNB().fit(Xtr, ytr)
    p = nb.predict_proba(Xte)[:, 1]
    print(f"  gaussian naive Bayes ROC AUC {roc_auc_score(yte, p):.6f}  accuracy {accuracy_score(yte, nb.predict(Xte)):.6f}")


def main():
    export = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp")
    if (export / "telco_train.csv").exists():
        report("ours", pd.read_csv(export / "telco_train.csv"), pd.read_csv(export / "telco_test.csv"))
    else:
        print(f"(no exported split in {export}; see the docstring)")
    df = pd.read_csv(CSV).drop_duplicates()
    train, test = train_test_split(df, test_size=0.2, stratify=df.churn, random_state=42)
    report("sklearn", train, test)


if __name__ == "__main__":
    main()
