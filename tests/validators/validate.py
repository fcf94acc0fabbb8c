#!/usr/bin/env python3
"""Validate the checker's JUnit XML and Gradescope results.json reports.

    validate.py junit FILE...
    validate.py gradescope FILE...
    validate.py classroom FILE...

junit: XML Schema 1.0 validation against tests/schemas/junit.xsd (with
xmlschema), then a read with junitparser, the reader many CI tools build on:
every suite and case must come through, each suite's tests / failures /
errors / skipped must equal what junitparser counts in its cases, and every
failure and error must have a non-empty message.

gradescope: JSON Schema (draft 2020-12) validation against
tests/schemas/gradescope-results.schema.json (with jsonschema), then: test
numbers unique, and each test's score at most its max_score.

classroom: a GitHub Classroom grader result, as `checker grade --format
classroom` writes it (the base64 line, or a $GITHUB_OUTPUT file with a
`result=` line): strict base64 of JSON with the fields and types that
classroom-resources/autograding-grading-reporter@v1 reads, small enough for
the environment variable it arrives in, then the reporter's own arithmetic
(src/notify-classroom.js: the points are the sum of every test's `score`
over the runner's `max_score`), printed as the notice it would post,
`Points X/Y`.

Prints `ok: FILE (...)` per valid file; for an invalid one, `FILE:` and then
each problem, one a line, with where it is. Exit status 0 when every file is
valid, 1 when any is not, 2 for a usage error or missing validators.

Python 3.11; needs the packages in tests/validators/requirements.txt:

    python3 -m venv target/validators
    target/validators/bin/pip install -r tests/validators/requirements.txt
    target/validators/bin/python tests/validators/validate.py junit report.xml
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

try:
    import jsonschema
    import junitparser
    import xmlschema
except ImportError as missing:  # pragma: no cover - environment problem
    print(
        f"validate.py: {missing}; install the validators first:\n"
        "  python3 -m venv target/validators\n"
        "  target/validators/bin/pip install -r tests/validators/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
JUNIT_XSD = SCHEMAS / "junit.xsd"
GRADESCOPE_SCHEMA = SCHEMAS / "gradescope-results.schema.json"

# Messages quote the offending value; keep a huge one from flooding the output.
MAX_MESSAGE = 300


def shorten(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


class Invalid(Exception):
    """A file's problems, as (where, what) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems


# --------------------------------------------------------------------- junit

_junit_schema: xmlschema.XMLSchema10 | None = None

# junit.xsd's xs:unique constraints, said in words.
UNIQUE_RULES = {
    "uniqueTestSuiteName": "testsuite names must be unique within testsuites",
    "uniqueTestCaseInSuite": "testcase (classname, name) pairs must be unique within a testsuite",
}
SINGULAR = {"failures": "failure", "errors": "error", "skipped": "skipped"}


def junit_schema() -> xmlschema.XMLSchema10:
    global _junit_schema
    if _junit_schema is None:
        _junit_schema = xmlschema.XMLSchema10(str(JUNIT_XSD))
    return _junit_schema


def case_path(suite_index: int, suite_name, case_index: int | None = None, case=None) -> str:
    path = f"/testsuites/testsuite[{suite_index}][@name={suite_name!r}]"
    if case_index is not None:
        path += f"/testcase[{case_index}][@classname={case.classname!r}][@name={case.name!r}]"
    return path


