//! Profiles fetched over HTTP, as `go tool pprof http://host:6060/debug/pprof/heap` fetches
//! them: Go's net/http/pprof, and the same endpoint served by Rust (jemalloc_pprof) or Node
//! services. Plain `http://` only (a small HTTP/1.1 client over a TCP stream: redirects,
//! chunked and sized bodies, one deadline for the whole fetch): TLS would more than double the
//! crates heapdiff builds.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

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
    let deadline = Instant::now() + timeout;
    let mut url = url.to_string();
    // Redirects are followed, as a browser or curl -L would, a few times at most.
    for _ in 0..5 {
        let target = Target::parse(&url)?;
        let resp = get(&target, deadline)?;
        if matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
            let Some(loc) = resp.header("location") else {
                return Err(bad(format!(
                    "the server answered {} without a Location",
                    resp.status
                )));
            };
            url = target.join(loc);
            continue;
        }
        if !(200..300).contains(&resp.status) {
            return Err(bad(format!(
                "the server answered {} {}",
                resp.status, resp.reason
            )));
        }
        let html = resp
            .header("content-type")
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
        let chunked = resp
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let length = match resp.header("content-length") {
            Some(n) => Some(
                n.trim()
                    .parse::<u64>()
                    .map_err(|_| bad(format!("the server sent a bad Content-Length {n:?}")))?,
            ),
            None => None,
        };
        let reader = resp.reader;
        let body: Box<dyn Read + Send> = match (chunked, length) {
            (true, _) => Box::new(Chunked::new(reader)),
            (false, Some(n)) => Box::new(Exact {
                inner: reader.take(n),
                left: n,
            }),
            (false, None) => Box::new(reader),
        };
        return Ok((body, html));
    }
    Err(bad("cannot fetch: too many redirects".into()))
}

/// Where an `http://` URL points.
struct Target {
    host: String,
    port: u16,
    /// The path and query, from the first `/`.
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, InputErrorKind> {
        let invalid = || bad(format!("cannot fetch: {url:?} is not a valid http:// URL"));
        let rest = url.strip_prefix("http://").ok_or_else(invalid)?;
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let path = path.split('#').next().unwrap_or("/");
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        // Credentials are not sent; the host is what follows them.
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(invalid)?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        let port = match port {
            Some(p) => p.parse().map_err(|_| invalid())?,
            None => 80,
        };
        if host.is_empty() {
            return Err(invalid());
        }
        Ok(Target { host, port, path })
    }

    /// The Host header's value.
    fn host_header(&self) -> String {
        let h = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 80 {
            h
        } else {
            format!("{h}:{}", self.port)
        }
    }

    /// A redirect's Location, made absolute against this URL.
    fn join(&self, loc: &str) -> String {
        let loc = loc.trim();
        if loc.contains("://") {
            loc.to_string()
        } else if loc.starts_with('/') {
            format!("http://{}{loc}", self.host_header())
        } else {
            let dir = &self.path[..self.path.rfind('/').map_or(0, |i| i + 1)];
            format!("http://{}{dir}{loc}", self.host_header())
        }
    }
}

/// A response: status line and headers read, the body still to come.
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    reader: BufReader<Timed>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The proxy for `t`, as Go's net/http (and so `go tool pprof`) chooses it: `HTTP_PROXY` (or
/// `http_proxy`) for http:// URLs, unless `NO_PROXY` (or `no_proxy`) names the host, and never
/// for localhost or a loopback address.
fn proxy_for(t: &Target) -> Result<Option<Target>, InputErrorKind> {
    let var = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    choose_proxy(
        t,
        var(["HTTP_PROXY", "http_proxy"]).as_deref(),
        var(["NO_PROXY", "no_proxy"]).as_deref(),
    )
}

