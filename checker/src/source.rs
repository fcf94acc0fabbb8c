//! The student's source files, and checks that read them.
//!
//! The scan is a second signal beside a behavioural check, so it must be
//! precise (no use reported that the compiler would not see as one), never
//! crash (no recursion on nesting depth), and say so when it could not read
//! a file rather than vouch for it.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use std::time::SystemTime;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use serde::{Deserialize, Serialize};

/// One source file of a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path as the student knows it: `exercises/01_wait_n/src/lib.rs`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// A file that should have been scanned but could not be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    /// Path as the student knows it.
    pub path: String,
    /// Why, for people.
    pub reason: String,
}

/// The source files of one exercise as compiled.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    /// The files read.
    pub files: Vec<SourceFile>,
    /// Files that belong to the crate but could not be read (not UTF-8,
    /// gone, unreadable).
    pub unreadable: Vec<Unreadable>,
    /// Set when the files are a guess (every `.rs` under `src/`) rather than
    /// the compiler's own list, saying why.
    pub fallback: Option<String>,
}

impl Sources {
    /// The files the compiler read for the lib crate `krate` whose directory
    /// is `crate_dir`, from the newest `<krate>-<hash>.d` in `deps` (cargo's
    /// `target/<profile>/deps`) whose crate root is `src/lib.rs`. The
    /// compiler saw the crate at `compiled_as` (`/build/...` in the build's
    /// sandbox, else `crate_dir`). Files are named `prefix/<relative to
    /// crate_dir>`.
    ///
    /// Falls back to [`Sources::read`] of `src/` (and says why in
    /// [`Sources::fallback`]) when no such dep-info exists: a guess, since a
    /// stray file is read and a `#[path]` module outside `src/` is missed,
    /// but better than no scan.
    pub fn compiled(
        deps: &Path,
        krate: &str,
        crate_dir: &Path,
        compiled_as: &Path,
        prefix: &str,
    ) -> Sources {
        let mut candidates: Vec<(SystemTime, PathBuf)> = std::fs::read_dir(deps)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.strip_prefix(krate)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .and_then(|rest| rest.strip_suffix(".d"))
                    .is_some_and(|hash| hash.chars().all(|c| c.is_ascii_alphanumeric()))
            })
            .map(|entry| {
                let modified = entry.metadata().and_then(|m| m.modified());
                (modified.unwrap_or(SystemTime::UNIX_EPOCH), entry.path())
            })
            .collect();
        // Newest first; the name breaks ties so the choice is repeatable.
        candidates.sort_by(|a, b| b.cmp(a));
        for (_, dep_info) in &candidates {
            if let Ok(sources) = Sources::from_dep_info(dep_info, crate_dir, compiled_as, prefix) {
                return sources;
            }
        }
        let why = if candidates.is_empty() {
            format!("there is no {krate}-*.d in {}", deps.display())
        } else {
            format!(
                "no {krate}-*.d in {} has {}/src/lib.rs as its crate root",
                deps.display(),
                compiled_as.display()
            )
        };
        let mut sources = Sources::read(&crate_dir.join("src"), &format!("{prefix}/src"));
        sources.fallback = Some(format!(
            "every .rs file under src/ was read, as the compiler's list of files was not found: \
             {why}"
        ));
        sources
    }

    /// The `.rs` files a rustc dep-info file (`deps/<crate>-<hash>.d`) lists
    /// that lie inside `crate_dir`, named `prefix/<relative>`. Its first file
    /// is the crate root, which must be `src/lib.rs`; relative paths are
    /// relative to where rustc ran, found from that root. Paths are as the
    /// compiler saw them, with the crate at `compiled_as`; they are read at
    /// `crate_dir`.
    ///
    /// `.rs` files outside the crate (or reached through a link out of it)
    /// are never read, as the grader reads no other path a submission names,
    /// but are listed unreadable: the scan cannot vouch for them. Only `.rs`
    /// files count: the list does not say which were `include!`d as code and
    /// which as data (`include_str!("../README.md")`).
    ///
    /// # Errors
    ///
    /// When the dep-info cannot be read or its crate root is another file.
    pub fn from_dep_info(
        dep_info: &Path,
        crate_dir: &Path,
        compiled_as: &Path,
        prefix: &str,
    ) -> Result<Sources, String> {
        let text = std::fs::read_to_string(dep_info)
            .map_err(|e| format!("failed to read {}: {e}", dep_info.display()))?;
        let listed = dep_info_files(&text);
        let compiled_as = normalize(compiled_as);
        let root = compiled_as.join("src").join("lib.rs");
        let first = listed
            .first()
            .map(|p| normalize(p))
            .ok_or_else(|| format!("{} lists no files", dep_info.display()))?;
        // Where rustc ran: the crate root's path with the first file's
        // (relative) components taken off.
        let cwd = if first.is_absolute() {
            (first == root).then(PathBuf::new)
        } else if root.ends_with(&first) {
            let mut cwd = root.clone();
            for _ in first.components() {
                cwd.pop();
            }
            Some(cwd)
        } else {
            None
        };
        let cwd = cwd.ok_or_else(|| {
            format!(
                "{} is for the crate at {}, not {}",
                dep_info.display(),
                first.display(),
                root.display()
            )
        })?;
        let host_crate = crate_dir
            .canonicalize()
            .map_err(|e| format!("failed to read {}: {e}", crate_dir.display()))?;
        let mut sources = Sources::default();
        let mut seen = BTreeSet::new();
        for path in listed {
            let full = normalize(&cwd.join(path));
            if full.extension().is_none_or(|e| e != "rs") || !seen.insert(full.clone()) {
                continue;
            }
            let Ok(rel) = full.strip_prefix(&compiled_as) else {
                // Code of the crate the scan may not read: say so, rather
                // than vouch for it.
                let shown = full.strip_prefix(&cwd).unwrap_or(&full);
                sources.unreadable.push(Unreadable {
                    path: shown.to_string_lossy().replace('\\', "/"),
                    reason:
                        "it lies outside the exercise's directory, where the grader reads nothing"
                            .into(),
                });
                continue;
            };
            let name = format!("{prefix}/{}", rel.to_string_lossy().replace('\\', "/"));
            let host = crate_dir.join(rel);
            let reason = match host.canonicalize() {
                Ok(real) if real.starts_with(&host_crate) => {
                    sources.push(name, std::fs::read(&host));
                    continue;
                }
                Ok(_) => "it links outside the exercise's directory".to_owned(),
                Err(e) => format!("the compiler read it, but it cannot be opened now ({e})"),
            };
            sources.unreadable.push(Unreadable { path: name, reason });
        }
        Ok(sources)
    }

    /// Reads every `.rs` file under `src_dir`, naming each `prefix/<relative>`.
    /// A file that is not UTF-8 or cannot be read is listed as unreadable.
    pub fn read(src_dir: &Path, prefix: &str) -> Sources {
        let mut sources = Sources::default();
        for path in crate::files::files_under(src_dir) {
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src_dir).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            sources.push(format!("{prefix}/{rel}"), std::fs::read(&path));
        }
        sources
    }

    /// One file, named `path`.
    pub fn single(path: impl Into<String>, text: impl Into<String>) -> Sources {
        Sources {
            files: vec![SourceFile {
                path: path.into(),
                text: text.into(),
            }],
            ..Sources::default()
        }
    }

    fn push(&mut self, path: String, read: std::io::Result<Vec<u8>>) {
        match read.map(String::from_utf8) {
            Ok(Ok(text)) => self.files.push(SourceFile { path, text }),
            Ok(Err(_)) => self.unreadable.push(Unreadable {
                path,
                reason: "it is not UTF-8 text".into(),
            }),
            Err(e) => self.unreadable.push(Unreadable {
                path,
                reason: e.to_string(),
            }),
        }
    }
}

