-- A small slice of Budget Bee's schema with a few rows, served by `make run`.
-- Readable by the anonymous role for now; row-level security arrives with JWT support.
CREATE EXTENSION IF NOT EXISTS budgetbee;

CREATE TABLE categories (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  color       text,
  user_id     text,
  organization_id text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE transactions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  amount           numeric(12,2) NOT NULL,
  name             text,
  category_id      uuid REFERENCES categories (id) ON DELETE SET NULL,
  transaction_date timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'paid',
  user_id          text,
  organization_id  text,
  created_at       timestamptz NOT NULL DEFAULT now()
);

INSERT INTO categories (id, name, color, user_id, created_at) VALUES
  ('0b1c2d3e-0000-4000-8000-000000000001', 'Groceries', '#22c55e', 'user_123', '2026-01-01T00:00:00Z'),
  ('0b1c2d3e-0000-4000-8000-000000000002', 'Rent',      '#3b82f6', 'user_123', '2026-01-01T00:00:00Z'),
  ('0b1c2d3e-0000-4000-8000-000000000003', 'Salary',    '#eab308', 'user_123', '2026-01-01T00:00:00Z');

INSERT INTO transactions (id, amount, name, category_id, transaction_date, status, user_id, created_at) VALUES
  ('7a000000-0000-4000-8000-000000000001',  -50.00, 'Grocery Shopping', '0b1c2d3e-0000-4000-8000-000000000001', '2026-03-05T10:30:00Z', 'paid',    'user_123', '2026-03-05T10:30:00Z'),
  ('7a000000-0000-4000-8000-000000000002', -1200.00, 'March rent',      '0b1c2d3e-0000-4000-8000-000000000002', '2026-03-01T09:00:00Z', 'paid',    'user_123', '2026-03-01T09:00:00Z'),
  ('7a000000-0000-4000-8000-000000000003', 3400.00, 'Salary March',     '0b1c2d3e-0000-4000-8000-000000000003', '2026-03-28T08:00:00Z', 'paid',    'user_123', '2026-03-28T08:00:00Z'),
  ('7a000000-0000-4000-8000-000000000004',  -23.40, 'Farmers market',   '0b1c2d3e-0000-4000-8000-000000000001', '2026-03-08T11:15:00Z', 'pending', 'user_123', '2026-03-08T11:15:00Z');

GRANT SELECT ON categories, transactions TO anon, authenticated;
