# Prints a case: parsing stops reporting after 25 syntax errors (the 25th carries a note).
from _header import HEADER


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    emit("// After 25 syntax errors the parser stops; the 25th says so.")
    emit(HEADER)
    for i in range(30):
        note = " // note: stopping after 25 syntax errors" if i == 24 else ""
        err = " // error: unexpected `)`, expected an expression" + note if i < 25 else ""
        emit(f'rule R{i} "t"\n  require ) else deny CO 151 [N362] "m"{err}')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
