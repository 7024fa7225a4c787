# Prints a case: each `let` of a rule holds a register of the VM's 256: a rule of 251 lets, each
# read by the next, compiles; one of 252 is refused where the registers run out.
from _header import HEADER


def rule(name, lets):
    out = [f'rule {name} "units within the limit"', "  let v0 = line.units"]
    out += [f"  let v{i} = v{i - 1} + 1" for i in range(1, lets)]
    out.append(f'  require v{lets - 1} <= 1000 and v0 > 0 else deny CO 151 [N362] "too many units"')
    return out


def generate():
    out = ["// A rule of 251 `let`s compiles; one of 252 needs more than the VM's 256 registers.", HEADER]
    out += rule("R", 251) + [""]
    over = rule("S", 252)
    out += over
    line = "\n".join(out).count("\n") + 1  # the `require` of S, the last line so far
    out.append(f"// @{line}:11 error: this rule needs more than 256 registers; split it")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
