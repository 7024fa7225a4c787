# Prints a case: a compilation keeps 100 errors; the rest are dropped with one note.
from _header import HEADER


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    emit("// A compilation keeps at most 100 errors; one note without a position says the rest were dropped.")
    emit(HEADER)
    for i in range(105):
        err = f" // error: unknown name `u{i}`" if i < 100 else ""
        emit(f'rule R{i} "t"\n  require line.units <= u{i} else deny CO 151 [N362] "m"{err}')
    emit("// @- note: stopping after 100 errors")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
