//! The server's upload page: a form for a transactions CSV (and optionally a CAC file
//! and an initiatives file) that posts to `POST /v1/report`; with an error message when
//! an upload failed, so the user sees it on the page and not as raw JSON.

use minijinja::{context, Environment};

use crate::error::ReportError;
use crate::i18n::{code, t, Lang};

const TEMPLATE: &str = include_str!("../templates/upload.html");

/// The upload page in `lang`, showing `error` above the form when given.
///
/// # Errors
/// [`ReportError::Template`] if the template fails (a bug, not a data problem).
pub fn upload_page(lang: Lang, error: Option<&str>) -> Result<String, ReportError> {
    let mut env = Environment::new();
    env.add_template("upload.html", TEMPLATE)
        .map_err(|e| ReportError::Template(e.to_string()))?;
    let texts = context! {
        title => t(lang, "LTV report from your transactions", "取引データから LTV レポートを作成"),
        lead => t(lang, "Upload a transactions CSV (one row per order) and get the full LTV report: LTV and LTV/CAC, the bottleneck driver, RFM segments, cohorts, channels, CLV forecast and, with an initiatives file, the ranked plan and its ROI case. Nothing is stored.", "取引 CSV（1 行 = 1 注文）をアップロードすると、LTV と LTV/CAC、ボトルネック、RFM セグメント、コホート、チャネル、CLV 予測、施策ファイルがあれば優先順位と ROI までを含むレポートを作成します。データは保存されません。"),
        sample => t(lang, "See the sample report", "サンプルレポートを見る"),
        error => t(lang, "The report could not be made:", "レポートを作成できませんでした:"),
        files => t(lang, "Files", "ファイル"),
        transactions => t(lang, "Transactions CSV (required)", "取引 CSV（必須）"),
        transactions_hint => t(lang, "Columns customer_id, order_date (YYYY-MM-DD), amount, optional channel; names can be changed below.", "列: customer_id, order_date (YYYY-MM-DD), amount, 任意で channel。列名は下で変更できます。"),
        cac => t(lang, "Acquisition spend per channel (optional)", "チャネル別の獲得費用（任意）"),
        cac_hint => t(lang, "CSV with channel,spend[,new_customers]: adds CAC, LTV/CAC and payback.", "channel,spend[,new_customers] の CSV。CAC・LTV/CAC・回収期間を追加します。"),
        plan => t(lang, "Initiatives (optional)", "施策ファイル（任意）"),
        plan_hint => t(lang, "TOML or JSON, as for `ltv plan`: adds the ranked plan and the ROI case.", "`ltv plan` と同じ TOML または JSON。施策の優先順位と ROI を追加します。"),
        options => t(lang, "Options", "オプション"),
        margin => t(lang, "Gross margin (0 to 1)", "粗利率（0〜1）"),
        currency => t(lang, "Currency symbol", "通貨記号"),
        columns => t(lang, "Column names: customer, date, amount, channel", "列名: 顧客、日付、金額、チャネル"),
        as_of => t(lang, "As of (default: the latest order date)", "基準日（既定: 最新の注文日）"),
        submit => t(lang, "Make the report", "レポートを作成"),
    };
    env.get_template("upload.html")
        .and_then(|tmpl| tmpl.render(context! { lang => code(lang), t => texts, error => error }))
        .map_err(|e| ReportError::Template(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_has_the_form_and_escapes_the_error() {
        let page = upload_page(Lang::En, Some("orders.csv:3: <bad>")).unwrap();
        assert!(page.contains(r#"action="/v1/report""#));
        assert!(page.contains("orders.csv:3: &lt;bad&gt;"));
        assert!(!page.contains("<script"));
        let ja = upload_page(Lang::Ja, None).unwrap();
        assert!(ja.contains("レポートを作成"));
        assert!(!ja.contains("role=\"alert\""));
    }
}
