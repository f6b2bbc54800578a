"""Polars side of `cargo xtask bench --compare`.

The same work as `ltv rfm FILE` + `ltv cohort FILE` on a transactions CSV
(customer_id,order_date,amount[,channel]): a per-customer summary, RFM scores 1..5
by rank (score = 1 + floor(5 * number of strictly smaller values / n), so ties
share a score, recency reversed so recent customers score high), and the monthly
acquisition-cohort matrix (active customers and revenue per cohort and month since
acquisition). Every customer's RFM row and every cohort cell are written as CSV to
stdout, which the benchmark sends to /dev/null. Amounts are Float64 here (ltv and
the DuckDB script use exact decimals).

Usage: python polars_rfm.py FILE
"""

import sys

import polars as pl


def score(column: str, n: int, descending: bool = False) -> pl.Expr:
    # rank("min") - 1 = number of values strictly smaller (larger when descending)
    smaller = pl.col(column).rank("min", descending=descending).cast(pl.Int64) - 1
    return (1 + (5 * smaller) // n).alias(column[0])


def main(path: str) -> None:
    tx = pl.read_csv(
        path,
        schema_overrides={
            "customer_id": pl.Utf8,
            "order_date": pl.Date,
            "amount": pl.Float64,
        },
        columns=["customer_id", "order_date", "amount"],
    )
    summary = tx.group_by("customer_id").agg(
        first_day=pl.col("order_date").min(),
        last_day=pl.col("order_date").max(),
        days=pl.col("order_date").n_unique(),
        orders=pl.len(),
        total=pl.col("amount").sum(),
    )
    as_of = summary["last_day"].max()
    n = summary.height
    rfm = summary.select(
        "customer_id",
        recency=(pl.lit(as_of) - pl.col("last_day")).dt.total_days(),
        frequency=pl.col("days") - 1,
        monetary=pl.col("total"),
    ).with_columns(
        score("recency", n, descending=True),
        score("frequency", n),
        score("monetary", n),
    )
    out = sys.stdout.buffer
    rfm.write_csv(out)

    month = pl.col("order_date").dt.year() * 12 + pl.col("order_date").dt.month()
    first = pl.col("first_day").dt.year() * 12 + pl.col("first_day").dt.month()
    cohort = (
        tx.join(summary.select("customer_id", "first_day"), on="customer_id")
        .with_columns(
            cohort=pl.col("first_day").dt.truncate("1mo"),
            period=month - first,
        )
        .group_by("cohort", "period")
        .agg(active=pl.col("customer_id").n_unique(), revenue=pl.col("amount").sum())
        .sort("cohort", "period")
    )
    cohort.write_csv(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python polars_rfm.py FILE")
    main(sys.argv[1])
