/* gst-trial tests: trialconvert — output pixels and values, passthrough,
 * failed frames, order under a thread pool, flushing, EOS, downstream flow
 * returns, caps negotiation, the shared pool, and a state-change stress. */
#include <string.h>
#include <png.h>
#include <zlib.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gst/trial/colormap.h"
#include "gst/trial/framemeta.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/sample.h"
#include "gst/trial/pool.h"
#include "gst/trial/tsan.h"

#define FPS 30

/* ---- inputs ---- */

static GstTrialImage *
sample_color (guint width, guint height, gint64 number)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  GError *error = NULL;
  GstTrialImage *image;

  options.width = width;
  options.height = height;
  image = gst_trial_sample_color (&options, 0, number, &error);
  fail_unless (image != NULL, "sample color: %s", error ? error->message : "?");
  return image;
}

static GstTrialImage *
sample_depth (guint width, guint height, gint64 number)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  GError *error = NULL;
  GstTrialImage *image;

  options.width = width;
  options.height = height;
  image = gst_trial_sample_depth (&options, 0, number, &error);
  fail_unless (image != NULL, "sample depth: %s", error ? error->message : "?");
  return image;
}

static GBytes *
encode_png (const GstTrialImage * image)
{
  GError *error = NULL;
  GBytes *bytes = gst_trial_png_encode (image, 1, &error);

  fail_unless (bytes != NULL, "png encode: %s", error ? error->message : "?");
  return bytes;
}

static void
png_write_cb (png_structp png, png_bytep data, png_size_t length)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) length);
}

static void
png_flush_cb (png_structp png)
{
  (void) png;
}

/* A PNG of any kind libpng writes (16-bit, palette, interlaced), for inputs
 * our own encoder does not produce. @rows are packed, big-endian samples. */
static GBytes *
write_png (guint width, guint height, int color_type, int bit_depth,
    gboolean interlaced, const guint8 * rows, gsize row_bytes,
    const png_color * palette, int n_palette)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_bytep *row_pointers = g_new (png_bytep, height);
  guint y;

  fail_if (setjmp (png_jmpbuf (png)), "libpng failed writing a test PNG");
  png_set_write_fn (png, out, png_write_cb, png_flush_cb);
  png_set_IHDR (png, info, width, height, bit_depth, color_type,
      interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (palette != NULL)
    png_set_PLTE (png, info, palette, n_palette);
  png_write_info (png, info);
  for (y = 0; y < height; y++)
    row_pointers[y] = (png_bytep) rows + y * row_bytes;
  png_write_image (png, row_pointers);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (row_pointers);
  return g_byte_array_free_to_bytes (out);
}

/* GST_WRITE_UINT32_LE stores unaligned words, which UBSan reports. */
static void
put_le (guint8 * p, guint32 v, guint bytes)
{
  guint i;

  for (i = 0; i < bytes; i++)
    p[i] = (guint8) (v >> (8 * i));
}

/* 24-bit bottom-up BMP with rows padded to 4 bytes. */
static GBytes *
write_bmp (const GstTrialImage * rgb)
{
  guint row = (rgb->width * 3 + 3) & ~3u;
  gsize size = 54 + (gsize) row * rgb->height;
  guint8 *b = g_malloc0 (size);
  guint x, y;

  b[0] = 'B';
  b[1] = 'M';
  put_le (b + 2, size, 4);
  put_le (b + 10, 54, 4);
  put_le (b + 14, 40, 4);
  put_le (b + 18, rgb->width, 4);
  put_le (b + 22, rgb->height, 4);
  put_le (b + 26, 1, 2);
  put_le (b + 28, 24, 2);
  put_le (b + 34, row * rgb->height, 4);
  for (y = 0; y < rgb->height; y++) {
    const guint8 *src = rgb->data + (gsize) (rgb->height - 1 - y) * rgb->stride;
    guint8 *dst = b + 54 + (gsize) y * row;

    for (x = 0; x < rgb->width; x++) {
      dst[3 * x] = src[3 * x + 2];
      dst[3 * x + 1] = src[3 * x + 1];
      dst[3 * x + 2] = src[3 * x];
    }
  }
  return g_bytes_new_take (b, size);
}

/* A v1.0 .npy file of '<u2' (height, width), as numpy.save writes it. */
static GBytes *
write_npy_u2 (const GstTrialImage * depth)
{
  g_autofree gchar *dict = g_strdup_printf ("{'descr': '<u2', "
      "'fortran_order': False, 'shape': (%u, %u), }", depth->height,
      depth->width);
  gsize header = 10 + strlen (dict) + 1;
  gsize padded = (header + 63) / 64 * 64;
  gsize data = (gsize) depth->width * depth->height * 2;
  guint8 *b = g_malloc (padded + data);

  memcpy (b, "\x93NUMPY\x01\x00", 8);
  put_le (b + 8, padded - 10, 2);
  memcpy (b + 10, dict, strlen (dict));
  memset (b + 10 + strlen (dict), ' ', padded - header);
  b[padded - 1] = '\n';
  memcpy (b + padded, depth->data, data);
  return g_bytes_new_take (b, padded + data);
}

static GstBuffer *
frame_buffer (GBytes * bytes, gint64 number, guint index)
{
  GstBuffer *buffer = gst_buffer_new_wrapped_bytes (bytes);

  GST_BUFFER_OFFSET (buffer) = number;
  GST_BUFFER_OFFSET_END (buffer) = number + 1;
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (index, GST_SECOND, FPS);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (1, GST_SECOND, FPS);
  return buffer;
}

static GstBuffer *
gap_buffer (gint64 number, guint index)
{
  GstBuffer *buffer = gst_buffer_new ();

  GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_GAP);
  GST_BUFFER_OFFSET (buffer) = number;
  GST_BUFFER_OFFSET_END (buffer) = number + 1;
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (index, GST_SECOND, FPS);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (1, GST_SECOND, FPS);
  return buffer;
}

/* ---- gated input: its map blocks until the test opens the gate ----
 *
 * trialconvert maps an input buffer in the pool thread that converts it, so
 * a gated buffer holds that thread at a point the test knows: the test can
 * wait until N conversions are running at once, act (flush), then let them
 * finish and wait until their jobs are freed. Waits time out after 60 s,
 * only to turn a hang into a failure. */
#define GATE_TIMEOUT (60 * G_TIME_SPAN_SECOND)

typedef struct
{
  GMutex lock;
  GCond cond;
  guint mapped;                 /* maps entered */
  guint freed;                  /* gated memories freed */
  gboolean open;
} Gate;

typedef struct
{
  GstMemory mem;
  GBytes *bytes;
  Gate *gate;
} GatedMemory;

/* GMutex and GCond are invisible to ThreadSanitizer (gst/trial/tsan.h):
 * every lock and wait marks its edges. */
static void
gate_lock (Gate * gate)
{
  g_mutex_lock (&gate->lock);
  GST_TRIAL_TSAN_ACQUIRE (&gate->lock);
}

static void
gate_unlock (Gate * gate)
{
  GST_TRIAL_TSAN_RELEASE (&gate->lock);
  g_mutex_unlock (&gate->lock);
}

static gboolean
gate_wait_until (Gate * gate, gint64 deadline)
{
  gboolean woken;

  GST_TRIAL_TSAN_RELEASE (&gate->lock);
  woken = g_cond_wait_until (&gate->cond, &gate->lock, deadline);
  GST_TRIAL_TSAN_ACQUIRE (&gate->lock);
  return woken;
}

typedef GstAllocator GateAllocator;
typedef GstAllocatorClass GateAllocatorClass;
static GType gate_allocator_get_type (void);
G_DEFINE_TYPE (GateAllocator, gate_allocator, GST_TYPE_ALLOCATOR);

static gpointer
gated_map (GstMemory * mem, gsize maxsize, GstMapFlags flags)
{
  GatedMemory *m = (GatedMemory *) mem;
  Gate *gate = m->gate;
  gint64 deadline = g_get_monotonic_time () + GATE_TIMEOUT;

  (void) maxsize;
  (void) flags;
  gate_lock (gate);
  gate->mapped++;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    if (!gate_wait_until (gate, deadline))
      g_error ("a gated frame waited 60 s for its gate to open");
  gate_unlock (gate);
  return (gpointer) g_bytes_get_data (m->bytes, NULL);
}

static void
gated_unmap (GstMemory * mem)
{
  (void) mem;
}

static void
gate_allocator_free (GstAllocator * allocator, GstMemory * mem)
{
  GatedMemory *m = (GatedMemory *) mem;
  Gate *gate = m->gate;

  (void) allocator;
  g_bytes_unref (m->bytes);
  g_free (m);
  gate_lock (gate);
  gate->freed++;
  g_cond_broadcast (&gate->cond);
  gate_unlock (gate);
}

static void
gate_allocator_class_init (GateAllocatorClass * klass)
{
  klass->alloc = NULL;
  klass->free = gate_allocator_free;
}

static void
gate_allocator_init (GateAllocator * allocator)
{
  allocator->mem_type = "TrialGatedMemory";
  allocator->mem_map = gated_map;
  allocator->mem_unmap = gated_unmap;
  GST_OBJECT_FLAG_SET (allocator, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

static void
gate_init (Gate * gate)
{
  memset (gate, 0, sizeof *gate);
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
}

static void
gate_clear (Gate * gate)
{
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
}

/* A frame like frame_buffer() whose one memory is gated by @gate. */
static GstBuffer *
gated_buffer (Gate * gate, GBytes * bytes, gint64 number, guint index)
{
  static GstAllocator *allocator;
  GatedMemory *m = g_new0 (GatedMemory, 1);
  gsize size = g_bytes_get_size (bytes);
  GstBuffer *buffer = gst_buffer_new ();

  if (g_once_init_enter (&allocator))
    g_once_init_leave (&allocator, g_object_new (gate_allocator_get_type (),
            NULL));
  gst_memory_init (GST_MEMORY_CAST (m), GST_MEMORY_FLAG_READONLY, allocator,
      NULL, size, 0, 0, size);
  m->bytes = bytes;
  m->gate = gate;
  gst_buffer_append_memory (buffer, GST_MEMORY_CAST (m));
  GST_BUFFER_OFFSET (buffer) = number;
  GST_BUFFER_OFFSET_END (buffer) = number + 1;
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (index, GST_SECOND, FPS);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (1, GST_SECOND, FPS);
  return buffer;
}

/* Waits until *@counter (a field of @gate) reaches @n. */
static void
gate_wait (Gate * gate, const guint * counter, guint n, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + GATE_TIMEOUT;

  gate_lock (gate);
  while (*counter < n)
    if (!gate_wait_until (gate, deadline))
      break;
  fail_unless (*counter >= n, "after 60 s %u of %u %s", *counter, n, what);
  gate_unlock (gate);
}

static void
gate_open (Gate * gate)
{
  gate_lock (gate);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  gate_unlock (gate);
}

/* ---- harness around one trialconvert ---- */

/* The harness hands buffers to the test thread through a GAsyncQueue,
 * which ThreadSanitizer cannot see (gst/trial/tsan.h): mark the edge
 * from the pushing thread to the one that pulls. */
static GstPadProbeReturn
release_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  (void) pad;
  (void) user_data;
  GST_TRIAL_TSAN_RELEASE (info->data);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
acquire_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  (void) pad;
  (void) user_data;
  GST_TRIAL_TSAN_ACQUIRE (info->data);
  return GST_PAD_PROBE_OK;
}

static void
watch_handoff (GstHarness * h)
{
  gst_pad_add_probe (h->sinkpad, GST_PAD_PROBE_TYPE_BUFFER, release_probe,
      NULL, NULL);
}

static GstBuffer *
acquired (GstBuffer * buffer)
{
  if (buffer != NULL)
    GST_TRIAL_TSAN_ACQUIRE (buffer);
  return buffer;
}

static GstBuffer *
pull (GstHarness * h)
{
  return acquired (gst_harness_pull (h));
}

static GstBuffer *
try_pull (GstHarness * h)
{
  return acquired (gst_harness_try_pull (h));
}

/* @props: NULL-terminated name/value pairs for g_object_set. Sink caps are
 * set before the source caps so that the element sees what downstream
 * accepts when it negotiates. */
static GstHarness *
harness_new (const gchar * src_caps, const gchar * sink_caps, GstBus * bus,
    const gchar * first_property, ...)
{
  GstElement *element = gst_element_factory_make ("trialconvert", NULL);
  GstHarness *h;
  va_list args;

  fail_unless (element != NULL);
  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (element), first_property, args);
  va_end (args);
  if (bus != NULL)
    gst_element_set_bus (element, bus);
  h = gst_harness_new_with_element (element, "sink", "src");
  gst_object_unref (element);
  watch_handoff (h);
  if (sink_caps != NULL)
    gst_harness_set_sink_caps_str (h, sink_caps);
  if (src_caps != NULL)
    gst_harness_set_src_caps_str (h, src_caps);
  return h;
}

