/* trial-process --summarize: walks an output folder, reads each job's
 * metadata.json (tp_metadata_read(): metadata.c owns its schema) and
 * prints the totals and every job that is incomplete or has failed frames,
 * as text or as one JSON object.
 *
 * A job is a folder holding metadata.json, or color/ or depth/ without it: a
 * job writes metadata.json only when it ends, so one without it was killed
 * (SIGKILL, a node lost) or is still running. A metadata.json that cannot be
 * read or does not hold what trial-process writes is reported as such: its
 * job counts as incomplete, since nothing it says can be trusted.
 *
 * Every output file (color/ *.png, depth/ *.npy) is checked as --resume checks
 * it (gst/trial/output.h); a job with a damaged one is not complete, whatever
 * its metadata.json says: --resume converts those frames again. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gst/trial/output.h"
#include "metadata.h"
#include "summary.h"

/* Outputs are <root>/<trial>/<camera>; the walk stops well below that, so a
 * deep tree given by mistake cannot keep it going (symlinks are never
 * followed, so there are no loops). */
#define MAX_DEPTH 8
/* Failed frames shown per job; the rest stay in its metadata.json. */
#define MAX_FAILED_SHOWN 10

typedef enum
{
  JOB_COMPLETE,
  JOB_INTERRUPTED,
  JOB_STOPPED,
  JOB_INCOMPLETE,
  JOB_NO_METADATA,
  JOB_BAD_METADATA,
  JOB_DAMAGED,
} JobOutputState;

static const gchar *const state_names[] = {
  "complete", "interrupted", "stopped", "incomplete", "no-metadata",
  "bad-metadata", "damaged"
};

/* One job's output folder as --summarize finds it (the job itself is
 * trial-process's TpJob, job.h). */
typedef struct
{
  gchar *name;                  /* folder relative to the root */
  gchar *dir;                   /* folder as a path */
  JobOutputState state;
  gchar *reason;                /* the job's error, or what is wrong */
  gboolean counted;             /* the counts come from metadata.json */
  guint64 total, successful, failed;
  gdouble seconds;              /* processing time of its last run */
  gdouble converted;            /* frames its last run converted */
  GArray *failures;             /* TpFailure, by frame number */
  GPtrArray *damaged;           /* what is wrong with each damaged output */
} JobOutput;

typedef struct
{
  const gchar *root;
  GPtrArray *jobs;              /* JobOutput */
  GHashTable *trials;           /* folders holding the jobs */
  GPtrArray *unreadable;        /* messages about folders not listed */
} Summary;

static void
job_output_free (gpointer data)
{
  JobOutput *job = data;

  g_free (job->name);
  g_free (job->dir);
  g_free (job->reason);
  g_clear_pointer (&job->failures, g_array_unref);
  g_ptr_array_unref (job->damaged);
  g_free (job);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Adds to @job->damaged each file of @dir/@stream named *.@ext that is not
 * whole, in name order. Temporary files (".name.tmp-XXXXXX") are not
 * outputs. */
static void
check_outputs (JobOutput * job, const gchar * stream, const gchar * ext)
{
  g_autofree gchar *dir = g_build_filename (job->dir, stream, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint i;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d))) {
    if (name[0] != '.' && g_str_has_suffix (name, ext))
      g_ptr_array_add (names, g_strdup (name));
  }
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++) {
    g_autofree gchar *path = g_build_filename (dir,
        (const gchar *) g_ptr_array_index (names, i), NULL);
    g_autoptr (GError) error = NULL;

    if (!gst_trial_output_check (path, &error))
      g_ptr_array_add (job->damaged, g_strdup (error->message));
  }
}

/* Takes the counts, times and failed frames of @record; the state from
 * its flags and error. */
static void
job_output_take_record (JobOutput * job, TpMetadataRecord * record)
{
  job->counted = TRUE;
  job->total = record->total_frames;
  job->successful = record->successful;
  job->failed = record->failed;
  job->seconds = record->processing_time_seconds;
  job->converted = record->converted_frames;
  g_clear_pointer (&job->failures, g_array_unref);
  job->failures = g_steal_pointer (&record->failed_frames);
  if (record->complete)
    job->state = JOB_COMPLETE;
  else if (record->interrupted)
    job->state = JOB_INTERRUPTED;
  else if (*record->error) {
    job->state = JOB_STOPPED;
    job->reason = g_strdup (record->error);
  } else
    job->state = JOB_INCOMPLETE;
  tp_metadata_record_clear (record);
}

