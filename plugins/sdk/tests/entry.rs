//! The entry point when the plugin cannot describe itself (null), and a plugin without
//! estimators (no fit or predict in its table).

use aimass_plugin_sdk::__private::{entry, Exported, PluginCell};
use aimass_plugin_sdk::{
    api, Outputs, Param, Plugin, Result, Transform, TransformCall, TransformSpec,
};

struct Echo {
    bins_default: i64,
}

impl Transform for Echo {
    fn spec(&self) -> TransformSpec {
        TransformSpec::new("echo")
            .input("input", "")
            .output("output", "")
            .param(Param::int("bins").default(self.bins_default).range(2, 10))
    }

    fn run(&self, mut call: TransformCall) -> Result<Outputs> {
        Ok(Outputs::new().frame("output", call.input("input")?))
    }
}

aimass_plugin_sdk::export_plugin! {
    name: "echo",
    version: "0.1.0",
    transforms: [Echo { bins_default: 5 }],
}

#[test]
fn a_plugin_without_estimators_has_no_fit_or_predict() {
    let table = aimass_plugin_v1(api::ABI_VERSION);
    assert!(!table.is_null());
    // SAFETY: the plugin's static table.
    let table = unsafe { &*table };
    assert!(table.transform.is_some());
    assert!(table.fit.is_none() && table.predict.is_none());
}

struct Contradiction;

impl Exported for Contradiction {
    fn cell() -> &'static PluginCell {
        static CELL: PluginCell = PluginCell::new();
        &CELL
    }

    fn build() -> Plugin {
        Plugin::new("bad", "0.1.0").transform(Echo { bins_default: 50 })
    }
}

struct Panics;

impl Exported for Panics {
    fn cell() -> &'static PluginCell {
        static CELL: PluginCell = PluginCell::new();
        &CELL
    }

    fn build() -> Plugin {
        panic!("cannot build")
    }
}

#[test]
fn an_invalid_spec_gives_a_null_table() {
    assert!(entry::<Contradiction>(1).is_null());
    let error = Contradiction::build().descriptor().expect_err("invalid");
    assert_eq!(error.param_name(), Some("bins"));
    assert_eq!(
        error.message(),
        "plugin `bad`: transform `echo`: default 50 is outside the range"
    );
}

#[test]
fn a_panic_while_building_gives_a_null_table() {
    assert!(entry::<Panics>(1).is_null());
    assert!(entry::<Panics>(1).is_null(), "and stays null");
}