def validate_junit(path: str) -> str:
    """Validates one JUnit file; returns the `ok` summary or raises Invalid."""
    try:
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError) as err:
        raise Invalid([("/", f"cannot read as XML: {err}")]) from None

    problems = []
    for error in junit_schema().iter_errors(path):
        reason = error.reason or error.message
        unique = re.search(r" for XsdUnique\(name='(\w+)'\)", reason)
        if unique and unique.group(1) in UNIQUE_RULES:
            reason = f"{reason[: unique.start()]}: {UNIQUE_RULES[unique.group(1)]}"
        problems.append((error.path or "/", f"{shorten(reason)} [junit.xsd]"))
    if problems:
        # junitparser fills in missing counts itself, so its view of a file
        # the schema rejects would only add confusion.
        raise Invalid(problems)

    root = tree.getroot()
    xml_suites = root.findall("testsuite")
    xml_cases = sum(len(suite.findall("testcase")) for suite in xml_suites)

    xml = junitparser.JUnitXml.fromfile(path)
    suites = cases = 0
    for suite_index, suite in enumerate(xml, start=1):
        suites += 1
        name, tests, time = suite.name, suite.tests, suite.time
        counts = {"failures": 0, "errors": 0, "skipped": 0}
        kinds = {junitparser.Failure: "failures", junitparser.Error: "errors", junitparser.Skipped: "skipped"}
        case_count = 0
        for case_index, case in enumerate(suite, start=1):
            case_count += 1
            where = case_path(suite_index, name, case_index, case)
            if case.name is None or case.classname is None or case.time is None:
                problems.append((where, "junitparser does not see name, classname and time"))
            for result in case.result:
                kind = kinds.get(type(result))
                if kind is None:
                    problems.append((where, f"junitparser sees an unknown result {type(result).__name__}"))
                    continue
                counts[kind] += 1
                if kind != "skipped" and not (result.message or "").strip():
                    problems.append((f"{where}/{result._tag}", "needs a non-empty message attribute"))
        cases += case_count
        where = case_path(suite_index, name)
        if time is None:
            problems.append((where, "junitparser does not see the suite's time"))
        if tests != case_count:
            problems.append((where, f"tests={tests} but the suite has {case_count} testcase(s)"))
        for kind, counted in counts.items():
            declared = getattr(suite, kind)
            if declared != counted:
                problems.append((where, f"{kind}={declared} but junitparser counts {counted} {SINGULAR[kind]} result(s)"))
    if (suites, cases) != (len(xml_suites), xml_cases):
        problems.append(
            ("/testsuites", f"junitparser reads {suites} suite(s) and {cases} case(s), the XML has {len(xml_suites)} and {xml_cases}")
        )
    if problems:
        raise Invalid(problems)
    return f"{suites} suites, {cases} cases"


# ---------------------------------------------------------------- gradescope

_gradescope_validator: jsonschema.Draft202012Validator | None = None


