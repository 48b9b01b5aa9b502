-- 00-extension.sql: the budgetbee extension (the REST API's workers) and, with it, the claim
-- helpers public.jwt(), public.uid(), public.org_id(), public.org_role() (STABLE, members of
-- the extension: never redefine them here). Needs shared_preload_libraries =
-- 'budgetbee' in the cluster. Idempotent.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet
CREATE EXTENSION IF NOT EXISTS budgetbee;
