/* trial-process: metadata.json, the record of one job (TRIAL_FORMAT.md §3). */
#pragma once

#include <json-glib/json-glib.h>
#include "job.h"

G_BEGIN_DECLS

/* The seed tool's fields with the same names and types, plus ours. */
JsonNode *tp_metadata_build (const TpJob * job, const TpOptions * options);

/* Writes @node to @dir/metadata.json through a temporary file and rename. */
gboolean tp_metadata_write (JsonNode * node, const gchar * dir,
    GError ** error);

G_END_DECLS
