# Prints a case: a chain of `or`s is as deep as it is long: 200 check, 201 are refused.
from _header import HEADER

print("// A chain of 200 `or`s checks; one of 201 is refused at its 201st `or`.")
print(HEADER)
print('rule R "units within the limit"')
print("  let b = line.units > 1")
print("  require b" + " or b" * 200 + ' else deny CO 151 [N362] "too many units"')
print()
print('rule S "units within the limit"')
print("  let b = line.units > 1")
line = "  require b" + " or b" * 201 + ' else deny CO 151 [N362] "too many units"'
print(line)
col = len("  require b") + 200 * len(" or b") + 2
print(f"// @12:{col} error: expression is nested too deeply (more than 200 levels: each bracket, operator or "
      "quantifier counts one, so a chain of `or`s is as deep as it is long); test one value against many with "
      "`x in {...}`, or split the expression with `let` or `define`")
