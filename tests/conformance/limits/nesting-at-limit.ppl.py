# Prints a case: an expression nested exactly 200 levels deep (the parser's limit) checks.
from _header import HEADER

# The pre-scan counts each bracket and each operator: `=` of the `let`, 198 brackets and the
# `.` of `line.units` make 200.


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    N = 198
    emit("// An expression 200 levels deep, the parser's limit, checks.")
    emit(HEADER)
    emit('rule R "units within the limit"')
    emit("  let n = " + "(" * N + "line.units" + ")" * N)
    emit('  require n <= 10 else deny CO 151 [N362] "too many units"')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
