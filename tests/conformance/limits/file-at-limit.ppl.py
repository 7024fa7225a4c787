# Prints a case: a source file of exactly 4 MiB (the limit is "more than 4194304 bytes") checks.
from _header import HEADER


def generate():
    head = ("// A file of exactly 4 MiB checks.\n" + HEADER +
            '\nrule R "units within the limit"\n  require line.units <= 10 else deny CO 151 [N362] "too many units"\n')
    left = 4 * 1024 * 1024 - len(head.encode())
    body = []
    while left > 1004 + 2:
        body.append("// " + "x" * 1000 + "\n")
        left -= 1004
    body.append("//" + "x" * (left - 3) + "\n")
    return head + "".join(body)


if __name__ == "__main__":
    print(generate(), end="")
