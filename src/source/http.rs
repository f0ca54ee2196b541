//! Profiles and fleet queries over HTTP and HTTPS, as `go tool pprof
//! https://host/debug/pprof/heap` fetches them: Go's net/http/pprof, the same endpoint served
//! by Rust (jemalloc_pprof) or Node services, and the profiling backends of [`super::fleet`].
//!
//! One [`Client`] holds what every request of a run shares: headers (`-H 'Authorization:
//! Bearer …'`, `X-Scope-OrgID`), the roots a server's certificate must chain to (the system's,
//! or `--tls-ca FILE`), and a client certificate (`--tls-cert`/`--tls-key`). TLS is rustls
//! with a pure-Rust crypto provider, so the default build compiles no C. Proxies are chosen as
//! Go's net/http chooses them (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, never for loopback);
//! credentials in a URL (`https://user:pw@host/`) are sent as HTTP basic authentication.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use base64::Engine;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::Limits;
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

/// `url` with the password of its credentials hidden, for messages and reports.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((creds, host)) => {
            let user = creds.split(':').next().unwrap_or("");
            let hidden = if creds.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

fn bad(what: String) -> InputErrorKind {
    InputErrorKind::Fetch(what)
}

/// What a [`Client`] sends and trusts, as the command line gives it.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// Extra request headers (`-H 'Name: value'`), sent with every request.
    pub headers: Vec<(String, String)>,
    /// A PEM file of the CA certificates a server must chain to, instead of the system's roots.
    pub tls_ca: Option<PathBuf>,
    /// A PEM file of the client certificate (and its chain) for servers that ask for one.
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
}

/// The client every URL and fleet query of a run is fetched with.
#[derive(Debug, Default)]
pub struct Client {
    headers: Vec<(String, String)>,
    /// Roots and client certificate as configured; the system's roots are loaded on first use.
    ca: Option<Vec<Certificate<'static>>>,
    cert: Option<ClientCert>,
    tls: OnceLock<TlsConfig>,
}

/// A response read whole: its status, content type and body.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The Content-Type header, lowercased ("" when absent).
    pub content_type: String,
    /// Every header, as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

fn read_pem(flag: &str, path: &Path) -> Result<Vec<PemItem<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    let items: Vec<PemItem<'static>> = ureq::tls::parse_pem(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{flag} {}: not a PEM file ({e})", path.display()))?;
    Ok(items)
}

