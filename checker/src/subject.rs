//! The code under check: one exercise's functions, as function pointers,
//! all generated from the catalog (`catalog::course!`).

use std::time::Duration;

use tokio::task::JoinHandle;

/// Generates, from [`course!`](crate::catalog): each exercise's struct of
/// function pointers, the [`Subject`] enum over them, its lookups, and the
/// arms of `link!` (through `$d`, the `$` the generated macro's own
/// metavariables need).
macro_rules! subjects {
    ([$d:tt] $(
        $(#[doc = $doc:literal])*
        $dir:literal $krate:ident => $variant:ident {
            calls: [$($call:literal),* $(,)?],
            cases: $cases:ident,
            $($field:ident: { $($shape:tt)* }),+ $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            ///
            /// Its functions as the checks call them, linked by
            #[doc = concat!("`checker::link!(", stringify!($krate), ", ", stringify!($krate), ")`.")]
            #[derive(Clone, Copy)]
            pub struct $variant {
                $(
                    #[doc = concat!("`", stringify!($field), "`: `", stringify!($($shape)*), "`.")]
                    pub $field: $crate::__shape!(type $($shape)*),
                )+
            }
        )*

        /// The functions of one exercise, wired up by the exercise's
        /// `tests/checks.rs`, the grading runner or the project's fixture
        /// runner, each through `checker::link!`.
        #[derive(Clone, Copy)]
        pub enum Subject {
            $(
                $(#[doc = $doc])*
                $variant($variant),
            )*
        }

        impl Subject {
            /// The exercise's directory name, e.g. `01_wait_n`.
            pub fn exercise(&self) -> &'static str {
                match self {
                    $(Subject::$variant(_) => $dir,)*
                }
            }

            /// A subject with the exercise's shape but no student code
            /// behind it: enough to build its checks and judge observations,
            /// as the grading parent does. Running a scenario on it panics.
            pub fn unlinked(exercise: &str) -> Option<Subject> {
                Some(match exercise {
                    $($dir => Subject::$variant($variant {
                        $($field: $crate::__shape!(absent $($shape)*),)+
                    }),)*
                    _ => return None,
                })
            }

            /// Makes this subject "your own" for every later exercise's
            /// probe of it (`probe_core::set_default_own`): the fixture
            /// runner's use of the reference solutions.
            pub fn make_own(self) {
                match self {
                    $(Subject::$variant(s) => {
                        $($crate::__shape!(own $krate $field s $($shape)*);)+
                    })*
                }
            }
        }

        #[doc(hidden)]
        #[macro_export]
        macro_rules! __link {
            $(
                ($d mode:ident $krate, $d m:path) => {
                    $crate::__link!(@$d mode {
                        use $d m as m;
                        $crate::Subject::$variant($crate::subject::$variant {
                            $($field: $crate::__shape!(link $field $($shape)*),)+
                        })
                    })
                };
            )*
            (maybe $d other:ident, $d m:path) => {
                ::std::option::Option::None::<$crate::Subject>
            };
            (exact $d other:ident, $d m:path) => {
                ::std::compile_error!(::std::concat!(
                    "checker::link!: the course has no exercise `",
                    ::std::stringify!($d other),
                    "` (declare it in course! in checker/src/catalog.rs)"
                ))
            };
            (@exact $d subject:block) => {
                $d subject
            };
            (@maybe $d subject:block) => {
                ::std::option::Option::Some($d subject)
            };
        }
    };
}

crate::catalog::course!(subjects $);

/// One function's shape in the catalog, turned into what each part needs:
/// its field `type`, the `link` of the crate's item (in scope as `m`), an
/// `absent` stand-in for the grading parent, and its registration as `own`.
#[doc(hidden)]
#[macro_export]
macro_rules! __shape {
    (type struct $ty:ident { fn new($arg:ident: $argty:ty) -> Self; async fn acquire(&self); }) => {
        fn($argty) -> ::std::sync::Arc<dyn $crate::subject::Acquire>
    };
    (link $field:ident struct $ty:ident { fn new($arg:ident: $argty:ty) -> Self; async fn acquire(&self); }) => {{
        // A type of the linking crate, so it may implement the checker's
        // trait for the student's struct (the orphan rule forbids the direct way).
        struct Linked(m::$ty);
        impl $crate::subject::Acquire for Linked {
            fn acquire(&self) -> $crate::__private::BoxFuture<'_, ()> {
                ::std::boxed::Box::pin(self.0.acquire())
            }
        }
        // No type on the argument: it is the field's, and the type's name
        // need not be in scope where this expands.
        |$arg| {
            ::std::sync::Arc::new(Linked(m::$ty::new($arg)))
                as ::std::sync::Arc<dyn $crate::subject::Acquire>
        }
    }};
    (absent struct $ty:ident { fn new($arg:ident: $argty:ty) -> Self; async fn acquire(&self); }) => {
        |_: $argty| $crate::subject::absent()
    };
    // A function that takes a body to run (with_connection): the subject
    // takes a boxed body, which the link hands on as an async closure
    // (a `Box<dyn FnOnce>` is no `AsyncFnOnce` itself).
    (type async fn($name:ident: $namety:ty, $f:ident: impl AsyncFnOnce($($body:tt)*) -> $out:ty $(,)?) -> $ret:ty) => {
        fn($namety, $crate::subject::Body) -> $crate::__private::BoxFuture<'static, $ret>
    };
    (link $field:ident async fn($name:ident: $namety:ty, $f:ident: impl AsyncFnOnce($($body:tt)*) -> $out:ty $(,)?) -> $ret:ty) => {
        |$name, $f: $crate::subject::Body| {
            ::std::boxed::Box::pin(m::$field($name, async move |connection| $f(connection).await))
        }
    };
    (absent async fn($name:ident: $namety:ty, $f:ident: impl AsyncFnOnce($($body:tt)*) -> $out:ty $(,)?) -> $ret:ty) => {
        |_: $namety, _: $crate::subject::Body| $crate::subject::absent()
    };
    (type async fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        fn($($ty),*) -> $crate::__private::BoxFuture<'static, $ret>
    };
    (type fn($($arg:ident: $ty:ty),* $(,)?) -> impl Stream<Item = $item:ty>) => {
        fn($($ty),*) -> $crate::__private::BoxStream<'static, $item>
    };
    (type fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        fn($($ty),*) -> $ret
    };
    (type const $name:ident: $ty:ty) => {
        $ty
    };

    (link $name:ident async fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        |$($arg),*| ::std::boxed::Box::pin(m::$name($($arg),*))
    };
    (link $name:ident fn($($arg:ident: $ty:ty),* $(,)?) -> impl Stream<Item = $item:ty>) => {
        |$($arg),*| ::std::boxed::Box::pin(m::$name($($arg),*))
    };
    (link $name:ident fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        |$($arg),*| m::$name($($arg),*)
    };
    (link $field:ident const $name:ident: $ty:ty) => {
        m::$name
    };

    (absent async fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        |$(_: $ty),*| $crate::subject::absent()
    };
    (absent fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:tt $($rest:tt)*) => {
        |$(_: $ty),*| $crate::subject::absent()
    };
    (absent const $name:ident: $ty:ty) => {
        <$ty as ::std::default::Default>::default()
    };

    (own $krate:ident $field:ident $s:ident const $($rest:tt)*) => {
        ()
    };
    (own $krate:ident $field:ident $s:ident $($shape:tt)*) => {
        $crate::__private::set_default_own(
            concat!(stringify!($krate), "::", stringify!($field)),
            $s.$field,
        )
    };
}

/// A rate limiter as the checks use it: the student's `RateLimiter`
/// behind an `Arc`, shared by the tasks that call `acquire`, as a program
/// shares one limiter. `Send + Sync` because tasks share it; the future
/// `Send` because a task may be spawned around it.
pub trait Acquire: Send + Sync {
    /// The student's `acquire(&self)`.
    fn acquire(&self) -> crate::__private::BoxFuture<'_, ()>;
}

/// The body a check hands to `with_connection`: a closure run on the
/// student's connection, boxed so one function pointer takes every body
/// (`link!` wraps it in an async closure, the `AsyncFnOnce` the student's
/// function takes). `Send`, so the future the student builds around it may
/// be spawned.
pub type Body = Box<
    dyn for<'c> FnOnce(
            &'c mut probe_services::Connection,
        )
            -> crate::__private::BoxFuture<'c, Result<String, services::ServiceError>>
        + Send,
>;

/// What an unlinked subject's functions do: the grading parent builds
/// checks and judges observations, and never runs student code.
#[doc(hidden)]
pub fn absent() -> ! {
    panic!("the grading parent never runs student code")
}

/// The [`Subject`] of exercise `$exercise` (its crate name) from the crate
/// or module `$m` that implements it: `checker::link!(wait_n, wait_n)`.
///
/// The one place that boxes each exercise's functions into a subject
/// (generated from the catalog); the grading runner, each exercise's
/// `tests/checks.rs` and the project's fixture runner all wire through it.
/// An exercise it does not know is a compile error; `link!(? name, m)` gives
/// an `Option` instead, `None` for an exercise not in the course yet (the
/// fixture runner's case, which `checker verify` then reports).
#[macro_export]
macro_rules! link {
    (? $exercise:ident, $m:path) => {
        $crate::__link!(maybe $exercise, $m)
    };
    ($exercise:ident, $m:path) => {
        $crate::__link!(exact $exercise, $m)
    };
}
