//! Output files that never replace an input and are never left half-written.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{cleanup, FileError};

/// Device and inode: the file itself, whatever the name or link that reaches it.
fn identity(path: &Path) -> Option<(u64, u64)> {
    fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Whether two paths are the same existing file (device and inode, links followed).
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let a = dir.path().join("a.csv");
/// std::fs::write(&a, "x")?;
/// let b = dir.path().join("b.csv");
/// std::fs::hard_link(&a, &b)?;
/// assert!(lmr::files::same_file(&a, &b));
/// assert!(!lmr::files::same_file(&a, &dir.path().join("c.csv")));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn same_file(a: &Path, b: &Path) -> bool {
    matches!((identity(a), identity(b)), (Some(x), Some(y)) if x == y)
}

/// The input that is the file `id`, if any. `-` stands for standard input; a directory stands
/// for every file in it (a `--ranges` directory).
fn input_matching(id: (u64, u64), inputs: &[&Path]) -> Option<PathBuf> {
    for &input in inputs {
        let p = if input == Path::new("-") {
            Path::new("/dev/stdin")
        } else {
            input
        };
        if identity(p) == Some(id) {
            return Some(if p == Path::new("/dev/stdin") {
                PathBuf::from("standard input")
            } else {
                input.to_path_buf()
            });
        }
        if p.is_dir() {
            let entries = fs::read_dir(p).into_iter().flatten().flatten();
            if let Some(e) = entries
                .into_iter()
                .find(|e| identity(&e.path()) == Some(id))
            {
                return Some(e.path());
            }
        }
    }
    None
}

/// Refuses an output (a regular file that exists) that is one of the inputs.
fn refuse_input(output: &Path, dest: &Path, inputs: &[&Path]) -> Result<(), FileError> {
    match identity(dest).and_then(|id| input_matching(id, inputs)) {
        Some(input) => Err(FileError::SameFile {
            output: output.to_path_buf(),
            input,
        }),
        None => Ok(()),
    }
}

/// Refuses a standard output redirected onto one of the inputs (`lmr batch x.csv >> x.csv`
/// would read its own output without end).
///
/// # Errors
/// [`FileError::SameFile`] naming `standard output`.
///
/// ```
/// use std::path::Path;
///
/// // a test's standard output is a pipe, not the input file
/// assert!(lmr::files::refuse_stdout_onto_input(&[Path::new("cohort.csv")]).is_ok());
/// ```
pub fn refuse_stdout_onto_input(inputs: &[&Path]) -> Result<(), FileError> {
    let stdout = Path::new("/dev/stdout");
    match fs::metadata(stdout) {
        Ok(m) if m.is_file() => refuse_input(Path::new("standard output"), stdout, inputs),
        _ => Ok(()),
    }
}

/// Refuses a standard output that was closed ([`FileError::StdoutClosed`]: writes would vanish)
/// or that is one of `inputs` ([`refuse_stdout_onto_input`]).
///
/// ```
/// // a test's standard output is open, and not the input file
/// assert!(lmr::files::check_stdout(&[std::path::Path::new("cohort.csv")]).is_ok());
/// ```
pub fn check_stdout(inputs: &[&Path]) -> Result<(), FileError> {
    if stdout_is_closed() {
        return Err(FileError::StdoutClosed);
    }
    refuse_stdout_onto_input(inputs)
}

/// Whether standard output was closed when lmr started (`lmr check … >&-`).
///
/// The Rust runtime reopens a closed standard output onto `/dev/null` (read-write), so writes
/// would succeed and vanish; this tells that apart from a `> /dev/null` redirection, which a
/// shell opens write-only. Linux only (`/proc`); elsewhere it answers `false`.
///
/// ```
/// // a test's standard output is a pipe, open for writing
/// assert!(!lmr::files::stdout_is_closed());
/// ```
pub fn stdout_is_closed() -> bool {
    if !Path::new("/proc/self/fdinfo").is_dir() {
        return false;
    }
    let Ok(out) = fs::metadata("/proc/self/fd/1") else {
        return true; // no file descriptor 1 at all
    };
    let null = fs::metadata("/dev/null").ok().map(|m| m.rdev());
    if Some(out.rdev()) != null || out.is_file() {
        return false;
    }
    // `flags:` is octal; the access mode is its low two bits (2 = O_RDWR).
    let info = fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .is_some_and(|flags| flags & 3 == 2)
}

