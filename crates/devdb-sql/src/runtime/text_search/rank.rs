//! ts_rank and ts_rank_cd with PostgreSQL's formulas (tsrank.c), float4 where PostgreSQL
//! computes in float4 so the printed ranks agree to the last digit.

use devdb_pg::PgError;
use devdb_pg::value::tsquery::{Node, Operand, TsQuery};
use devdb_pg::value::tsvector::{Lexeme, MAX_POS, TsVector};

use super::{Source, Tri, entries, execute, weight_ok};

/// {D, C, B, A}, as the weights argument lists them.
pub const DEFAULT_WEIGHTS: [f32; 4] = [0.1, 0.2, 0.4, 1.0];

const NORM_LOGLENGTH: i32 = 1;
const NORM_LENGTH: i32 = 2;
const NORM_EXTDIST: i32 = 4;
const NORM_UNIQ: i32 = 8;
const NORM_LOGUNIQ: i32 = 16;
const NORM_RDIVRPLUS1: i32 = 32;

fn word_distance(w: i32) -> f32 {
    if w > 100 {
        return 1e-30;
    }
    (1.0 / (1.005 + 0.05 * (f64::from(w as f32) / 1.5 - 2.0).exp())) as f32
}

/// The query's operands sorted by lexeme and without repeats (SortAndUniqItems): gathered
/// in PostgreSQL's stored order (each operator, its right operand, then its left), sorted
/// stably, and of equal lexemes the first kept (`ab:*` and `ab` count once, as whichever
/// comes first there).
fn unique_operands(q: &TsQuery) -> Vec<&Operand> {
    let mut items = q.stored_operands();
    pg_qsort(&mut items, &|a: &&Operand, b: &&Operand| {
        a.word.as_bytes().cmp(b.word.as_bytes())
    });
    items.dedup_by(|a, b| a.word == b.word);
    items
}

/// PostgreSQL's qsort (sort_template.h, Bentley and McIlroy's): not stable, so which of two
/// equal operands comes first, and survives the dedup, is whichever PostgreSQL's puts first.
pub(super) fn pg_qsort<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> std::cmp::Ordering) {
    use std::cmp::Ordering::{Greater, Less};
    let c = |v: &[T], i: usize, j: usize| match (v.get(i), v.get(j)) {
        (Some(a), Some(b)) => cmp(a, b),
        _ => std::cmp::Ordering::Equal,
    };
    let med3 = |v: &[T], a: usize, b: usize, d: usize| {
        if c(v, a, b) == Less {
            if c(v, b, d) == Less {
                b
            } else if c(v, a, d) == Less {
                d
            } else {
                a
            }
        } else if c(v, b, d) == Greater {
            b
        } else if c(v, a, d) == Less {
            a
        } else {
            d
        }
    };
    let n = v.len();
    if n < 7 {
        for m in 1..n {
            let mut l = m;
            while l > 0 && c(v, l - 1, l) == Greater {
                v.swap(l, l - 1);
                l -= 1;
            }
        }
        return;
    }
    if (1..n).all(|m| c(v, m - 1, m) != Greater) {
        return;
    }
    let mut pm = n / 2;
    if n > 7 {
        let mut pl = 0;
        let mut pn = n - 1;
        if n > 40 {
            let d = n / 8;
            pl = med3(v, pl, pl + d, pl + 2 * d);
            pm = med3(v, pm - d, pm, pm + d);
            pn = med3(v, pn - 2 * d, pn - d, pn);
        }
        pm = med3(v, pl, pm, pn);
    }
    v.swap(0, pm);
    let (mut pa, mut pb) = (1usize, 1usize);
    let (mut pc, mut pd) = (n as isize - 1, n as isize - 1);
    loop {
        while pb as isize <= pc {
            let r = c(v, pb, 0);
            if r == Greater {
                break;
            }
            if r == std::cmp::Ordering::Equal {
                v.swap(pa, pb);
                pa += 1;
            }
            pb += 1;
        }
        while pb as isize <= pc {
            let r = c(v, pc as usize, 0);
            if r == Less {
                break;
            }
            if r == std::cmp::Ordering::Equal {
                v.swap(pc as usize, pd as usize);
                pd -= 1;
            }
            pc -= 1;
        }
        if pb as isize > pc {
            break;
        }
        v.swap(pb, pc as usize);
        pb += 1;
        pc -= 1;
    }
    let swapn = |v: &mut [T], a: usize, b: usize, k: usize| {
        for i in 0..k {
            v.swap(a + i, b + i);
        }
    };
    let d1 = pa.min(pb - pa);
    swapn(v, 0, pb - d1, d1);
    let d1 = ((pd - pc) as usize).min(n - pd as usize - 1);
    swapn(v, pb, n - d1, d1);
    let d1 = pb - pa;
    let d2 = (pd - pc) as usize;
    if d1 > 1
        && let Some(left) = v.get_mut(..d1)
    {
        pg_qsort(left, cmp);
    }
    if d2 > 1
        && let Some(right) = v.get_mut(n - d2..)
    {
        pg_qsort(right, cmp);
    }
}

