-- 50-rls.sql: row-level security on every table an API role can reach. Policies are TO
-- authenticated only: the anonymous role (SELECT on transactions, nothing else) sees no row.
--
-- "Personal row of mine" = organization_id IS NULL AND user_id = uid().
-- "Of my active organization" = organization_id = org_id() (the token's claims.organization_id).
-- Rights inside an organization come from check_ac_current() (the token's organization_role).
--
--   categories, tags          read as the app's (personal rows of mine or my organization's);
--                             an organization's written with check_ac's 'transaction' rights
--   transactions              the app's four: SELECT list|get, INSERT create, UPDATE update,
--                             DELETE delete (a viewer reads the organization's, never writes)
--   subscriptions             read like categories; written like transactions, with the app's
--                             'subscription' resource of check_ac
--   transaction_tags,         through their transaction: visible iff it is visible, written
--   line_items,               iff the caller may update it; a link must also point at a tag /
--   transaction_line_items    line item the caller can see
--   app_subscriptions         read-only: my personal ones or my organization's
--   feature_flags             read-only: global ones, my account's, my organization's
--
-- Idempotent: DROP POLICY IF EXISTS + CREATE POLICY.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

ALTER TABLE public.categories             ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tags                   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transactions           ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transaction_tags       ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.line_items             ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transaction_line_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.subscriptions          ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.app_subscriptions      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.feature_flags          ENABLE ROW LEVEL SECURITY;

-- categories and tags: the app's policy is one FOR ALL, so an organization viewer could create,
-- rename and delete the organization's. Reading is the app's; writing an organization's rows
-- needs the rights that writing its transactions needs (a viewer has none).
-- categories
DROP POLICY IF EXISTS limit_categories ON public.categories;
DROP POLICY IF EXISTS limit_categories_select ON public.categories;
CREATE POLICY limit_categories_select ON public.categories FOR SELECT TO authenticated
  USING (organization_id = public.org_id() OR (organization_id IS NULL AND user_id = public.uid()));

-- tags
DROP POLICY IF EXISTS limit_tags ON public.tags;
DROP POLICY IF EXISTS limit_tags_select ON public.tags;
CREATE POLICY limit_tags_select ON public.tags FOR SELECT TO authenticated
  USING (organization_id = public.org_id() OR (organization_id IS NULL AND user_id = public.uid()));

-- transactions (the app's reading; its writes below) --------------------------------------------------------------
DROP POLICY IF EXISTS limit_transactions_select ON public.transactions;
CREATE POLICY limit_transactions_select ON public.transactions FOR SELECT TO authenticated
  USING (
    (organization_id IS NULL AND user_id = public.uid())
    OR (organization_id = public.org_id()
        AND (public.check_ac_current('transaction', 'list') OR public.check_ac_current('transaction', 'get'))));

-- subscriptions (new: the app has no row-level security here) ---------------------------------
DROP POLICY IF EXISTS limit_subscriptions_select ON public.subscriptions;
CREATE POLICY limit_subscriptions_select ON public.subscriptions FOR SELECT TO authenticated
  USING (organization_id = public.org_id() OR (organization_id IS NULL AND user_id = public.uid()));

-- The writes of categories, tags, transactions and subscriptions: one rule, four tables. A
-- personal row of mine, or my organization's when my role has the resource's right
-- (check_ac's 'transaction' for the first three, 'subscription' for the last); UPDATE's USING
-- also checks the new row, as no WITH CHECK is given.
DO $$
DECLARE
  t record;
  action text;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('categories', 'transaction'), ('tags', 'transaction'),
                                 ('transactions', 'transaction'), ('subscriptions', 'subscription')) v(tbl, resource)
  LOOP
    FOREACH action IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
      EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', 'limit_' || t.tbl || '_' || action, t.tbl);
      EXECUTE format(
        'CREATE POLICY %I ON public.%I FOR %s TO authenticated %s ('
        '(organization_id IS NULL AND user_id = public.uid()) '
        'OR (organization_id = public.org_id() AND public.check_ac_current(%L, %L)))',
        'limit_' || t.tbl || '_' || action, t.tbl, upper(action),
        CASE action WHEN 'insert' THEN 'WITH CHECK' ELSE 'USING' END,
        t.resource, CASE action WHEN 'insert' THEN 'create' ELSE action END);
    END LOOP;
  END LOOP;
END
$$;

-- transaction_tags (new): through the transaction ---------------------------------------------
-- The subqueries read transactions (and tags) under their own policies, so "EXISTS (…)" is
-- "the caller can see it"; the extra condition is the transaction's update right.
DROP POLICY IF EXISTS limit_transaction_tags_select ON public.transaction_tags;
CREATE POLICY limit_transaction_tags_select ON public.transaction_tags FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.transactions t WHERE t.id = transaction_tags.transaction_id));

DROP POLICY IF EXISTS limit_transaction_tags_insert ON public.transaction_tags;
CREATE POLICY limit_transaction_tags_insert ON public.transaction_tags FOR INSERT TO authenticated
  WITH CHECK (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_tags.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update'))))
    AND EXISTS (SELECT 1 FROM public.tags g WHERE g.id = transaction_tags.tag_id));

DROP POLICY IF EXISTS limit_transaction_tags_update ON public.transaction_tags;
CREATE POLICY limit_transaction_tags_update ON public.transaction_tags FOR UPDATE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_tags.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))))
  WITH CHECK (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_tags.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update'))))
    AND EXISTS (SELECT 1 FROM public.tags g WHERE g.id = transaction_tags.tag_id));

