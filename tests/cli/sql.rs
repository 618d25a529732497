//! collect { sql } through the binary: SQLite files the tests create, and a real PostgreSQL
//! server (`.ci/run` starts one and sets AIMASS_TEST_POSTGRES_URL). Types, `refresh`,
//! early cutoff for dependents, every error a user can make as a diagnostic at the line,
//! and the password kept out of everything aimass writes.

use std::path::Path;

use crate::harness::{Outcome, Project};

fn sqlite_crm(p: &Project) {
    let db = rusqlite::Connection::open(p.path("crm.db")).unwrap();
    db.execute_batch(
        "create table customers (id integer primary key, name text, spend real, \
           visits integer, active boolean, note blob);
         insert into customers values (1, 'Ann', 120.5, 3, 1, null), (2, 'Bo', null, 7, 0, null),
           (3, null, 8, null, 1, null), (4, 'Di', 42.25, 1, null, x'00ff');",
    )
    .unwrap();
}

const COUNT: &str = r#"
stage n: clean {
  input = crm
  derive = { one = "1" }
}
"#;

fn pipeline(collect_body: &str) -> String {
    format!("pipeline \"crm\" {{ }}\n\nstage crm: collect {{\n{collect_body}\n}}\n{COUNT}")
}

/// stderr with miette's wrapped message lines joined, so a needle may span a wrap.
fn flat(stderr: &str) -> String {
    stderr.replace("\n  | ", " ")
}

fn stage_line<'a>(out: &'a Outcome, stage: &str) -> &'a str {
    out.stdout
        .lines()
        .find(|l| l.starts_with(&format!("{stage} ")))
        .unwrap_or_else(|| panic!("no line for {stage}: {out:?}"))
}

