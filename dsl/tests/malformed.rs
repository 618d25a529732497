//! No input may panic or overflow the stack: every one returns `Ok` or `Err`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use aimass_dsl::parse_value;
use common::{aim, yaml, TELCO_AIM, TELCO_YAML};

/// The start of a message that may quote a 100 kB line.
fn head(message: &str) -> String {
    message.chars().take(400).collect()
}

/// Runs both front ends (and `parse_value`) on `text`; they may fail, never panic.
fn survive(text: &str) {
    let _ = aim(text);
    let _ = yaml(text);
    let _ = parse_value(text);
}

#[test]
fn empty_and_blank_inputs_are_errors() {
    for text in ["", " ", "\n\n", "\t \r\n", "# only a comment\n"] {
        assert!(aim(text).is_err(), "{text:?}");
        assert!(yaml(text).is_err(), "{text:?}");
    }
}

#[test]
fn truncations_of_full_examples() {
    for full in [TELCO_AIM, TELCO_YAML] {
        let cuts = (0..full.len())
            .step_by(7)
            .filter(|i| full.is_char_boundary(*i));
        for cut in cuts {
            survive(&full[..cut]);
        }
    }
}

#[test]
fn stray_characters() {
    let strays = [
        "@", "$", "`", "\\", "\"", "'", "}", "]", ")", "{", "[", "(", ":", "=", "==", ">=", "..",
        "%", "-", ".", ",", "#", "&", "*", "!", "|", ">", "?", "\u{0}", "\u{FEFF}", "é", "💥",
    ];
    for stray in strays {
        survive(stray);
        for (i, _) in TELCO_AIM.match_indices('\n').step_by(3) {
            survive(&format!("{}{stray}{}", &TELCO_AIM[..i], &TELCO_AIM[i..]));
        }
        for (i, _) in TELCO_YAML.match_indices('\n').step_by(3) {
            survive(&format!("{}{stray}{}", &TELCO_YAML[..i], &TELCO_YAML[i..]));
        }
    }
}

/// A fixed-seed linear congruential generator: reproducible garbage without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }
}

#[test]
fn binary_garbage() {
    let mut rng = Lcg(0x5eed);
    for len in [1, 2, 3, 8, 64, 512, 4096] {
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next()).collect();
            survive(&String::from_utf8_lossy(&bytes));
        }
    }
    // Garbage made of the languages' own punctuation finds deeper paths than random bytes.
    let alphabet = b"{}[]()=:,.\"#\\-% \n\tab_1e>!&*|'?";
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..40)
            .map(|_| alphabet[usize::from(rng.next()) % alphabet.len()])
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        survive(&text);
        survive(&format!("pipeline \"x\" {{}}\nstage s: k {{ v = {text} }}"));
        survive(&format!(
            "pipeline: x\nstages:\n  s:\n    kind: k\n    v: {text}\n"
        ));
    }
}

#[test]
fn deep_nesting_is_a_diagnostic() {
    for open in ["[", "{", "("] {
        let deep = open.repeat(100_000);
        let in_stage = format!("pipeline \"x\" {{}}\nstage s: k {{ v = {deep} }}");
        let message = common::err(aim(&in_stage));
        assert!(
            message.contains("nesting is too deep"),
            "{}",
            head(&message)
        );
        assert!(yaml(&deep).is_err());
        assert!(parse_value(&deep).is_err());
    }
    let yaml_deep = format!("pipeline: x\nparams:\n  v: {}\n", "[".repeat(100_000));
    let message = common::err(yaml(&yaml_deep));
    assert!(message.contains("too deep"), "{}", head(&message));
    // Block-style nesting, one level per line.
    let mut block = String::from("pipeline: x\nparams:\n");
    for depth in 1..200 {
        block.push_str(&"  ".repeat(depth));
        block.push_str("k:\n");
    }
    assert!(yaml(&block).is_err());
}

