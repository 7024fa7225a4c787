// PPL: the payer policy language. One grammar for the three kinds of source file:
//   policy  — decides claim lines of some lines of business   (policies/*.ppl)
//   module  — shared rules, constants and definitions          (policies/*.ppl)
//   schema  — the claim facts' records                         (stdlib/claim.ppl)
// The parse tree never leaves compiler/parser.cpp: it is turned into our AST at once.
// Layout is free: clauses start with keywords, so no separators or indentation rules.
grammar PPL;

file
    : header useDecl* decl* EOF
    ;

// A message hole `{...}` is parsed on its own with this entry point.
exprOnly
    : expr EOF
    ;

header
    : 'policy' dashedName 'version' version policyClause*      # policyHeader
    | 'module' dashedName                                      # moduleHeader
    | 'schema' IDENT 'version' version                         # schemaHeader
    ;

// A version is a string. `version 2026` or `version 2026.1` parses so that the AST builder can
// say how to write it; ANTLR's own recovery skipped the header's clauses and reported the next
// keyword it could resync on.
version
    : STRING
    | INT
    | DECIMAL
    | DATE
    | IDENT
    ;

// `lines of business` and `governs line where` parse so that the AST builder can say which word
// to write; ANTLR read `lines` as the start of a declaration.
policyClause
    : 'title' STRING                                           # titleClause
    | lob=('line' | 'lines') 'of' 'business' STRING (',' STRING)*  # lobClause
    | 'governs' lines=('lines' | 'line') 'where' expr          # governsClause
    | 'effective' 'from' expr ('through' expr)?                # effectiveClause
    ;

// `use prior-authorization`, `use medicare-part-b with traditional_medicare = true`, or
// `use prior-authorization as pa`: a module is qualified by its name (`shared.x`) or, since a
// dashed name cannot be written in an expression, by the name after `as` (`pa.x`).
useDecl
    : 'use' dashedName ('as' IDENT)? ('with' binding (',' binding)*)?
    ;

binding
    : IDENT '=' expr
    ;

decl
    : 'const' IDENT '=' expr                                   # constDecl
    | 'param' IDENT ':' typeRef ('=' expr)?                    # paramDecl
    | 'define' IDENT ('(' param (',' param)* ')')? '=' expr    # defineDecl
    | 'lines' IDENT ':' expr                                   # linesDecl
    | 'rule' dashedName STRING? ruleClause*                    # ruleDecl
    | 'record' IDENT '{' fieldDecl* '}'                        # recordDecl
    | 'drug' IDENT 'code' STRING ('acknowledge' STRING)?       # drugDecl
    ;

param
    : IDENT ':' typeRef
    ;

// Names with dashes (`acme-commercial-j9027`, `MB-340B`): the parts must touch; the AST
// builder checks that no space separates them.
dashedName
    : namePart ('-' namePart)*
    ;

namePart
    : name
    | INT
    | INT IDENT
    ;

ruleClause
    : 'applies' 'to' className ('and' className)*              # appliesClause
    | 'only' 'when' expr                                       # onlyWhenClause
    | 'effective' 'from' expr ('through' expr)?                # ruleEffectiveClause
    | 'let' IDENT '=' expr                                     # letClause
    | 'require' expr 'else' outcome                            # requireClause
    | outcome 'when' expr message?                             # failWhenClause
    | 'adjust' IDENT carc 'by' number '%' 'when' expr message? # adjustClause
    ;

// A class of lines, qualified by its module's name (`b.waste`) when two used modules declare it.
// The name comes first so that a keyword written in its place is a missing name, as before.
className
    : IDENT ('.' IDENT)?
    ;

// `deny CO 50 [N115] "message"`: action, group, CARC, RARCs, then (for `require`) a message.
outcome
    : action=('deny' | 'pend') IDENT carc rarcs? message?
    ;

carc
    : INT
    | STRING
    ;

rarcs
    : '[' (IDENT (',' IDENT)*)? ']'
    ;

message
    : STRING
    ;

number
    : INT
    | DECIMAL
    ;

typeRef
    : 'optional'? baseType
    ;

baseType
    : 'list' 'of' baseType                                     # listType
    | 'one' 'of' '(' STRING (',' STRING)* ')'                  # enumType
    | IDENT                                                    # namedType
    ;

fieldDecl
    : name ':' typeRef (',' fieldOption)*
    ;

fieldOption
    : 'not' 'empty'                                            # nonEmptyOption
    | 'format' IDENT                                           # formatOption
    | 'at' 'least' signedNumber                                # atLeastOption
    | 'above' signedNumber                                     # aboveOption
    | 'default' (literal | '[' ']' | '{' '}')                  # defaultOption
    | 'unique' name                                            # uniqueOption
    | 'not' 'before' name                                      # notBeforeOption
    ;

