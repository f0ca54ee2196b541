//! pprof's `-peek`: for each function whose name matches, its flat and cum change and the
//! change that flows through each of its callers and callees (each edge counted once per
//! stack, however often a recursion repeats it).

use regex::Regex;

use super::functions::FunctionDelta;
use crate::profile::hash::FxHashMap;
use crate::series::{FuncId, Series};

/// One function and its neighbours.
#[derive(Clone, Debug)]
pub struct Peek {
    /// The function.
    pub func: FuncId,
    /// Its flat change.
    pub flat: i64,
    /// Its cum change.
    pub cum: i64,
    /// Callers with the change through each, largest first.
    pub callers: Vec<(FuncId, i64)>,
    /// Callees with the change through each, largest first.
    pub callees: Vec<(FuncId, i64)>,
}

/// The peeks of every function matching `re` whose flat or cum changed, largest cum first.
pub fn peek(series: &Series, functions: &[FunctionDelta], re: &Regex) -> Vec<Peek> {
    let cat = &series.catalog;
    let wanted: FxHashMap<FuncId, usize> = functions
        .iter()
        .filter(|d| re.is_match(&cat.func(d.func).name))
        .enumerate()
        .map(|(i, d)| (d.func, i))
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut callers: Vec<FxHashMap<FuncId, i64>> = vec![FxHashMap::default(); wanted.len()];
    let mut callees: Vec<FxHashMap<FuncId, i64>> = vec![FxHashMap::default(); wanted.len()];
    let (base, last) = (series.base(), series.last());
    let mut seen: Vec<(usize, bool, FuncId)> = Vec::new();
    for s in cat.stack_ids() {
        let g = last.stacks.get(s).saturating_sub(base.stacks.get(s));
        if g == 0 {
            continue;
        }
        let funcs: Vec<FuncId> = cat.stack(s).map(|f| cat.frame(f).func).collect();
        seen.clear();
        // Leaf first: the caller of funcs[i] is funcs[i + 1], its callee funcs[i - 1].
        for (i, f) in funcs.iter().enumerate() {
            let Some(&w) = wanted.get(f) else { continue };
            if let Some(&c) = funcs.get(i + 1)
                && c != *f
                && !seen.contains(&(w, true, c))
            {
                seen.push((w, true, c));
                let e = callers[w].entry(c).or_default();
                *e = e.saturating_add(g);
            }
            if i > 0 && funcs[i - 1] != *f && !seen.contains(&(w, false, funcs[i - 1])) {
                seen.push((w, false, funcs[i - 1]));
                let e = callees[w].entry(funcs[i - 1]).or_default();
                *e = e.saturating_add(g);
            }
        }
    }
    let sorted = |m: FxHashMap<FuncId, i64>| {
        let mut v: Vec<(FuncId, i64)> = m.into_iter().filter(|(_, g)| *g != 0).collect();
        v.sort_by(|a, b| {
            b.1.unsigned_abs()
                .cmp(&a.1.unsigned_abs())
                .then_with(|| cat.func(a.0).name.cmp(&cat.func(b.0).name))
        });
        v
    };
    let mut out: Vec<Peek> = functions
        .iter()
        .filter(|d| wanted.contains_key(&d.func))
        .zip(callers.into_iter().zip(callees))
        .map(|(d, (cr, ce))| Peek {
            func: d.func,
            flat: d.flat_delta(),
            cum: d.cum_delta(),
            callers: sorted(cr),
            callees: sorted(ce),
        })
        .collect();
    out.sort_by(|a, b| {
        b.cum
            .unsigned_abs()
            .cmp(&a.cum.unsigned_abs())
            .then_with(|| cat.func(a.func).name.cmp(&cat.func(b.func).name))
    });
    out
}
