/* gst-trial: the synthetic trial generator (sample.h), drawing the scene.
 *
 * Owns the procedural scene behind gst_trial_sample_color() and
 * gst_trial_sample_depth(); sample-write.c lays a whole trial out on disk.
 * Every random choice comes from splitmix64 streams keyed by (seed,
 * camera, frame number, purpose), never from global state, so the same
 * options give the same bytes on any thread and in any order.
 *
 * The scene: a back wall and a floor with soft lighting and texture, a few
 * boxes standing in front of the wall, and a person walking left and right.
 * Depth sees the same geometry in millimetres, with the holes a RealSense
 * stereo camera leaves: a band on the left edge, a shadow left of the person,
 * ragged blobs, speckle and dropouts at box edges. */

#include <errno.h>
#include <math.h>
#include <string.h>

#include "gst/trial/sample.h"
#include "gst/trial/error.h"

#define SAMPLE_MIN_DIMENSION 16

/* Sensor noise of the color camera in 8-bit levels (standard deviation).
 * Tuned so a 640x480 frame is about 530 KB with gst_trial_png_encode()
 * at level 1, like a real RealSense color frame. */
#define SAMPLE_COLOR_NOISE_SIGMA 3.9
/* The noise tables hold a unit normal scaled by this (fixed point). */
#define SAMPLE_NOISE_UNIT 64
/* Texture tile: SAMPLE_TEXTURE_SIZE^2 signed values, about -128..127. */
#define SAMPLE_TEXTURE_SIZE 256
/* Texture amplitude in 1/256 levels per texture unit (about +-10 levels). */
#define SAMPLE_TEXTURE_AMP 20

#define SAMPLE_DEPTH_MIN 300
#define SAMPLE_DEPTH_MAX 4000
/* Frames the person takes to walk across and back. */
#define SAMPLE_WALK_PERIOD 120.0

#define SAMPLE_N_BOXES 4
#define SAMPLE_N_STATIC_HOLES 6
#define SAMPLE_N_FRAME_HOLES 3

/* Distinct purposes, so the streams of one (seed, camera, frame) differ. */
enum
{
  SAMPLE_STREAM_SCENE = 1,
  SAMPLE_STREAM_COLOR_NOISE,
  SAMPLE_STREAM_DEPTH_NOISE,
  SAMPLE_STREAM_FRAME_HOLES,
  SAMPLE_STREAM_TEXTURE,
  SAMPLE_STREAM_LIGHT,
};

typedef struct
{
  gint x0, y0, x1, y1;          /* inclusive; may reach past the image */
  gint edge;                    /* width of the soft edge, pixels */
  gint rgb[3];
  gint depth_mm;
} SampleBox;

typedef struct
{
  gdouble cx, cy, rx, ry;
} SampleEllipse;

typedef struct
{
  gint width;
  gint height;
  gint horizon;                 /* first floor row */
  gint wall_rgb[3];
  gint floor_rgb[3];
  gint wall_mm;                 /* back wall at the left edge */
  gint wall_tilt_mm;            /* added from the left edge to the right edge */
  gint floor_near_mm;           /* floor at the bottom row */
  SampleBox boxes[SAMPLE_N_BOXES];
  SampleEllipse holes[SAMPLE_N_STATIC_HOLES + SAMPLE_N_FRAME_HOLES];
  SampleEllipse body;
  SampleEllipse head;
  gint person_rgb[3];
  gint person_mm;
  guint64 texture_key;          /* static streams of the camera */
  guint64 light_key;
  guint64 color_key;            /* noise streams of this frame */
  guint64 depth_key;
} SampleScene;

