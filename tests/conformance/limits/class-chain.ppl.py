# Prints a case: classes of lines, each testing the next, are written out into the rules that
# apply to them: 299 of them check; 300 pass the 600 levels the passes after the checker take.
from _header import HEADER


def chain(prefix, n):
    out = [f"lines {prefix}{i}: line is {prefix}{i + 1} and line.units > {i}" for i in range(n)]
    return out, f"lines {prefix}{n}: line is governed"


def generate():
    out = ["// A chain of 299 classes of lines, each testing the next, checks; one of 300 nests too deeply.", HEADER]
    ok, last = chain("a", 298)
    out += ok + [last]
    over, last = chain("b", 299)
    out += over
    out.append(last + " // error: this expression nests too deeply: with the defines and classes of lines it uses "
               "written out, more than 600 levels // note: a chain of defines or classes each written in terms of "
               "the next is this deep: shorten it")
    out += ["", 'rule A "units within the limit"', "  applies to a0",
            '  require line.units <= 1000 else deny CO 151 [N362] "too many units"',
            "", 'rule B "units within the limit"', "  applies to b0",
            '  require line.units <= 1000 else deny CO 151 [N362] "too many units"']
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