/// A file being written: see the [module documentation](super).
///
/// ```
/// use std::io::Write;
/// use lmr::files::{FileError, OutputFile};
///
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("cohort.csv");
/// std::fs::write(&input, "id\n1\n")?;
/// let target = dir.path().join("results.csv");
///
/// let mut out = OutputFile::create(&target, &[input.as_path()])?;
/// assert_eq!(out.path(), target);
/// out.write_all(b"id,lm_ratio\n1,0.06\n")?;
/// assert!(!target.exists()); // nothing in place until committed
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&target)?, "id,lm_ratio\n1,0.06\n");
///
/// // dropped without commit: the target is left as it was
/// let mut out = OutputFile::create(&target, &[input.as_path()])?;
/// out.write_all(b"half a row")?;
/// drop(out);
/// assert_eq!(std::fs::read_to_string(&target)?, "id,lm_ratio\n1,0.06\n");
///
/// // an input is never an output
/// let e = OutputFile::create(&input, &[input.as_path()]).err().unwrap();
/// assert!(matches!(e, FileError::SameFile { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Writes are not buffered: wrap it in a [`std::io::BufWriter`] for many small writes. Dropping
/// it without [`OutputFile::commit`] removes the temporary file and leaves the target as it was.
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    /// A regular file (new or existing): a temporary file renamed onto `dest`.
    Temp {
        // Dropped in order: the file is removed, then its registration.
        file: tempfile::NamedTempFile,
        dest: PathBuf,
        registered: Registered,
    },
    /// Not a regular file (`/dev/null`, a named pipe): written in place, never replaced.
    Special(File),
    /// Standard output (`-`).
    Stdout(io::Stdout),
}

impl OutputFile {
    /// Prepares to write `target`, refusing it if it is the same file as any of `inputs`
    /// (`-` = standard input; a directory = every file in it). A `target` of `-` is standard
    /// output, refused when it is closed or one of `inputs` ([`check_stdout`]).
    ///
    /// A symbolic link is written through: the file it points to is replaced, with its own
    /// permissions, and the link stays. A link to nothing is refused.
    ///
    /// # Errors
    /// [`FileError::SameFile`], [`FileError::IsDirectory`], [`FileError::DanglingLink`], or
    /// [`FileError::Io`] when the temporary file cannot be made (a missing or read-only
    /// directory).
    ///
    /// ```
    /// use lmr::files::{FileError, OutputFile};
    ///
    /// let dir = tempfile::tempdir()?;
    /// let e = OutputFile::create(dir.path(), &[]).err().unwrap();
    /// assert!(matches!(e, FileError::IsDirectory { .. }));
    /// assert!(OutputFile::create(&dir.path().join("no/such/dir/out.csv"), &[]).is_err());
    /// # if !lmr::files::check_stdout(&[]).is_ok() { return Ok(()) } // a closed stdout
    /// assert_eq!(OutputFile::create("-".as_ref(), &[])?.path(), std::path::Path::new("-"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(target: &Path, inputs: &[&Path]) -> Result<OutputFile, FileError> {
        if target == Path::new("-") {
            check_stdout(inputs)?;
            let inner = Inner::Stdout(io::stdout());
            return Ok(OutputFile {
                target: target.to_path_buf(),
                inner,
            });
        }
        let io = |action, source| FileError::Io {
            path: target.to_path_buf(),
            action,
            source,
        };
        let is_link = fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
        let dest = if is_link {
            fs::canonicalize(target).map_err(|_| FileError::DanglingLink(target.to_path_buf()))?
        } else {
            target.to_path_buf()
        };
        let permissions = match fs::metadata(&dest) {
            Ok(m) if m.is_dir() => return Err(FileError::IsDirectory(target.to_path_buf())),
            Ok(m) if !m.is_file() => {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(&dest)
                    .map_err(|e| io("write output", e))?;
                return Ok(OutputFile {
                    target: target.to_path_buf(),
                    inner: Inner::Special(file),
                });
            }
            Ok(m) => {
                refuse_input(target, &dest, inputs)?;
                Some(m.permissions())
            }
            Err(_) => None,
        };
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // A short name (`.lmr` + 6 random characters + `.tmp`), so any name valid for the target
        // leaves room for it; mode 0666 less the umask for a new file, as a plain create gives.
        let file = tempfile::Builder::new()
            .prefix(".lmr")
            .suffix(".tmp")
            .rand_bytes(6)
            .permissions(Permissions::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(|e| io("write output", e))?;
        cleanup::register(file.path());
        let registered = Registered(file.path().to_path_buf());
        if let Some(p) = permissions {
            // Exactly the replaced file's mode (not subject to the umask).
            fs::set_permissions(file.path(), p).map_err(|e| io("write output", e))?;
        }
        Ok(OutputFile {
            target: target.to_path_buf(),
            inner: Inner::Temp {
                file,
                dest,
                registered,
            },
        })
    }