static void
assert_frame (GstBuffer * buffer, gint64 number, guint index)
{
  fail_unless (buffer != NULL, "no buffer for frame %" G_GINT64_FORMAT,
      number);
  assert_equals_uint64 (GST_BUFFER_OFFSET (buffer), number);
  assert_equals_uint64 (GST_BUFFER_OFFSET_END (buffer), number + 1);
  assert_equals_uint64 (GST_BUFFER_PTS (buffer),
      gst_util_uint64_scale (index, GST_SECOND, FPS));
  assert_equals_uint64 (GST_BUFFER_DURATION (buffer),
      gst_util_uint64_scale (1, GST_SECOND, FPS));
}

static void
assert_gap (GstBuffer * buffer, gint64 number, guint index)
{
  assert_frame (buffer, number, index);
  fail_unless (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP));
  assert_equals_uint64 (gst_buffer_get_size (buffer), 0);
}

static void
assert_output_caps (GstHarness * h, const gchar * expected)
{
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstCaps *want = gst_caps_from_string (expected);

  fail_unless (caps != NULL, "no caps downstream");
  fail_unless (gst_caps_is_equal (caps, want), "caps %" GST_PTR_FORMAT
      ", expected %" GST_PTR_FORMAT, caps, want);
  gst_caps_unref (caps);
  gst_caps_unref (want);
}

static GstTrialImage *
decode_png_buffer (GstBuffer * buffer, GstTrialPixelFormat format)
{
  GstMapInfo map;
  GError *error = NULL;
  GstTrialImage *image;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  image = gst_trial_png_decode (map.data, map.size, format, &error);
  gst_buffer_unmap (buffer, &map);
  fail_unless (image != NULL, "output is not a PNG: %s",
      error ? error->message : "?");
  return image;
}

static void
assert_same_pixels (const GstTrialImage * a, const GstTrialImage * b)
{
  assert_equals_int (a->width, b->width);
  assert_equals_int (a->height, b->height);
  assert_equals_int (a->format, b->format);
  fail_unless (memcmp (a->data, b->data, a->stride * a->height) == 0,
      "pixels differ");
}

static gboolean
buffer_equals_bytes (GstBuffer * buffer, GBytes * bytes)
{
  gsize size = g_bytes_get_size (bytes);

  return gst_buffer_get_size (buffer) == size
      && gst_buffer_memcmp (buffer, 0, g_bytes_get_data (bytes, NULL),
      size) == 0;
}

/* The next warning on @bus, or NULL when there is none. */
static GstMessage *
pop_warning (GstBus * bus)
{
  return gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
}

static void
assert_frame_warning (GstBus * bus, gint code, gint64 frame,
    const gchar * stream, const gchar * reason_part)
{
  GstMessage *msg = pop_warning (bus);
  GError *error = NULL;
  const GstStructure *details = NULL;
  g_autofree gchar *expected_start = g_strdup_printf ("frame %"
      G_GINT64_FORMAT ": ", frame);
  gint64 got_frame;

  fail_unless (msg != NULL, "no warning for frame %" G_GINT64_FORMAT, frame);
  gst_message_parse_warning (msg, &error, NULL);
  fail_unless (error->domain == GST_STREAM_ERROR);
  assert_equals_int (error->code, code);
  fail_unless (g_str_has_prefix (error->message, expected_start),
      "message '%s'", error->message);
  fail_unless (strstr (error->message, reason_part) != NULL,
      "message '%s' lacks '%s'", error->message, reason_part);
  gst_message_parse_warning_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_int64 (details, "frame", &got_frame));
  assert_equals_int64 (got_frame, frame);
  assert_equals_string (gst_structure_get_string (details, "stream"), stream);
  fail_unless (strstr (gst_structure_get_string (details, "reason"),
          reason_part) != NULL);
  fail_unless (g_str_has_suffix (error->message,
          gst_structure_get_string (details, "reason")));
  g_error_free (error);
  gst_message_unref (msg);
}

/* ---- color ---- */

GST_START_TEST (test_color_png_reencode)
{
  g_autoptr (GstTrialImage) src = sample_color (96, 64, 7);
  g_autoptr (GstTrialImage) out = NULL;
  GBytes *png = encode_png (src);
  GstHarness *h = harness_new ("image/png, width=96, height=64, "
      "framerate=30/1", NULL, NULL, "color-mode", 1, NULL);
  GstBuffer *buffer;

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (png, 7, 0)),
      GST_FLOW_OK);
  buffer = pull (h);
  assert_frame (buffer, 7, 0);
  fail_if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP));
  assert_output_caps (h, "image/png, width=96, height=64, framerate=30/1");
  out = decode_png_buffer (buffer, GST_TRIAL_PIXEL_RGB8);
  assert_same_pixels (out, src);

  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_color_png_passthrough)
{
  g_autoptr (GstTrialImage) src = sample_color (96, 64, 3);
  GBytes *png = encode_png (src);
  GstHarness *h = harness_new ("image/png, width=96, height=64, "
      "framerate=30/1", NULL, NULL, NULL);
  GstBuffer *buffer;

  gst_harness_push (h, frame_buffer (g_bytes_ref (png), 3, 0));
  buffer = pull (h);
  assert_frame (buffer, 3, 0);
  fail_unless (buffer_equals_bytes (buffer, png),
      "an intact 8-bit RGB PNG must come out byte for byte");

  gst_buffer_unref (buffer);
  g_bytes_unref (png);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* 16-bit RGB, palette, 16-bit gray and interlaced PNGs in auto mode: all
 * come out as 8-bit RGB PNGs with the pixels any reader decodes. */
GST_START_TEST (test_color_png_kinds)
{
  const guint w = 37, h_ = 23;
  g_autoptr (GstTrialImage) src = sample_color (w, h_, 1);
  g_autofree guint8 *rgb16 = g_malloc ((gsize) w * h_ * 6);
  g_autofree guint8 *gray16 = g_malloc ((gsize) w * h_ * 2);
  g_autofree guint8 *index = g_malloc ((gsize) w * h_);
  g_autoptr (GstTrialImage) want16 = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8,
      w, h_, NULL);
  g_autoptr (GstTrialImage) want_gray = gst_trial_image_new
      (GST_TRIAL_PIXEL_RGB8, w, h_, NULL);
  g_autoptr (GstTrialImage) want_pal = gst_trial_image_new
      (GST_TRIAL_PIXEL_RGB8, w, h_, NULL);
  png_color palette[16];
  GBytes *inputs[4];
  const GstTrialImage *wanted[4];
  GstHarness *h;
  gsize i;
  guint k;

  for (i = 0; i < (gsize) w * h_ * 3; i++) {
    /* high byte = the 8-bit pixel, low byte noise that must be dropped */
    rgb16[2 * i] = src->data[i];
    rgb16[2 * i + 1] = (guint8) (i * 37);
    want16->data[i] = src->data[i];
  }
  for (i = 0; i < (gsize) w * h_; i++) {
    gray16[2 * i] = (guint8) (i * 7);
    gray16[2 * i + 1] = (guint8) (i * 13);
    want_gray->data[3 * i] = want_gray->data[3 * i + 1] =
        want_gray->data[3 * i + 2] = (guint8) (i * 7);
    index[i] = (guint8) (i % 16);
  }
  for (k = 0; k < 16; k++) {
    palette[k].red = (png_byte) (k * 16);
    palette[k].green = (png_byte) (255 - k * 9);
    palette[k].blue = (png_byte) (k * k);
  }
  for (i = 0; i < (gsize) w * h_; i++) {
    want_pal->data[3 * i] = palette[i % 16].red;
    want_pal->data[3 * i + 1] = palette[i % 16].green;
    want_pal->data[3 * i + 2] = palette[i % 16].blue;
  }

  inputs[0] = write_png (w, h_, PNG_COLOR_TYPE_RGB, 16, FALSE, rgb16, w * 6,
      NULL, 0);
  wanted[0] = want16;
  inputs[1] = write_png (w, h_, PNG_COLOR_TYPE_PALETTE, 8, FALSE, index, w,
      palette, 16);
  wanted[1] = want_pal;
  inputs[2] = write_png (w, h_, PNG_COLOR_TYPE_GRAY, 16, FALSE, gray16, w * 2,
      NULL, 0);
  wanted[2] = want_gray;
  inputs[3] = write_png (w, h_, PNG_COLOR_TYPE_RGB, 8, TRUE, src->data,
      src->stride, NULL, 0);
  wanted[3] = src;

  h = harness_new ("image/png, width=37, height=23, framerate=30/1", NULL,
      NULL, NULL);
  for (k = 0; k < 4; k++)
    gst_harness_push (h, frame_buffer (g_bytes_ref (inputs[k]), 10 + k, k));
  for (k = 0; k < 4; k++) {
    GstBuffer *buffer = pull (h);
    g_autoptr (GstTrialImage) out = NULL;
    GstMapInfo map;
    GstTrialPngHeader header;

    assert_frame (buffer, 10 + k, k);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    fail_unless (gst_trial_png_read_header (map.data, map.size, &header,
            NULL));
    gst_buffer_unmap (buffer, &map);
    assert_equals_int (header.bit_depth, 8);
    assert_equals_int (header.color_type, PNG_COLOR_TYPE_RGB);
    /* the interlaced 8-bit RGB one is passed through as it is */
    assert_equals_int (buffer_equals_bytes (buffer, inputs[k]), k == 3);
    out = decode_png_buffer (buffer, GST_TRIAL_PIXEL_RGB8);
    assert_same_pixels (out, wanted[k]);
    gst_buffer_unref (buffer);
  }

  for (k = 0; k < 4; k++)
    g_bytes_unref (inputs[k]);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_color_jpeg_and_bmp)
{
  g_autoptr (GstTrialImage) src = sample_color (80, 48, 2);
  g_autoptr (GstTrialImage) want = NULL;
  g_autoptr (GstTrialImage) out = NULL;
  GError *error = NULL;
  GBytes *jpeg = gst_trial_jpeg_encode (src, 90, &error);
  GBytes *bmp = write_bmp (src);
  GstHarness *h;
  GstBuffer *buffer;

  fail_unless (jpeg != NULL);
  want = gst_trial_jpeg_decode (g_bytes_get_data (jpeg, NULL),
      g_bytes_get_size (jpeg), GST_TRIAL_PIXEL_RGB8, &error);
  fail_unless (want != NULL);

  h = harness_new ("image/jpeg, width=80, height=48, framerate=30/1", NULL,
      NULL, NULL);
  gst_harness_push (h, frame_buffer (jpeg, 5, 0));
  buffer = pull (h);
  assert_frame (buffer, 5, 0);
  assert_output_caps (h, "image/png, width=80, height=48, framerate=30/1");
  out = decode_png_buffer (buffer, GST_TRIAL_PIXEL_RGB8);
  assert_same_pixels (out, want);
  gst_buffer_unref (buffer);
  g_clear_pointer (&out, gst_trial_image_free);
  gst_harness_teardown (h);

  h = harness_new ("image/bmp, width=80, height=48, framerate=30/1", NULL,
      NULL, NULL);
  gst_harness_push (h, frame_buffer (bmp, 6, 0));
  buffer = pull (h);
  assert_frame (buffer, 6, 0);
  out = decode_png_buffer (buffer, GST_TRIAL_PIXEL_RGB8);
  assert_same_pixels (out, src);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Raw video output with a width whose rows need padding to 4 bytes. */
GST_START_TEST (test_color_raw_formats)
{
  static const struct
  {
    const gchar *format;
    GstTrialPixelFormat pixel;
  } formats[] = {
    {"RGB", GST_TRIAL_PIXEL_RGB8}, {"BGR", GST_TRIAL_PIXEL_BGR8},
    {"RGBA", GST_TRIAL_PIXEL_RGBA8}, {"GRAY8", GST_TRIAL_PIXEL_GRAY8},
  };
  g_autoptr (GstTrialImage) src = sample_color (33, 20, 4);
  GBytes *png = encode_png (src);
  guint i, y;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autofree gchar *sink_caps = g_strdup_printf ("video/x-raw, format=%s",
        formats[i].format);
    g_autofree gchar *want_caps = g_strdup_printf ("video/x-raw, format=%s, "
        "width=33, height=20, framerate=30/1, pixel-aspect-ratio=1/1",
        formats[i].format);
    g_autoptr (GstTrialImage) want = gst_trial_png_decode
        (g_bytes_get_data (png, NULL), g_bytes_get_size (png),
        formats[i].pixel, NULL);
    GstHarness *h = harness_new ("image/png, width=33, height=20, "
        "framerate=30/1", sink_caps, NULL, NULL);
    GstBuffer *buffer;
    GstVideoInfo info;
    GstMapInfo map;

    gst_harness_push (h, frame_buffer (g_bytes_ref (png), 1, 0));
    buffer = pull (h);
    assert_frame (buffer, 1, 0);
    assert_output_caps (h, want_caps);
    gst_video_info_set_format (&info, gst_video_format_from_string
        (formats[i].format), 33, 20);
    assert_equals_uint64 (gst_buffer_get_size (buffer), info.size);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    for (y = 0; y < 20; y++)
      fail_unless (memcmp (map.data + y * info.stride[0],
              want->data + y * want->stride, want->stride) == 0,
          "%s row %u differs", formats[i].format, y);
    gst_buffer_unmap (buffer, &map);
    gst_buffer_unref (buffer);
    gst_harness_teardown (h);
  }
  g_bytes_unref (png);
}