fn choose_proxy(
    t: &Target,
    proxy: Option<&str>,
    no_proxy: Option<&str>,
) -> Result<Option<Target>, InputErrorKind> {
    let Some(proxy) = proxy.map(str::trim) else {
        return Ok(None);
    };
    let host = t.host.to_ascii_lowercase();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let excluded = no_proxy.unwrap_or("").split(',').any(|e| {
        let e = e.trim().to_ascii_lowercase();
        let (name, port) = match e.rsplit_once(':') {
            Some((n, p)) if !n.is_empty() && !n.contains(':') => (n.to_string(), p.parse().ok()),
            _ => (e.clone(), None),
        };
        let name = name.trim_start_matches("*.").trim_start_matches('.');
        !e.is_empty()
            && port.is_none_or(|p: u16| p == t.port)
            && (e == "*" || host == name || host.ends_with(&format!(".{name}")))
    });
    if loopback || excluded {
        return Ok(None);
    }
    let url = if proxy.contains("://") {
        proxy.to_string()
    } else {
        format!("http://{proxy}")
    };
    Target::parse(&url).map(Some).map_err(|_| {
        bad(format!(
            "HTTP_PROXY is {proxy:?}, which is not an http:// proxy heapdiff can use"
        ))
    })
}

/// Sends a GET (through the proxy, when one applies) and reads the status line and headers.
fn get(t: &Target, deadline: Instant) -> Result<Response, InputErrorKind> {
    let proxy = proxy_for(t)?;
    // Through a proxy, the request names the whole URL; the connection goes to the proxy.
    let (via, target) = match &proxy {
        Some(p) => (p, format!("http://{}{}", t.host_header(), t.path)),
        None => (t, t.path.clone()),
    };
    let left = |what: &str| {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| bad(format!("cannot fetch: timed out {what}")))
    };
    let addrs: Vec<SocketAddr> = (via.host.as_str(), via.port)
        .to_socket_addrs()
        .map_err(|e| bad(format!("cannot fetch: cannot resolve {}: {e}", via.host)))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for a in &addrs {
        let wait = left("connecting")?.min(Duration::from_secs(10));
        match TcpStream::connect_timeout(a, wait) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let stream = stream.ok_or_else(|| {
        bad(match last {
            Some(e) => format!(
                "cannot fetch: cannot connect to {}{}:{}: {e}",
                if proxy.is_some() { "the proxy " } else { "" },
                via.host,
                via.port
            ),
            None => format!("cannot fetch: {} has no address", via.host),
        })
    })?;
    let mut timed = Timed { stream, deadline };
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: heapdiff/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target,
        t.host_header(),
        env!("CARGO_PKG_VERSION")
    );
    timed
        .stream
        .set_write_timeout(Some(left("sending the request")?))
        .and_then(|_| timed.stream.write_all(request.as_bytes()))
        .map_err(|e| bad(format!("cannot fetch: {e}")))?;
    let mut reader = BufReader::new(timed);
    let mut head = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader)
            .take(8192)
            .read_until(b'\n', &mut line)
            .map_err(|e| bad(format!("cannot fetch: {e}")))?;
        if n == 0 || !line.ends_with(b"\n") {
            return Err(bad(
                "cannot fetch: the server closed the connection before answering".into(),
            ));
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if text.is_empty() {
            break;
        }
        head.push(text);
        if head.len() > 200 {
            return Err(bad("cannot fetch: the server sent too many headers".into()));
        }
    }
    let status_line = head.first().map(String::as_str).unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let (proto, code, reason) = (parts.next(), parts.next(), parts.next());
    let status = match (proto, code.and_then(|c| c.parse::<u16>().ok())) {
        (Some(p), Some(c)) if p.starts_with("HTTP/") => c,
        _ => {
            return Err(bad(format!(
                "cannot fetch: the server did not answer in HTTP ({:?})",
                status_line.chars().take(60).collect::<String>()
            )));
        }
    };
    let headers = head[1..]
        .iter()
        .filter_map(|h| h.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Response {
        status,
        reason: reason.unwrap_or("").to_string(),
        headers,
        reader,
    })
}

