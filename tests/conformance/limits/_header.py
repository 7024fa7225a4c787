"""What the generated limit cases share: a policy header (this file is not a case)."""

HEADER = '''policy conf version "1"
  line of business "commercial"
  governs lines where line.hcpcs = "J9027"
'''