static guint64
sample_splitmix64 (guint64 * state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint64
sample_key (guint64 a, guint64 b)
{
  guint64 state = a ^ (b * G_GUINT64_CONSTANT (0xD1B54A32D192ED03));

  return sample_splitmix64 (&state);
}

/* Uniform in [lo, hi). */
static gdouble
sample_uniform (guint64 * state, gdouble lo, gdouble hi)
{
  return lo + (hi - lo) * ((sample_splitmix64 (state) >> 11) * 0x1.0p-53);
}

/* Little-endian bytes of the stream, so every host gets the same ones. */
static void
sample_fill_random (guint64 * state, guint8 * dest, gsize n)
{
  while (n >= 8) {
    guint64 r = GUINT64_TO_LE (sample_splitmix64 (state));

    memcpy (dest, &r, 8);
    dest += 8;
    n -= 8;
  }
  if (n > 0) {
    guint64 r = GUINT64_TO_LE (sample_splitmix64 (state));

    memcpy (dest, &r, n);
  }
}

/* SAMPLE_NOISE_UNIT * Phi^-1 ((i + 0.5) / 256), rounded: one random byte
 * gives one normally distributed sample with no per-pixel transcendental
 * call, and the same bytes on every libm. */
static const gint16 sample_unit_normal[256] = {
  -185, -161, -149, -141, -135, -130, -125, -121, -117, -114, -111, -109,
  -106, -104, -101, -99, -97, -95, -93, -92, -90, -88, -87, -85, -84, -82,
  -81, -79, -78, -77, -75, -74, -73, -72, -71, -70, -68, -67, -66, -65, -64,
  -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -54, -53, -52, -51, -50,
  -49, -48, -48, -47, -46, -45, -44, -44, -43, -42, -41, -40, -40, -39, -38,
  -37, -37, -36, -35, -34, -34, -33, -32, -32, -31, -30, -30, -29, -28, -27,
  -27, -26, -25, -25, -24, -23, -23, -22, -21, -21, -20, -19, -19, -18, -17,
  -17, -16, -16, -15, -14, -14, -13, -12, -12, -11, -10, -10, -9, -8, -8, -7,
  -7, -6, -5, -5, -4, -3, -3, -2, -2, -1, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5, 6, 7,
  7, 8, 8, 9, 10, 10, 11, 12, 12, 13, 14, 14, 15, 16, 16, 17, 17, 18, 19, 19,
  20, 21, 21, 22, 23, 23, 24, 25, 25, 26, 27, 27, 28, 29, 30, 30, 31, 32, 32,
  33, 34, 34, 35, 36, 37, 37, 38, 39, 40, 40, 41, 42, 43, 44, 44, 45, 46, 47,
  48, 48, 49, 50, 51, 52, 53, 54, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64,
  65, 66, 67, 68, 70, 71, 72, 73, 74, 75, 77, 78, 79, 81, 82, 84, 85, 87, 88,
  90, 92, 93, 95, 97, 99, 101, 104, 106, 109, 111, 114, 117, 121, 125, 130,
  135, 141, 149, 161, 185
};

/* sample_unit_normal scaled to standard deviation @sigma. */
static void
sample_normal_table (gdouble sigma, gint16 table[256])
{
  for (guint i = 0; i < 256; i++)
    table[i] = (gint16) lround (sample_unit_normal[i] * sigma
        / SAMPLE_NOISE_UNIT);
}

static gint
sample_clamp (gint v, gint lo, gint hi)
{
  return v < lo ? lo : (v > hi ? hi : v);
}

static void
sample_scene_init (SampleScene * scene, const GstTrialSampleOptions * options,
    guint camera_index, gint64 number)
{
  gint w = options->width, h = options->height;
  guint64 camera_key = sample_key (options->seed, (guint64) camera_index + 1);
  guint64 rng = sample_key (camera_key, SAMPLE_STREAM_SCENE);
  guint64 frame_key = sample_key (camera_key, (guint64) number);
  guint64 frame_rng = sample_key (frame_key, SAMPLE_STREAM_FRAME_HOLES);
  gdouble phase, walk, shade;
  guint i;

  memset (scene, 0, sizeof (*scene));
  scene->width = w;
  scene->height = h;
  scene->horizon = (gint) (h * sample_uniform (&rng, 0.55, 0.68));

  shade = sample_uniform (&rng, 120, 190);
  for (i = 0; i < 3; i++) {
    scene->wall_rgb[i] = (gint) (shade + sample_uniform (&rng, -25, 25));
    scene->floor_rgb[i] = (gint) (shade * 0.55
        + sample_uniform (&rng, -20, 20));
  }
  scene->wall_mm = (gint) sample_uniform (&rng, 3300, 3700);
  scene->wall_tilt_mm = (gint) sample_uniform (&rng, -300, 300);
  scene->floor_near_mm = (gint) sample_uniform (&rng, 600, 900);

  for (i = 0; i < SAMPLE_N_BOXES; i++) {
    SampleBox *box = &scene->boxes[i];
    gint bw = (gint) (w * sample_uniform (&rng, 0.08, 0.25));
    gint bh = (gint) (h * sample_uniform (&rng, 0.12, 0.45));

    box->x0 = (gint) (w * sample_uniform (&rng, -0.05, 0.9));
    box->y0 = (gint) (scene->horizon * sample_uniform (&rng, 0.1, 0.85));
    box->x1 = box->x0 + MAX (bw, 2);
    box->y1 = box->y0 + MAX (bh, 2);
    box->edge = MAX (2, w / 200);
    for (guint c = 0; c < 3; c++)
      box->rgb[c] = (gint) sample_uniform (&rng, 30, 225);
    box->depth_mm = (gint) sample_uniform (&rng, 2000, 2900);
  }

  for (i = 0; i < SAMPLE_N_STATIC_HOLES + SAMPLE_N_FRAME_HOLES; i++) {
    guint64 *r = i < SAMPLE_N_STATIC_HOLES ? &rng : &frame_rng;
    SampleEllipse *hole = &scene->holes[i];

    hole->cx = w * sample_uniform (r, 0.0, 1.0);
    hole->cy = h * sample_uniform (r, 0.0, 1.0);
    hole->rx = MAX (1.0, w * sample_uniform (r, 0.012, 0.035));
    hole->ry = MAX (1.0, hole->rx * sample_uniform (r, 0.5, 1.5));
  }

  for (i = 0; i < 3; i++)
    scene->person_rgb[i] = (gint) sample_uniform (&rng, 40, 200);
  phase = sample_uniform (&rng, 0.0, 2.0 * G_PI);
  walk = 2.0 * G_PI * fmod ((gdouble) number, SAMPLE_WALK_PERIOD)
      / SAMPLE_WALK_PERIOD + phase;
  scene->person_mm = (gint) (sample_uniform (&rng, 1500, 1800)
      + 250.0 * cos (walk));

  scene->body.cx = w * (0.5 + 0.3 * sin (walk));
  scene->body.rx = MAX (2.0, w * 0.085);
  scene->body.ry = MAX (2.0, h * 0.27);
  scene->body.cy = h * 0.62;
  scene->head.cx = scene->body.cx;
  scene->head.rx = MAX (1.0, w * 0.04);
  scene->head.ry = MAX (1.0, h * 0.07);
  scene->head.cy = scene->body.cy - scene->body.ry - scene->head.ry * 0.7;

  scene->texture_key = sample_key (camera_key, SAMPLE_STREAM_TEXTURE);
  scene->light_key = sample_key (camera_key, SAMPLE_STREAM_LIGHT);
  scene->color_key = sample_key (frame_key, SAMPLE_STREAM_COLOR_NOISE);
  scene->depth_key = sample_key (frame_key, SAMPLE_STREAM_DEPTH_NOISE);
}

/* The columns [*x0, *x1] of the image that row @y of @e covers; FALSE when
 * the row misses it. */
static gboolean
sample_ellipse_row (const SampleEllipse * e, gint y, gint width, gint * x0,
    gint * x1)
{
  gdouble dy = (y + 0.5 - e->cy) / e->ry;
  gdouble half;

  if (dy <= -1.0 || dy >= 1.0)
    return FALSE;
  half = e->rx * sqrt (1.0 - dy * dy);
  *x0 = MAX (0, (gint) floor (e->cx - half));
  *x1 = MIN (width - 1, (gint) ceil (e->cx + half));
  return *x0 <= *x1;
}

/* 0 at the centre of @e, 1 on its outline. */
static gdouble
sample_ellipse_q (const SampleEllipse * e, gint x, gint y)
{
  gdouble dx = (x + 0.5 - e->cx) / e->rx;
  gdouble dy = (y + 0.5 - e->cy) / e->ry;

  return dx * dx + dy * dy;
}

/* Coverage 0..256 of @box at (x, y): ramps up over box->edge pixels. */
static gint
sample_box_alpha (const SampleBox * box, gint x, gint y)
{
  gint dx = MIN (x - box->x0, box->x1 - x);
  gint dy = MIN (y - box->y0, box->y1 - y);
  gint ax = sample_clamp ((dx + 1) * 256 / box->edge, 0, 256);
  gint ay = sample_clamp ((dy + 1) * 256 / box->edge, 0, 256);

  return ax * ay >> 8;
}

/* Smooth value noise over a torus, two octaves, -128..127. It stands for
 * plaster, wood grain and fabric: mid-frequency detail a PNG filter cannot
 * predict from the neighbouring pixel. */
static gint8 *
sample_texture_new (guint64 key)
{
  enum
  { COARSE = 16, FINE = 64 };
  guint64 rng = key;
  gint coarse[COARSE * COARSE], fine[FINE * FINE];
  gint smooth[16];
  gint8 *tex = g_malloc (SAMPLE_TEXTURE_SIZE * SAMPLE_TEXTURE_SIZE);

  for (guint i = 0; i < G_N_ELEMENTS (coarse); i++)
    coarse[i] = (gint) sample_uniform (&rng, -90, 90);
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    fine[i] = (gint) sample_uniform (&rng, -40, 40);
  /* smoothstep over one coarse cell (16 pixels), 0..256 */
  for (guint i = 0; i < 16; i++) {
    gdouble t = i / 16.0;

    smooth[i] = (gint) lround (256.0 * t * t * (3.0 - 2.0 * t));
  }

  for (gint y = 0; y < SAMPLE_TEXTURE_SIZE; y++) {
    gint cy0 = y / 16, cy1 = (cy0 + 1) % COARSE, wy = smooth[y % 16];
    gint fy0 = y / 4, fy1 = (fy0 + 1) % FINE, fwy = smooth[(y % 4) * 4];

    for (gint x = 0; x < SAMPLE_TEXTURE_SIZE; x++) {
      gint cx0 = x / 16, cx1 = (cx0 + 1) % COARSE, wx = smooth[x % 16];
      gint fx0 = x / 4, fx1 = (fx0 + 1) % FINE, fwx = smooth[(x % 4) * 4];
      gint top = coarse[cy0 * COARSE + cx0] * (256 - wx)
          + coarse[cy0 * COARSE + cx1] * wx;
      gint bottom = coarse[cy1 * COARSE + cx0] * (256 - wx)
          + coarse[cy1 * COARSE + cx1] * wx;
      gint c = (top * (256 - wy) + bottom * wy) >> 16;
      gint ftop = fine[fy0 * FINE + fx0] * (256 - fwx)
          + fine[fy0 * FINE + fx1] * fwx;
      gint fbottom = fine[fy1 * FINE + fx0] * (256 - fwx)
          + fine[fy1 * FINE + fx1] * fwx;
      gint f = (ftop * (256 - fwy) + fbottom * fwy) >> 16;

      tex[y * SAMPLE_TEXTURE_SIZE + x] = (gint8) sample_clamp (c + f, -128,
          127);
    }
  }
  return tex;
}

gboolean
gst_trial_sample_check_size (const GstTrialSampleOptions * options,
    GError ** error)
{
  if (options->width < SAMPLE_MIN_DIMENSION
      || options->height < SAMPLE_MIN_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "sample size %ux%u is too small: width and height must be at least %d",
        options->width, options->height, SAMPLE_MIN_DIMENSION);
    return FALSE;
  }
  if (options->width > GST_TRIAL_MAX_DIMENSION
      || options->height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "sample size %ux%u is too large: width and height must be at most %d",
        options->width, options->height, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }
  return TRUE;
}

