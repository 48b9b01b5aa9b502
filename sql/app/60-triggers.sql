-- 60-triggers.sql: the app's two triggers. Trigger functions live in app_private (not
-- callable over the API). Idempotent: CREATE OR REPLACE FUNCTION, DROP TRIGGER IF EXISTS.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

-- A new user gets three personal categories: Food, Travel, Sales. SECURITY DEFINER: whoever
-- inserts the user (Better Auth as auth_admin) needs no right on categories. Fixed colors, so
-- the same user always gets the same categories.
CREATE OR REPLACE FUNCTION app_private.create_default_categories()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
  INSERT INTO public.categories (name, color, user_id, organization_id)
  VALUES ('Food',   'orange', NEW.id, NULL),
         ('Travel', 'blue',   NEW.id, NULL),
         ('Sales',  'green',  NEW.id, NULL);
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION app_private.create_default_categories() FROM PUBLIC;

DROP TRIGGER IF EXISTS on_user_created ON public.users;
CREATE TRIGGER on_user_created
  AFTER INSERT ON public.users
  FOR EACH ROW EXECUTE FUNCTION app_private.create_default_categories();

-- Every UPDATE of a transaction stamps updated_at (timestamp without time zone, as the column).
CREATE OR REPLACE FUNCTION app_private.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION app_private.set_updated_at() FROM PUBLIC;

DROP TRIGGER IF EXISTS transactions_set_updated_at ON public.transactions;
CREATE TRIGGER transactions_set_updated_at
  BEFORE UPDATE ON public.transactions
  FOR EACH ROW EXECUTE FUNCTION app_private.set_updated_at();