GST_END_TEST;

/* The preview pipeline: downstream is videoconvert, so raw video is
 * negotiated without any capsfilter. */
GST_START_TEST (test_color_to_videoconvert)
{
  g_autoptr (GstTrialImage) src = sample_color (32, 16, 9);
  GstHarness *h = gst_harness_new_parse ("trialconvert ! videoconvert");
  GstBuffer *buffer;
  GstMapInfo map;
  guint i;

  watch_handoff (h);
  gst_harness_set_sink_caps_str (h, "video/x-raw, format=BGRx");
  gst_harness_set_src_caps_str (h, "image/png, width=32, height=16, "
      "framerate=30/1");
  gst_harness_push (h, frame_buffer (encode_png (src), 9, 0));
  buffer = pull (h);
  assert_frame (buffer, 9, 0);
  assert_equals_uint64 (gst_buffer_get_size (buffer), 32 * 16 * 4);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  for (i = 0; i < 32 * 16; i++) {
    assert_equals_int (map.data[4 * i], src->data[3 * i + 2]);
    assert_equals_int (map.data[4 * i + 1], src->data[3 * i + 1]);
    assert_equals_int (map.data[4 * i + 2], src->data[3 * i]);
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- depth ---- */

static void
assert_npy_metres (GstBuffer * buffer, const GstTrialImage * depth)
{
  GstTrialNpyInfo info;
  GError *error = NULL;
  GstMapInfo map;
  gsize i, n = (gsize) depth->width * depth->height;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fail_unless (gst_trial_npy_parse (map.data, map.size, &info, &error),
      "output is not an npy file: %s", error ? error->message : "?");
  assert_equals_int (info.dtype, GST_TRIAL_DTYPE_F4);
  fail_if (info.big_endian);
  assert_equals_int (info.width, depth->width);
  assert_equals_int (info.height, depth->height);
  assert_equals_uint64 (info.data_size, n * 4);
  /* the dict follows the 10-byte preamble (which holds a NUL) */
  fail_unless (g_strstr_len ((const gchar *) map.data + 10,
          info.data_offset - 10, "'descr': '<f4'") != NULL);
  for (i = 0; i < n; i++) {
    guint16 mm = ((const guint16 *) depth->data)[i];
    /* what numpy's raw.astype(np.float32) / 1000.0 gives, bit for bit */
    gfloat want = (gfloat) mm / 1000.0f;
    gfloat got;

    memcpy (&got, map.data + info.data_offset + 4 * i, 4);
    fail_unless (memcmp (&got, &want, 4) == 0,
        "pixel %" G_GSIZE_FORMAT ": %u mm gave %.9g, expected %.9g", i, mm,
        got, want);
  }
  gst_buffer_unmap (buffer, &map);
}

GST_START_TEST (test_depth_raw_to_npy)
{
  g_autoptr (GstTrialImage) depth = sample_depth (64, 48, 11);
  GBytes *raw = g_bytes_new (depth->data, depth->stride * depth->height);
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=64, "
      "height=48, framerate=30/1, depth-scale=(double)0.001", NULL, NULL,
      NULL);
  GstBuffer *buffer;
  guint16 v;
  guint i;

  /* every value numpy must divide exactly, plus the sample's holes */
  for (i = 0, v = 0; i < 64 * 48; i += 7, v += 23)
    ((guint16 *) depth->data)[i] = v;
  g_bytes_unref (raw);
  raw = g_bytes_new (depth->data, depth->stride * depth->height);

  gst_harness_push (h, frame_buffer (raw, 11, 0));
  buffer = pull (h);
  assert_frame (buffer, 11, 0);
  assert_output_caps (h, "application/x-npy, width=64, height=48, "
      "framerate=30/1");
  assert_npy_metres (buffer, depth);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Output memory is recycled: a frame reuses a buffer an earlier, released
 * frame had (no fresh allocation per frame), and its values are still
 * exactly its own. */
GST_START_TEST (test_depth_npy_buffers_recycled)
{
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=64, "
      "height=48, framerate=30/1, depth-scale=(double)0.001", NULL, NULL,
      "n-threads", 2, NULL);
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  guint i;

  for (i = 0; i < 40; i++) {
    g_autoptr (GstTrialImage) depth = sample_depth (64, 48, i);
    GstBuffer *buffer;
    GstMapInfo map;

    gst_harness_push (h, frame_buffer (g_bytes_new (depth->data,
                depth->stride * depth->height), i, i));
    buffer = pull (h);
    assert_frame (buffer, i, i);
    fail_unless (buffer->pool != NULL, "frame %u: not from a buffer pool", i);
    assert_npy_metres (buffer, depth);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    g_hash_table_add (seen, map.data);
    gst_buffer_unmap (buffer, &map);
    gst_buffer_unref (buffer);
  }
  /* one frame in flight at a time: a couple of buffers serve all 40 */
  fail_unless (g_hash_table_size (seen) <= 2, "%u buffers for 40 frames",
      g_hash_table_size (seen));

  g_hash_table_unref (seen);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A 2x2 .npy of @descr ("<u2", "<f8") holding @values. */
static GBytes *
npy_2x2 (const gchar * descr, const gdouble values[4])
{
  g_autofree gchar *dict = g_strdup_printf ("{'descr': '%s', "
      "'fortran_order': False, 'shape': (2, 2), }", descr);
  gboolean f8 = strcmp (descr, "<f8") == 0;
  gsize item = f8 ? 8 : 2;
  gsize header = 10 + strlen (dict) + 1;
  gsize padded = (header + 63) / 64 * 64;
  guint8 *b = g_malloc (padded + 4 * item);
  guint i;

  memcpy (b, "\x93NUMPY\x01\x00", 8);
  put_le (b + 8, padded - 10, 2);
  memcpy (b + 10, dict, strlen (dict));
  memset (b + 10 + strlen (dict), ' ', padded - header);
  b[padded - 1] = '\n';
  for (i = 0; i < 4; i++) {
    if (f8) {
      guint64 bits;

      memcpy (&bits, &values[i], 8);
      bits = GUINT64_TO_LE (bits);
      memcpy (b + padded + 8 * i, &bits, 8);
    } else {
      put_le (b + padded + 2 * i, (guint) values[i], 2);
    }
  }
  return g_bytes_new_take (b, padded + 4 * item);
}

/* Pushes @npy and checks the 2x2 float32 metres that come out. */
static void
assert_npy_out (GstHarness * h, GBytes * npy, const gfloat want[4])
{
  GstBuffer *buffer;
  GstTrialNpyInfo info;
  GstMapInfo map;
  guint i;

  gst_harness_push (h, frame_buffer (npy, 1, 0));
  buffer = pull (h);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fail_unless (gst_trial_npy_parse (map.data, map.size, &info, NULL));
  for (i = 0; i < 4; i++) {
    gfloat got;

    memcpy (&got, map.data + info.data_offset + 4 * i, 4);
    fail_unless (memcmp (&got, &want[i], 4) == 0, "value %u: %.9g, "
        "expected %.9g", i, got, want[i]);
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
}

/* Issue 15 item 9: a frame whose dtype is not the one the stream's units
 * were decided on follows its own dtype's rule (uint16 is millimetres,
 * other dtypes millimetres when their maximum exceeds 100), never the
 * other dtype's units. */
GST_START_TEST (test_depth_units_by_frame_dtype)
{
  const gdouble mm[4] = { 1000, 2000, 0, 65535 };
  const gdouble metres[4] = { 1.5, 0.25, 3.0, 0.0 };
  const gdouble f8_mm[4] = { 1500, 250, 3000, 0 };
  const gfloat mm_out[4] = { 1.0f, 2.0f, 0.0f, 65535.0f / 1000.0f };
  const gfloat metres_out[4] = { 1.5f, 0.25f, 3.0f, 0.0f };
  const gfloat f8_mm_as_metres[4] = { 1500.0f, 250.0f, 3000.0f, 0.0f };
  const gfloat metres_as_mm[4] = { 1.5f / 1000.0f, 0.25f / 1000.0f,
    3.0f / 1000.0f, 0.0f
  };
  GstHarness *h;

  /* trialsrc's caps: decided on uint16 */
  h = harness_new ("application/x-npy, width=2, height=2, framerate=30/1, "
      "depth-scale=(double)0.001, depth-scale-dtype=u2", NULL, NULL, NULL);
  assert_npy_out (h, npy_2x2 ("<u2", mm), mm_out);
  assert_npy_out (h, npy_2x2 ("<f8", metres), metres_out);
  assert_npy_out (h, npy_2x2 ("<f8", f8_mm), metres_out);
  gst_harness_teardown (h);

  /* no depth-scale: the first buffer decides (float64 metres); a later
   * float64 frame takes that decision, a uint16 one its own */
  h = harness_new ("application/x-npy, width=2, height=2, framerate=30/1",
      NULL, NULL, NULL);
  assert_npy_out (h, npy_2x2 ("<f8", metres), metres_out);
  assert_npy_out (h, npy_2x2 ("<f8", f8_mm), f8_mm_as_metres);
  assert_npy_out (h, npy_2x2 ("<u2", mm), mm_out);
  gst_harness_teardown (h);

  /* depth-scale alone was given by the user: every frame */
  h = harness_new ("application/x-npy, width=2, height=2, framerate=30/1, "
      "depth-scale=(double)0.001", NULL, NULL, NULL);
  assert_npy_out (h, npy_2x2 ("<f8", metres), metres_as_mm);
  assert_npy_out (h, npy_2x2 ("<u2", mm), mm_out);
  gst_harness_teardown (h);
}

GST_END_TEST;

static GstBuffer *named (GstBuffer * buffer, const gchar * path);

/* Issue 15 item 7: a .raw among .npy frames is read as .raw, by the name
 * trialsrc put in the frame meta, with the caps' shape. */
GST_START_TEST (test_depth_format_by_frame_file)
{
  const guint8 raw[8] = { 0xe8, 0x03, 0xd0, 0x07, 0, 0, 0xff, 0xff };
  const gfloat mm_out[4] = { 1.0f, 2.0f, 0.0f, 65535.0f / 1000.0f };
  GstHarness *h = harness_new ("application/x-npy, width=2, height=2, "
      "framerate=30/1, depth-scale=(double)0.001, depth-scale-dtype=u2",
      NULL, NULL, NULL);
  GstBuffer *buffer;
  GstMapInfo map;
  GstTrialNpyInfo info;

  gst_harness_push (h, named (frame_buffer (g_bytes_new (raw, sizeof raw), 1,
              0), "t/cam1/depth/frame_000001.raw"));
  buffer = pull (h);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fail_unless (gst_trial_npy_parse (map.data, map.size, &info, NULL));
  fail_unless (memcmp (map.data + info.data_offset, mm_out, 16) == 0);
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Pool threads hand output buffers to each other through the buffer pool:
 * a frame that fails after its .npy header was written releases its buffer
 * on its own pool thread, and the next frame's thread takes it. Every good
 * frame is still exactly its own .npy, every bad one a GAP; the TSan run
 * (scripts/test.sh) also checks that no write of one thread races a write
 * of the thread that had the buffer before. */
GST_START_TEST (test_npy_buffers_recycled_across_threads)
{
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=64, "
      "height=48, framerate=30/1, depth-scale=(double)0.001", NULL, NULL,
      "n-threads", 3, "max-in-flight", 12, NULL);
  GstTrialImage *depth[4];
  GstBuffer *input[200];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (depth); i++)
    depth[i] = sample_depth (64, 48, i);
  /* Odd frames are 512 bytes of the 6144 a 64x48 .raw needs. All made
   * before the first push: GLib's slice allocator (GStreamer 1.22 takes
   * buffers from it) passes a buffer freed on the element's thread to this
   * one without malloc and free, which TSan cannot see. */
  for (i = 0; i < G_N_ELEMENTS (input); i++)
    input[i] = frame_buffer (g_bytes_new (depth[i % 4]->data,
            i % 2 == 0 ? depth[i % 4]->stride * 48 : 512), i, i);
  for (i = 0; i < G_N_ELEMENTS (input); i++)
    gst_harness_push (h, input[i]);
  for (i = 0; i < G_N_ELEMENTS (input); i++) {
    GstBuffer *buffer = pull (h);

    if (i % 2 == 0) {
      assert_frame (buffer, i, i);
      assert_npy_metres (buffer, depth[i % 4]);
    } else {
      assert_gap (buffer, i, i);
    }
    gst_buffer_unref (buffer);
  }

  for (i = 0; i < G_N_ELEMENTS (depth); i++)
    gst_trial_image_free (depth[i]);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_depth_npy_and_png_inputs)
{
  g_autoptr (GstTrialImage) depth = sample_depth (40, 30, 12);
  GBytes *npy = write_npy_u2 (depth);
  GBytes *png = encode_png (depth);
  GstHarness *h;
  GstBuffer *buffer;

  h = harness_new ("application/x-npy, width=40, height=30, framerate=30/1, "
      "depth-scale=(double)0.001", NULL, NULL, NULL);
  gst_harness_push (h, frame_buffer (npy, 12, 0));
  buffer = pull (h);
  assert_frame (buffer, 12, 0);
  assert_npy_metres (buffer, depth);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);

  /* depth-scale in the caps makes an image/png depth */
  h = harness_new ("image/png, width=40, height=30, framerate=30/1, "
      "depth-scale=(double)0.001", NULL, NULL, NULL);
  gst_harness_push (h, frame_buffer (png, 12, 0));
  buffer = pull (h);
  assert_frame (buffer, 12, 0);
  assert_output_caps (h, "application/x-npy, width=40, height=30, "
      "framerate=30/1");
  assert_npy_metres (buffer, depth);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_depth_gray16)
{
  static const guint widths[] = { 64, 33 };
  guint i, y;

  for (i = 0; i < G_N_ELEMENTS (widths); i++) {
    g_autoptr (GstTrialImage) depth = sample_depth (widths[i], 24, 13);
    GBytes *raw = g_bytes_new (depth->data, depth->stride * depth->height);
    g_autofree gchar *src_caps = g_strdup_printf ("video/x-raw, "
        "format=GRAY16_LE, width=%u, height=24, framerate=30/1, "
        "depth-scale=(double)0.001", widths[i]);
    GstHarness *h = harness_new (src_caps, "video/x-raw, format=GRAY16_LE",
        NULL, NULL);
    GstBuffer *buffer;
    GstVideoInfo info;
    GstMapInfo map;

    gst_harness_push (h, frame_buffer (g_bytes_ref (raw), 13, 0));
    buffer = pull (h);
    assert_frame (buffer, 13, 0);
    gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY16_LE, widths[i],
        24);
    assert_equals_uint64 (gst_buffer_get_size (buffer), info.size);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    for (y = 0; y < 24; y++)
      fail_unless (memcmp (map.data + y * info.stride[0],
              depth->data + y * depth->stride, depth->stride) == 0,
          "width %u row %u differs", widths[i], y);
    gst_buffer_unmap (buffer, &map);
    gst_buffer_unref (buffer);
    g_bytes_unref (raw);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* Turbo between 0.5 and 2.5 m: the expected colours are entries of
 * Google's published Turbo table (sRGB floats x 255, rounded): index 0
 * (0.18995, 0.07176, 0.23217), 128 (0.64362, 0.98999, 0.23356) and 255
 * (0.47960, 0.01583, 0.01055); a hole (0) is black. */
GST_START_TEST (test_depth_colormap)
{
  static const struct
  {
    guint16 mm;
    guint8 rgb[3];
  } cases[] = {
    {0, {0, 0, 0}},             /* hole */
    {300, {48, 18, 59}},        /* nearer than depth-min: index 0 */
    {500, {48, 18, 59}},        /* depth-min: index 0 */
    {1500, {164, 252, 60}},     /* the middle: index 128 */
    {2500, {122, 4, 3}},        /* depth-max: index 255 */
    {4000, {122, 4, 3}},        /* farther: index 255 */
    {65535, {122, 4, 3}},
  };
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=48, "
      "height=32, framerate=30/1, depth-scale=(double)0.001",
      "video/x-raw, format=RGB", NULL, "colormap", GST_TRIAL_COLORMAP_TURBO,
      "depth-min", 0.5, "depth-max", 2.5, NULL);
  gsize i, n = 48 * 32;
  guint16 *mm = g_new (guint16, n);
  g_autofree guint8 *want = g_malloc (n * 3);
  GBytes *raw;
  GstBuffer *buffer;

  for (i = 0; i < n; i++) {
    mm[i] = GUINT16_TO_LE (cases[i % G_N_ELEMENTS (cases)].mm);
    memcpy (want + 3 * i, cases[i % G_N_ELEMENTS (cases)].rgb, 3);
  }
  raw = g_bytes_new_take (mm, n * sizeof (guint16));

  gst_harness_push (h, frame_buffer (raw, 14, 0));
  buffer = pull (h);
  assert_frame (buffer, 14, 0);
  assert_output_caps (h, "video/x-raw, format=RGB, width=48, height=32, "
      "framerate=30/1, pixel-aspect-ratio=1/1");
  assert_equals_uint64 (gst_buffer_get_size (buffer), n * 3);
  fail_unless (gst_buffer_memcmp (buffer, 0, want, n * 3) == 0);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- failed frames ---- */

/* Byte by byte: chunk fields of a PNG are not aligned. */
static guint32
read_be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static void
put_be32 (guint8 * p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}


static GBytes *
corrupt_idat_crc (GBytes * png)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);
  guint8 *copy = g_memdup2 (data, size);
  gsize pos = 8;

  while (pos + 12 <= size && memcmp (copy + pos + 4, "IDAT", 4) != 0)
    pos += 12 + read_be32 (copy + pos);
  fail_unless (pos + 12 <= size, "test PNG has no IDAT");
  copy[pos + 8 + 100] ^= 0x01;
  return g_bytes_new_take (copy, size);
}

