//! The delta as a profile.proto (gzipped), for `go tool pprof`, Pyroscope or speedscope.
//!
//! One sample per stack whose value changed, valued last minus first; with object counts when
//! every input had them. Each frame becomes one location with one line; frames without a
//! function name keep pprof's bracketed mapping name, so pprof's function view of the delta is
//! the same as its `-diff_base` view of the inputs.

use std::collections::HashMap;
use std::io::Write;

use prost::Message;

use crate::profile::proto;
use crate::series::Series;

struct Strings {
    table: Vec<Vec<u8>>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Self {
        Strings {
            table: vec![Vec::new()],
            index: HashMap::from([(String::new(), 0)]),
        }
    }
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Writes the delta between the first and last snapshot as gzipped profile.proto.
pub fn render(series: &Series, out: &mut dyn Write) -> std::io::Result<()> {
    let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    gz.write_all(&encode(series).encode_to_vec())?;
    gz.finish()?;
    Ok(())
}

/// The delta between the first and last snapshot as a profile.proto message.
pub fn encode(a: &Series) -> proto::Profile {
    let mut st = Strings::new();
    let base = a.base();
    let last = a.last();
    let with_objects = base.stacks.objects.is_some() && last.stacks.objects.is_some();
    let mut sample_type = Vec::new();
    if with_objects {
        let ty = a
            .sample_type
            .ty
            .strip_suffix("space")
            .map(|p| format!("{p}objects"))
            .unwrap_or_else(|| "objects".into());
        sample_type.push(proto::ValueType {
            r#type: st.id(&ty),
            unit: st.id("count"),
        });
    }
    sample_type.push(proto::ValueType {
        r#type: st.id(&a.sample_type.ty),
        unit: st.id(&a.sample_type.unit),
    });

    // Functions by (name, file); one location per frame.
    let mut functions: Vec<proto::Function> = Vec::new();
    let mut fn_ids: HashMap<(String, String), u64> = HashMap::new();
    let mut locations: Vec<proto::Location> = Vec::with_capacity(a.catalog.frames.len());
    for (i, fr) in a.catalog.frames.iter().enumerate() {
        let name = if fr.unsymbolized {
            a.catalog.func(fr.func).name.clone()
        } else {
            fr.name.clone()
        };
        let key = (name, fr.file.clone());
        let fid = match fn_ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = functions.len() as u64 + 1;
                functions.push(proto::Function {
                    id,
                    name: st.id(&key.0),
                    system_name: st.id(&key.0),
                    filename: st.id(&key.1),
                    start_line: 0,
                });
                fn_ids.insert(key, id);
                id
            }
        };
        locations.push(proto::Location {
            id: i as u64 + 1,
            mapping_id: 0,
            address: 0,
            line: vec![proto::Line {
                function_id: fid,
                line: fr.line,
            }],
            is_folded: false,
        });
    }

    let mut sample = Vec::new();
    for s in a.catalog.stack_ids() {
        let dv = last.stacks.get(s).saturating_sub(base.stacks.get(s));
        let dobj = if with_objects {
            (last.stacks.objects_of(s).unwrap_or(0))
                .saturating_sub(base.stacks.objects_of(s).unwrap_or(0))
        } else {
            0
        };
        if dv == 0 && dobj == 0 {
            continue;
        }
        let mut value = Vec::with_capacity(2);
        if with_objects {
            value.push(dobj);
        }
        value.push(dv);
        sample.push(proto::Sample {
            location_id: a.catalog.stack(s).map(|f| f.0 as u64 + 1).collect(),
            value,
        });
    }

    let period_type = last.period_type.as_ref().map(|t| proto::ValueType {
        r#type: st.id(&t.ty),
        unit: st.id(&t.unit),
    });
    let comment = vec![st.id(&format!(
        "{} {} minus {} ({})",
        crate::profile::DELTA_COMMENT,
        last.input,
        base.input,
        a.sample_type.ty
    ))];
    let default_sample_type = st.id(&a.sample_type.ty);
    proto::Profile {
        sample_type,
        sample,
        mapping: Vec::new(),
        location: locations,
        function: functions,
        string_table: std::mem::take(&mut st.table),
        drop_frames: 0,
        keep_frames: 0,
        time_nanos: last.time_nanos,
        duration_nanos: if base.time_nanos > 0 && last.time_nanos > base.time_nanos {
            last.time_nanos - base.time_nanos
        } else {
            0
        },
        period_type,
        period: last.period,
        comment,
        default_sample_type,
    }
}
