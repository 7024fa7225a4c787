# Prints a case: a compilation keeps 100 errors; the rest are dropped with one note.
from _header import HEADER

print("// A compilation keeps at most 100 errors; one note without a position says the rest were dropped.")
print(HEADER)
for i in range(105):
    err = f" // error: unknown name `u{i}`" if i < 100 else ""
    print(f'rule R{i} "t"\n  require line.units <= u{i} else deny CO 151 [N362] "m"{err}')
print("// @- note: stopping after 100 errors")
