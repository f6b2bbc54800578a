"""DuckDB side of `cargo xtask bench --compare`.

The same work as `ltv rfm FILE` + `ltv cohort FILE` on a transactions CSV
(customer_id,order_date,amount[,channel]): a per-customer summary, RFM scores 1..5
by rank (score = 1 + floor(5 * number of strictly smaller values / n), so ties
share a score, recency reversed so recent customers score high), and the monthly
acquisition-cohort matrix (active customers and revenue per cohort and month since
acquisition). Every customer's RFM row and every cohort cell are written as CSV to
stdout, which the benchmark sends to /dev/null.

Usage: python duckdb_rfm.py FILE
"""

import sys

import duckdb


def main(path: str) -> None:
    con = duckdb.connect()
    quoted = path.replace("'", "''")
    con.execute(
        f"""
        create temp table tx as
        select customer_id, order_date, amount
        from read_csv('{quoted}', header = true,
                      columns = {{'customer_id': 'VARCHAR', 'order_date': 'DATE',
                                  'amount': 'DECIMAL(18,2)', 'channel': 'VARCHAR'}})
        """
    )
    con.execute(
        """
        create temp table summary as
        select customer_id,
               min(order_date) as first_day,
               max(order_date) as last_day,
               count(distinct order_date) as days,
               count(*) as orders,
               sum(amount) as total
        from tx
        group by customer_id
        """
    )
    con.execute(
        """
        copy (
            with s as (
                select customer_id,
                       (select max(last_day) from summary) - last_day as recency,
                       days - 1 as frequency,
                       total as monetary
                from summary
            )
            select customer_id, recency, frequency, monetary,
                   1 + floor(5 * (rank() over (order by recency desc) - 1) / count(*) over ()) as r,
                   1 + floor(5 * (rank() over (order by frequency) - 1) / count(*) over ()) as f,
                   1 + floor(5 * (rank() over (order by monetary) - 1) / count(*) over ()) as m
            from s
        ) to '/dev/stdout' (header)
        """
    )
    con.execute(
        """
        copy (
            select date_trunc('month', s.first_day) as cohort,
                   date_diff('month', date_trunc('month', s.first_day),
                             date_trunc('month', t.order_date)) as period,
                   count(distinct t.customer_id) as active,
                   sum(t.amount) as revenue
            from tx t join summary s using (customer_id)
            group by all
            order by cohort, period
        ) to '/dev/stdout' (header)
        """
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python duckdb_rfm.py FILE")
    main(sys.argv[1])