GST_START_TEST (test_corrupt_png_is_gap)
{
  g_autoptr (GstTrialImage) src = sample_color (64, 48, 8);
  GBytes *good = encode_png (src);
  GBytes *bad = corrupt_idat_crc (good);
  GstBus *bus = gst_bus_new ();
  guint mode;

  /* auto verifies before passing through; reencode's decoder checks too */
  for (mode = 0; mode < 2; mode++) {
    GstHarness *h = harness_new ("image/png, width=64, height=48, "
        "framerate=30/1", NULL, bus, "color-mode", mode, NULL);
    GstBuffer *buffer;

    gst_harness_push (h, frame_buffer (g_bytes_ref (bad), 8, 0));
    gst_harness_push (h, frame_buffer (g_bytes_ref (good), 9, 1));
    buffer = pull (h);
    assert_gap (buffer, 8, 0);
    gst_buffer_unref (buffer);
    buffer = pull (h);
    assert_frame (buffer, 9, 1);
    fail_if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP));
    gst_buffer_unref (buffer);

    assert_frame_warning (bus, GST_STREAM_ERROR_DECODE, 8, "color",
        mode == 0 ? "PNG chunk 'IDAT' at offset 33 has a bad CRC" :
        "PNG data is corrupt: ");
    fail_unless (pop_warning (bus) == NULL, "one warning per failed frame");
    gst_harness_teardown (h);
  }

  g_bytes_unref (bad);
  g_bytes_unref (good);
  gst_object_unref (bus);
}

GST_END_TEST;

/* A PNG whose compressed image data is wrong behind valid CRCs (as a
 * faulty encoder writes it): verify=chunks passes it through as it is,
 * verify=data inflates it and fails the frame. */