/// The files of a dep-info file's first rule (`target: file file ...`),
/// unescaped (`\ ` is a space in a path), in order.
fn dep_info_files(text: &str) -> Vec<PathBuf> {
    // A rule may continue over lines ending in a backslash.
    let mut rule = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || (rule.is_empty() && line.trim().is_empty()) {
            continue;
        }
        match line.strip_suffix('\\').filter(|l| !l.ends_with('\\')) {
            Some(continued) => {
                rule.push_str(continued);
                rule.push(' ');
            }
            None => {
                rule.push_str(line);
                break;
            }
        }
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = rule.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                word.push(' ');
                chars.next();
            }
            ' ' | '\t' => words.extend((!word.is_empty()).then(|| std::mem::take(&mut word))),
            _ => word.push(c),
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    // The target ends with the first word ending in an unescaped `:`.
    let Some(end) = words.iter().position(|w| w.ends_with(':')) else {
        return Vec::new();
    };
    words.drain(..=end);
    words.into_iter().map(PathBuf::from).collect()
}

/// `path` with `.` and `..` resolved without touching the filesystem.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// A place in the sources where an identifier is used.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// The identifier as written (`r#sort` stays `r#sort`).
    pub ident: String,
}

/// What a scan found, and what it could not read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    /// The uses, in file and source order.
    pub uses: Vec<Use>,
    /// Files not scanned: a scan with none of [`Scan::uses`] vouches only
    /// for the files it read.
    pub unreadable: Vec<Unreadable>,
}

