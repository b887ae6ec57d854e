/* peer_eval.c — measures the ReDoS analyser against the peer suite's exponential ground truth.
 *
 * usage: peer_eval <path to unsafe-regex-cases.json>
 *
 * Each case carries `source`, `flags`, `corpus`, `expLabel` (ground truth for exponential backtracking:
 * safe | unsafe | invalid-regex, absent when unstated) and `safeRegexComputed` (what safe-regex 2.1.1,
 * the engine of eslint-plugin-security, said). Precision and recall are computed over cases labelled
 * safe or unsafe, for all corpora and for `codeql-js/redos`, for looplens and for safe-regex.
 * A pattern looplens rejects as invalid counts as "not reported".
 *
 * Exit status: 0 when looplens beats safe-regex on both precision and recall on CodeQL's cases,
 * 1 otherwise, 77 (skip) when the suite file is absent, 2 on usage or load errors. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "looplens/redos.h"

#define CODEQL_CORPUS "codeql-js/redos"

typedef struct {
  unsigned tp, fp, fn, tn;
} Confusion;

typedef struct {
  Confusion ours, peer;
} Scope;

typedef enum { VERDICT_SAFE, VERDICT_UNSAFE, VERDICT_INVALID } Verdict;

static const char *verdict_name(Verdict v) {
  return v == VERDICT_UNSAFE ? "unsafe" : v == VERDICT_INVALID ? "invalid" : "safe";
}

static void confusion_add(Confusion *c, int truth_unsafe, int said_unsafe) {
  if (truth_unsafe)
    said_unsafe ? c->tp++ : c->fn++;
  else
    said_unsafe ? c->fp++ : c->tn++;
}

static double precision(const Confusion *c) {
  return c->tp + c->fp ? (double)c->tp / (c->tp + c->fp) : 0.0;
}

static double recall(const Confusion *c) {
  return c->tp + c->fn ? (double)c->tp / (c->tp + c->fn) : 0.0;
}

static void print_row(const char *scope, const char *tool, const Confusion *c) {
  printf("%-18s %-18s %5u %4u %4u %4u %4u %9.1f%% %7.1f%%\n", scope, tool, c->tp + c->fp + c->fn + c->tn, c->tp,
         c->fp, c->fn, c->tn, 100.0 * precision(c), 100.0 * recall(c));
}

static const char *string_field(json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s ? s : "";
}

static Verdict run_case(json_t *item, RedosResult *result, RedosError *error) {
  json_t *source = json_object_get(item, "source");
  const char *flags = string_field(item, "flags");
  int rc = redos_check(json_string_value(source), json_string_length(source), flags, strlen(flags), result, error);
  if (rc != 0) return VERDICT_INVALID;
  return result->verdict == REDOS_EXPONENTIAL ? VERDICT_UNSAFE : VERDICT_SAFE;
}

static void print_disagreement(json_t *item, const char *label, Verdict ours, const RedosResult *result,
                               const RedosError *error) {
  printf("  %-24.24s label=%-6s ours=%-7s /%s/%s\n      %s\n", string_field(item, "corpus"), label,
         verdict_name(ours), string_field(item, "source"), string_field(item, "flags"),
         ours == VERDICT_INVALID ? error->message : result->reason);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <unsafe-regex-cases.json>\n", argv[0]);
    return 2;
  }
  FILE *probe = fopen(argv[1], "r");
  if (!probe) {
    printf("SKIP: %s: %s\n", argv[1], strerror(errno));
    return 77;
  }
  fclose(probe);
  json_error_t jerr;
  json_t *root = json_load_file(argv[1], 0, &jerr);
  json_t *cases = json_object_get(root, "cases");
  if (!json_is_array(cases)) {
    fprintf(stderr, "%s:%d:%d: %s\n", argv[1], jerr.line, jerr.column, root ? "no \"cases\" array" : jerr.text);
    json_decref(root);
    return 2;
  }

  Scope overall = {0}, codeql = {0};
  unsigned invalid_cases = 0, invalid_agree = 0;
  size_t i;
  json_t *item;
  printf("disagreements with expLabel (exponential ground truth):\n");
  json_array_foreach(cases, i, item) {
    const char *label = string_field(item, "expLabel");
    RedosResult result;
    RedosError error;
    Verdict ours = run_case(item, &result, &error);
    if (strcmp(label, "invalid-regex") == 0) {
      invalid_cases++;
      invalid_agree += ours == VERDICT_INVALID;
      continue;
    }
    if (strcmp(label, "safe") != 0 && strcmp(label, "unsafe") != 0) continue;
    int truth = strcmp(label, "unsafe") == 0;
    int peer = strcmp(string_field(item, "safeRegexComputed"), "unsafe") == 0;
    int said = ours == VERDICT_UNSAFE;
    Scope *scopes[2] = {&overall, strcmp(string_field(item, "corpus"), CODEQL_CORPUS) == 0 ? &codeql : NULL};
    for (int s = 0; s < 2; s++) {
      if (!scopes[s]) continue;
      confusion_add(&scopes[s]->ours, truth, said);
      confusion_add(&scopes[s]->peer, truth, peer);
    }
    if (said != truth) print_disagreement(item, label, ours, &result, &error);
  }

  printf("\n%-18s %-18s %5s %4s %4s %4s %4s %10s %8s\n", "scope", "tool", "cases", "TP", "FP", "FN", "TN",
         "precision", "recall");
  print_row("all labelled", "looplens", &overall.ours);
  print_row("all labelled", "safe-regex 2.1.1", &overall.peer);
  print_row(CODEQL_CORPUS, "looplens", &codeql.ours);
  print_row(CODEQL_CORPUS, "safe-regex 2.1.1", &codeql.peer);
  printf("invalid-regex cases: %u, looplens reports a syntax error for %u\n", invalid_cases, invalid_agree);
  json_decref(root);

  int beats = precision(&codeql.ours) > precision(&codeql.peer) && recall(&codeql.ours) > recall(&codeql.peer);
  printf("%s: looplens %s safe-regex on CodeQL's exponential cases (precision and recall)\n", beats ? "PASS" : "FAIL",
         beats ? "beats" : "does not beat");
  return beats ? 0 : 1;
}