#[test]
fn sqlite_rows_arrive_typed_and_refresh_decides_when_to_ask_again() {
    let p = Project::new();
    sqlite_crm(&p);
    p.file(
        "p.aim",
        pipeline(
            "  sql = \"select id, name, spend, visits, active from customers order by id\"\n  connection = \"sqlite://crm.db\"",
        ),
    );
    let out = p.run(&["run", "p.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    p.run(&["show", "p.aim", "crm", "--output", "crm.csv"]);
    let csv = std::fs::read_to_string(p.path("crm.csv")).unwrap();
    assert_eq!(
        csv,
        "id,name,spend,visits,active\n1,Ann,120.5,3,true\n2,Bo,,7,false\n3,,8.0,,true\n4,Di,42.25,1,\n",
        "integers, text, reals (8 stored as an integer joins them as 8.0), booleans, nulls"
    );

    // refresh = always (the default): the query runs again; its rows did not change, so the
    // stage after it stays cached (early cutoff).
    let again = p.run(&["run", "p.aim"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(stage_line(&again, "crm").contains(" done "), "{again:?}");
    assert!(stage_line(&again, "n").contains("cached"), "{again:?}");
    let plan = p.run(&["plan", "p.aim"]);
    assert!(plan.stdout.contains("refresh = always"), "{plan:?}");

    // New rows: the dependent runs too.
    rusqlite::Connection::open(p.path("crm.db"))
        .unwrap()
        .execute(
            "insert into customers values (5, 'Ed', 1.0, 1, 1, null)",
            [],
        )
        .unwrap();
    let changed = p.run(&["run", "p.aim"]);
    assert!(stage_line(&changed, "n").contains(" done "), "{changed:?}");

    // refresh = never, or a duration not yet passed: the cached result stands.
    for refresh in ["never", "24h", "\"1h\""] {
        p.file(
            "p.aim",
            pipeline(&format!(
                "  sql = \"select id, name from customers\"\n  connection = \"sqlite://crm.db\"\n  refresh = {refresh}"
            )),
        );
        let first = p.run(&["run", "p.aim"]);
        assert_eq!(first.code, 0, "{refresh}: {first:?}");
        let second = p.run(&["run", "p.aim"]);
        assert!(
            stage_line(&second, "crm").contains("cached"),
            "{refresh}: {second:?}"
        );
    }
    // A duration that has passed: asked again (entry ages count whole seconds).
    p.file(
        "p.aim",
        pipeline("  sql = \"select id from customers\"\n  connection = \"sqlite://crm.db\"\n  refresh = 1s"),
    );
    assert_eq!(p.run(&["run", "p.aim"]).code, 0);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let plan = p.run(&["plan", "p.aim"]);
    assert!(
        plan.stdout
            .contains("cached result older than its refresh (1s)"),
        "{plan:?}"
    );
    let stale = p.run(&["run", "p.aim"]);
    assert!(stage_line(&stale, "crm").contains(" done "), "{stale:?}");
}

fn expect_error(p: &Project, body: &str, code: &str, needles: &[&str]) -> Outcome {
    p.file("bad.aim", pipeline(body));
    let out = p.run(&["run", "bad.aim"]);
    assert_ne!(out.code, 0, "{body}: {out:?}");
    assert!(out.stderr.contains(code), "{body}: wanted {code}: {out:?}");
    for n in needles {
        assert!(
            flat(&out.stderr).contains(n),
            "{body}: wanted {n:?}: {out:?}"
        );
    }
    out
}

#[test]
fn sqlite_mistakes_are_diagnostics_at_the_line() {
    let p = Project::new();
    sqlite_crm(&p);
    let c = "  connection = \"sqlite://crm.db\"";
    expect_error(
        &p,
        &format!("  sql = \"selec id from customers\"\n{c}"),
        "aimass::sql::syntax",
        &[
            "SQLite rejected the query: near \"selec\": syntax error",
            "^^|^^",
        ],
    );
    expect_error(
        &p,
        &format!("  sql = \"select id from clients\"\n{c}"),
        "aimass::sql::unknown_object",
        &["no such table: clients"],
    );
    expect_error(
        &p,
        &format!("  sql = \"select nme from customers\"\n{c}"),
        "aimass::sql::unknown_object",
        &["no such column: nme"],
    );
    expect_error(
        &p,
        &format!("  sql = \"select note from customers\"\n{c}"),
        "aimass::sql::unsupported_type",
        &["column `note` holds a BLOB", "hex(note)"],
    );
    expect_error(
        &p,
        "  sql = \"select id from customers\"\n  connection = \"sqlite://nowhere.db\"",
        "aimass::sql::connect",
        &["no such file"],
    );
    expect_error(
        &p,
        &format!(
            "  sql = \"select case when id > 2 then 'x' else 1 end as mixed from customers\"\n{c}"
        ),
        "aimass::sql::unsupported_type",
        &["mixes text and numbers", "CAST(mixed AS TEXT)"],
    );
}

#[test]
fn check_refuses_what_cannot_work_before_any_query() {
    let p = Project::new();
    let cases = [
        ("  sql = \"select 1\"", "`sql` needs a `connection`"),
        (
            "  source = \"a.csv\"\n  sql = \"select 1\"\n  connection = \"sqlite://x.db\"",
            "`source` and `sql` cannot both be given",
        ),
        (
            "  source = \"a.csv\"\n  refresh = never",
            "`refresh` only applies to `sql`",
        ),
        (
            "  sql = \"select 1\"\n  connection = \"postgres://ann:hunter2@db/crm\"",
            "the connection string holds a password (postgres://ann:***@db/crm)",
        ),
        (
            "  sql = \"select 1\"\n  connection = \"mysql://db/crm\"",
            "is not a database URL aimass knows",
        ),
        (
            "  sql = \"select 1\"\n  connection = env(\"X\")\n  delimiter = \";\"",
            "`delimiter` is for files",
        ),
        (
            "  sql = \"select 1\"\n  connection = envv(\"X\")",
            "did you mean `env`",
        ),
        ("", "`collect` needs `source` (files) or `sql` (a query)"),
    ];
    for (body, needle) in cases {
        p.file("c.aim", pipeline(body));
        let out = p.run(&["check", "c.aim"]);
        assert_eq!(out.code, 2, "{body}: {out:?}");
        assert!(
            flat(&out.stderr).contains(needle),
            "{body}: wanted {needle:?}: {out:?}"
        );
        assert!(!out.stderr.contains("hunter2"), "{out:?}");
    }
    p.file(
        "e.aim",
        pipeline("  sql = \"select 1\"\n  connection = env(\"AIMASS_TEST_UNSET_URL\")"),
    );
    let unset = p.run(&["run", "e.aim"]);
    assert_eq!(unset.code, 1, "{unset:?}");
    assert!(
        flat(&unset.stderr).contains("environment variable AIMASS_TEST_UNSET_URL is not set"),
        "{unset:?}"
    );
}

/// The server `.ci/run` starts; outside CI the PostgreSQL tests say they were skipped.
fn postgres_url() -> Option<String> {
    match std::env::var("AIMASS_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI must run the PostgreSQL tests: .ci/run sets AIMASS_TEST_POSTGRES_URL")
        }
        _ => {
            eprintln!("skipped: set AIMASS_TEST_POSTGRES_URL (as .ci/run does) to run it");
            None
        }
    }
}

fn password_of(url: &str) -> String {
    let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
    let userinfo = authority.rsplit_once('@').unwrap().0;
    userinfo.split_once(':').unwrap().1.to_string()
}

/// Every file aimass wrote under `dir`, as text where it is text.
fn written(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    out
}

#[test]
fn postgres_rows_by_binary_copy_with_the_password_kept_out_of_everything() {
    let Some(url) = postgres_url() else { return };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "drop table if exists aimass_customers;
             create table aimass_customers (id bigint, small smallint, name text, code char(2),
               spend numeric(10,2), score double precision, ratio real, active boolean,
               since date, seen timestamp, tag uuid);
             insert into aimass_customers values
               (1, 2, 'Ann', 'AB', 120.50, 0.25, 0.5, true, '2026-01-31', '2026-02-01 10:30:00.5',
                '00010203-0405-0607-0809-0a0b0c0d0e0f'),
               (2, null, null, null, -3.75, null, null, false, null, null, null);",
        )
        .unwrap();
    let p = Project::new();
    p.file(
        "p.aim",
        pipeline(
            "  sql = \"select * from aimass_customers order by id\"\n  connection = env(\"CRM_DATABASE_URL\")",
        ),
    );
    let run = |args: &[&str]| {
        Outcome::from(
            p.command(args)
                .env("CRM_DATABASE_URL", &url)
                .output()
                .unwrap(),
        )
    };
    let out = run(&["run", "p.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    let shown = run(&["show", "p.aim", "crm", "--output", "crm.csv"]);
    assert_eq!(shown.code, 0, "{shown:?}");
    assert_eq!(
        std::fs::read_to_string(p.path("crm.csv")).unwrap(),
        "id,small,name,code,spend,score,ratio,active,since,seen,tag\n\
         1,2,Ann,AB,120.5,0.25,0.5,true,2026-01-31,2026-02-01T10:30:00.500000,00010203-0405-0607-0809-0a0b0c0d0e0f\n\
         2,,,,-3.75,,,false,,,\n"
    );
    let again = run(&["run", "p.aim"]);
    assert!(stage_line(&again, "n").contains("cached"), "{again:?}");

    // The password is nowhere in what aimass wrote: cache, lock file, run records.
    let report = run(&["report", "p.aim"]);
    assert_eq!(report.code, 0, "{report:?}");
    let pw = password_of(&url);
    for (path, text) in written(&p.path("")) {
        assert!(!text.contains(&pw), "the password is in {path}");
    }

    let pg = |body: &str, code: &str, needles: &[&str], conn: &str| {
        p.file("bad.aim", pipeline(body));
        let out = Outcome::from(
            p.command(&["run", "bad.aim"])
                .env("CRM_DATABASE_URL", conn)
                .output()
                .unwrap(),
        );
        assert_eq!(out.code, 1, "{body}: {out:?}");
        assert!(out.stderr.contains(code), "{body}: wanted {code}: {out:?}");
        for n in needles {
            assert!(
                flat(&out.stderr).contains(n),
                "{body}: wanted {n:?}: {out:?}"
            );
        }
        assert!(
            !out.stderr.contains(&pw),
            "{body}: the password leaked: {out:?}"
        );
    };
    let env = "  connection = env(\"CRM_DATABASE_URL\")";
    pg(
        &format!("  sql = \"select id frm aimass_customers\"\n{env}"),
        "aimass::sql::syntax",
        &[
            "syntax error at or near \"aimass_customers\" (SQLSTATE 42601)",
            "^^^^^^^^|^^^^^^^",
        ],
        &url,
    );
    pg(
        &format!("  sql = \"select id from nowhere_table\"\n{env}"),
        "aimass::sql::unknown_object",
        &["relation \"nowhere_table\" does not exist"],
        &url,
    );
    pg(
        &format!("  sql = \"select idd from aimass_customers\"\n{env}"),
        "aimass::sql::unknown_object",
        &["column \"idd\" does not exist"],
        &url,
    );
    pg(
        &format!("  sql = \"select array[1, 2] as pair\"\n{env}"),
        "aimass::sql::unsupported_type",
        &["column `pair` has type _int4", "pair::text AS pair"],
        &url,
    );
    let wrong = url.replacen(&format!(":{pw}@"), ":not-the-password@", 1);
    pg(
        &format!("  sql = \"select 1 as one\"\n{env}"),
        "aimass::sql::auth",
        &[
            "password authentication failed",
            "user aimass",
            "CRM_DATABASE_URL",
        ],
        &wrong,
    );
    // A port nothing listens on: named, with host and database, password hidden.
    let (userinfo, rest) = url.rsplit_once('@').unwrap();
    let (host, db) = (
        rest.split(':').next().unwrap(),
        rest.split_once('/').unwrap().1,
    );
    let closed = format!("{userinfo}@{host}:1/{db}");
    pg(
        &format!("  sql = \"select 1 as one\"\n{env}"),
        "aimass::sql::connect",
        &["cannot connect to PostgreSQL (host 127.0.0.1, port 1, database postgres"],
        &closed,
    );
}

#[test]
fn the_sqlite_example_scores_the_customer_base_into_a_campaign_list() {
    let p = Project::new().with_example("sqlite-crm");
    let out = p.run(&["run", "campaign.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    let list = std::fs::read_to_string(p.path("out/retention_campaign.csv")).unwrap();
    let mut lines = list.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("customer_id,tenure,contract,monthly_charges,prediction,"),
        "{header}"
    );
    // 10% of the 5,174 customers who stayed, to the nearest row.
    assert_eq!(lines.count(), 517, "{list:.300}");
    let again = p.run(&["run", "campaign.aim"]);
    assert!(
        stage_line(&again, "campaign_list").contains("cached"),
        "{again:?}"
    );
}

fn export_pipeline(to: &str, extra: &str) -> String {
    format!(
        "pipeline \"out\" {{ }}\n\nstage crm: collect {{\n  source = \"crm.csv\"\n}}\n\n\
         stage out: export {{\n  input = crm\n  to = {to}\n{extra}\n}}\n"
    )
}

const CRM_CSV: &str = "id,name,spend,active\n1,Ann,120.5,true\n2,Bo,,false\n3,,8.0,true\n";

#[test]
fn export_to_a_sqlite_table_replaces_appends_or_refuses_and_is_rewritten_when_dropped() {
    let p = Project::new();
    p.file("crm.csv", CRM_CSV);
    let conn = "  connection = \"sqlite://out/campaign.db\"";
    p.file("e.aim", export_pipeline("table(\"campaign\")", conn));
    let out = p.run(&["run", "e.aim"]);
    assert_eq!(out.code, 0, "{out:?}");
    let db = || rusqlite::Connection::open(p.path("out/campaign.db")).unwrap();
    let rows = |db: &rusqlite::Connection| -> Vec<(i64, Option<String>, Option<f64>, bool)> {
        let mut st = db
            .prepare("select id, name, spend, active from campaign order by id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        rows(&db()),
        vec![
            (1, Some("Ann".into()), Some(120.5), true),
            (2, Some("Bo".into()), None, false),
            (3, None, Some(8.0), true),
        ]
    );
    let again = p.run(&["run", "e.aim"]);
    assert!(stage_line(&again, "out").contains("cached"), "{again:?}");
    // The table dropped behind aimass's back: the next run writes it again.
    db().execute("drop table campaign", []).unwrap();
    let restored = p.run(&["run", "e.aim"]);
    assert!(
        stage_line(&restored, "out").contains(" done "),
        "{restored:?}"
    );
    assert_eq!(rows(&db()).len(), 3);

    // mode = fail refuses an existing table and leaves it.
    p.file(
        "e.aim",
        export_pipeline("table(\"campaign\")", &format!("{conn}\n  mode = fail")),
    );
    let refused = p.run(&["run", "e.aim"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        flat(&refused.stderr).contains("table \"campaign\" exists and mode = fail"),
        "{refused:?}"
    );
    assert_eq!(rows(&db()).len(), 3);
    // mode = append adds the rows; the cached result stands while they are there.
    p.file(
        "e.aim",
        export_pipeline("table(\"campaign\")", &format!("{conn}\n  mode = append")),
    );
    assert_eq!(p.run(&["run", "e.aim"]).code, 0);
    assert_eq!(rows(&db()).len(), 6);
    let cached = p.run(&["run", "e.aim"]);
    assert!(stage_line(&cached, "out").contains("cached"), "{cached:?}");

    for (extra, needle) in [
        ("", "a table needs a `connection`"),
        (
            "  connection = \"sqlite://x.db\"\n  format = csv",
            "`format` is for files",
        ),
    ] {
        p.file("c.aim", export_pipeline("table(\"t\")", extra));
        let out = p.run(&["check", "c.aim"]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(flat(&out.stderr).contains(needle), "{needle}: {out:?}");
    }
    // A database outside the project is not written, as a file there would not be.
    let outside = p.path("../aimass-outside-test.db");
    p.file(
        "o.aim",
        export_pipeline(
            "table(\"t\")",
            &format!("  connection = \"sqlite://{}\"", outside.display()),
        ),
    );
    let out = p.run(&["run", "o.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("aimass::path::outside"), "{out:?}");
    assert!(!outside.exists());
    p.file("c.aim", export_pipeline("\"out/x.csv\"", "  mode = append"));
    let out = p.run(&["check", "c.aim"]);
    assert!(
        flat(&out.stderr).contains("`mode` is for tables"),
        "{out:?}"
    );
}

#[test]
fn export_to_a_postgres_table_in_one_transaction() {
    let Some(url) = postgres_url() else { return };
    let p = Project::new();
    p.file("crm.csv", CRM_CSV);
    p.file(
        "e.aim",
        export_pipeline(
            "table(\"aimass_campaign\")",
            "  connection = env(\"CRM_DATABASE_URL\")",
        ),
    );
    let run = || {
        Outcome::from(
            p.command(&["run", "e.aim"])
                .env("CRM_DATABASE_URL", &url)
                .output()
                .unwrap(),
        )
    };
    let out = run();
    assert_eq!(out.code, 0, "{out:?}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let got: Vec<(i64, Option<String>, Option<f64>, bool)> = client
        .query(
            "select id, name, spend, active from aimass_campaign order by id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, Some("Ann".into()), Some(120.5), true),
            (2, Some("Bo".into()), None, false),
            (3, None, Some(8.0), true),
        ]
    );
    let again = run();
    assert!(stage_line(&again, "out").contains("cached"), "{again:?}");
    client.batch_execute("drop table aimass_campaign").unwrap();
    let restored = run();
    assert!(
        stage_line(&restored, "out").contains(" done "),
        "{restored:?}"
    );
    let pw = password_of(&url);
    for (path, text) in written(&p.path("")) {
        assert!(!text.contains(&pw), "the password is in {path}");
    }
}

#[test]
fn a_failed_export_leaves_the_old_table_as_it_was() {
    // The table was made by someone else, with a rule the third row breaks: rows 1 and 2
    // are inserted, row 3 fails, and the transaction takes them back.
    let p = Project::new();
    p.file("crm.csv", CRM_CSV);
    std::fs::create_dir_all(p.path("out")).unwrap();
    let db = rusqlite::Connection::open(p.path("out/campaign.db")).unwrap();
    db.execute_batch(
        "create table campaign (id integer, name text not null, spend real, active boolean);
         insert into campaign values (0, 'Old', 1.0, 1);",
    )
    .unwrap();
    p.file(
        "e.aim",
        export_pipeline(
            "table(\"campaign\")",
            "  connection = \"sqlite://out/campaign.db\"\n  mode = append",
        ),
    );
    let out = p.run(&["run", "e.aim"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        flat(&out.stderr).contains("NOT NULL constraint failed"),
        "{out:?}"
    );
    let names: Vec<String> = db
        .prepare("select name from campaign order by id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(names, vec!["Old".to_string()]);
}
