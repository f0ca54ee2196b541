//! CSV: one row per ranked unit, exact integers.

use std::io::{self, Write};

use super::Report;

/// The header row.
pub const HEADER: &str = "rank,function,file,line,class,base,last,delta,delta_objects,slope_per_second,per_unit,r2,grew_share,new,noise,samples,few_samples";

/// Quotes a field when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Writes every ranked unit.
pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for s in &r.diff.ranking.units {
        let name = match s.unit {
            crate::analyse::Unit::Stack(id) => super::layout::marked_stack(r, id),
            _ => s.name.clone(),
        };
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            s.rank,
            field(&name),
            field(&s.file),
            s.line,
            s.class.as_str(),
            s.series[0],
            s.series[s.series.len() - 1],
            s.delta,
            s.delta_objects.map(|d| d.to_string()).unwrap_or_default(),
            opt(s.slope_per_second),
            opt(s.per_unit),
            opt(s.r2),
            s.grew_share,
            s.new,
            s.noise.round(),
            s.samples.map(|n| format!("{:.1}", n)).unwrap_or_default(),
            s.few_samples,
        )?;
    }
    Ok(())
}
