-- budgetbee 0.1.0 → 0.2.0: uid(), org_id() and org_role() become C functions that keep their
-- answers per claims text (src/claim_functions.rs). The SQL versions cast the whole claims text
-- to jsonb at every call, once per row a row-level security policy looks at. Same names, same
-- answers; CREATE OR REPLACE keeps the policies and defaults that call them.
CREATE OR REPLACE FUNCTION public.uid() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_uid_wrapper';
CREATE OR REPLACE FUNCTION public.org_id() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_org_id_wrapper';
CREATE OR REPLACE FUNCTION public.org_role() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_org_role_wrapper';
