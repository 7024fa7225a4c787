# Prints a case: each nested quantifier holds registers of the VM's 256 (its list, its index,
# its element, its result): 62 nested `any`s compile; with a 63rd the innermost condition runs out
# of registers, well before the parser's 200 levels.
from _header import HEADER


def require(n):
    return "  require " + "".join(f"any l{i} in lines where " for i in range(n)) + \
        f'l{n - 1}.units > 0 else deny CO 151 [N362] "m"'


def generate():
    out = ["// 62 nested quantifiers compile; 63 need more than the VM's 256 registers.", HEADER,
           'rule R "nested"', require(62), "", 'rule S "nested"']
    over = require(63)
    out.append(over)
    line = "\n".join(out).count("\n") + 1
    col = over.index("l62.units") + 1  # the innermost condition, where the registers run out
    out.append(f"// @{line}:{col} error: this rule needs more than 256 registers; split it")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
