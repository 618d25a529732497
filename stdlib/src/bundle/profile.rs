//! A bundle's training profile (`profile.json`): read and checked against the manifest's
//! hash like the model. Bundles deployed before profiles existed have none; they still open
//! and score, and drift is then unavailable.

use aimass_engine::StageError;

use super::codes::TAMPERED;
use super::files::io_error;
use super::manifest::blake3_hex;
use super::open::Bundle;
use crate::drift::Profile;

/// The bundle's profile, `None` when it was deployed without one.
pub fn open_profile(bundle: &Bundle) -> Result<Option<Profile>, StageError> {
    let Some(file) = &bundle.manifest.profile else {
        return Ok(None);
    };
    let path = bundle.dir.join(&file.file);
    let bytes = std::fs::read(&path).map_err(|e| io_error("read", &path, e))?;
    let actual = blake3_hex(&bytes);
    if actual != file.blake3 {
        return Err(StageError::new(format!(
            "{} does not match its manifest: its blake3 hash is {actual}, the manifest records {}",
            path.display(),
            file.blake3
        ))
        .code(TAMPERED)
        .help(
            "the bundle was changed after it was deployed; deploy it again rather than editing it",
        ));
    }
    Profile::from_bytes(&bytes, &path.display().to_string()).map(Some)
}