fn count_length(v: &TsVector) -> usize {
    v.count_length()
}

/// A lexeme's positions as (position, weight); one position past the last one for a
/// lexeme without positions (the `and` formula's POSNULL), or position 0 for the `or` one.
fn positions(l: &Lexeme, empty_pos: u16) -> Vec<(u16, u8)> {
    if l.positions.is_empty() {
        vec![(empty_pos, 0)]
    } else {
        l.positions.iter().map(|p| (p.pos, p.weight)).collect()
    }
}

/// An earlier operand's positions and whether its lexeme had none (POSNULL).
type Seen = (Vec<(u16, u8)>, bool);

fn rank_and(w: &[f32; 4], v: &TsVector, q: &TsQuery) -> f32 {
    let items = unique_operands(q);
    if items.len() < 2 {
        return rank_or(w, v, q);
    }
    let wpos = |weight: u8| w.get(usize::from(weight)).copied().unwrap_or(0.0);
    let mut pos: Vec<Option<Seen>> = vec![None; items.len()];
    let mut res: f32 = -1.0;
    for (i, item) in items.iter().enumerate() {
        for entry in entries(v, item) {
            let is_null = entry.positions.is_empty();
            let post = positions(entry, MAX_POS);
            for k in 0..i {
                let Some(Some((ct, k_null))) = pos.get(k) else {
                    continue;
                };
                for &(lpos, lweight) in &post {
                    for &(ppos, pweight) in ct {
                        let mut dist = (i32::from(lpos) - i32::from(ppos)).abs();
                        if dist != 0 || is_null || *k_null {
                            if dist == 0 {
                                dist = i32::from(MAX_POS) + 1;
                            }
                            let product = wpos(lweight) * wpos(pweight) * word_distance(dist);
                            let curw = f64::from(product).sqrt() as f32;
                            res = if res < 0.0 {
                                curw
                            } else {
                                (1.0 - (1.0 - f64::from(res)) * (1.0 - f64::from(curw))) as f32
                            };
                        }
                    }
                }
            }
            if let Some(slot) = pos.get_mut(i) {
                *slot = Some((post, is_null));
            }
        }
    }
    res
}

fn rank_or(w: &[f32; 4], v: &TsVector, q: &TsQuery) -> f32 {
    let items = unique_operands(q);
    let wpos = |weight: u8| w.get(usize::from(weight)).copied().unwrap_or(0.0);
    let mut res: f32 = 0.0;
    for item in &items {
        for entry in entries(v, item) {
            let post = positions(entry, 0);
            let mut resj: f32 = 0.0;
            let mut wjm: f32 = -1.0;
            let mut jm: usize = 0;
            for (j, &(_, weight)) in post.iter().enumerate() {
                let square = ((j + 1) * (j + 1)) as f32;
                resj += wpos(weight) / square;
                if wpos(weight) > wjm {
                    wjm = wpos(weight);
                    jm = j;
                }
            }
            let square = ((jm + 1) * (jm + 1)) as f32;
            let inner = wjm + resj - wjm / square;
            res = (f64::from(res) + f64::from(inner) / 1.64493406685) as f32;
        }
    }
    if !items.is_empty() {
        res /= items.len() as f32;
    }
    res
}