static void
add_job (Summary * s, const gchar * dir, const gchar * rel,
    gboolean has_metadata)
{
  JobOutput *job = g_new0 (JobOutput, 1);
  g_autofree gchar *path = g_build_filename (dir, "metadata.json", NULL);
  g_autoptr (GError) error = NULL;
  TpMetadataRecord record;

  job->dir = g_strdup (dir);
  job->name = g_strdup (*rel ? rel : dir);
  job->failures = g_array_new (FALSE, TRUE, sizeof (TpFailure));
  job->damaged = g_ptr_array_new_with_free_func (g_free);
  if (!has_metadata)
    job->state = JOB_NO_METADATA;
  else if (tp_metadata_read (path, &record, &error))
    job_output_take_record (job, &record);
  else {
    job->state = JOB_BAD_METADATA;
    job->reason = g_strdup (error->message);
  }
  check_outputs (job, "color", ".png");
  check_outputs (job, "depth", ".npy");
  if (job->damaged->len > 0 && job->state == JOB_COMPLETE) {
    job->state = JOB_DAMAGED;
    job->reason = g_strdup_printf ("%u output file%s damaged",
        job->damaged->len, job->damaged->len == 1 ? " is" : "s are");
  }
  g_ptr_array_add (s->jobs, job);
  g_hash_table_add (s->trials, g_path_get_dirname (dir));
}

static gboolean
is_folder (const gchar * dir, const gchar * name)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static void
walk (Summary * s, const gchar * dir, const gchar * rel, guint depth)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, &error);
  const gchar *name;
  gboolean has_metadata = FALSE, has_streams = FALSE;
  guint i;

  if (d == NULL) {
    g_ptr_array_add (s->unreadable, g_strdup (error->message));
    return;
  }
  while ((name = g_dir_read_name (d))) {
    if (strcmp (name, "metadata.json") == 0)
      has_metadata = TRUE;
    else if ((strcmp (name, "color") == 0 || strcmp (name, "depth") == 0)
        && is_folder (dir, name))
      has_streams = TRUE;
    g_ptr_array_add (names, g_strdup (name));
  }
  g_dir_close (d);
  if (has_metadata || has_streams) {
    add_job (s, dir, rel, has_metadata);
    return;
  }
  if (depth == MAX_DEPTH)
    return;
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++) {
    const gchar *sub = g_ptr_array_index (names, i);
    g_autofree gchar *path = NULL, *sub_rel = NULL;

    if (!is_folder (dir, sub))
      continue;
    path = g_build_filename (dir, sub, NULL);
    sub_rel = *rel ? g_build_filename (rel, sub, NULL) : g_strdup (sub);
    walk (s, path, sub_rel, depth + 1);
  }
}

typedef struct
{
  guint complete, incomplete, with_failures, damaged;
  guint64 total, successful, failed;
  gdouble seconds, converted;
} Totals;

static Totals
add_up (const Summary * s)
{
  Totals t = { 0 };
  guint i;

  for (i = 0; i < s->jobs->len; i++) {
    const JobOutput *job = g_ptr_array_index (s->jobs, i);
    if (job->state == JOB_COMPLETE)
      t.complete++;
    else
      t.incomplete++;
    if (job->failed > 0)
      t.with_failures++;
    t.damaged += job->damaged->len;
    t.total += job->total;
    t.successful += job->successful;
    t.failed += job->failed;
    t.seconds += job->seconds;
    t.converted += job->converted;
  }
  return t;
}

static TpSummaryStatus
status_of (const Summary * s, const Totals * t)
{
  if (t->incomplete > 0 || s->unreadable->len > 0)
    return TP_SUMMARY_INCOMPLETE;
  return t->failed > 0 ? TP_SUMMARY_FRAMES_FAILED : TP_SUMMARY_COMPLETE;
}

static gboolean
is_problem (const JobOutput * job)
{
  return job->state != JOB_COMPLETE || job->failed > 0
      || job->damaged->len > 0;
}

