//! Parca's (and Polar Signals') query API: `parca.query.v1alpha1.QueryService` over gRPC-Web,
//! as Parca's own UI calls it: `POST {url}/parca.query.v1alpha1.QueryService/{Method}` with
//! `application/grpc-web+proto`, the message framed as `0x00 | u32 big-endian length | bytes`;
//! the answer is data frames, then a trailer frame (`0x80`) whose `grpc-status` says whether
//! it worked (a failure may also come as headers alone).
//!
//! The messages are the fields heapdiff sends and reads of Parca's published
//! `proto/parca/query/v1alpha1/query.proto` (field numbers as there).

use prost::Message;

use super::{Count, Query, fetch_err, join, tally};
use crate::error::InputErrorKind;
use crate::source::Limits;

/// `google.protobuf.Timestamp`.
#[derive(Clone, PartialEq, Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Timestamp {
    fn from_ms(ms: i64) -> Self {
        Timestamp {
            seconds: ms.div_euclid(1000),
            nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
        }
    }

    fn ms(&self) -> i64 {
        self.seconds * 1000 + i64::from(self.nanos) / 1_000_000
    }
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, Message)]
pub struct Duration {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `QueryRequest`, in merge mode.
#[derive(Clone, PartialEq, Message)]
pub struct QueryRequest {
    /// `Mode`: 2 is MODE_MERGE.
    #[prost(int32, tag = "1")]
    pub mode: i32,
    #[prost(message, optional, tag = "3")]
    pub merge: Option<MergeProfile>,
    /// `ReportType`: 1 is REPORT_TYPE_PPROF.
    #[prost(int32, tag = "5")]
    pub report_type: i32,
}

/// `MergeProfile`.
#[derive(Clone, PartialEq, Message)]
pub struct MergeProfile {
    #[prost(string, tag = "1")]
    pub query: String,
    #[prost(message, optional, tag = "2")]
    pub start: Option<Timestamp>,
    #[prost(message, optional, tag = "3")]
    pub end: Option<Timestamp>,
}

/// `QueryResponse`: the gzipped pprof of a REPORT_TYPE_PPROF query.
#[derive(Clone, PartialEq, Message)]
pub struct QueryResponse {
    #[prost(bytes = "vec", optional, tag = "6")]
    pub pprof: Option<Vec<u8>>,
}

/// `QueryRangeRequest`.
#[derive(Clone, PartialEq, Message)]
pub struct QueryRangeRequest {
    #[prost(string, tag = "1")]
    pub query: String,
    #[prost(message, optional, tag = "2")]
    pub start: Option<Timestamp>,
    #[prost(message, optional, tag = "3")]
    pub end: Option<Timestamp>,
    #[prost(uint32, tag = "4")]
    pub limit: u32,
    #[prost(message, optional, tag = "5")]
    pub step: Option<Duration>,
}

/// `QueryRangeResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct QueryRangeResponse {
    #[prost(message, repeated, tag = "1")]
    pub series: Vec<MetricsSeries>,
}

/// `MetricsSeries`.
#[derive(Clone, PartialEq, Message)]
pub struct MetricsSeries {
    #[prost(message, optional, tag = "1")]
    pub labelset: Option<LabelSet>,
    #[prost(message, repeated, tag = "2")]
    pub samples: Vec<MetricsSample>,
}

/// `profilestore.v1alpha1.LabelSet`.
#[derive(Clone, PartialEq, Message)]
pub struct LabelSet {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
}

/// `profilestore.v1alpha1.Label`.
#[derive(Clone, PartialEq, Message)]
pub struct Label {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `MetricsSample`.
#[derive(Clone, PartialEq, Message)]
pub struct MetricsSample {
    #[prost(message, optional, tag = "1")]
    pub timestamp: Option<Timestamp>,
    #[prost(int64, tag = "2")]
    pub value: i64,
    #[prost(int64, tag = "5")]
    pub count: i64,
}

const MODE_MERGE: i32 = 2;
const REPORT_TYPE_PPROF: i32 = 1;

/// The whole query string: the profile type, then the selector
/// (`memory:inuse_space:bytes:space:bytes{job="api"}`).
fn query_string(q: &Query) -> String {
    let sel = q.selector.trim();
    format!(
        "{}{}",
        q.profile_type,
        if sel.is_empty() { "{}" } else { sel }
    )
}

/// One gRPC-Web frame holding `msg`.
pub(crate) fn frame(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + 5);
    out.push(0);
    out.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    out.extend_from_slice(msg);
    out
}