#[test]
fn aliases_cannot_explode() {
    let mut text = String::from("pipeline: x\nparams:\n  a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let message = common::err(yaml(&text));
    assert!(message.contains("too large"), "{}", head(&message));
}

/// A pipeline of about `bytes` bytes in both forms.
fn big_pipeline(bytes: usize) -> (String, String) {
    let mut aim = String::from("pipeline \"big\" {\n  seed = 1\n}\n");
    let mut yaml = String::from("pipeline: big\nseed: 1\nstages:\n");
    let mut i = 0;
    while aim.len() < bytes {
        aim.push_str(&format!(
            "\n# stage {i}\nstage s{i}: model {{\n  input = s{}\n  depth = {i}\n  rate = 0.{i}\n  \
             tags = [\"a\", \"b\", lift(10%)]\n  space {{ d = 2..12, l = [1, 2, 3] }}\n  \
             require {{ roc_auc >= 0.8 }}\n}}\n",
            i.max(1) - 1
        ));
        yaml.push_str(&format!(
            "  s{i}:\n    kind: model\n    input: s{}\n    depth: {i}\n    rate: 0.{i}\n    \
             tags: [\"a\", \"b\", lift(10%)]\n    space: {{d: 2..12, l: [1, 2, 3]}}\n    \
             require:\n      - roc_auc >= 0.8\n",
            i.max(1) - 1
        ));
        i += 1;
    }
    (aim, yaml)
}

#[test]
fn ten_megabytes_parse_quickly() {
    let (aim_text, yaml_text) = big_pipeline(10 << 20);
    // Generous bounds: tests run unoptimized and in parallel with others.
    let limit = Duration::from_secs(60);
    let start = Instant::now();
    let p = common::ok(aim(&aim_text));
    let aim_time = start.elapsed();
    assert!(p.stages.len() > 50_000);
    let start = Instant::now();
    let q = common::ok(yaml(&yaml_text));
    let yaml_time = start.elapsed();
    assert_eq!(p.stages.len(), q.stages.len());
    eprintln!("10 MB: .aim {aim_time:?}, YAML {yaml_time:?}");
    assert!(
        aim_time < limit && yaml_time < limit,
        "{aim_time:?} {yaml_time:?}"
    );
}

#[test]
fn unicode_everywhere() {
    let texts = [
        "pipeline \"ünï ☃\" { description = \"日本語 💥\" }\n",
        "pipeline \"x\" {}\nstage é: k {}\n",
        "pipeline \"x\" {}\nstage s: k { v = 日本 }\n",
        "pipeline \"x\" {}\nstage s: k { v = \"\u{202E}\u{2028}\" }\n",
        "pipeline: ünï ☃\ndescription: 日本語 💥\n",
        "pipeline: x\nstages:\n  é:\n    kind: k\n",
        "pipeline: x\nstages:\n  s:\n    kind: k\n    v: 日本\n",
        "pipeline: x\nstages:\n  s:\n    kind: 日本\n",
    ];
    for text in texts {
        survive(text);
    }
    assert!(aim(texts[0]).is_ok());
    assert!(aim(texts[1]).is_err());
    assert!(aim(texts[2]).is_err());
    assert!(yaml(texts[4]).is_ok());
    assert!(yaml(texts[5]).is_err());
    // A plain YAML scalar that is not a value is a string.
    assert!(yaml(texts[6]).is_ok());
    assert!(yaml(texts[7]).is_err());
}

/// A value nested `depth` deep, mixing all three kinds of bracket (calls recurse deepest).
fn nested(depth: usize) -> String {
    let mut open = String::new();
    let mut close = String::new();
    for i in 0..depth {
        let (o, c) = [("[", "]"), ("f(", ")"), ("{ k = ", " }")][i % 3];
        open.push_str(o);
        close.insert_str(0, c);
    }
    format!("{open}1{close}")
}

#[test]
fn nesting_up_to_the_limit_parses() {
    assert!(parse_value(&nested(64)).is_ok());
    assert!(parse_value(&nested(65)).is_err());
    // The stage's braces count: 1 + 63.
    let text = format!("pipeline \"p\" {{}}\nstage s: k {{ v = {} }}\n", nested(63));
    let p = common::ok(aim(&text));
    let again = aimass_dsl::format_aim(&p);
    assert_eq!(common::ok(aim(&again)), p);
    let text = format!("pipeline \"p\" {{}}\nstage s: k {{ v = {} }}\n", nested(64));
    let message = common::err(aim(&text));
    assert!(
        message.contains("nesting is too deep"),
        "{}",
        head(&message)
    );
}

/// Small random edits of the examples: never a panic, and whatever parses round-trips.
#[test]
fn mutations_of_examples() {
    let alphabet: Vec<char> = "{}[]()=:,.\"'#\\-%&*!|>?@` \n\n\t  ab_1e<~é"
        .chars()
        .collect();
    let mut rng = common::generate::Lcg(3);
    for i in 0..3000 {
        let mut text: Vec<char> = [TELCO_AIM, TELCO_YAML][i % 2].chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(text.len() + 1);
            if rng.below(2) == 0 && at < text.len() {
                text.remove(at);
            } else {
                text.insert(at, alphabet[rng.below(alphabet.len())]);
            }
        }
        let text: String = text.into_iter().collect();
        match yaml(&text) {
            Err(e) => {
                let _ = aimass_dsl::render::plain(&e);
            }
            Ok(p) => assert_eq!(common::ok(aim(&aimass_dsl::format_aim(&p))), p, "{text}"),
        }
        let Ok(p) = aim(&text) else {
            continue;
        };
        let formatted = aimass_dsl::format_aim(&p);
        let again = common::ok(aim(&formatted));
        assert_eq!(again, p, "{text}");
        assert_eq!(aimass_dsl::format_aim(&again), formatted, "{text}");
        if common::yaml_expressible(&p) {
            assert_eq!(common::ok(yaml(&aimass_dsl::emit_yaml(&p))), p, "{text}");
        }
    }
}
