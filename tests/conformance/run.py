#!/usr/bin/env python3
"""The PPL conformance runner: `run.py [--every N] PPLC CORPUS_DIR [CASE...]`.

`--every N` runs every Nth case only (in path order, from the first): sanitizer builds, where
each pplc run costs ten times as much, sample the corpus instead of running it all.

Each case is a `.ppl` file, a directory `NAME.case` of them (a case with modules), or a script
`NAME.ppl.py` whose `generate()` returns the case's text (a limit case too large to keep), under
CORPUS_DIR. Its expectations are written in it as line comments (tests/conformance/README.md):

  EXPR  // error: MESSAGE        pplc check reports MESSAGE on this line
  EXPR  // warning: MESSAGE [lint]
  // @LINE:COL error: MESSAGE    on that line and column (a position that cannot carry a comment)
  // @- error: MESSAGE           a diagnostic without a position (of this file, or of none)
  // note: NOTE                  a note of the diagnostic annotated just before
  // check: FLAGS                flags for `pplc check`
  // modules: DIR                run beside DIR's .ppl files (relative to the case): `use pack`
  // claim: NAME.json            also run `pplc eval --format=table CASE NAME.json` ...
  // expect: TEXT                ... whose stdout must be exactly these lines
  // eval-status: N              ... and whose exit status is N (default 0)
  // eval-format: explain        ... in --format=explain (each failure's message) instead
  // disagrees: WHY              pplc is known to fail the case, which follows the docs: its
                                 failure is listed, not counted; its passing is a failure

Every diagnostic pplc check prints must be annotated and every annotation met; a diagnostic's
notes are compared (all of them, in order) only when the case annotates any. The exit status
must be 1 when an error is expected, else 0. Prints one line per failing case with the first
difference, then "N passed, M failed"; exits 1 on any failure.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

# `// error: A`, `// warning: B`, `// note: C`, `// @3:7 error: D`, `// @- error: E`: an
# annotation runs to the next one on the line or to the end of the line.
ANNOTATION = re.compile(r"//\s*(?:@(\d+):(\d+)\s+|@-\s+)?(error|warning|note):\s?")
AT_NOFILE = re.compile(r"//\s*@-\s+")
HEADER = re.compile(r"//\s*(check|claim|expect|modules|eval-status|eval-format|disagrees):(.*)$")
# `path:line:col: error: message` or `error: message` (no position), as cli/cmd_check renders.
DIAGNOSTIC = re.compile(r"^(?:(.*?):(\d+):(\d+): |(.*?): )?(error|warning|note): (.*)$")
TIMEOUT = 20


class Expected:
    def __init__(self, path, line, col, severity, message, where):
        self.path, self.line, self.col = path, line, col
        self.severity, self.message = severity, message
        self.notes = []
        self.where = where  # file:line of the annotation, for reports


class Case:
    def __init__(self, root, name):
        self.root, self.name = root, name
        self.files = []        # the .ppl files of the case
        self.flags = []
        self.modules = None    # a directory whose modules are put beside the case
        self.claims = []
        self.expect = []       # stdout lines of `pplc eval --format=table`
        self.eval_status = 0   # its exit status: 1 when a claim is refused or fails
        self.eval_format = "table"  # or explain, which shows each failure's message
        self.eval_annotated = False  # an expect:, eval-status: or eval-format: line, which needs a claim:
        self.disagrees = None  # why pplc is known to fail this case (it follows the docs)
        self.expected = []     # Expected diagnostics
        self.problems = []     # malformed annotations


def parse_annotations(case, path, shown=None):
    """Reads the annotations of `path` into `case`; reports name it `shown` (a generated case's
    script) or by its path."""
    last = None
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    for number, text in enumerate(lines, 1):
        where = f"{shown or os.path.relpath(path)}:{number}"
        header = HEADER.search(text)
        if header and text.lstrip().startswith("//"):
            kind, value = header.group(1), header.group(2)
            if kind == "check":
                case.flags += value.split()
            elif kind == "claim":
                case.claims += [os.path.abspath(os.path.join(os.path.dirname(path), c)) for c in value.split()]
            elif kind == "disagrees":
                case.disagrees = value.strip()
            elif kind == "eval-format":
                case.eval_format = value.strip()
                case.eval_annotated = True
            elif kind == "eval-status":
                case.eval_status = int(value)
                case.eval_annotated = True
            elif kind == "modules":
                case.modules = os.path.abspath(os.path.join(os.path.dirname(path), value.strip()))
            else:
                case.expect.append(value[1:] if value.startswith(" ") else value)
                case.eval_annotated = True
            continue
        found = list(ANNOTATION.finditer(text))
        for i, m in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(text)
            message = text[m.end():end].rstrip()
            severity = m.group(3)
            positioned = m.group(1) is not None or AT_NOFILE.match(text, m.start()) is not None
            if severity == "note" and not positioned:
                if last is None:
                    case.problems.append(f"{where}: a note annotation with no diagnostic before it")
                else:
                    last.notes.append(message)
                continue
            if m.group(1):
                line, col = int(m.group(1)), int(m.group(2))
            elif AT_NOFILE.match(text, m.start()):
                line, col = None, None
            else:
                line, col = number, None
            last = Expected(os.path.realpath(path), line, col, severity, message, where)
            case.expected.append(last)
    return case


def collect(corpus, only):
    cases = []
    for dirpath, dirnames, filenames in os.walk(corpus):
        # `_lib/`: modules cases use through `// modules:`, not cases of their own.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("_"))
        # A directory is a case when its name ends in `.case`: area folders and cases cannot be
        # confused.
        if dirpath.endswith(".case"):
            case = Case(dirpath, os.path.relpath(dirpath, corpus))
            for name in sorted(filenames):
                if name.endswith(".ppl"):
                    case.files.append(os.path.join(dirpath, name))
            dirnames[:] = []
            cases.append(case)
            continue
        for name in sorted(filenames):
            if name.endswith(".ppl") or name.endswith(".ppl.py"):
                path = os.path.join(dirpath, name)
                case = Case(path, os.path.relpath(path, corpus))
                case.files.append(path)
                cases.append(case)
    if only:
        cases = [c for c in cases if any(c.name.startswith(o) or c.root == o for o in only)]
    return cases


def parse_diagnostics(stderr, pathmap, cwd):
    """The diagnostics of `pplc check`'s stderr: (path, line, col, severity, message, notes)."""
    out = []
    lines = stderr.split("\n")
    i = 0
    while i < len(lines):
        text = lines[i]
        i += 1
        if text.startswith("pplc check: ") or not text:
            continue
        m = DIAGNOSTIC.match(text)
        if not m:
            out.append((None, None, None, "unparsed", text, []))
            continue
        path, line, col, severity, message = m.group(1), m.group(2), m.group(3), m.group(5), m.group(6)
        if path is None and m.group(4):
            path = m.group(4)  # a file without a position
        if line is not None:
            i += 2  # the source line and the caret
        notes = []
        while i < len(lines) and lines[i].startswith("  note: "):
            notes.append(lines[i][len("  note: "):])
            i += 1
        real = None
        if path is not None:
            full = os.path.realpath(os.path.join(cwd, path))
            real = pathmap.get(full, full)
        out.append((real, int(line) if line else None, int(col) if col else None, severity, message, notes))
    return out


