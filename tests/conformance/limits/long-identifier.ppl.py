# Prints a case: a 300-character unknown name is reported, its shown name cut at 200 characters,
# and not compared with every declared name (no suggestion past 100 characters).
from _header import HEADER


def generate():
    out = []
    emit = lambda *parts: out.append(" ".join(str(p) for p in parts))
    name = "n" * 300
    emit("// A very long unknown name is reported, cut to 200 characters (the backtick one of them) in the message, without a suggestion.")
    emit(HEADER)
    emit("const " + "n" * 299 + " = 10")
    emit()
    emit('rule R "units within the limit"')
    emit(f'  require line.units <= {name} else deny CO 151 [N362] "too many units" // error: unknown name `{"n" * 199}...`')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
