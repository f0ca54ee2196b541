//! A profile's sample values: one row per sample, one column per sample type, stored column by
//! column, each column as `i32` for as long as every value in it fits and as `i64` from the
//! first value that does not.
//!
//! After stacks, values are most of a large profile: four `i64` per sample (Go's
//! `alloc_objects`, `alloc_space`, `inuse_objects`, `inuse_space`) are 32 bytes, more than the
//! sample's varint-encoded stack. Counts and the bytes one stack holds almost always fit in 32
//! bits, so most columns take half that; a column that does not (a long-running service's
//! `alloc_space` on a hot stack passes 2 GiB) widens alone, once, and the others stay narrow.
//! Every value reads back as the `i64` it was; sums saturate, as everywhere in heapdiff.

/// Sample values: `width` columns of `len` rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    rows: usize,
    columns: Vec<Column>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Column {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

impl Column {
    #[inline]
    fn get(&self, row: usize) -> i64 {
        match self {
            Column::Narrow(v) => v[row] as i64,
            Column::Wide(v) => v[row],
        }
    }

    #[inline]
    fn push(&mut self, x: i64) {
        match self {
            Column::Narrow(v) => match i32::try_from(x) {
                Ok(n) => v.push(n),
                Err(_) => {
                    self.widen();
                    self.push(x);
                }
            },
            Column::Wide(v) => v.push(x),
        }
    }

    #[inline]
    fn set(&mut self, row: usize, x: i64) {
        match self {
            Column::Narrow(v) => match i32::try_from(x) {
                Ok(n) => v[row] = n,
                Err(_) => {
                    self.widen();
                    self.set(row, x);
                }
            },
            Column::Wide(v) => v[row] = x,
        }
    }

    /// Turns a narrow column into a wide one (its values unchanged).
    #[cold]
    fn widen(&mut self) {
        if let Column::Narrow(v) = self {
            let mut wide = Vec::with_capacity(v.capacity().max(v.len() + 1));
            wide.extend(v.iter().map(|&n| n as i64));
            *self = Column::Wide(wide);
        }
    }

    /// Sums rows into the rows `into` names, in place (see [`Values::gather`]); from row
    /// `from` on, in a column that had to widen at that row.
    fn gather(&mut self, into: &[u32], from: usize, kept: usize) {
        if let Column::Narrow(v) = self {
            match gather_run(v, into, from, kept, i32::checked_add) {
                Ok(()) => return,
                Err((at, k)) => {
                    self.widen();
                    return self.gather(into, at, k);
                }
            }
        }
        if let Column::Wide(v) = self {
            // Sums saturate: never stops.
            let _ = gather_run(v, into, from, kept, |a: i64, b| Some(a.saturating_add(b)));
        }
    }

    fn truncate(&mut self, rows: usize) {
        match self {
            Column::Narrow(v) => v.truncate(rows),
            Column::Wide(v) => v.truncate(rows),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Column::Narrow(v) => v.shrink_to_fit(),
            Column::Wide(v) => v.shrink_to_fit(),
        }
    }

    fn reserve(&mut self, rows: usize) {
        match self {
            Column::Narrow(v) => v.reserve(rows),
            Column::Wide(v) => v.reserve(rows),
        }
    }
}

impl Values {
    /// No rows of `width` values each.
    pub fn new(width: usize) -> Self {
        Values {
            rows: 0,
            columns: (0..width).map(|_| Column::Narrow(Vec::new())).collect(),
        }
    }

    /// Rows of `width` values laid out one after another (`flat.len()` a multiple of `width`;
    /// with `width` 0, no rows).
    pub fn from_rows(width: usize, flat: &[i64]) -> Self {
        let mut v = Values::new(width);
        if let Some(rows) = flat.len().checked_div(width) {
            v.reserve(rows);
            for row in flat.chunks_exact(width) {
                v.push_row(row);
            }
        }
        v
    }

    /// The values per row (the number of sample types).
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Value `col` of row `row`.
    #[inline]
    pub fn get(&self, row: usize, col: usize) -> i64 {
        assert!(row < self.rows, "row {row} of {}", self.rows);
        self.columns[col].get(row)
    }

    /// Sets value `col` of row `row`.
    #[inline]
    pub fn set(&mut self, row: usize, col: usize, x: i64) {
        assert!(row < self.rows, "row {row} of {}", self.rows);
        self.columns[col].set(row, x);
    }

    /// Row `row`, column by column.
    pub fn row(&self, row: usize) -> impl ExactSizeIterator<Item = i64> + '_ {
        assert!(row < self.rows, "row {row} of {}", self.rows);
        self.columns.iter().map(move |c| c.get(row))
    }

    /// Column `col`, row by row.
    pub fn column(&self, col: usize) -> ColumnIter<'_> {
        match &self.columns[col] {
            Column::Narrow(v) => ColumnIter::Narrow(v.iter()),
            Column::Wide(v) => ColumnIter::Wide(v.iter()),
        }
    }

    /// Appends a row of [`Values::width`] values.
    #[inline]
    pub fn push_row(&mut self, row: &[i64]) {
        assert_eq!(row.len(), self.width(), "a row of {} values", row.len());
        for (c, &x) in self.columns.iter_mut().zip(row) {
            c.push(x);
        }
        self.rows += 1;
    }

    /// Appends a row copied from row `from` of `other` (as wide as this).
    pub fn push_row_of(&mut self, other: &Values, from: usize) {
        assert_eq!(other.width(), self.width());
        for (c, o) in self.columns.iter_mut().zip(&other.columns) {
            c.push(o.get(from));
        }
        self.rows += 1;
    }

    /// Adds `row` to row `to`, value by value (saturating).
    #[inline]
    pub fn add_to_row(&mut self, to: usize, row: &[i64]) {
        assert_eq!(row.len(), self.width(), "a row of {} values", row.len());
        for (c, &x) in self.columns.iter_mut().zip(row) {
            c.set(to, c.get(to).saturating_add(x));
        }
    }

    /// Adds row `from` of `other` (as wide as this) to row `to` (saturating).
    pub fn add_row_of(&mut self, to: usize, other: &Values, from: usize) {
        assert_eq!(other.width(), self.width());
        for (c, o) in self.columns.iter_mut().zip(&other.columns) {
            c.set(to, c.get(to).saturating_add(o.get(from)));
        }
    }

    /// Copies row `from` over row `to`.
    #[inline]
    pub fn copy_row(&mut self, from: usize, to: usize) {
        for c in &mut self.columns {
            c.set(to, c.get(from));
        }
    }

    /// Adds row `from` to row `to` (saturating); row `from` is unchanged.
    #[inline]
    pub fn add_row(&mut self, from: usize, to: usize) {
        for c in &mut self.columns {
            c.set(to, c.get(to).saturating_add(c.get(from)));
        }
    }

    /// Sums every row into the row `into` names for it, in place, and keeps those rows only:
    /// row `i` goes to row `into[i]`, or nowhere when that is [`DROP`]. The targets are new
    /// rows numbered in order of first appearance (the first row kept goes to 0, the next
    /// target not seen before is 1, and so on), so a row is never summed into before it is
    /// read. Column by column: each pass reads the rows in order and writes within the rows
    /// kept, which stay in the caches far better than every column of a row at once.
    pub fn gather(&mut self, into: &[u32]) {
        assert_eq!(
            into.len(),
            self.rows,
            "a target for each of {} rows",
            self.rows
        );
        let mut kept = 0;
        for &t in into {
            if t != DROP {
                assert!(t as usize <= kept, "row {t} before rows 0..{kept}");
                kept = kept.max(t as usize + 1);
            }
        }
        for c in &mut self.columns {
            c.gather(into, 0, 0);
        }
        self.truncate(kept);
    }

    /// Keeps the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        if rows < self.rows {
            self.columns.iter_mut().for_each(|c| c.truncate(rows));
            self.rows = rows;
        }
    }

    /// Returns memory no row uses.
    pub fn shrink_to_fit(&mut self) {
        self.columns.iter_mut().for_each(Column::shrink_to_fit);
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.columns.iter_mut().for_each(|c| c.reserve(rows));
    }

    /// The bytes the values take (as stored: 4 a value in a narrow column, 8 in a wide one).
    pub fn bytes(&self) -> usize {
        let per_row: usize = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Narrow(_) => 4,
                Column::Wide(_) => 8,
            })
            .sum();
        per_row * self.rows
    }

    /// Sum of column `col` (saturating, as pprof's totals never wrap in heapdiff).
    pub fn total(&self, col: usize) -> i64 {
        self.column(col).fold(0i64, |a, x| a.saturating_add(x))
    }

    /// Every row, one after another (`width` values each).
    pub fn to_rows(&self) -> Vec<i64> {
        (0..self.rows).flat_map(|r| self.row(r)).collect()
    }
}

