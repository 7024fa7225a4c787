/* PPL embedding API (C ABI): load a compiled policy pack (.pplb), decide claims, read decisions.
 *
 * The model, for engines that decide millions of claim lines a day:
 *  - A ppl_program is loaded once, from bytes or a file. Nothing in the bytes is trusted: the
 *    file is decoded defensively and the bytecode verifier checks it before anything runs, so a
 *    truncated, corrupted or hostile file gives PPL_ERR_PROGRAM with a message, never undefined
 *    behaviour. A loaded program is immutable and may be shared by any number of threads.
 *  - A ppl_evaluator decides one claim at a time. Create one per thread (it is cheap) and reuse
 *    it: it keeps its buffers (claim loader, VM registers, decision, JSON output) from claim to
 *    claim, so in the steady state deciding a claim allocates no memory. They grow to the largest
 *    claim it has read (max_claim_bytes bounds a JSON claim; a claim built field by field is
 *    bounded only by what the caller sets), and ppl_evaluator_trim gives them back. An evaluator, and the decision it holds, must be used by one thread at a time.
 *  - A claim comes in as JSON bytes (ppl_decide_json) or is filled field by field with the
 *    claim builder (ppl_claim_begin ... ppl_claim_decide), validated by the same schema rules.
 *  - The decision is read through accessors (ppl_decision_*, ppl_line_*, ppl_reason_*,
 *    ppl_adjustment_*) or as JSON (ppl_decision_json, the format `pplc eval` prints).
 *
 * Conventions:
 *  - Every function that can fail returns a ppl_status. Misuse that can be detected (a null
 *    handle or pointer, a zero size, an index out of range, an options struct whose `size` is
 *    not sizeof the struct) returns PPL_ERR_ARGUMENT and changes nothing, except where a
 *    function says otherwise (an empty claim is bad input; the claim builder's misuse poisons
 *    the claim being built). No C++ exception
 *    crosses this API; an allocation failure is PPL_ERR_NO_MEMORY.
 *  - There is no global state. Messages live in the evaluator (ppl_evaluator_error) or, for
 *    program loading, in a buffer the caller passes.
 *  - Strings returned are NUL-terminated UTF-8; where a `size_t* size` out-parameter is taken it
 *    may be NULL, else it receives the length without the NUL. Strings from the program (rule
 *    ids, CARCs, RARCs, policy ids) live as long as the program; strings from a decision (claim
 *    id, HCPCS, messages, JSON) live until the evaluator's next decision, or its next JSON
 *    rendering for ppl_decision_json.
 *  - A ppl_program is reference counted by the evaluators made from it: ppl_program_free and
 *    ppl_evaluator_free may be called in any order.
 */
#ifndef PPL_PPL_H
#define PPL_PPL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this API: bumped when a declaration changes meaning. History:
 *  1  the first.
 *  2  ppl_decide_json: an empty claim is PPL_ERR_CLAIM (was PPL_ERR_ARGUMENT); the builder's
 *     misuse poisons the claim being built (PPL_FIELD_NONE). Added (no struct changed):
 *     ppl_evaluator_new_with and ppl_evaluator_options, ppl_evaluator_trim,
 *     ppl_evaluator_error_claim_id, ppl_library_version, ppl_api_version, ppl_program_format,
 *     ppl_program_schema, PPL_MAX_DECIMAL_SCALE. ppl.hpp, source changes: Field is a class
 *     (valid(); Program::field of an unknown path is the invalid Field), and Program::load and
 *     loadFile return a LoadStatus that owns its message (write `auto`, not `Status`). */
#define PPL_API_VERSION 2

/* The library's own PPL_API_VERSION and release ("0.1.0"), for a caller to check that the
 * header it was built with and the library it runs with agree (a libppl inside a shared object
 * may be built apart from the engine): ppl_api_version() == PPL_API_VERSION. */
int ppl_api_version(void);
const char* ppl_library_version(void);

/* ---------------------------------------------------------------------------------------- */
/* Status codes */