/// The message of a gRPC-Web answer, or the status and message it failed with.
fn unframe(body: &[u8], headers: &[(String, String)]) -> Result<Vec<u8>, (String, String)> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut data = Vec::new();
    let mut status = header("grpc-status");
    let mut message = header("grpc-message");
    let mut rest = body;
    while rest.len() >= 5 {
        let flag = rest[0];
        let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        let Some(payload) = rest.get(5..5 + len) else {
            return Err(("".into(), "the answer's last frame is cut short".into()));
        };
        if flag & 0x80 != 0 {
            for line in String::from_utf8_lossy(payload).split("\r\n") {
                if let Some((k, v)) = line.split_once(':') {
                    match k.trim().to_ascii_lowercase().as_str() {
                        "grpc-status" => status = Some(v.trim().to_string()),
                        "grpc-message" => message = Some(v.trim().to_string()),
                        _ => {}
                    }
                }
            }
        } else {
            data.extend_from_slice(payload);
        }
        rest = &rest[5 + len..];
    }
    match status.as_deref() {
        Some("0") => Ok(data),
        Some(s) => Err((
            s.to_string(),
            percent_encoding::percent_decode_str(&message.unwrap_or_default())
                .decode_utf8_lossy()
                .into_owned(),
        )),
        None => Err(("".into(), "the answer has no grpc-status".into())),
    }
}

fn call<M: Message + Default>(
    q: &Query,
    method: &str,
    req: &impl Message,
    limits: &Limits,
) -> Result<M, InputErrorKind> {
    let url = join(
        &q.url,
        &format!("parca.query.v1alpha1.QueryService/{method}"),
    );
    let a = q.client.post(
        &url,
        &[
            ("Content-Type", "application/grpc-web+proto"),
            ("X-Grpc-Web", "1"),
        ],
        &frame(&req.encode_to_vec()),
        limits,
    )?;
    if !(200..300).contains(&a.status) {
        let hint = match a.status {
            401 | 403 => " (-H 'Authorization: Bearer TOKEN' sends a token)",
            404 => {
                " (is the URL Parca's base, such as http://parca:7070, or /api under a UI prefix?)"
            }
            _ => "",
        };
        return Err(fetch_err(format!(
            "Parca answered {method} with {}{hint}",
            a.status
        )));
    }
    if !a.content_type.starts_with("application/grpc") {
        return Err(fetch_err(format!(
            "{method}: the server answered {:?}, not gRPC-Web (is the URL Parca's?)",
            a.content_type
        )));
    }
    let msg = unframe(&a.body, &a.headers).map_err(|(code, message)| {
        fetch_err(format!(
            "Parca answered {method} with gRPC status {code}: {message}"
        ))
    })?;
    M::decode(&msg[..])
        .map_err(|e| fetch_err(format!("{method}: the answer is not Parca's message ({e})")))
}

/// Counts the profiles in each window: `QueryRange` with a step of one window, whose samples
/// carry how many profiles each bucket holds, per series; instances are the values of the
/// instance label among the series with profiles in the window.
pub(super) fn count(
    q: &Query,
    bounds: &[(i64, i64)],
    limits: &Limits,
) -> Result<(Option<String>, Vec<Count>), InputErrorKind> {
    let req = QueryRangeRequest {
        query: query_string(q),
        start: Some(Timestamp::from_ms(q.from_ms)),
        end: Some(Timestamp::from_ms(q.to_ms - 1)),
        limit: 0,
        step: Some(Duration {
            seconds: q.step_ms / 1000,
            nanos: ((q.step_ms % 1000) * 1_000_000) as i32,
        }),
    };
    let r: QueryRangeResponse = call(q, "QueryRange", &req, limits)?;
    let labels: Vec<String> = r
        .series
        .iter()
        .flat_map(|s| {
            s.labelset
                .iter()
                .flat_map(|l| l.labels.iter().map(|l| l.name.clone()))
        })
        .collect();
    let label = super::instance_label(q.instance_label.as_deref(), &labels);
    // Series of one instance (other labels differing) count as one instance.
    let mut instances: Vec<String> = Vec::new();
    let mut points = Vec::new();
    for s in &r.series {
        let who = label
            .as_ref()
            .and_then(|l| {
                s.labelset
                    .as_ref()?
                    .labels
                    .iter()
                    .find(|x| &x.name == l)
                    .map(|x| x.value.clone())
            })
            .unwrap_or_default();
        let i = match instances.iter().position(|x| *x == who) {
            Some(i) => i,
            None => {
                instances.push(who);
                instances.len() - 1
            }
        };
        for p in &s.samples {
            let t = p.timestamp.as_ref().map_or(0, Timestamp::ms);
            points.push((i, t, p.count.max(0) as u64));
        }
    }
    Ok((label, tally(bounds, &points)))
}

