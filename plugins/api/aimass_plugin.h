/*
 * aimass_plugin.h: the C ABI between aimass and a stage plugin.
 *
 * The same ABI as the Rust crate aimass-plugin-api (plugins/api/src/lib.rs, whose docs say
 * what each field means); a test in that crate compiles this header and checks every size,
 * field offset and constant against the Rust definitions.
 *
 * A plugin exports one function:
 *
 *     const AimassPluginTable *aimass_plugin_v1(uint32_t host_abi_version);
 *
 * returning a table that stays valid for the library's lifetime. The table only grows: new
 * ABI versions append fields at its end, so a plugin built against ABI 1 keeps loading.
 *
 * Frames cross as Arrow C Data Interface record batches (struct arrays); params, descriptors,
 * errors and metrics as UTF-8 JSON. Memory is freed by the side that allocated it: Arrow
 * structs through their release callbacks, plugin buffers through free_buffer.
 */
#ifndef AIMASS_PLUGIN_H
#define AIMASS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIMASS_PLUGIN_ABI_VERSION 1
#define AIMASS_PLUGIN_MIN_ABI_VERSION 1
#define AIMASS_PLUGIN_ENTRY_SYMBOL "aimass_plugin_v1"

#define AIMASS_STATUS_OK 0
#define AIMASS_STATUS_ERROR 1
#define AIMASS_STATUS_PANIC 2

#define AIMASS_FLAG_STRING_VIEWS 1u

#define AIMASS_OUTPUT_EMPTY 0u
#define AIMASS_OUTPUT_FRAME 1u
#define AIMASS_OUTPUT_JSON 2u

/* The Arrow C Data Interface, verbatim from the Arrow specification. */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char *format;
  const char *name;
  const char *metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema **children;
  struct ArrowSchema *dictionary;
  void (*release)(struct ArrowSchema *);
  void *private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void **buffers;
  struct ArrowArray **children;
  struct ArrowArray *dictionary;
  void (*release)(struct ArrowArray *);
  void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* Bytes borrowed for one call; not NUL-terminated. */
typedef struct AimassStr {
  const uint8_t *ptr;
  size_t len;
} AimassStr;

/* Bytes the plugin allocated; the host returns them through free_buffer. */
typedef struct AimassBuffer {
  uint8_t *ptr;
  size_t len;
} AimassBuffer;

/* A record batch: a struct array (format "+s") whose children are the columns. */
typedef struct AimassFrame {
  struct ArrowSchema schema;
  struct ArrowArray array;
} AimassFrame;

/* One input frame of a transform: read it during the call, or move it out (copy the structs,
   set the originals' release to NULL) to keep it; the host releases what is left. */
typedef struct AimassInput {
  AimassStr name;
  AimassFrame frame;
} AimassInput;

/* One output slot, zeroed by the host: one per output port, in descriptor order. */
typedef struct AimassOutput {
  uint32_t tag;
  AimassFrame frame;
  AimassBuffer json;
} AimassOutput;

typedef int32_t (*AimassTransformFn)(AimassStr kind, AimassStr call, AimassInput *inputs,
                                     size_t n_inputs, AimassOutput *outputs, size_t n_outputs,
                                     AimassBuffer *error);

typedef int32_t (*AimassFitFn)(AimassStr kind, AimassStr call, AimassFrame *x, AimassFrame *y,
                               AimassBuffer *state, AimassBuffer *error);

typedef int32_t (*AimassPredictFn)(AimassStr kind, AimassStr call, AimassStr state,
                                   AimassFrame *x, AimassFrame *out, AimassBuffer *error);

typedef void (*AimassFreeBufferFn)(AimassBuffer buffer);

typedef struct AimassPluginTable {
  /* ABI 1: abi_version and table_size stay first in every version. */
  uint32_t abi_version;
  uint32_t table_size;
  uint32_t flags;
  const char *name;
  const char *version;
  const char *descriptor;
  AimassFreeBufferFn free_buffer;
  AimassTransformFn transform; /* NULL without transforms */
  AimassFitFn fit;             /* NULL without estimators */
  AimassPredictFn predict;
} AimassPluginTable;

typedef const AimassPluginTable *(*AimassEntryFn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* AIMASS_PLUGIN_H */
