"""Scoring speed on the flights test split: aimass against scikit-learn, paired in one script.

For each model (a depth-8 tree; 100-tree, 31-leaf gradient boosting):
- aimass in process: `bundle::score` on rows already in memory (the predict_score bench);
- aimass whole process: `aimass predict BUNDLE --input test.csv --output out.csv`;
- scikit-learn `predict_proba` on the prepared matrix (rows in memory, one-hot done);
- scikit-learn whole: read the CSV, impute, one-hot, predict_proba, write the CSV.
scikit-learn's models are fitted here on the same training rows (aimass's split, exported
with `aimass show`), prepared the way the pipeline's `tidy` stage prepares them.

usage: reference.py WORK_DIR AIMASS PREDICT_SCORE
"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier

work, aimass, predict_score = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
REPEATS = 7
CATEGORICAL = ["carrier", "origin", "dest"]


def best_of(f, n=REPEATS):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


class Prep:
    """The `tidy` stage: median/mode imputation fitted on train, one-hot of the three codes."""

    def __init__(self, train):
        x = train.drop(columns=["late"])
        self.num = [c for c in x.columns if c not in CATEGORICAL]
        self.median = x[self.num].median()
        self.mode = {c: x[c].mode()[0] for c in CATEGORICAL}
        self.columns = self.apply_raw(x).columns

    def apply_raw(self, x):
        x = x.copy()
        x[self.num] = x[self.num].fillna(self.median)
        for c in CATEGORICAL:
            x[c] = x[c].fillna(self.mode[c])
        return pd.get_dummies(x, columns=CATEGORICAL, dtype="float64")

    def apply(self, x):
        return self.apply_raw(x).reindex(columns=self.columns, fill_value=0.0)


train = pd.read_csv(work / "train.csv")
test = pd.read_csv(work / "test.csv")
prep = Prep(train)
x_train = prep.apply(train.drop(columns=["late"])).to_numpy()
y_train = (train["late"] == "Yes").to_numpy()
x_test = prep.apply(test.drop(columns=["late"])).to_numpy()

models = {
    "tree": DecisionTreeClassifier(max_depth=8, random_state=42),
    "gb": HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=31, learning_rate=0.1, early_stopping=False,
        random_state=42,
    ),
}
rows = len(test)
print(f"flights test split: {rows} rows, {x_test.shape[1]} prepared features")
for name, model in models.items():
    model.fit(x_train, y_train)
    sk_best, sk_med = best_of(lambda: model.predict_proba(x_test))

    def sk_whole():
        t = pd.read_csv(work / "test.csv")
        p = model.predict_proba(prep.apply(t.drop(columns=["late"])).to_numpy())
        pd.DataFrame({"proba_Yes": p[:, 1]}).to_csv(work / "sk_out.csv", index=False)

    skw_best, _ = best_of(sk_whole, 3)
    inproc = json.loads(
        subprocess.run(
            [predict_score, str(work / "models" / name), str(work / "test.csv"), str(REPEATS)],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    whole_best, _ = best_of(
        lambda: subprocess.run(
            [aimass, "predict", str(work / "models" / name), "--input", str(work / "test.csv"),
             "--output", str(work / "out.csv")],
            check=True, capture_output=True,
        ),
        3,
    )
    ours = inproc["best_s"]
    print(
        f"{name:4}  in memory: aimass {ours * 1e3:7.1f} ms ({rows / ours / 1e6:5.2f} M rows/s)"
        f"  scikit-learn predict_proba {sk_best * 1e3:7.1f} ms ({rows / sk_best / 1e6:5.2f} M rows/s)"
        f"  ratio {sk_best / ours:5.2f}x\n"
        f"      whole:     aimass predict {whole_best * 1e3:7.1f} ms"
        f"  scikit-learn read+prep+predict_proba+write {skw_best * 1e3:7.1f} ms"
        f"  ratio {skw_best / whole_best:5.2f}x"
    )
