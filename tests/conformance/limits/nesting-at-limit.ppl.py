# Prints a case: an expression nested exactly 200 levels deep (the parser's limit) checks.
from _header import HEADER

# The pre-scan counts each bracket and each operator: `=` of the `let`, 198 brackets and the
# `.` of `line.units` make 200.
N = 198
print("// An expression 200 levels deep, the parser's limit, checks.")
print(HEADER)
print('rule R "units within the limit"')
print("  let n = " + "(" * N + "line.units" + ")" * N)
print('  require n <= 10 else deny CO 151 [N362] "too many units"')