/// The connection, each read bounded by what is left of the time allowed.
struct Timed {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| std::io::Error::new(ErrorKind::TimedOut, "timed out"))?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// A body of a known length: ending early is an error, not a short profile.
struct Exact<R> {
    inner: std::io::Take<R>,
    left: u64,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && self.left > 0 && !buf.is_empty() {
            return Err(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                format!(
                    "the body ended {} bytes short of its Content-Length",
                    self.left
                ),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A body in HTTP/1.1 chunked transfer coding: size lines in hex, each chunk, a zero-size
/// chunk and trailers at the end.
struct Chunked<R> {
    inner: R,
    /// Bytes left in the current chunk.
    left: u64,
    done: bool,
}

impl<R: BufRead> Chunked<R> {
    fn new(inner: R) -> Self {
        Chunked {
            inner,
            left: 0,
            done: false,
        }
    }

    fn line(&mut self) -> std::io::Result<String> {
        let mut line = Vec::new();
        (&mut self.inner).take(4096).read_until(b'\n', &mut line)?;
        if !line.ends_with(b"\n") {
            return Err(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                "the chunked body ended early",
            ));
        }
        Ok(String::from_utf8_lossy(&line).trim().to_string())
    }
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let line = self.line()?;
            let size = line.split(';').next().unwrap_or("").trim();
            self.left = u64::from_str_radix(size, 16).map_err(|_| {
                std::io::Error::new(
                    ErrorKind::InvalidData,
                    format!("a bad chunk size {size:?} in the chunked body"),
                )
            })?;
            if self.left == 0 {
                // Trailers, up to the empty line.
                while !self.line()?.is_empty() {}
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                "the chunked body ended early",
            ));
        }
        self.left -= n as u64;
        if self.left == 0 && !self.line()?.is_empty() {
            return Err(std::io::Error::new(
                ErrorKind::InvalidData,
                "a chunk is not followed by CRLF",
            ));
        }
        Ok(n)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_redirects_join() {
        let t = Target::parse("http://[::1]:6060/debug/pprof/heap?gc=1#x").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 6060, "/debug/pprof/heap?gc=1")
        );
        assert_eq!(t.host_header(), "[::1]:6060");
        assert_eq!(t.join("/other"), "http://[::1]:6060/other");
        assert_eq!(t.join("heap2"), "http://[::1]:6060/debug/pprof/heap2");
        let t = Target::parse("http://user:pw@example.com").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("example.com", 80, "/")
        );
        assert_eq!(t.join("http://b:1/x"), "http://b:1/x");
        assert!(Target::parse("http://:80/").is_err());
        assert!(Target::parse("http://h:port/").is_err());
    }

    #[test]
    fn proxies_are_chosen_as_go_chooses_them() {
        let t = Target::parse("http://svc.internal.example.com:6060/debug/pprof/heap").unwrap();
        let via = |p: Option<&str>, no: Option<&str>| {
            choose_proxy(&t, p, no)
                .unwrap()
                .map(|p| format!("{}:{}", p.host, p.port))
        };
        assert_eq!(via(None, None), None);
        assert_eq!(via(Some("proxy:3128"), None), Some("proxy:3128".into()));
        assert_eq!(via(Some("http://proxy"), Some("")), Some("proxy:80".into()));
        for no in [
            "*",
            "example.com",
            ".example.com",
            "*.example.com",
            "other, svc.internal.example.com",
            "svc.internal.example.com:6060",
        ] {
            assert_eq!(via(Some("proxy:3128"), Some(no)), None, "{no}");
        }
        for no in ["ample.com", "svc.internal.example.com:80", "other"] {
            assert!(via(Some("proxy:3128"), Some(no)).is_some(), "{no}");
        }
        // Loopback is never proxied; a proxy heapdiff cannot speak to is an error.
        let local = Target::parse("http://127.0.0.1:6060/").unwrap();
        assert!(
            choose_proxy(&local, Some("proxy:3128"), None)
                .unwrap()
                .is_none()
        );
        let local = Target::parse("http://localhost/").unwrap();
        assert!(
            choose_proxy(&local, Some("proxy:3128"), None)
                .unwrap()
                .is_none()
        );
        assert!(choose_proxy(&t, Some("https://proxy"), None).is_err());
    }

    #[test]
    fn chunked_bodies_decode_and_short_ones_fail() {
        let body = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n";
        let mut out = Vec::new();
        Chunked::new(&body[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"Wikipedia");
        let mut out = Vec::new();
        assert!(
            Chunked::new(&b"a\r\nshort"[..])
                .read_to_end(&mut out)
                .is_err()
        );
        assert!(Chunked::new(&b"zz\r\n"[..]).read_to_end(&mut out).is_err());
        let mut exact = Exact {
            inner: (&b"abc"[..]).take(5),
            left: 5,
        };
        assert!(exact.read_to_end(&mut out).is_err());
    }
}
