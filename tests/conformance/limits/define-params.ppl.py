# Prints a case: a define takes at most 64 parameters.
from _header import HEADER

print("// A define of 64 parameters checks; one of 65 is an error.")
print(HEADER)
ok = ", ".join(f"p{i}: integer" for i in range(64))
print(f"define ok({ok}) = p0 > 1")
over = ", ".join(f"p{i}: integer" for i in range(65))
print(f"define over({over}) = p0 > 1 // error: `over` takes 65 parameters; a define takes at most 64")
print()
print('rule R "units within the limit"')
args = ", ".join("1" for _ in range(64))
print(f'  require not ok({args}) and line.units <= 10 else deny CO 151 [N362] "too many units"')
