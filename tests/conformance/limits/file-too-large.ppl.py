# Prints a case: a source file over 4 MiB (4,194,304 bytes) is refused before it is parsed.
from _header import HEADER

print("// A file over 4 MiB is refused.")
print("// @1:1 error: the file is too large (more than 4194304 bytes)")
print(HEADER)
comment = "// " + "x" * 1000
for _ in range(4200):
    print(comment)
