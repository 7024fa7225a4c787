# Prints a case: a chain of 250 defines, each the next, checks: the checker's limit is 250 levels.
from _header import HEADER, define_chain


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    N = 249
    emit("// A chain of 250 defines, each written as the next, is as deep as the checker goes.")
    emit(HEADER)
    out += define_chain(N)
    emit(f"define d{N} = line.units")
    emit()
    emit('rule R "units within the limit"')
    emit('  require d0 <= 1000 else deny CO 151 [N362] "too many units"')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
