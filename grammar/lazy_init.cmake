# Makes a generated recognizer build its tables on first use, not at program start.
#
# ANTLR 4.7.2's C++ target deserializes the grammar's ATN in a static initializer
# (`PPLLexer::Initializer PPLLexer::_init;`), so every process that links the parser pays for it
# (~6 M instructions, about half of a one-claim `pplc eval` of a .pplb) even when it never parses.
# This moves the initializer into the constructor as a function-local static, which C++11 runs
# once and thread-safely on the first construction. If the generated text is not the expected
# one (another ANTLR version), the file is left as generated: eager but correct.
#
# Usage: cmake -DFILE=PPLLexer.cpp -DCLASS=PPLLexer -DBASE=Lexer -DINPUT=CharStream -P lazy_init.cmake
file(READ "${FILE}" text)
set(ctor "${CLASS}::${CLASS}(${INPUT} *input) : ${BASE}(input) {\n")
set(eager "${CLASS}::Initializer ${CLASS}::_init;")
string(FIND "${text}" "${ctor}" at_ctor)
string(FIND "${text}" "${eager}" at_eager)
if(at_ctor EQUAL -1 OR at_eager EQUAL -1)
  message(WARNING "${FILE}: not the expected ANTLR 4.7.2 output; its tables stay initialized at start-up")
  return()
endif()
string(REPLACE "${eager}" "// ${CLASS}'s tables are built on first construction (grammar/lazy_init.cmake)." text "${text}")
string(REPLACE "${ctor}" "${ctor}  static const Initializer init;  // once, on first use (grammar/lazy_init.cmake)\n" text "${text}")
file(WRITE "${FILE}" "${text}")
