"""scikit-learn's DecisionTreeClassifier fit time on the flights training matrix.

    python3 benches/tree/sklearn_tree_fit.py TRAIN_CSV

TRAIN_CSV is the training frame the Rust bench (`cargo bench -p aimass-stdlib --bench
tree_fit`) prepared and wrote: the one-hot columns and numerics as features, `late` as the
target. Without an argument the preparation is done here, with scikit-learn's own split of
../shared/data/flights_late.csv (same shape, other rows). Prints `sklearn_fit_seconds=`.
"""
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier


def matrix_from_export(path):
    df = pd.read_csv(path)
    y = (df.pop("late") == "Yes").to_numpy()
    return df.to_numpy(dtype=np.float64), y


def matrix_from_scratch():
    csv = Path(__file__).resolve().parents[3] / "shared/data/flights_late.csv"
    df = pd.read_csv(csv).dropna(subset=["late"])
    df = pd.get_dummies(df, columns=["carrier", "origin", "dest"], dtype=np.float64)
    y = (df.pop("late") == "Yes").to_numpy()
    X = df.to_numpy(dtype=np.float64)
    X, _, y, _ = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
    return X, y


def main():
    X, y = matrix_from_export(sys.argv[1]) if len(sys.argv) > 1 else matrix_from_scratch()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        tree = DecisionTreeClassifier(random_state=0).fit(X, y)
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"scikit-learn DecisionTreeClassifier on {X.shape[0]} x {X.shape[1]}: "
          f"best of 3 {times[0]:.2f} s, median {times[1]:.2f} s, {tree.get_n_leaves()} leaves")
    print(f"sklearn_fit_seconds={times[0]:.4f}")


if __name__ == "__main__":
    main()
