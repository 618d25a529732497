/*
 * A minimal aimass plugin in C: one transform, `row_number`, that adds an int64 column
 * `row_number` (start, start + 1, ...) to its input frame.
 *
 * It proves the ABI is language-neutral: only aimass_plugin.h and the C library. The input's
 * columns are moved into the output without copying (the Arrow C Data Interface's "move":
 * copy the struct, mark the original released), and every allocation is freed by this
 * library's own release callbacks or free_buffer.
 *
 * Build: cc -shared -fPIC -I ../../api row_number.c -o librow_number.so
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aimass_plugin.h"

static const char DESCRIPTOR[] =
    "{\"stages\": [{\"kind\": \"row_number\", \"role\": \"transform\","
    " \"doc\": \"Adds a row_number column counting rows from `start`.\","
    " \"inputs\": [{\"name\": \"input\", \"doc\": \"any frame\"}],"
    " \"outputs\": [{\"name\": \"numbered\", \"type\": \"Frame\", \"doc\": \"the input with row_number\"}],"
    " \"params\": [{\"name\": \"start\", \"type\": \"int\", \"default\": 1, \"doc\": \"the first number\"}]}]}";

static void free_buffer(AimassBuffer b) { free(b.ptr); }

/* Leaves {"message": msg} in *error (msg must not need JSON escaping). */
static int32_t fail(AimassBuffer *error, const char *msg) {
  size_t n = strlen(msg) + 16;
  char *json = malloc(n);
  if (json != NULL) {
    snprintf(json, n, "{\"message\":\"%s\"}", msg);
    error->ptr = (uint8_t *)json;
    error->len = strlen(json);
  }
  return AIMASS_STATUS_ERROR;
}

/* The host sends compact JSON: {"params":{"start":1},"seed":..,"stage":".."}. A real plugin
   would use a JSON library; this one needs a single integer. */
static long long param_start(AimassStr call) {
  char buf[512];
  size_t n = call.len < sizeof buf - 1 ? call.len : sizeof buf - 1;
  memcpy(buf, call.ptr, n);
  buf[n] = '\0';
  const char *at = strstr(buf, "\"start\":");
  return at ? strtoll(at + 8, NULL, 10) : 1;
}

/* --- the output's own memory and release callbacks --- */

static void release_schema(struct ArrowSchema *s) {
  for (int64_t i = 0; i < s->n_children; i++) {
    struct ArrowSchema *c = s->children[i];
    if (c->release != NULL) c->release(c);
    free(c);
  }
  free(s->children);
  s->release = NULL;
}

static void release_leaf_schema(struct ArrowSchema *s) { s->release = NULL; }

static void release_array(struct ArrowArray *a) {
  for (int64_t i = 0; i < a->n_children; i++) {
    struct ArrowArray *c = a->children[i];
    if (c->release != NULL) c->release(c);
    free(c);
  }
  free(a->children);
  free((void *)a->buffers);
  a->release = NULL;
}

static void release_leaf_array(struct ArrowArray *a) {
  free((void *)a->buffers[1]);
  free((void *)a->buffers);
  a->release = NULL;
}

static int32_t transform(AimassStr kind, AimassStr call, AimassInput *inputs, size_t n_inputs,
                         AimassOutput *outputs, size_t n_outputs, AimassBuffer *error) {
  if (kind.len != 10 || memcmp(kind.ptr, "row_number", 10) != 0) return fail(error, "unknown kind");
  if (n_inputs != 1 || n_outputs != 1) return fail(error, "row_number takes one frame");
  struct ArrowSchema *in_s = &inputs[0].frame.schema;
  struct ArrowArray *in_a = &inputs[0].frame.array;
  int64_t rows = in_a->length, n = in_s->n_children;
  long long start = param_start(call);

  struct ArrowSchema **s_children = calloc((size_t)n + 1, sizeof *s_children);
  struct ArrowArray **a_children = calloc((size_t)n + 1, sizeof *a_children);
  const void **buffers = calloc(1, sizeof *buffers);
  int64_t *values = malloc((size_t)(rows > 0 ? rows : 1) * sizeof *values);
  const void **leaf_buffers = calloc(2, sizeof *leaf_buffers);
  if (!s_children || !a_children || !buffers || !values || !leaf_buffers) {
    free(s_children); free(a_children); free(buffers); free(values); free(leaf_buffers);
    return fail(error, "out of memory");
  }
  /* Move the input's columns: copy each child, mark the original released. */
  for (int64_t i = 0; i < n; i++) {
    s_children[i] = malloc(sizeof **s_children);
    a_children[i] = malloc(sizeof **a_children);
    *s_children[i] = *in_s->children[i];
    *a_children[i] = *in_a->children[i];
    in_s->children[i]->release = NULL;
    in_a->children[i]->release = NULL;
  }
  for (int64_t r = 0; r < rows; r++) values[r] = start + r;
  s_children[n] = malloc(sizeof **s_children);
  *s_children[n] = (struct ArrowSchema){.format = "l", .name = "row_number", .flags = 0,
                                        .release = release_leaf_schema};
  leaf_buffers[1] = values;
  a_children[n] = malloc(sizeof **a_children);
  *a_children[n] = (struct ArrowArray){.length = rows, .n_buffers = 2, .buffers = leaf_buffers,
                                       .release = release_leaf_array};

  AimassOutput *out = &outputs[0];
  out->tag = AIMASS_OUTPUT_FRAME;
  out->frame.schema = (struct ArrowSchema){.format = "+s", .name = "", .n_children = n + 1,
                                           .children = s_children, .release = release_schema};
  out->frame.array = (struct ArrowArray){.length = rows, .n_buffers = 1, .buffers = buffers,
                                         .n_children = n + 1, .children = a_children,
                                         .release = release_array};
  (void)error;
  return AIMASS_STATUS_OK;
}

static const AimassPluginTable TABLE = {
    .abi_version = AIMASS_PLUGIN_ABI_VERSION,
    .table_size = sizeof(AimassPluginTable),
    .flags = 0, /* strings arrive as large_utf8 */
    .name = "row_number",
    .version = "0.1.0",
    .descriptor = DESCRIPTOR,
    .free_buffer = free_buffer,
    .transform = transform,
    .fit = NULL,
    .predict = NULL,
};

const AimassPluginTable *aimass_plugin_v1(uint32_t host_abi_version) {
  (void)host_abi_version;
  return &TABLE;
}
