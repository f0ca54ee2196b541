//! https, headers and credentials against real servers on 127.0.0.1: a TLS server whose
//! certificate a private CA (testdata/tls, made by testdata/gen/tls.sh) signed, one that also
//! asks for a client certificate, and a plain server that wants an Authorization header.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::util::*;

/// A request as the server saw it: its request line and headers (names lowercased).
#[derive(Clone, Debug)]
pub struct Seen {
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.line.split_whitespace().nth(1).unwrap_or("/")
    }
}

/// An answer: status line, content type, body.
pub type Reply = (&'static str, String, Vec<u8>);

/// How a test server speaks.
pub enum Tls {
    /// Plain HTTP.
    No,
    /// HTTPS with the private CA's server certificate.
    Server,
    /// HTTPS that also wants a client certificate the private CA signed.
    Mutual,
}

fn pem_certs(rel: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(testdata(rel))
        .unwrap()
        .map(|c| c.unwrap())
        .collect()
}

fn server_config(tls: &Tls) -> Option<Arc<rustls::ServerConfig>> {
    let provider = Arc::new(rustls_graviola::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match tls {
        Tls::No => return None,
        Tls::Server => builder.with_no_client_auth(),
        Tls::Mutual => {
            let mut roots = rustls::RootCertStore::empty();
            for c in pem_certs("tls/ca.pem") {
                roots.add(c).unwrap();
            }
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let key = PrivateKeyDer::from_pem_file(testdata("tls/server.key")).unwrap();
    Some(Arc::new(
        builder
            .with_single_cert(pem_certs("tls/server.pem"), key)
            .unwrap(),
    ))
}

/// Serves every connection with `answer` until the test process ends. Returns the address
/// and what each request was.
pub fn serve(
    tls: Tls,
    answer: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let config = server_config(&tls);
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (log, answer, config) = (log.clone(), answer.clone(), config.clone());
            std::thread::spawn(move || {
                let conn: Box<dyn ReadWrite> = match config {
                    Some(c) => Box::new(rustls::StreamOwned::new(
                        rustls::ServerConnection::new(c).unwrap(),
                        stream,
                    )),
                    None => Box::new(stream),
                };
                let _ = one(conn, &log, &*answer);
            });
        }
    });
    (addr, seen)
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

fn one(
    conn: Box<dyn ReadWrite>,
    log: &Mutex<Vec<Seen>>,
    answer: &dyn Fn(&Seen) -> Reply,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let seen = Seen {
        line: line.trim().to_string(),
        headers,
        body,
    };
    log.lock().unwrap().push(seen.clone());
    let (status, ctype, body) = answer(&seen);
    let mut conn = reader.into_inner();
    write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(&body)?;
    conn.flush()
}

/// `/debug/pprof/heap` answered with snapshot `n` of testdata/go/leak, in turn.
fn heap_series() -> impl Fn(&Seen) -> Reply + Send + Sync {
    let next = Mutex::new(0usize);
    move |s: &Seen| {
        if !s.path().starts_with("/debug/pprof/heap") {
            return (
                "404 Not Found",
                "text/plain".into(),
                b"404 page not found\n".to_vec(),
            );
        }
        let mut n = next.lock().unwrap();
        *n = *n % 4 + 1;
        let f = testdata(&format!("go/leak/heap_00{n}.pb.gz"));
        (
            "200 OK",
            "application/octet-stream".into(),
            std::fs::read(f).unwrap(),
        )
    }
}

fn one_line_failure(o: &std::process::Output, want: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(want), "{err}");
}

#[test]
fn https_with_a_private_ca() {
    let (addr, seen) = serve(Tls::Server, heap_series());
    let url = format!("https://{addr}/debug/pprof/heap");
    let ca = td("tls/ca.pem");
    let o = run(&["diff", "--tls-ca", &ca, &url, &url], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("main.(*hub).subscribe"),
        "{}",
        stdout(&o)
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
    // The system's roots do not hold the private CA, nor does another CA: one line, exit 2.
    let o = run(&["show", &url], None);
    one_line_failure(&o, "not trusted");
    assert!(stderr(&o).contains("--tls-ca"), "{}", stderr(&o));
    let o = run(&["show", "--tls-ca", &td("tls/other-ca.pem"), &url], None);
    one_line_failure(&o, "not trusted");
    // A CA file that is no PEM is refused before anything is fetched.
    let o = run(
        &["show", "--tls-ca", &td("go/leak/heap_001.pb.gz"), &url],
        None,
    );
    one_line_failure(&o, "--tls-ca");
}

#[test]
fn a_server_that_wants_a_client_certificate() {
    let (addr, _) = serve(Tls::Mutual, heap_series());
    let url = format!("https://{addr}/debug/pprof/heap");
    let ca = td("tls/ca.pem");
    let o = run(&["show", "--tls-ca", &ca, &url], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let (cert, key) = (td("tls/client.pem"), td("tls/client.key"));
    let o = run(
        &[
            "show",
            "--tls-ca",
            &ca,
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Go runtime/pprof"), "{}", stdout(&o));
    // A certificate without its key is refused by the flags.
    let o = run(&["show", "--tls-ca", &ca, "--tls-cert", &cert, &url], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn headers_and_url_credentials_are_sent() {
    let series = heap_series();
    let (addr, seen) = serve(Tls::No, move |s| {
        let auth = s.header("authorization").unwrap_or("");
        // "alice:s3cr@t", as basic authentication sends it.
        if auth == "Bearer t0ken" || auth == "Basic YWxpY2U6czNjckB0" {
            series(s)
        } else {
            ("401 Unauthorized", "text/plain".into(), b"no\n".to_vec())
        }
    });
    let url = format!("http://{addr}/debug/pprof/heap");
    let o = run(&["show", &url], None);
    one_line_failure(&o, "answered 401");
    assert!(stderr(&o).contains("-H"), "{}", stderr(&o));
    let o = run(
        &[
            "show",
            "-H",
            "Authorization: Bearer t0ken",
            "-H",
            "X-Scope-OrgID: team-a",
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let last = seen.lock().unwrap().last().unwrap().clone();
    assert_eq!(last.header("x-scope-orgid"), Some("team-a"));
    assert!(
        last.line.starts_with("GET ") && last.body.is_empty(),
        "{last:?}"
    );
    // Credentials in the URL: sent as basic authentication, never printed.
    let with_creds = format!("http://alice:s3cr%40t@{addr}/debug/pprof/heap");
    let o = run(&["show", &with_creds], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &[
            "show",
            &format!("http://alice:wrong@{addr}/debug/pprof/heap"),
        ],
        None,
    );
    one_line_failure(&o, "answered 401");
    assert!(!stderr(&o).contains("wrong"), "{}", stderr(&o));
    // A header that is no header is refused by the flag.
    let o = run(&["show", "-H", "no colon", &url], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn redirects_to_https_are_followed() {
    let (tls_addr, _) = serve(Tls::Server, heap_series());
    let target = format!("https://{tls_addr}/debug/pprof/heap");
    let (addr, _) = serve(Tls::No, move |_| {
        (
            "302 Found",
            format!("text/plain\r\nLocation: {target}"),
            Vec::new(),
        )
    });
    let o = run(
        &[
            "show",
            "--tls-ca",
            &td("tls/ca.pem"),
            &format!("http://{addr}/debug/pprof/heap"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Go runtime/pprof"), "{}", stdout(&o));
}
