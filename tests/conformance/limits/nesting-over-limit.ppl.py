# Prints a case: one level more than the parser's limit is an error at the token that crosses it.
from _header import HEADER, NESTING_ERROR


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    N = 199  # with the `=` and the `.`, 201 levels
    line = "  let n = " + "(" * N + "line.units" + ")" * N
    emit("// An expression 201 levels deep is refused before ANTLR's recursive descent runs, at the token past the limit.")
    emit(HEADER)
    emit('rule R "units within the limit"')
    emit(line)
    emit('  require n <= 10 else deny CO 151 [N362] "too many units"')
    col = line.index(".") + 1
    emit(f"// @7:{col} {NESTING_ERROR}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
