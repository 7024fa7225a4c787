# Prints a case: a chain of 250 defines, each the next, checks: the checker's limit is 250 levels.
from _header import HEADER

N = 249
print("// A chain of 250 defines, each written as the next, is as deep as the checker goes.")
print(HEADER)
for i in range(N):
    print(f"define d{i} = d{i + 1}")
print(f"define d{N} = line.units")
print()
print('rule R "units within the limit"')
print('  require d0 <= 1000 else deny CO 151 [N362] "too many units"')
