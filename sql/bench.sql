-- `make bench`'s additions to Budget Bee's schema (sql/app), applied as a superuser after it.
-- Idempotent. A 100-row page needs more than alice's 124 demo transactions, so 1,000 more, all
-- visible to her under row-level security: personal rows (user_id 'user_alice', no
-- organization) in her own categories Groceries, Rent, Salary (90-demo.sql's fixed ids).
-- Alice then sees 1,124 transactions; olivia and victor see what they saw.
SET client_min_messages = warning;

INSERT INTO public.transactions
  (id, amount, name, category_id, transaction_date, status, user_id, organization_id,
   created_at, updated_at)
SELECT ('7b000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
       round((g % 500 - 250)::numeric * 1.37, 2),
       'bench row ' || g,
       ('0b1c2d3e-0000-4000-8000-00000000000' || (1 + g % 3))::uuid,
       timestamp '2026-01-01' + g * interval '37 minutes',
       CASE WHEN g % 7 = 0 THEN 'pending' ELSE 'paid' END,
       'user_alice', NULL,
       timestamp '2026-01-01', timestamp '2026-01-01'
FROM generate_series(1, 1000) g
ON CONFLICT (id) DO NOTHING;
ANALYZE public.transactions;

-- The RPC row: a STABLE set-returning function, the caller's 100 latest transactions since a
-- date. SECURITY INVOKER (the default), so row-level security decides what it reads: 100 of
-- alice's rows for her token, none for anon (who may not execute it anyway). No SET clause: a
-- function's settings would join PostgREST's set_config batch and stop the planner inlining it.
CREATE OR REPLACE FUNCTION public.bench_transactions_since(since timestamptz)
RETURNS SETOF public.transactions LANGUAGE sql STABLE AS $$
  SELECT * FROM public.transactions WHERE transaction_date >= since
  ORDER BY transaction_date DESC, id LIMIT 100
$$;
-- As 80-grants.sql does for the app's functions: not PUBLIC's, authenticated's.
REVOKE ALL ON FUNCTION public.bench_transactions_since(timestamptz) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.bench_transactions_since(timestamptz) TO authenticated;
