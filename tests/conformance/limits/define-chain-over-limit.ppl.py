# Prints a case: a chain of 251 defines nests one level too deep for the checker.
from _header import HEADER

N = 250
print("// A chain of 251 defines, each written as the next, nests too deeply: the error is at the last.")
print(HEADER)
for i in range(N):
    print(f"define d{i} = d{i + 1}")
print(f"define d{N} = line.units // error: this expression nests too deeply: counting the constants and defines "
      "it uses, more than 250 levels // note: a chain of constants or defines each written in terms of the next "
      "is this deep: shorten it")
print()
print('rule R "units within the limit"')
print('  require d0 <= 1000 else deny CO 151 [N362] "too many units"')
