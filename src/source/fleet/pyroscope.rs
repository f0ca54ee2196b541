//! Grafana Pyroscope's query API: `POST {url}/querier.v1.QuerierService/{Method}`, Connect's
//! unary protocol over HTTP (the body is the bare message, `application/proto`; an error is a
//! non-2xx status with a JSON `{"code", "message"}`), as `profilecli` speaks it.
//!
//! The messages are the fields heapdiff sends and reads of Pyroscope's published
//! `api/querier/v1/querier.proto` and `api/types/v1/types.proto` (field numbers as there;
//! `testdata/gen/fleet/` checks them against vectors encoded from those files).

use prost::Message;

use super::{Count, Query, fetch_err, instance_label, join, tally};
use crate::error::InputErrorKind;
use crate::source::Limits;

/// `ProfileTypesRequest`.
#[derive(Clone, PartialEq, Message)]
pub struct ProfileTypesRequest {
    #[prost(int64, tag = "1")]
    pub start: i64,
    #[prost(int64, tag = "2")]
    pub end: i64,
}

/// `ProfileTypesResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct ProfileTypesResponse {
    #[prost(message, repeated, tag = "1")]
    pub profile_types: Vec<ProfileType>,
}

/// `types.v1.ProfileType`.
#[derive(Clone, PartialEq, Message)]
pub struct ProfileType {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "4")]
    pub sample_type: String,
    #[prost(string, tag = "5")]
    pub sample_unit: String,
    #[prost(string, tag = "6")]
    pub period_type: String,
    #[prost(string, tag = "7")]
    pub period_unit: String,
}

/// `types.v1.LabelNamesRequest`.
#[derive(Clone, PartialEq, Message)]
pub struct LabelNamesRequest {
    #[prost(string, repeated, tag = "1")]
    pub matchers: Vec<String>,
    #[prost(int64, tag = "2")]
    pub start: i64,
    #[prost(int64, tag = "3")]
    pub end: i64,
}

/// `types.v1.LabelNamesResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct LabelNamesResponse {
    #[prost(string, repeated, tag = "1")]
    pub names: Vec<String>,
}

/// `SelectSeriesRequest`.
#[derive(Clone, PartialEq, Message)]
pub struct SelectSeriesRequest {
    #[prost(string, tag = "1")]
    pub profile_type_id: String,
    #[prost(string, tag = "2")]
    pub label_selector: String,
    #[prost(int64, tag = "3")]
    pub start: i64,
    #[prost(int64, tag = "4")]
    pub end: i64,
    #[prost(string, repeated, tag = "5")]
    pub group_by: Vec<String>,
    #[prost(double, tag = "6")]
    pub step: f64,
    /// `TimeSeriesAggregationType`: 0 is SUM.
    #[prost(int32, optional, tag = "7")]
    pub aggregation: Option<i32>,
}

/// `SelectSeriesResponse`.
#[derive(Clone, PartialEq, Message)]
pub struct SelectSeriesResponse {
    #[prost(message, repeated, tag = "1")]
    pub series: Vec<Series>,
}

/// `types.v1.Series`.
#[derive(Clone, PartialEq, Message)]
pub struct Series {
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<LabelPair>,
    #[prost(message, repeated, tag = "2")]
    pub points: Vec<Point>,
}

