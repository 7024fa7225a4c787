# Prints a case: the syntax errors of message holes count towards the parser's 25 (holes are
# parsed once the rest of the file has parsed): 30 broken holes, 25 reported, the 25th with the note.
from _header import HEADER


def generate():
    out = ["// Syntax errors in message holes count towards the parser's 25.", HEADER]
    for i in range(30):
        out.append(f'rule R{i} "t"')
        rule = '  require line.units < 1 else deny CO 151 [N362] "{line.units +}"'
        out.append(rule)
        if i < 25:
            line = "\n".join(out).count("\n") + 1
            out.append(f"// @{line}:{rule.index('+}') + 2} error: unexpected end of the expression, expected an expression")
        if i == 24:
            out.append("// note: stopping after 25 syntax errors")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