/// ts_rank (calc_rank).
pub fn rank(w: &[f32; 4], v: &TsVector, q: &TsQuery, method: i32) -> f32 {
    let Some(root) = &q.root else {
        return 0.0;
    };
    if v.lexemes.is_empty() {
        return 0.0;
    }
    let mut res = match root {
        Node::And(..) | Node::Phrase(..) => rank_and(w, v, q),
        _ => rank_or(w, v, q),
    };
    if res < 0.0 {
        res = 1e-20;
    }
    if method & NORM_LOGLENGTH != 0 {
        let l = count_length(v) as f64;
        res = (f64::from(res) / ((l + 1.0).ln() / 2f64.ln())) as f32;
    }
    if method & NORM_LENGTH != 0 {
        let len = count_length(v);
        if len > 0 {
            res /= len as f32;
        }
    }
    if method & NORM_UNIQ != 0 {
        res /= v.lexemes.len() as f32;
    }
    if method & NORM_LOGUNIQ != 0 {
        let n = v.lexemes.len() as f64;
        res = (f64::from(res) / ((n + 1.0).ln() / 2f64.ln())) as f32;
    }
    if method & NORM_RDIVRPLUS1 != 0 {
        res /= res + 1.0;
    }
    res
}

/// One position of the document that some query operands match (DocRepresentation).
struct DocEntry {
    pos: u16,
    weight: u8,
    /// Indexes into the query's operand list.
    items: Vec<usize>,
}

fn doc_representation(v: &TsVector, operands: &[&Operand]) -> Vec<DocEntry> {
    // (position, lexeme index, weight, operand index)
    let mut raw: Vec<(u16, usize, u8, usize)> = Vec::new();
    for (item, o) in operands.iter().enumerate() {
        let found = entries(v, o);
        let base = found
            .first()
            .and_then(|first| v.find(&first.word))
            .unwrap_or(0);
        for (offset, entry) in found.iter().enumerate() {
            for p in &entry.positions {
                if weight_ok(o, p) {
                    raw.push((p.pos, base + offset, p.weight, item));
                }
            }
        }
    }
    raw.sort_by_key(|&(pos, entry, _, _)| (pos, entry));
    let mut doc: Vec<(u16, usize, DocEntry)> = Vec::new();
    for (pos, entry, weight, item) in raw {
        match doc.last_mut() {
            Some((p, e, d)) if *p == pos && *e == entry => d.items.push(item),
            _ => doc.push((
                pos,
                entry,
                DocEntry {
                    pos,
                    weight,
                    items: vec![item],
                },
            )),
        }
    }
    doc.into_iter().map(|(_, _, d)| d).collect()
}

/// The operands a stretch of the document holds, for evaluating the query over a cover.
struct Cover<'a> {
    operands: &'a [&'a Operand],
    positions: Vec<Vec<u32>>,
}

impl Cover<'_> {
    fn reset(&mut self) {
        for p in &mut self.positions {
            p.clear();
        }
    }

    fn fill(&mut self, entry: &DocEntry) {
        for &item in &entry.items {
            if let Some(p) = self.positions.get_mut(item) {
                p.push(u32::from(entry.pos));
            }
        }
    }
}

impl Source for Cover<'_> {
    fn operand(&self, o: &Operand, _positions: bool) -> (Tri, Vec<u32>) {
        let index = self.operands.iter().position(|x| std::ptr::eq(*x, o));
        match index.and_then(|i| self.positions.get(i)) {
            Some(p) if !p.is_empty() => {
                let mut p = p.clone();
                p.sort_unstable();
                p.dedup();
                (Tri::Yes, p)
            }
            _ => (Tri::No, Vec::new()),
        }
    }
}

