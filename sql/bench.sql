-- Extra rows for `make bench` (a 100-row page needs more than the demo's few). Idempotent.
INSERT INTO transactions (id, amount, name, category_id, transaction_date, status, user_id, created_at)
SELECT ('7b000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
       round((g % 500 - 250)::numeric * 1.37, 2),
       'bench row ' || g,
       ('0b1c2d3e-0000-4000-8000-00000000000' || (1 + g % 3))::uuid,
       timestamptz '2026-01-01' + g * interval '37 minutes',
       CASE WHEN g % 7 = 0 THEN 'pending' ELSE 'paid' END,
       'bench', timestamptz '2026-01-01'
FROM generate_series(1, 1000) g
ON CONFLICT (id) DO NOTHING;
ANALYZE transactions;

-- A STABLE set-returning function for the RPC row: the 100 latest transactions since a date.
CREATE OR REPLACE FUNCTION bench_transactions_since(since timestamptz)
RETURNS SETOF transactions LANGUAGE sql STABLE AS $$
  SELECT * FROM transactions WHERE transaction_date >= since
  ORDER BY transaction_date DESC, id LIMIT 100
$$;
