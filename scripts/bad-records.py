#!/usr/bin/env python3
"""Bad and odd NDJSON records, made deterministically from good claims.

    python3 scripts/bad-records.py [--count N] [--seed S] < claims.ndjson > bad.ndjson

Reads generated claims (bench/generate.cpp, one per line) and writes N records (default 4000)
built from them, each one of: the claim unchanged; cut off at some byte; one value given another
JSON type; a field deleted (required or not); a date made invalid; bad UTF-8 (or good non-ASCII
text) in a string; a blank or white-space-only line; a CRLF ending; escapes, exponents, leading
zeros, duplicate and unknown keys, trailing commas, two claims on a line, a NUL, a byte order
mark, a long line. The last record has no final newline. The same input and seed give the same
bytes with any Python 3 (random.Random with an integer seed, no hash-ordered sets). For
scripts/same-decisions.sh: the records exercise the loader's error paths and messages, not only
its fast path.
"""
import argparse
import json
import random
import re
import sys

DATE = re.compile(rb'"(\d{4}-\d{2}-\d{2})"')
# A key and the start of its value: "key": followed by what the value starts with.
KEY_VALUE = re.compile(rb'"([a-z_0-9]+)":\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null|\[|\{)')
STRING = re.compile(rb'"((?:[^"\\]|\\.)*)"')

BAD_DATES = [b"2025-02-29", b"2024-13-01", b"2024-00-10", b"2024-01-32", b"2024-1-01", b"20240101",
             b" 2024-01-01", b"2024-01-01T00:00:00", b"0000-01-01", b"9999-12-31", b"2024/01/01",
             b"", b"2024-02-29", b"1899-12-31", b"2024-04-31"]
BAD_UTF8 = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82",
            b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xe2\x82\xac"]  # the last three are good UTF-8
OTHER_VALUES = [b'"12"', b"12", b"-1", b"0", b"1.5", b"1e2", b"true", b"null", b"[]", b"{}", b'""',
                b'["x"]', b"007", b"1.", b".5", b"1e400", b"123456789012345678901234567890", b'"\\u0041"',
                b"-0", b"NaN", b"'x'"]


def replace_value(line, rng):
    """One value (a string, number, literal, or a whole list or object) becomes another type."""
    matches = list(KEY_VALUE.finditer(line))
    if not matches:
        return line
    m = rng.choice(matches)
    start = m.start(2)
    end = value_end(line, start)
    if end is None:
        return line
    return line[:start] + rng.choice(OTHER_VALUES) + line[end:]


def value_end(text, start):
    """The end of the JSON value starting at `start` (brackets counted, strings skipped)."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i:i + 1]
        if c == b'"':
            m = STRING.match(text, i)
            if not m:
                return None
            i = m.end()
            if depth == 0:
                return i
            continue
        if c in (b"[", b"{"):
            depth += 1
        elif c in (b"]", b"}"):
            if depth == 0:
                return i
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == b"," and depth == 0:
            return i
        i += 1
    return None


def objects(value, out):
    """Every dict inside `value`, depth first, in order."""
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            objects(v, out)
    elif isinstance(value, list):
        for v in value:
            objects(v, out)
    return out


def dump(claim):
    return json.dumps(claim, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def delete_field(line, rng):
    claim = json.loads(line)
    candidates = [o for o in objects(claim, []) if o]
    target = rng.choice(candidates)
    del target[rng.choice(sorted(target))]
    return dump(claim)


def duplicate_key(line, rng):
    claim = json.loads(line)
    target = rng.choice([o for o in objects(claim, []) if o])
    key = rng.choice(sorted(target))
    text = dump(claim)
    # Repeat the first field of the root as a second occurrence at the end of the root object.
    first = json.dumps(key) + ":" + json.dumps(target[key], separators=(",", ":"))
    return text[:-1] + b"," + first.encode("utf-8") + b"}"


def mutate(line, rng):
    kind = rng.randrange(24)
    if kind <= 2:  # unchanged (a third of these with CRLF)
        return line + (b"\r" if kind == 2 else b"")
    if kind <= 5:  # cut off
        return line[:rng.randrange(len(line))]
    if kind <= 8:
        return replace_value(line, rng)
    if kind <= 11:
        return delete_field(line, rng)
    if kind <= 13:  # a date
        dates = list(DATE.finditer(line))
        if not dates:
            return line
        m = rng.choice(dates)
        return line[:m.start(1)] + rng.choice(BAD_DATES) + line[m.end(1):]
    if kind <= 15:  # bytes inside a string
        strings = list(STRING.finditer(line))
        m = rng.choice(strings)
        at = rng.randint(m.start(1), m.end(1))
        return line[:at] + rng.choice(BAD_UTF8) + line[at:]
    if kind == 16:
        return rng.choice([b"", b" ", b"\t", b"\r", b"  \t\r", b"\x00", b"{}", b"[]", b"null", b"\"x\""])
    if kind == 17:  # escapes in a string: \u0041, \n, \", a surrogate pair, a lone surrogate
        strings = list(STRING.finditer(line))
        m = rng.choice(strings)
        at = rng.randint(m.start(1), m.end(1))
        escape = rng.choice([b"\\u0041", b"\\n", b'\\"', b"\\ud83d\\ude00", b"\\ud800", b"\\/", b"\\x41", b"\\"])
        return line[:at] + escape + line[at:]
    if kind == 18:
        return duplicate_key(line, rng)
    if kind == 19:  # an unknown field, nested or not
        value = rng.choice([b'"note"', b'{"a":[1,{"b":null}]}', b"[1,2,3]", b"1e5", b'{"a":[1}', b"hello"])
        return line[:-1] + b',"unknown_' + str(rng.randrange(100)).encode() + b'":' + value + b"}"
    if kind == 20:  # structure: a trailing comma, two claims, text after, a missing brace
        return rng.choice([line[:-1] + b",}", line + line, line + b" x", line[:-1], line + b"}",
                           b"[" + line + b"]", line.replace(b":", b" : ", 3), b"\xef\xbb\xbf" + line])
    if kind == 21:  # numbers spelt otherwise
        return re.sub(rb'"units":(\d+)', lambda m: b'"units":' + rng.choice(
            [m.group(1) + b".0", m.group(1) + b"e0", b"0" + m.group(1), m.group(1) + b".000000001",
             b"-" + m.group(1), m.group(1) * 30]), line, count=1)
    if kind == 22:  # a NUL or a control character inside the line
        at = rng.randrange(len(line))
        return line[:at] + rng.choice([b"\x00", b"\x01", b"\x1f", b"\t"]) + line[at:]
    # a long line: a long unknown string field, or many extra diagnoses
    if rng.randrange(2):
        return line[:-1] + b',"note":"' + b"x" * rng.randrange(1000, 400000) + b'"}'
    return line.replace(b'"diagnoses":[', b'"diagnoses":[' + b'"Z00.0",' * rng.randrange(10, 3000), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    claims = [line.rstrip(b"\n") for line in sys.stdin.buffer if line.strip()]
    if not claims:
        sys.exit("bad-records.py: no claims on standard input")
    rng = random.Random(args.seed)
    out = sys.stdout.buffer
    for i in range(args.count):
        record = mutate(claims[i % len(claims)], rng)
        out.write(record)
        if i + 1 < args.count:
            out.write(b"\n")


if __name__ == "__main__":
    main()