GST_START_TEST (test_verify_levels)
{
  g_autoptr (GstTrialImage) src = sample_color (64, 48, 8);
  GBytes *good = encode_png (src);
  gsize size = g_bytes_get_size (good), pos, last = 0;
  guint8 *copy = g_memdup2 (g_bytes_get_data (good, NULL), size);
  GBytes *bad;
  GstBus *bus = gst_bus_new ();
  guint level;

  for (pos = 8; pos + 12 <= size; pos += 12 + read_be32 (copy + pos))
    if (memcmp (copy + pos + 4, "IDAT", 4) == 0)
      last = pos;
  fail_unless (last > 0, "test PNG has no IDAT");
  /* the last IDAT ends with the stream's adler32, then its CRC, then IEND */
  fail_unless (last + 12 + read_be32 (copy + last) == size - 12);
  copy[size - 12 - 4 - 1] ^= 0x5a;
  put_be32 (copy + size - 12 - 4, crc32 (0, copy + last + 4,
          read_be32 (copy + last) + 4));
  bad = g_bytes_new_take (copy, size);

  for (level = 0; level < 2; level++) {
    GstHarness *h = harness_new ("image/png, width=64, height=48, "
        "framerate=30/1", NULL, bus, "verify", level, NULL);
    GstBuffer *buffer;

    gst_harness_push (h, frame_buffer (g_bytes_ref (bad), 8, 0));
    buffer = pull (h);
    assert_frame (buffer, 8, 0);
    if (level == GST_TRIAL_PNG_VERIFY_CHUNKS) {
      fail_unless (buffer_equals_bytes (buffer, bad));
      fail_unless (pop_warning (bus) == NULL);
    } else {
      fail_unless (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP));
      assert_frame_warning (bus, GST_STREAM_ERROR_DECODE, 8, "color",
          "incorrect data check");
    }
    gst_buffer_unref (buffer);
    gst_harness_teardown (h);
  }

  g_bytes_unref (bad);
  g_bytes_unref (good);
  gst_object_unref (bus);
}

GST_END_TEST;

static void
append_chunk (GByteArray * a, const gchar * type, const guint8 * data,
    guint32 size)
{
  guint8 b[4];
  guint32 crc = crc32 (0, (const guint8 *) type, 4);

  put_be32 (b, size);
  g_byte_array_append (a, b, 4);
  g_byte_array_append (a, (const guint8 *) type, 4);
  if (size > 0) {
    g_byte_array_append (a, data, size);
    crc = crc32 (crc, data, size);
  }
  put_be32 (b, crc);
  g_byte_array_append (a, b, 4);
}

#define CRAFT_W 64
#define CRAFT_H 48
#define CRAFT_ROW (1 + CRAFT_W * 3)

/* A 64x48 8-bit RGB PNG whose single IDAT holds @rows filtered rows (filter
 * byte 0 unless @bad_filter_row, which gets 7) compressed by zlib, cut to
 * @z_keep bytes when that is not 0; every CRC-32 is right, as a faulty
 * encoder writes it. */
static GBytes *
craft_png (guint rows, gint bad_filter_row, gsize z_keep)
{
  static const guint8 signature[8] = { 137, 80, 78, 71, 13, 10, 26, 10 };
  g_autofree guint8 *raw = g_malloc ((gsize) rows * CRAFT_ROW);
  uLongf z_size = compressBound ((gsize) rows * CRAFT_ROW);
  g_autofree guint8 *z = g_malloc (z_size);
  GByteArray *a = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };
  guint x, y;

  for (y = 0; y < rows; y++) {
    raw[y * CRAFT_ROW] = (gint) y == bad_filter_row ? 7 : 0;
    for (x = 0; x < CRAFT_W * 3; x++)
      raw[y * CRAFT_ROW + 1 + x] = (x * 7 + y * 13) & 0xff;
  }
  fail_unless (compress2 (z, &z_size, raw, (gsize) rows * CRAFT_ROW, 6) ==
      Z_OK);
  if (z_keep != 0)
    z_size = z_keep;

  g_byte_array_append (a, signature, sizeof (signature));
  put_be32 (ihdr, CRAFT_W);
  put_be32 (ihdr + 4, CRAFT_H);
  ihdr[8] = 8;                  /* bit depth */
  ihdr[9] = 2;                  /* RGB */
  append_chunk (a, "IHDR", ihdr, sizeof (ihdr));
  append_chunk (a, "IDAT", z, z_size);
  append_chunk (a, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (a);
}

/* One frame through a trialconvert with @mode and @verify (NULL: the
 * defaults); the output buffer, and the warning if the frame failed. */
static GstBuffer *
convert_one (GBytes * png, const gchar * mode, const gchar * verify,
    GstBus * bus)
{
  GstHarness *h = harness_new (NULL, NULL, bus, NULL);
  GstBuffer *buffer;

  if (mode != NULL)
    gst_util_set_object_arg (G_OBJECT (h->element), "color-mode", mode);
  if (verify != NULL)
    gst_util_set_object_arg (G_OBJECT (h->element), "verify", verify);
  gst_harness_set_src_caps_str (h, "image/png, width=64, height=48, "
      "framerate=30/1");
  gst_harness_push (h, frame_buffer (g_bytes_ref (png), 8, 0));
  buffer = pull (h);
  assert_frame (buffer, 8, 0);
  gst_harness_teardown (h);
  return buffer;
}

/* Issue 15, item 6: every PNG that auto passes through by default decodes
 * to the size its IHDR says. Files whose CRCs are right but whose image
 * data is not fail the frame in auto (the default) as in reencode;
 * verify=chunks, the explicit opt-out, copies them as they are. */
GST_START_TEST (test_auto_passes_only_decodable_pngs)
{
  const struct
  {
    const gchar *what;
    guint rows;
    gint bad_filter_row;
    gsize z_keep;
    const gchar *reason;
  } cases[] = {
    {"zlib stream cut short", CRAFT_H, -1, 500,
        "the zlib stream does not end, expected 9264 for 64x48 pixels"},
    {"bad filter byte", CRAFT_H, 5, 0,
        "PNG image data is corrupt: row 5 has filter type 7, expected 0 to 4"},
    {"too little image data", CRAFT_H - 1, -1, 0,
          "PNG image data is incomplete: it inflates to 9071 bytes, "
        "expected 9264 for 64x48 pixels"},
    {"too much image data", CRAFT_H + 1, -1, 0,
        "PNG image data inflates to more than the 9264 bytes its IHDR implies"},
  };
  GstBus *bus = gst_bus_new ();
  GBytes *good = craft_png (CRAFT_H, -1, 0);
  GstBuffer *buffer;
  guint i;

  /* the crafted file itself is a good PNG: copied by auto, no warning */
  buffer = convert_one (good, NULL, NULL, bus);
  fail_unless (buffer_equals_bytes (buffer, good));
  gst_buffer_unref (buffer);
  fail_unless (pop_warning (bus) == NULL);

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GBytes *bad = craft_png (cases[i].rows, cases[i].bad_filter_row,
        cases[i].z_keep);

    GST_INFO ("%s", cases[i].what);
    fail_unless (gst_trial_png_verify (g_bytes_get_data (bad, NULL),
            g_bytes_get_size (bad), GST_TRIAL_PNG_VERIFY_CHUNKS, NULL, NULL),
        "%s: the CRCs must be right", cases[i].what);

    buffer = convert_one (bad, NULL, NULL, bus);
    fail_unless (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP),
        "%s: auto passed it through", cases[i].what);
    assert_equals_uint64 (gst_buffer_get_size (buffer), 0);
    gst_buffer_unref (buffer);
    assert_frame_warning (bus, GST_STREAM_ERROR_DECODE, 8, "color",
        cases[i].reason);

    buffer = convert_one (bad, "reencode", NULL, bus);
    fail_unless (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP),
        "%s: reencode converted it", cases[i].what);
    gst_buffer_unref (buffer);
    assert_frame_warning (bus, GST_STREAM_ERROR_DECODE, 8, "color",
        "PNG data is corrupt: ");

    buffer = convert_one (bad, NULL, "chunks", bus);
    fail_unless (buffer_equals_bytes (buffer, bad),
        "%s: verify=chunks does not inflate, it copies", cases[i].what);
    gst_buffer_unref (buffer);
    fail_unless (pop_warning (bus) == NULL);
    g_bytes_unref (bad);
  }

  g_bytes_unref (good);
  gst_object_unref (bus);
}

GST_END_TEST;

/* Bytes after IEND are not part of the PNG: libpng stops reading at IEND,
 * so reencode converts the image and drops them. auto agrees at either
 * verify level: it passes the PNG through up to its IEND, not the rest. */
