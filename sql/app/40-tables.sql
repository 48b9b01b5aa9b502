-- 40-tables.sql: Budget Bee's own tables, with the app's names, columns, types and defaults.
--
-- Foreign keys to users and organizations cascade (a deleted user or organization takes its
-- rows along; app_subscriptions keep the billing record with the owner set to null). A deleted
-- category leaves its transactions and subscriptions uncategorized (SET NULL).
-- user_id defaults to the caller (uid()), so a row posted without one is the caller's own
-- (the seed's "Create Transaction" body has no user_id); organization_id has no default: a row
-- without one is personal. The three dates of transactions are timestamp WITHOUT time zone,
-- as the app has them: '2026-03-05T10:30:00Z' is stored as 2026-03-05 10:30:00.
-- Idempotent (CREATE … IF NOT EXISTS).
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

CREATE TABLE IF NOT EXISTS public.categories (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name            varchar(255) NOT NULL,
  description     varchar(1000),
  user_id         text DEFAULT public.uid() REFERENCES public.users (id) ON DELETE CASCADE,
  organization_id text REFERENCES public.organizations (id) ON DELETE CASCADE,
  color           public.builtin_colors DEFAULT public.get_random_builtin_color()
);
CREATE INDEX IF NOT EXISTS categories_user_id_idx ON public.categories (user_id);
CREATE INDEX IF NOT EXISTS categories_organization_id_idx ON public.categories (organization_id);

CREATE TABLE IF NOT EXISTS public.tags (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name            varchar(255) NOT NULL,
  description     varchar(1000),
  user_id         text DEFAULT public.uid() REFERENCES public.users (id) ON DELETE CASCADE,
  organization_id text REFERENCES public.organizations (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS tags_user_id_idx ON public.tags (user_id);
CREATE INDEX IF NOT EXISTS tags_organization_id_idx ON public.tags (organization_id);

CREATE TABLE IF NOT EXISTS public.transactions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  amount           numeric(10,2) DEFAULT 0,
  currency         varchar(3) DEFAULT 'usd',
  user_id          text DEFAULT public.uid() REFERENCES public.users (id) ON DELETE CASCADE,
  organization_id  text REFERENCES public.organizations (id) ON DELETE CASCADE,
  external_id      text,
  category_id      uuid REFERENCES public.categories (id) ON DELETE SET NULL,
  reference_no     text,
  name             varchar(255),
  description      varchar(1000),
  status           varchar(8) DEFAULT 'paid'
                   CONSTRAINT transactions_status_check CHECK (status IN ('paid', 'pending', 'overdue')),
  source           varchar(255) DEFAULT 'manual',
  metadata         jsonb,
  transaction_date timestamp DEFAULT now(),
  created_at       timestamp DEFAULT now(),
  updated_at       timestamp DEFAULT now()
);
CREATE INDEX IF NOT EXISTS transactions_user_id_idx ON public.transactions (user_id, transaction_date);
CREATE INDEX IF NOT EXISTS transactions_organization_id_idx ON public.transactions (organization_id, transaction_date);
CREATE INDEX IF NOT EXISTS transactions_category_id_idx ON public.transactions (category_id);

-- Both foreign keys in the primary key: a junction table, so the API embeds
-- transactions?select=*,tags(name) and tags?select=*,transactions(id) many-to-many.
CREATE TABLE IF NOT EXISTS public.transaction_tags (
  transaction_id uuid NOT NULL REFERENCES public.transactions (id) ON DELETE CASCADE,
  tag_id         uuid NOT NULL REFERENCES public.tags (id) ON DELETE CASCADE,
  PRIMARY KEY (transaction_id, tag_id)
);
CREATE INDEX IF NOT EXISTS transaction_tags_tag_id_idx ON public.transaction_tags (tag_id);

CREATE TABLE IF NOT EXISTS public.line_items (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  transaction_id uuid REFERENCES public.transactions (id) ON DELETE CASCADE,
  name           varchar(255),
  description    varchar(1000),
  unit_count     integer DEFAULT 1,
  unit_price     numeric(10,2) DEFAULT 0
);
CREATE INDEX IF NOT EXISTS line_items_transaction_id_idx ON public.line_items (transaction_id);

CREATE TABLE IF NOT EXISTS public.transaction_line_items (
  transaction_id uuid NOT NULL REFERENCES public.transactions (id) ON DELETE CASCADE,
  line_item_id   uuid NOT NULL REFERENCES public.line_items (id) ON DELETE CASCADE,
  PRIMARY KEY (transaction_id, line_item_id)
);
CREATE INDEX IF NOT EXISTS transaction_line_items_line_item_id_idx ON public.transaction_line_items (line_item_id);

-- Recurring expenses the user tracks (not Budget Bee's own billing: see app_subscriptions).
CREATE TABLE IF NOT EXISTS public.subscriptions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  amount           numeric(10,2) DEFAULT 0,
  title            varchar(255) NOT NULL,
  description      varchar(1000),
  logo_url         text,
  period           public.subscription_period,
  interval_in_days integer,
  category_id      uuid REFERENCES public.categories (id) ON DELETE SET NULL,
  user_id          text DEFAULT public.uid() REFERENCES public.users (id) ON DELETE CASCADE,
  organization_id  text REFERENCES public.organizations (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS subscriptions_user_id_idx ON public.subscriptions (user_id);
CREATE INDEX IF NOT EXISTS subscriptions_organization_id_idx ON public.subscriptions (organization_id);

-- Budget Bee's billing: written by the server side (subscription_admin), read-only to users.
CREATE TABLE IF NOT EXISTS public.app_subscriptions (
  id              text PRIMARY KEY,
  status          public.app_subscriptions_status NOT NULL DEFAULT 'sub_inactive',
  amount_paid     numeric,
  starts_at       timestamptz,
  ends_at         timestamptz,
  period_start    timestamptz,
  period_end      timestamptz,
  product_id      text,
  user_id         text REFERENCES public.users (id) ON DELETE SET NULL,
  organization_id text REFERENCES public.organizations (id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS app_subscriptions_user_id_idx ON public.app_subscriptions (user_id);
CREATE INDEX IF NOT EXISTS app_subscriptions_organization_id_idx ON public.app_subscriptions (organization_id);

-- Feature flags: global (scope_id null), per account (scope_id = a user id) or per
-- organization (scope_id = an organization id). NULLS NOT DISTINCT: a global flag exists once.
CREATE TABLE IF NOT EXISTS public.feature_flags (
  key         text NOT NULL,
  value       boolean NOT NULL DEFAULT false,
  scope       public.feature_flag_scope NOT NULL DEFAULT 'global',
  scope_id    text,
  description text,
  CONSTRAINT feature_flags_key_scope_scope_id_key UNIQUE NULLS NOT DISTINCT (key, scope, scope_id)
);