typedef enum ppl_status {
  PPL_OK = 0,
  PPL_ERR_ARGUMENT = 1,  /* misuse: null handle or pointer, zero size, index out of range,
                            bad options size, unknown flags, a field of another record */
  PPL_ERR_STATE = 2,     /* called out of order: no decision to read, no claim being built,
                            no list open, a list left open */
  PPL_ERR_IO = 3,        /* a file could not be read */
  PPL_ERR_PROGRAM = 4,   /* not a valid .pplb: format, version, checksum, verifier, too large */
  PPL_ERR_CLAIM = 5,     /* the claim is bad input; ppl_evaluator_error gives path and message */
  PPL_ERR_EVAL = 6,      /* a rule failed at run time (decimal overflow, ...) */
  PPL_ERR_NOT_FOUND = 7, /* no such field path */
  PPL_ERR_TYPE = 8,      /* builder: the value's type does not fit the field */
  PPL_ERR_NO_MEMORY = 9,
  PPL_ERR_INTERNAL = 10  /* a bug in PPL; please report it */
} ppl_status;

/* "ok", "argument", "state", ...: a constant string, never NULL (unknown codes: "unknown"). */
const char* ppl_status_name(ppl_status status);

/* ---------------------------------------------------------------------------------------- */
/* Programs */

typedef struct ppl_program ppl_program;

/* Options for loading. Initialise with PPL_LOAD_OPTIONS_INIT (sets `size`), then change fields.
 * A NULL options pointer means the defaults. */
typedef struct ppl_load_options {
  size_t size;      /* sizeof(ppl_load_options): guards against a caller built on other headers */
  size_t max_bytes; /* inputs larger than this are refused; 0 = PPL_DEFAULT_MAX_PROGRAM_BYTES */
} ppl_load_options;

/* 16 MiB, ~500 times the J9027 pack. A loaded program takes up to ~8 times its file's bytes of
 * memory (a crafted file of empty strings), so the default bounds a load at ~128 MiB; raise
 * max_bytes for a larger pack you trust. */
#define PPL_DEFAULT_MAX_PROGRAM_BYTES (16u << 20) /* no cast: C++ engines build with -Wold-style-cast */
#define PPL_LOAD_OPTIONS_INIT {sizeof(ppl_load_options), 0}

/* A buffer this large holds a load error message without truncation in practice, when the path
 * given to ppl_program_load_file (which the message starts with) is under about 200 bytes. A
 * longer message is cut to the buffer, never overrun, and still NUL-terminated. */
#define PPL_ERROR_BUFFER_SIZE 512

/* Loads and verifies a compiled policy pack from `size` bytes at `data` (copied: the caller may
 * free them afterwards). On success *out is a new program. On failure *out is NULL and, when
 * `error` is not NULL, a NUL-terminated message (truncated to error_size bytes) says why:
 * "not a valid compiled policy pack: checksum mismatch ...". */
ppl_status ppl_program_load(const void* data, size_t size, const ppl_load_options* options,
                            ppl_program** out, char* error, size_t error_size);

/* As ppl_program_load, reading the file at `path` (PPL_ERR_IO when it cannot be read). */
ppl_status ppl_program_load_file(const char* path, const ppl_load_options* options,
                                 ppl_program** out, char* error, size_t error_size);

/* Releases the caller's reference; the program is destroyed when its last evaluator is freed
 * too. NULL is ignored. */
void ppl_program_free(ppl_program* program);

/* The policies in the pack: how many, and the id and version of the i-th ("acme-...", "2026.1"). */
ppl_status ppl_program_policy_count(const ppl_program* program, size_t* count);
ppl_status ppl_program_policy(const ppl_program* program, size_t index, const char** id,
                              const char** version);

/* What the pack is, for an audit log: the .pplb format version and the FNV-1a 64 checksum of its
 * payload (any edit to the pack changes it, even one that keeps the policy versions); and the
 * name and version of the claim schema it was compiled against ("claim_facts", "1.0"). Any
 * out-pointer may be NULL. */
