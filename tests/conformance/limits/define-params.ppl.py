# Prints a case: a define takes at most 64 parameters.
from _header import HEADER


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    emit("// A define of 64 parameters checks; one of 65 is an error.")
    emit(HEADER)
    ok = ", ".join(f"p{i}: integer" for i in range(64))
    emit(f"define ok({ok}) = p0 > 1")
    over = ", ".join(f"p{i}: integer" for i in range(65))
    emit(f"define over({over}) = p0 > 1 // error: `over` takes 65 parameters; a define takes at most 64")
    emit()
    emit('rule R "units within the limit"')
    args = ", ".join("1" for _ in range(64))
    emit(f'  require not ok({args}) and line.units <= 10 else deny CO 151 [N362] "too many units"')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
