/* gst-trial: typefinders of the plugin (gsttrialtypefind.c). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

GST_TYPE_FIND_REGISTER_DECLARE (npy);

G_END_DECLS
