# Prints a case: a source file just under 4 MiB checks.
import sys
from _header import HEADER

head = "// A file just under 4 MiB checks.\n" + HEADER + '\nrule R "units within the limit"\n  require line.units <= 10 else deny CO 151 [N362] "too many units"\n'
size = 4 * 1024 * 1024
body = []
left = size - len(head.encode())
while left > 1004:
    body.append("// " + "x" * 1000 + "\n")
    left -= 1004
body.append("/" * (left - 1) + "\n" if left > 2 else "\n" * left)
sys.stdout.write(head + "".join(body))
