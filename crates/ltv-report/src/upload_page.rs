//! The server's upload page: a form for a transactions CSV (and optionally a CAC file
//! and an initiatives file) that posts to `POST /v1/report`; with an error message when
//! an upload failed, so the user sees it on the page and not as raw JSON, and the
//! options the user had typed (column names, date format, delimiter, encoding) kept
//! in the form so that fixing one does not mean typing all again.

use minijinja::{context, Environment};

use crate::error::ReportError;
use crate::i18n::{code, t, Lang};

const TEMPLATE: &str = include_str!("../templates/upload.html");

/// The form's text fields whose values the page shows again after a failed upload.
const KEPT: [&str; 16] = [
    "margin",
    "currency",
    "inactive_days",
    "repeat_days",
    "target_ratio",
    "business",
    "customer_col",
    "date_col",
    "amount_col",
    "channel_col",
    "date_format",
    "delimiter",
    "encoding",
    "amount_format",
    "as_of",
    "skip_invalid",
];

/// The upload page in `lang`, showing `error` above the form when given, with the
/// form's fields filled from `values` (name, value) — what the user sent — where
/// given, else with the defaults.
///
/// # Errors
/// [`ReportError::Template`] if the template fails (a bug, not a data problem).
pub fn upload_page(
    lang: Lang,
    error: Option<&str>,
    values: &[(&str, &str)],
) -> Result<String, ReportError> {
    let kept: std::collections::BTreeMap<&str, &str> = values
        .iter()
        .filter(|(name, _)| KEPT.contains(name))
        .map(|(name, value)| (*name, *value))
        .collect();
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
        cac_hint => t(lang, "CSV with channel,spend[,new_customers] (or spend[,new_customers] for all customers): adds CAC, LTV/CAC and payback.", "channel,spend[,new_customers]（全顧客なら spend[,new_customers]）の CSV。CAC・LTV/CAC・回収期間を追加します。"),
        plan => t(lang, "Initiatives (optional)", "施策ファイル（任意）"),
        plan_hint => t(lang, "TOML or JSON, as for `ltv plan`: adds the ranked plan and the ROI case, on the baseline measured from your transactions.", "`ltv plan` と同じ TOML または JSON。取引データから測定したベースラインで、施策の優先順位と ROI を追加します。"),
        options => t(lang, "Options", "オプション"),
        margin => t(lang, "Gross margin (0 to 1)", "粗利率（0〜1）"),
        currency => t(lang, "Currency: code or symbol (JPY, ¥, USD, $)", "通貨: コードまたは記号（JPY、¥、USD、$）"),
        inactive_days => t(lang, "Churned after how many days without an order (raise it for quarterly buyers)", "何日注文がなければ解約とみなすか（四半期ごとの購入なら長めに）"),
        repeat_days => t(lang, "Repeat purchase: a second order within how many days", "リピートとみなす 2 回目注文までの日数"),
        target_ratio => t(lang, "Target LTV/CAC (the most you can pay per customer is LTV ÷ it)", "目標 LTV/CAC（顧客獲得に払える上限 = LTV ÷ 目標）"),
        business => t(lang, "Business model", "ビジネスモデル"),
        business_ec => t(lang, "e-commerce / D2C (repeat rate, AOV)", "EC・D2C（リピート率、平均注文額）"),
        business_saas => t(lang, "SaaS (NRR, churn, expansion)", "SaaS（NRR、解約率、拡大）"),
        business_consulting => t(lang, "consulting (client retention, referrals)", "コンサルティング（顧客継続率、紹介）"),
        columns => t(lang, "Column names: customer, date, amount, channel", "列名: 顧客、日付、金額、チャネル"),
        as_of => t(lang, "As of (default: the latest order date)", "基準日（既定: 最新の注文日）"),
        reading => t(lang, "How the file is written", "ファイルの書式"),
        date_format => t(lang, "Date format (strftime; empty: YYYY-MM-DD)", "日付の書式（strftime。空欄: YYYY-MM-DD）"),
        date_format_hint => t(lang, "For example %Y/%m/%d, %d/%m/%Y or %Y年%m月%d日.", "例: %Y/%m/%d、%d/%m/%Y、%Y年%m月%d日"),
        delimiter => t(lang, "Delimiter", "区切り文字"),
        encoding => t(lang, "Encoding", "文字コード"),
        encoding_auto => t(lang, "automatic (UTF-8 or Shift_JIS)", "自動（UTF-8 または Shift_JIS）"),
        amount_format => t(lang, "Amounts", "金額の書式"),
        amount_plain => t(lang, "plain digits (9800.50)", "数字のみ（9800.50）"),
        amount_grouped => t(lang, "with separators and currency (¥9,800)", "桁区切り・通貨記号あり（¥9,800）"),
        submit => t(lang, "Make the report", "レポートを作成"),
    };
    env.get_template("upload.html")
        .and_then(|tmpl| {
            tmpl.render(context! { lang => code(lang), t => texts, error => error, v => kept })
        })
        .map_err(|e| ReportError::Template(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_upload_keeps_what_the_user_typed() {
        let page = upload_page(
            Lang::Ja,
            Some("bad"),
            &[
                ("customer_col", "顧客ID"),
                ("date_format", "%Y/%m/%d"),
                ("delimiter", ";"),
                ("encoding", "shift_jis"),
                ("amount_format", "grouped"),
                ("evil", "\"><script>"),
                ("date_col", "\"><b>x"),
            ],
        )
        .unwrap();
        assert!(
            page.contains(r#"name="customer_col" type="text" value="顧客ID""#),
            "{page}"
        );
        // minijinja writes / as &#x2f; in attributes: the browser shows %Y/%m/%d
        assert!(page.contains(r#"value="%Y&#x2f;%m&#x2f;%d""#), "{page}");
        assert!(page.contains(r#"<option value=";" selected>"#), "{page}");
        assert!(
            page.contains(r#"<option value="shift_jis" selected>"#),
            "{page}"
        );
        assert!(
            page.contains(r#"<option value="grouped" selected>"#),
            "{page}"
        );
        assert!(
            !page.contains("<script>") && !page.contains("<b>x"),
            "{page}"
        );
        let fresh = upload_page(Lang::En, None, &[]).unwrap();
        assert!(fresh.contains(r#"name="customer_col" type="text" value="customer_id""#));
        assert!(
            fresh.contains(r#"<option value="auto" selected>"#),
            "{fresh}"
        );
    }

    #[test]
    fn page_has_the_form_and_escapes_the_error() {
        let page = upload_page(Lang::En, Some("orders.csv:3: <bad>"), &[]).unwrap();
        assert!(page.contains(r#"action="/v1/report""#));
        assert!(page.contains("orders.csv:3: &lt;bad&gt;"));
        assert!(!page.contains("<script"));
        let ja = upload_page(Lang::Ja, None, &[]).unwrap();
        assert!(ja.contains("レポートを作成"));
        assert!(!ja.contains("role=\"alert\""));
    }
}