def gradescope_validator() -> jsonschema.Draft202012Validator:
    global _gradescope_validator
    if _gradescope_validator is None:
        schema = json.loads(GRADESCOPE_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        _gradescope_validator = jsonschema.Draft202012Validator(schema)
    return _gradescope_validator


def describe(error: jsonschema.ValidationError) -> str:
    """A schema error in one line; anyOf/oneOf say which alternatives failed."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        options = sorted({sub.message for sub in error.context})
        return shorten("matches none of: " + "; or ".join(options))
    return shorten(error.message)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate_gradescope(path: str) -> str:
    """Validates one results.json; returns the `ok` summary or raises Invalid."""
    try:
        with open(path, encoding="utf-8") as file:
            results = json.load(file)
    except OSError as err:
        raise Invalid([("$", f"cannot read: {err}")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise Invalid([("$", f"not JSON: {err}")]) from None

    errors = sorted(gradescope_validator().iter_errors(results), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    problems = [(error.json_path, f"{describe(error)} [schema]") for error in errors]

    tests = results.get("tests") if isinstance(results, dict) else None
    if isinstance(tests, list):
        first_with_number = {}
        for index, test in enumerate(tests):
            if not isinstance(test, dict):
                continue
            where = f"$.tests[{index}]"
            number = test.get("number")
            if isinstance(number, str):
                if number in first_with_number:
                    problems.append((f"{where}.number", f"{number!r} is already the number of $.tests[{first_with_number[number]}]"))
                else:
                    first_with_number[number] = index
            score, max_score = test.get("score"), test.get("max_score")
            if is_number(score) and is_number(max_score) and score > max_score:
                problems.append((f"{where}.score", f"score {score} is more than max_score {max_score}"))
    if problems:
        raise Invalid(problems)
    return f"{len(tests) if isinstance(tests, list) else 0} tests"


# ----------------------------------------------------------------- classroom

# Linux's cap on one environment string (MAX_ARG_STRLEN): the reporter
# receives the result as the variable GRADE_RESULTS.
ENV_STRING_CAP = 131072
RESULT_VARIABLE = "GRADE_RESULTS="
STATUSES = ("pass", "fail", "error")


def js_number(value) -> str:
    """A number as JavaScript's template strings print it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def validate_classroom(path: str) -> str:
    """Validates one grader result; returns the reporter's notice or raises Invalid."""
    import base64
    import binascii

    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as err:
        raise Invalid([("$", f"cannot read: {err}")]) from None
    outputs = [line[len("result="):] for line in text.splitlines() if line.startswith("result=")]
    if len(outputs) > 1:
        raise Invalid([("$", f"{len(outputs)} result= lines; a step output is set once")])
    encoded = (outputs[0] if outputs else text).strip()
    if "\n" in encoded or "\r" in encoded:
        raise Invalid([("$", "the base64 spans lines; an output is one line")])
    if len(RESULT_VARIABLE) + len(encoded) + 1 > ENV_STRING_CAP:
        raise Invalid([("$", f"{len(encoded)} bytes of base64 do not fit one environment variable")])
    try:
        result = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    except (binascii.Error, ValueError) as err:
        raise Invalid([("$", f"not base64 of UTF-8 JSON: {err}")]) from None

    problems = []
    if not isinstance(result, dict):
        raise Invalid([("$", "not a JSON object")])
    if result.get("version") != 1:
        problems.append(("$.version", f"{result.get('version')!r}, expected 1"))
    if result.get("status") not in STATUSES:
        problems.append(("$.status", f"{result.get('status')!r} is not one of {STATUSES}"))
    max_score = result.get("max_score")
    if not is_number(max_score) or max_score <= 0:
        problems.append(("$.max_score", f"{max_score!r}: the reporter skips a runner without a positive max_score"))
    tests = result.get("tests")
    if not isinstance(tests, list) or not tests:
        raise Invalid(problems + [("$.tests", "missing or empty")])
    types = {"name": str, "status": str, "message": str, "test_code": str, "filename": str}
    for index, test in enumerate(tests):
        where = f"$.tests[{index}]"
        if not isinstance(test, dict):
            problems.append((where, "not an object"))
            continue
        for key, kind in types.items():
            if not isinstance(test.get(key), kind):
                problems.append((f"{where}.{key}", f"{test.get(key)!r} is not a {kind.__name__}"))
        if test.get("status") not in STATUSES:
            problems.append((f"{where}.status", f"{test.get('status')!r} is not one of {STATUSES}"))
        # The console prints "- line <line_no>" unless it is the number 0.
        if not isinstance(test.get("line_no"), int) or isinstance(test.get("line_no"), bool):
            problems.append((f"{where}.line_no", f"{test.get('line_no')!r} is not an integer"))
        duration = test.get("duration")
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
            problems.append((f"{where}.duration", f"{duration!r} is not milliseconds"))
        score = test.get("score")
        if not is_number(score) or score < 0:
            problems.append((f"{where}.score", f"{score!r} is not a score (the reporter would add NaN)"))
        elif test.get("status") != "pass" and score != 0:
            problems.append((f"{where}.score", f"a {test.get('status')} test scores {score}; the reporter adds every test's score"))
    if problems:
        raise Invalid(problems)
    # notify-classroom.js: maxPoints += max_score; totalPoints += each test's score.
    total = sum(test["score"] for test in tests)
    if total > max_score:
        raise Invalid([("$.tests", f"the scores add up to {total}, more than max_score {max_score}")])
    return f"Points {js_number(total)}/{js_number(max_score)}, {len(tests)} tests"


# ---------------------------------------------------------------------- main

KINDS = {"junit": validate_junit, "gradescope": validate_gradescope, "classroom": validate_classroom}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in KINDS:
        print(f"usage: {Path(sys.argv[0]).name} {{junit|gradescope|classroom}} FILE...", file=sys.stderr)
        return 2
    validate = KINDS[argv[0]]
    status = 0
    for path in argv[1:]:
        try:
            summary = validate(path)
        except Invalid as invalid:
            status = 1
            print(f"{path}:")
            for where, what in invalid.problems:
                print(f"  {where}: {what}")
        else:
            print(f"ok: {path} ({summary})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
