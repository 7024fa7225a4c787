# Prints a case: a source file one byte over 4 MiB is refused before it is parsed.
from _header import HEADER


def generate():
    head = ("// A file of 4 MiB and one byte is refused, at its start.\n"
            "// @1:1 error: the file is too large (more than 4194304 bytes)\n" + HEADER)
    left = 4 * 1024 * 1024 + 1 - len(head.encode())
    body = []
    while left > 1004 + 2:
        body.append("// " + "x" * 1000 + "\n")
        left -= 1004
    body.append("//" + "x" * (left - 3) + "\n")
    return head + "".join(body)


if __name__ == "__main__":
    print(generate(), end="")
