#!/usr/bin/env python3
"""Validates recorded API responses against the server's own /openapi.json.

Usage: validate_openapi.py OPENAPI.json RESPONSES.json

RESPONSES.json is a JSON array of {"method", "target", "status", "contentType", "body"} records, written by APITests
(the body as text); the route is the document path the target matches (a literal segment beats a {parameter}), and a
target that matches none must carry the Error schema. Checks:
  1. the document is valid OpenAPI 3.1 (openapi-spec-validator);
  2. every response's status is documented for its route and method (or covered by `default`), with its content type;
  3. every JSON body validates against the documented schema (jsonschema, draft 2020-12, $refs into the document);
  4. every documented operation was exercised at least once with a 2xx answer.
Prints one line per failure and a summary line "openapi: N responses validated against M operations"; exits 1 on any
failure, 2 when the validators are not installed.
"""
import json
import sys

try:
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate as validate_spec
except ImportError as error:  # pragma: no cover - a setup problem, not a test result
    print(f"openapi: missing Python package ({error}); run `make api-venv` (Tests/APITests/requirements.txt)")
    sys.exit(2)


def route_of(target, paths):
    """The document path `target` matches, most specific first; None if none."""
    segments = target.split("?", 1)[0].strip("/").split("/")
    best = None
    for path in paths:
        pattern = path.strip("/").split("/")
        if len(pattern) != len(segments):
            continue
        if all(p.startswith("{") or p == s for p, s in zip(pattern, segments)):
            rank = [0 if p.startswith("{") else 1 for p in pattern]
            if best is None or rank > best[0]:
                best = (rank, path)
    return best[1] if best else None


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        document = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        records = json.load(f)

    failures = []
    try:
        validate_spec(document)
    except Exception as error:  # the validator raises its own exception types
        failures.append(f"the document is not valid OpenAPI 3.1: {str(error).splitlines()[0]}")

    components = document.get("components", {})
    validators = {}
    exercised = set()
    for record in records:
        where = f"{record['method']} {record['target']} → {record['status']}"
        route = route_of(record["target"], document.get("paths", {}))
        operation = document.get("paths", {}).get(route, {}).get(record["method"].lower())
        if operation is None:
            # No route (404) or no such method (405): the body must be an Error.
            if record["status"] not in (404, 405):
                failures.append(f"{where}: no documented operation answers this request")
                continue
            operation = {"responses": {"default": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
        responses = operation.get("responses", {})
        response = responses.get(str(record["status"])) or responses.get("default")
        if response is None:
            failures.append(f"{where}: status {record['status']} is not documented")
            continue
        if 200 <= record["status"] < 300 and route is not None:
            exercised.add((route, record["method"].lower()))
        content = response.get("content", {})
        media = record["contentType"].split(";")[0].strip()
        documented = {k.split(";")[0].strip(): v for k, v in content.items()}
        if media not in documented:
            failures.append(f"{where}: content type {media} is not documented (documented: {sorted(documented)})")
            continue
        if media != "application/json":
            continue
        try:
            body = json.loads(record["body"])
        except json.JSONDecodeError as error:
            failures.append(f"{where}: the body is not JSON: {error}")
            continue
        key = (route, record["method"], str(record["status"]) if str(record["status"]) in responses else "default")
        validator = validators.get(key)
        if validator is None:
            schema = dict(documented[media].get("schema", {}))
            schema["components"] = components  # lets "#/components/schemas/…" resolve against this root
            validator = Draft202012Validator(schema)
            validators[key] = validator
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))[:5]:
            path = "/".join(str(p) for p in error.absolute_path) or "(root)"
            failures.append(f"{where}: at {path}: {error.message[:300]}")

    for path, operations in document.get("paths", {}).items():
        for method in operations:
            if (path, method) not in exercised:
                failures.append(f"{method.upper()} {path}: documented but never answered 2xx in this run")

    for line in failures:
        print(f"openapi: FAIL {line}")
    operation_count = sum(len(ops) for ops in document.get("paths", {}).values())
    print(f"openapi: {len(records)} responses validated against {operation_count} operations, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