/// `types.v1.LabelPair`.
#[derive(Clone, PartialEq, Message)]
pub struct LabelPair {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `types.v1.Point`.
#[derive(Clone, PartialEq, Message)]
pub struct Point {
    #[prost(double, tag = "1")]
    pub value: f64,
    #[prost(int64, tag = "2")]
    pub timestamp: i64,
}

/// `SelectMergeStacktracesRequest` (and, with fields 1-4 only, `SelectMergeProfileRequest`).
#[derive(Clone, PartialEq, Message)]
pub struct SelectMergeRequest {
    #[prost(string, tag = "1")]
    pub profile_type_id: String,
    #[prost(string, tag = "2")]
    pub label_selector: String,
    #[prost(int64, tag = "3")]
    pub start: i64,
    #[prost(int64, tag = "4")]
    pub end: i64,
    /// `ProfileFormat`: 4 is PPROF (SelectMergeStacktraces only).
    #[prost(int32, optional, tag = "6")]
    pub format: Option<i32>,
}

/// `SelectMergeStacktracesResponse`, the pprof it holds (field 5) kept as bytes.
#[derive(Clone, PartialEq, Message)]
pub struct SelectMergeStacktracesResponse {
    #[prost(message, optional, tag = "5")]
    pub pprof: Option<PprofBytes>,
}

/// A message whose field 1 is a `google.v1.Profile`, kept undecoded.
#[derive(Clone, PartialEq, Message)]
pub struct PprofBytes {
    #[prost(bytes = "vec", tag = "1")]
    pub profile: Vec<u8>,
}

const PPROF_FORMAT: i32 = 4;

/// A non-2xx answer: its status, Connect's error code and message.
type Refusal = (u16, String, String);

/// Calls `method` with `req`; a non-2xx answer is one line with Pyroscope's message.
fn call(
    q: &Query,
    method: &str,
    req: &impl Message,
    limits: &Limits,
) -> Result<Result<Vec<u8>, Refusal>, InputErrorKind> {
    let url = join(&q.url, &format!("querier.v1.QuerierService/{method}"));
    let a = q.client.post(
        &url,
        &[
            ("Content-Type", "application/proto"),
            ("Connect-Protocol-Version", "1"),
        ],
        &req.encode_to_vec(),
        limits,
    )?;
    if (200..300).contains(&a.status) {
        if a.content_type.starts_with("text/html") {
            return Err(fetch_err(format!(
                "{method}: the server sent an HTML page, not Pyroscope's answer (a login page or a proxy? the URL is Pyroscope's base)"
            )));
        }
        return Ok(Ok(a.body));
    }
    let (code, message) = connect_error(&a.body);
    Ok(Err((a.status, code, message)))
}

/// Connect's error body: `{"code": "...", "message": "..."}`, or the first line of whatever
/// came.
fn connect_error(body: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct E {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    match serde_json::from_slice::<E>(body) {
        Ok(e) => (e.code, e.message),
        Err(_) => (
            String::new(),
            String::from_utf8_lossy(body)
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
        ),
    }
}

fn answered(method: &str, (status, code, message): (u16, String, String)) -> InputErrorKind {
    let hint = match status {
        401 | 403 => {
            " (-H 'Authorization: Bearer TOKEN' or URL credentials; -H 'X-Scope-OrgID: TENANT' for a multi-tenant server)"
        }
        404 => " (is the URL Pyroscope's base, such as http://pyroscope:4040?)",
        _ => "",
    };
    let code = if code.is_empty() {
        String::new()
    } else {
        format!(" {code}")
    };
    fetch_err(format!(
        "Pyroscope answered {method} with {status}{code}: {message}{hint}"
    ))
}

fn decode<M: Message + Default>(method: &str, body: &[u8]) -> Result<M, InputErrorKind> {
    M::decode(body).map_err(|e| {
        fetch_err(format!(
            "{method}: the answer is not Pyroscope's message ({e})"
        ))
    })
}

/// Checks the profile type exists, chooses the instance label and counts the profiles (and
/// instances) in each window: one `SelectSeries` over the whole range with a 1 s step,
/// grouped by the instance label, whose points are one per profile (buckets are sparse, and
/// one scrape of one instance lands in one bucket).
pub(super) fn count(
    q: &Query,
    bounds: &[(i64, i64)],
    limits: &Limits,
) -> Result<(Option<String>, Vec<Count>), InputErrorKind> {
    let (from, to) = (q.from_ms, q.to_ms);
    let req = ProfileTypesRequest {
        start: from,
        end: to,
    };
    let types: ProfileTypesResponse = match call(q, "ProfileTypes", &req, limits)? {
        Ok(b) => decode("ProfileTypes", &b)?,
        Err(e) => return Err(answered("ProfileTypes", e)),
    };
    if !types.profile_types.iter().any(|t| t.id == q.profile_type) {
        let mut known: Vec<&str> = types
            .profile_types
            .iter()
            .map(|t| t.id.as_str())
            .filter(|id| id.starts_with("memory:"))
            .collect();
        if known.is_empty() {
            known = types.profile_types.iter().map(|t| t.id.as_str()).collect();
        }
        return Err(fetch_err(format!(
            "Pyroscope holds no profile type {:?} between --from and --to; it has: {}",
            q.profile_type,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    }
    let label = match &q.instance_label {
        Some(l) => Some(l.clone()),
        None => {
            let req = LabelNamesRequest {
                matchers: vec![q.selector.clone()],
                start: from,
                end: to,
            };
            let names: LabelNamesResponse = match call(q, "LabelNames", &req, limits)? {
                Ok(b) => decode("LabelNames", &b)?,
                Err(e) => return Err(answered("LabelNames", e)),
            };
            instance_label(None, &names.names)
        }
    };
    let req = SelectSeriesRequest {
        profile_type_id: q.profile_type.clone(),
        label_selector: q.selector.clone(),
        start: from,
        end: to,
        group_by: label.iter().cloned().collect(),
        step: 1.0,
        aggregation: Some(0),
    };
    let series: SelectSeriesResponse = match call(q, "SelectSeries", &req, limits)? {
        Ok(b) => decode("SelectSeries", &b)?,
        Err(e) => return Err(answered("SelectSeries", e)),
    };
    let points: Vec<(usize, i64, u64)> = series
        .series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.points.iter().map(move |p| (i, p.timestamp, 1)))
        .collect();
    Ok((label, tally(bounds, &points)))
}

/// The merged profile of `[start, end)` as profile.proto bytes: `SelectMergeStacktraces` in
/// the pprof format, or `SelectMergeProfile` from a server that predates it (it answers
/// unimplemented, 404, or without the pprof field).
pub(super) fn merge(
    q: &Query,
    start: i64,
    end: i64,
    limits: &Limits,
) -> Result<Vec<u8>, InputErrorKind> {
    // The server's end is inclusive: a profile at the next window's start is not counted twice.
    let mut req = SelectMergeRequest {
        profile_type_id: q.profile_type.clone(),
        label_selector: q.selector.clone(),
        start,
        end: end - 1,
        format: Some(PPROF_FORMAT),
    };
    match call(q, "SelectMergeStacktraces", &req, limits)? {
        Ok(b) => {
            let r: SelectMergeStacktracesResponse = decode("SelectMergeStacktraces", &b)?;
            if let Some(p) = r.pprof {
                return Ok(p.profile);
            }
        }
        Err((status, code, _)) if status == 404 || code == "unimplemented" => {}
        Err(e) => return Err(answered("SelectMergeStacktraces", e)),
    }
    req.format = None;
    match call(q, "SelectMergeProfile", &req, limits)? {
        Ok(b) => Ok(b),
        Err(e) => Err(answered("SelectMergeProfile", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::fleet::vector;

    const TYPE: &str = "memory:inuse_space:bytes:space:bytes";
    const SEL: &str = "{service_name=\"api\"}";
    const FROM: i64 = 1_796_353_200_000;
    const TO: i64 = 1_796_355_600_000;

    /// Requests encode byte for byte as protoc's encoder (from Pyroscope's .proto) encodes
    /// them; answers decode to what protoc put in.
    #[test]
    fn messages_match_pyroscopes_proto() {
        let enc = |m: &dyn Fn() -> Vec<u8>, name: &str| assert_eq!(m(), vector(name), "{name}");
        enc(
            &|| {
                ProfileTypesRequest {
                    start: FROM,
                    end: TO,
                }
                .encode_to_vec()
            },
            "pyroscope.ProfileTypesRequest",
        );
        enc(
            &|| {
                LabelNamesRequest {
                    matchers: vec![SEL.into()],
                    start: FROM,
                    end: TO,
                }
                .encode_to_vec()
            },
            "pyroscope.LabelNamesRequest",
        );
        enc(
            &|| {
                SelectSeriesRequest {
                    profile_type_id: TYPE.into(),
                    label_selector: SEL.into(),
                    start: FROM,
                    end: TO,
                    group_by: vec!["pod".into()],
                    step: 1.0,
                    aggregation: Some(0),
                }
                .encode_to_vec()
            },
            "pyroscope.SelectSeriesRequest",
        );
        let merge = |format| SelectMergeRequest {
            profile_type_id: TYPE.into(),
            label_selector: SEL.into(),
            start: FROM,
            end: FROM + 599_999,
            format,
        };
        enc(
            &|| merge(Some(PPROF_FORMAT)).encode_to_vec(),
            "pyroscope.SelectMergeStacktracesRequest",
        );
        enc(
            &|| merge(None).encode_to_vec(),
            "pyroscope.SelectMergeProfileRequest",
        );

        let t =
            ProfileTypesResponse::decode(&vector("pyroscope.ProfileTypesResponse")[..]).unwrap();
        assert_eq!(t.profile_types[0].id, TYPE);
        assert_eq!(t.profile_types[0].sample_type, "inuse_space");
        assert_eq!(t.profile_types[0].period_unit, "bytes");
        let n = LabelNamesResponse::decode(&vector("pyroscope.LabelNamesResponse")[..]).unwrap();
        assert_eq!(n.names, ["pod", "service_name"]);
        let s =
            SelectSeriesResponse::decode(&vector("pyroscope.SelectSeriesResponse")[..]).unwrap();
        assert_eq!(s.series[0].labels[0].value, "api-0");
        assert_eq!(s.series[0].points[0].timestamp, 1_796_353_215_000);
        assert_eq!(s.series[0].points[0].value, 155_360.0);
        let m = SelectMergeStacktracesResponse::decode(
            &vector("pyroscope.SelectMergeStacktracesResponse")[..],
        )
        .unwrap();
        let p = crate::profile::proto::Profile::decode(&m.pprof.unwrap().profile[..]).unwrap();
        assert_eq!(p.time_nanos, 7);
    }
}
