/* gst-trial fuzzing: the body of every libFuzzer target as a plain
 * function, so the regression suite (regressions.c) replays the seeds and
 * past crash inputs through exactly the code the fuzzers run.
 *
 * Each fuzz-*.c defines its body and ends with FUZZ_TARGET (body); the
 * libFuzzer entry points exist only when built with -DGST_TRIAL_FUZZER. */
#pragma once

#include <glib.h>
#include "gst/trial/align.h"
#include "gst/trial/error.h"

G_BEGIN_DECLS

void fuzz_npy_one (const guint8 * data, gsize size);
void fuzz_png_one (const guint8 * data, gsize size);
void fuzz_png_fast_one (const guint8 * data, gsize size);
void fuzz_raw_depth_one (const guint8 * data, gsize size);
void fuzz_jpeg_bmp_one (const guint8 * data, gsize size);
void fuzz_layout_one (const guint8 * data, gsize size);
void fuzz_bag_one (const guint8 * data, gsize size);
void fuzz_align_one (const guint8 * data, gsize size);
void fuzz_segments_one (const guint8 * data, gsize size);

/* Runs @pass on the PNG input @data, then, when @data starts with the PNG
 * signature and has a wrong chunk CRC, on a copy with every CRC recomputed
 * (pngcrc.c). */
typedef void (*FuzzPngPass) (const guint8 * data, gsize size);
void fuzz_png_with_fixed_crcs (const guint8 * data, gsize size,
    FuzzPngPass pass);

/* Builds the trial folder that the layout input @data describes (see
 * corpus.h) inside the empty folder @dir; returns the path to scan. */
gchar *fuzz_layout_build (const guint8 * data, gsize size,
    const gchar * dir);

/* The header of fuzz-align's input (fuzz-align.c), before the frame: 6
 * bytes, 18 float32, then 7 float64 (or 12 float32, 12 bytes fewer), then
 * a float32. */
#define FUZZ_ALIGN_HEADER (6 + 18 * 4 + 7 * 8 + 4)

/* Reads a fuzz-align input's calibration; FALSE when the quaternion itself
 * is refused. */
gboolean fuzz_align_parse (const guint8 * data, gsize size,
    GstTrialIntrinsics * depth, GstTrialIntrinsics * color,
    GstTrialExtrinsics * extrinsics, gfloat * scale, guint * threads,
    GstTrialAlignRule * rule, GError ** error);

/* A broken promise of libgsttrial's headers is a bug even when nothing
 * crashes: abort, so libFuzzer keeps the input and gst-check fails. */
#define fuzz_check(cond) G_STMT_START {                                 \
    if (G_UNLIKELY (!(cond)))                                           \
      g_error ("%s:%d: contract broken: %s", __FILE__, __LINE__, #cond); \
  } G_STMT_END

/* Every failure of libgsttrial is a GError of its domain, with a message
 * for users. Frees @error. */
static inline void
fuzz_check_error (GError * error)
{
  fuzz_check (error != NULL);
  fuzz_check (error->domain == GST_TRIAL_ERROR);
  fuzz_check (error->code >= GST_TRIAL_ERROR_NOT_FOUND
      && error->code <= GST_TRIAL_ERROR_TOO_LARGE);
  fuzz_check (error->message != NULL && error->message[0] != '\0');
  g_error_free (error);
}

#ifdef GST_TRIAL_FUZZER
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* GLib criticals and warnings are fatal, as under gst-check: a
 * g_return_if_fail tripped by hostile input is a finding too. */
#define FUZZ_TARGET(body)                                               \
  int                                                                   \
  LLVMFuzzerInitialize (int *argc, char ***argv)                        \
  {                                                                     \
    (void) argc;                                                        \
    (void) argv;                                                        \
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL     \
        | G_LOG_LEVEL_WARNING);                                         \
    return 0;                                                           \
  }                                                                     \
                                                                        \
  int                                                                   \
  LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)            \
  {                                                                     \
    body (data, size);                                                  \
    return 0;                                                           \
  }
#else
#define FUZZ_TARGET(body)
#endif

G_END_DECLS
