//! Need levels that keep each district's mix: the city's monthly transitions adjusted, district by
//! district, so that the district's `need_mix` is their stationary distribution.

/// The transition matrix `p` (rows sum to 1) adjusted by Metropolis-Hastings so that `mix` is
/// stationary: a move i -> j keeps its chance `p[i][j]` times
/// `min(1, mix[j] p[j][i] / (mix[i] p[i][j]))`, and the rest of the row stays at i. Then
/// `mix[i] q[i][j] = min(mix[i] p[i][j], mix[j] p[j][i]) = mix[j] q[j][i]` (detailed balance), so
/// `mix q = mix`. A move whose reverse has no
/// chance in `p` is dropped. Rows of levels the mix leaves out keep `p`'s moves (such children are
/// only there if placed by hand, and leave it).
pub fn keeping_mix(p: &[Vec<f64>], mix: &[f64]) -> Vec<Vec<f64>> {
    let n = p.len();
    let mut q = vec![vec![0.0; n]; n];
    for i in 0..n {
        let mut moved = 0.0;
        for j in (0..n).filter(|&j| j != i) {
            q[i][j] = if mix[i] <= 0.0 {
                p[i][j]
            } else if p[i][j] <= 0.0 {
                0.0
            } else {
                let forward = mix[i] * p[i][j];
                let back = mix[j] * p[j][i];
                p[i][j] * (back / forward).min(1.0)
            };
            moved += q[i][j];
        }
        q[i][i] = (1.0 - moved).max(0.0);
    }
    q
}

/// A matrix's rows as cumulative distributions, the last entry of each exactly 1.
pub fn cdf_rows(q: &[Vec<f64>]) -> Vec<Vec<f64>> {
    q.iter()
        .map(|row| {
            let mut acc = 0.0;
            let mut cdf: Vec<f64> = row
                .iter()
                .map(|x| {
                    acc += x;
                    acc
                })
                .collect();
            if let Some(last) = cdf.last_mut() {
                *last = 1.0;
            }
            cdf
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mix` times `q`.
    fn step(mix: &[f64], q: &[Vec<f64>]) -> Vec<f64> {
        (0..mix.len())
            .map(|j| (0..mix.len()).map(|i| mix[i] * q[i][j]).sum())
            .collect()
    }

    #[test]
    fn the_district_mix_is_stationary_under_the_adjusted_moves() {
        // Birmingham's city matrix (universal, UP, UPP, complex), whose own stationary mix is
        // about 0.79 / 0.14 / 0.05 / 0.02, and a district that needs more.
        let p = vec![
            vec![0.9915, 0.007, 0.0012, 0.0003],
            vec![0.045, 0.9435, 0.01, 0.0015],
            vec![0.01, 0.04, 0.941, 0.009],
            vec![0.0, 0.01, 0.035, 0.955],
        ];
        for mix in [
            vec![0.70, 0.18, 0.08, 0.04],
            vec![0.90, 0.07, 0.02, 0.01],
            vec![0.5, 0.5, 0.0, 0.0],
        ] {
            let q = keeping_mix(&p, &mix);
            for row in &q {
                assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{row:?}");
                assert!(row.iter().all(|&x| (0.0..=1.0).contains(&x)), "{row:?}");
            }
            let next = step(&mix, &q);
            for (a, b) in mix.iter().zip(&next) {
                assert!((a - b).abs() < 1e-12, "{mix:?} -> {next:?}");
            }
            // Moves only ever slow down: no chance above the city's.
            for i in 0..4 {
                for j in (0..4).filter(|&j| j != i) {
                    assert!(q[i][j] <= p[i][j] + 1e-15);
                }
            }
        }
    }

    #[test]
    fn cumulative_rows_end_at_one() {
        let cdf = cdf_rows(&[vec![0.1, 0.2, 0.7]]);
        assert_eq!(cdf[0].len(), 3);
        assert!((cdf[0][1] - 0.3).abs() < 1e-15);
        assert_eq!(cdf[0][2], 1.0);
    }
}
