"""Parses Prometheus text exposition from stdin with prometheus_client's own parser and prints
the samples as JSON: [{"name", "labels", "value"}], plus each family's type. Exits 1 when the
text does not parse."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
try:
    for family in text_string_to_metric_families(sys.stdin.read()):
        families.append({
            "name": family.name,
            "type": family.type,
            "samples": [
                {"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples
            ],
        })
except Exception as e:  # noqa: BLE001 - any parse failure is the test's failure
    print(f"does not parse: {e}")
    sys.exit(1)
print(json.dumps(families))