impl Client {
    /// A client with `opts`, its certificate files read now (an unreadable or wrong file is an
    /// error naming the flag).
    pub fn new(opts: &ClientOptions) -> Result<Client, String> {
        for (name, value) in &opts.headers {
            ureq::http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("-H {name:?}: not a valid header name"))?;
            ureq::http::HeaderValue::from_str(value)
                .map_err(|_| format!("-H {name}: the value is not a valid header value"))?;
        }
        let ca = match &opts.tls_ca {
            Some(p) => {
                let certs: Vec<Certificate<'static>> = read_pem("--tls-ca", p)?
                    .into_iter()
                    .filter_map(|i| match i {
                        PemItem::Certificate(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                if certs.is_empty() {
                    return Err(format!("--tls-ca {}: holds no certificate", p.display()));
                }
                Some(certs)
            }
            None => None,
        };
        let cert = match (&opts.tls_cert, &opts.tls_key) {
            (None, None) => None,
            (Some(c), Some(k)) => {
                let chain: Vec<Certificate<'static>> = read_pem("--tls-cert", c)?
                    .into_iter()
                    .filter_map(|i| match i {
                        PemItem::Certificate(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                if chain.is_empty() {
                    return Err(format!("--tls-cert {}: holds no certificate", c.display()));
                }
                let key: PrivateKey<'static> = read_pem("--tls-key", k)?
                    .into_iter()
                    .find_map(|i| match i {
                        PemItem::PrivateKey(k) => Some(k),
                        _ => None,
                    })
                    .ok_or_else(|| format!("--tls-key {}: holds no private key", k.display()))?;
                Some(ClientCert::new_with_certs(&chain, key))
            }
            (Some(_), None) => return Err("--tls-cert needs --tls-key".into()),
            (None, Some(_)) => return Err("--tls-key needs --tls-cert".into()),
        };
        Ok(Client {
            headers: opts.headers.clone(),
            ca,
            cert,
            tls: OnceLock::new(),
        })
    }

    /// The headers sent with every request.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn tls(&self) -> TlsConfig {
        self.tls
            .get_or_init(|| {
                let roots = match &self.ca {
                    Some(c) => c.clone(),
                    None => system_roots(),
                };
                TlsConfig::builder()
                    .root_certs(RootCerts::new_with_certs(&roots))
                    .client_cert(self.cert.clone())
                    .unversioned_rustls_crypto_provider(Arc::new(
                        rustls_graviola::default_provider(),
                    ))
                    .build()
            })
            .clone()
    }

    fn agent(&self, url: &str, timeout: Duration) -> Result<ureq::Agent, InputErrorKind> {
        let uri: ureq::http::Uri = url.parse().map_err(|_| {
            bad(format!(
                "cannot fetch: {:?} is not a valid URL",
                redact(url)
            ))
        })?;
        let proxy = match proxy_for(&uri)? {
            Some(p) => Some(ureq::Proxy::new(&p).map_err(|_| {
                bad(format!(
                    "the proxy {p:?} is not a proxy URL heapdiff can use"
                ))
            })?),
            None => None,
        };
        Ok(ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .max_redirects(5)
            .proxy(proxy)
            .user_agent(concat!("heapdiff/", env!("CARGO_PKG_VERSION")))
            .tls_config(self.tls())
            .build()
            .new_agent())
    }

    /// The headers of a request to `url`: the client's, then basic authentication from the
    /// URL's credentials unless an Authorization header was given.
    fn request_headers(&self, url: &str) -> Vec<(String, String)> {
        let mut h = self.headers.clone();
        if !h
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            && let Some(creds) = credentials(url)
        {
            let token = base64::engine::general_purpose::STANDARD.encode(creds);
            h.push(("Authorization".into(), format!("Basic {token}")));
        }
        h
    }

    /// Opens `url` for reading, within `limits` for the answer and the body. The body is read
    /// as it arrives (the loader's ceiling bounds it); an error status, an HTML page, a refused
    /// connection or an untrusted certificate is one line.
    pub fn fetch(
        &self,
        url: &str,
        limits: &Limits,
    ) -> Result<Box<dyn Read + Send>, InputErrorKind> {
        let resp = self.get(url, limits.timeout)?;
        let html = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
        if html {
            return Err(bad(
                "the server sent an HTML page, not a profile (a Go service serves heap profiles at /debug/pprof/heap)".into(),
            ));
        }
        Ok(Box::new(resp.into_body().into_reader()))
    }

    fn get(
        &self,
        url: &str,
        timeout: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, InputErrorKind> {
        let agent = self.agent(url, timeout)?;
        let mut req = agent.get(url);
        for (k, v) in self.request_headers(url) {
            req = req.header(k, v);
        }
        let resp = req.call().map_err(|e| call_error(&e, timeout))?;
        check_status(resp)
    }

    /// Fetches `url` whole (a metrics page, say), at most `max` bytes.
    pub fn fetch_text(
        &self,
        url: &str,
        timeout: Duration,
        max: u64,
    ) -> Result<String, InputErrorKind> {
        let mut body = Vec::new();
        self.get(url, timeout)?
            .into_body()
            .into_reader()
            .take(max)
            .read_to_end(&mut body)
            .map_err(|e| bad(format!("cannot fetch: {e}")))?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// POSTs `body` to `url` with `headers` besides the client's, and reads the answer whole
    /// (at most `limits.max_input` bytes), whatever its status.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        limits: &Limits,
    ) -> Result<Answer, InputErrorKind> {
        let agent = self.agent(url, limits.timeout)?;
        let mut req = agent.post(url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        for (k, v) in self.request_headers(url) {
            req = req.header(k, v);
        }
        let resp = req.send(body).map_err(|e| call_error(&e, limits.timeout))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut out = Vec::new();
        resp.into_body()
            .into_reader()
            .take(limits.max_input.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| bad(format!("cannot fetch: {e}")))?;
        if out.len() as u64 > limits.max_input {
            return Err(InputErrorKind::TooLarge(limits.max_input));
        }
        Ok(Answer {
            status,
            content_type,
            headers,
            body: out,
        })
    }
}

/// The system's CA certificates (`SSL_CERT_FILE`, `SSL_CERT_DIR`, or the platform's store);
/// none when it has none, so https then fails on the first certificate with a hint.
fn system_roots() -> Vec<Certificate<'static>> {
    rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect()
}

/// A URL's `user:password`, percent-decoded.
fn credentials(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (creds, _) = authority.rsplit_once('@')?;
    Some(
        percent_encoding::percent_decode_str(creds)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

fn check_status(
    resp: ureq::http::Response<ureq::Body>,
) -> Result<ureq::http::Response<ureq::Body>, InputErrorKind> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let hint = match status.as_u16() {
        401 | 403 => " (-H 'Authorization: Bearer TOKEN' sends credentials)",
        _ => "",
    };
    Err(bad(format!(
        "the server answered {} {}{hint}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )))
}

/// One line for a request that got no answer.
fn call_error(e: &ureq::Error, timeout: Duration) -> InputErrorKind {
    let text = e.to_string();
    bad(match e {
        ureq::Error::Timeout(_) => format!(
            "cannot fetch: no complete answer within {}s (--timeout raises it)",
            timeout.as_secs()
        ),
        ureq::Error::HostNotFound => "cannot fetch: host not found".into(),
        _ if text.contains("lookup address") => format!("cannot fetch: host not found ({text})"),
        ureq::Error::TooManyRedirects => "cannot fetch: too many redirects".into(),
        _ if text.contains("certificate") => format!(
            "cannot fetch: the server's certificate is not trusted ({text}); --tls-ca FILE trusts the CA that signed it"
        ),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
            format!("cannot fetch: TLS failed ({text})")
        }
        _ => format!("cannot fetch: {text}"),
    })
}

/// The proxy for `uri`, as Go's net/http (and so `go tool pprof`) chooses it: `HTTP_PROXY` (or
/// `http_proxy`) for http:// URLs and `HTTPS_PROXY` (or `https_proxy`) for https:// ones,
/// unless `NO_PROXY` (or `no_proxy`) names the host, and never for localhost or a loopback
/// address.
fn proxy_for(uri: &ureq::http::Uri) -> Result<Option<String>, InputErrorKind> {
    let var = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let https = uri.scheme_str() == Some("https");
    let proxy = if https {
        var(["HTTPS_PROXY", "https_proxy"])
    } else {
        var(["HTTP_PROXY", "http_proxy"])
    };
    let host = uri.host().unwrap_or("").trim_matches(['[', ']']);
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok(choose_proxy(
        host,
        port,
        proxy.as_deref(),
        var(["NO_PROXY", "no_proxy"]).as_deref(),
    ))
}

fn choose_proxy(
    host: &str,
    port: u16,
    proxy: Option<&str>,
    no_proxy: Option<&str>,
) -> Option<String> {
    let proxy = proxy.map(str::trim)?;
    let host = host.to_ascii_lowercase();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let excluded = no_proxy.unwrap_or("").split(',').any(|e| {
        let e = e.trim().to_ascii_lowercase();
        let (name, p) = match e.rsplit_once(':') {
            Some((n, p)) if !n.is_empty() && !n.contains(':') => (n.to_string(), p.parse().ok()),
            _ => (e.clone(), None),
        };
        let name = name.trim_start_matches("*.").trim_start_matches('.');
        !e.is_empty()
            && p.is_none_or(|p: u16| p == port)
            && (e == "*" || host == name || host.ends_with(&format!(".{name}")))
    });
    if loopback || excluded {
        return None;
    }
    Some(if proxy.contains("://") {
        proxy.to_string()
    } else {
        format!("http://{proxy}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_decoded() {
        assert_eq!(
            redact("https://alice:s3cr%40t@host:443/x?y"),
            "https://alice:***@host:443/x?y"
        );
        assert_eq!(redact("http://host/a@b"), "http://host/a@b");
        assert_eq!(
            credentials("https://alice:s3cr%40t@host/").as_deref(),
            Some("alice:s3cr@t")
        );
        assert_eq!(credentials("https://host/a@b"), None);
    }

    #[test]
    fn proxies_are_chosen_as_go_chooses_them() {
        let host = "svc.internal.example.com";
        let via = |p: Option<&str>, no: Option<&str>| choose_proxy(host, 6060, p, no);
        assert_eq!(via(None, None), None);
        assert_eq!(
            via(Some("proxy:3128"), None),
            Some("http://proxy:3128".into())
        );
        assert_eq!(
            via(Some("http://proxy"), Some("")),
            Some("http://proxy".into())
        );
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
        // Loopback is never proxied.
        assert!(choose_proxy("127.0.0.1", 6060, Some("proxy:3128"), None).is_none());
        assert!(choose_proxy("localhost", 80, Some("proxy:3128"), None).is_none());
        assert!(choose_proxy("::1", 80, Some("proxy:3128"), None).is_none());
    }
}
