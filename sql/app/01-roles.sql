-- 01-roles.sql: the roles Budget Bee's database uses. Cluster-wide objects; idempotent.
--
--   anon, authenticated   NOLOGIN: the API roles a request runs as (no token / a valid token).
--   authenticator         LOGIN NOINHERIT NOSUPERUSER: the budgetbee workers log in as it and
--                         switch to anon or authenticated per request (as sql/roles.sql).
--   auth_admin            LOGIN BYPASSRLS: the web app's server side (Better Auth's pool).
--   subscription_admin    LOGIN BYPASSRLS: the web app's billing side (app_subscriptions).
--
-- No password is set here: give the two server-side roles one out of band
-- (ALTER ROLE auth_admin PASSWORD '…') or let pg_hba.conf decide.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auth_admin') THEN
    CREATE ROLE auth_admin LOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'subscription_admin') THEN
    CREATE ROLE subscription_admin LOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END $$;

-- Roles that existed before keep their memberships but get the attributes this file promises.
ALTER ROLE authenticator LOGIN NOINHERIT NOSUPERUSER;
ALTER ROLE auth_admin LOGIN BYPASSRLS;
ALTER ROLE subscription_admin LOGIN BYPASSRLS;

-- authenticator switches to the API roles per request; NOINHERIT: it holds none of their rights itself.
GRANT anon, authenticated TO authenticator;
