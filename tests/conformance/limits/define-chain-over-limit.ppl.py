# Prints a case: a chain of 251 defines nests one level too deep for the checker.
from _header import HEADER, define_chain


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    N = 250
    emit("// A chain of 251 defines, each written as the next, nests too deeply: the error is at the last.")
    emit(HEADER)
    out += define_chain(N)
    emit(f"define d{N} = line.units // error: this expression nests too deeply: counting the constants and defines "
          "it uses, more than 250 levels // note: a chain of constants or defines each written in terms of the next "
          "is this deep: shorten it")
    emit()
    emit('rule R "units within the limit"')
    emit('  require d0 <= 1000 else deny CO 151 [N362] "too many units"')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
