//! `export_plugin!`: the one line that turns a crate into an aimass plugin.
//!
//! It stays thin on purpose: it declares a type that knows where the plugin's cell is and
//! how to build the plugin, and the `#[no_mangle]` entry point; the table and every function
//! in it are ordinary SDK code (`ffi`), generic over that type.

/// Exports the plugin: generates `aimass_plugin_v1`, the entry symbol the host looks up.
///
/// ```ignore
/// aimass_plugin_sdk::export_plugin! {
///     name: "rfm",
///     version: env!("CARGO_PKG_VERSION"),
///     transforms: [Segment::default()],
///     estimators: [],
/// }
/// ```
///
/// `transforms` and `estimators` may each be left out. Use it once per crate, at its root.
#[macro_export]
macro_rules! export_plugin {
    (
        name: $name:expr,
        version: $version:expr
        $(, transforms: [$($transform:expr),* $(,)?])?
        $(, estimators: [$($estimator:expr),* $(,)?])?
        $(,)?
    ) => {
        #[doc(hidden)]
        pub struct __AimassExportedPlugin;

        impl $crate::__private::Exported for __AimassExportedPlugin {
            fn cell() -> &'static $crate::__private::PluginCell {
                static CELL: $crate::__private::PluginCell = $crate::__private::PluginCell::new();
                &CELL
            }

            fn build() -> $crate::Plugin {
                $crate::Plugin::new($name, $version)
                    $($(.transform($transform))*)?
                    $($(.estimator($estimator))*)?
            }
        }

        /// The aimass plugin entry point (`aimass_plugin_api::ENTRY_SYMBOL`).
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "C" fn aimass_plugin_v1(
            host_abi_version: u32,
        ) -> *const $crate::api::PluginTable {
            $crate::__private::entry::<__AimassExportedPlugin>(host_abi_version)
        }
    };
}