/// The merged profile of `[start, end)`: `Query` in merge mode with the pprof report, whose
/// answer is gzipped profile.proto (heapdiff's loader gunzips it).
pub(super) fn merge(
    q: &Query,
    start: i64,
    end: i64,
    limits: &Limits,
) -> Result<Vec<u8>, InputErrorKind> {
    let req = QueryRequest {
        mode: MODE_MERGE,
        merge: Some(MergeProfile {
            query: query_string(q),
            start: Some(Timestamp::from_ms(start)),
            // Parca's end is inclusive.
            end: Some(Timestamp::from_ms(end - 1)),
        }),
        report_type: REPORT_TYPE_PPROF,
    };
    let r: QueryResponse = call(q, "Query", &req, limits)?;
    r.pprof
        .ok_or_else(|| fetch_err("Query: the answer holds no pprof report".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::fleet::vector;

    /// Requests encode byte for byte as protoc's encoder (from Parca's .proto) encodes them;
    /// answers decode to what protoc put in.
    #[test]
    fn messages_match_parcas_proto() {
        let query = "memory:inuse_space:bytes:space:bytes{job=\"api\"}".to_string();
        let req = QueryRequest {
            mode: MODE_MERGE,
            merge: Some(MergeProfile {
                query: query.clone(),
                start: Some(Timestamp::from_ms(1_796_353_200_000)),
                end: Some(Timestamp::from_ms(1_796_353_799_999)),
            }),
            report_type: REPORT_TYPE_PPROF,
        };
        assert_eq!(req.encode_to_vec(), vector("parca.QueryRequest"));
        let req = QueryRangeRequest {
            query,
            start: Some(Timestamp::from_ms(1_796_353_200_000)),
            end: Some(Timestamp::from_ms(1_796_355_599_999)),
            limit: 0,
            step: Some(Duration {
                seconds: 600,
                nanos: 0,
            }),
        };
        assert_eq!(req.encode_to_vec(), vector("parca.QueryRangeRequest"));
        let r = QueryResponse::decode(&vector("parca.QueryResponse")[..]).unwrap();
        assert_eq!(r.pprof.as_deref(), Some(&[0x1f, 0x8b][..]));
        let r = QueryRangeResponse::decode(&vector("parca.QueryRangeResponse")[..]).unwrap();
        let s = &r.series[0];
        assert_eq!(s.labelset.as_ref().unwrap().labels[0].value, "api-0");
        assert_eq!(s.samples[0].count, 2);
        assert_eq!(s.samples[0].value, 155_360);
        assert_eq!(
            s.samples[0].timestamp.as_ref().unwrap().ms(),
            1_796_353_215_000
        );
    }

    #[test]
    fn grpc_web_frames_and_trailers() {
        let mut body = frame(b"abc");
        let trailer = b"grpc-status: 0\r\ngrpc-message: \r\n";
        body.push(0x80);
        body.extend_from_slice(&(trailer.len() as u32).to_be_bytes());
        body.extend_from_slice(trailer);
        assert_eq!(unframe(&body, &[]), Ok(b"abc".to_vec()));
        let failed = [
            ("grpc-status".to_string(), "3".to_string()),
            ("grpc-message".into(), "bad%20query".into()),
        ];
        assert_eq!(
            unframe(&[], &failed),
            Err(("3".to_string(), "bad query".to_string()))
        );
        assert!(unframe(&frame(b"abc")[..6], &[]).is_err());
        assert!(unframe(&frame(b"abc"), &[]).is_err());
    }
}