/// ts_rank_cd (calc_rank_cd): covers, each a shortest stretch of the document that
/// satisfies the query, weighted by their density.
pub fn rank_cd(w: &[f32; 4], v: &TsVector, q: &TsQuery, method: i32) -> Result<f32, PgError> {
    let invws: Vec<f64> = w.iter().map(|x| 1.0 / f64::from(*x)).collect();
    let Some(root) = &q.root else {
        return Ok(0.0);
    };
    let operands = q.operands();
    let doc = doc_representation(v, &operands);
    if doc.is_empty() {
        return Ok(0.0);
    }
    let mut cover = Cover {
        operands: &operands,
        positions: vec![Vec::new(); operands.len()],
    };
    let mut wdoc = 0.0f64;
    let mut sum_dist = 0.0f64;
    let mut prev_ext_pos = 0.0f64;
    let mut n_extent = 0;
    let mut start = 0usize;
    let satisfied = |cover: &Cover<'_>| execute(cover, root) != Tri::No;
    while start < doc.len() {
        // The upper end: the first entry from `start` on where the query holds.
        cover.reset();
        let mut end = None;
        for (i, entry) in doc.iter().enumerate().skip(start) {
            cover.fill(entry);
            if satisfied(&cover) {
                end = Some(i);
                break;
            }
        }
        let Some(end) = end else {
            break;
        };
        // The lower end: back from there to the first entry where it holds again.
        cover.reset();
        let mut begin = None;
        for i in (start..=end).rev() {
            if let Some(entry) = doc.get(i) {
                cover.fill(entry);
            }
            if satisfied(&cover) {
                begin = Some(i);
                break;
            }
        }
        let Some(begin) = begin else {
            start += 1;
            continue;
        };
        let (Some(first), Some(last)) = (doc.get(begin), doc.get(end)) else {
            break;
        };
        let (p, qpos) = (i64::from(first.pos), i64::from(last.pos));
        if p > qpos {
            start += 1;
            continue;
        }
        let inv_sum: f64 = doc
            .get(begin..=end)
            .unwrap_or_default()
            .iter()
            .map(|d| invws.get(usize::from(d.weight)).copied().unwrap_or(0.0))
            .sum();
        let span = (end - begin) as i64;
        let cpos = (span + 1) as f64 / inv_sum;
        let mut noise = (qpos - p) - span;
        if noise < 0 {
            noise = span / 2;
        }
        wdoc += cpos / (1 + noise) as f64;
        let cur_ext_pos = (qpos + p) as f64 / 2.0;
        if n_extent > 0 && cur_ext_pos > prev_ext_pos {
            sum_dist += 1.0 / (cur_ext_pos - prev_ext_pos);
        }
        prev_ext_pos = cur_ext_pos;
        n_extent += 1;
        start = begin + 1;
    }
    if method & NORM_LOGLENGTH != 0 && !v.lexemes.is_empty() {
        wdoc /= ((count_length(v) + 1) as f64).ln();
    }
    if method & NORM_LENGTH != 0 {
        let len = count_length(v);
        if len > 0 {
            wdoc /= len as f64;
        }
    }
    if method & NORM_EXTDIST != 0 && n_extent > 0 && sum_dist > 0.0 {
        wdoc /= f64::from(n_extent) / sum_dist;
    }
    if method & NORM_UNIQ != 0 && !v.lexemes.is_empty() {
        wdoc /= v.lexemes.len() as f64;
    }
    if method & NORM_LOGUNIQ != 0 && !v.lexemes.is_empty() {
        wdoc /= ((v.lexemes.len() + 1) as f64).ln() / 2f64.ln();
    }
    if method & NORM_RDIVRPLUS1 != 0 {
        wdoc /= wdoc + 1.0;
    }
    Ok(wdoc as f32)
}
