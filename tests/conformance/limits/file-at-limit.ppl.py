# Prints a case: a source file of exactly 4 MiB (the limit is "more than 4194304 bytes") checks.
from _header import HEADER, padded


def generate():
    return padded("// A file of exactly 4 MiB checks.\n" + HEADER + '\nrule R "units within the limit"\n'
                  '  require line.units <= 10 else deny CO 151 [N362] "too many units"\n', 4 * 1024 * 1024)


if __name__ == "__main__":
    print(generate(), end="")
