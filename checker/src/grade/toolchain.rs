//! The Rust toolchain and dependency cache the build uses, found once on
//! the host. Inside the sandbox there is no rustup proxy and no home
//! directory: the toolchain's own `cargo` and `rustc` run from a read-only
//! bind, against a read-only copy of the registry, offline.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::GradeError;

/// Where the build's tools and dependencies are on the host.
#[derive(Clone, Debug)]
pub(crate) struct Toolchain {
    /// The toolchain's root (`rustc --print sysroot`).
    pub sysroot: PathBuf,
    /// Its `cargo`, relative to `sysroot` where it lives there.
    pub cargo: PathBuf,
    /// `$CARGO_HOME`: the registry the build reads.
    pub cargo_home: PathBuf,
}

impl Toolchain {
    /// `$CARGO` (set by `cargo run`) or `cargo` on `PATH` picks the
    /// toolchain, rustup overrides included; its sysroot supplies the real
    /// binaries.
    pub fn find() -> Result<Toolchain, GradeError> {
        let cargo = std::env::var_os("CARGO")
            .map(PathBuf::from)
            .unwrap_or_else(|| "cargo".into());
        let beside = cargo.parent().map(|dir| dir.join("rustc"));
        let rustc = beside
            .filter(|p| p.is_file())
            .unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc)
            .args(["--print", "sysroot"])
            .output()
            .map_err(GradeError::Toolchain)?;
        if !output.status.success() {
            return Err(GradeError::Toolchain(std::io::Error::other(format!(
                "`{} --print sysroot` failed: {}",
                rustc.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))));
        }
        let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let own = sysroot.join("bin/cargo");
        let cargo = if own.is_file() { own } else { which(&cargo) };
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .ok_or_else(|| {
                GradeError::Toolchain(std::io::Error::other(
                    "neither CARGO_HOME nor HOME is set, so the dependency cache is unknown",
                ))
            })?;
        Ok(Toolchain {
            sysroot,
            cargo,
            cargo_home,
        })
    }

    /// `cargo` as seen from `sysroot_inside`, where the sysroot is bound.
    pub fn cargo_inside(&self, sysroot_inside: &Path) -> PathBuf {
        match self.cargo.strip_prefix(&self.sysroot) {
            Ok(rel) => sysroot_inside.join(rel),
            Err(_) => self.cargo.clone(),
        }
    }
}

/// `program` resolved on `PATH`, or as given.
fn which(program: &Path) -> PathBuf {
    if program.components().count() > 1 {
        return program.to_path_buf();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| program.to_path_buf())
}