DROP POLICY IF EXISTS limit_transaction_tags_delete ON public.transaction_tags;
CREATE POLICY limit_transaction_tags_delete ON public.transaction_tags FOR DELETE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_tags.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))));

-- line_items (new): through line_items.transaction_id ------------------------------------------
-- A line item without a transaction is visible to no API role.
DROP POLICY IF EXISTS limit_line_items_select ON public.line_items;
CREATE POLICY limit_line_items_select ON public.line_items FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.transactions t WHERE t.id = line_items.transaction_id));

DROP POLICY IF EXISTS limit_line_items_insert ON public.line_items;
CREATE POLICY limit_line_items_insert ON public.line_items FOR INSERT TO authenticated
  WITH CHECK (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))));

DROP POLICY IF EXISTS limit_line_items_update ON public.line_items;
CREATE POLICY limit_line_items_update ON public.line_items FOR UPDATE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))));

DROP POLICY IF EXISTS limit_line_items_delete ON public.line_items;
CREATE POLICY limit_line_items_delete ON public.line_items FOR DELETE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))));

-- transaction_line_items (new): through the transaction; the line item must be visible --------
-- (line_items' policies read only transactions, so there is no policy cycle.)
DROP POLICY IF EXISTS limit_transaction_line_items_select ON public.transaction_line_items;
CREATE POLICY limit_transaction_line_items_select ON public.transaction_line_items FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.transactions t WHERE t.id = transaction_line_items.transaction_id));

DROP POLICY IF EXISTS limit_transaction_line_items_insert ON public.transaction_line_items;
CREATE POLICY limit_transaction_line_items_insert ON public.transaction_line_items FOR INSERT TO authenticated
  WITH CHECK (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update'))))
    AND EXISTS (SELECT 1 FROM public.line_items li WHERE li.id = transaction_line_items.line_item_id));

DROP POLICY IF EXISTS limit_transaction_line_items_update ON public.transaction_line_items;
CREATE POLICY limit_transaction_line_items_update ON public.transaction_line_items FOR UPDATE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))))
  WITH CHECK (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update'))))
    AND EXISTS (SELECT 1 FROM public.line_items li WHERE li.id = transaction_line_items.line_item_id));

DROP POLICY IF EXISTS limit_transaction_line_items_delete ON public.transaction_line_items;
CREATE POLICY limit_transaction_line_items_delete ON public.transaction_line_items FOR DELETE TO authenticated
  USING (
    EXISTS (SELECT 1 FROM public.transactions t
            WHERE t.id = transaction_line_items.transaction_id
              AND ((t.organization_id IS NULL AND t.user_id = public.uid())
                   OR (t.organization_id = public.org_id() AND public.check_ac_current('transaction', 'update')))));

-- app_subscriptions (new): read-only ----------------------------------------------------------
DROP POLICY IF EXISTS limit_app_subscriptions_select ON public.app_subscriptions;
CREATE POLICY limit_app_subscriptions_select ON public.app_subscriptions FOR SELECT TO authenticated
  USING (organization_id = public.org_id() OR (organization_id IS NULL AND user_id = public.uid()));

-- feature_flags (new): read-only ---------------------------------------------------------------
DROP POLICY IF EXISTS limit_feature_flags_select ON public.feature_flags;
CREATE POLICY limit_feature_flags_select ON public.feature_flags FOR SELECT TO authenticated
  USING (
    scope = 'global'
    OR (scope = 'account' AND scope_id = public.uid())
    OR (scope = 'organization' AND scope_id = public.org_id()));
