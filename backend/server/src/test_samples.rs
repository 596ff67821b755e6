//! The sample charts for tests (Synthea's FHIR R4 bundles). One file for the library's unit
//! tests (`crate::test_samples`) and the API tests (`tests/api/main.rs` includes it by path).

use std::path::{Path, PathBuf};

/// The sample bundles, sorted by file name: the shared samples (`PORTAL_FHIR_SAMPLES`, else
/// `shared/fhir-samples` beside the repository), or, where there are none, the three copied into
/// the repository (the demo's two and a test fixture, in the same order as the shared ones begin).
pub fn fhir_samples() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = std::env::var_os("PORTAL_FHIR_SAMPLES")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            manifest.join("../../../shared/fhir-samples"),
            PathBuf::from("/work/shared/fhir-samples"),
        ])
        .find(|dir| dir.is_dir());
    match shared {
        Some(dir) => json_files_in(&dir),
        None => {
            eprintln!("no shared/fhir-samples found: using the three sample charts in the repository");
            let mut files = json_files_in(&manifest.join("data/demo-charts"));
            files.extend(json_files_in(&manifest.join("tests/fixtures/fhir")));
            files
        }
    }
}

fn json_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("the sample bundles at {}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}