ppl_status ppl_program_format(const ppl_program* program, uint32_t* format_version, uint64_t* checksum);
ppl_status ppl_program_schema(const ppl_program* program, const char** name, const char** version);

/* ---------------------------------------------------------------------------------------- */
/* Evaluators */

typedef struct ppl_evaluator ppl_evaluator;
typedef struct ppl_decision ppl_decision;

/* Options for an evaluator. Initialise with PPL_EVALUATOR_OPTIONS_INIT (sets `size`), then change
 * fields. A NULL options pointer means the defaults. */
typedef struct ppl_evaluator_options {
  size_t size;            /* sizeof(ppl_evaluator_options), as in ppl_load_options */
  size_t max_claim_bytes; /* ppl_decide_json refuses larger claims, PPL_ERR_CLAIM; 0 = the default */
} ppl_evaluator_options;

/* 64 MiB, some 20,000 times the example claims. An evaluator keeps buffers as large as the
 * largest claim it has read (a few times its bytes) until ppl_evaluator_trim, so with N threads an
 * engine deciding JSON keeps up to about N times this bound. The claim builder has no such bound:
 * its strings are the caller's, copied as given. */
#define PPL_DEFAULT_MAX_CLAIM_BYTES (64u << 20)
#define PPL_EVALUATOR_OPTIONS_INIT {sizeof(ppl_evaluator_options), 0}

/* A new evaluator for `program` (which it keeps alive), with the default options. Use it from one
 * thread at a time. */
ppl_status ppl_evaluator_new(const ppl_program* program, ppl_evaluator** out);

/* As ppl_evaluator_new, with options (NULL: the defaults; a wrong `size` is PPL_ERR_ARGUMENT). */
ppl_status ppl_evaluator_new_with(const ppl_program* program, const ppl_evaluator_options* options,
                                  ppl_evaluator** out);

/* Gives back the memory the evaluator keeps from claim to claim (buffers grown to the largest
 * claim it has read), leaving it as small as a new evaluator. It discards the current decision
 * and any claim being built, as ppl_claim_begin does; the next decisions allocate their buffers
 * again. For an engine that has just decided an unusually large claim, or goes idle. Buffers are
 * never shrunk otherwise: that is what makes steady-state decisions allocation-free. */
ppl_status ppl_evaluator_trim(ppl_evaluator* evaluator);

/* Frees the evaluator and everything it returned. NULL is ignored. */
void ppl_evaluator_free(ppl_evaluator* evaluator);

/* Loads the claim in `size` bytes of JSON at `json` and decides it. On success, *decision (when
 * `decision` is not NULL) points to the decision, valid until the evaluator's next decision. On
 * PPL_ERR_CLAIM or PPL_ERR_EVAL, ppl_evaluator_error says what went wrong and the evaluator
 * holds no decision. An empty claim (size 0) is bad input, PPL_ERR_CLAIM, as `pplc eval` says of
 * an empty file; so is a claim larger than the evaluator's max_claim_bytes ("the claim is N
 * bytes, more than the limit of M ..."). A NULL `json` is PPL_ERR_ARGUMENT. A claim being built
 * with the builder is abandoned (later builder calls for it return PPL_ERR_STATE). Steady state:
 * no allocation. */
ppl_status ppl_decide_json(ppl_evaluator* evaluator, const char* json, size_t size,
                           const ppl_decision** decision);

/* The last failure of this evaluator: `message` (lower-case, "must be a number >= 0, got -1")
 * and `path`, the JSON pointer of the bad value ("/lines/0/units"; "" when the failure is not
 * about one value). Either out-pointer may be NULL. Both are "" after a call that changes the
 * evaluator (a decision, a claim builder call) succeeds; the read-only calls (this one,
 * ppl_evaluator_decision and those taking a decision) leave them. Valid until the evaluator's
 * next call that changes it. */
ppl_status ppl_evaluator_error(const ppl_evaluator* evaluator, const char** message, const char** path);

