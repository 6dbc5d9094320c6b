//! Temporary files to remove if the process is stopped by a signal.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary outputs not yet renamed into place.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while holding the lock leaves the list itself intact.
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) fn register(path: &Path) {
    pending().push(path.to_path_buf());
}

pub(super) fn unregister(path: &Path) {
    pending().retain(|p| p != path);
}

/// Removes lmr's temporary output files when the process gets SIGINT, SIGTERM or SIGHUP, then
/// ends it as that signal would have (so the shell sees the same status).
///
/// Call once, early in `main`. A watcher thread ([`signal_hook::iterator::Signals`]) does the
/// work, outside the signal handler, so it may take the lock and call the file system.
///
/// # Errors
/// When the signal handlers cannot be installed.
///
/// ```
/// // installs the handlers; a temporary output made afterwards is removed on SIGINT/SIGTERM/SIGHUP
/// assert!(lmr::files::remove_on_signal().is_ok());
/// ```
pub fn remove_on_signal() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("lmr-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until exit: no new temporary file is registered after the sweep.
                let list = pending();
                for p in list.iter() {
                    let _ = std::fs::remove_file(p);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}