    /// The path as given (shown with [`OutputFile`]).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let target = dir.path().join("out.csv");
    /// let out = lmr::files::OutputFile::create(&target, &[])?;
    /// assert_eq!(out.path(), target); // the path as given, not the temporary file's
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Writes a whole text and puts the file in place ([`OutputFile::commit`]).
    ///
    /// # Errors
    /// [`FileError::Io`] naming the path; the target is then unchanged.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("out.txt");
    /// lmr::files::OutputFile::create(&path, &[])?.write_text("done\n")?;
    /// assert_eq!(std::fs::read_to_string(&path)?, "done\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_text(mut self, text: &str) -> Result<(), FileError> {
        self.write_all(text.as_bytes())
            .map_err(|source| FileError::Io {
                path: self.target.clone(),
                action: "write",
                source,
            })?;
        self.commit()
    }

    /// Puts the finished file in place (renames the temporary file onto the target).
    ///
    /// # Errors
    /// [`FileError::Io`] when the last write or the rename fails; the target is then unchanged.
    /// (Shown with [`OutputFile`].)
    ///
    /// ```
    /// use std::io::Write;
    /// let dir = tempfile::tempdir()?;
    /// let target = dir.path().join("out.csv");
    /// let mut out = lmr::files::OutputFile::create(&target, &[])?;
    /// out.write_all(b"id\n")?;
    /// assert!(!target.exists()); // nothing in place until committed
    /// out.commit()?;
    /// assert_eq!(std::fs::read_to_string(&target)?, "id\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn commit(mut self) -> Result<(), FileError> {
        let target = self.target.clone();
        let io = |action, source| FileError::Io {
            path: target.clone(),
            action,
            source,
        };
        self.flush().map_err(|e| io("write output", e))?;
        match self.inner {
            Inner::Special(_) | Inner::Stdout(_) => Ok(()),
            Inner::Temp {
                file,
                dest,
                registered,
            } => {
                let result = file
                    .persist(&dest)
                    .map(drop)
                    .map_err(|e| io("put the finished output in place at", e.error));
                drop(registered);
                result
            }
        }
    }
}

/// A temporary file's place in the list removed on a signal, left when dropped.
#[derive(Debug)]
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        cleanup::unregister(&self.0);
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Temp { file, .. } => file.write(buf),
            Inner::Special(f) => f.write(buf),
            Inner::Stdout(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Temp { file, .. } => file.write_all(buf),
            Inner::Special(f) => f.write_all(buf),
            Inner::Stdout(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Temp { file, .. } => file.flush(),
            Inner::Special(f) => f.flush(),
            Inner::Stdout(out) => out.flush(),
        }
    }
}