GstTrialImage *
gst_trial_sample_color (const GstTrialSampleOptions * options,
    guint camera_index, gint64 number, GError ** error)
{
  g_autoptr (GstTrialImage) image = NULL;
  g_autofree gint *acc = NULL;
  g_autofree gint *column = NULL;
  g_autofree gint *light_x = NULL;
  g_autofree guint8 *noise = NULL;
  g_autofree gint8 *tex = NULL;
  gint16 normal[256];
  SampleScene scene;
  guint64 rng, light_rng;
  gint w, h;

  g_return_val_if_fail (options != NULL, NULL);

  if (!gst_trial_sample_check_size (options, error))
    return NULL;
  image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, options->width,
      options->height, error);
  if (image == NULL)
    return NULL;

  sample_scene_init (&scene, options, camera_index, number);
  w = scene.width;
  h = scene.height;
  rng = scene.color_key;
  light_rng = scene.light_key;
  tex = sample_texture_new (scene.texture_key);
  sample_normal_table (SAMPLE_COLOR_NOISE_SIGMA, normal);

  /* Light falls off towards the sides (vignetting) and varies slowly along
   * the wall; both are per column, so the inner loop stays integer. */
  acc = g_new (gint, (gsize) w * 3);
  column = g_new (gint, w);
  light_x = g_new (gint, w);
  noise = g_malloc ((gsize) w * 3);
  {
    gdouble knot0 = 0.0, knot1 = sample_uniform (&light_rng, -12, 12);
    gint span = MAX (1, w / 4);

    for (gint x = 0; x < w; x++) {
      gdouble u = (x - w * 0.5) / (w * 0.5);
      gdouble t = (gdouble) (x % span) / span;

      if (x % span == 0) {
        knot0 = knot1;
        knot1 = sample_uniform (&light_rng, -12, 12);
      }
      column[x] = (gint) (knot0 + (knot1 - knot0) * t * t * (3.0 - 2.0 * t));
      light_x[x] = (gint) (256.0 * (1.0 - 0.16 * u * u));
    }
  }

  for (gint y = 0; y < h; y++) {
    guint8 *out = image->data + (gsize) y * image->stride;
    const gint8 *tex_row =
        tex + (y % SAMPLE_TEXTURE_SIZE) * SAMPLE_TEXTURE_SIZE;
    gdouble v = (y - h * 0.5) / (h * 0.5);
    gint light_y = (gint) (256.0 * (1.0 - 0.12 * v * v));
    gint base[3];
    gint x0, x1;

    for (guint c = 0; c < 3; c++) {
      if (y < scene.horizon)
        base[c] = scene.wall_rgb[c] + 25 * (scene.horizon - y) / scene.horizon;
      else
        base[c] = scene.floor_rgb[c] + 30 * (y - scene.horizon)
            / MAX (1, h - scene.horizon);
    }
    for (gint x = 0; x < w; x++) {
      acc[3 * x + 0] = base[0] + column[x];
      acc[3 * x + 1] = base[1] + column[x];
      acc[3 * x + 2] = base[2] + column[x];
    }

    for (guint i = 0; i < SAMPLE_N_BOXES; i++) {
      const SampleBox *box = &scene.boxes[i];

      if (y < box->y0 || y > box->y1)
        continue;
      for (gint x = MAX (0, box->x0); x <= MIN (w - 1, box->x1); x++) {
        gint a = sample_box_alpha (box, x, y);

        for (guint c = 0; c < 3; c++)
          acc[3 * x + c] += (box->rgb[c] - acc[3 * x + c]) * a >> 8;
      }
    }

    for (guint part = 0; part < 2; part++) {
      const SampleEllipse *e = part == 0 ? &scene.body : &scene.head;
      gdouble inner = 1.0 - 6.0 / MIN (e->rx, e->ry);

      if (!sample_ellipse_row (e, y, w, &x0, &x1))
        continue;
      for (gint x = x0; x <= x1; x++) {
        gdouble q = sample_ellipse_q (e, x, y);
        gint a, shade;

        if (q >= 1.0)
          continue;
        a = q <= inner ? 256 : (gint) (256.0 * (1.0 - q) / (1.0 - inner));
        /* rounder towards the middle: lit from the front */
        shade = (gint) (45.0 * (1.0 - q));
        for (guint c = 0; c < 3; c++)
          acc[3 * x + c] += (scene.person_rgb[c] + shade - acc[3 * x + c])
              * a >> 8;
      }
    }

    sample_fill_random (&rng, noise, (gsize) w * 3);
    for (gint x = 0; x < w; x++) {
      gint t = tex_row[x % SAMPLE_TEXTURE_SIZE] * SAMPLE_TEXTURE_AMP;
      gint light = light_x[x] * light_y >> 8;

      for (guint c = 0; c < 3; c++) {
        gint value = ((acc[3 * x + c] * 256 + t) * light >> 16)
            + normal[noise[3 * x + c]];

        out[3 * x + c] = (guint8) sample_clamp (value, 0, 255);
      }
    }
  }

  return g_steal_pointer (&image);
}

