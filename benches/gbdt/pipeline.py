"""The flights pipeline of benches/gbdt (flights.aim) done with pandas + LightGBM, whole
process, for the "whole pipeline at least 2x faster" comparison.

Same steps as the aimass pipeline: read the CSV, drop duplicate rows and rows without
`late`, a stratified 80/20 split, median/mode imputation fitted on the training rows,
carrier/origin/dest as categories (LightGBM's native categorical splits: the fastest way
to give it this data), 100 trees of 31 leaves at learning rate 0.1, then test ROC AUC and
accuracy. Prints one line: the stage times and the scores.

    python3 benches/gbdt/pipeline.py data/flights_late.csv
"""
import sys
import time

t0 = time.perf_counter()
import lightgbm as lgb  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

t_import = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df = df.drop_duplicates().dropna(subset=["late"])
train, test = train_test_split(df, test_size=0.2, stratify=df["late"], random_state=42)
y, yt = (train.pop("late") == "Yes").to_numpy(), (test.pop("late") == "Yes").to_numpy()
cats = ["carrier", "origin", "dest"]
nums = [c for c in train.columns if c not in cats]
medians = train[nums].median()
train[nums], test[nums] = train[nums].fillna(medians), test[nums].fillna(medians)
for c in cats:
    mode = train[c].mode().iloc[0]
    levels = sorted(train[c].dropna().unique())
    train[c] = pd.Categorical(train[c].fillna(mode), categories=levels)
    test[c] = pd.Categorical(test[c].fillna(mode), categories=levels)
t_prep = time.perf_counter()
model = lgb.LGBMClassifier(n_estimators=100, num_leaves=31, learning_rate=0.1, verbose=-1)
model.fit(train, y)
t_fit = time.perf_counter()
p = model.predict_proba(test)[:, 1]
auc, acc = roc_auc_score(yt, p), accuracy_score(yt, p >= 0.5)
t_end = time.perf_counter()
print(
    f"pandas+lightgbm: imports {t_import - t0:.2f} s, read+prep {t_prep - t_import:.2f} s, "
    f"fit {t_fit - t_prep:.2f} s, evaluate {t_end - t_fit:.2f} s, total {t_end - t0:.2f} s; "
    f"test roc_auc {auc:.4f}, accuracy {acc:.4f}"
)
