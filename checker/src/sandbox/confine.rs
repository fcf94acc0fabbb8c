//! The child's last step before student code can act: once it has read its
//! inputs, it gives up the filesystem and the network (Landlock) and the
//! system calls that reach other processes or the kernel's attack surface
//! (seccomp). Both hold for every thread started afterwards, and nothing
//! can undo them.
//!
//! Landlock handles every filesystem access right this kernel knows with no
//! rule allowing any, so no path can be opened, `/proc/self/mem` included;
//! TCP bind and connect are handled the same way; signals and abstract Unix
//! sockets are scoped to the child. The seccomp filter answers `EPERM` to
//! the calls listed in [`DENIED`] and to every x32-ABI call, which would
//! otherwise reach the same kernel code under other numbers.

use serde::{Deserialize, Serialize};

/// How far the child confined itself, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confinement {
    /// Landlock's enforcement.
    pub landlock: Enforcement,
    /// Whether the seccomp filter is in place.
    pub seccomp: bool,
}

/// How much of a requested restriction the kernel enforces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enforcement {
    /// Everything requested.
    Full,
    /// Part of it (an older kernel).
    Partial,
    /// None of it (no Landlock, or not Linux).
    #[default]
    None,
}

/// The ABI whose rights the child requests: the newest the grading machines
/// run and the tests exercise. Newer kernels enforce all of it.
#[cfg(target_os = "linux")]
const ABI: landlock::ABI = landlock::ABI::V7;

/// System calls no check needs, refused with `EPERM`.
#[cfg(target_os = "linux")]
const DENIED: &[i64] = &[
    libc::SYS_ptrace,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_perf_event_open,
    libc::SYS_bpf,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_move_mount,
    libc::SYS_open_tree,
    libc::SYS_fsopen,
    libc::SYS_fsmount,
    libc::SYS_fsconfig,
    libc::SYS_pivot_root,
    libc::SYS_chroot,
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
    libc::SYS_userfaultfd,
    libc::SYS_kcmp,
    libc::SYS_pidfd_getfd,
];

/// Confines this process from here on (call it before starting threads).
#[cfg(target_os = "linux")]
pub fn confine() -> Confinement {
    Confinement {
        landlock: landlock(),
        seccomp: seccomp().is_ok(),
    }
}

/// Not Linux (a student's own machine): nothing to confine with.
#[cfg(not(target_os = "linux"))]
pub fn confine() -> Confinement {
    Confinement::default()
}

#[cfg(target_os = "linux")]
fn landlock() -> Enforcement {
    use landlock::{
        Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr, RulesetStatus,
        Scope,
    };
    let restricted = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(ABI))
        .and_then(|r| r.handle_access(AccessNet::from_all(ABI)))
        .and_then(|r| r.scope(Scope::from_all(ABI)))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self());
    match restricted.map(|status| status.ruleset) {
        Ok(RulesetStatus::FullyEnforced) => Enforcement::Full,
        Ok(RulesetStatus::PartiallyEnforced) => Enforcement::Partial,
        Ok(RulesetStatus::NotEnforced) | Err(_) => Enforcement::None,
    }
}

#[cfg(target_os = "linux")]
fn seccomp() -> Result<(), seccompiler::Error> {
    use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
    let arch = match std::env::consts::ARCH {
        "x86_64" => TargetArch::x86_64,
        "aarch64" => TargetArch::aarch64,
        "riscv64" => TargetArch::riscv64,
        other => return Err(seccompiler::BackendError::InvalidTargetArch(other.into()).into()),
    };
    let rules = DENIED.iter().map(|&nr| (nr, Vec::new())).collect();
    let refuse = SeccompAction::Errno(libc::EPERM as u32);
    let filter = SeccompFilter::new(rules, SeccompAction::Allow, refuse, arch)?;
    let mut program: BpfProgram = filter.try_into()?;
    if arch == TargetArch::x86_64 {
        refuse_x32(&mut program);
    }
    seccompiler::apply_filter_all_threads(&program)
}

/// Inserts, after the filter's architecture check (its first three
/// instructions), "if the call number has the x32 bit, refuse".
#[cfg(target_os = "linux")]
fn refuse_x32(program: &mut seccompiler::BpfProgram) {
    use seccompiler::sock_filter;
    const X32_BIT: u32 = 0x4000_0000;
    let insn = |code: u32, jt: u8, jf: u8, k: u32| sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    let check = [
        // A = seccomp_data.nr
        insn(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 0),
        // if A >= X32_BIT, fall through to the refusal; else skip it
        insn(libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K, 0, 1, X32_BIT),
        insn(
            libc::BPF_RET | libc::BPF_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        ),
    ];
    let at = 3.min(program.len());
    program.splice(at..at, check);
}
