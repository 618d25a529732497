//! Every kind of syntax diagnostic, rendered as the user sees it, in both forms.
//!
//! Review the `.snap` files under `tests/snapshots/` as a user would read them.
#![allow(clippy::unwrap_used)]

mod common;

use common::{aim, err, yaml};

/// Snapshots the rendered errors of an input that must fail.
macro_rules! diagnose {
    ($name:ident, $parse:ident, $text:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), err($parse($text)));
        }
    };
}

// ---- .aim ----

diagnose!(
    aim_unexpected_token,
    aim,
    "\
pipeline \"p\" {}
stage a: clean { impute = median, one_hot = ) }
"
);

diagnose!(
    aim_truncated_file,
    aim,
    "\
pipeline \"p\" {
  seed = 42
}
stage tuned: tune {
  space { max_depth = 2..12, min_samples_leaf = [1, 2,
"
);

diagnose!(
    aim_unterminated_string,
    aim,
    "\
pipeline \"p\" {}
stage raw: collect { source = \"data/telco.csv }
"
);

diagnose!(
    aim_bad_stage_declaration,
    aim,
    "\
pipeline \"p\" {}
stage raw collect {}
"
);

diagnose!(
    aim_unknown_top_level_word,
    aim,
    "\
pipeline \"p\" {}
stages raw: collect {}
"
);

diagnose!(
    aim_entry_without_value,
    aim,
    "\
pipeline \"p\" {}
stage gate: evaluate { require { roc_auc } }
"
);

diagnose!(
    aim_missing_header,
    aim,
    "\
# a pipeline without its header
stage raw: collect { source = \"data.csv\" }
"
);

diagnose!(
    aim_misplaced_and_second_header,
    aim,
    "\
stage raw: collect {}
pipeline \"p\" {}
pipeline \"q\" {}
"
);

diagnose!(
    aim_unknown_header_key,
    aim,
    "\
pipeline \"p\" {
  seed = 42
  sed = 7
  depth = 6
}
"
);

diagnose!(
    aim_header_setting_types,
    aim,
    "\
pipeline \"p\" {
  seed = \"42\"
  description = churn
  params = [1, 2]
}
"
);

diagnose!(
    aim_duplicate_keys,
    aim,
    "\
pipeline \"p\" {
  seed = 1
  seed = 2
  params { depth = 6, depth = 8 }
}
plugin rfm = \"a.so\"
plugin rfm = \"b.so\"
stage raw: collect { source = \"a.csv\", source = \"b.csv\" }
stage raw: collect {}
"
);

diagnose!(
    aim_mixed_block,
    aim,
    "\
pipeline \"p\" {}
stage gate: evaluate {
  require {
    roc_auc >= 0.8
    min_lift = 2
  }
}
"
);

diagnose!(
    aim_comparisons_as_stage_body,
    aim,
    "\
pipeline \"p\" {}
stage gate: evaluate { roc_auc >= 0.8 }
"
);

diagnose!(
    aim_integer_overflow,
    aim,
    "\
pipeline \"p\" { seed = 99999999999999999999 }
stage s: sample { rows = -9223372036854775809, ratio = 1e999 }
"
);

diagnose!(
    aim_bad_string_escape,
    aim,
    r#"pipeline "p" { description = "tab\tok, \q bad, \u{D800} bad, \u{41} ok" }
"#
);

diagnose!(
    aim_nesting_too_deep,
    aim,
    &format!(
        "pipeline \"p\" {{}}\nstage s: k {{ v = {} }}\n",
        "[".repeat(70)
    )
);

diagnose!(
    aim_reserved_kind_key,
    aim,
    "\
pipeline \"p\" {}
stage m: model { kind = tree }
"
);

diagnose!(aim_empty_file, aim, "");

// ---- YAML ----

diagnose!(
    yaml_syntax_error,
    yaml,
    "\
pipeline: p
stages:
  raw:
    kind: collect
    source: data: telco.csv
"
);

diagnose!(
    yaml_truncated_file,
    yaml,
    "\
pipeline: p
stages:
  tuned:
    kind: tune
    space: {max_depth: 2..12, min_samples_leaf: [1, 2,
"
);

diagnose!(
    yaml_not_a_mapping,
    yaml,
    "\
- pipeline: p
- stages: {}
"
);

diagnose!(yaml_empty_file, yaml, "");

diagnose!(
    yaml_missing_pipeline_name,
    yaml,
    "\
description: no name
stages: {}
"
);

diagnose!(
    yaml_unknown_top_level_key,
    yaml,
    "\
pipeline: p
seed: 42
stage:
  raw:
    kind: collect
"
);

diagnose!(
    yaml_missing_kind,
    yaml,
    "\
pipeline: p
stages:
  raw:
    source: data.csv
  parts:
    kind: split
    input: raw
"
);

diagnose!(
    yaml_stage_not_a_mapping,
    yaml,
    "\
pipeline: p
stages:
  raw: collect
  parts: [split]
"
);

diagnose!(
    yaml_bad_kind_and_names,
    yaml,
    "\
pipeline: p
stages:
  raw:
    kind: rfm.segment.extra
  my-stage:
    kind: collect
  ok:
    kind: [collect]
"
);

diagnose!(
    yaml_duplicate_keys,
    yaml,
    "\
pipeline: p
seed: 1
seed: 2
params:
  depth: 6
  depth: 8
stages:
  raw:
    kind: collect
    kind: sample
  raw:
    kind: collect
"
);

diagnose!(
    yaml_null_values,
    yaml,
    "\
pipeline: p
seed:
stages:
  raw:
    kind: collect
    source: ~
    sep: null
    cols: [a, null, b]
"
);

diagnose!(
    yaml_header_setting_types,
    yaml,
    "\
pipeline: p
seed: forty-two
params: [depth]
"
);

diagnose!(
    yaml_integer_overflow,
    yaml,
    "\
pipeline: p
seed: 99999999999999999999
stages:
  s:
    kind: sample
    ratio: 1e999
"
);

diagnose!(
    yaml_bad_string_escape,
    yaml,
    r#"
pipeline: p
stages:
  s:
    kind: sample
    name: f("a\q")
    quoted: 'a\q is fine in single quotes'
"#
);

diagnose!(
    yaml_bad_quoted_escape,
    yaml,
    r#"
pipeline: p
stages:
  s:
    kind: sample
    quoted: "a\q"
"#
);

diagnose!(
    yaml_comparison_in_a_mapping,
    yaml,
    "\
pipeline: p
stages:
  gate:
    kind: evaluate
    require: {roc_auc >= 0.8}
"
);

diagnose!(
    yaml_mixed_block_in_a_value,
    yaml,
    "\
pipeline: p
stages:
  s:
    kind: tune
    search: grid(space = { depth = 2, lift(10%) >= 2 })
"
);

diagnose!(
    yaml_nesting_too_deep,
    yaml,
    &format!("pipeline: p\nparams:\n  v: {}\n", "[".repeat(70))
);

diagnose!(
    yaml_tags,
    yaml,
    "\
pipeline: p
seed: !!int 42
stages:
  raw: !stage
    kind: collect
"
);

diagnose!(
    yaml_unknown_alias,
    yaml,
    "\
pipeline: p
params:
  a: *missing
"
);

diagnose!(
    yaml_second_document,
    yaml,
    "\
pipeline: p
---
pipeline: q
"
);
