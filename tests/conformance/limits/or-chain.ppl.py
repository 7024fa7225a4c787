# Prints a case: a chain of `or`s is as deep as it is long: 200 check, 201 are refused.
from _header import HEADER, NESTING_ERROR


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    emit("// A chain of 200 `or`s checks; one of 201 is refused at its 201st `or`.")
    emit(HEADER)
    emit('rule R "units within the limit"')
    emit("  let b = line.units > 1")
    emit("  require b" + " or b" * 200 + ' else deny CO 151 [N362] "too many units"')
    emit()
    emit('rule S "units within the limit"')
    emit("  let b = line.units > 1")
    line = "  require b" + " or b" * 201 + ' else deny CO 151 [N362] "too many units"'
    emit(line)
    col = len("  require b") + 200 * len(" or b") + 2
    emit(f"// @12:{col} {NESTING_ERROR}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
