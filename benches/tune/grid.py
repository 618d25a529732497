"""The tune benchmark's grid in scikit-learn: GridSearchCV of a decision tree on telco.

Same preparation as the aimass pipeline (dedupe, stratified 80/20 split with seed 42,
median-impute + standardise numerics, mode-impute + one-hot categoricals fitted on the
training rows), then 360 configurations x 5-fold CV on ROC AUC over both cores, refit of the
best, test ROC AUC. Prints the in-script times on stderr; time the whole process outside.
"""
import sys
import time

t_import = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1]).drop_duplicates()
y = (df.pop("churn") == "Yes").astype(int)
train_X, test_X, train_y, test_y = train_test_split(df, y, test_size=0.2, stratify=y, random_state=42)
numeric = train_X.select_dtypes("number").columns.tolist()
categorical = [c for c in train_X.columns if c not in numeric]
prep = ColumnTransformer(sparse_threshold=0, transformers=[
    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), categorical),
])
Xtr = prep.fit_transform(train_X)
Xte = prep.transform(test_X)
grid = {
    "max_depth": list(range(2, 14)),
    "min_samples_leaf": [1, 5, 10, 20, 50],
    "min_samples_split": [2, 10, 40],
    "criterion": ["gini", "entropy"],
}
search = GridSearchCV(
    DecisionTreeClassifier(random_state=0), grid, cv=StratifiedKFold(5, shuffle=True, random_state=42),
    scoring="roc_auc", n_jobs=-1,
)
t1 = time.perf_counter()
search.fit(Xtr, train_y)
t2 = time.perf_counter()
auc = roc_auc_score(test_y, search.predict_proba(Xte)[:, 1])
print(
    f"sklearn: imports {t0 - t_import:.2f} s, prep {t1 - t0:.2f} s, search {t2 - t1:.2f} s; "
    f"best {search.best_params_} cv {search.best_score_:.4f} test roc_auc {auc:.4f}",
    file=sys.stderr,
)
