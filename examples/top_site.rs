//! Diff two heap profiles through the heapdiff library and print the site that grew most.
//!
//! ```text
//! cargo run --example top_site -- testdata/go/leak/heap_001.pb.gz testdata/go/leak/heap_004.pb.gz
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, new] = args.as_slice() else {
        eprintln!("usage: top_site BASE NEW");
        return ExitCode::from(2);
    };
    let run = || -> Result<(), heapdiff::Error> {
        let profiles = vec![
            heapdiff::load(base.as_str())?,
            heapdiff::load(new.as_str())?,
        ];
        let diff = heapdiff::diff(profiles, &heapdiff::DiffOptions::default())?;
        let unit = &diff.series.sample_type.unit;
        match diff.ranking.units.first() {
            Some(top) => println!(
                "{} {} {}",
                top.name,
                heapdiff::units::delta(top.delta, unit),
                top.class.as_str()
            ),
            None => println!("nothing changed"),
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("top_site: {e}");
            ExitCode::from(2)
        }
    }
}
