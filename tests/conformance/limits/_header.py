"""What the generated limit cases share (this file is not a case): a policy header, the parser's
nesting error, and the bodies that a case at a limit and the case one past it both build."""

HEADER = '''policy conf version "1"
  line of business "commercial"
  governs lines where line.hcpcs = "J9027"
'''

# The error for an expression past the parser's nesting limit, after its `@LINE:COL`.
NESTING_ERROR = ("error: expression is nested too deeply (more than 200 levels: each bracket, operator or "
                 "quantifier counts one, so a chain of `or`s is as deep as it is long); test one value against "
                 "many with `x in {...}`, or split the expression with `let` or `define`")


def padded(head, size):
    """`head`, then comment lines of 1,004 bytes and a shorter last one: `size` bytes in all."""
    left = size - len(head.encode())
    body = []
    while left > 1004 + 2:
        body.append("// " + "x" * 1000 + "\n")
        left -= 1004
    body.append("//" + "x" * (left - 3) + "\n")
    return head + "".join(body)


def define_chain(n):
    """Defines d0 .. d{n-1}, each written as the next: the last, d{n}, is the caller's."""
    return [f"define d{i} = d{i + 1}" for i in range(n)]
