// Source text -> AST. ANTLR's parse tree lives and dies in parser.cpp: syntax errors become our
// diagnostics (ANTLR's console listener is removed), and the tree is converted to ast::Unit at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"

namespace ppl {

// Hostile or runaway input is cut off with a diagnostic instead of exhausting the machine.
struct ParseLimits {
  size_t maxBytes = 4 << 20;   // a source file larger than this is refused
  int maxNesting = 200;        // nesting of expressions (parentheses, operators, quantifiers)
  int maxSyntaxErrors = 25;    // parsing stops reporting (and recovering) after this many
};

// Parses one file (already registered in `sources` as `file`). Returns null when the file has
// syntax errors (all reported, up to the limit) or cannot be turned into an AST.
std::unique_ptr<ast::Unit> parseUnit(uint32_t file, const SourceManager& sources, Diagnostics& diags,
                                     const ParseLimits& limits = {});

// Parses a single expression (message holes `{...}` use this). `line`/`col` give the position
// of the text's first character, so diagnostics point into the enclosing file.
ast::ExprPtr parseExpression(uint32_t file, const std::string& text, uint32_t line, uint32_t col,
                             Diagnostics& diags, const ParseLimits& limits = {});

}  // namespace ppl
