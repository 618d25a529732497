#!/usr/bin/env bash
# The quality report's aimass pipeline for one data set: NAME FILE TARGET POSITIVE.
set -euo pipefail
name="$1" file="$2" target="$3" positive="$4"
# The tuned tree searches the grid of benches/tune; on flights (270k training rows) by
# successive halving over rows, which scores the 360 configurations on growing samples.
search="grid"
levels=""
if [ "$name" = flights ]; then
    search="halving(factor = 3)"
    levels="max_levels = 200"
fi
cat <<AIM
pipeline "quality-$name" { seed = 42 }
stage raw: collect { source = "data/$file" }
stage base: clean { input = raw, dedupe = true, drop_missing = ["$target"] }
stage parts: split { input = base, test = 0.2, stratify = "$target" }
stage tidy: clean {
  input = parts.train
  impute = { numeric = median, categorical = mode }
  standardize = all_numeric
  one_hot = all_categorical
  $levels
  keep = ["$target"]
}
stage tree: model { input = tidy, target = "$target", positive = "$positive", algorithm = decision_tree }
stage tuned: tune {
  input = tidy, target = "$target", positive = "$positive", algorithm = decision_tree
  search = $search
  cv = 5
  metric = roc_auc
  space {
    max_depth = 2..13
    min_samples_leaf = [1, 5, 10, 20, 50]
    min_samples_split = [2, 10, 40]
    criterion = [gini, entropy]
  }
}
stage logit: model { input = tidy, target = "$target", positive = "$positive", algorithm = logistic }
stage gb: model { input = tidy, target = "$target", positive = "$positive", algorithm = gradient_boosting }
stage nn: model { input = tidy, target = "$target", positive = "$positive", algorithm = mlp }
stage stack: fuse { input = tidy, models = [tuned, logit], method = stacking(meta = logistic) }
stage tree_eval: evaluate { model = tree, data = parts.test, metrics = [roc_auc, accuracy] }
stage tuned_eval: evaluate { model = tuned, data = parts.test, metrics = [roc_auc, accuracy] }
stage logit_eval: evaluate { model = logit, data = parts.test, metrics = [roc_auc, accuracy] }
stage gb_eval: evaluate { model = gb, data = parts.test, metrics = [roc_auc, accuracy] }
stage nn_eval: evaluate { model = nn, data = parts.test, metrics = [roc_auc, accuracy] }
stage stack_eval: evaluate { model = stack, data = parts.test, metrics = [roc_auc, accuracy] }
AIM