GST_START_TEST (test_data_after_iend)
{
  GstBus *bus = gst_bus_new ();
  GBytes *good = craft_png (CRAFT_H, -1, 0);
  gsize size = g_bytes_get_size (good);
  guint8 *dirty_data = g_malloc (size + 7);
  g_autoptr (GstTrialImage) want = NULL;
  GBytes *dirty;
  GstBuffer *buffer;
  const gchar *levels[] = { NULL, "data", "chunks" };
  guint i;

  memcpy (dirty_data, g_bytes_get_data (good, NULL), size);
  memcpy (dirty_data + size, "garbage", 7);
  dirty = g_bytes_new_take (dirty_data, size + 7);
  want = gst_trial_png_decode (g_bytes_get_data (good, NULL), size,
      GST_TRIAL_PIXEL_RGB8, NULL);
  fail_unless (want != NULL);

  for (i = 0; i < G_N_ELEMENTS (levels); i++) {
    buffer = convert_one (dirty, NULL, levels[i], bus);
    fail_if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP),
        "auto (verify %s) failed the frame", levels[i]);
    fail_unless (buffer_equals_bytes (buffer, good),
        "auto (verify %s) did not copy exactly the PNG up to IEND",
        levels[i]);
    gst_buffer_unref (buffer);
    fail_unless (pop_warning (bus) == NULL);
  }

  buffer = convert_one (dirty, "reencode", NULL, bus);
  fail_if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP));
  {
    GstMapInfo map;
    g_autoptr (GstTrialImage) got = NULL;
    GError *error = NULL;

    fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
    fail_unless (gst_trial_png_verify (map.data, map.size,
            GST_TRIAL_PNG_VERIFY_DATA, NULL, &error), "%s",
        error ? error->message : "");
    got = gst_trial_png_decode (map.data, map.size, GST_TRIAL_PIXEL_RGB8,
        NULL);
    gst_buffer_unmap (buffer, &map);
    fail_unless (got != NULL);
    fail_unless (memcmp (got->data, want->data,
            want->stride * want->height) == 0);
  }
  gst_buffer_unref (buffer);
  fail_unless (pop_warning (bus) == NULL);

  g_bytes_unref (dirty);
  g_bytes_unref (good);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_gap_in_gap_out)
{
  GstBus *bus = gst_bus_new ();
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=8, "
      "height=8, framerate=30/1, depth-scale=(double)0.001", NULL, bus, NULL);
  GstBuffer *buffer;

  gst_harness_push (h, gap_buffer (231, 0));
  buffer = pull (h);
  assert_gap (buffer, 231, 0);
  gst_buffer_unref (buffer);
  fail_unless (pop_warning (bus) == NULL,
      "a GAP from upstream was reported there already");

  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_size_mismatch_is_gap)
{
  g_autoptr (GstTrialImage) small = sample_color (32, 32, 1);
  g_autoptr (GstTrialImage) depth = sample_depth (16, 16, 1);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstBuffer *buffer;

  h = harness_new ("image/png, width=64, height=48, framerate=30/1", NULL,
      bus, NULL);
  gst_harness_push (h, frame_buffer (encode_png (small), 4, 0));
  buffer = pull (h);
  assert_gap (buffer, 4, 0);
  gst_buffer_unref (buffer);
  assert_frame_warning (bus, GST_STREAM_ERROR_FORMAT, 4, "color",
      "color frame is 32x32 pixels, expected 64x48");
  gst_harness_teardown (h);

  /* a .raw depth file of the wrong size */
  h = harness_new ("video/x-raw, format=GRAY16_LE, width=64, height=48, "
      "framerate=30/1, depth-scale=(double)0.001", NULL, bus, NULL);
  gst_harness_push (h, frame_buffer (g_bytes_new (depth->data, 512), 5, 0));
  buffer = pull (h);
  assert_gap (buffer, 5, 0);
  gst_buffer_unref (buffer);
  assert_frame_warning (bus, GST_STREAM_ERROR_FORMAT, 5, "depth",
      "is 512 bytes, expected 6144 (48x64 uint16)");
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* With the GstTrialFrameMeta trialsrc adds, a failed frame's message names
 * its file (as UTF-8), else the frame number. */
static GstBuffer *
named (GstBuffer * buffer, const gchar * path)
{
  fail_unless (gst_buffer_add_trial_frame_meta (buffer,
          GST_BUFFER_OFFSET (buffer), path) != NULL);
  return buffer;
}

GST_START_TEST (test_messages_name_the_file)
{
  g_autoptr (GstTrialImage) depth = sample_depth (16, 16, 1);
  g_autoptr (GstTrialImage) src = sample_color (64, 48, 8);
  GBytes *good = encode_png (src);
  GBytes *bad = corrupt_idat_crc (good);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;
  GstBuffer *buffer;

  h = harness_new ("video/x-raw, format=GRAY16_LE, width=64, height=48, "
      "framerate=30/1, depth-scale=(double)0.001", NULL, bus, NULL);
  gst_harness_push (h, named (frame_buffer (g_bytes_new (depth->data, 512), 5,
              0), "/data/t\xff/cam1/depth/frame_000005.raw"));
  gst_harness_push (h, frame_buffer (g_bytes_new (depth->data, 512), 6, 1));
  buffer = pull (h);
  assert_gap (buffer, 5, 0);
  gst_buffer_unref (buffer);
  buffer = pull (h);
  assert_gap (buffer, 6, 1);
  gst_buffer_unref (buffer);
  assert_frame_warning (bus, GST_STREAM_ERROR_FORMAT, 5, "depth",
      "depth file '/data/t\xef\xbf\xbd/cam1/depth/frame_000005.raw' is 512 "
      "bytes, expected 6144");
  assert_frame_warning (bus, GST_STREAM_ERROR_FORMAT, 6, "depth",
      "depth file 'frame 6' is 512 bytes");
  gst_harness_teardown (h);

  h = harness_new ("image/png, width=64, height=48, framerate=30/1", NULL,
      bus, NULL);
  gst_harness_push (h, named (frame_buffer (g_bytes_ref (bad), 8, 0),
          "/data/t/cam1/color/frame_000008.png"));
  buffer = pull (h);
  assert_gap (buffer, 8, 0);
  gst_buffer_unref (buffer);
  assert_frame_warning (bus, GST_STREAM_ERROR_DECODE, 8, "color",
      "color file '/data/t/cam1/color/frame_000008.png': PNG chunk 'IDAT' at "
      "offset 33 has a bad CRC");
  gst_harness_teardown (h);

  g_bytes_unref (bad);
  g_bytes_unref (good);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_max_errors)
{
  g_autoptr (GstTrialImage) src = sample_color (16, 16, 1);
  GBytes *bad = corrupt_idat_crc (encode_png (src));
  GstBus *bus = gst_bus_new ();
  /* max-in-flight=1: a push returns once the frame before it has left
   * the queue, so the push after the failing frame sees its result */
  GstHarness *h = harness_new ("image/png, width=16, height=16, "
      "framerate=30/1", NULL, bus, "max-errors", 1, "max-in-flight", 1,
      NULL);
  GstFlowReturn ret;
  GstMessage *msg;
  GError *error = NULL;
  GstBuffer *buffer;

  gst_harness_push (h, frame_buffer (g_bytes_ref (bad), 0, 0));
  buffer = pull (h);
  assert_gap (buffer, 0, 0);
  gst_buffer_unref (buffer);

  /* the second failure is one too many: an error, then ERROR upstream,
   * at the latest for the frame after it */
  ret = gst_harness_push (h, frame_buffer (g_bytes_ref (bad), 1, 1));
  if (ret == GST_FLOW_OK)
    ret = gst_harness_push (h, frame_buffer (g_bytes_ref (bad), 2, 2));
  assert_equals_int (ret, GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (g_error_matches (error, GST_STREAM_ERROR,
          GST_STREAM_ERROR_FAILED));
  assert_equals_string (error->message,
      "2 frames failed, more than max-errors=1");
  g_error_free (error);
  gst_message_unref (msg);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL);

  g_bytes_unref (bad);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* ---- watching the debug log ----
 *
 * What the elements do in their worker threads is observed in their debug
 * log, not through properties: trialconvert logs "converted frame N" in the
 * pool thread that converted it (category trialconvert), the pool logs
 * "running a job" before each job (category trialpool). */

typedef struct
{
  const gchar *category;
  const gchar *prefix;
  GMutex lock;
  GHashTable *counts;           /* GObject * -> messages from it */
  GHashTable *threads;          /* GThread * that logged for any object */
} LogWatch;

static void
log_watch_func (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  LogWatch *watch = user_data;
  const gchar *text;

  (void) level;
  (void) file;
  (void) function;
  (void) line;
  /* GLib's locks are invisible to ThreadSanitizer: the edges from
   * log_watch_start and between callers of the watch are marked */
  GST_TRIAL_TSAN_ACQUIRE (watch);
  if (object == NULL
      || g_strcmp0 (gst_debug_category_get_name (category),
          watch->category) != 0)
    return;
  text = gst_debug_message_get (message);
  if (text == NULL || !g_str_has_prefix (text, watch->prefix))
    return;
  g_mutex_lock (&watch->lock);
  GST_TRIAL_TSAN_ACQUIRE (&watch->lock);
  g_hash_table_insert (watch->counts, object,
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (watch->counts,
                  object)) + 1));
  g_hash_table_add (watch->threads, g_thread_self ());
  GST_TRIAL_TSAN_RELEASE (&watch->lock);
  g_mutex_unlock (&watch->lock);
}

/* Counts the messages of @category starting with @prefix, per object, and
 * the threads that logged them, until log_watch_stop(). The default log
 * function is off meanwhile, so the LOG level stays out of test output. */
static void
log_watch_start (LogWatch * watch, const gchar * category,
    const gchar * prefix)
{
  watch->category = category;
  watch->prefix = prefix;
  g_mutex_init (&watch->lock);
  watch->counts = g_hash_table_new (NULL, NULL);
  watch->threads = g_hash_table_new (NULL, NULL);
  GST_TRIAL_TSAN_RELEASE (watch);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (log_watch_func, watch, NULL);
  gst_debug_set_threshold_for_name (category, GST_LEVEL_LOG);
}

static void
log_watch_stop (LogWatch * watch)
{
  gst_debug_unset_threshold_for_name (watch->category);
  gst_debug_remove_log_function (log_watch_func);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
}

static guint
log_watch_count (LogWatch * watch, gpointer object)
{
  guint n;

  g_mutex_lock (&watch->lock);
  GST_TRIAL_TSAN_ACQUIRE (&watch->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (watch->counts, object));
  GST_TRIAL_TSAN_RELEASE (&watch->lock);
  g_mutex_unlock (&watch->lock);
  return n;
}

static guint
log_watch_n_threads (LogWatch * watch)
{
  guint n;

  g_mutex_lock (&watch->lock);
  GST_TRIAL_TSAN_ACQUIRE (&watch->lock);
  n = g_hash_table_size (watch->threads);
  GST_TRIAL_TSAN_RELEASE (&watch->lock);
  g_mutex_unlock (&watch->lock);
  return n;
}

static void
log_watch_clear (LogWatch * watch)
{
  g_hash_table_unref (watch->counts);
  g_hash_table_unref (watch->threads);
  g_mutex_clear (&watch->lock);
}

/* ---- order, parallelism, EOS, stats ---- */

GST_START_TEST (test_order_with_mixed_costs)
{
  g_autoptr (GstTrialImage) big = sample_color (640, 480, 1);
  g_autoptr (GstTrialImage) tiny = sample_color (16, 16, 2);
  GBytes *big_png = encode_png (big);
  GBytes *tiny_png = encode_png (tiny);
  /* no size in the caps: frames of any size are fine */
  GstHarness *h = harness_new ("image/png, framerate=30/1", NULL, NULL,
      "n-threads", 4, "color-mode", 1, NULL);
  const guint n = 48;
  guint i;

  for (i = 0; i < n; i++) {
    /* a big frame, then tiny ones and GAPs that finish long before it */
    if (i % 6 == 0)
      gst_harness_push (h, frame_buffer (g_bytes_ref (big_png), 100 + i, i));
    else if (i % 6 == 3)
      gst_harness_push (h, gap_buffer (100 + i, i));
    else
      gst_harness_push (h, frame_buffer (g_bytes_ref (tiny_png), 100 + i, i));
  }
  for (i = 0; i < n; i++) {
    GstBuffer *buffer = pull (h);

    assert_frame (buffer, 100 + i, i);
    assert_equals_int (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP),
        i % 6 == 3);
    gst_buffer_unref (buffer);
  }

  g_bytes_unref (big_png);
  g_bytes_unref (tiny_png);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_threads_used)
{
  g_autoptr (GstTrialImage) src = sample_color (320, 240, 1);
  GBytes *png = encode_png (src);
  GstElement *element = gst_element_factory_make ("trialconvert", NULL);
  GstHarness *h;
  Gate gate;
  LogWatch watch;
  guint i;

  /* two gated frames: both conversions must be running at once, which
   * takes two pool threads */
  log_watch_start (&watch, "trialconvert", "converted frame ");
  gate_init (&gate);
  g_object_set (element, "n-threads", 4, "max-in-flight", 4, "color-mode",
      1, NULL);
  h = gst_harness_new_with_element (element, "sink", "src");
  watch_handoff (h);
  gst_harness_set_src_caps_str (h, "image/png, width=320, height=240, "
      "framerate=30/1");
  for (i = 0; i < 2; i++)
    gst_harness_push (h, gated_buffer (&gate, g_bytes_ref (png), i, i));
  gate_wait (&gate, &gate.mapped, 2, "frames in conversion at once");
  gate_open (&gate);
  for (i = 0; i < 2; i++) {
    GstBuffer *buffer = pull (h);

    assert_frame (buffer, i, i);
    gst_buffer_unref (buffer);
  }

  /* the pool threads that converted frames of this element */
  log_watch_stop (&watch);
  assert_equals_int (log_watch_count (&watch, element), 2);
  assert_equals_int (log_watch_n_threads (&watch), 2);
  log_watch_clear (&watch);

  gst_object_unref (element);
  g_bytes_unref (png);
  gst_harness_teardown (h);
  gate_wait (&gate, &gate.freed, 2, "gated frames freed");
  gate_clear (&gate);
}

GST_END_TEST;

static GstMessage *
pop_stats (GstBus * bus)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    if (gst_message_has_name (msg, "trial-stats"))
      return msg;
    gst_message_unref (msg);
  }
  return NULL;
}

