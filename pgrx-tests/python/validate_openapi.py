"""Validates an OpenAPI document read from stdin with openapi-spec-validator.

Usage: validate_openapi.py 3.1|2.0. Prints "valid", or the errors, one per line, and exits 1.

For Swagger 2.0, one kind of error is reported apart rather than failing: a column's `default`
that does not validate against the column's own schema. PostgREST v13 writes a default
expression as the default whenever it is not a plain `'…'::<format>` literal: "gen_random_uuid()"
for a uuid (not a uuid), "'#ffcc00'::bpchar" for a character(7) (too long),
"'paid'::api.txn_status" for a domain over an enum (not a label). budgetbee's 2.0 document is
PostgREST's, byte for byte; its 3.1 document leaves such defaults out. Every other error,
structural or semantic, fails.
"""
import json
import sys

from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV31SpecValidator

version = sys.argv[1]
doc = json.load(sys.stdin)
validator = OpenAPIV31SpecValidator(doc) if version == "3.1" else OpenAPIV2SpecValidator(doc)
failures, tolerated = [], []
for error in validator.iter_errors():
    path = list(error.absolute_path) if hasattr(error, "absolute_path") else []
    schema = error.schema if isinstance(error.schema, dict) else {}
    if version == "2.0" and "default" in schema and error.instance == schema["default"]:
        tolerated.append(f"{error.message}")
        continue
    failures.append(f"{'/'.join(map(str, path))}: {error.message}")
for t in tolerated:
    print(f"tolerated (PostgREST's default expression as a default): {t}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("valid")
