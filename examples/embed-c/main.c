/* Embedding PPL from C: load a compiled policy pack, decide claims, print the decisions.
 *
 *   embed-c PACK.pplb CLAIM.json...
 *
 * stdout: each claim's decision as JSON, exactly as `pplc eval PACK.pplb CLAIM.json` prints it.
 * stderr: one summary line per claim read through the accessors, in the form of a row of
 * `pplc eval --format=table`: "CLAIM-ID DECISION L1 deny PA,C-DX; L3 deny C-WASTE" ("-" when no
 * rule fired); a bad claim is reported as "FILE: /json/path: message".
 * Exit status: 0 when every claim was decided, 1 when any was bad input, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ppl/ppl.h>

/* Reads a whole file into a malloc'ed buffer; NULL on failure. */
static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  char* data = NULL;
  size_t used = 0, capacity = 0;
  if (f == NULL) return NULL;
  for (;;) {
    size_t n;
    if (used == capacity) {
      char* grown;
      capacity = capacity ? capacity * 2 : 65536;
      grown = realloc(data, capacity);
      if (grown == NULL) { /* out of memory: no claim rather than a truncated one */
        free(data);
        fclose(f);
        return NULL;
      }
      data = grown;
    }
    n = fread(data + used, 1, capacity - used, f);
    used += n;
    if (n == 0) break;
  }
  if (ferror(f)) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *size = used;
  return data;
}

/* The summary line: claim id, decision, and per line the rules that fired. */
static void print_summary(const ppl_decision* d) {
  const char* claim_id = NULL;
  ppl_verdict verdict;
  size_t lines = 0, i;
  int any = 0;
  ppl_decision_claim_id(d, &claim_id, NULL);
  ppl_decision_verdict(d, &verdict);
  ppl_decision_line_count(d, &lines);
  fprintf(stderr, "%s %s ", claim_id ? claim_id : "?", ppl_verdict_name(verdict));
  for (i = 0; i < lines; ++i) {
    size_t reasons = 0, adjustments = 0, k;
    int64_t number = 0;
    ppl_verdict line_verdict;
    const char* sep = " ";
    ppl_line_reason_count(d, i, &reasons);
    ppl_line_adjustment_count(d, i, &adjustments);
    if (reasons == 0 && adjustments == 0) continue;
    ppl_line_number(d, i, &number);
    ppl_line_verdict(d, i, &line_verdict);
    fprintf(stderr, "%sL%lld %s", any ? "; " : "", (long long)number, ppl_verdict_name(line_verdict));
    any = 1;
    for (k = 0; k < reasons; ++k) {
      const char* rule = NULL;
      ppl_reason_rule(d, i, k, &rule);
      fprintf(stderr, "%s%s", sep, rule);
      sep = ",";
    }
    for (k = 0; k < adjustments; ++k) {
      const char* rule = NULL;
      const char* percent = NULL;
      ppl_adjustment_rule(d, i, k, &rule);
      ppl_adjustment_percent(d, i, k, &percent);
      fprintf(stderr, "%s%s(-%s%%)", sep, rule, percent);
      sep = ",";
    }
  }
  fprintf(stderr, "%s\n", any ? "" : "-");
}

int main(int argc, char** argv) {
  char error[PPL_ERROR_BUFFER_SIZE];
  ppl_program* program = NULL;
  ppl_evaluator* evaluator = NULL;
  ppl_status status;
  int i, bad = 0;

  if (argc < 3) {
    fprintf(stderr, "usage: %s PACK.pplb CLAIM.json...\n", argv[0]);
    return 2;
  }
  /* Loaded once and verified; in an engine, shared by every thread. */
  status = ppl_program_load_file(argv[1], NULL, &program, error, sizeof error);
  if (status != PPL_OK) {
    fprintf(stderr, "%s\n", error);
    return 1;
  }
  /* One evaluator per thread, reused for every claim. */
  status = ppl_evaluator_new(program, &evaluator);
  if (status != PPL_OK) {
    fprintf(stderr, "cannot create an evaluator: %s\n", ppl_status_name(status));
    ppl_program_free(program);
    return 1;
  }

  for (i = 2; i < argc; ++i) {
    size_t size = 0, json_size = 0;
    char* claim = read_file(argv[i], &size);
    const ppl_decision* decision = NULL;
    const char* json = NULL;
    if (claim == NULL) {
      fprintf(stderr, "%s: cannot read the file\n", argv[i]);
      bad = 1;
      continue;
    }
    status = ppl_decide_json(evaluator, claim, size, &decision);
    free(claim);
    if (status != PPL_OK) {
      const char* message = NULL;
      const char* path = NULL;
      ppl_evaluator_error(evaluator, &message, &path);
      fprintf(stderr, "%s: %s%s%s\n", argv[i], path, *path ? ": " : "", message);
      bad = 1;
      continue;
    }
    if (ppl_decision_json(decision, PPL_JSON_PRETTY, &json, &json_size) == PPL_OK) {
      fwrite(json, 1, json_size, stdout);
      fputc('\n', stdout);
    }
    print_summary(decision);
  }

  ppl_evaluator_free(evaluator);
  ppl_program_free(program);
  return bad;
}