def shown(path, line, col):
    where = os.path.relpath(path) if path else "(no file)"
    if line is not None:
        where += f":{line}"
        if col is not None:
            where += f":{col}"
    return where


def generate(script):
    """The text of a generated case: its script's `generate()`, run in this process (a Python per
    case would cost more than pplc)."""
    folder = os.path.dirname(os.path.abspath(script))
    if folder not in sys.path:
        sys.path.insert(0, folder)  # for the helpers beside it (limits/_header.py)
    name = "case_" + re.sub(r"\W", "_", os.path.basename(script))
    spec = importlib.util.spec_from_file_location(name, script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate()


def run_case(pplc, case):
    workdir = None
    if case.root.endswith(".ppl.py"):
        # A generated case (a limit too large to keep as a file), written out to be checked.
        text = generate(case.root)
        workdir = tempfile.mkdtemp(prefix="ppl-conformance-")
        generated = os.path.join(workdir, os.path.basename(case.root)[:-3])
        with open(generated, "w", encoding="utf-8") as f:
            f.write(text)
        case.files = [generated]
    for path in case.files:
        parse_annotations(case, path, case.root if workdir else None)
    if case.problems:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        return case.problems[0]
    pathmap = {}
    # pplc runs in the case's directory on the files' names, so that the paths in messages
    # (`use x` looks for the file `x.ppl`) do not depend on where the corpus is.
    cwd = os.path.dirname(case.files[0]) if case.files else case.root
    targets = [os.path.basename(path) for path in case.files]
    try:
        if case.modules:
            # Modules are found beside the file that uses them: the case runs in a temporary
            # directory holding it and links to DIR's `.ppl` files.
            workdir = workdir or tempfile.mkdtemp(prefix="ppl-conformance-")
            for name in os.listdir(case.modules):
                if name.endswith(".ppl"):
                    os.symlink(os.path.join(case.modules, name), os.path.join(workdir, name))
            for path in case.files:
                copy = os.path.join(workdir, os.path.basename(path))
                if os.path.lexists(copy):
                    os.unlink(copy)
                shutil.copyfile(path, copy)
                pathmap[os.path.realpath(copy)] = os.path.realpath(path)
            cwd = workdir
        if case.eval_annotated and not case.claims:
            return "`expect:`, `eval-status:` or `eval-format:` without a `claim:` to run it on"
        check = subprocess.run([pplc, "check"] + case.flags + targets, capture_output=True, cwd=cwd,
                               text=True, timeout=TIMEOUT, errors="replace")
        got = parse_diagnostics(check.stderr, pathmap, cwd)
        failure = compare(case, got, check.returncode)
        if failure or not case.claims:
            return failure
        # One policy argument: the file, or the case's directory for a case of several files.
        policies = targets if len(targets) == 1 else ["."]
        evaluate = subprocess.run([pplc, "eval", "--format=" + case.eval_format] + policies + case.claims, cwd=cwd,
                                  capture_output=True, text=True, timeout=TIMEOUT, errors="replace")
        actual = evaluate.stdout.rstrip("\n").split("\n")
        for i in range(max(len(actual), len(case.expect))):
            want = case.expect[i] if i < len(case.expect) else "(nothing)"
            have = actual[i] if i < len(actual) else "(nothing)"
            if want != have:
                return f"eval output line {i + 1}: expected `{want}`, got `{have}`" + (
                    f" (stderr: {evaluate.stderr.strip()[:300]})" if evaluate.stderr.strip() else "")
        if evaluate.returncode != case.eval_status:
            return f"eval exit status {evaluate.returncode}, expected {case.eval_status}: {evaluate.stderr.strip()[:300]}"
        return None
    except subprocess.TimeoutExpired:
        return f"pplc took more than {TIMEOUT} s"
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def compare(case, got, status):
    unmet = list(case.expected)
    for path, line, col, severity, message, notes in got:
        if severity == "unparsed":
            return f"unexpected output: {message}"
        match = None
        for e in unmet:
            # `@-`: a diagnostic without a position, of this file or of none.
            same_place = (e.path, e.line) == (path, line) or (e.line is None and line is None and path is None)
            if same_place and (e.severity, e.message) == (severity, message):
                match = e
                break
        if match is None:
            # The annotation closest to it, for the report.
            near = [e for e in unmet if e.path == path and e.line == line and e.severity == severity]
            if near:
                return f"{near[0].where}: expected {severity} `{near[0].message}`, got `{message}`"
            return f"{shown(path, line, col)}: unexpected {severity}: {message}"
        unmet.remove(match)
        if match.col is not None and match.col != col:
            return f"{match.where}: expected column {match.col}, got {col} for `{message}`"
        if match.notes and match.notes != notes:
            return f"{match.where}: expected notes {match.notes}, got {notes} for `{message}`"
    if unmet:
        e = unmet[0]
        return f"{e.where}: expected {e.severity} not reported: {e.message} (at {shown(e.path, e.line, e.col)})"
    want = 1 if any(e.severity == "error" or ("--werror" in case.flags) for e in case.expected) else 0
    if status != want:
        return f"expected exit status {want}, got {status}"
    return None


def main(argv):
    every = 1
    if len(argv) > 2 and argv[1] == "--every":
        every = int(argv[2]) if argv[2].isdigit() and int(argv[2]) > 0 else 0
        argv = argv[:1] + argv[3:]
    if len(argv) < 3 or every == 0:
        print("usage: run.py [--every N] PPLC CORPUS_DIR [CASE...]", file=sys.stderr)
        return 2
    pplc, corpus = os.path.abspath(argv[1]), argv[2]
    cases = collect(corpus, argv[3:])[::every]
    if not cases:
        print(f"run.py: no cases in `{corpus}`", file=sys.stderr)
        return 2
    def attempt(case):
        try:
            return run_case(pplc, case)
        except Exception as e:  # a broken case (its script, its claim path) fails alone
            return f"the runner could not run it: {type(e).__name__}: {e}"

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(attempt, cases))
    failed = known = 0
    for case, failure in zip(cases, results):
        if case.disagrees and failure:
            known += 1
            print(f"KNOWN {case.name}: {case.disagrees}: {failure}")
        elif case.disagrees:
            failed += 1
            print(f"FAIL {case.name}: passes now: remove its `disagrees:` line")
        elif failure:
            failed += 1
            print(f"FAIL {case.name}: {failure}")
    summary = f"{len(cases) - failed - known} passed, {failed} failed"
    if known:
        summary += f" ({known} more known to fail, listed as KNOWN)"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
