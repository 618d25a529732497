#![allow(clippy::unwrap_used)]
use std::time::Instant;
use aimass_dsl::{ir::SourceFormat, *};
#[test]
fn bench() {
    let mut aim = String::from("pipeline \"big\" {\n  seed = 1\n}\n");
    let mut i = 0;
    while aim.len() < 10 << 20 {
        aim.push_str(&format!(
            "\n# stage {i}\nstage s{i}: model {{\n  input = s{}\n  depth = {i}\n  rate = 0.{i}\n  \
             tags = [\"a\", \"b\", lift(10%)]\n  space {{ d = 2..12, l = [1, 2, 3] }}\n  \
             require {{ roc_auc >= 0.8 }}\n}}\n",
            i.max(1) - 1
        ));
        i += 1;
    }
    let nc: String = aim.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    for (name, t) in [("with comments", &aim), ("no comments", &nc)] {
        let s = Instant::now();
        let p = parse(&SourceFile::new("x.aim", t.clone(), SourceFormat::Aim)).unwrap();
        let e = s.elapsed();
        let s = Instant::now();
        drop(p);
        eprintln!("{name}: parse {e:?} drop {:?}", s.elapsed());
    }
}
