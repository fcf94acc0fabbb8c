//! The student's source files, and checks that read them.

use std::path::Path;
use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};
use serde::{Deserialize, Serialize};

/// One source file of a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path as the student knows it: `exercises/01_wait_n/src/lib.rs`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// The source files of one exercise as submitted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sources(pub Vec<SourceFile>);

impl Sources {
    /// Reads every `.rs` file under `src_dir`, naming each `prefix/<relative>`.
    /// Unreadable files are skipped: the compiler has already accepted them.
    pub fn read(src_dir: &Path, prefix: &str) -> Sources {
        let files = crate::files::files_under(src_dir)
            .into_iter()
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .filter_map(|path| {
                let text = std::fs::read_to_string(&path).ok()?;
                let rel = path.strip_prefix(src_dir).unwrap_or(&path);
                let rel = rel.to_string_lossy().replace('\\', "/");
                Some(SourceFile {
                    path: format!("{prefix}/{rel}"),
                    text,
                })
            })
            .collect();
        Sources(files)
    }

    /// One file, named `path`.
    pub fn single(path: impl Into<String>, text: impl Into<String>) -> Sources {
        Sources(vec![SourceFile {
            path: path.into(),
            text: text.into(),
        }])
    }
}

/// A place in the sources where an identifier is used.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// The identifier.
    pub ident: String,
}

/// Calls of slice sorting methods and uses of self-sorting collections.
///
/// Works on tokens, so comments, strings and doc text never match; a
/// `sort*` name counts only as a call or path (`.sort_by(`, `::sort`,
/// `sort(`), so a variable named `sorted_delays` is fine.
pub fn sorting(sources: &Sources) -> Vec<Use> {
    const SORTS: &[&str] = &[
        "sort",
        "sort_by",
        "sort_by_key",
        "sort_by_cached_key",
        "sort_unstable",
        "sort_unstable_by",
        "sort_unstable_by_key",
        "sorted",
        "sorted_by",
        "sorted_by_key",
        "sorted_unstable",
        "sorted_unstable_by",
        "sorted_unstable_by_key",
        "select_nth_unstable",
    ];
    const SORTED_COLLECTIONS: &[&str] = &["BinaryHeap", "BTreeMap", "BTreeSet"];

    let mut found = Vec::new();
    for file in &sources.0 {
        let Ok(tokens) = TokenStream::from_str(&file.text) else {
            continue;
        };
        let mut flat = Vec::new();
        flatten(tokens, &mut flat);
        for (i, token) in flat.iter().enumerate() {
            let TokenTree::Ident(ident) = token else {
                continue;
            };
            let name = ident.to_string();
            let after_dot_or_path = i > 0
                && matches!(&flat[i - 1], TokenTree::Punct(p) if p.as_char() == '.' || p.as_char() == ':');
            let called = matches!(flat.get(i + 1), Some(TokenTree::Group(g))
                if g.delimiter() == proc_macro2::Delimiter::Parenthesis);
            let is_sort = SORTS.contains(&name.as_str()) && (after_dot_or_path || called);
            if is_sort || SORTED_COLLECTIONS.contains(&name.as_str()) {
                found.push(Use {
                    path: file.path.clone(),
                    line: ident.span().start().line,
                    ident: name,
                });
            }
        }
    }
    found
}

/// Tokens in source order with groups opened, each group kept before its
/// contents so `f(` still sees the parenthesis after `f`.
fn flatten(tokens: TokenStream, out: &mut Vec<TokenTree>) {
    for token in tokens {
        if let TokenTree::Group(group) = &token {
            let inner = group.stream();
            out.push(token.clone());
            flatten(inner, out);
        } else {
            out.push(token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(text: &str) -> Vec<(usize, String)> {
        sorting(&Sources::single("lib.rs", text))
            .into_iter()
            .map(|u| (u.line, u.ident))
            .collect()
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
}
