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

G_END_DECLS