/// A row [`Values::gather`] drops.
pub const DROP: u32 = u32::MAX;

/// [`Column::gather`] on a column's values from row `from`, `kept` rows kept so far; where
/// `add` has no sum (it does not fit), stops before that row and says where it stopped.
#[inline]
fn gather_run<T: Copy>(
    v: &mut [T],
    into: &[u32],
    from: usize,
    mut kept: usize,
    add: impl Fn(T, T) -> Option<T>,
) -> Result<(), (usize, usize)> {
    for (i, &t) in into.iter().enumerate().skip(from) {
        if t == DROP {
            continue;
        }
        let t = t as usize;
        if t == kept {
            v[t] = v[i];
            kept += 1;
        } else {
            match add(v[t], v[i]) {
                Some(x) => v[t] = x,
                None => return Err((i, kept)),
            }
        }
    }
    Ok(())
}

/// The values of one column, row by row, whatever its width.
#[derive(Clone, Debug)]
pub enum ColumnIter<'a> {
    /// A column still in 32 bits.
    Narrow(std::slice::Iter<'a, i32>),
    /// A column widened to 64 bits.
    Wide(std::slice::Iter<'a, i64>),
}

impl Iterator for ColumnIter<'_> {
    type Item = i64;

    #[inline]
    fn next(&mut self) -> Option<i64> {
        match self {
            ColumnIter::Narrow(it) => it.next().map(|&n| n as i64),
            ColumnIter::Wide(it) => it.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ColumnIter::Narrow(it) => it.size_hint(),
            ColumnIter::Wide(it) => it.size_hint(),
        }
    }

    fn fold<B, F: FnMut(B, i64) -> B>(self, init: B, mut f: F) -> B {
        match self {
            ColumnIter::Narrow(it) => it.fold(init, |a, &n| f(a, n as i64)),
            ColumnIter::Wide(it) => it.fold(init, |a, &n| f(a, n)),
        }
    }
}

