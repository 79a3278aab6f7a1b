/* trial-process: metadata.json, the record of one job (docs/user-guide.md,
 * "metadata.json"). */
#pragma once

#include <json-glib/json-glib.h>
#include "job.h"

G_BEGIN_DECLS

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
