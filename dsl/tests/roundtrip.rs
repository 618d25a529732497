//! One meaning, two forms: printing and reading back loses nothing.
#![allow(clippy::unwrap_used)]

mod common;

use aimass_dsl::ir::{CmpOp, Ident, Pipeline, Span, Value, ValueKind};
use aimass_dsl::{emit_yaml, format_aim};
use common::generate::{self, Lcg, Options};
use common::{aim, ok, yaml, TELCO_AIM, TELCO_YAML};

/// `format_aim` re-reads to the same IR and is a fixed point; so is `emit_yaml`.
fn assert_round_trips(p: &Pipeline) {
    let text = format_aim(p);
    let again = match aim(&text) {
        Ok(q) => q,
        Err(e) => panic!("{}\n--- formatted:\n{text}", aimass_dsl::render::plain(&e)),
    };
    assert_eq!(&again, p, "aim -> IR changed the pipeline:\n{text}");
    assert_eq!(format_aim(&again), text, "format_aim is not idempotent");

    let text = emit_yaml(p);
    let again = match yaml(&text) {
        Ok(q) => q,
        Err(e) => panic!("{}\n--- emitted:\n{text}", aimass_dsl::render::plain(&e)),
    };
    assert_eq!(&again, p, "YAML -> IR changed the pipeline:\n{text}");
    // YAML loading reads the comments back, so they survive the trip.
    assert_eq!(emit_yaml(&again), text, "emit_yaml is not idempotent");
}

#[test]
fn both_example_forms_mean_the_same() {
    let from_aim = ok(aim(TELCO_AIM));
    let from_yaml = ok(yaml(TELCO_YAML));
    assert_eq!(from_aim, from_yaml);
    assert_round_trips(&from_aim);
    assert_round_trips(&from_yaml);
}

#[test]
fn canonical_example() {
    let p = ok(aim(TELCO_AIM));
    insta::assert_snapshot!("telco_formatted", format_aim(&p));
    insta::assert_snapshot!("telco_yaml", emit_yaml(&p));
    insta::assert_snapshot!("telco_yaml_formatted", format_aim(&ok(yaml(TELCO_YAML))));
}

#[test]
fn aim_to_yaml_to_aim() {
    let p = ok(aim(TELCO_AIM));
    let back = ok(yaml(&emit_yaml(&p)));
    assert_eq!(back, p);
}

#[test]
fn generated_pipelines_round_trip() {
    let mut rng = Lcg(7);
    for _ in 0..300 {
        let p = generate::pipeline(
            &mut rng,
            Options {
                odd_comparisons: false,
            },
        );
        assert_round_trips(&p);
    }
}

#[test]
fn generated_pipelines_with_odd_comparisons_round_trip_in_aim() {
    let mut rng = Lcg(11);
    for _ in 0..200 {
        let p = generate::pipeline(
            &mut rng,
            Options {
                odd_comparisons: true,
            },
        );
        let text = format_aim(&p);
        let again = ok(aim(&text));
        assert_eq!(again, p, "{text}");
        assert_eq!(format_aim(&again), text);
    }
}

#[test]
fn formatting_rules() {
    let source = r#"
pipeline "p" {}
stage s: k {
  short = [1, 2, 3]
  long = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc", "dddddddddddddddddddd"]
  small { a = 1, b = 2 }
  big = { first_key = "aaaaaaaaaaaaaaaaaaaa", second_key = "bbbbbbbbbbbbbbbbbbbbb", third = 3 }
  nested = { inner { x = 1 } }
  maps = [{ a = 1 }, { b = 2 }]
  gate { roc_auc >= 0.80, lift(10%) >= 2 }
  long_gate = [roc_auc >= 0.8, f1 >= 0.7, precision >= 0.6, recall >= 0.5, accuracy >= 0.9999]
  empty_map = {}
  empty_list = []
  float = 1.0
  tiny = 1e-7
  text = "tab\t \"quote\" \u{1F600} \u{1}"
}
stage empty: noop {}
"#;
    let p = ok(aim(source));
    let formatted = format_aim(&p);
    insta::assert_snapshot!("formatting_rules", formatted);
    assert_round_trips(&p);
}

/// Hand-built IR, as the engine might build it, prints as valid text.
#[test]
fn built_ir_prints() {
    let mut p = ok(aim("pipeline \"p\" {}\nstage s: k {}\n"));
    let span = Span::default();
    p.stages[0].entries.push(aimass_dsl::ir::Entry {
        key: Ident::new("depth", span),
        value: Value::new(ValueKind::Int(8), span),
    });
    p.stages[0].entries.push(aimass_dsl::ir::Entry {
        key: Ident::new("gate", span),
        value: Value::new(
            ValueKind::List(vec![Value::new(
                ValueKind::Compare(
                    Box::new(Value::new(
                        ValueKind::Path(vec![Ident::new("f1", span)]),
                        span,
                    )),
                    CmpOp::Gt,
                    Box::new(Value::new(ValueKind::Float(0.5), span)),
                ),
                span,
            )]),
            span,
        ),
    });
    assert_eq!(
        format_aim(&p),
        "pipeline \"p\" {}\n\nstage s: k {\n  depth = 8\n  gate { f1 > 0.5 }\n}\n"
    );
    assert_round_trips(&p);
}

/// The two documented limits of the YAML form: they fail loudly or stay visible, and `.aim`
/// keeps them.
#[test]
fn yaml_limits() {
    let odd = ok(aim(
        "pipeline \"p\" {}\nstage s: k { gate = [\"a\" == x] }\n",
    ));
    let text = emit_yaml(&odd);
    assert!(text.contains(r#"- "\"a\" == x""#), "{text}");
    let back = ok(yaml(&text));
    let gate = &back.stages[0].entries[0].value;
    let ValueKind::List(items) = &gate.kind else {
        panic!("not a list");
    };
    assert_eq!(items[0].kind, ValueKind::Str("\"a\" == x".to_owned()));

    let null_name = ok(aim("pipeline \"p\" {}\nstage s: k { v = null }\n"));
    let message = common::err(yaml(&emit_yaml(&null_name)));
    assert!(message.contains("a value is required"), "{message}");
}