/// Names whose purpose is putting values in order: the slice sorts and
/// `select_nth_unstable*` (a partial sort), `BinaryHeap`'s sorted outputs,
/// and itertools-style `sorted*`, `k_smallest*`, `k_largest*`. Not
/// `is_sorted*`, `binary_search*`, `min*`/`max*` or `min_set`: they check or
/// pick, and the behavioural check judges what is built from them.
const SORTS: &[&str] = &[
    "sort",
    "sort_by",
    "sort_by_key",
    "sort_by_cached_key",
    "sort_unstable",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "sort_floats",
    "select_nth_unstable",
    "select_nth_unstable_by",
    "select_nth_unstable_by_key",
    "into_sorted_vec",
    "into_iter_sorted",
    "drain_sorted",
    "sorted",
    "sorted_by",
    "sorted_by_key",
    "sorted_by_cached_key",
    "sorted_unstable",
    "sorted_unstable_by",
    "sorted_unstable_by_key",
    "k_smallest",
    "k_smallest_by",
    "k_smallest_by_key",
    "k_smallest_relaxed",
    "k_smallest_relaxed_by",
    "k_smallest_relaxed_by_key",
    "k_largest",
    "k_largest_by",
    "k_largest_by_key",
    "k_largest_relaxed",
    "k_largest_relaxed_by",
    "k_largest_relaxed_by_key",
];

/// Collections that keep their contents sorted: any mention counts.
const SORTED_COLLECTIONS: &[&str] = &["BinaryHeap", "BTreeMap", "BTreeSet"];

/// Macros of std and the exercises' dependencies that parse their input as
/// expressions, patterns or blocks: a bare name in them is a value, never a
/// method name (`println!("{:?}", sorted)` is fine). Unless the sources
/// define or rename a macro of that name.
const EXPRESSION_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "eprint",
    "eprintln",
    "format",
    "format_args",
    "join",
    "matches",
    "panic",
    "pin",
    "print",
    "println",
    "select",
    "stream",
    "todo",
    "try_join",
    "try_stream",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

/// Keywords: `if !(x)` and `return !(x)` are no macro calls.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match",
    "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// Calls of sorting methods and functions, and uses of self-sorting
/// collections.
///
/// Works on tokens, so comments, strings and doc text never match. A
/// [`SORTS`] name counts as a call (`.sort(`, `sort(`, `.sort::<`) or a path
/// (`::sort`), so a variable named `sorted` is fine; inside a macro's input
/// (and a `macro_rules!` body) any bare one counts, as the macro may build a
/// call from it (`call!(v, sort)` with `$v.$m()`), except in the
/// [`EXPRESSION_MACROS`] and as a metavariable (`$sort`). Raw identifiers
/// count as their name (`r#sort`). A file that does not tokenize (after the
/// BOM and a shebang line are removed, as rustc does) is listed unreadable.
pub fn sorting(sources: &Sources) -> Scan {
    let mut scan = Scan {
        uses: Vec::new(),
        unreadable: sources.unreadable.clone(),
    };
    let mut parsed = Vec::new();
    for file in &sources.files {
        match tokenize(&file.text) {
            Ok(tokens) => parsed.push((file, tokens)),
            Err(reason) => scan.unreadable.push(Unreadable {
                path: file.path.clone(),
                reason,
            }),
        }
    }
    // Names the sources give macros of their own (`macro_rules! vec`,
    // `use crate::call as println`): such a macro may build a call.
    let mut own_macros = BTreeSet::new();
    for (_, tokens) in &parsed {
        walk(
            tokens,
            |_, _| false,
            |level, i, _| {
                let defined = i >= 2
                    && punct(level.get(i - 1), '!')
                    && name(&level[i - 2]).as_deref() == Some("macro_rules");
                let renamed = i >= 1 && name(&level[i - 1]).as_deref() == Some("as");
                if defined || renamed {
                    own_macros.extend(name(&level[i]));
                }
            },
        );
    }
    let macro_input = |level: &[TokenTree], i: usize| {
        let invoked = i >= 2
            && punct(level.get(i - 1), '!')
            && name(&level[i - 2]).is_some_and(|n| {
                !KEYWORDS.contains(&n.as_str())
                    && (!EXPRESSION_MACROS.contains(&n.as_str()) || own_macros.contains(&n))
            });
        let rules = i >= 3
            && name(&level[i - 1]).is_some()
            && punct(level.get(i - 2), '!')
            && name(&level[i - 3]).as_deref() == Some("macro_rules");
        invoked || rules
    };
    for (file, tokens) in &parsed {
        walk(tokens, macro_input, |level, i, in_macro| {
            let TokenTree::Ident(ident) = &level[i] else {
                return;
            };
            let Some(name) = name(&level[i]) else {
                return;
            };
            let counts = if SORTED_COLLECTIONS.contains(&name.as_str()) {
                true
            } else if SORTS.contains(&name.as_str()) {
                let metavariable = i >= 1 && punct(level.get(i - 1), '$');
                let called = matches!(level.get(i + 1), Some(TokenTree::Group(g))
                    if g.delimiter() == Delimiter::Parenthesis);
                let turbofish = double_colon(level, i + 1) && punct(level.get(i + 3), '<');
                let path = i >= 2 && double_colon(level, i - 2);
                !metavariable && (called || turbofish || path || in_macro)
            } else {
                false
            };
            if counts {
                scan.uses.push(Use {
                    path: file.path.clone(),
                    line: ident.span().start().line,
                    ident: ident.to_string(),
                });
            }
        });
    }
    scan
}

