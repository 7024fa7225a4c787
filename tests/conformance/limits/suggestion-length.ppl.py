# Prints a case: a misspelt name of 100 characters gets a suggestion; one of 101 is taken for a
# generated name and gets none (suggestName's cap).
from _header import HEADER


def generate():
    near100, used100 = "a" * 99 + "b", "a" * 100
    near101, used101 = "c" * 100 + "d", "c" * 101
    out = ["// A misspelt name of 100 characters gets a suggestion; one of 101 does not.", HEADER,
           f"const {near100} = 10", f"const {near101} = 20", "",
           'rule R "units within the limit"',
           f'  require line.units <= {used100} else deny CO 151 [N362] "m" // error: unknown name `{used100}` '
           f"// note: did you mean `{near100}`?",
           "", 'rule S "units within the limit"',
           f'  require line.units <= {used101} else deny CO 151 [N362] "m" // error: unknown name `{used101}`']
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(generate(), end="")