/* The claim_id of the claim the last failed ppl_decide_json was given (PPL_ERR_CLAIM or
 * PPL_ERR_EVAL), as far as its JSON could be read: a rejected claim has no decision to ask, and
 * an engine routes the rejection by it, as `pplc eval --ndjson` reports it. *claim_id is NULL
 * (and *size 0) when there is none: the document has no string "claim_id" where it could be
 * read, or the evaluator's last failure was not ppl_decide_json's. `size` may be NULL. Valid
 * as ppl_evaluator_error's strings are. */
ppl_status ppl_evaluator_error_claim_id(const ppl_evaluator* evaluator, const char** claim_id, size_t* size);

/* The evaluator's current decision (PPL_ERR_STATE when it holds none). */
ppl_status ppl_evaluator_decision(const ppl_evaluator* evaluator, const ppl_decision** decision);

/* ---------------------------------------------------------------------------------------- */
/* Decisions. A ppl_decision is a view of its evaluator's current decision: after the next
 * successful decision it reads that one; while the evaluator holds none (the last decision
 * failed, or a new claim is being built) every accessor fails with PPL_ERR_STATE. An index out
 * of range is PPL_ERR_ARGUMENT. */

typedef enum ppl_verdict {
  PPL_VERDICT_NOT_APPLICABLE = 0, /* no policy governs the claim or line */
  PPL_VERDICT_APPROVE = 1,
  PPL_VERDICT_PEND = 2,
  PPL_VERDICT_DENY = 3
} ppl_verdict;

typedef enum ppl_action { PPL_ACTION_DENY = 0, PPL_ACTION_PEND = 1 } ppl_action;

/* Claim adjustment group codes (X12 CAS01). */
typedef enum ppl_group { PPL_GROUP_CO = 0, PPL_GROUP_PR = 1, PPL_GROUP_OA = 2 } ppl_group;

/* Constant names as in the decision JSON: "approve", "deny", "CO", ... ("?" when unknown). */
const char* ppl_verdict_name(ppl_verdict verdict);
const char* ppl_action_name(ppl_action action);
const char* ppl_group_name(ppl_group group);

/* The claim: its verdict (the worst of its lines), its claim_id, and the policy that governs it
 * (*id and *version are NULL when none does). */
ppl_status ppl_decision_verdict(const ppl_decision* decision, ppl_verdict* verdict);
ppl_status ppl_decision_claim_id(const ppl_decision* decision, const char** claim_id, size_t* size);
ppl_status ppl_decision_policy(const ppl_decision* decision, const char** id, const char** version);

/* Claim lines, in input order: line_number and hcpcs as the claim gave them, and the verdict.
 * (ppl_line_number returns PPL_ERR_NOT_FOUND for a line without a line_number, which a pack
 * compiled against a schema where it is optional could decide; in stdlib/claim.ppl it is
 * required.) */
ppl_status ppl_decision_line_count(const ppl_decision* decision, size_t* count);
ppl_status ppl_line_number(const ppl_decision* decision, size_t line, int64_t* line_number);
ppl_status ppl_line_hcpcs(const ppl_decision* decision, size_t line, const char** hcpcs, size_t* size);
ppl_status ppl_line_verdict(const ppl_decision* decision, size_t line, ppl_verdict* verdict);

/* The reasons a line was denied or pended, in rule order: rule id, action, group, CARC, RARCs
 * and the rendered message naming the facts that failed. */
ppl_status ppl_line_reason_count(const ppl_decision* decision, size_t line, size_t* count);
ppl_status ppl_reason_rule(const ppl_decision* decision, size_t line, size_t reason, const char** rule);
ppl_status ppl_reason_action(const ppl_decision* decision, size_t line, size_t reason, ppl_action* action);
ppl_status ppl_reason_group(const ppl_decision* decision, size_t line, size_t reason, ppl_group* group);
ppl_status ppl_reason_carc(const ppl_decision* decision, size_t line, size_t reason, const char** carc);
ppl_status ppl_reason_rarc_count(const ppl_decision* decision, size_t line, size_t reason, size_t* count);
ppl_status ppl_reason_rarc(const ppl_decision* decision, size_t line, size_t reason, size_t index,
                           const char** rarc);
