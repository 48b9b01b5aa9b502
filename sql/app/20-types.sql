-- 20-types.sql: the app's enums and composite type. Idempotent (created only when missing).
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet
DO $$
BEGIN
  IF to_regtype('public.builtin_colors') IS NULL THEN
    CREATE TYPE public.builtin_colors AS ENUM
      ('gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red');
  END IF;
  IF to_regtype('public.subscription_period') IS NULL THEN
    CREATE TYPE public.subscription_period AS ENUM
      ('monthly', 'yearly', 'quarterly', 'semi-annually', 'weekly', 'daily');
  END IF;
  IF to_regtype('public.app_subscriptions_status') IS NULL THEN
    CREATE TYPE public.app_subscriptions_status AS ENUM ('sub_active', 'sub_inactive');
  END IF;
  IF to_regtype('public.feature_flag_scope') IS NULL THEN
    CREATE TYPE public.feature_flag_scope AS ENUM ('global', 'account', 'organization');
  END IF;
  -- one row of get_transaction_distribution_by_status()
  IF to_regtype('public.transaction_distribution_by_status') IS NULL THEN
    CREATE TYPE public.transaction_distribution_by_status AS (
      status  varchar(8),
      day     date,
      credit  numeric,
      debit   numeric,
      balance numeric
    );
  END IF;
END $$;