impl ExactSizeIterator for ColumnIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written_and_only_the_column_that_needs_it_widens() {
        let big = i32::MAX as i64 + 1;
        let mut v = Values::new(3);
        v.push_row(&[1, 2, -3]);
        v.push_row(&[4, big, i32::MIN as i64]);
        assert_eq!(v.to_rows(), vec![1, 2, -3, 4, big, i32::MIN as i64]);
        assert!(matches!(v.columns[0], Column::Narrow(_)));
        assert!(matches!(v.columns[1], Column::Wide(_)));
        assert!(matches!(v.columns[2], Column::Narrow(_)));
        // A sum past i32 widens its column; past i64 it saturates.
        v.add_to_row(0, &[i32::MAX as i64, 0, 0]);
        assert_eq!(v.get(0, 0), i32::MAX as i64 + 1);
        assert!(matches!(v.columns[0], Column::Wide(_)));
        v.add_to_row(1, &[0, i64::MAX, i64::MIN]);
        assert_eq!(v.row(1).collect::<Vec<_>>(), vec![4, i64::MAX, i64::MIN]);
        assert_eq!(v.total(1), i64::MAX);
        assert_eq!(v.total(2), i64::MIN);
    }

    #[test]
    fn rows_move_and_sum_in_place() {
        let mut v = Values::from_rows(2, &[1, 10, 2, 20, 3, 30]);
        v.add_row(2, 0);
        v.copy_row(1, 2);
        assert_eq!(v.to_rows(), vec![4, 40, 2, 20, 2, 20]);
        v.truncate(1);
        v.shrink_to_fit();
        assert_eq!((v.len(), v.to_rows()), (1, vec![4, 40]));
        let mut w = Values::new(2);
        w.push_row_of(&v, 0);
        w.add_row_of(0, &v, 0);
        assert_eq!(w.to_rows(), vec![8, 80]);
    }

    #[test]
    fn rows_gather_in_place_and_widen_on_the_way() {
        let big = i32::MAX as i64;
        let mut v = Values::from_rows(2, &[1, big, 2, 5, 3, big, 4, 7, 5, 1]);
        // Rows 0 and 2 into 0, row 1 dropped, row 3 into 1, row 4 into 0.
        v.gather(&[0, DROP, 0, 1, 0]);
        assert_eq!(v.to_rows(), vec![9, 2 * big + 1, 4, 7]);
        assert!(matches!(v.columns[0], Column::Narrow(_)));
        assert!(matches!(v.columns[1], Column::Wide(_)));
        // The same as row-by-row copying and adding.
        let flat: Vec<i64> = (0..40).map(|x| x * 7 % 13 - 6).collect();
        let into: Vec<u32> = vec![
            0, 1, 0, DROP, 2, 1, 3, 0, 2, 4, DROP, 1, 5, 5, 0, 6, 2, 7, 0, 1,
        ];
        let mut want = Values::from_rows(2, &flat);
        let mut kept = 0;
        for (i, &t) in into.iter().enumerate() {
            if t == DROP {
                continue;
            }
            if t as usize == kept {
                want.copy_row(i, kept);
                kept += 1;
            } else {
                want.add_row(i, t as usize);
            }
        }
        want.truncate(kept);
        let mut got = Values::from_rows(2, &flat);
        got.gather(&into);
        assert_eq!(got, want);
    }

    #[test]
    fn no_sample_types_means_no_rows_from_flat_values() {
        let v = Values::from_rows(0, &[]);
        assert_eq!((v.width(), v.len()), (0, 0));
    }
}
