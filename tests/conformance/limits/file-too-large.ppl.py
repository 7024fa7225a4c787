# Prints a case: a source file one byte over 4 MiB is refused before it is parsed.
from _header import HEADER, padded


def generate():
    return padded("// A file of 4 MiB and one byte is refused, at its start.\n"
                  "// @1:1 error: the file is too large (more than 4194304 bytes)\n" + HEADER, 4 * 1024 * 1024 + 1)


if __name__ == "__main__":
    print(generate(), end="")