ppl_status ppl_reason_message(const ppl_decision* decision, size_t line, size_t reason,
                              const char** message, size_t* size);

/* Payment adjustments of an approved line: rule id, group, CARC and the reduction in percent of
 * the allowed amount, as exact decimal text ("20", "12.5"). */
ppl_status ppl_line_adjustment_count(const ppl_decision* decision, size_t line, size_t* count);
ppl_status ppl_adjustment_rule(const ppl_decision* decision, size_t line, size_t adjustment,
                               const char** rule);
ppl_status ppl_adjustment_group(const ppl_decision* decision, size_t line, size_t adjustment,
                                ppl_group* group);
ppl_status ppl_adjustment_carc(const ppl_decision* decision, size_t line, size_t adjustment,
                               const char** carc);
ppl_status ppl_adjustment_percent(const ppl_decision* decision, size_t line, size_t adjustment,
                                  const char** percent);

/* Flags of ppl_decision_json. */
#define PPL_JSON_PRETTY 1u /* 2-space indented, as `pplc eval` prints (default: one line) */

/* The decision as JSON, exactly as `pplc eval` prints it (without the final newline). The text
 * lives in the evaluator until its next decision or its next call of this function. Steady
 * state: no allocation. */
ppl_status ppl_decision_json(const ppl_decision* decision, unsigned flags, const char** json, size_t* size);

/* ---------------------------------------------------------------------------------------- */
/* The claim builder: for engines that hold claims in memory, fill the facts without JSON.
 *
 * Fields are named by handles resolved once per program from dotted paths of the claim schema
 * the pack was compiled with (stdlib/claim.ppl): "claim_id", "payer.line_of_business",
 * "lines.units", "lines.drug.discounted", "history.administrations.date". A handle names a field
 * of one record type (Line, Payer...), and is used with records of that type:
 *
 *   ppl_record claim, line;
 *   ppl_claim_begin(ev, &claim);
 *   ppl_set_string(ev, claim, F_CLAIM_ID, "CLM-1", 5);
 *   ppl_list_begin(ev, claim, F_LINES);
 *     ppl_list_append_record(ev, &line);
 *     ppl_set_int(ev, line, F_LINE_NUMBER, 1);
 *     ppl_set_decimal(ev, line, F_UNITS, "40", 2);
 *   ppl_list_end(ev);
 *   ppl_claim_decide(ev, &decision);
 *
 * Values are validated as the JSON loader validates them (types, enumerations, code formats,
 * minimums, non-empty strings), and ppl_claim_decide checks what needs the whole claim (required
 * fields present, defaults filled in, non-empty and unique lists, date order) before deciding.
 * Errors are PPL_ERR_CLAIM or PPL_ERR_TYPE with a JSON-pointer path, or PPL_ERR_ARGUMENT /
 * PPL_ERR_STATE for misuse. While a claim is being built every failure is sticky, misuse too (a
 * NULL pointer, a zero size, a scale out of range, a field handle of no field such as
 * PPL_FIELD_NONE): the first one is kept (ppl_evaluator_error) and every later call for the same
 * claim returns it, so a caller may check only ppl_claim_decide, and a claim is never decided
 * without a field the caller meant to set. (With no claim being built there is nothing to
 * poison: such a call is reported by that call only.)
 * Strings are copied. Steady state: no allocation. Fields may be set in any order; a record's
 * fields may be set after the list holding it has ended; elements are appended to the innermost
 * open list (lists nest: lines, then a line's modifiers). */

typedef uint32_t ppl_field;

/* No field: what ppl_field_handle writes when it fails. A builder call given it (or any other
 * value that is not a handle of this program) fails with PPL_ERR_ARGUMENT and poisons the claim. */
#define PPL_FIELD_NONE 0u
typedef uint64_t ppl_record; /* valid for the claim being built only */

