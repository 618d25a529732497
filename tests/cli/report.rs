//! `aimass report`: the page of a run of the telco example holds every plot, `--run` picks a
//! run, bad requests are diagnosed, and the page renders in headless Chromium.

use std::path::Path;

use crate::harness::{Outcome, Project};

fn report(p: &Project, args: &[&str]) -> (Outcome, String) {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output", "out.html"]);
    let out = p.run(&all);
    let page = std::fs::read_to_string(p.dir.path().join("out.html")).unwrap_or_default();
    (out, page)
}

fn has_plot(page: &str, id: &str, class: &str) -> bool {
    page.contains(&format!(r#"<svg id="{id}" class="plot {class}""#))
}

/// The run ids of a project, oldest first.
fn run_ids(p: &Project) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(p.dir.path().join(".aimass/runs"))
        .unwrap()
        .flatten()
        .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort_by_key(|id| {
        let mut parts = id.split('-').map(|x| x.parse::<u64>().unwrap());
        (parts.next().unwrap(), parts.next().unwrap())
    });
    ids
}

#[test]
fn the_campaign_report_has_every_plot_and_no_outside_reference() {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "campaign.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (out, page) = report(&p, &["campaign.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("wrote the report of run"), "{out:?}");
    assert!(has_plot(&page, "timeline", "timeline"));
    for stage in ["tree_eval", "logit_eval"] {
        for (prefix, class) in [
            ("roc", "roc"),
            ("gains", "gains"),
            ("lift", "lift"),
            ("confusion", "confusion"),
        ] {
            assert!(
                has_plot(&page, &format!("{prefix}-{stage}"), class),
                "no {prefix} plot of {stage}"
            );
        }
    }
    assert!(has_plot(&page, "importance-tree", "importance"));
    assert!(has_plot(&page, "coefficients-logit", "coefficients"));
    // Every stage of the run is on the timeline, with its CPU time and memory in the table.
    for stage in ["raw", "base", "parts", "tidy", "tree", "logit", "ship"] {
        assert!(page.contains(&format!("<td>{stage}</td>")), "{stage}");
    }
    assert!(page.contains("peak memory"));
    // The gates, judged.
    assert!(page.contains("roc_auc &gt;= 0.75: met"), "tree_eval's gate");
    assert!(page.contains("lift@10% &gt;= 2: met"), "logit_eval's gate");
    // Self-contained: nothing to fetch, nothing to run.
    for outside in ["<script", "<link", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(outside), "the page holds {outside}");
    }
    // The ROC plot's AUC is the stage's own.
    let metrics = p.run(&["metrics", "campaign.aim", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&metrics.stdout).unwrap();
    let auc = json["tree_eval"]["roc_auc"].as_f64().unwrap();
    assert!(page.contains(&format!("AUC {auc:.3}")), "AUC {auc}");
    // A first run has nothing to compare with.
    assert!(page.contains("No earlier result"));
    // `show` prints the same coefficients the page plots.
    let logit = p.run(&["show", "campaign.aim", "logit"]);
    assert_eq!(logit.code, 0, "{logit:?}");
    assert!(
        logit
            .stdout
            .contains("coefficients (coefficient of the log-odds of "),
        "{logit:?}"
    );
    assert!(logit.stdout.contains("(intercept)"), "{logit:?}");
}

