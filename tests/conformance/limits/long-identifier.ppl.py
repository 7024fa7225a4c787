# Prints a case: a 300-character unknown name is reported, its shown name cut at 200 characters,
# and not compared with every declared name (no suggestion past 100 characters).
from _header import HEADER

name = "n" * 300
print("// A very long unknown name is reported, cut to 200 characters (the backtick one of them) in the message, without a suggestion.")
print(HEADER)
print("const " + "n" * 299 + " = 10")
print()
print('rule R "units within the limit"')
print(f'  require line.units <= {name} else deny CO 151 [N362] "too many units" // error: unknown name `{"n" * 199}...`')