typedef enum ppl_type {
  PPL_TYPE_BOOL = 0,
  PPL_TYPE_INT = 1,
  PPL_TYPE_DECIMAL = 2,
  PPL_TYPE_STRING = 3, /* enumerations too */
  PPL_TYPE_DATE = 4,
  PPL_TYPE_RECORD = 5,
  PPL_TYPE_LIST = 6
} ppl_type;

/* Resolves a dotted field path (NUL-terminated) once; PPL_ERR_NOT_FOUND when the schema has no
 * such field. On failure *field (when `field` is not NULL) is PPL_FIELD_NONE. */
ppl_status ppl_field_handle(const ppl_program* program, const char* path, ppl_field* field);

/* A field's type, and for lists the elements' type (else *element = *type). `element` may be NULL.
 * Enumerations and formatted codes (HCPCS, NDC, ...) are PPL_TYPE_STRING: the API lists neither an
 * enumeration's values nor a code's format, nor the schema's paths; stdlib/claim.ppl and
 * docs/spec/claim-facts.md describe them. */
ppl_status ppl_field_type(const ppl_program* program, ppl_field field, ppl_type* type, ppl_type* element);

/* Starts a new claim (discarding any claim being built, and the current decision); *root is the
 * claim record. */
ppl_status ppl_claim_begin(ppl_evaluator* evaluator, ppl_record* root);

/* Scalars. A string field takes ppl_set_string; a date takes ppl_set_date or a "YYYY-MM-DD"
 * string; an integer takes ppl_set_int; a decimal takes ppl_set_decimal (exact text in the JSON
 * number grammar: "82.5", "40"), ppl_set_decimal_scaled (coefficient * 10^-scale: 8250, 2 is
 * 82.5; `scale` at most PPL_MAX_DECIMAL_SCALE, else PPL_ERR_ARGUMENT) or ppl_set_int; a bool
 * takes ppl_set_bool. An optional field left unset is absent; a field with a default takes it.
 * Setting a field twice is an error, as a duplicate JSON key is. Numbers take what the JSON
 * loader takes: at most 9 digits before the point (integers too) and 6 after it (PPL_ERR_CLAIM
 * otherwise). */
#define PPL_MAX_DECIMAL_SCALE 30u
ppl_status ppl_set_string(ppl_evaluator* evaluator, ppl_record record, ppl_field field, const char* value,
                          size_t size);
ppl_status ppl_set_int(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int64_t value);
ppl_status ppl_set_bool(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int value);
ppl_status ppl_set_decimal(ppl_evaluator* evaluator, ppl_record record, ppl_field field, const char* text,
                           size_t size);
ppl_status ppl_set_decimal_scaled(ppl_evaluator* evaluator, ppl_record record, ppl_field field,
                                  int64_t coefficient, uint32_t scale);
ppl_status ppl_set_date(ppl_evaluator* evaluator, ppl_record record, ppl_field field, int year, int month,
                        int day);

/* A record-valued field (payer, patient, lines.drug): *child is the new record to fill. */
ppl_status ppl_set_record(ppl_evaluator* evaluator, ppl_record record, ppl_field field, ppl_record* child);

/* Lists: begin, append elements (records, or scalars of the list's element type), end. */
ppl_status ppl_list_begin(ppl_evaluator* evaluator, ppl_record record, ppl_field field);
ppl_status ppl_list_append_record(ppl_evaluator* evaluator, ppl_record* element);
ppl_status ppl_list_append_string(ppl_evaluator* evaluator, const char* value, size_t size);
ppl_status ppl_list_append_int(ppl_evaluator* evaluator, int64_t value);
ppl_status ppl_list_append_bool(ppl_evaluator* evaluator, int value);
ppl_status ppl_list_append_decimal(ppl_evaluator* evaluator, const char* text, size_t size);
ppl_status ppl_list_append_date(ppl_evaluator* evaluator, int year, int month, int day);
ppl_status ppl_list_end(ppl_evaluator* evaluator);

/* Ends the claim, validates it as a whole and decides it; as ppl_decide_json from there on. */
ppl_status ppl_claim_decide(ppl_evaluator* evaluator, const ppl_decision** decision);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PPL_PPL_H */