#[test]
fn tuning_and_boosting_reports_show_trials_and_importance() {
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "tuning.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (out, page) = report(&p, &["tuning.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(has_plot(&page, "trials-tuned", "trials"));
    assert!(has_plot(&page, "importance-tuned", "importance"));
    assert!(has_plot(&page, "roc-tuned_eval", "roc"));
    let top = &page[page.find("<table class=\"top-configurations\"").unwrap()..];
    let top = &top[..top.find("</table>").unwrap()];
    assert_eq!(
        top.matches("<tr>").count(),
        1 + 5,
        "header and five configurations"
    );
    assert!(top.contains("max_depth = "));

    let out = p.run(&["run", "boosting.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (out, page) = report(&p, &["boosting.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(has_plot(&page, "importance-gb", "importance"));
    assert!(page.contains(" splits</title>"), "gbdt split counts");
    assert!(has_plot(&page, "coefficients-logit", "coefficients"));
    assert!(has_plot(&page, "trials-gb_tuned", "trials"));
    for stage in ["gb_eval", "gb_tuned_eval", "blend_eval"] {
        assert!(has_plot(&page, &format!("roc-{stage}"), "roc"), "{stage}");
    }
    // The fused model has no importance of its own, and says so.
    assert!(page.contains("has no feature importance or coefficients"));
}

#[test]
fn run_picks_a_run_and_the_comparison_shows_the_previous_result() {
    let p = Project::new().with_example("telco-retention");
    let first = p.run(&["run", "campaign.aim", "--quiet", "--only", "tree_eval"]);
    assert_eq!(first.code, 0, "{first:?}");
    let second = p.run(&[
        "run",
        "campaign.aim",
        "--quiet",
        "--only",
        "tree_eval",
        "--set",
        "depth=3",
    ]);
    assert_eq!(second.code, 0, "{second:?}");
    let ids = run_ids(&p);
    assert_eq!(ids.len(), 2);

    let (out, latest) = report(&p, &["campaign.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(latest.contains(&format!(r#"<code id="run-id">{}</code>"#, ids[1])));
    assert!(!latest.contains("No earlier result"));
    // tree_eval's roc_auc before (depth 6) and now (depth 3), as `metrics --diff` has them.
    let diff = p.run(&["metrics", "campaign.aim", "--diff", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    let auc = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stage"] == "tree_eval" && r["metric"] == "roc_auc")
        .unwrap();
    let (old, new) = (auc["old"].as_f64().unwrap(), auc["new"].as_f64().unwrap());
    assert_ne!(old, new);
    assert!(
        latest.contains(&format!(
            "<td>tree_eval</td><td>roc_auc</td><td class=\"num\">{old:.4}</td><td class=\"num\">{new:.4}</td>"
        )),
        "the comparison row"
    );

    let (out, earlier) = report(&p, &["campaign.aim", "--run", &ids[0]]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(earlier.contains(&format!(r#"<code id="run-id">{}</code>"#, ids[0])));
    assert!(earlier.contains("No earlier result"));
    assert!(earlier.contains(&format!("AUC {old:.3}")));
}

#[test]
fn bad_requests_are_diagnosed() {
    let p = Project::new().with_example("telco-retention");
    // Never run: nothing to report yet.
    let (out, _) = report(&p, &["campaign.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("aimass::report::run"), "{out:?}");
    assert!(
        out.stderr.contains("has no run to report on yet"),
        "{out:?}"
    );
    assert!(out.stderr.contains("aimass run campaign.aim"), "{out:?}");
    assert!(!p.dir.path().join("out.html").exists());

    let run = p.run(&["run", "tuning.aim", "--quiet", "--only", "tidy"]);
    assert_eq!(run.code, 0, "{run:?}");
    let ids = run_ids(&p);
    // An id that names no run.
    let (out, _) = report(&p, &["tuning.aim", "--run", "12-34"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("there is no run 12-34"), "{out:?}");
    assert!(
        out.stderr.contains(&ids[0]),
        "lists the runs there are: {out:?}"
    );
    // Another pipeline's run.
    let (out, _) = report(&p, &["campaign.aim", "--run", &ids[0]]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("is a run of pipeline `telco-tuning`"),
        "{out:?}"
    );
    // An invalid pipeline file.
    p.file("broken.aim", "pipeline \"x\" {\nstage a: nosuchkind {}\n");
    let (out, _) = report(&p, &["broken.aim"]);
    assert_eq!(out.code, 2, "{out:?}");
}

/// Chromium, when installed (`.ci/run` installs Debian's `chromium` in CI).
fn chromium() -> Option<String> {
    for name in ["chromium", "chromium-browser"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Share of pixels that are not (near) white, and the number of distinct colours.
fn ink(png_path: &Path) -> (f64, usize) {
    let image = crate::png::decode(&std::fs::read(png_path).unwrap());
    assert!(
        image.width >= 1000 && image.height >= 1000,
        "{}x{}",
        image.width,
        image.height
    );
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0usize;
    let total = image.pixels.len() / image.channels;
    for px in image.pixels.chunks(image.channels) {
        let (r, g, b) = (px[0], px[1], px[2]);
        colours.insert((r, g, b));
        if r < 235 || g < 235 || b < 235 {
            inked += 1;
        }
    }
    (inked as f64 / total as f64, colours.len())
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing in CI: .ci/run installs it"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let p = Project::new().with_example("telco-retention");
    let out = p.run(&["run", "campaign.aim", "--quiet"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (out, page) = report(&p, &["campaign.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    let plots = page.matches("<svg id=").count();
    assert!(plots >= 11, "{plots} plots");
    let shot = p.dir.path().join("shot.png");
    let url = format!("file://{}", p.dir.path().join("out.html").display());
    let run = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--hide-scrollbars",
            &format!("--screenshot={}", shot.display()),
            "--window-size=1100,2400",
            &url,
        ])
        .env("HOME", p.dir.path())
        .output()
        .unwrap();
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    if let Ok(keep) = std::env::var("AIMASS_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    let (share, colours) = ink(&shot);
    // Text, axes and bars cover a few percent of the page; a blank page or a page that did
    // not load (Chromium's error page is one flat colour with little text) does not.
    assert!(share > 0.03, "{share} of the pixels drawn");
    assert!(colours > 50, "{colours} colours");
}
