//! The command line's error: one message in the words the user reads (each cause after a
//! colon), and whether it came from a closed pipe (`heapdiff ... | head` is no failure).

use std::error::Error;
use std::fmt;

/// Why a command stopped.
#[derive(Debug)]
pub struct Failure {
    message: String,
    broken_pipe: bool,
}

/// A command's outcome.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

impl Failure {
    /// A failure with this message.
    pub fn msg(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            broken_pipe: false,
        }
    }

    /// True when standard output (or another pipe) was closed by its reader.
    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Any error, with its causes: `outer: cause: cause`.
impl<E: Error + 'static> From<E> for Failure {
    fn from(e: E) -> Self {
        let mut message = e.to_string();
        let mut broken_pipe = false;
        let mut cause: Option<&(dyn Error + 'static)> = Some(&e);
        while let Some(c) = cause {
            broken_pipe |= c
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
            cause = c.source();
            if let Some(s) = cause {
                message.push_str(": ");
                message.push_str(&s.to_string());
            }
        }
        Failure {
            message,
            broken_pipe,
        }
    }
}

/// Puts what was being done in front of an error, or turns a missing value into one.
pub trait Context<T> {
    /// The error (or absence) as a failure whose message starts with `what()`.
    fn with_context<C: fmt::Display>(self, what: impl FnOnce() -> C) -> Result<T>;
}

impl<T, E: Into<Failure>> Context<T> for std::result::Result<T, E> {
    fn with_context<C: fmt::Display>(self, what: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|e| {
            let inner = e.into();
            Failure {
                message: format!("{}: {}", what(), inner.message),
                broken_pipe: inner.broken_pipe,
            }
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn with_context<C: fmt::Display>(self, what: impl FnOnce() -> C) -> Result<T> {
        self.ok_or_else(|| Failure::msg(what().to_string()))
    }
}

/// Returns a [`Failure`] with a formatted message.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::cli::fail::Failure::msg(format!($($arg)*)))
    };
}
pub(crate) use bail;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_message_and_pipes_are_recognised() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe closed");
        let f: Result<()> = Err(io).with_context(|| "out.svg: cannot write");
        let f = f.unwrap_err();
        assert_eq!(f.to_string(), "out.svg: cannot write: pipe closed");
        assert!(f.is_broken_pipe());
        let none: Result<u8> = None.with_context(|| "no value");
        assert_eq!(none.unwrap_err().to_string(), "no value");
    }
}
