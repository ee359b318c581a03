//! What the corpus tables share: where the corpus is, and the files of one of its folders.

use std::path::{Path, PathBuf};

/// The shared corpus (`CASHLINE_CORPUS`, else `../shared/corpus` beside the repository), or
/// `None`, said plainly, where it is absent.
pub fn corpus(table: &str) -> Option<PathBuf> {
    let path = std::env::var_os("CASHLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "NOTE: the corpus is absent at {}: the {table} table cannot run here",
            path.display()
        );
        None
    }
}

/// The files one level below each folder of `dir` whose name passes `keep`, as paths relative
/// to `dir`, sorted.
pub fn files_below(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for group in std::fs::read_dir(dir).unwrap() {
        let group = group.unwrap().path();
        for file in std::fs::read_dir(&group).unwrap() {
            let file = file.unwrap().path();
            if keep(&file) {
                found.push(file.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}
