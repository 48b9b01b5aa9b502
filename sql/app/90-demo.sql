-- 90-demo.sql: demo rows for `make run` and the tests, loaded after the schema. Deterministic
-- (fixed ids, generate_series arithmetic, no random()) and idempotent (ON CONFLICT DO NOTHING).
--
-- Users (Better Auth rows; no accounts/sessions: tokens are minted by the tests):
--   user_alice   Alice Martin   alice@example.com    personal only
--   user_olivia  Olivia Chen    olivia@example.com   owner  of org_acme (member_olivia_acme)
--   user_victor  Victor Diaz    victor@example.com   viewer of org_acme (member_victor_acme)
-- Organization org_acme "Acme Inc." (slug acme).
--
-- Categories: each user also has the trigger's Food, Travel, Sales (random ids: look them up
-- by name). Fixed ids, 0b1c2d3e-0000-4000-8000-0000000000NN:
--   01 Groceries, 02 Rent, 03 Salary                      alice (01-03 as the old two-table demo)
--   11 Groceries, 12 Salary, 13 Hobbies                   olivia, personal
--   21 Revenue, 22 Payroll, 23 Software, 24 Office, 25 Travel   org_acme
-- The seed's "Create Transaction" curl works with alice's token and
--   "category_id": "0b1c2d3e-0000-4000-8000-000000000001" (Groceries).
-- Tags 7a6c0000-0000-4000-8000-0000000000NN: 01 essential, 02 recurring (alice); 11 hobby
--   (olivia); 21 q1, 22 reimbursable, 23 client-billable (org_acme).
-- Transactions (384, January-June 2026):
--   7a000000-0000-4000-8000-00000000000{1..4}   alice, the old demo's four (March 2026)
--   7a000001-0000-4000-8000-000000000NNN        alice, personal, NNN = 1..120
--   7a000002-0000-4000-8000-000000000NNN        olivia, personal, 1..80
--   7a000003-0000-4000-8000-000000000NNN        org_acme (entered by olivia), 1..180
-- Line items 1e000000-0000-4000-8000-0000000000NN (01-03 on alice's …0001, 11-12 on acme's
--   7a000003-…-000000000003, 21 on olivia's 7a000002-…-000000000001), linked in
--   transaction_line_items too.
-- Subscriptions 5b000000-0000-4000-8000-0000000000NN: 01-03 alice, 11 olivia, 21-23 org_acme.
-- app_subscriptions: sub_acme_pro (org_acme, sub_active). feature_flags: new_dashboard (global),
--   ai_categorization (account user_alice), beta_export (account user_olivia, off),
--   team_reports (organization org_acme).
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

INSERT INTO public.users (id, name, email, email_verified, image, created_at, updated_at) VALUES
  ('user_alice',  'Alice Martin', 'alice@example.com',  true, NULL, '2026-01-01 09:00:00+00', '2026-01-01 09:00:00+00'),
  ('user_olivia', 'Olivia Chen',  'olivia@example.com', true, NULL, '2026-01-01 10:00:00+00', '2026-01-01 10:00:00+00'),
  ('user_victor', 'Victor Diaz',  'victor@example.com', true, NULL, '2026-01-01 11:00:00+00', '2026-01-01 11:00:00+00')
ON CONFLICT DO NOTHING;

INSERT INTO public.organizations (id, name, slug, logo, created_at, metadata) VALUES
  ('org_acme', 'Acme Inc.', 'acme', NULL, '2026-01-02 09:00:00+00', NULL)
ON CONFLICT DO NOTHING;

INSERT INTO public.members (id, organization_id, user_id, role, created_at) VALUES
  ('member_olivia_acme', 'org_acme', 'user_olivia', 'owner',  '2026-01-02 09:00:00+00'),
  ('member_victor_acme', 'org_acme', 'user_victor', 'viewer', '2026-01-03 09:00:00+00')
ON CONFLICT DO NOTHING;

INSERT INTO public.categories (id, name, description, user_id, organization_id, color) VALUES
  ('0b1c2d3e-0000-4000-8000-000000000001', 'Groceries', 'Supermarket and market',  'user_alice',  NULL, 'green'),
  ('0b1c2d3e-0000-4000-8000-000000000002', 'Rent',      'Flat rent',               'user_alice',  NULL, 'blue'),
  ('0b1c2d3e-0000-4000-8000-000000000003', 'Salary',    NULL,                      'user_alice',  NULL, 'yellow'),
  ('0b1c2d3e-0000-4000-8000-000000000011', 'Groceries', NULL,                      'user_olivia', NULL, 'green'),
  ('0b1c2d3e-0000-4000-8000-000000000012', 'Salary',    NULL,                      'user_olivia', NULL, 'yellow'),
  ('0b1c2d3e-0000-4000-8000-000000000013', 'Hobbies',   'Climbing and books',      'user_olivia', NULL, 'purple'),
  ('0b1c2d3e-0000-4000-8000-000000000021', 'Revenue',   'Client invoices',         'user_olivia', 'org_acme', 'green'),
  ('0b1c2d3e-0000-4000-8000-000000000022', 'Payroll',   NULL,                      'user_olivia', 'org_acme', 'red'),
  ('0b1c2d3e-0000-4000-8000-000000000023', 'Software',  'SaaS tools',              'user_olivia', 'org_acme', 'blue'),
  ('0b1c2d3e-0000-4000-8000-000000000024', 'Office',    NULL,                      'user_olivia', 'org_acme', 'gray'),
  ('0b1c2d3e-0000-4000-8000-000000000025', 'Travel',    'Client visits',           'user_olivia', 'org_acme', 'pink')
ON CONFLICT DO NOTHING;

INSERT INTO public.tags (id, name, description, user_id, organization_id) VALUES
  ('7a6c0000-0000-4000-8000-000000000001', 'essential',       NULL,                  'user_alice',  NULL),
  ('7a6c0000-0000-4000-8000-000000000002', 'recurring',       NULL,                  'user_alice',  NULL),
  ('7a6c0000-0000-4000-8000-000000000011', 'hobby',           NULL,                  'user_olivia', NULL),
  ('7a6c0000-0000-4000-8000-000000000021', 'q1',              'First quarter 2026',  'user_olivia', 'org_acme'),
  ('7a6c0000-0000-4000-8000-000000000022', 'reimbursable',    NULL,                  'user_olivia', 'org_acme'),
  ('7a6c0000-0000-4000-8000-000000000023', 'client-billable', NULL,                  'user_olivia', 'org_acme')
ON CONFLICT DO NOTHING;

-- Alice: the old demo's four rows, then 120 generated ones. --------------------------------
INSERT INTO public.transactions
  (id, amount, name, category_id, transaction_date, status, user_id, organization_id, created_at, updated_at)
VALUES
  ('7a000000-0000-4000-8000-000000000001',   -50.00, 'Grocery Shopping', '0b1c2d3e-0000-4000-8000-000000000001', '2026-03-05T10:30:00Z', 'paid',    'user_alice', NULL, '2026-03-05T10:30:00Z', '2026-03-05T10:30:00Z'),
  ('7a000000-0000-4000-8000-000000000002', -1200.00, 'March rent',       '0b1c2d3e-0000-4000-8000-000000000002', '2026-03-01T09:00:00Z', 'paid',    'user_alice', NULL, '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z'),
  ('7a000000-0000-4000-8000-000000000003',  3400.00, 'Salary March',     '0b1c2d3e-0000-4000-8000-000000000003', '2026-03-28T08:00:00Z', 'paid',    'user_alice', NULL, '2026-03-28T08:00:00Z', '2026-03-28T08:00:00Z'),
  ('7a000000-0000-4000-8000-000000000004',   -23.40, 'Farmers market',   '0b1c2d3e-0000-4000-8000-000000000001', '2026-03-08T11:15:00Z', 'pending', 'user_alice', NULL, '2026-03-08T11:15:00Z', '2026-03-08T11:15:00Z')
ON CONFLICT DO NOTHING;

WITH trig AS (
  SELECT (SELECT id FROM public.categories WHERE user_id = 'user_alice' AND organization_id IS NULL AND name = 'Food'   ORDER BY id LIMIT 1) AS food,
         (SELECT id FROM public.categories WHERE user_id = 'user_alice' AND organization_id IS NULL AND name = 'Travel' ORDER BY id LIMIT 1) AS travel
), g AS (
  SELECT i,
         date '2026-01-01' + (i * 37) % 181
           + interval '8 hours' + (i % 12) * interval '1 hour' + ((i * 7) % 60) * interval '1 minute' AS ts,
         CASE WHEN i % 20 = 0 THEN 'salary' WHEN i % 20 = 10 THEN 'rent'
              ELSE (ARRAY['groceries', 'food', 'travel', 'none'])[1 + i % 4] END AS kind
  FROM generate_series(1, 120) AS i
)
INSERT INTO public.transactions
  (id, amount, name, category_id, transaction_date, status, source, reference_no, user_id, organization_id, created_at, updated_at)
SELECT ('7a000001-0000-4000-8000-' || lpad(g.i::text, 12, '0'))::uuid,
       CASE g.kind WHEN 'salary' THEN 3400.00
                   WHEN 'rent'   THEN -1200.00
                   ELSE -(3 + ((g.i * 7919) % 9700) / 100.0) END::numeric(10,2),
       CASE g.kind WHEN 'salary' THEN 'Salary' WHEN 'rent' THEN 'Rent'
                   WHEN 'groceries' THEN 'Groceries' WHEN 'food' THEN 'Lunch'
                   WHEN 'travel' THEN 'Train ticket' ELSE 'Cash withdrawal' END,
       CASE g.kind WHEN 'salary' THEN '0b1c2d3e-0000-4000-8000-000000000003'::uuid
                   WHEN 'rent'   THEN '0b1c2d3e-0000-4000-8000-000000000002'::uuid
                   WHEN 'groceries' THEN '0b1c2d3e-0000-4000-8000-000000000001'::uuid
                   WHEN 'food'   THEN trig.food
                   WHEN 'travel' THEN trig.travel END,
       g.ts,
       CASE WHEN g.i % 11 = 0 THEN 'overdue' WHEN g.i % 7 = 0 THEN 'pending' ELSE 'paid' END,
       CASE WHEN g.i % 13 = 0 THEN 'import' ELSE 'manual' END,
       CASE WHEN g.kind IN ('salary', 'rent') THEN 'A-' || lpad(g.i::text, 4, '0') END,
       'user_alice', NULL, g.ts, g.ts
FROM g, trig
ON CONFLICT DO NOTHING;

-- Olivia, personal: 80 rows. ----------------------------------------------------------------
WITH trig AS (
  SELECT (SELECT id FROM public.categories WHERE user_id = 'user_olivia' AND organization_id IS NULL AND name = 'Food'   ORDER BY id LIMIT 1) AS food,
         (SELECT id FROM public.categories WHERE user_id = 'user_olivia' AND organization_id IS NULL AND name = 'Travel' ORDER BY id LIMIT 1) AS travel
), g AS (
  SELECT i,
         date '2026-01-01' + (i * 53) % 181
           + interval '7 hours' + (i % 13) * interval '1 hour' + ((i * 11) % 60) * interval '1 minute' AS ts,
         CASE WHEN i % 16 = 0 THEN 'salary' WHEN i % 5 = 0 THEN 'hobbies'
              ELSE (ARRAY['groceries', 'food', 'travel'])[1 + i % 3] END AS kind
  FROM generate_series(1, 80) AS i
)
INSERT INTO public.transactions
  (id, amount, name, category_id, transaction_date, status, user_id, organization_id, created_at, updated_at)
SELECT ('7a000002-0000-4000-8000-' || lpad(g.i::text, 12, '0'))::uuid,
       CASE g.kind WHEN 'salary'  THEN 5200.00
                   WHEN 'hobbies' THEN -(20 + ((g.i * 313) % 18000) / 100.0)
                   ELSE -(4 + ((g.i * 6151) % 12000) / 100.0) END::numeric(10,2),
       CASE g.kind WHEN 'salary' THEN 'Salary' WHEN 'hobbies' THEN 'Climbing gym'
                   WHEN 'groceries' THEN 'Groceries' WHEN 'food' THEN 'Dinner out' ELSE 'Taxi' END,
       CASE g.kind WHEN 'salary'    THEN '0b1c2d3e-0000-4000-8000-000000000012'::uuid
                   WHEN 'hobbies'   THEN '0b1c2d3e-0000-4000-8000-000000000013'::uuid
                   WHEN 'groceries' THEN '0b1c2d3e-0000-4000-8000-000000000011'::uuid
                   WHEN 'food'      THEN trig.food
                   ELSE trig.travel END,
       g.ts,
       CASE WHEN g.i % 11 = 0 THEN 'overdue' WHEN g.i % 7 = 0 THEN 'pending' ELSE 'paid' END,
       'user_olivia', NULL, g.ts, g.ts
FROM g, trig
ON CONFLICT DO NOTHING;

-- org_acme: 180 rows entered by olivia. ------------------------------------------------------
WITH g AS (
  SELECT i,
         date '2026-01-01' + (i * 29) % 181
           + interval '9 hours' + (i % 9) * interval '1 hour' + ((i * 13) % 60) * interval '1 minute' AS ts,
         CASE WHEN i % 5 = 0 THEN 'revenue' WHEN i % 30 = 3 THEN 'payroll'
              ELSE (ARRAY['software', 'office', 'travel'])[1 + i % 3] END AS kind
  FROM generate_series(1, 180) AS i
)
INSERT INTO public.transactions
  (id, amount, name, category_id, transaction_date, status, reference_no, user_id, organization_id, created_at, updated_at)
SELECT ('7a000003-0000-4000-8000-' || lpad(g.i::text, 12, '0'))::uuid,
       CASE g.kind WHEN 'revenue'  THEN 1500 + (g.i * 331) % 3500
                   WHEN 'payroll'  THEN -8000.00
                   WHEN 'software' THEN -(20 + ((g.i * 97) % 48000) / 100.0)
                   WHEN 'office'   THEN -(10 + ((g.i * 53) % 29000) / 100.0)
                   ELSE -(50 + ((g.i * 71) % 90000) / 100.0) END::numeric(10,2),
       CASE g.kind WHEN 'revenue' THEN 'Invoice ' || (1000 + g.i) WHEN 'payroll' THEN 'Payroll'
                   WHEN 'software' THEN 'SaaS subscription' WHEN 'office' THEN 'Office supplies'
                   ELSE 'Client visit' END,
       CASE g.kind WHEN 'revenue'  THEN '0b1c2d3e-0000-4000-8000-000000000021'::uuid
                   WHEN 'payroll'  THEN '0b1c2d3e-0000-4000-8000-000000000022'::uuid
                   WHEN 'software' THEN '0b1c2d3e-0000-4000-8000-000000000023'::uuid
                   WHEN 'office'   THEN '0b1c2d3e-0000-4000-8000-000000000024'::uuid
                   ELSE '0b1c2d3e-0000-4000-8000-000000000025'::uuid END,
       g.ts,
       CASE WHEN g.i % 13 = 0 THEN 'overdue' WHEN g.i % 9 = 0 THEN 'pending' ELSE 'paid' END,
       CASE WHEN g.kind = 'revenue' THEN 'INV-' || (1000 + g.i) END,
       'user_olivia', 'org_acme', g.ts, g.ts
FROM g
ON CONFLICT DO NOTHING;

-- Tags on transactions. ----------------------------------------------------------------------
INSERT INTO public.transaction_tags (transaction_id, tag_id)
SELECT t, g FROM (VALUES
  ('7a000000-0000-4000-8000-000000000001'::uuid, '7a6c0000-0000-4000-8000-000000000001'::uuid),
  ('7a000000-0000-4000-8000-000000000002'::uuid, '7a6c0000-0000-4000-8000-000000000002'::uuid)
) AS v(t, g)
UNION ALL
SELECT ('7a000001-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000001'::uuid
FROM generate_series(1, 120) AS i WHERE i % 5 = 0
UNION ALL
SELECT ('7a000001-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000002'::uuid
FROM generate_series(1, 120) AS i WHERE i % 6 = 0
UNION ALL
SELECT ('7a000002-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000011'::uuid
FROM generate_series(1, 80) AS i WHERE i % 8 = 0
UNION ALL
SELECT ('7a000003-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000021'::uuid
FROM generate_series(1, 180) AS i WHERE i % 3 = 0 AND (i * 29) % 181 < 90   -- January-March
UNION ALL
SELECT ('7a000003-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000022'::uuid
FROM generate_series(1, 180) AS i WHERE i % 4 = 0
UNION ALL
SELECT ('7a000003-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '7a6c0000-0000-4000-8000-000000000023'::uuid
FROM generate_series(1, 180) AS i WHERE i % 7 = 0
ON CONFLICT DO NOTHING;

-- Line items. --------------------------------------------------------------------------------
INSERT INTO public.line_items (id, transaction_id, name, description, unit_count, unit_price) VALUES
  ('1e000000-0000-4000-8000-000000000001', '7a000000-0000-4000-8000-000000000001', 'Apples', '1 kg bags', 4,  5.00),
  ('1e000000-0000-4000-8000-000000000002', '7a000000-0000-4000-8000-000000000001', 'Bread',  NULL,        2,  4.50),
  ('1e000000-0000-4000-8000-000000000003', '7a000000-0000-4000-8000-000000000001', 'Cheese', NULL,        1, 21.00),
  ('1e000000-0000-4000-8000-000000000011', '7a000003-0000-4000-8000-000000000003', 'Salaries',      NULL, 1, 7000.00),
  ('1e000000-0000-4000-8000-000000000012', '7a000003-0000-4000-8000-000000000003', 'Payroll taxes', NULL, 1, 1000.00),
  ('1e000000-0000-4000-8000-000000000021', '7a000002-0000-4000-8000-000000000001', 'Vegetables',    NULL, 3,    2.50)
ON CONFLICT DO NOTHING;

INSERT INTO public.transaction_line_items (transaction_id, line_item_id)
SELECT transaction_id, id FROM public.line_items
WHERE id IN ('1e000000-0000-4000-8000-000000000001', '1e000000-0000-4000-8000-000000000002',
             '1e000000-0000-4000-8000-000000000003', '1e000000-0000-4000-8000-000000000011',
             '1e000000-0000-4000-8000-000000000012', '1e000000-0000-4000-8000-000000000021')
ON CONFLICT DO NOTHING;

-- Subscriptions (recurring expenses). --------------------------------------------------------
INSERT INTO public.subscriptions
  (id, amount, title, description, logo_url, period, interval_in_days, category_id, user_id, organization_id)
VALUES
  ('5b000000-0000-4000-8000-000000000001',  15.99, 'Netflix',         NULL,              NULL, 'monthly',  30, NULL, 'user_alice', NULL),
  ('5b000000-0000-4000-8000-000000000002',  40.00, 'Gym',             'Downtown gym',    NULL, 'monthly',  30, NULL, 'user_alice', NULL),
  ('5b000000-0000-4000-8000-000000000003',  99.00, 'Cloud storage',   NULL,              NULL, 'yearly',  365, NULL, 'user_alice', NULL),
  ('5b000000-0000-4000-8000-000000000011',  10.99, 'Spotify',         NULL,              NULL, 'monthly',  30, NULL, 'user_olivia', NULL),
  ('5b000000-0000-4000-8000-000000000021',  44.00, 'GitHub Team',     '11 seats',        NULL, 'monthly',  30, '0b1c2d3e-0000-4000-8000-000000000023', 'user_olivia', 'org_acme'),
  ('5b000000-0000-4000-8000-000000000022', 540.00, 'Figma',           NULL,              NULL, 'yearly',  365, '0b1c2d3e-0000-4000-8000-000000000023', 'user_olivia', 'org_acme'),
  ('5b000000-0000-4000-8000-000000000023', 120.00, 'Office cleaning', NULL,              NULL, 'weekly',    7, '0b1c2d3e-0000-4000-8000-000000000024', 'user_olivia', 'org_acme')
ON CONFLICT DO NOTHING;

-- Budget Bee's own billing and feature flags. ------------------------------------------------
INSERT INTO public.app_subscriptions
  (id, status, amount_paid, starts_at, ends_at, period_start, period_end, product_id, user_id, organization_id)
VALUES
  ('sub_acme_pro', 'sub_active', 29.00, '2026-01-02 09:00:00+00', NULL,
   '2026-06-02 09:00:00+00', '2026-07-02 09:00:00+00', 'prod_budgetbee_pro', 'user_olivia', 'org_acme')
ON CONFLICT DO NOTHING;

INSERT INTO public.feature_flags (key, value, scope, scope_id, description) VALUES
  ('new_dashboard',     true,  'global',       NULL,          'The 2026 dashboard'),
  ('ai_categorization', true,  'account',      'user_alice',  'Suggest categories'),
  ('beta_export',       false, 'account',      'user_olivia', 'CSV export (beta)'),
  ('team_reports',      true,  'organization', 'org_acme',    'Reports for teams')
ON CONFLICT DO NOTHING;
