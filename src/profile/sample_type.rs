//! Choosing the sample type to compare, by pprof's rules, and checking every input carries it.

use std::fmt;
use std::str::FromStr;

use crate::error::{InputError, InputErrorKind};
use crate::profile::ValueType;

/// What selection needs to know of one input.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    /// The input, for error messages.
    pub path: &'a crate::source::Input,
    /// Its sample types.
    pub types: &'a [ValueType],
    /// Its default sample type, when it names one.
    pub default: Option<&'a str>,
}

/// `--sample-index NAME|N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SampleIndex {
    /// By name (`inuse_space`; `space` also finds it).
    Name(String),
    /// By position.
    Index(usize),
}

impl FromStr for SampleIndex {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let s = s.strip_prefix("sample_index=").unwrap_or(s);
        if s.is_empty() {
            return Err("a sample type name or index is required".into());
        }
        Ok(match s.parse::<usize>() {
            Ok(n) => SampleIndex::Index(n),
            Err(_) => SampleIndex::Name(s.to_string()),
        })
    }
}

impl fmt::Display for SampleIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleIndex::Name(n) => f.write_str(n),
            SampleIndex::Index(i) => write!(f, "{i}"),
        }
    }
}

/// The chosen type, and where it sits in each profile.
#[derive(Clone, Debug)]
pub struct Selection {
    /// The chosen type.
    pub sample_type: ValueType,
    /// Index of the chosen type in each profile.
    pub index: Vec<usize>,
    /// Index of the matching object count (e.g. `inuse_objects` for `inuse_space`) in each
    /// profile, when every profile has one.
    pub objects: Option<Vec<usize>>,
    /// Index of the matching byte count (e.g. `inuse_space` for `inuse_objects`) in each
    /// profile, when every profile has one. Used to estimate sampling noise of counts.
    pub bytes: Option<Vec<usize>>,
    /// Index of the allocation count (`alloc_objects`) beside an in-use type, when every
    /// profile has one: what was allocated between two snapshots bounds what was replaced.
    pub allocs: Option<Vec<usize>>,
}

fn list_types(p: &Candidate) -> String {
    p.types
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds `name` in `p` by pprof's rules: the exact name, or the name without an `inuse_` prefix;
/// heapdiff also accepts a name that gains the prefix (`space` finds `inuse_space`).
fn find_by_name(p: &Candidate, name: &str) -> Option<usize> {
    let no_inuse = name.strip_prefix("inuse_").unwrap_or(name);
    p.types
        .iter()
        .position(|t| t.ty == name)
        .or_else(|| p.types.iter().position(|t| t.ty == no_inuse))
        .or_else(|| {
            let with = format!("inuse_{name}");
            p.types.iter().position(|t| t.ty == with)
        })
}

/// The default type of one profile: `inuse_space` when present, else the profile's
/// `default_sample_type`, else the last type (pprof's rule).
fn default_index(p: &Candidate) -> usize {
    if let Some(i) = find_by_name(p, "inuse_space") {
        return i;
    }
    if let Some(d) = p.default
        && let Some(i) = p.types.iter().position(|t| t.ty == d)
    {
        return i;
    }
    p.types.len() - 1
}

/// The object-count type paired with a byte type, if the profile has one.
fn objects_for(p: &Candidate, chosen: &ValueType) -> Option<usize> {
    if chosen.unit != "bytes" {
        return None;
    }
    let want = match chosen.ty.strip_suffix("space") {
        Some(prefix) => format!("{prefix}objects"),
        None => return None,
    };
    p.types
        .iter()
        .position(|t| t.ty == want && t.unit == "count")
}

/// The byte type paired with an object-count type, if the profile has one.
fn bytes_for(p: &Candidate, chosen: &ValueType) -> Option<usize> {
    if chosen.unit != "count" {
        return None;
    }
    let want = format!("{}space", chosen.ty.strip_suffix("objects")?);
    p.types
        .iter()
        .position(|t| t.ty == want && t.unit == "bytes")
}

/// The allocation count beside an in-use type (`alloc_objects` for `inuse_space` or
/// `inuse_objects`), if the profile has one.
fn allocs_for(p: &Candidate, chosen: &ValueType) -> Option<usize> {
    if !chosen.ty.starts_with("inuse_") {
        return None;
    }
    p.types
        .iter()
        .position(|t| t.ty == "alloc_objects" && t.unit == "count")
}

/// Resolves `--sample-index` (or the default) against all inputs.
pub fn select(inputs: &[Candidate], wanted: Option<&SampleIndex>) -> Result<Selection, InputError> {
    let first = &inputs[0];
    let first_idx = match wanted {
        None => default_index(first),
        Some(SampleIndex::Index(i)) => {
            if *i >= first.types.len() {
                return Err(InputError::new(
                    first.path,
                    InputErrorKind::SampleType(format!(
                        "sample index {i} is out of range; valid types: {}",
                        list_types(first)
                    )),
                ));
            }
            *i
        }
        Some(SampleIndex::Name(n)) => find_by_name(first, n).ok_or_else(|| {
            InputError::new(
                first.path,
                InputErrorKind::SampleType(format!(
                    "has no sample type {n:?}; valid types: {}",
                    list_types(first)
                )),
            )
        })?,
    };
    let chosen = first.types[first_idx].clone();
    let mut index = Vec::with_capacity(inputs.len());
    let mut objects = Some(Vec::with_capacity(inputs.len()));
    let mut bytes = Some(Vec::with_capacity(inputs.len()));
    let mut allocs = Some(Vec::with_capacity(inputs.len()));
    for inp in inputs {
        let i = find_by_name(inp, &chosen.ty).ok_or_else(|| {
            InputError::new(
                inp.path,
                InputErrorKind::SampleType(format!(
                    "has no sample type {:?} (chosen from {}); valid types: {}",
                    chosen.ty,
                    first.path,
                    list_types(inp)
                )),
            )
        })?;
        let t = &inp.types[i];
        if t.unit != chosen.unit {
            return Err(InputError::new(
                inp.path,
                InputErrorKind::SampleType(format!(
                    "sample type {} is measured in {:?} here but in {:?} in {}; valid types: {}",
                    t.ty,
                    t.unit,
                    chosen.unit,
                    first.path,
                    list_types(inp)
                )),
            ));
        }
        index.push(i);
        match (objects.as_mut(), objects_for(inp, t)) {
            (Some(v), Some(o)) => v.push(o),
            _ => objects = None,
        }
        match (bytes.as_mut(), bytes_for(inp, t)) {
            (Some(v), Some(o)) => v.push(o),
            _ => bytes = None,
        }
        match (allocs.as_mut(), allocs_for(inp, t)) {
            (Some(v), Some(o)) => v.push(o),
            _ => allocs = None,
        }
    }
    Ok(Selection {
        sample_type: chosen,
        index,
        objects,
        bytes,
        allocs,
    })
}
