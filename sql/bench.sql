-- `make bench`'s data on Budget Bee's schema (sql/app), applied as a superuser after it.
-- Idempotent (fixed ids, ON CONFLICT DO NOTHING). Deterministic, so every run measures the same
-- rows:
--   1,000 users bench_u0001 … bench_u1000 (the trigger gives each Food, Travel, Sales);
--   10 organizations bench_o01 … bench_o10; users 1–400 are members, user g of organization
--     ((g-1) % 10) + 1 with role owner, admin, editor, viewer by ((g-1) / 10) % 4, so every
--     organization has ten members of each role;
--   5 categories per organization (fixed ids 0c000000-0000-4000-8000-0000000000OC);
--   100,000 transactions (fixed ids 7c000000-0000-4000-8000-<g>), 100 per user: for a member
--     50 are its organization's (in one of its categories), the rest are personal (in the
--     user's Food, Travel or Sales); dates over 2025–2026.
--   bench_rows: 1,000,000 rows (about 200 bytes of JSON each) any signed-in user may read, for
--     the streamed read (`GET /bench_rows`, about 200 MB of JSON). Not Budget Bee's.
-- The bench's user is bench_u0023: editor of bench_o03 (2,000 organization rows visible, ten
-- members of each role there), 50 personal rows.
SET client_min_messages = warning;

-- What an earlier version of this file added (alice's 1,000 rows and their function).
DELETE FROM public.transactions WHERE id::text LIKE '7b000000-%';
DROP FUNCTION IF EXISTS public.bench_transactions_since(timestamptz);

INSERT INTO public.users (id, name, email, email_verified, created_at, updated_at)
SELECT 'bench_u' || lpad(g::text, 4, '0'), 'Bench user ' || g,
       'bench' || g || '@example.com', true, timestamptz '2025-01-01', timestamptz '2025-01-01'
FROM generate_series(1, 1000) g
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.organizations (id, name, slug, created_at)
SELECT 'bench_o' || lpad(o::text, 2, '0'), 'Bench organization ' || o, 'bench-o' || o,
       timestamptz '2025-01-01'
FROM generate_series(1, 10) o
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.members (id, organization_id, user_id, role, created_at)
SELECT 'bench_m' || lpad(g::text, 4, '0'),
       'bench_o' || lpad((((g - 1) % 10) + 1)::text, 2, '0'),
       'bench_u' || lpad(g::text, 4, '0'),
       (ARRAY['owner', 'admin', 'editor', 'viewer'])[((g - 1) / 10) % 4 + 1],
       timestamptz '2025-01-01'
FROM generate_series(1, 400) g
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.categories (id, name, color, user_id, organization_id)
SELECT ('0c000000-0000-4000-8000-' || lpad(o::text, 10, '0') || lpad(c::text, 2, '0'))::uuid,
       (ARRAY['Revenue', 'Payroll', 'Software', 'Office', 'Travel'])[c],
       (ARRAY['green', 'red', 'blue', 'gray', 'orange'])[c]::public.builtin_colors,
       'bench_u' || lpad(o::text, 4, '0'),  -- the organization's owner made them
       'bench_o' || lpad(o::text, 2, '0')
FROM generate_series(1, 10) o, generate_series(1, 5) c
ON CONFLICT (id) DO NOTHING;

WITH personal AS (
  SELECT user_id, array_agg(id ORDER BY name) AS ids
  FROM public.categories
  WHERE organization_id IS NULL AND user_id LIKE 'bench\_u%'
  GROUP BY user_id
)
INSERT INTO public.transactions
  (id, amount, currency, user_id, organization_id, category_id, name, status, source,
   transaction_date, created_at, updated_at)
SELECT ('7c000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
       round(((g * 7919) % 20000 - 12000)::numeric / 100, 2),
       'usd',
       u.id,
       CASE WHEN u.org_row THEN u.org END,
       CASE WHEN u.org_row
            THEN ('0c000000-0000-4000-8000-' || lpad(u.org_no::text, 10, '0')
                  || lpad((1 + g % 5)::text, 2, '0'))::uuid
            ELSE p.ids[1 + g % 3]
       END,
       (ARRAY['Groceries', 'Rent', 'Salary', 'Coffee', 'Fuel', 'Invoice', 'Cloud', 'Lunch'])[1 + g % 8],
       (ARRAY['paid', 'paid', 'paid', 'pending', 'overdue'])[1 + g % 5],
       'manual',
       timestamp '2025-01-01' + (g * 2633 % 63072000) * interval '1 second',
       timestamp '2025-01-01', timestamp '2025-01-01'
FROM generate_series(1, 100000) g
-- User 1 + g % 1000 writes rows g, g + 1000, …: a member's every other one (by g / 1000) is
-- its organization's.
CROSS JOIN LATERAL (
  SELECT 'bench_u' || lpad((1 + g % 1000)::text, 4, '0') AS id,
         ((g % 1000) % 10) + 1 AS org_no,
         'bench_o' || lpad((((g % 1000) % 10) + 1)::text, 2, '0') AS org,
         1 + g % 1000 <= 400 AND (g / 1000) % 2 = 0 AS org_row
) u
JOIN personal p ON p.user_id = u.id
ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS public.bench_rows (
  id int PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,
  at timestamptz NOT NULL, note text, tags text[]);
INSERT INTO public.bench_rows
SELECT i, 'row ' || i || ' of the streamed read', i * 1.25,
       timestamptz '2025-01-01 00:00:00+00' + i * interval '1 minute',
       CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::text) || ' ' || md5((i + 1)::text) END,
       ARRAY['bench', 'stream', (i % 10)::text]
FROM generate_series(1, 1000000) i
ON CONFLICT (id) DO NOTHING;
ALTER TABLE public.bench_rows ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS bench_rows_read ON public.bench_rows;
CREATE POLICY bench_rows_read ON public.bench_rows FOR SELECT TO authenticated USING (true);
GRANT SELECT ON public.bench_rows TO authenticated;

ANALYZE public.users, public.organizations, public.members, public.categories, public.transactions,
  public.bench_rows;