/// The file's tokens as rustc would lex them: without a byte order mark
/// and a shebang line (its line break kept, so line numbers hold).
fn tokenize(text: &str) -> Result<TokenStream, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = &text[shebang_len(text)..];
    TokenStream::from_str(text).map_err(|e| {
        let at = e.span().start();
        format!(
            "it does not tokenize as Rust (line {}, column {}: {e})",
            at.line,
            at.column + 1
        )
    })
}

/// How many bytes of `text` are a shebang line, as rustc strips it
/// (<https://doc.rust-lang.org/reference/input-format.html#shebang-removal>):
/// a first line starting `#!`, unless what follows, past whitespace and
/// comments that are not doc comments, is `[` (an inner attribute). The
/// line break stays.
fn shebang_len(text: &str) -> usize {
    let Some(tail) = text.strip_prefix("#!") else {
        return 0;
    };
    let mut rest = tail;
    loop {
        let trimmed = rest.trim_start_matches(is_rust_whitespace);
        if let Some(after) = trimmed.strip_prefix("//") {
            let doc =
                (after.starts_with('/') && !after.starts_with("//")) || after.starts_with('!');
            if doc {
                rest = trimmed;
                break;
            }
            rest = after.find('\n').map_or("", |at| &after[at..]);
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            let doc =
                (after.starts_with('*') && !after.starts_with("**") && !after.starts_with("*/"))
                    || after.starts_with('!');
            if doc {
                rest = trimmed;
                break;
            }
            rest = skip_block_comment(after);
        } else {
            rest = trimmed;
            break;
        }
    }
    if rest.starts_with('[') {
        0
    } else {
        2 + tail.find('\n').unwrap_or(tail.len())
    }
}

/// What follows a block comment whose `/*` has been read: comments nest;
/// an unclosed one runs to the end.
fn skip_block_comment(mut text: &str) -> &str {
    let mut depth = 1usize;
    while depth > 0 {
        let open = text.find("/*");
        let close = text.find("*/");
        match (open, close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                text = &text[o + 2..];
            }
            (_, Some(c)) => {
                depth -= 1;
                text = &text[c + 2..];
            }
            (_, None) => return "",
        }
    }
    text
}