static void
print_job (const JobOutput * job)
{
  guint i, shown = MIN (job->failures->len, MAX_FAILED_SHOWN);

  if (job->state == JOB_NO_METADATA)
    printf ("  %s: no metadata.json: killed before it ended, or still "
        "running\n", job->name);
  else if (job->state == JOB_BAD_METADATA)
    printf ("  %s: bad metadata.json: %s\n", job->name, job->reason);
  else
    printf ("  %s: %s%s%s, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
        " frames written, %" G_GUINT64_FORMAT " failed\n", job->name,
        state_names[job->state], job->reason ? ": " : "",
        job->reason ? job->reason : "", job->successful, job->total,
        job->failed);
  for (i = 0; i < shown; i++) {
    const TpFailure *f = &g_array_index (job->failures, TpFailure, i);
    printf ("    frame %" G_GINT64_FORMAT " %s: %s\n", f->frame, f->stream,
        f->reason);
  }
  if (job->failures->len > shown)
    printf ("    ... %u more in %s%smetadata.json\n",
        job->failures->len - shown, job->dir, G_DIR_SEPARATOR_S);
  shown = MIN (job->damaged->len, MAX_FAILED_SHOWN);
  for (i = 0; i < shown; i++)
    printf ("    %s\n", (const gchar *) g_ptr_array_index (job->damaged, i));
  if (job->damaged->len > shown)
    printf ("    ... %u more damaged output files\n",
        job->damaged->len - shown);
}

static const gchar *
plural (guint64 n, const gchar * one, const gchar * many)
{
  return n == 1 ? one : many;
}

static void
print_text (const Summary * s, const Totals * t, TpSummaryStatus status)
{
  guint i;

  printf ("%s: %u %s, %u %s (one per camera)\n", s->root,
      g_hash_table_size (s->trials), plural (g_hash_table_size (s->trials),
          "trial", "trials"), s->jobs->len, plural (s->jobs->len, "job",
          "jobs"));
  printf ("  jobs: %u complete, %u incomplete, %u with failed frames\n",
      t->complete, t->incomplete, t->with_failures);
  printf ("  frames: %" G_GUINT64_FORMAT " in all, %" G_GUINT64_FORMAT
      " written, %" G_GUINT64_FORMAT " failed\n", t->total, t->successful,
      t->failed);
  if (t->damaged > 0)
    printf ("  damaged output files: %u (--resume converts their frames "
        "again)\n", t->damaged);
  printf ("  speed: %.0f frames converted in %.2f s of job time, %.1f fps\n",
      t->converted, t->seconds, t->seconds > 0 ? t->converted / t->seconds :
      0.0);
  if (s->unreadable->len > 0) {
    printf ("folders that could not be read:\n");
    for (i = 0; i < s->unreadable->len; i++)
      printf ("  %s\n", (const gchar *) g_ptr_array_index (s->unreadable,
              i));
  }
  if (t->incomplete > 0 || t->with_failures > 0) {
    printf ("incomplete jobs and failed frames:\n");
    for (i = 0; i < s->jobs->len; i++) {
      const JobOutput *job = g_ptr_array_index (s->jobs, i);
      if (is_problem (job))
        print_job (job);
    }
  }
  if (status == TP_SUMMARY_COMPLETE)
    printf ("every job complete, no failed frame\n");
  else if (status == TP_SUMMARY_FRAMES_FAILED)
    printf ("every job complete; %" G_GUINT64_FORMAT " %s failed, "
        "reasons above\n", t->failed, plural (t->failed, "frame", "frames"));
  else
    printf ("not complete: run the same command again (with --resume) to "
        "finish %u incomplete %s\n", t->incomplete, plural (t->incomplete,
            "job", "jobs"));
}

/* Names are bytes and may not be UTF-8; JSON is UTF-8 (as in metadata.c). */
static void
add_text (JsonBuilder * b, const gchar * name, const gchar * text)
{
  g_autofree gchar *valid = text ? g_utf8_make_valid (text, -1) : NULL;

  json_builder_set_member_name (b, name);
  if (valid)
    json_builder_add_string_value (b, valid);
  else
    json_builder_add_null_value (b);
}

static void
add_text_value (JsonBuilder * b, const gchar * text)
{
  g_autofree gchar *valid = g_utf8_make_valid (text, -1);

  json_builder_add_string_value (b, valid);
}

