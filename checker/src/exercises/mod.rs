//! The course's checks, one module per exercise (`<crate>.rs`, declared
//! here from the catalog), and helpers they share.

pub(crate) mod aspects;
pub(crate) mod waits;

use crate::check::Check;
use crate::course::cases::CaseSpec;
use crate::subject::Subject;

pub use crate::catalog::{
    CATALOG, EXERCISES, Exercise, Vocabulary, exercise, exercise_of, own_chain,
};

/// Generates, from [`course!`](crate::catalog): each exercise's checks
/// module and the dispatch of a subject to its checks and cases.
macro_rules! checks_modules {
    ([] $(
        $(#[doc = $doc:literal])*
        $dir:literal $krate:ident => $variant:ident {
            calls: [$($call:literal),* $(,)?],
            cases: $cases:ident,
            $($field:ident: { $($shape:tt)* }),+ $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            pub(crate) mod $krate;
        )*

        /// Every check of the subject's exercise, hidden ones included.
        pub fn checks(subject: Subject) -> Vec<Check> {
            match subject {
                $(Subject::$variant(s) => $krate::checks(s),)*
            }
        }

        /// The check a `case:` of `checks.yaml` declares, for `subject`;
        /// `None` if the exercise has no cases of the spec's vocabulary.
        pub(crate) fn case(spec: &CaseSpec, id: &str, subject: Subject) -> Option<Check> {
            match subject {
                $(Subject::$variant(s) => checks_modules!(@case $cases $krate, s, spec, id),)*
            }
        }
    };
    (@case none $krate:ident, $s:ident, $spec:ident, $id:ident) => {{
        let _ = ($s, $spec, $id);
        None
    }};
    (@case $vocabulary:ident $krate:ident, $s:ident, $spec:ident, $id:ident) => {
        $krate::cases($s, $spec, $id)
    };
}

crate::catalog::course!(checks_modules);
