/* trial-process: metadata.json, the record of one job (docs/user-guide.md,
 * "metadata.json"). */
#pragma once

#include <json-glib/json-glib.h>
#include "job.h"

G_BEGIN_DECLS

/* metadata.json's fields: one definition (the table in metadata.c) for its
 * writers (tp_metadata_build, and tools/bagjob.c for .bag jobs) and its
 * reader (tp_metadata_read, for --summarize). The seed tool's fields come
 * first, with its names and types, then ours (docs/user-guide.md,
 * "metadata.json"). */
typedef enum
{
  TP_FIELD_TRIAL_PATH,
  TP_FIELD_TRIAL_NAME,
  TP_FIELD_CAMERA_ID,
  TP_FIELD_STRUCTURE,
  TP_FIELD_TOTAL_FRAMES,
  TP_FIELD_SUCCESSFUL,
  TP_FIELD_FAILED,
  TP_FIELD_FRAME_RANGE,
  TP_FIELD_PROCESSING_TIME_SECONDS,
  TP_FIELD_PROCESSING_FPS,
  TP_FIELD_NUM_WORKERS,
  TP_FIELD_COMPLETE,
  TP_FIELD_INTERRUPTED,
  TP_FIELD_ERROR,
  TP_FIELD_OUTPUT_CAMERA,
  TP_FIELD_TIMESTAMP_NAMED,
  TP_FIELD_UNPAIRED_DEPTH_FRAMES,
  TP_FIELD_RESUMED_FROM_FRAMES,
  TP_FIELD_CONVERTED_FRAMES,
  TP_FIELD_FAILED_FRAMES,
  TP_FIELD_COLOR_FORMAT,
  TP_FIELD_COLOR_SHAPE,
  TP_FIELD_DEPTH_FORMAT,
  TP_FIELD_DEPTH_SHAPE,
  TP_FIELD_DEPTH_SCALE,
  TP_FIELD_COLOR_MODE,
  TP_FIELD_VERIFY,
  TP_FIELD_COMPRESSION_LEVEL,
  TP_FIELD_STREAM_FPS,
  TP_FIELD_BYTES_WRITTEN,
  TP_FIELD_FINISHED_AT,
  TP_FIELD_TOOL,
  /* .bag jobs (tools/bagjob.c) */
  TP_FIELD_PAIRING_PERIOD_MS,
  TP_FIELD_DEVICE,
  TP_FIELD_COLOR_STREAM,
  TP_FIELD_DEPTH_STREAM,
  /* .bag jobs: time window and alignment (issue 23) */
  TP_FIELD_TIME_WINDOW,
  TP_FIELD_DEPTH_ALIGNED_TO,
  TP_FIELD_ALIGN_RULE,
  TP_FIELD_DEPTH_NOT_ALIGNED_REASON,
  TP_FIELD_DEPTH_TO_COLOR,
  TP_N_FIELDS
} TpMetadataField;

/* The members of each failed_frames entry. */
typedef enum
{
  TP_ENTRY_FRAME,
  TP_ENTRY_STREAM,
  TP_ENTRY_REASON,
  TP_ENTRY_FILE,
  TP_N_ENTRY_FIELDS
} TpMetadataEntryField;

/* json_builder_set_member_name() with the field's name. */
void tp_metadata_set_member (JsonBuilder * b, TpMetadataField field);
void tp_metadata_set_entry_member (JsonBuilder * b,
    TpMetadataEntryField field);

/* The seed tool's fields with the same names and types, plus ours. */
JsonNode *tp_metadata_build (const TpJob * job, const TpOptions * options);

/* @value rounded to 2 decimals, as the seed wrote times and rates. */
gdouble tp_json_round2 (gdouble value);

/* @node as JSON text as json-glib writes it, but for numbers with a
 * fraction: the fewest digits that read back as the same number (0.81, not
 * 0.81000000000000005), always with a "." or exponent. */
gchar *tp_json_to_string (JsonNode * node, gboolean pretty);

/* Writes @node to @dir/metadata.json through a temporary file and rename. */
gboolean tp_metadata_write (JsonNode * node, const gchar * dir,
    GError ** error);

#define TP_METADATA_ERROR (tp_metadata_error_quark ())

typedef enum
{
  TP_METADATA_ERROR_READ,       /* the file cannot be read as a file */
  TP_METADATA_ERROR_INVALID,    /* it is not what trial-process writes */
} TpMetadataError;

GQuark tp_metadata_error_quark (void);

/* What --summarize reads back of a job's metadata.json. */
typedef struct
{
  guint64 total_frames;
  guint64 successful;
  guint64 failed;
  gboolean complete;
  gboolean interrupted;
  gchar *error;                 /* the job's error, "" when none */
  gdouble processing_time_seconds;      /* of its last run */
  gdouble converted_frames;     /* frames its last run converted */
  GArray *failed_frames;        /* TpFailure, by frame number, then stream */
} TpMetadataRecord;

/* Reads @path into @record, checking every field it needs against the
 * schema that tp_metadata_build() writes. On failure @record is cleared and
 * @error (G_FILE_ERROR or TP_METADATA_ERROR) names the file and says what
 * was expected and what was found. */
gboolean tp_metadata_read (const gchar * path, TpMetadataRecord * record,
    GError ** error);

void tp_metadata_record_clear (TpMetadataRecord * record);

G_END_DECLS