static void
add_int (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_count (JsonBuilder * b, const gchar * name, const JobOutput * job,
    guint64 value)
{
  json_builder_set_member_name (b, name);
  if (job->counted)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
build_job (JsonBuilder * b, const JobOutput * job)
{
  guint i, shown = MIN (job->failures->len, MAX_FAILED_SHOWN);

  json_builder_begin_object (b);
  add_text (b, "job", job->name);
  add_text (b, "path", job->dir);
  add_text (b, "state", state_names[job->state]);
  add_text (b, "reason", job->reason);
  add_count (b, "total_frames", job, job->total);
  add_count (b, "successful", job, job->successful);
  add_count (b, "failed", job, job->failed);
  json_builder_set_member_name (b, "failed_frames");
  json_builder_begin_array (b);
  for (i = 0; i < shown; i++) {
    const TpFailure *f = &g_array_index (job->failures, TpFailure, i);
    json_builder_begin_object (b);
    add_int (b, "frame", f->frame);
    add_text (b, "stream", f->stream);
    add_text (b, "reason", f->reason);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  add_int (b, "failed_frames_not_shown", job->failures->len - shown);
  shown = MIN (job->damaged->len, MAX_FAILED_SHOWN);
  json_builder_set_member_name (b, "damaged_outputs");
  json_builder_begin_array (b);
  for (i = 0; i < shown; i++)
    add_text_value (b, g_ptr_array_index (job->damaged, i));
  json_builder_end_array (b);
  add_int (b, "damaged_outputs_not_shown", job->damaged->len - shown);
  json_builder_end_object (b);
}

static void
print_json (const Summary * s, const Totals * t, TpSummaryStatus status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  guint i;

  json_builder_begin_object (b);
  add_text (b, "root", s->root);
  add_int (b, "status", status);
  add_int (b, "trials", g_hash_table_size (s->trials));
  add_int (b, "jobs", s->jobs->len);
  add_int (b, "complete_jobs", t->complete);
  add_int (b, "incomplete_jobs", t->incomplete);
  add_int (b, "jobs_with_failed_frames", t->with_failures);
  add_int (b, "total_frames", t->total);
  add_int (b, "successful", t->successful);
  add_int (b, "failed", t->failed);
  add_int (b, "damaged_outputs", t->damaged);
  add_int (b, "converted_frames", llround (t->converted));
  json_builder_set_member_name (b, "processing_time_seconds");
  json_builder_add_double_value (b, tp_json_round2 (t->seconds));
  json_builder_set_member_name (b, "processing_fps");
  json_builder_add_double_value (b, tp_json_round2 (t->seconds > 0 ?
          t->converted / t->seconds : 0.0));
  json_builder_set_member_name (b, "problems");
  json_builder_begin_array (b);
  for (i = 0; i < s->jobs->len; i++) {
    const JobOutput *job = g_ptr_array_index (s->jobs, i);
    if (is_problem (job))
      build_job (b, job);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "unreadable_folders");
  json_builder_begin_array (b);
  for (i = 0; i < s->unreadable->len; i++) {
    g_autofree gchar *valid =
        g_utf8_make_valid (g_ptr_array_index (s->unreadable, i), -1);
    json_builder_add_string_value (b, valid);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = tp_json_to_string (root, TRUE);
  printf ("%s\n", text);
}

TpSummaryStatus
tp_summarize (const gchar * root, gboolean json)
{
  Summary s = { root, NULL, NULL, NULL };
  TpSummaryStatus status;
  Totals t;
  GStatBuf st;

  if (g_stat (root, &st) != 0) {
    g_printerr ("trial-process: --summarize: cannot read '%s': %s\n", root,
        g_strerror (errno));
    return TP_SUMMARY_NO_OUTPUT;
  }
  if (!S_ISDIR (st.st_mode)) {
    g_printerr ("trial-process: --summarize: '%s' is not a folder; expected "
        "the output folder given to -o\n", root);
    return TP_SUMMARY_NO_OUTPUT;
  }

  s.jobs = g_ptr_array_new_with_free_func (job_output_free);
  s.trials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s.unreadable = g_ptr_array_new_with_free_func (g_free);
  walk (&s, root, "", 0);

  if (s.jobs->len == 0 && s.unreadable->len == 0) {
    g_printerr ("trial-process: --summarize: no job below '%s': expected "
        "<trial>/<camera>/metadata.json as trial-process -o '%s' writes\n",
        root, root);
    status = TP_SUMMARY_NO_OUTPUT;
  } else {
    t = add_up (&s);
    status = status_of (&s, &t);
    if (json)
      print_json (&s, &t, status);
    else
      print_text (&s, &t, status);
  }

  g_ptr_array_unref (s.jobs);
  g_hash_table_unref (s.trials);
  g_ptr_array_unref (s.unreadable);
  return status;
}