signedNumber
    : '-'? number
    ;

// Expressions, loosest first. A quantifier's `where` runs to the end of the expression that
// holds it: parenthesize a quantifier to combine it with `and`/`or`.
expr
    : primary                                                  # primaryExpr
    | expr '.' name                                            # fieldExpr
    | '-' expr                                                 # negExpr
    | expr op=('*' | '/') expr                                 # mulExpr
    | expr op=('+' | '-') expr                                 # addExpr
    | expr '??' expr                                           # defaultExpr
    | expr 'is' neg='not'? what=('present' | 'absent')         # presenceExpr
    | expr 'is' neg='not'? className                           # lineClassExpr
    | expr neg='not'? 'in' expr                                # inExpr
    | expr 'within' expr dir=('before' | 'after') expr         # withinExpr
    | expr neg='not'? 'between' bound 'and' expr               # betweenExpr
    | expr op=('=' | '!=' | '<' | '<=' | '>' | '>=' | '==') expr  # compareExpr
    | 'not' expr                                               # notExpr
    | expr op=('and' | '&&') expr                              # andExpr
    | expr op=('or' | '||') expr                               # orExpr
    | 'if' expr 'then' expr 'else' expr                        # ifExpr
    | kind=('any' | 'no') IDENT 'in' expr ('where' expr)?      # existsExpr
    | 'every' IDENT 'in' expr ('where' expr)? 'satisfies' expr # everyExpr
    | 'count' IDENT 'in' expr ('where' expr)?                  # countExpr
    | kind=('sum' | 'max' | 'min' | 'latest' | 'earliest') expr 'for' IDENT 'in' expr ('where' expr)? # aggregateExpr
    ;

// A `between` bound is arithmetic, so the next `and` is the one `between` needs:
// `x between a and b and c` is `(x between a and b) and c`. Parenthesize anything else.
bound
    : primary                                                  # primaryBound
    | bound '.' name                                           # fieldBound
    | '-' bound                                                # negBound
    | bound op=('*' | '/') bound                               # mulBound
    | bound op=('+' | '-') bound                               # addBound
    | bound '??' bound                                         # defaultBound
    ;

primary
    : literal                                                  # literalPrimary
    | (module=IDENT '.')? IDENT '(' (expr (',' expr)*)? ')'    # callPrimary
    | varName                                                  # namePrimary
    | '(' expr ')'                                             # parenPrimary
    | '{' (expr (',' expr)*)? '}'                              # setPrimary
    ;

literal
    : 'true'                                                   # trueLiteral
    | 'false'                                                  # falseLiteral
    | INT unit=('day' | 'days')                                # durationLiteral
    | number                                                   # numberLiteral
    | STRING                                                   # stringLiteral
    | DATE                                                     # dateLiteral
    ;

// `line` (the line being decided) and `lines` (the claim's lines) are also keywords.
varName
    : IDENT
    | 'line'
    | 'lines'
    ;

// Field names may be words that are keywords elsewhere (`e.date`, `m.end`, `t.start`).
name
    : IDENT
    | 'line' | 'lines' | 'of' | 'from' | 'through' | 'title' | 'version' | 'count' | 'sum'
    | 'max' | 'min' | 'latest' | 'earliest' | 'any' | 'no' | 'every' | 'format' | 'default'
    | 'unique' | 'above' | 'at' | 'least' | 'one' | 'list' | 'optional' | 'record' | 'schema'
    | 'param' | 'module' | 'policy' | 'rule' | 'by' | 'to' | 'adjust' | 'empty' | 'day' | 'days'
    | 'present' | 'absent' | 'before' | 'after' | 'within' | 'business' | 'governs' | 'effective'
    | 'applies' | 'only' | 'let' | 'require' | 'deny' | 'pend' | 'use' | 'with' | 'define'
    | 'drug' | 'code' | 'acknowledge' | 'as'
    ;

DATE    : [0-9] [0-9] [0-9] [0-9] '-' [0-9] [0-9] '-' [0-9] [0-9] ;
DECIMAL : [0-9]+ '.' [0-9]+ ;
INT     : [0-9]+ ;
// A backslash escapes any character but a line break: a string ends on its line, and one
// that does not is reported as unterminated.
STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;

LINE_COMMENT : '//' ~[\r\n]* -> channel(HIDDEN) ;
WS           : [ \t\r\n]+ -> skip ;
// Anything else is one bad character: the parser reports it where it stands.
ERROR_CHAR   : . ;