GstTrialImage *
gst_trial_sample_depth (const GstTrialSampleOptions * options,
    guint camera_index, gint64 number, GError ** error)
{
  g_autoptr (GstTrialImage) image = NULL;
  g_autofree gint *row = NULL;
  g_autofree gint *wall = NULL;
  g_autofree guint8 *noise = NULL;
  SampleScene scene;
  guint64 rng;
  gint w, h, band, shadow, floor_dy0;

  g_return_val_if_fail (options != NULL, NULL);

  if (!gst_trial_sample_check_size (options, error))
    return NULL;
  image = gst_trial_image_new (GST_TRIAL_PIXEL_GRAY16, options->width,
      options->height, error);
  if (image == NULL)
    return NULL;

  sample_scene_init (&scene, options, camera_index, number);
  w = scene.width;
  h = scene.height;
  rng = scene.depth_key;

  row = g_new (gint, w);
  wall = g_new (gint, w);
  noise = g_malloc ((gsize) w * 2);
  for (gint x = 0; x < w; x++)
    wall[x] = scene.wall_mm + scene.wall_tilt_mm * x / w;
  /* A flat floor seen from above: z = wall * d0 / (dy + d0) for a row dy
   * below the horizon, continuous with the wall and floor_near_mm at the
   * bottom row. */
  floor_dy0 = MAX (1, scene.floor_near_mm * (h - 1 - scene.horizon)
      / MAX (1, scene.wall_mm - scene.floor_near_mm));
  /* RealSense leaves the left edge (seen by one imager only) and the strip
   * left of near objects (occluded for the other imager) without depth. */
  band = MAX (1, w * 3 / 128);
  shadow = MAX (1, w / 64);

  for (gint y = 0; y < h; y++) {
    guint16 *out = (guint16 *) (image->data + (gsize) y * image->stride);
    gint x0, x1;

    for (gint x = 0; x < w; x++) {
      gint z = wall[x];

      if (y >= scene.horizon)
        z = MIN (z, scene.wall_mm * floor_dy0 / (y - scene.horizon
                + floor_dy0));
      row[x] = z;
    }

    for (guint i = 0; i < SAMPLE_N_BOXES; i++) {
      const SampleBox *box = &scene.boxes[i];

      if (y < box->y0 || y > box->y1)
        continue;
      for (gint x = MAX (0, box->x0); x <= MIN (w - 1, box->x1); x++) {
        /* painted in order, as in the color image */
        if (sample_box_alpha (box, x, y) >= 128)
          row[x] = box->depth_mm;
      }
    }

    for (guint part = 0; part < 2; part++) {
      const SampleEllipse *e = part == 0 ? &scene.body : &scene.head;

      if (!sample_ellipse_row (e, y, w, &x0, &x1))
        continue;
      for (gint x = x0; x <= x1; x++) {
        gdouble q = sample_ellipse_q (e, x, y);

        /* the person stands on the floor in front of everything */
        if (q < 1.0)
          row[x] = scene.person_mm - (gint) (150.0 * (1.0 - q));
      }
    }

    /* noise grows with the square of the distance, as for any stereo
     * camera: sigma16 is the standard deviation in 1/16 mm, about 3 mm at
     * 1 m and 24 mm at 3.5 m; the unit normal has SAMPLE_NOISE_UNIT 64 */
    sample_fill_random (&rng, noise, (gsize) w * 2);
    for (gint x = 0; x < w; x++) {
      gint z = row[x];
      gint sigma16 = 16 + (z * z >> 15);

      z += sample_unit_normal[noise[2 * x]] * sigma16 >> 10;
      row[x] = sample_clamp (z, SAMPLE_DEPTH_MIN, SAMPLE_DEPTH_MAX);
      /* isolated dropouts */
      if (noise[2 * x + 1] < 2)
        row[x] = 0;
    }

    for (gint x = 0; x < MIN (band, w); x++)
      row[x] = 0;

    for (guint part = 0; part < 2; part++) {
      const SampleEllipse *e = part == 0 ? &scene.body : &scene.head;

      if (!sample_ellipse_row (e, y, w, &x0, &x1))
        continue;
      for (gint x = MAX (0, x0 - shadow); x < x0; x++)
        row[x] = 0;
    }

    for (guint i = 0; i < SAMPLE_N_BOXES; i++) {
      const SampleBox *box = &scene.boxes[i];

      if (y < box->y0 || y > box->y1)
        continue;
      for (gint x = MAX (0, box->x0); x <= MIN (w - 1, box->x1); x++) {
        gint a = sample_box_alpha (box, x, y);

        if (a > 0 && a < 256 && (noise[2 * x + 1] & 1))
          row[x] = 0;
      }
    }

    for (guint i = 0; i < G_N_ELEMENTS (scene.holes); i++) {
      const SampleEllipse *e = &scene.holes[i];

      if (!sample_ellipse_row (e, y, w, &x0, &x1))
        continue;
      for (gint x = x0; x <= x1; x++) {
        /* ragged outline: the random byte moves the edge by up to 25% */
        if (sample_ellipse_q (e, x, y) * 256.0 < 192 + (noise[2 * x + 1] >> 2))
          row[x] = 0;
      }
    }

    for (gint x = 0; x < w; x++)
      out[x] = (guint16) row[x];
  }

  return g_steal_pointer (&image);
}

gint64
gst_trial_sample_frame_number (const GstTrialSampleOptions * options,
    guint index)
{
  gint64 candidate = index;

  g_return_val_if_fail (options != NULL, -1);

  if (options->gap_every > 1)
    candidate += index / (options->gap_every - 1);
  return options->start_frame + candidate;
}
