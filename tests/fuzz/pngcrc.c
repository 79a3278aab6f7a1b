/* gst-trial fuzzing: PNG inputs with their chunk CRCs repaired, shared by
 * fuzz-png.c and fuzz-png-fast.c. Random bytes rarely carry correct chunk
 * CRCs, so every input that starts with the PNG signature is tried a
 * second time with its CRCs recomputed: that lets the fuzzer reach the
 * IDAT and pixel code. */
#include <string.h>
#include <zlib.h>

#include "tests/fuzz/fuzz.h"

static const guint8 signature[8] = { 137, 80, 78, 71, 13, 10, 26, 10 };

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

/* A copy of @data with the CRC of every whole chunk recomputed; NULL when
 * @data is no PNG or already had every CRC right. */
static guint8 *
copy_with_fixed_crcs (const guint8 * data, gsize size)
{
  g_autofree guint8 *copy = NULL;
  gboolean changed = FALSE;
  gsize pos = sizeof (signature);

  if (size < sizeof (signature) || memcmp (data, signature,
          sizeof (signature)) != 0)
    return NULL;
  copy = g_memdup2 (data, size);
  while (size - pos >= 12) {
    guint32 length = be32 (copy + pos);
    guint32 crc;

    if (length > size - pos - 12)
      break;
    crc = crc32 (0, copy + pos + 4, length + 4);
    if (be32 (copy + pos + 8 + length) != crc) {
      copy[pos + 8 + length] = crc >> 24;
      copy[pos + 9 + length] = crc >> 16;
      copy[pos + 10 + length] = crc >> 8;
      copy[pos + 11 + length] = crc;
      changed = TRUE;
    }
    pos += 12 + (gsize) length;
  }
  return changed ? g_steal_pointer (&copy) : NULL;
}

void
fuzz_png_with_fixed_crcs (const guint8 * data, gsize size,
    FuzzPngPass pass)
{
  g_autofree guint8 *fixed = NULL;

  pass (data, size);
  fixed = copy_with_fixed_crcs (data, size);
  if (fixed != NULL)
    pass (fixed, size);
}
