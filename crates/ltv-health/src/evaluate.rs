//! How well a risk score ranks and predicts churn: AUC (with its standard error), lift
//! in the riskiest decile and a calibration table. Ties are shared fairly (mid-ranks in
//! the AUC, a tied group straddling the decile boundary counts pro rata), so a score
//! that cannot tell customers apart gets AUC 0.5 and lift 1.

use serde::Serialize;

/// AUC, its standard error and lift of one risk score on one set of customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discrimination {
    /// Probability that a random churner is ranked riskier than a random stayer (0.5:
    /// no better than chance; 1: perfect).
    pub auc: f64,
    /// Standard error of the AUC (Hanley & McNeil 1982).
    pub auc_se: f64,
    /// Churn rate among the riskiest 10 % ÷ the overall churn rate.
    pub lift_top_decile: f64,
}

/// AUC and lift of `risk` (higher = riskier) against `churned`; `None` unless there are
/// both churners and stayers.
pub(crate) fn discrimination(risk: &[f64], churned: &[bool]) -> Option<Discrimination> {
    let n = risk.len().min(churned.len());
    let positives = churned.iter().take(n).filter(|&&c| c).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| risk[a].total_cmp(&risk[b]));
    // mid-ranks: the sum of the churners' ranks (1-based), ties sharing their mean rank
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && risk[order[j + 1]] == risk[order[i]] {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0 + 1.0;
        let tied_positives = order[i..=j].iter().filter(|&&k| churned[k]).count();
        rank_sum += mid * tied_positives as f64;
        i = j + 1;
    }
    let (p, q) = (positives as f64, negatives as f64);
    let auc = (rank_sum - p * (p + 1.0) / 2.0) / (p * q);
    let q1 = auc / (2.0 - auc);
    let q2 = 2.0 * auc * auc / (1.0 + auc);
    let var =
        (auc * (1.0 - auc) + (p - 1.0) * (q1 - auc * auc) + (q - 1.0) * (q2 - auc * auc)) / (p * q);
    Some(Discrimination {
        auc,
        auc_se: var.max(0.0).sqrt(),
        lift_top_decile: lift(risk, churned, &order, 0.1),
    })
}

/// Churn rate among the riskiest `share` of customers ÷ the overall rate; `order` sorts
/// `risk` ascending.
fn lift(risk: &[f64], churned: &[bool], order: &[usize], share: f64) -> f64 {
    let n = order.len();
    let total = churned.iter().take(n).filter(|&&c| c).count() as f64;
    let want = share * n as f64;
    let (mut taken, mut hits) = (0.0, 0.0);
    let mut i = n;
    while i > 0 && taken < want {
        // the tied group ending at i − 1
        let mut j = i - 1;
        while j > 0 && risk[order[j - 1]] == risk[order[i - 1]] {
            j -= 1;
        }
        let size = (i - j) as f64;
        let group_hits = order[j..i].iter().filter(|&&k| churned[k]).count() as f64;
        let part = ((want - taken) / size).min(1.0);
        taken += part * size;
        hits += part * group_hits;
        i = j;
    }
    if taken == 0.0 || total == 0.0 {
        return 1.0;
    }
    (hits / taken) / (total / n as f64)
}

/// One row of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalibrationBin {
    /// Customers in the bin.
    pub customers: usize,
    /// Mean predicted churn probability.
    pub predicted: f64,
    /// Share that did churn within the horizon.
    pub observed: f64,
}

/// Ten bins of equal size by predicted probability, lowest first.
pub(crate) fn calibration(probability: &[f64], churned: &[bool]) -> Vec<CalibrationBin> {
    let n = probability.len().min(churned.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| probability[a].total_cmp(&probability[b]));
    let bins = 10.min(n);
    (0..bins)
        .map(|b| {
            let from = b * n / bins;
            let to = (b + 1) * n / bins;
            let part = &order[from..to];
            let size = part.len().max(1) as f64;
            CalibrationBin {
                customers: part.len(),
                predicted: part.iter().map(|&k| probability[k]).sum::<f64>() / size,
                observed: part.iter().filter(|&&k| churned[k]).count() as f64 / size,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_of_known_rankings() {
        let perfect = discrimination(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]).unwrap();
        assert_eq!(perfect.auc, 1.0);
        let reversed = discrimination(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]).unwrap();
        assert_eq!(reversed.auc, 0.0);
        let ties = discrimination(&[1.0; 6], &[true, false, true, false, false, false]).unwrap();
        assert_eq!(ties.auc, 0.5);
        assert!((ties.lift_top_decile - 1.0).abs() < 1e-12);
        // 3 churners, 2 stayers; pairs won: (0.7>0.3,0.7>0.5),(0.4>0.3),(0.9>both) = 5 of 6
        let mixed = discrimination(
            &[0.7, 0.3, 0.4, 0.5, 0.9],
            &[true, false, true, false, true],
        )
        .unwrap();
        assert!((mixed.auc - 5.0 / 6.0).abs() < 1e-12);
        assert!(discrimination(&[0.1, 0.2], &[true, true]).is_none());
    }

    #[test]
    fn lift_counts_ties_pro_rata() {
        // 20 customers, 2 churners; the riskiest 2 are one churner and one stayer
        let mut risk = vec![0.0; 20];
        let mut churned = vec![false; 20];
        risk[0] = 0.9;
        churned[0] = true;
        risk[1] = 0.9;
        churned[5] = true;
        let d = discrimination(&risk, &churned).unwrap();
        assert!((d.lift_top_decile - 5.0).abs() < 1e-12, "{d:?}");
    }

    #[test]
    fn calibration_bins() {
        let p: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
        let churned: Vec<bool> = (0..100).map(|i| i >= 90).collect();
        let bins = calibration(&p, &churned);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[9].customers, 10);
        assert!((bins[9].observed - 1.0).abs() < 1e-12);
        assert!((bins[0].predicted - 0.045).abs() < 1e-12);
    }
}
