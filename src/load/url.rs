//! Profiles fetched over HTTP, as `go tool pprof http://host:6060/debug/pprof/heap` fetches
//! them: Go's net/http/pprof, and the same endpoint served by Rust (jemalloc_pprof) or Node
//! services. Plain `http://` only: TLS would more than double the crates heapdiff builds.

use std::io::Read;
use std::time::Duration;

use crate::error::InputErrorKind;

/// Whether an input names a URL rather than a file.
pub fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// `url` asking a Go service to collect garbage before it writes the profile (`gc=1`), as
/// `go tool pprof` can ask.
pub fn with_gc(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}gc=1")
}

fn bad(what: String) -> InputErrorKind {
    InputErrorKind::Fetch(what)
}

/// Opens `url` for reading, within `timeout` for the answer and the body. The body is read
/// as it arrives (the loader's ceiling bounds it); an error status, an HTML page or a refused
/// connection is one line.
pub fn fetch(url: &str, timeout: Duration) -> Result<Box<dyn Read + Send>, InputErrorKind> {
    let (body, html) = open(url, timeout)?;
    if html {
        return Err(bad(
            "the server sent an HTML page, not a profile (a Go service serves heap profiles at /debug/pprof/heap)".into(),
        ));
    }
    Ok(body)
}

fn fetch_any(url: &str, timeout: Duration) -> Result<Box<dyn Read + Send>, InputErrorKind> {
    Ok(open(url, timeout)?.0)
}

/// The body of `url` and whether it is an HTML page.
fn open(url: &str, timeout: Duration) -> Result<(Box<dyn Read + Send>, bool), InputErrorKind> {
    if url.starts_with("https://") {
        return Err(bad(
            "https is not supported by this build (plain http:// only; fetch the profile with curl and pass the file)".into(),
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .http_status_as_error(false)
        .build()
        .into();
    let resp = agent
        .get(url)
        .call()
        .map_err(|e| bad(format!("cannot fetch: {e}")))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(bad(format!(
            "the server answered {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )));
    }
    let html = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    Ok((Box::new(resp.into_body().into_reader()), html))
}

/// Fetches `url` whole (a metrics page, say), at most `max` bytes.
pub fn fetch_text(url: &str, timeout: Duration, max: u64) -> Result<String, InputErrorKind> {
    let mut body = Vec::new();
    fetch_any(url, timeout)?
        .take(max)
        .read_to_end(&mut body)
        .map_err(InputErrorKind::Io)?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}
