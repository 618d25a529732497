//! Comments survive formatting: a formatter that dropped them would destroy users' files.
#![allow(clippy::unwrap_used)]

mod common;

use aimass_dsl::{emit_yaml, format_aim};
use common::{aim, ok, TELCO_AIM};

const COMMENTED: &str = r#"# File header comment.
# Second line of it.

pipeline "p" {  # after the header's brace
  # before seed
  seed = 42  # the seed
  params {
    depth = 6  # overridable
    # end of params
  }
  # end of header
}

# About the plugin.
plugin rfm = "librfm.so"  # trailing plugin

stage raw: collect { source = "a.csv" }  # one-line stage

stage tuned: tune {
  search = bayes(
    trials = 60,  # inside a call
  )
  metrics = [
    accuracy,  # the headline
    # before f1
    f1,
    # end of list
  ]
  require {
    roc_auc >= 0.8  # gate one
    # before gate two
    f1 >= 0.7
  }
  impute = { numeric = median,  # numeric
    categorical = mode }
  empty { # nothing here
  }
  # last in stage
}
stage bare: k {
  # only a comment
}
# trailing file comment
"#;

/// Every comment of the source, in order.
fn comments_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let in_string = l.find('"').is_some_and(|q| {
                l.find('#').is_some_and(|h| {
                    q < h && l[q + 1..].contains('"') && l[..h].matches('"').count() % 2 == 1
                })
            });
            (!in_string)
                .then(|| l.find('#').map(|h| l[h..].trim_end().to_owned()))
                .flatten()
        })
        .collect()
}

#[test]
fn every_comment_survives_formatting() {
    let p = ok(aim(COMMENTED));
    let formatted = format_aim(&p);
    let mut want = comments_of(COMMENTED);
    let mut got = comments_of(&formatted);
    want.sort();
    got.sort();
    assert_eq!(got, want, "formatted:\n{formatted}");
    insta::assert_snapshot!("commented_formatted", formatted);
}

#[test]
fn formatting_with_comments_is_idempotent() {
    for source in [COMMENTED, TELCO_AIM] {
        let once = format_aim(&ok(aim(source)));
        let twice = format_aim(&ok(aim(&once)));
        assert_eq!(twice, once);
    }
}

#[test]
fn comments_do_not_change_meaning() {
    let p = ok(aim(COMMENTED));
    let stripped: String = COMMENTED
        .lines()
        .map(|l| match l.find('#') {
            Some(h) => &l[..h],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(ok(aim(&stripped)), p);
}

#[test]
fn yaml_carries_the_comments() {
    let p = ok(aim(COMMENTED));
    let text = emit_yaml(&p);
    let mut want = comments_of(COMMENTED);
    let mut got = comments_of(&text);
    want.sort();
    got.sort();
    assert_eq!(got, want, "YAML:\n{text}");
    assert_eq!(ok(common::yaml(&text)), p);
    insta::assert_snapshot!("commented_yaml", text);
}

#[test]
fn a_hash_in_a_string_is_not_a_comment() {
    let p = ok(aim(
        "pipeline \"p #1\" { description = \"# not a comment\" }\n",
    ));
    assert!(p.comments.is_empty());
    assert_eq!(
        format_aim(&p),
        "pipeline \"p #1\" {\n  description = \"# not a comment\"\n}\n"
    );
}