/// Rust's whitespace (`Pattern_White_Space`).
fn is_rust_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{B}'
            | '\u{C}'
            | '\r'
            | ' '
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Visits every token in source order with an explicit stack (no recursion,
/// so nesting depth cannot overflow the stack), as `each(level, i,
/// in_macro)`: `level` holds the token and its siblings. A group's contents
/// are in a macro's input when its parent's are, or `macro_input(level, i)`.
fn walk(
    tokens: &TokenStream,
    macro_input: impl Fn(&[TokenTree], usize) -> bool,
    mut each: impl FnMut(&[TokenTree], usize, bool),
) {
    struct Level {
        tokens: Vec<TokenTree>,
        next: usize,
        in_macro: bool,
    }
    let mut stack = vec![Level {
        tokens: tokens.clone().into_iter().collect(),
        next: 0,
        in_macro: false,
    }];
    while let Some(level) = stack.last_mut() {
        let i = level.next;
        if i == level.tokens.len() {
            stack.pop();
            continue;
        }
        level.next += 1;
        each(&level.tokens, i, level.in_macro);
        if let TokenTree::Group(group) = &level.tokens[i] {
            let inner = Level {
                tokens: group.stream().into_iter().collect(),
                next: 0,
                in_macro: level.in_macro || macro_input(&level.tokens, i),
            };
            stack.push(inner);
        }
    }
}

/// An identifier's name, without the `r#` of a raw identifier.
fn name(token: &TokenTree) -> Option<String> {
    let TokenTree::Ident(ident) = token else {
        return None;
    };
    let text = ident.to_string();
    Some(text.strip_prefix("r#").map(str::to_owned).unwrap_or(text))
}

fn punct(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// `::` at `level[i]`, `level[i + 1]`.
fn double_colon(level: &[TokenTree], i: usize) -> bool {
    matches!(level.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
        && punct(level.get(i + 1), ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Scan {
        sorting(&Sources::single("lib.rs", text))
    }

    fn idents(text: &str) -> Vec<(usize, String)> {
        let scan = scan(text);
        assert_eq!(scan.unreadable, [], "{text}");
        scan.uses.into_iter().map(|u| (u.line, u.ident)).collect()
    }

    fn names(text: &str) -> Vec<String> {
        idents(text).into_iter().map(|(_, name)| name).collect()
    }

    /// Runs `f` on a thread with a 256 KiB stack: a recursion on nesting
    /// depth overflows it (and aborts the test binary) long before 60,000.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn finds_sort_calls_and_sorted_collections() {
        let text = "fn f(mut v: Vec<u8>) {\n v.sort();\n v.sort_unstable_by(|a, b| a.cmp(b));\n <[u8]>::sort_by_key(&mut v, |x| *x);\n let h = std::collections::BinaryHeap::new();\n}";
        assert_eq!(
            idents(text),
            [
                (2, "sort".into()),
                (3, "sort_unstable_by".into()),
                (4, "sort_by_key".into()),
                (5, "BinaryHeap".into())
            ]
        );
    }

    #[test]
    fn ignores_comments_strings_and_variable_names() {
        let text = "/// we never sort()\nfn f() {\n // v.sort();\n let sorted_delays = \"v.sort()\";\n let sorted = 1;\n}";
        assert_eq!(idents(text), []);
    }

    /// A name counts as a call or a path, never as a value, a field or a
    /// type ascription (`x: sorted` has one colon, not a path's two).
    #[test]
    fn a_sort_name_counts_only_called_or_as_a_path() {
        let text = "fn f(s: S, v: &mut [u8]) {\n let a = s.sorted;\n let b = S { sorted: true, x: sorted };\n let g = <[u8]>::sort;\n v.sort_by_key::<u8, _>(|x| *x);\n sorted::<u8>(v);\n}";
        assert_eq!(
            idents(text),
            [
                (4, "sort".into()),
                (5, "sort_by_key".into()),
                (6, "sorted".into())
            ]
        );
    }

    #[test]
    fn the_whole_sort_family_counts_and_checks_do_not() {
        let family = [
            "sort",
            "sort_by",
            "sort_by_key",
            "sort_by_cached_key",
            "sort_unstable",
            "sort_unstable_by",
            "sort_unstable_by_key",
            "select_nth_unstable",
            "select_nth_unstable_by",
            "select_nth_unstable_by_key",
            "sort_floats",
            "into_sorted_vec",
            "sorted",
            "sorted_by_key",
            "sorted_unstable",
            "k_smallest",
            "k_largest_by",
        ];
        for name in family {
            assert_eq!(
                names(&format!("fn f() {{ v.{name}(); }}")),
                [name],
                "{name}"
            );
        }
        for collection in ["BinaryHeap", "BTreeMap", "BTreeSet"] {
            assert_eq!(
                names(&format!("use std::collections::{collection};")),
                [collection]
            );
        }
        let checks = "fn f() { v.is_sorted(); v.is_sorted_by_key(|x| x); v.binary_search(&1); \
                      v.partition_point(|x| x < 3); v.iter().min_by_key(|x| x); v.min_set(); }";
        assert_eq!(names(checks), Vec::<String>::new());
    }

    /// Regression: `v.r#sort()` is `sort` to the compiler, but its token
    /// reads `r#sort`.
    #[test]
    fn raw_identifiers_count_as_their_name() {
        assert_eq!(
            idents("fn f() {\n v.r#sort_unstable();\n let h = r#BTreeSet::new();\n}"),
            [(2, "r#sort_unstable".into()), (3, "r#BTreeSet".into())]
        );
    }

    /// Regression: `$v.$m()` invoked as `call!(v, sort)` calls `sort`, with
    /// no `.sort(` in the text.
    #[test]
    fn bare_sort_names_in_macro_input_count() {
        let text = "macro_rules! tidy {\n ($v:ident, $how:ident) => { $v.$how() };\n}\nfn f() {\n tidy!(delays, sort);\n tidy![delays, sort_unstable];\n tidy! { delays, select_nth_unstable }\n outer!({ let _ = [sorted]; });\n}";
        assert_eq!(
            idents(text),
            [
                (5, "sort".into()),
                (6, "sort_unstable".into()),
                (7, "select_nth_unstable".into()),
                (8, "sorted".into())
            ]
        );
        let body = "macro_rules! m {\n () => { let f = sort_by; };\n}";
        assert_eq!(idents(body), [(2, "sort_by".into())]);
    }

    /// Values in std's expression macros, metavariables and `if !(..)` are
    /// no method names; a macro of the sources' own under a std name is.
    #[test]
    fn bare_names_that_cannot_be_calls_do_not_count() {
        let text = "macro_rules! m { ($sort:ident) => { $sort }; }\nfn f(sorted: bool) {\n println!(\"{:?}\", sorted);\n assert!(sorted);\n let v = vec![sorted];\n if !(sorted) {}\n}";
        assert_eq!(idents(text), []);
        let shadowed = "macro_rules! println { ($v:ident, $m:ident) => { $v.$m() }; }\nfn f() {\n println!(v, sort);\n}";
        assert_eq!(idents(shadowed), [(3, "sort".into())]);
        let renamed = "use crate::call as dbg;\nfn f() {\n dbg!(v, sort);\n}";
        assert_eq!(idents(renamed), [(3, "sort".into())]);
    }

    /// Regression: the walk recursed on group nesting, so 60,000 nested
    /// brackets overflowed the grader's stack. proc_macro2's parser and its
    /// drop of a token stream do not recurse either (checked here).
    #[test]
    fn deep_nesting_neither_overflows_nor_hides_a_sort() {
        const DEPTH: usize = 60_000;
        let nested = format!(
            "fn f() {{\n{}v.sort(){}\n}}",
            "(".repeat(DEPTH),
            ")".repeat(DEPTH)
        );
        let unclosed = "(".repeat(DEPTH);
        let (parsed, found, unreadable) = on_small_stack(move || {
            let parsed = TokenStream::from_str(&nested).is_ok();
            let found = idents(&nested);
            let unreadable = scan(&unclosed).unreadable;
            (parsed, found, unreadable)
        });
        assert!(parsed);
        assert_eq!(found, [(2, "sort".into())]);
        assert_eq!(unreadable.len(), 1);
        assert!(
            unreadable[0].reason.contains("does not tokenize"),
            "{unreadable:?}"
        );
    }

    #[test]
    fn a_file_that_does_not_tokenize_is_unreadable_not_skipped() {
        let sources = Sources {
            files: vec![
                SourceFile {
                    path: "exercises/x/src/lib.rs".into(),
                    text: "fn f() {}".into(),
                },
                SourceFile {
                    path: "exercises/x/src/broken.rs".into(),
                    text: "fn f() {\n let s = \"unterminated;\n}".into(),
                },
            ],
            ..Sources::default()
        };
        let scan = sorting(&sources);
        assert_eq!(scan.uses, []);
        assert_eq!(scan.unreadable.len(), 1);
        assert_eq!(scan.unreadable[0].path, "exercises/x/src/broken.rs");
        assert!(
            scan.unreadable[0]
                .reason
                .starts_with("it does not tokenize as Rust (line 2"),
            "{:?}",
            scan.unreadable[0]
        );
    }

    #[test]
    fn shebang_lines_are_stripped_as_rustc_does() {
        let cases = [
            ("#!/bin/sh\nfn f() {}", 9),
            ("#!", 2),
            ("#![allow(unused)]\nfn f() {}", 0),
            ("#! [allow(unused)]", 0),
            ("#!\n[allow(unused)]", 0),
            (
                "#! /* a /* nested */ comment */ // line\n [allow(unused)]",
                0,
            ),
            // Doc comments are tokens: what follows `#!` is no attribute.
            ("#! /// doc\n[allow(unused)]", 10),
            ("#! /** doc */ [allow(unused)]", 29),
            ("#! /**/ [allow(unused)]", 0),
            ("#!/usr/bin/env cargo\r\nfn f() {}", 21),
            ("fn f() {}\n#!/bin/sh", 0),
            (" #!/bin/sh", 0),
        ];
        for (text, len) in cases {
            assert_eq!(shebang_len(text), len, "{text:?}");
        }
    }

    #[test]
    fn a_shebang_and_a_bom_do_not_make_a_file_unreadable() {
        // Without the strip, the shebang's quote would not tokenize.
        let text = "\u{feff}#!/bin/sh \"run me\nfn f(v: &mut [u8]) {\n v.sort();\n}";
        assert_eq!(idents(text), [(3, "sort".into())]);
        // An inner attribute is code, not a shebang.
        assert_eq!(
            idents("#![doc = \"x\"] fn f(v: &mut [u8]) { v.sort() }"),
            [(1, "sort".into())]
        );
    }

    #[test]
    fn unreadable_files_of_the_sources_reach_the_scan() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), "fn f() {}").unwrap();
        std::fs::write(dir.path().join("latin1.rs"), b"// caf\xe9\n").unwrap();
        let sources = Sources::read(dir.path(), "exercises/x/src");
        assert_eq!(sources.files.len(), 1);
        let scan = sorting(&sources);
        assert_eq!(
            scan.unreadable,
            [Unreadable {
                path: "exercises/x/src/latin1.rs".into(),
                reason: "it is not UTF-8 text".into()
            }]
        );
    }

    #[test]
    fn dep_info_files_are_the_first_rules_unescaped() {
        let text = "/t/deps/my_crate-1dc1.d: my\\ crate/src/lib.rs my\\ crate/src/../extra/outside.rs my\\ crate/src/sub\\ dir/b.rs\n\n/t/deps/libmy_crate-1dc1.rlib: my\\ crate/src/lib.rs\n\nmy\\ crate/src/lib.rs:\n# env-dep:X=1\n";
        assert_eq!(
            dep_info_files(text),
            [
                PathBuf::from("my crate/src/lib.rs"),
                PathBuf::from("my crate/src/../extra/outside.rs"),
                PathBuf::from("my crate/src/sub dir/b.rs"),
            ]
        );
        let continued = "/t/x.d: a.rs \\\n b.rs\n";
        assert_eq!(
            dep_info_files(continued),
            [PathBuf::from("a.rs"), PathBuf::from("b.rs")]
        );
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalize(Path::new("/w/c/src/../extra/./o.rs")),
            Path::new("/w/c/extra/o.rs")
        );
        assert_eq!(normalize(Path::new("/../a")), Path::new("/a"));
        assert_eq!(normalize(Path::new("a/../../b")), Path::new("../b"));
    }

    /// A workspace `ws` with the crate `my crate` (a space in its name) and
    /// a sibling `other`; the crate has a `#[path]` module outside `src/`,
    /// an `include!`d file and an `include_str!`d manifest.
    fn workspace() -> (tempfile::TempDir, PathBuf) {
        let ws = tempfile::tempdir().unwrap();
        let krate = ws.path().join("my crate");
        let files = [
            (
                "my crate/src/lib.rs",
                "#[path = \"../extra/outside.rs\"]\nmod outside;\nmod a;\ninclude!(\"../extra/inc.rs\");\npub const S: &str = include_str!(\"../Cargo.toml\");\n",
            ),
            ("my crate/src/a.rs", "pub fn a() {}\n"),
            (
                "my crate/src/stray.rs",
                "pub fn s(v: &mut [u8]) { v.sort() }\n",
            ),
            (
                "my crate/extra/outside.rs",
                "pub fn o(v: &mut [u8]) { v.sort_unstable() }\n",
            ),
            (
                "my crate/extra/inc.rs",
                "pub fn i(v: &mut [u8]) { v.sort_by_key(|x| *x) }\n",
            ),
            ("my crate/Cargo.toml", "[package]\n"),
            ("other/x.rs", "pub fn x() {}\n"),
        ];
        for (path, text) in files {
            let path = ws.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        (ws, krate)
    }

    fn paths(sources: &Sources) -> Vec<&str> {
        sources.files.iter().map(|f| f.path.as_str()).collect()
    }

    /// As rustc writes it, run in the workspace: paths relative to there.
    const DEP_INFO: &str = "/t/deps/my_crate-1dc1.d: my\\ crate/src/lib.rs my\\ crate/src/../extra/outside.rs my\\ crate/src/a.rs my\\ crate/src/../extra/inc.rs my\\ crate/src/../Cargo.toml my\\ crate/src/../../other/x.rs\n\nmy\\ crate/src/lib.rs:\n";

    #[test]
    fn dep_info_gives_exactly_the_compiled_files_inside_the_crate() {
        let (ws, krate) = workspace();
        let d = ws.path().join("my_crate-1dc1.d");
        std::fs::write(&d, DEP_INFO).unwrap();
        let sources = Sources::from_dep_info(&d, &krate, &krate, "exercises/c").unwrap();
        // No stray.rs (never compiled), no Cargo.toml (data), no other/x.rs.
        assert_eq!(
            paths(&sources),
            [
                "exercises/c/src/lib.rs",
                "exercises/c/extra/outside.rs",
                "exercises/c/src/a.rs",
                "exercises/c/extra/inc.rs",
            ]
        );
        assert_eq!(sources.fallback, None);
        assert_eq!(
            sources.unreadable,
            [Unreadable {
                path: "other/x.rs".into(),
                reason: "it lies outside the exercise's directory, where the grader reads nothing"
                    .into()
            }]
        );
        let found: Vec<String> = sorting(&sources)
            .uses
            .into_iter()
            .map(|u| format!("{}:{}", u.path, u.ident))
            .collect();
        assert_eq!(
            found,
            [
                "exercises/c/extra/outside.rs:sort_unstable",
                "exercises/c/extra/inc.rs:sort_by_key"
            ]
        );
    }

    /// The sandboxed build sees the slot at `/build`: its absolute paths
    /// are read from the slot on the host.
    #[test]
    fn dep_info_paths_seen_in_the_build_sandbox_are_read_on_the_host() {
        let (ws, krate) = workspace();
        let d = ws.path().join("my_crate-1dc1.d");
        let text = "/build/target/debug/deps/my_crate-1dc1.d: /build/my\\ crate/src/lib.rs /build/my\\ crate/src/a.rs /etc/passwd.rs\n";
        std::fs::write(&d, text).unwrap();
        let inside = Path::new("/build/my crate");
        let sources = Sources::from_dep_info(&d, &krate, inside, "exercises/c").unwrap();
        assert_eq!(
            paths(&sources),
            ["exercises/c/src/lib.rs", "exercises/c/src/a.rs"]
        );
        assert_eq!(sources.files[1].text, "pub fn a() {}\n");
        assert_eq!(sources.unreadable.len(), 1, "{:?}", sources.unreadable);
        // Another crate's dep-info is refused.
        let other = "/t/x.d: other/x.rs\n";
        std::fs::write(&d, other).unwrap();
        assert!(Sources::from_dep_info(&d, &krate, &krate, "exercises/c").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_listed_file_linking_out_of_the_crate_is_not_read() {
        let (ws, krate) = workspace();
        std::os::unix::fs::symlink(ws.path().join("other/x.rs"), krate.join("src/a.rs.tmp"))
            .unwrap();
        std::fs::rename(krate.join("src/a.rs.tmp"), krate.join("src/a.rs")).unwrap();
        let d = ws.path().join("my_crate-1dc1.d");
        std::fs::write(&d, DEP_INFO).unwrap();
        let sources = Sources::from_dep_info(&d, &krate, &krate, "exercises/c").unwrap();
        assert!(!paths(&sources).contains(&"exercises/c/src/a.rs"));
        assert!(
            sources
                .unreadable
                .iter()
                .any(|u| u.path == "exercises/c/src/a.rs" && u.reason.contains("links outside")),
            "{:?}",
            sources.unreadable
        );
    }

    /// What rustc itself writes, so the format assumed above is the real one.
    #[test]
    fn rustcs_own_dep_info_lists_path_modules_and_included_files() {
        let (ws, krate) = workspace();
        let out = ws.path().join("my_crate-1dc1.d");
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let status = std::process::Command::new(rustc)
            .current_dir(ws.path())
            .args([
                "--edition=2021",
                "--crate-type=lib",
                "--crate-name=my_crate",
            ])
            .args(["--emit=dep-info", "-o"])
            .arg(&out)
            .arg("my crate/src/lib.rs")
            .status()
            .unwrap();
        assert!(status.success());
        let sources = Sources::from_dep_info(&out, &krate, &krate, "exercises/c").unwrap();
        assert_eq!(
            paths(&sources),
            [
                "exercises/c/src/lib.rs",
                "exercises/c/extra/outside.rs",
                "exercises/c/src/a.rs",
                "exercises/c/extra/inc.rs",
            ]
        );
    }

    #[test]
    fn the_newest_dep_info_of_the_crate_is_used_else_src_is_read() {
        let (ws, krate) = workspace();
        let deps = ws.path().join("deps");
        std::fs::create_dir(&deps).unwrap();
        let fallback = Sources::compiled(&deps, "my_crate", &krate, &krate, "exercises/c");
        assert!(
            fallback
                .fallback
                .as_deref()
                .is_some_and(|w| w.contains("no my_crate-*.d"))
        );
        assert_eq!(
            paths(&fallback),
            [
                "exercises/c/src/a.rs",
                "exercises/c/src/lib.rs",
                "exercises/c/src/stray.rs"
            ]
        );
        // Another crate's (older) and a probe's are passed over.
        std::fs::write(deps.join("my_crate-0000.d"), "/t/x.d: other/x.rs\n").unwrap();
        std::fs::write(deps.join("probe_my_crate-1111.d"), "/t/x.d: other/x.rs\n").unwrap();
        std::fs::write(deps.join("my_crate-1dc1.d"), DEP_INFO).unwrap();
        let compiled = Sources::compiled(&deps, "my_crate", &krate, &krate, "exercises/c");
        assert_eq!(compiled.fallback, None);
        assert_eq!(compiled.files.len(), 4);
        // Of two of the crate's own, the newer (whatever its name).
        let older_build = "/t/x.d: my\\ crate/src/lib.rs\n";
        std::fs::write(deps.join("my_crate-ffff.d"), older_build).unwrap();
        let set_age = |name: &str, secs: u64| {
            let file = std::fs::File::options()
                .write(true)
                .open(deps.join(name))
                .unwrap();
            let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            file.set_modified(at).unwrap();
        };
        set_age("my_crate-ffff.d", 1_000_000_000);
        set_age("my_crate-1dc1.d", 1_500_000_000);
        let compiled = Sources::compiled(&deps, "my_crate", &krate, &krate, "exercises/c");
        assert_eq!(compiled.files.len(), 4);
        set_age("my_crate-ffff.d", 1_600_000_000);
        let compiled = Sources::compiled(&deps, "my_crate", &krate, &krate, "exercises/c");
        assert_eq!(paths(&compiled), ["exercises/c/src/lib.rs"]);
    }

    #[test]
    fn no_sort_fails_naming_a_file_it_could_not_read() {
        let subject = crate::Subject::unlinked("01_wait_n").unwrap();
        let check = crate::exercises::checks(subject)
            .into_iter()
            .find(|c| c.id == "no_sort")
            .unwrap();
        let judge = |sources: &Sources| {
            let nothing = crate::Observation::Blocked {
                watchdog: std::time::Duration::ZERO,
            };
            check.judge(&nothing, sources)
        };
        let mut sources = Sources::single("exercises/01_wait_n/src/lib.rs", "fn f() {}");
        assert_eq!(judge(&sources).status, crate::Status::Passed);
        sources.files[0].text = "fn f() { \"open }".into();
        let verdict = judge(&sources);
        assert_eq!(verdict.status, crate::Status::Failed);
        assert!(
            verdict.message.starts_with(
                "could not read exercises/01_wait_n/src/lib.rs to look for sorting: it does not \
                 tokenize as Rust"
            ) && verdict.message.ends_with("; the check cannot vouch for it"),
            "{}",
            verdict.message
        );
        sources.files.push(SourceFile {
            path: "exercises/01_wait_n/src/a.rs".into(),
            text: "fn g(v: &mut [u8]) { v.sort() }".into(),
        });
        assert!(
            judge(&sources)
                .message
                .starts_with("found `sort` at exercises/01_wait_n/src/a.rs:1")
        );
    }
}
