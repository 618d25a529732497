"""The same preparation as benches/prep/run.sh's pipeline, in pandas + scikit-learn.

collect + clean (dedupe, drop rows without `late`, median-impute + standardise numerics,
mode-impute + one-hot of carrier, origin, dest as dense float64 columns) + stratified 80/20
split. Prints the in-script time (after imports) on stderr; time the whole process outside.
"""
import sys
import time

t_import = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
df = df.drop_duplicates()
df = df.dropna(subset=["late"])
target = df.pop("late")
numeric = df.select_dtypes("number").columns.tolist()
categorical = ["carrier", "origin", "dest"]
num = StandardScaler().fit_transform(SimpleImputer(strategy="median").fit_transform(df[numeric]))
cat_imputed = SimpleImputer(strategy="most_frequent").fit_transform(df[categorical])
cat = OneHotEncoder(sparse_output=False, handle_unknown="ignore", dtype=np.float64).fit_transform(cat_imputed)
X = np.hstack([num, cat])
train_X, test_X, train_y, test_y = train_test_split(X, target, test_size=0.2, stratify=target, random_state=42)
t1 = time.perf_counter()
print(
    f"pandas+sklearn: imports {t0 - t_import:.3f} s, work {t1 - t0:.3f} s; "
    f"train {train_X.shape}, test {test_X.shape}",
    file=sys.stderr,
)