GST_START_TEST (test_eos_drains_and_stats)
{
  g_autoptr (GstTrialImage) src = sample_color (160, 120, 1);
  GBytes *png = encode_png (src);
  GstBus *bus = gst_bus_new ();
  GstHarness *h = harness_new ("image/png, width=160, height=120, "
      "framerate=30/1", NULL, bus, "n-threads", 3, "color-mode", 1,
      "stats-interval", 0, NULL);
  const GstStructure *s;
  GstMessage *msg;
  GstEvent *event;
  guint64 frames = 0, failed = 1, elapsed = 0;
  gdouble fps = -1, average = -1;
  gint n_threads = 0;
  guint i;

  for (i = 0; i < 20; i++) {
    if (i == 10)
      gst_harness_push (h, gap_buffer (i, i));
    else
      gst_harness_push (h, frame_buffer (g_bytes_ref (png), i, i));
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  /* EOS comes out only after all 20 buffers, in order */
  while ((event = gst_harness_pull_event (h)) != NULL
      && GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    gst_event_unref (event);
  fail_unless (event != NULL, "no EOS");
  gst_event_unref (event);
  assert_equals_int (gst_harness_buffers_in_queue (h), 20);
  for (i = 0; i < 20; i++) {
    GstBuffer *buffer = pull (h);

    assert_frame (buffer, i, i);
    gst_buffer_unref (buffer);
  }
  assert_equals_int (gst_harness_push (h, frame_buffer (g_bytes_ref (png),
              20, 20)), GST_FLOW_EOS);

  /* stats-interval=0: one message, at EOS */
  msg = pop_stats (bus);
  fail_unless (msg != NULL, "no trial-stats at EOS");
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get (s, "frames", G_TYPE_UINT64, &frames,
          "failed", G_TYPE_UINT64, &failed, "fps", G_TYPE_DOUBLE, &fps,
          "average-fps", G_TYPE_DOUBLE, &average, "elapsed", G_TYPE_UINT64,
          &elapsed, "n-threads", G_TYPE_INT, &n_threads, NULL));
  assert_equals_uint64 (frames, 20);
  assert_equals_uint64 (failed, 1);
  assert_equals_int (n_threads, 3);
  assert_equals_string (gst_structure_get_string (s, "stream"), "color");
  fail_unless (elapsed > 0 && average > 0 && fps > 0);
  fail_unless (average <= 20 / (elapsed / (gdouble) GST_SECOND) * 1.0001);
  gst_message_unref (msg);
  fail_unless (pop_stats (bus) == NULL);

  g_bytes_unref (png);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

GST_START_TEST (test_stats_interval)
{
  g_autoptr (GstTrialImage) depth = sample_depth (32, 24, 1);
  GBytes *raw = g_bytes_new (depth->data, depth->stride * depth->height);
  GstBus *bus = gst_bus_new ();
  GstHarness *h = harness_new ("video/x-raw, format=GRAY16_LE, width=32, "
      "height=24, framerate=30/1, depth-scale=(double)0.001", NULL, bus,
      "stats-interval", 0, NULL);
  GstMessage *msg;
  guint64 frames = 0;
  guint i;

  /* Frame 0 with stats-interval=0 (only at EOS): no message. Then
   * stats-interval=1, and each next frame is pushed once at least 1 ms has
   * passed on the monotonic clock since the one before came out: one
   * message per frame, with the frames so far. */
  for (i = 0; i < 5; i++) {
    gint64 out;

    gst_harness_push (h, frame_buffer (g_bytes_ref (raw), i, i));
    gst_buffer_unref (pull (h));
    out = g_get_monotonic_time ();
    if (i == 0) {
      fail_unless (pop_stats (bus) == NULL);
      g_object_set (h->element, "stats-interval", 1, NULL);
    }
    while (g_get_monotonic_time () - out <= 1000)
      g_usleep (1000);
  }
  for (i = 1; i < 5; i++) {
    const GstStructure *s;

    msg = pop_stats (bus);
    fail_unless (msg != NULL, "no trial-stats after frame %u", i);
    s = gst_message_get_structure (msg);
    assert_equals_string (gst_structure_get_string (s, "stream"), "depth");
    fail_unless (gst_structure_get_uint64 (s, "frames", &frames));
    assert_equals_uint64 (frames, i + 1);
    gst_message_unref (msg);
  }
  fail_unless (pop_stats (bus) == NULL);

  g_bytes_unref (raw);
  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* ---- downstream flow returns ---- */

static GstFlowReturn downstream_ret;

static GstFlowReturn
refusing_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  (void) pad;
  (void) parent;
  gst_buffer_unref (buffer);
  return downstream_ret;
}

GST_START_TEST (test_downstream_flow_propagates)
{
  static const GstFlowReturn flows[] = { GST_FLOW_EOS, GST_FLOW_FLUSHING,
    GST_FLOW_NOT_NEGOTIATED, GST_FLOW_ERROR
  };
  g_autoptr (GstTrialImage) src = sample_color (16, 16, 1);
  GBytes *png = encode_png (src);
  guint f;

  for (f = 0; f < G_N_ELEMENTS (flows); f++) {
    GstBus *bus = gst_bus_new ();
    /* max-in-flight=1: the second push waits until the first frame has
     * left the queue; downstream refuses it, so that push gets the flow */
    GstHarness *h = harness_new ("image/png, width=16, height=16, "
        "framerate=30/1", NULL, bus, "max-in-flight", 1, NULL);
    GstFlowReturn ret;
    GstMessage *msg;

    downstream_ret = flows[f];
    gst_pad_set_chain_function (h->sinkpad, refusing_chain);
    ret = gst_harness_push (h, frame_buffer (g_bytes_ref (png), 0, 0));
    if (ret == GST_FLOW_OK)
      ret = gst_harness_push (h, frame_buffer (g_bytes_ref (png), 1, 1));
    assert_equals_int (ret, flows[f]);

    /* after EOS nobody upstream reports a fatal flow: we do */
    fail_if (gst_harness_push_event (h, gst_event_new_eos ()));
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (flows[f] == GST_FLOW_NOT_NEGOTIATED || flows[f] == GST_FLOW_ERROR) {
      const GstStructure *details = NULL;
      gint flow = 0;

      fail_unless (msg != NULL, "no error for %s",
          gst_flow_get_name (flows[f]));
      gst_message_parse_error_details (msg, &details);
      fail_unless (gst_structure_get_int (details, "flow-return", &flow));
      assert_equals_int (flow, flows[f]);
      gst_message_unref (msg);
    } else {
      fail_unless (msg == NULL, "error for %s", gst_flow_get_name (flows[f]));
    }
    gst_harness_teardown (h);
    gst_object_unref (bus);
  }
  g_bytes_unref (png);
}

GST_END_TEST;

/* ---- flushing ---- */

static void
push_segment (GstHarness * h)
{
  GstSegment segment;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
}

GST_START_TEST (test_flush_discards_work_in_flight)
{
  g_autoptr (GstTrialImage) big = sample_color (640, 480, 1);
  g_autoptr (GstTrialImage) tiny = sample_color (16, 16, 1);
  GBytes *big_png = encode_png (big);
  GBytes *tiny_png = encode_png (tiny);
  /* 3 threads: 2 hold the gated frames, the third converts the new ones */
  GstHarness *h = harness_new ("image/png, framerate=30/1", NULL, NULL,
      "n-threads", 3, "max-in-flight", 6, "color-mode", 1, NULL);
  guint round, i;
  GstBuffer *buffer;

  for (round = 0; round < 10; round++) {
    Gate gate;

    /* two frames in conversion when the flush comes */
    gate_init (&gate);
    for (i = 0; i < 2; i++)
      gst_harness_push (h, gated_buffer (&gate, g_bytes_ref (big_png), i, i));
    gate_wait (&gate, &gate.mapped, 2, "frames in conversion");
    fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
    fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
    fail_unless (try_pull (h) == NULL, "a frame in conversion came out");
    push_segment (h);
    for (i = 0; i < 4; i++)
      gst_harness_push (h, frame_buffer (g_bytes_ref (tiny_png), 1000 + i,
              i));
    for (i = 0; i < 4; i++) {
      buffer = pull (h);
      assert_frame (buffer, 1000 + i, i);
      gst_buffer_unref (buffer);
    }
    /* the stale frames finish now; once their jobs are freed anything
     * they could have pushed would be in the harness queue */
    gate_open (&gate);
    gate_wait (&gate, &gate.freed, 2, "stale frames freed");
    gate_clear (&gate);
    fail_unless (try_pull (h) == NULL,
        "a frame from before the flush came out after it");
  }

  g_bytes_unref (big_png);
  g_bytes_unref (tiny_png);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- caps ---- */

GST_START_TEST (test_caps_queries)
{
  GstHarness *h = harness_new (NULL, "application/x-npy", NULL, NULL);
  GstPad *sinkpad = gst_element_get_static_pad (h->element, "sink");
  GstPad *srcpad = gst_element_get_static_pad (h->element, "src");
  GstCaps *caps, *want;
  GstEvent *event;

  /* only depth inputs can become npy */
  want = gst_caps_from_string ("video/x-raw, format=GRAY16_LE, width=64, "
      "height=48, framerate=30/1, depth-scale=(double)0.001");
  fail_unless (gst_pad_query_accept_caps (sinkpad, want));
  gst_caps_unref (want);
  want = gst_caps_from_string ("image/jpeg");
  fail_if (gst_pad_query_accept_caps (sinkpad, want));
  gst_caps_unref (want);

  gst_harness_set_sink_caps_str (h, "video/x-raw, format=BGR");
  caps = gst_pad_query_caps (sinkpad, NULL);
  want = gst_caps_from_string ("image/png; image/jpeg; image/bmp; "
      "video/x-raw, format={RGB, BGR, RGBA, BGRA, UYVY, YUY2}");
  fail_unless (gst_caps_is_equal (caps, want), "%" GST_PTR_FORMAT, caps);
  gst_caps_unref (caps);
  gst_caps_unref (want);

  /* what upstream offers decides what we offer, size included */
  gst_harness_set_src_caps_str (h, "image/jpeg, width=64, height=48, "
      "framerate=30/1");
  caps = gst_pad_query_caps (srcpad, NULL);
  want = gst_caps_from_string ("image/png, width=64, height=48, "
      "framerate=30/1; video/x-raw, format={RGB, BGR, RGBA, GRAY8}, "
      "width=64, height=48, framerate=30/1, pixel-aspect-ratio=1/1");
  fail_unless (gst_caps_is_equal (caps, want), "%" GST_PTR_FORMAT, caps);
  gst_caps_unref (caps);
  gst_caps_unref (want);
  /* and the caps event goes out in order, through the queue */
  while ((event = gst_harness_pull_event (h)) != NULL
      && GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    gst_event_unref (event);
  fail_unless (event != NULL);
  gst_event_unref (event);
  assert_output_caps (h, "video/x-raw, format=BGR, width=64, height=48, "
      "framerate=30/1, pixel-aspect-ratio=1/1");

  gst_object_unref (sinkpad);
  gst_object_unref (srcpad);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Downstream takes only raw video, which needs a size the input caps do
 * not give (multifilesrc caps=image/png): the first frame's header gives
 * it, as pngdec reads it. */
GST_START_TEST (test_caps_size_from_header)
{
  g_autoptr (GstTrialImage) src = sample_color (24, 16, 1);
  GstHarness *h = harness_new (NULL, "video/x-raw, format=RGB", NULL, NULL);
  GstBuffer *buffer;

  gst_harness_set_src_caps_str (h, "image/png, framerate=30/1");
  assert_equals_int (gst_harness_push (h, frame_buffer (encode_png (src), 0,
              0)), GST_FLOW_OK);
  buffer = pull (h);
  assert_equals_int (gst_buffer_get_size (buffer), 24 * 3 * 16);
  gst_buffer_unref (buffer);
  assert_output_caps (h, "video/x-raw, format=RGB, width=24, height=16, "
      "framerate=30/1, pixel-aspect-ratio=1/1");
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ... and when the first frame is no image either: a clear error, and
 * buffers are refused. */
GST_START_TEST (test_caps_refused)
{
  g_autoptr (GstTrialImage) src = sample_color (16, 16, 1);
  GstBus *bus = gst_bus_new ();
  GstHarness *h = harness_new (NULL, "video/x-raw, format=RGB", bus, NULL);
  GstMessage *msg;
  GError *error = NULL;

  gst_harness_set_src_caps_str (h, "image/png, framerate=30/1");
  assert_equals_int (gst_harness_push (h, frame_buffer (g_bytes_new_static
              ("not a png", 9), 0, 0)), GST_FLOW_NOT_NEGOTIATED);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (g_error_matches (error, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  assert_equals_string (error->message, "Downstream accepts nothing a color "
      "stream of image/png can be converted to; raw video output needs width "
      "and height in the input caps or the first frame's header");
  g_error_free (error);
  gst_message_unref (msg);
  assert_equals_int (gst_harness_push (h, frame_buffer (encode_png (src), 0,
              0)), GST_FLOW_NOT_NEGOTIATED);

  gst_harness_teardown (h);
  gst_object_unref (bus);
}

GST_END_TEST;

/* Live downstream must wait for a whole window of frames. */
GST_START_TEST (test_latency)
{
  GstHarness *h = harness_new ("image/png, width=16, height=16, "
      "framerate=30/1", NULL, NULL, "n-threads", 2, NULL);
  GstPad *srcpad = gst_element_get_static_pad (h->element, "src");
  GstQuery *query = gst_query_new_latency ();
  GstClockTime min, max;
  gboolean live;

  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  fail_unless (gst_pad_query (srcpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  /* 2 threads: a window of 2 * 2 + 2 frames of 1/30 s */
  assert_equals_uint64 (min, 10 * GST_MSECOND +
      6 * gst_util_uint64_scale_int (GST_SECOND, 1, 30));

  gst_query_unref (query);
  gst_object_unref (srcpad);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- the shared pool ---- */

static GObject *
pool_of (GstElement * element)
{
  GstContext *context = gst_element_get_context (element, "gst-trial.pool");
  const GValue *value;
  GObject *pool;

  fail_unless (context != NULL, "%s has no pool context",
      GST_ELEMENT_NAME (element));
  value = gst_structure_get_value (gst_context_get_structure (context),
      "pool");
  fail_unless (value != NULL && G_VALUE_HOLDS_OBJECT (value));
  pool = g_value_dup_object (value);
  gst_context_unref (context);
  return pool;
}

/* Two streams through two trialconverts in one pipeline; returns the
 * n-threads both report in trial-stats. */
static void
run_two_streams (GstElement * pipeline, guint n, gint * n_threads)
{
  g_autoptr (GstTrialImage) src = sample_color (64, 48, 1);
  GBytes *png = encode_png (src);
  GstBus *bus = gst_element_get_bus (pipeline);
  const gchar *names[] = { "a", "b" };
  gboolean done = FALSE;
  guint i, k, stats = 0;

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (k = 0; k < 2; k++) {
    GstElement *appsrc = gst_bin_get_by_name (GST_BIN (pipeline), names[k]);
    GstPad *pad = gst_element_get_static_pad (appsrc, "src");
    GstFlowReturn ret;

    /* appsrc's queue is another edge TSan cannot see */
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, acquire_probe, NULL,
        NULL);
    gst_object_unref (pad);

    for (i = 0; i < n; i++) {
      GstBuffer *buffer = frame_buffer (g_bytes_ref (png), i, i);

      GST_TRIAL_TSAN_RELEASE (buffer);
      g_signal_emit_by_name (appsrc, "push-buffer", buffer, &ret);
      gst_buffer_unref (buffer);
      assert_equals_int (ret, GST_FLOW_OK);
    }
    g_signal_emit_by_name (appsrc, "end-of-stream", &ret);
    gst_object_unref (appsrc);
  }

  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (bus, 60 * GST_SECOND);

    fail_unless (msg != NULL, "no EOS within 60 s");
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        fail ("error message %" GST_PTR_FORMAT, msg);
        break;
      case GST_MESSAGE_ELEMENT:
        if (gst_message_has_name (msg, "trial-stats")) {
          guint64 frames = 0;

          gst_structure_get_uint64 (gst_message_get_structure (msg), "frames",
              &frames);
          if (frames == n) {
            gst_structure_get_int (gst_message_get_structure (msg),
                "n-threads", n_threads);
            stats++;
          }
        }
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  assert_equals_int (stats, 2);
  gst_object_unref (bus);
  g_bytes_unref (png);
}

#define TWO_STREAMS "appsrc name=a format=time caps=\"image/png, width=64, " \
  "height=48, framerate=30/1\" ! trialconvert name=c1 n-threads=3 " \
  "color-mode=reencode ! fakesink " \
  "appsrc name=b format=time caps=\"image/png, width=64, height=48, " \
  "framerate=30/1\" ! trialconvert name=c2 color-mode=reencode ! fakesink"

GST_START_TEST (test_pool_shared_in_pipeline)
{
  GstElement *pipeline = gst_parse_launch (TWO_STREAMS, NULL);
  GstElement *c1 = gst_bin_get_by_name (GST_BIN (pipeline), "c1");
  GstElement *c2 = gst_bin_get_by_name (GST_BIN (pipeline), "c2");
  GObject *p1, *p2;
  guint threads = 0;
  gint n_threads = 0;
  LogWatch watch;

  log_watch_start (&watch, "trialpool", "running a job");
  run_two_streams (pipeline, 12, &n_threads);
  log_watch_stop (&watch);
  p1 = pool_of (c1);
  p2 = pool_of (c2);
  fail_unless (p1 == p2, "the two elements use different pools");
  g_object_get (p1, "n-threads", &threads, NULL);
  /* whichever element started first created it: c2 asked for all cores */
  fail_unless (threads == 3 || threads == g_get_num_processors ());
  assert_equals_int (n_threads, threads);
  /* the jobs of both elements ran in the one pool */
  assert_equals_int (log_watch_count (&watch, p1), 24);
  log_watch_clear (&watch);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_object_unref (p1);
  g_object_unref (p2);
  gst_object_unref (c1);
  gst_object_unref (c2);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_pool_set_by_application)
{
  GstElement *pipeline = gst_parse_launch (TWO_STREAMS, NULL);
  GstElement *c1 = gst_bin_get_by_name (GST_BIN (pipeline), "c1");
  GObject *pool, *p1;
  GstContext *context;
  gint n_threads = 0;
  LogWatch watch;

  pool = G_OBJECT (gst_trial_pool_new (1));
  context = gst_context_new ("gst-trial.pool", TRUE);
  gst_structure_set (gst_context_writable_structure (context), "pool",
      G_TYPE_OBJECT, pool, NULL);
  gst_element_set_context (pipeline, context);
  gst_context_unref (context);

  log_watch_start (&watch, "trialpool", "running a job");
  run_two_streams (pipeline, 10, &n_threads);
  log_watch_stop (&watch);
  assert_equals_int (n_threads, 1);
  assert_equals_int (log_watch_count (&watch, pool), 20);
  log_watch_clear (&watch);
  p1 = pool_of (c1);
  fail_unless (p1 == pool);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_object_unref (p1);
  gst_object_unref (c1);
  gst_object_unref (pipeline);
  g_object_unref (pool);
}

GST_END_TEST;

/* ---- stress ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  gint done;                    /* atomic: TSan cannot see GMutex */
} Watchdog;

static gpointer
watchdog_run (gpointer data)
{
  Watchdog *w = data;
  gint64 deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&w->lock);
  while (!g_atomic_int_get (&w->done))
    if (!g_cond_wait_until (&w->cond, &w->lock, deadline))
      break;
  if (!g_atomic_int_get (&w->done)) {
    g_printerr ("watchdog: the state-change stress hung for 120 s\n");
    abort ();
  }
  g_mutex_unlock (&w->lock);
  return NULL;
}

/* 200 runs stopped at random points: mid-stream with work in flight, after
 * a flush, after EOS; every second run shares one pool context. Under the
 * sanitizer builds this also proves nothing leaks and no job outlives its
 * element. */
GST_START_TEST (test_state_change_stress)
{
  g_autoptr (GstTrialImage) src = sample_color (320, 240, 1);
  GBytes *png = encode_png (src);
  GstContext *shared = NULL;
  Watchdog w = { 0 };
  GThread *watchdog;
  GRand *rand = g_rand_new_with_seed (6);
  guint cycle, i;

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  watchdog = g_thread_new ("watchdog", watchdog_run, &w);

  for (cycle = 0; cycle < 200; cycle++) {
    GstElement *element = gst_element_factory_make ("trialconvert", NULL);
    guint n = g_rand_int_range (rand, 0, 8);
    GstHarness *h;

    g_object_set (element, "n-threads", 2, "max-in-flight", 4,
        "color-mode", 1, NULL);
    if (cycle % 2 == 1 && shared != NULL)
      gst_element_set_context (element, shared);
    h = gst_harness_new_with_element (element, "sink", "src");
    watch_handoff (h);
    if (shared == NULL)
      shared = gst_element_get_context (element, "gst-trial.pool");
    gst_harness_set_src_caps_str (h, "image/png, width=320, height=240, "
        "framerate=30/1");
    for (i = 0; i < n; i++)
      gst_harness_push (h, frame_buffer (g_bytes_ref (png), i, i));
    switch (cycle % 4) {
      case 0:
        /* stop with work in flight */
        break;
      case 1:
        gst_harness_push_event (h, gst_event_new_flush_start ());
        gst_harness_push_event (h, gst_event_new_flush_stop (TRUE));
        push_segment (h);
        gst_harness_push (h, frame_buffer (g_bytes_ref (png), 99, 0));
        break;
      case 2:
        gst_harness_push_event (h, gst_event_new_eos ());
        break;
      case 3:
        if (n > 0)
          gst_buffer_unref (pull (h));
        gst_element_set_state (element, GST_STATE_PAUSED);
        gst_element_set_state (element, GST_STATE_PLAYING);
        break;
    }
    gst_object_unref (element);
    gst_harness_teardown (h);
  }

  g_mutex_lock (&w.lock);
  g_atomic_int_set (&w.done, TRUE);
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (watchdog);
  g_mutex_clear (&w.lock);
  g_cond_clear (&w.cond);
  gst_context_unref (shared);
  g_rand_free (rand);
  g_bytes_unref (png);
}

GST_END_TEST;

static Suite *
trialconvert_suite (void)
{
  Suite *s = suite_create ("trialconvert");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_color_png_reencode);
  tcase_add_test (tc, test_color_png_passthrough);
  tcase_add_test (tc, test_color_png_kinds);
  tcase_add_test (tc, test_color_jpeg_and_bmp);
  tcase_add_test (tc, test_color_raw_formats);
  tcase_add_test (tc, test_color_to_videoconvert);
  tcase_add_test (tc, test_depth_raw_to_npy);
  tcase_add_test (tc, test_depth_npy_buffers_recycled);
  tcase_add_test (tc, test_npy_buffers_recycled_across_threads);
  tcase_add_test (tc, test_depth_npy_and_png_inputs);
  tcase_add_test (tc, test_depth_units_by_frame_dtype);
  tcase_add_test (tc, test_depth_format_by_frame_file);
  tcase_add_test (tc, test_depth_gray16);
  tcase_add_test (tc, test_depth_colormap);
  tcase_add_test (tc, test_corrupt_png_is_gap);
  tcase_add_test (tc, test_verify_levels);
  tcase_add_test (tc, test_auto_passes_only_decodable_pngs);
  tcase_add_test (tc, test_data_after_iend);
  tcase_add_test (tc, test_messages_name_the_file);
  tcase_add_test (tc, test_gap_in_gap_out);
  tcase_add_test (tc, test_size_mismatch_is_gap);
  tcase_add_test (tc, test_max_errors);
  tcase_add_test (tc, test_order_with_mixed_costs);
  tcase_add_test (tc, test_threads_used);
  tcase_add_test (tc, test_eos_drains_and_stats);
  tcase_add_test (tc, test_stats_interval);
  tcase_add_test (tc, test_downstream_flow_propagates);
  tcase_add_test (tc, test_flush_discards_work_in_flight);
  tcase_add_test (tc, test_caps_queries);
  tcase_add_test (tc, test_caps_size_from_header);
  tcase_add_test (tc, test_caps_refused);
  tcase_add_test (tc, test_latency);
  tcase_add_test (tc, test_pool_shared_in_pipeline);
  tcase_add_test (tc, test_pool_set_by_application);
  tcase_add_test (tc, test_state_change_stress);
  return s;
}

GST_CHECK_MAIN (trialconvert);
